// The runner's pure parts: overwrite decisions, filters, globs, netrc,
// interpolation, redaction, permissions, and the live progress frame.

import assert from "node:assert/strict";
import { decide } from "../../src/runner/_compare.ts";
import { compileFilter, splitGlob } from "../../src/runner/_filter.ts";
import { interpolate } from "../../src/runner/_interpolate.ts";
import { findNetrcEntry } from "../../src/runner/_netrc.ts";
import { makeRedactor, urlPasswords } from "../../src/runner/redact.ts";
import { renderFrame } from "../../src/cli/_render.ts";
import { defineTask, permissionFlags } from "../../src/runner/mod.ts";

const at = (iso: string) => new Date(iso);

Deno.test("overwrite policies", () => {
  const src = { size: 10, mtime: at("2026-01-02T00:00:10.400Z") };
  assert.equal(decide("different", src, undefined, true).reason, "new");
  assert.equal(
    decide("different", src, { size: 10, mtime: at("2026-01-02T00:00:10Z") }, true).transfer,
    false,
  );
  assert.equal(
    decide("different", src, { size: 11, mtime: src.mtime }, true).reason,
    "size differs",
  );
  assert.equal(
    decide("different", src, { size: 10, mtime: at("2026-01-01T00:00:00Z") }, true).transfer,
    true,
  );
  // Without MFMT the upload time stays on the server: not older means up to date.
  assert.equal(
    decide("different", src, { size: 10, mtime: at("2026-03-01T00:00:00Z") }, false).transfer,
    false,
  );
  assert.equal(
    decide("different", src, { size: 10, mtime: at("2026-03-01T00:00:00Z") }, true).transfer,
    true,
  );
  assert.equal(
    decide("newer", src, { size: 1, mtime: at("2026-03-01T00:00:00Z") }, true).transfer,
    false,
  );
  assert.equal(
    decide("newer", src, { size: 1, mtime: at("2025-03-01T00:00:00Z") }, true).transfer,
    true,
  );
  assert.equal(decide("never", src, { size: 1 }, true).transfer, false);
  assert.equal(decide("always", src, { size: 10, mtime: src.mtime }, true).transfer, true);
  assert.equal(
    decide("different", { size: 10 }, { size: 10 }, true).reason,
    "up to date (same size)",
  );
});

Deno.test("filters: first match wins; include rules make the rest excluded", async () => {
  const f = await compileFilter([{ exclude: "drafts" }, { exclude: "**/*.map" }, {
    include: "**",
  }]);
  assert.equal(f.includes("a/b.js"), true);
  assert.equal(f.includes("a/b.js.map"), false);
  assert.equal(f.prunes("drafts"), true);
  assert.equal(f.includes("x.ferry-part"), false);
  const only = await compileFilter([{ include: "**/*.html" }]);
  assert.equal(only.includes("a/index.html"), true);
  assert.equal(only.includes("a/app.js"), false);
  assert.equal(only.prunes("a"), false, "directories are entered unless excluded");
  assert.equal((await compileFilter([])).includes(".hidden/file"), true);
  assert.deepEqual(await splitGlob("dist/**/*.css"), { base: "dist", glob: "**/*.css" });
  assert.deepEqual(await splitGlob("logs/app.log"), { base: "logs/app.log" });
});

Deno.test("netrc: machine, default, quotes, macdef and login matching", () => {
  const text = `# comment
machine other.example.com login x password y
macdef init
cd /pub

machine ftp.example.com login alice password "with space"
machine ftp.example.com login bob password b0b account acc
default login anonymous password me@example.com`;
  assert.deepEqual(findNetrcEntry(text, "FTP.example.com"), {
    login: "alice",
    password: "with space",
  });
  assert.deepEqual(findNetrcEntry(text, "ftp.example.com", "bob"), {
    login: "bob",
    password: "b0b",
    account: "acc",
  });
  assert.deepEqual(findNetrcEntry(text, "nowhere"), {
    login: "anonymous",
    password: "me@example.com",
  });
  assert.equal(findNetrcEntry("machine a login b password c", "z"), undefined);
});

Deno.test("interpolation: defaults, empties, escapes and located problems", () => {
  const env: Record<string, string> = { A: "1", EMPTY: "" };
  const { data, problems } = interpolate(
    {
      a: "${A}",
      b: "${B:-two}",
      c: "$${A}",
      d: ["${EMPTY}", "${EMPTY:-x}", "pa$$word"],
      e: "${MISSING}",
      f: "${1x}",
    },
    (name) => env[name],
  );
  assert.deepEqual(data, {
    a: "1",
    b: "two",
    c: "${A}",
    d: ["", "x", "pa$$word"],
    e: "${MISSING}",
    f: "${1x}",
  });
  assert.deepEqual(problems.map((p) => p.path), [["e"], ["f"]]);
  assert.match(problems[0].message, /MISSING is not set/);
});

