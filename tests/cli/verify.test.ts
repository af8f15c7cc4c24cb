// The verify step (issue 16, point 1): a local tree (or file) compared with
// a remote one, by size and time, by the server's checksum (HASH, XSHA256,
// ..., chosen from FEAT) or by downloading and hashing, streamed. Every
// difference is an action of the report that failed with its kind as the
// code, the run exits 1, and neither disk changes. Against the embedded
// server, vsftpd and ProFTPD (with mod_digest).

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer, type FtpTestServerOptions } from "../../src/testing/mod.ts";
import type { ActionReport, RunReport } from "../../src/runner/report.ts";
import { ensureTestUser, isRoot, testPassword } from "../_servers/_common.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";
import { pseudoRandomBytes, tempDir, writeRandomFile } from "../_helpers.ts";
import { flatness, LIVE_MEMORY_FLAGS } from "../_live_memory.ts";
import { CLI_OWN_MODULES, ferry, reportOf, treeOf, writeServerTask, writeTree } from "./_ferry.ts";
import { lab } from "./_lab.ts";

/** Commands that change something on a server. */
const CHANGES = /^(STOR|STOU|APPE|DELE|RMD|XRMD|MKD|XMKD|RNFR|RNTO|MFMT|SITE)/i;

const HOUR = 3600_000;
const T0 = new Date("2026-03-01T12:00:00Z");

/** Sets a file's modification time. */
async function touch(path: string, when: Date): Promise<void> {
  await Deno.utime(path, when, when);
}

/** Writes the same files on both sides, with the same times. */
async function twins(local: string, remote: string, files: Record<string, string | Uint8Array>) {
  await writeTree(local, files);
  await writeTree(remote, files);
  for (const rel of Object.keys(files)) {
    if (rel.endsWith("/")) continue;
    await touch(join(local, rel), T0);
    await touch(join(remote, rel), T0);
  }
}

