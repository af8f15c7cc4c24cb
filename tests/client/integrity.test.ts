// Transfer integrity owned by the client (issue 16, point 2): downloadTo a
// local path and uploads of a whole source keep the final path whole (the
// old file or the new one, never a part), check sizes, resume only from
// bytes known good, and report per-call progress. Each option is checked
// against the embedded server and vsftpd, with hashes of what the disks
// hold afterwards.

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FtpClient,
  FtpInputError,
  FtpPermanentError,
  FtpSizeMismatchError,
  type TransferProgress,
} from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { hostileServer } from "../hardening/_hostile_server.ts";
import { LABS } from "../_servers/labs.ts";

const KiB = 1024;
const OLD = "the old version, which must survive\n";

/** Writes a file on the server's disk that the server may write to (vsftpd runs as `ftp`). */
async function serverFile(path: string, bytes: Uint8Array | string): Promise<void> {
  if (typeof bytes === "string") await Deno.writeTextFile(path, bytes);
  else await Deno.writeFile(path, bytes);
  await Deno.chmod(path, 0o666);
}

/** The names in a local directory, sorted. */
function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

/** Checks a call's progress reports: a start at the offset, rising, ending at the total. */
function assertProgress(reports: TransferProgress[], offset: number, total: number, label: string) {
  assert.ok(reports.length >= 2, `${label}: ${JSON.stringify(reports)}`);
  assert.deepEqual(reports[0], { bytes: offset, offset, total }, `${label}: the start`);
  for (let i = 1; i < reports.length; i++) {
    assert.ok(reports[i].bytes > reports[i - 1].bytes, `${label}: rising at ${i}`);
    assert.equal(reports[i].offset, offset, label);
    assert.equal(reports[i].total, total, label);
  }
  assert.equal(reports.at(-1)!.bytes, total, `${label}: the end`);
}