Deno.test("redaction hides the secret and its URL-encoded form", () => {
  const redact = makeRedactor(["p@ss word", ""]);
  assert.equal(redact("x p@ss word y p%40ss%20word z"), "x *** y *** z");
  assert.equal(makeRedactor([])("unchanged ftp://h:21/ a@b"), "unchanged ftp://h:21/ a@b");
  assert.equal(
    makeRedactor([])("at ftp://bob:p@ss@host/x and ftpes://amy:y@h:2121/"),
    "at ftp://bob:***@host/x and ftpes://amy:***@h:2121/",
  );
  assert.deepEqual(urlPasswords("ftp://bob:p%40ss@host/"), ["p%40ss", "p@ss"]);
  assert.deepEqual(urlPasswords("ftp://bob@host/"), []);
});

Deno.test("permission flags and defineTask", () => {
  const permissions = { net: ["h"], read: ["/a", "/b"], write: [], env: ["X"], notes: [] };
  assert.deepEqual(permissionFlags(permissions), [
    "--allow-net=h",
    "--allow-read=/a,/b",
    "--allow-env=X",
  ]);
  const task = { version: 1 as const, connection: { url: "ftp://h" }, steps: [{ mkdir: "x" }] };
  assert.equal(defineTask(task), task);
});

Deno.test("progress frame: bars when wide, none when narrow, never wider than the terminal", () => {
  const active = [{
    label: "↓ a/very/long/path/to/some/file/that/goes/on/and/on.bin",
    bytes: 500_000,
    size: 1_000_000,
  }];
  const total = {
    files: 3,
    filesPlanned: 10,
    bytes: 2_000_000,
    bytesPlanned: 8_000_000,
    elapsedMs: 2000,
  };
  const wide = renderFrame(active, total, 100);
  assert.match(wide[0], /\[#{5}-{5}|\[#+-+\]/);
  assert.match(wide[0], / 50% /);
  assert.match(wide[1], /3\/10 files · 2\.0 MB of 8\.0 MB · 1\.0 MB\/s · ETA 0:06/);
  const narrow = renderFrame(active, total, 40);
  assert.ok(!narrow[0].includes("["), "no bar on a narrow terminal");
  for (const line of [...wide, ...narrow]) {
    assert.ok(!line.includes("\x1b["), "frames carry no colour codes");
  }
  for (const line of narrow) assert.ok(line.length <= 39, line);
  for (const line of wide) assert.ok(line.length <= 99, line);
});

Deno.test("redaction: a short password is hidden where it stands, not in unrelated text", () => {
  const redact = makeRedactor(["x"]);
  for (
    const text of [
      "mkdir x/should-not-exist",
      "550 /tmp/ferry-x/should-not-exist: No such file",
      "Please log in with USER and PASS first",
      "connection.password: Invalid input: expected string",
      "run deno with --allow-env=FTP_PASSWORD",
    ]
  ) {
    assert.equal(redact(text), text);
  }
  assert.equal(redact("at ftp://bob:x@host/x"), "at ftp://bob:***@host/x");
  assert.equal(redact("  [1] > PASS x"), "  [1] > PASS ***");
  assert.equal(redact('server reply to "PASS x"): retry'), 'server reply to "PASS ***"): retry');
  assert.equal(redact("ACCT x"), "ACCT ***");
  assert.equal(redact('{"user":"bob","password":"x"}'), '{"user":"bob","password":"***"}');
  assert.equal(redact("connection:\n  password: x\n"), "connection:\n  password: ***\n");
  assert.equal(redact("  password: ${FTP_PASSWORD}"), "  password: ${FTP_PASSWORD}");
  assert.equal(
    redact("unexpected argument FTP_PASSWORD=x"),
    "unexpected argument FTP_PASSWORD=***",
  );
});

Deno.test("redaction: a long password is hidden in every encoded form, mixed and in either hex case", () => {
  const secret = "S3cr3t/P4ss!(x)'*é ~";
  const redact = makeRedactor([secret]);
  const strict = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16));
  const forms = [
    secret,
    encodeURIComponent(secret),
    encodeURI(secret),
    strict(secret),
    strict(secret).toLowerCase().replace(/s3cr3t/, "S3cr3t").replace(/p4ss/, "P4ss"),
    encodeURIComponent(secret).replace(/%20/g, "+"),
    // Mixed: some characters encoded, others not.
    "S3cr3t%2FP4ss!%28x)'%2a%C3%A9%20~",
    // Encoded twice.
    encodeURIComponent(encodeURIComponent(secret)),
  ];
  for (const form of forms) {
    assert.equal(redact(`550 ${form}: no such file`), "550 ***: no such file", form);
  }
  assert.equal(makeRedactor(["S3cr3t-P4ss!"])("550 S3cr3t-P4ss%21."), "550 ***.");
  assert.equal(makeRedactor(["hunter2"])("echo hunter2hunter2"), "echo ******");
});

Deno.test("redaction: URLs whose password holds @ / # show no piece of it", () => {
  const redact = makeRedactor([]);
  for (
    const url of [
      "ftp://bob:Qz7@Vw9@host/",
      "ftp://bob:Qz7/Vw9@host/",
      "ftp://bob:Qz7#Vw9@host/x",
      "ftp://bob:Qz7@127.0.0.2/Vw9@host/",
      "ftpes://bob:2121/Vw9@host:990/",
    ]
  ) {
    const out = redact(`ferry: cannot use "${url}" (see --help)`);
    assert.ok(!/Qz7|Vw9/.test(out), out);
    assert.match(out, /ftpe?s?:\/\/bob:\*\*\*@host/);
  }
});
