// A server that drops data and control connections mid-job: every file ends
// intact (hashes), resumed rather than restarted. Ctrl-C mid-transfer: exit
// 130, no partial file at a final path, and the next run resumes.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { ferry, reportOf, spawnFerry, treeOf, writeServerTask, writeTree } from "./_ferry.ts";

const FILE_BYTES = 250_000;

function files(count: number, prefix: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) out[`${prefix}/f${i}.bin`] = pseudoRandomBytes(FILE_BYTES, i + 1);
  return out;
}

/** Drops the control connection on the 2nd and 5th transfer command. */
function dropSomeControlConnections(server: FtpTestServer, verb: string): () => number {
  let seen = 0;
  server.faults.onCommand = (command) => {
    if (command.verb !== verb) return undefined;
    seen++;
    return seen === 2 || seen === 5 ? { drop: true } : undefined;
  };
  return () => seen;
}

Deno.test("downloads survive dropped data and control connections, resuming", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, files(8, "data"));
  server.faults.dataDropAfterBytes = 100_000;
  const retrs = dropSomeControlConnections(server, "RETR");
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}", parallel: 3`,
    `  - { sync: { direction: down, remote: data, local: out }, retries: 6 }
`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(result.code, 0, result.stderr);
  const remote = await treeOf(join(server.root, "data"));
  assert.deepEqual(await treeOf(join(dir.path, "out")), remote);
  const actions = reportOf(result).steps[0].actions.filter((a) => a.action === "download");
  assert.equal(actions.length, 8);
  assert.ok(actions.every((a) => a.attempts >= 3), "each file needed several tries");
  assert.ok(actions.some((a) => (a.resumedFrom ?? 0) >= 100_000), "downloads resumed with REST");
  assert.ok(retrs() > 8);
  assert.ok(server.commands.some((c) => c.startsWith("REST 100000")));
});

Deno.test("atomic uploads survive dropped connections; nothing partial at a final path", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, files(8, "site"));
  await writeTree(server.root, {
    "www/f0.bin": "the old version, replaced only when the new one is whole",
  });
  server.faults.dataDropAfterBytes = 100_000;
  dropSomeControlConnections(server, "STOR");
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}", parallel: 3`,
    `  - { sync: { direction: up, local: site, remote: www, atomic: true }, retries: 6 }
`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await treeOf(join(server.root, "www")), await treeOf(join(dir.path, "site")));
  const uploads = reportOf(result).steps[0].actions.filter((a) => a.action === "upload");
  assert.ok(uploads.some((a) => (a.resumedFrom ?? 0) > 0), "uploads resumed with REST+STOR");
});

/** Waits (bounded) until a file holds `min` bytes; `path` may be a directory and a RegExp. */
async function waitForBytes(
  path: string | [string, RegExp],
  timeoutMs = 20_000,
  min = 1,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = typeof path === "string" ? path : await Array.fromAsync(Deno.readDir(path[0]))
      .then((entries) => entries.find((e) => path[1].test(e.name)))
      .then((e) => e && join(path[0], e.name), () => undefined);
    const size = found ? await Deno.stat(found).then((s) => s.size, () => 0) : 0;
    if (size >= min) return found!;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} never received bytes`);
}

Deno.test("Ctrl-C mid-download: exit 130, no partial file at the final path, the next run resumes", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const big = pseudoRandomBytes(2_000_000, 42);
  await writeTree(server.root, { "pub/big.bin": big, "pub/small.txt": "small\n" });
  server.faults.dataStallAfterBytes = 700_000;
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}", parallel: 1, dataTimeout: 60s`,
    `  - get: { from: pub/big.bin, to: out/ }
  - get: { from: pub/small.txt, to: out/ }
`,
  );
  const child = spawnFerry(["run", task], { cwd: dir.path });
  const part = join(dir.path, "out/big.bin.ferry-part");
  await waitForBytes(part);
  child.kill("SIGINT");
  const output = await child.output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 130, stdout + new TextDecoder().decode(output.stderr));
  assert.match(stdout, /interrupted/);
  await assert.rejects(Deno.stat(join(dir.path, "out/big.bin")), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(join(dir.path, "out/small.txt")), Deno.errors.NotFound);
  const kept = (await Deno.stat(part)).size;
  assert.ok(kept > 0 && kept < big.length);

  server.faults = {};
  const rerun = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(rerun.code, 0, rerun.stderr);
  const download = reportOf(rerun).steps[0].actions[0];
  assert.equal(download.resumedFrom, kept);
  assert.deepEqual(await treeOf(join(dir.path, "out")), await treeOf(join(server.root, "pub")));
});