for (const lab of LABS) {
  Deno.test({
    name:
      `downloadTo with size: short of it fails, nothing is put in place, the old file stays (${lab.name})`,
    ignore: lab.ignore,
    async fn() {
      await using server = await lab.start();
      await using dir = await tempDir();
      const bytes = pseudoRandomBytes(300 * KiB, 41);
      await Deno.writeFile(join(server.dir, "f.bin"), bytes);
      const local = join(dir.path, "f.bin");
      await Deno.writeTextFile(local, OLD);
      await using client = await FtpClient.connect(server.url);

      // The server sends its whole file and a 226, but fewer bytes than expected.
      const expected = bytes.length + 1000;
      const error = await client.downloadTo("f.bin", local, { size: expected }).catch((e) => e);
      assert.ok(error instanceof FtpSizeMismatchError, String(error));
      assert.deepEqual([error.expected, error.actual, error.retryable], [
        expected,
        bytes.length,
        true,
      ]);
      assert.match(error.message, /received 307200 of 308200 bytes/);
      assert.equal(await Deno.readTextFile(local), OLD, "the old file is untouched");
      assert.deepEqual(names(dir.path), ["f.bin"], "no partial file is left without resume");

      // With keepTemporary the partial file stays, for a later call to continue.
      await assert.rejects(
        client.downloadTo("f.bin", local, { size: expected, keepTemporary: true }),
        FtpSizeMismatchError,
      );
      assert.equal(await Deno.readTextFile(local), OLD);
      assert.equal((await Deno.stat(`${local}.ferry-part`)).size, bytes.length);

      // The right size: whole, in place, and no temporary.
      const done = await client.downloadTo("f.bin", local, { size: bytes.length });
      assert.equal(done.bytes, bytes.length);
      assert.equal(await sha256File(local), sha256(bytes));
      assert.deepEqual(names(dir.path), ["f.bin"]);
    },
  });

  Deno.test({
    name:
      `downloadTo resume with resumeCheck: a matching tail continues, a differing one starts over (${lab.name})`,
    ignore: lab.ignore,
    async fn() {
      await using server = await lab.start();
      await using dir = await tempDir();
      const bytes = pseudoRandomBytes(500 * KiB, 42);
      await Deno.writeFile(join(server.dir, "r.bin"), bytes);
      const local = join(dir.path, "r.bin");
      await using client = await FtpClient.connect(server.url);
      const warnings: string[] = [];
      client.addEventListener("warning", (e) => warnings.push(e.message));
      const options = { size: bytes.length, resume: true, resumeCheck: 64 * KiB };

      // The start of this very file: continued after 64 KiB are compared.
      await Deno.writeFile(`${local}.ferry-part`, bytes.subarray(0, 200 * KiB));
      const resumed = await client.downloadTo("r.bin", local, options);
      assert.equal(resumed.resumedFrom, 200 * KiB);
      assert.equal(resumed.bytes, 300 * KiB + 64 * KiB, "the compared bytes, then the rest");
      assert.equal(await sha256File(local), sha256(bytes));
      assert.deepEqual(warnings, []);
      if (server.commands) assert.ok(server.commands().includes(`REST ${136 * KiB}`));

      // Another file's start (a rotated log, a replaced file): the tail differs.
      const other = pseudoRandomBytes(200 * KiB, 43);
      await Deno.writeFile(`${local}.ferry-part`, other);
      const restarted = await client.downloadTo("r.bin", local, options);
      assert.equal(restarted.resumedFrom, undefined);
      assert.equal(await sha256File(local), sha256(bytes));
      assert.deepEqual(names(dir.path), ["r.bin"]);
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0],
        /r\.bin\.ferry-part does not end with the bytes r\.bin has .*starting over/,
      );

      // A partial file that differs only before its last 64 KiB is not caught:
      // resumeCheck 0 trusts it wholly, as the caller said.
      await Deno.writeFile(`${local}.ferry-part`, bytes.subarray(0, 100 * KiB));
      const trusted = await client.downloadTo("r.bin", local, { ...options, resumeCheck: 0 });
      assert.equal(trusted.resumedFrom, 100 * KiB);
      assert.equal(trusted.bytes, 400 * KiB);
      assert.equal(await sha256File(local), sha256(bytes));
    },
  });

  Deno.test({
    name:
      `onProgress per call: queued transfers each see their own, from their offset, with totals (${lab.name})`,
    ignore: lab.ignore,
    async fn() {
      await using server = await lab.start();
      await using dir = await tempDir();
      const a = pseudoRandomBytes(3 * 1024 * KiB + 5, 44);
      const b = pseudoRandomBytes(700 * KiB, 45);
      await Deno.writeFile(join(server.dir, "a.bin"), a);
      await Deno.writeFile(join(server.dir, "b.bin"), b);
      await Deno.writeFile(join(dir.path, "b.bin.ferry-part"), b.subarray(0, 100 * KiB));
      await Deno.writeFile(join(dir.path, "up.bin"), b);
      await using client = await FtpClient.connect(server.url);
      const seen: Record<string, TransferProgress[]> = { a: [], b: [], up: [], stream: [] };
      const record = (name: string) => (p: TransferProgress) => seen[name].push({ ...p });
      const events: number[] = [];
      client.addEventListener("progress", (e) => events.push(e.id));
      // Queued at once, so that the client-wide events interleave ids.
      const calls = [
        client.downloadTo("a.bin", join(dir.path, "a.bin"), {
          size: a.length,
          onProgress: record("a"),
        }),
        client.downloadTo("b.bin", join(dir.path, "b.bin"), {
          size: b.length,
          resume: true,
          onProgress: record("b"),
        }),
        client.uploadFrom(join(dir.path, "up.bin"), "up.bin", { onProgress: record("up") }),
        client.download("a.bin", { offset: 1000, size: a.length, onProgress: record("stream") })
          .then((stream) => new Response(stream).arrayBuffer()),
      ];
      await Promise.all(calls);
      assertProgress(seen.a, 0, a.length, "downloadTo");
      assertProgress(seen.b, 100 * KiB, b.length, "resumed downloadTo");
      assertProgress(seen.up, 0, b.length, "uploadFrom");
      assertProgress(seen.stream, 1000, a.length, "download stream");
      assert.equal(new Set(events).size, 4, "the client-wide events still come, one id per call");
      assert.equal(await sha256File(join(dir.path, "a.bin")), sha256(a));
      assert.equal(await sha256File(join(dir.path, "b.bin")), sha256(b));
      assert.equal(await sha256File(join(server.dir, "up.bin")), sha256(b));
    },
  });

  Deno.test({
    name: `downloadTo mtime: the server's time or a given one, set before the rename (${lab.name})`,
    ignore: lab.ignore,
    async fn() {
      await using server = await lab.start();
      await using dir = await tempDir();
      const when = new Date("2024-03-04T05:06:07Z");
      await Deno.writeTextFile(join(server.dir, "t.txt"), "dated\n");
      await Deno.utime(join(server.dir, "t.txt"), when, when);
      await using client = await FtpClient.connect(server.url);
      await client.downloadTo("t.txt", join(dir.path, "remote.txt"), { mtime: "remote" });
      assert.equal((await Deno.stat(join(dir.path, "remote.txt"))).mtime?.getTime(), +when);
      const given = new Date("2020-01-02T03:04:05Z");
      await client.downloadTo("t.txt", join(dir.path, "given.txt"), { mtime: given });
      assert.equal((await Deno.stat(join(dir.path, "given.txt"))).mtime?.getTime(), +given);
      await client.downloadTo("t.txt", join(dir.path, "now.txt"));
      assert.ok((await Deno.stat(join(dir.path, "now.txt"))).mtime!.getTime() > +when);
    },
  });

  Deno.test({
    name:
      `atomic upload: the target is replaced only once whole; a cut upload leaves it and no temporary (${lab.name})`,
    ignore: lab.ignore,
    async fn() {
      await using server = await lab.start();
      await using dir = await tempDir();
      const bytes = pseudoRandomBytes(2 * 1024 * KiB, 46);
      await Deno.writeFile(join(dir.path, "new.bin"), bytes);
      await Deno.writeTextFile(join(server.dir, "site.bin"), OLD);
      await using client = await FtpClient.connect(server.url);

      // Cut part-way (the caller gives up after 1 MiB): the old file stays whole.
      const stop = new AbortController();
      const cut = await client.uploadFrom(join(dir.path, "new.bin"), "site.bin", {
        atomic: true,
        signal: stop.signal,
        onProgress: (p) => p.bytes >= 1024 * KiB && stop.abort(),
      }).catch((e) => e);
      assert.equal(cut.name, "AbortError", String(cut));
      assert.equal(await Deno.readTextFile(join(server.dir, "site.bin")), OLD);
      assert.deepEqual(names(server.dir), ["site.bin"], "the temporary was removed");

      const done = await client.uploadFrom(join(dir.path, "new.bin"), "site.bin", { atomic: true });
      assert.equal(done.bytes, bytes.length);
      assert.equal(await sha256File(join(server.dir, "site.bin")), sha256(bytes));
      assert.deepEqual(names(server.dir), ["site.bin"]);
      if (server.commands) {
        const commands = server.commands();
        // The next transfer's EPSV, sent with the upload's end, may sit among them.
        const last = commands.slice(commands.lastIndexOf("STOR site.bin.ferry-part"))
          .filter((line) => line !== "EPSV");
        assert.deepEqual(last, [
          "STOR site.bin.ferry-part",
          "SIZE site.bin.ferry-part",
          "RNFR site.bin.ferry-part",
          "RNTO site.bin",
        ]);
      }
    },
  });

  Deno.test({
    name:
      `resumed upload: a temporary holding the file's start is continued, then renamed into place (${lab.name})`,
    ignore: lab.ignore,
    async fn() {
      await using server = await lab.start();
      await using dir = await tempDir();
      const bytes = pseudoRandomBytes(900 * KiB, 47);
      await Deno.writeFile(join(dir.path, "big.bin"), bytes);
      await serverFile(join(server.dir, "big.bin"), OLD);
      await serverFile(join(server.dir, "big.bin.v2.ferry-part"), bytes.subarray(0, 300 * KiB));
      await using client = await FtpClient.connect(server.url);
      const seen: TransferProgress[] = [];
      const options = {
        atomic: true,
        temporary: "big.bin.v2.ferry-part",
        resume: true,
        onProgress: (p: TransferProgress) => seen.push(p),
      };
      const result = await client.uploadFrom(join(dir.path, "big.bin"), "big.bin", options);
      assert.equal(result.resumedFrom, 300 * KiB);
      assert.equal(result.bytes, 600 * KiB);
      assertProgress(seen, 300 * KiB, bytes.length, "resumed upload");
      assert.equal(await sha256File(join(server.dir, "big.bin")), sha256(bytes));
      assert.deepEqual(names(server.dir), ["big.bin"]);
      if (server.commands) assert.ok(server.commands().includes(`REST ${300 * KiB}`));

      // Whole there already (an attempt whose end was not confirmed): nothing is sent.
      await serverFile(join(server.dir, "big.bin.v2.ferry-part"), bytes);
      await serverFile(join(server.dir, "big.bin"), OLD);
      const whole = await client.uploadFrom(join(dir.path, "big.bin"), "big.bin", options);
      assert.deepEqual([whole.bytes, whole.resumedFrom], [0, bytes.length]);
      assert.equal(await sha256File(join(server.dir, "big.bin")), sha256(bytes));
      assert.deepEqual(names(server.dir), ["big.bin"]);
    },
  });
}