/** The report's verify actions as [path relative to the remote root, result, error code]. */
function outcomes(step: RunReport["steps"][number], remoteRoot: string) {
  return step.actions.map((a: ActionReport) => [
    a.path.startsWith(`${remoteRoot}/`) ? a.path.slice(remoteRoot.length + 1) : a.path,
    a.result,
    a.error?.code,
  ]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

async function embedded(options: FtpTestServerOptions = {}) {
  return await FtpTestServer.start(options);
}

Deno.test("verify by size and time: every kind of difference is listed, exit 1, neither disk changes", async () => {
  await using dir = await tempDir();
  await using server = await embedded();
  const local = join(dir.path, "dist");
  const remote = join(server.root, "www");
  await twins(local, remote, {
    "index.html": "<h1>home</h1>\n",
    "css/site.css": "p{}\n",
    "same-size.txt": "aaaa\n",
    "clash": "a file here\n",
  });
  await writeTree(local, { "only-here.txt": "new\n", "bigger.txt": "longer here\n" });
  await writeTree(remote, { "css/only-there.css": "old\n", "bigger.txt": "short\n", "x/": "" });
  await touch(join(remote, "same-size.txt"), new Date(T0.getTime() - 2 * HOUR));
  await Deno.remove(join(remote, "clash"));
  await writeTree(remote, { "clash/inside.txt": "a directory there\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - verify: { local: dist, remote: www }\n`,
  );
  const localBefore = await treeOf(dir.path);
  const remoteBefore = await treeOf(server.root);

  const check = await ferry(["check", task], { cwd: dir.path });
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /step 1: verify dist ↔ www\n/);

  const plan = await ferry(["plan", task], { cwd: dir.path });
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /≡ verify dist\/bigger\.txt → www\/bigger\.txt .*\(size differs/);

  const json = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(json.code, 1, json.stdout + json.stderr);
  const report = reportOf(json);
  const step = report.steps[0];
  assert.equal(step.kind, "verify");
  assert.equal(step.result, "failed");
  assert.deepEqual(outcomes(step, "www"), [
    ["bigger.txt", "failed", "size"],
    ["clash", "failed", "type"],
    ["css/only-there.css", "failed", "missing-local"],
    ["css/site.css", "ok", undefined],
    ["index.html", "ok", undefined],
    ["only-here.txt", "failed", "missing-remote"],
    ["same-size.txt", "failed", "time"],
  ]);
  const failed = step.actions.filter((a) => a.result === "failed");
  assert.ok(failed.every((a) => a.error?.name === "VerifyError"), JSON.stringify(failed));
  const message = (path: string) => failed.find((a) => a.path === path)!.error!.message;
  assert.match(message("www/bigger.txt"), /^size differs: 12 bytes here, 6 on the server$/);
  assert.match(message("www/only-here.txt"), /^missing on the server$/);
  assert.match(message("www/css/only-there.css"), /^missing here \(only on the server\)$/);
  assert.match(message("www/clash"), /^a file here, a directory on the server$/);
  assert.match(
    message("www/same-size.txt"),
    /^time differs: .*2026-03-01T12:00:00Z here.*10:00:00Z on the server/,
  );
  assert.deepEqual(report.totals, { transferred: 0, skipped: 2, failed: 5, changed: 0, bytes: 0 });

  const human = await ferry(["run", task], { cwd: dir.path });
  assert.equal(human.code, 1);
  assert.equal(human.stdout.match(/FAILED/g)?.length, 5, human.stdout);
  assert.match(
    human.stdout,
    /≡ verify dist\/only-here\.txt → www\/only-here\.txt: FAILED: missing on the server/,
  );
  assert.match(human.stdout, /0 other changes, 2 up to date, 5 failed/);

  assert.deepEqual(await treeOf(dir.path), localBefore);
  assert.deepEqual(await treeOf(server.root), remoteBefore);
  assert.ok(!server.commands.some((c) => CHANGES.test(c)), server.commands.join("\n"));
});

Deno.test("verify: a tree that matches passes, exit 0; one file, and a file against a directory", async () => {
  await using dir = await tempDir();
  await using server = await embedded();
  await twins(join(dir.path, "dist"), join(server.root, "www"), {
    "index.html": "<h1>home</h1>\n",
    "deep/a/b.txt": pseudoRandomBytes(70_000, 3),
    ".htaccess": "Deny from all\n",
  });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - verify: { local: dist, remote: www }
  - verify: { local: dist/index.html, remote: www/index.html }
  - verify: { local: dist/deep/a/b.txt, remote: www/deep/a/ }
`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = reportOf(result);
  assert.deepEqual(report.steps.map((s) => s.actions.length), [3, 1, 1]);
  assert.deepEqual(report.steps[2].actions.map((a) => [a.path, a.result]), [
    ["www/deep/a/b.txt", "ok"],
  ]);
  assert.equal(report.totals.skipped, 5);
  const quiet = await ferry(["run", task], { cwd: dir.path });
  assert.equal(quiet.code, 0);
  assert.ok(!quiet.stdout.includes("≡"), "verified files are listed only with --verbose");
  const verbose = await ferry(["run", task, "--verbose"], { cwd: dir.path });
  assert.match(
    verbose.stdout,
    /≡ verify dist\/index\.html → www\/index\.html \(same size and time\)/,
  );
});

Deno.test("verify: a filter leaves paths out on both sides", async () => {
  await using dir = await tempDir();
  await using server = await embedded();
  await twins(join(dir.path, "dist"), join(server.root, "www"), { "a.html": "a" });
  await writeTree(join(dir.path, "dist"), { "a.html.map": "local only", "tmp/x": "x" });
  await writeTree(join(server.root, "www"), { "logs/today.log": "remote only" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - verify:
      local: dist
      remote: www
      filter: [{ exclude: "**/*.map" }, { exclude: "tmp/**" }, { exclude: "logs/**" }]
`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(reportOf(result).steps[0].actions.map((a) => a.path), ["www/a.html"]);
  assert.ok(
    !server.commands.some((c) => c.includes("logs")),
    "an excluded directory is not even listed",
  );
});

Deno.test("verify by hash: the server's HASH finds what size and time cannot, without a download", async () => {
  await using dir = await tempDir();
  await using server = await embedded({ hashCommands: true });
  const bytes = pseudoRandomBytes(100_000, 7);
  const tampered = bytes.slice();
  tampered[50_000] ^= 1;
  await twins(join(dir.path, "dist"), join(server.root, "www"), {
    "same.bin": bytes,
    "my page.html": "<p>same</p>\n",
  });
  await writeTree(join(dir.path, "dist"), { "tampered.bin": bytes });
  await writeTree(join(server.root, "www"), { "tampered.bin": tampered });
  await touch(join(dir.path, "dist/tampered.bin"), T0);
  await touch(join(server.root, "www/tampered.bin"), T0);
  const write = (by: string) =>
    writeServerTask(
      dir.path,
      `url: "${server.url}"`,
      `  - verify: { local: dist, remote: www, by: ${by} }\n`,
    );

  const quick = await ferry(["run", await write("size+time"), "--json"], { cwd: dir.path });
  assert.equal(quick.code, 0, "size and time cannot see a flipped bit");

  const mark = server.commands.length;
  const hashed = await ferry(["run", await write("hash"), "--json"], { cwd: dir.path });
  assert.equal(hashed.code, 1, hashed.stdout + hashed.stderr);
  const step = reportOf(hashed).steps[0];
  assert.deepEqual(outcomes(step, "www"), [
    ["my page.html", "ok", undefined],
    ["same.bin", "ok", undefined],
    ["tampered.bin", "failed", "content"],
  ]);
  const differs = step.actions.find((a) => a.result === "failed")!;
  assert.match(
    differs.error!.message,
    /^content differs: SHA-256 [0-9a-f]{12}… here, [0-9a-f]{12}… on the server \(HASH\)$/,
  );
  assert.match(differs.reason, /compare SHA-256 \(HASH\)/);
  const sent = server.commands.slice(mark);
  assert.ok(sent.includes("HASH www/my page.html"), sent.join("\n"));
  assert.ok(!sent.some((c) => c.startsWith("RETR")), "no download");
  assert.equal(reportOf(hashed).totals.bytes, 0);
});

Deno.test("verify by hash: X commands when HASH is off (quoted names), the best algorithm offered", async () => {
  await using dir = await tempDir();
  const files = { "a b.txt": "same\n", "c.txt": "also same\n" };
  for (
    const [disabled, command, algorithm] of [
      [["HASH"], "XSHA256", "SHA-256"],
      [["HASH", "XSHA256", "XSHA512", "XSHA1", "XMD5"], "XCRC", "CRC32"],
      [["XSHA256", "XSHA512", "XSHA1", "XMD5", "XCRC"], "HASH", "SHA-256"],
    ] as const
  ) {
    await using server = await embedded({ hashCommands: true, disabledCommands: [...disabled] });
    await twins(join(dir.path, "dist"), join(server.root, "www"), files);
    const task = await writeServerTask(
      dir.path,
      `url: "${server.url}"`,
      `  - verify: { local: dist, remote: www, by: hash }\n`,
    );
    const result = await ferry(["run", task, "--json"], { cwd: dir.path });
    assert.equal(result.code, 0, `${command}: ${result.stdout}${result.stderr}`);
    const reasons = reportOf(result).steps[0].actions.map((a) => a.reason);
    assert.deepEqual(reasons, [
      `compare ${algorithm} (${command})`,
      `compare ${algorithm} (${command})`,
    ]);
    const sent = server.commands.filter((c) => c.startsWith(`${command} `));
    const quote = command === "HASH" ? "" : '"';
    assert.ok(sent.includes(`${command} ${quote}www/a b.txt${quote}`), sent.join("\n"));
  }
});

Deno.test("verify by hash on a server that offers no checksum: a clear error, nothing compared", async () => {
  await using dir = await tempDir();
  await using server = await embedded();
  await twins(join(dir.path, "dist"), join(server.root, "www"), { "a.txt": "a" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - verify: { local: dist, remote: www, by: hash }\n`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(result.code, 1);
  const step = reportOf(result).steps[0];
  assert.equal(step.error?.name, "PlanError");
  assert.match(
    step.error!.message,
    /the server offers no checksum command \(FEAT lists none of HASH, XSHA256, .*\): use by: download/,
  );
  assert.deepEqual(step.actions, []);
});

Deno.test("verify by download: same-size files are downloaded and hashed, nothing is written", async () => {
  await using dir = await tempDir();
  await using server = await embedded();
  const bytes = pseudoRandomBytes(3_000_000, 9);
  const tampered = bytes.slice();
  tampered[2_999_999] ^= 0x80;
  await twins(join(dir.path, "dist"), join(server.root, "www"), { "same.bin": bytes });
  await writeTree(join(dir.path, "dist"), { "tampered.bin": bytes, "short.bin": "12345" });
  await writeTree(join(server.root, "www"), { "tampered.bin": tampered, "short.bin": "123" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - verify: { local: dist, remote: www, by: download }\n`,
  );
  const localBefore = await treeOf(dir.path);
  const remoteBefore = await treeOf(server.root);
  const result = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const report = reportOf(result);
  assert.deepEqual(outcomes(report.steps[0], "www"), [
    ["same.bin", "ok", undefined],
    ["short.bin", "failed", "size"],
    ["tampered.bin", "failed", "content"],
  ]);
  const content = report.steps[0].actions.find((a) => a.error?.code === "content")!;
  assert.match(
    content.error!.message,
    /content differs: SHA-256 .* here, .* on the server \(downloaded\)/,
  );
  // Only the same-size files crossed the wire, each once and whole.
  assert.equal(report.totals.bytes, 2 * bytes.length);
  assert.equal(server.commands.filter((c) => c.startsWith("RETR")).length, 2);
  assert.deepEqual(await treeOf(dir.path), localBefore);
  assert.deepEqual(await treeOf(server.root), remoteBefore);
});

Deno.test("verify by download of 200 MiB: the runner's live memory does not grow with the file", async () => {
  await using dir = await tempDir();
  await using server = await embedded();
  const size = 200 * 1024 * 1024;
  await Deno.mkdir(join(dir.path, "dist"));
  await Deno.mkdir(join(server.root, "www"));
  await writeRandomFile(join(dir.path, "dist/big.bin"), size);
  await Deno.copyFile(join(dir.path, "dist/big.bin"), join(server.root, "www/big.bin"));
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - verify: { local: dist, remote: www, by: download }\n`,
  );
  const child = new URL("./_verify_memory_child.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...LIVE_MEMORY_FLAGS, child, task],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  const result = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(result.ok, true);
  assert.equal(result.bytes, size);
  assert.ok(result.samples.length >= 8, `${result.samples.length} samples`);
  const { ok, message } = flatness(result.samples, {
    growth: 8 * 1024 * 1024,
    level: 64 * 1024 * 1024,
  });
  assert.ok(ok, message);
});

Deno.test("verify: a missing local tree is refused before connecting; a missing remote one fails the step", async () => {
  await using dir = await tempDir();
  await using server = await embedded();
  await writeTree(dir.path, { "dist/a.txt": "a" });
  const missingLocal = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - verify: { local: nowhere, remote: www }\n`,
  );
  const early = await ferry(["run", missingLocal], { cwd: dir.path });
  assert.equal(early.code, 2, early.stdout + early.stderr);
  assert.match(
    early.stderr,
    /task\.yaml:4:\d+: steps\[0\]\.verify\.local: the local path .*nowhere does not exist/,
  );
  assert.deepEqual(server.commands, []);
  const missingRemote = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - verify: { local: dist, remote: nowhere }\n`,
  );
  const late = await ferry(["run", missingRemote, "--json"], { cwd: dir.path });
  assert.equal(late.code, 1);
  const step = reportOf(late).steps[0];
  assert.equal(step.error?.name, "PlanError");
  assert.match(step.error!.message, /nowhere does not exist on the server: nothing to compare/);
});

Deno.test("verify reads the local tree and writes nothing: ferry permissions", async () => {
  await using dir = await tempDir();
  await writeTree(dir.path, { "dist/a.txt": "a" });
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://127.0.0.1:2121/", netrc: false`,
    `  - verify: { local: dist, remote: www, by: download }\n`,
  );
  const result = await ferry(["permissions", task, "--no-env-file"], { cwd: dir.path });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout.trim(),
    // The paths come sorted, so where the checkout lies decides the order.
    `--allow-net=127.0.0.1 --allow-read=${
      [join(dir.path, "dist"), task, CLI_OWN_MODULES].sort().join(",")
    }`,
  );
});