// The server stops reading mid-upload, so the client's write blocks: the
// run must still stop, clean up and say so. The "interrupted" summary is
// what tells a graceful stop from the process dying of the signal (which
// exits 130 too). An upload that replaces a file goes to a temporary, atomic
// or not, so the old file stays whole; a new file's partial upload is removed.
for (
  const { atomic, replacing } of [
    { atomic: true, replacing: true },
    { atomic: false, replacing: true },
    { atomic: false, replacing: false },
  ]
) {
  Deno.test(`Ctrl-C mid-upload (atomic: ${atomic}, replacing a file: ${replacing}): a summary, and no partial file at the final path`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    const bytes = pseudoRandomBytes(2_000_000, 5);
    await writeTree(dir.path, { "site/big.bin": bytes });
    await writeTree(server.root, replacing ? { "www/big.bin": "old" } : { "www/.keep": "" });
    server.faults.dataStallAfterBytes = 700_000;
    const task = await writeServerTask(
      dir.path,
      `url: "${server.url}"`,
      `  - put: { from: site/big.bin, to: www/big.bin, atomic: ${atomic} }
`,
    );
    const child = spawnFerry(["run", task], { cwd: dir.path });
    const written = replacing
      ? [join(server.root, "www"), /^big\.bin\..*ferry-part$/] as [string, RegExp]
      : join(server.root, "www/big.bin");
    await waitForBytes(written, 20_000, 1);
    child.kill("SIGINT");
    const output = await child.output();
    const stdout = new TextDecoder().decode(output.stdout);
    assert.equal(output.code, 130, stdout);
    assert.match(stdout, /^ferry: interrupted in .*: 0 transferred/m);
    const names = Object.keys(await treeOf(join(server.root, "www")));
    if (replacing) {
      assert.equal(await Deno.readTextFile(join(server.root, "www/big.bin")), "old");
      assert.ok(names.some((n) => /^big\.bin\.[0-9a-f]{12}\.ferry-part$/.test(n)), names.join());
      // The next run continues the temporary it left.
      server.faults = {};
      const rerun = await ferry(["run", task, "--json"], { cwd: dir.path });
      assert.equal(rerun.code, 0, rerun.stderr);
      const upload = reportOf(rerun).steps[0].actions.find((a) => a.action === "upload")!;
      assert.ok((upload.resumedFrom ?? 0) > 0, JSON.stringify(upload));
      assert.equal(await sha256File(join(server.root, "www/big.bin")), sha256(bytes));
      const after = Object.keys(await treeOf(join(server.root, "www")));
      assert.deepEqual(after, ["big.bin"], "no temporary left once the upload is in place");
    } else {
      assert.deepEqual(names, [".keep"], "the partial upload was removed from the final path");
      assert.match(stdout, /Removed the partial upload at www\/big\.bin/);
    }
  });
}

Deno.test("a server refusing extra connections only after the first one finished its work: the jobs held for them are done on it", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const files: Record<string, string> = {};
  for (let i = 0; i < 6; i++) files[`f${i}.txt`] = `file ${i}\n`;
  await writeTree(join(dir.path, "site"), files);
  // The refusals come late (vsftpd under load): by then connection 1 has
  // uploaded what it took and is idle, while the other workers still hold
  // the files they took, waiting for their own connections.
  server.faults.onCommand = (c) =>
    c.verb === "USER" && server.sessionCount > 1
      ? { delayMs: 1_500, reply: "421 Too many connections from your address.\r\n" }
      : undefined;
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}", parallel: 4`,
    `  - sync: { direction: up, local: site, remote: www }
`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path, timeoutMs: 30_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await treeOf(join(server.root, "www")), await treeOf(join(dir.path, "site")));
  assert.equal(reportOf(result).totals.transferred, 6);
});

Deno.test("a server allowing one connection per address: the pool shrinks to it", async () => {
  await using dir = await tempDir();
  // LIST only, so that same-size files need MDTM (asked together on the
  // planning connection); the new files' uploads want more connections.
  await using server = await FtpTestServer.start({ disabledCommands: ["MLSD", "MLST"] });
  const same: Record<string, string> = {};
  for (let i = 0; i < 5; i++) same[`f${i}.txt`] = "same\n";
  const fresh: Record<string, string> = {};
  for (let i = 0; i < 4; i++) fresh[`new${i}.txt`] = `new ${i}\n`;
  await writeTree(join(dir.path, "site"), { ...same, ...fresh });
  await writeTree(join(server.root, "www"), same);
  server.faults.onCommand = (c) =>
    c.verb === "USER" && server.sessionCount > 1
      ? { reply: "421 Too many connections from your address.\r\n" }
      : undefined;
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}", parallel: 4`,
    `  - sync: { direction: up, local: site, remote: www }
`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path, timeoutMs: 30_000 });
  assert.equal(result.code, 0, result.stderr);
  const step = reportOf(result).steps[0];
  const refusals = step.warnings.filter((w) => /refused connection/.test(w));
  assert.deepEqual(refusals, ["The server refused connection 2; going on with 1"], "said once");
  assert.deepEqual(step.actions.map((a) => a.action).sort(), [
    "skip",
    "skip",
    "skip",
    "skip",
    "skip",
    "upload",
    "upload",
    "upload",
    "upload",
  ]);
  for (const [name, content] of Object.entries(fresh)) {
    assert.equal(await Deno.readTextFile(join(server.root, "www", name)), content);
  }
  assert.equal(server.commands.filter((c) => c.startsWith("MDTM www/")).length, 5);
});