Deno.test("a server that stores fewer bytes than sent and answers 226: the atomic upload fails its size check, the target untouched", async () => {
  await using server = await FtpTestServer.start();
  await using dir = await tempDir();
  const bytes = pseudoRandomBytes(300 * KiB, 48);
  await Deno.writeFile(join(dir.path, "p.bin"), bytes);
  await Deno.writeTextFile(join(server.root, "p.bin"), OLD);
  await using client = await FtpClient.connect(server.url);
  server.faults.uploadKeepBytes = 100 * KiB;
  const error = await client.uploadFrom(join(dir.path, "p.bin"), "p.bin", { atomic: true })
    .catch((e) => e);
  assert.ok(error instanceof FtpSizeMismatchError, String(error));
  assert.deepEqual([error.path, error.expected, error.actual], [
    "p.bin.ferry-part",
    bytes.length,
    100 * KiB,
  ]);
  assert.match(error.message, /the server holds 102400 of 307200 bytes after the upload/);
  assert.equal(await Deno.readTextFile(join(server.root, "p.bin")), OLD);
  assert.deepEqual(names(server.root), ["p.bin"], "the temporary was removed");
  assert.ok(!server.commands.some((c) => c.startsWith("RNFR")), "nothing was renamed");

  // keepTemporary keeps it, for a resumed call to continue.
  await assert.rejects(
    client.uploadFrom(join(dir.path, "p.bin"), "p.bin", { atomic: true, keepTemporary: true }),
    FtpSizeMismatchError,
  );
  assert.deepEqual(names(server.root), ["p.bin", "p.bin.ferry-part"]);
  server.faults = {};
  const resumed = await client.uploadFrom(join(dir.path, "p.bin"), "p.bin", {
    atomic: true,
    resume: true,
  });
  assert.equal(resumed.resumedFrom, 100 * KiB);
  assert.equal(await sha256File(join(server.root, "p.bin")), sha256(bytes));
  assert.deepEqual(names(server.root), ["p.bin"]);
});