Deno.test("the JSON Schema describes the verify step", async () => {
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("../../schema/task.schema.json", import.meta.url)),
  );
  const step = schema.properties.steps.items.anyOf.find((s: { required: string[] }) =>
    s.required.includes("verify")
  );
  assert.ok(step, "no verify step in schema/task.schema.json");
  assert.deepEqual(step.properties.verify.required, ["local", "remote"]);
  assert.deepEqual(step.properties.verify.properties.by.enum, [
    "size",
    "size+time",
    "hash",
    "download",
  ]);
});

Deno.test(
  "vsftpd: a sync up then verifies (size and time, then by download); a changed file is found",
  { ignore: vsftpd.ignore || !isRoot() },
  async () => {
    await using dir = await tempDir();
    const user = await ensureTestUser();
    await using server = await startVsftpd({
      localUser: user.name,
      config: { anonymous_enable: "NO" },
    });
    await new Deno.Command("chown", { args: ["-R", `${user.name}:`, server.dir] }).output();
    await writeTree(dir.path, {
      "dist/index.html": "<h1>home</h1>\n",
      "dist/assets/app.js": pseudoRandomBytes(500_000, 5),
      "dist/.htaccess": "Deny from all\n",
    });
    // Older than the uploads will be, by hours.
    for (const rel of ["index.html", "assets/app.js", ".htaccess"]) {
      await touch(join(dir.path, "dist", rel), T0);
    }
    const url = `ftp://${user.name}@127.0.0.1:${server.port}`;
    const env = { FTP_PASSWORD: testPassword() };
    const task = await writeServerTask(
      dir.path,
      `url: "${url}", password: "\${FTP_PASSWORD}"`,
      `  - sync: { direction: up, local: dist, remote: www }
  - verify: { local: dist, remote: www }
  - verify: { local: dist, remote: www, by: download }
`,
    );
    const first = await ferry(["run", task, "--json"], { cwd: dir.path, env });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const [, quick, full] = reportOf(first).steps;
    assert.equal(quick.actions.length, 3);
    assert.ok(quick.actions.every((a) => a.result === "ok"), JSON.stringify(quick.actions));
    assert.ok(full.actions.every((a) => a.result === "ok"), JSON.stringify(full.actions));
    // vsftpd cannot set times (no MFMT): the uploads are newer there, which is no difference.
    assert.match(quick.actions[0].reason, /newer on the server/);

    // The same bytes flipped on the server's disk: only the download sees it.
    const path = join(server.dir, "www/assets/app.js");
    const bytes = await Deno.readFile(path);
    bytes[1000] ^= 1;
    await Deno.writeFile(path, bytes);
    const verifyOnly = await writeServerTask(
      dir.path,
      `url: "${url}", password: "\${FTP_PASSWORD}"`,
      `  - { verify: { local: dist, remote: www, by: download }, continueOnError: true }
  - verify: { local: dist, remote: www, by: hash }
`,
    );
    const second = await ferry(["run", verifyOnly, "--json"], { cwd: dir.path, env });
    assert.equal(second.code, 1, second.stdout + second.stderr);
    const [download, hash] = reportOf(second).steps;
    assert.deepEqual(
      download.actions.filter((a) => a.result === "failed").map((a) => [a.path, a.error?.code]),
      [["www/assets/app.js", "content"]],
    );
    assert.match(hash.error?.message ?? "", /offers no checksum command/);
    for (const text of [first.stdout, first.stderr, second.stdout, second.stderr]) {
      assert.ok(!text.includes(testPassword()));
    }
  },
);