Deno.test("an atomic upload on a server that refuses to rename over a file goes the move-aside way", async () => {
  await using server = await FtpTestServer.start();
  await using dir = await tempDir();
  await Deno.writeTextFile(join(dir.path, "index.html"), "<h1>v2, longer</h1>\n");
  await Deno.writeTextFile(join(server.root, "index.html"), OLD);
  server.faults.onCommand = async (c) => {
    if (c.verb !== "RNTO") return undefined;
    const exists = await Deno.stat(join(server.root, c.argument)).then(() => true, () => false);
    return exists ? { reply: "550 Cannot rename: file exists.\r\n" } : undefined;
  };
  await using client = await FtpClient.connect(server.url);
  const warnings: string[] = [];
  client.addEventListener("warning", (e) => warnings.push(e.message));
  await client.uploadFrom(join(dir.path, "index.html"), "index.html", { atomic: true });
  assert.equal(await Deno.readTextFile(join(server.root, "index.html")), "<h1>v2, longer</h1>\n");
  assert.deepEqual(names(server.root), ["index.html"], "neither the temporary nor the old file");
  const renames = server.commands.filter((c) => /^(RNFR|RNTO|DELE) /.test(c));
  assert.deepEqual(renames, [
    "RNFR index.html.ferry-part",
    "RNTO index.html",
    "DELE index.html.ferry-old.ferry-part",
    "RNFR index.html",
    "RNTO index.html.ferry-old.ferry-part",
    "RNFR index.html.ferry-part",
    "RNTO index.html",
    "DELE index.html.ferry-old.ferry-part",
  ]);
  assert.ok(!server.commands.includes("DELE index.html"), "the live file is never deleted");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /would not rename over index\.html: moved the old file aside/);

  // The new file cannot go into place at all: the old one is put back, the
  // whole new one stays at its temporary, and the error says so.
  let from = "";
  server.faults.onCommand = (c) => {
    if (c.verb === "RNFR") from = c.argument;
    return c.verb === "RNTO" && c.argument === "index.html" && !from.includes(".ferry-old")
      ? { reply: "553 Could not rename: permission denied.\r\n" }
      : undefined;
  };
  await Deno.writeTextFile(join(dir.path, "index.html"), "<h1>v3</h1>\n");
  const refused = await client.uploadFrom(join(dir.path, "index.html"), "index.html", {
    atomic: true,
  }).catch((e) => e);
  assert.ok(refused instanceof FtpPermanentError, String(refused));
  assert.equal(refused.command, "RNTO index.html");
  assert.match(
    refused.message,
    /the upload is whole at index\.html\.ferry-part, and index\.html was left as it was/,
  );
  assert.equal(await Deno.readTextFile(join(server.root, "index.html")), "<h1>v2, longer</h1>\n");
  assert.equal(
    await Deno.readTextFile(join(server.root, "index.html.ferry-part")),
    "<h1>v3</h1>\n",
  );
  assert.deepEqual(names(server.root), ["index.html", "index.html.ferry-part"]);
});

Deno.test("rename with replace: the same way round, on its own", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(join(server.root, "new.txt"), "new\n");
  await Deno.writeTextFile(join(server.root, "live.txt"), OLD);
  server.faults.onCommand = async (c) => {
    if (c.verb !== "RNTO") return undefined;
    const exists = await Deno.stat(join(server.root, c.argument)).then(() => true, () => false);
    return exists ? { reply: "550 Cannot rename: file exists.\r\n" } : undefined;
  };
  await using client = await FtpClient.connect(server.url);
  // Without replace, the refusal is the answer.
  await assert.rejects(client.rename("new.txt", "live.txt"), FtpPermanentError);
  assert.equal(await Deno.readTextFile(join(server.root, "live.txt")), OLD);
  await client.rename("new.txt", "live.txt", { replace: true });
  assert.equal(await Deno.readTextFile(join(server.root, "live.txt")), "new\n");
  assert.deepEqual(names(server.root), ["live.txt"]);
});

Deno.test("without REST, a resumed upload continues with APPE and a resumed download starts over", async () => {
  await using server = await FtpTestServer.start({ disabledCommands: ["REST"] });
  await using dir = await tempDir();
  const bytes = pseudoRandomBytes(400 * KiB, 49);
  await Deno.writeFile(join(dir.path, "u.bin"), bytes);
  await Deno.writeFile(join(server.root, "u.bin"), bytes.subarray(0, 150 * KiB));
  await using client = await FtpClient.connect(server.url);
  const up = await client.uploadFrom(join(dir.path, "u.bin"), "u.bin", { resume: true });
  assert.equal(up.resumedFrom, 150 * KiB);
  assert.ok(server.commands.includes("APPE u.bin"), server.commands.join());
  assert.equal(await sha256File(join(server.root, "u.bin")), sha256(bytes));

  await Deno.writeFile(join(dir.path, "d.bin.ferry-part"), bytes.subarray(0, 100 * KiB));
  const down = await client.downloadTo("u.bin", join(dir.path, "d.bin"), { resume: true });
  assert.equal(down.resumedFrom, undefined);
  assert.equal(down.bytes, bytes.length);
  assert.ok(!server.commands.some((c) => c.startsWith("REST")), "REST is never sent");
  assert.equal(await sha256File(join(dir.path, "d.bin")), sha256(bytes));
});