Deno.test(
  "ProFTPD with mod_digest: verify by hash uses HASH; a changed file on its disk is found",
  { ignore: !isRoot() },
  async () => {
    await using dir = await tempDir();
    await using server = await startProftpd({ digest: true });
    await writeTree(dir.path, {
      "dist/index.html": "<h1>home</h1>\n",
      "dist/my page.html": "<p>spaces</p>\n",
      "dist/data/blob.bin": pseudoRandomBytes(2_000_000, 8),
    });
    const url = `ftp://${server.user}@127.0.0.1:${server.port}`;
    const env = { FTP_PASSWORD: server.password };
    const sync = await writeServerTask(
      dir.path,
      `url: "${url}", password: "\${FTP_PASSWORD}"`,
      `  - sync: { direction: up, local: dist, remote: www }\n`,
    );
    const up = await ferry(["run", sync], { cwd: dir.path, env });
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const path = join(server.root, "www/data/blob.bin");
    const bytes = await Deno.readFile(path);
    bytes[12345] ^= 4;
    const { mtime } = await Deno.stat(path);
    await Deno.writeFile(path, bytes);
    await touch(path, mtime!);
    const task = await writeServerTask(
      dir.path,
      `url: "${url}", password: "\${FTP_PASSWORD}", parallel: 3`,
      `  - { verify: { local: dist, remote: www }, continueOnError: true }
  - verify: { local: dist, remote: www, by: hash }
`,
    );
    const result = await ferry(["run", task, "--json", "--verbose"], { cwd: dir.path, env });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const [quick, hashed] = reportOf(result).steps;
    assert.equal(quick.result, "ok", "size and time (MFMT set them) match");
    assert.deepEqual(outcomes(hashed, "www"), [
      ["data/blob.bin", "failed", "content"],
      ["index.html", "ok", undefined],
      ["my page.html", "ok", undefined],
    ]);
    assert.ok(hashed.actions.every((a) => a.reason === "compare SHA-256 (HASH)"));
    assert.match(
      result.stderr,
      /OPTS HASH SHA-256/,
      "SHA-1 is ProFTPD's default: SHA-256 is chosen",
    );
  },
);