Deno.test("a data connection cut short and closed with 226: downloadTo with size fails, keeps the part with resume, and the next call finishes it", async () => {
  const content = pseudoRandomBytes(600 * KiB, 50);
  let retrs = 0;
  await using server = hostileServer({
    files: { "/big.bin": content },
    script: async (line, session) => {
      if (!line.startsWith("RETR ") || ++retrs > 1) return false;
      session.rest = 0;
      await session.write("150 Here it comes\r\n");
      const data = await session.data();
      // Bounded: each write moves at least one byte or throws.
      for (let at = 0; at < 200 * KiB;) at += await data.write(content.subarray(at, 200 * KiB));
      data.close();
      return await session.write("226 Transfer complete (it is not)\r\n");
    },
  });
  await using dir = await tempDir();
  const local = join(dir.path, "big.bin");
  await using client = await FtpClient.connect(server.url);
  const options = { size: content.length, resume: true };
  const error = await client.downloadTo("big.bin", local, options).catch((e) => e);
  assert.ok(error instanceof FtpSizeMismatchError, String(error));
  assert.equal(error.actual, 200 * KiB);
  assert.deepEqual(names(dir.path), ["big.bin.ferry-part"], "nothing at the final path");
  const done = await client.downloadTo("big.bin", local, options);
  assert.equal(done.resumedFrom, 200 * KiB);
  assert.equal(await sha256File(local), sha256(content));
  assert.ok(server.received.includes(`REST ${200 * KiB}`));
});

Deno.test("integrity options that cannot apply are refused before anything is sent", async () => {
  await using server = await FtpTestServer.start();
  await using dir = await tempDir();
  await Deno.writeTextFile(join(dir.path, "a.txt"), "alpha\n");
  await using client = await FtpClient.connect(server.url);
  const before = server.commands.length;
  const refusals: [string, () => Promise<unknown>, RegExp][] = [
    ["atomic on a stream", () => client.upload("a.txt", { atomic: true }), /whole source/],
    [
      "resume of a stream",
      () => client.upload("a.txt", new Blob(["x"]).stream(), { resume: true }),
      /local file/,
    ],
    [
      "temporary alone",
      () => client.uploadFrom(join(dir.path, "a.txt"), "a.txt", { temporary: "t" }),
      /atomic: true/,
    ],
    [
      "temporary = target",
      () =>
        client.uploadFrom(join(dir.path, "a.txt"), "a.txt", { atomic: true, temporary: "a.txt" }),
      /another name/,
    ],
    [
      "append + atomic",
      () => client.upload("a.txt", "x", { append: true, atomic: true }),
      /append/,
    ],
    [
      "resume + offset",
      () => client.uploadFrom(join(dir.path, "a.txt"), "a.txt", { resume: true, offset: 3 }),
      /not both/,
    ],
    [
      "checkSize with append",
      () => client.upload("a.txt", "x", { checkSize: true, append: true }),
      /appended/,
    ],
    [
      "checkSize in ASCII",
      () => client.upload("a.txt", "x", { checkSize: true, type: "ascii" }),
      /ASCII/,
    ],
    ["a bad mtime", () => client.upload("a.txt", "x", { mtime: new Date("no") }), /valid Date/],
    ["resumeCheck on a stream", () => client.download("a.txt", { resumeCheck: 10 }), /local path/],
    [
      "mtime into a stream",
      () => client.downloadTo("a.txt", new WritableStream(), { mtime: "remote" }),
      /local path/,
    ],
    [
      "a negative resumeCheck",
      () => client.downloadTo("a.txt", join(dir.path, "b.txt"), { resume: true, resumeCheck: -1 }),
      /resumeCheck/,
    ],
    [
      "a CR in the temporary",
      () => client.upload("a.txt", "x", { atomic: true, temporary: "t\r\nDELE a.txt" }),
      /CR|LF|line/i,
    ],
  ];
  for (const [label, call, message] of refusals) {
    const error = await call().catch((e) => e);
    assert.ok(error instanceof FtpInputError, `${label}: ${error}`);
    assert.match(error.message, message, label);
  }
  assert.deepEqual(server.commands.slice(before), [], "nothing was sent");
  assert.deepEqual(names(dir.path), ["a.txt"], "nothing was written");
});