for (const spec of lab("pure-ftpd", "proftpd", "pyftpdlib")) {
  Deno.test(
    `${spec.name}: after a sync up, verify passes by size+time and by download; a change on its disk is found`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start();
      await server.settle();
      await writeTree(dir.path, {
        "dist/index.html": "<h1>home</h1>\n",
        "dist/a b/c.bin": pseudoRandomBytes(300_000, 12),
      });
      const task = await writeServerTask(
        dir.path,
        server.connection,
        `  - sync: { direction: up, local: dist, remote: www }
  - verify: { local: dist, remote: www }
  - verify: { local: dist, remote: www, by: download }
`,
      );
      const first = await ferry(["run", task, "--json"], { cwd: dir.path, env: server.env });
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.deepEqual(reportOf(first).steps.slice(1).map((s) => s.actions.length), [2, 2]);
      const path = join(server.dir, "www/a b/c.bin");
      const bytes = await Deno.readFile(path);
      bytes[299_999] ^= 1;
      const { mtime } = await Deno.stat(path);
      await Deno.writeFile(path, bytes);
      await touch(path, mtime!);
      const again = await ferry(["run", task, "--json"], { cwd: dir.path, env: server.env });
      assert.equal(again.code, 1, again.stdout + again.stderr);
      const [sync, quick, full] = reportOf(again).steps;
      assert.equal(sync.result, "ok");
      assert.equal(quick.result, "ok", "the same size and time: size+time cannot tell");
      assert.deepEqual(
        full.actions.map((a) => [a.path, a.result, a.error?.code]),
        [["www/a b/c.bin", "failed", "content"], ["www/index.html", "ok", undefined]],
      );
    },
  );
}
