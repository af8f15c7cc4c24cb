// downloadAllTo: many files to local paths in one queued call (issue 15, the
// CPU floor of 1000 small files). Bytes hashed, one failure kept to its file,
// the connection usable after, and the call's machinery counted per call.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, FtpInputError, FtpPermanentError } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";

const FILES = 20;

async function withFiles(count: number) {
  const server = await FtpTestServer.start();
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = pseudoRandomBytes(1000 + i * 997, i + 1);
    await Deno.writeFile(join(server.root, `f${i}.bin`), bytes);
    hashes.push(sha256(bytes));
  }
  return { server, hashes };
}

Deno.test("downloadAllTo: 20 files in one queued call, bytes intact, times set, no temporaries left", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await withFiles(FILES);
  await using _server = server;
  await using client = await FtpClient.connect(server.url);
  const started: string[] = [];
  client.addEventListener("commandStarted", (e) => started.push(e.command));
  const mtime = new Date("2020-01-02T03:04:05Z");
  const files = hashes.map((_, i) => ({
    path: `f${i}.bin`,
    destination: join(dir.path, `f${i}.bin`),
    size: 1000 + i * 997,
    mtime,
  }));
  const ended: number[] = [];
  const outcomes = await client.downloadAllTo(files, { onFileEnd: (i) => void ended.push(i) });
  assert.deepEqual(started, ["download"], "one queued call for all the files");
  assert.deepEqual(ended, [...hashes.keys()]);
  for (const [i, hash] of hashes.entries()) {
    const outcome = outcomes[i];
    assert.ok(outcome.ok, `f${i}: ${!outcome.ok && outcome.error.message}`);
    assert.equal(outcome.result.bytes, 1000 + i * 997);
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hash);
    assert.equal((await Deno.stat(join(dir.path, `f${i}.bin`))).mtime?.getTime(), mtime.getTime());
  }
  const names = [...Deno.readDirSync(dir.path)].map((e) => e.name);
  assert.deepEqual(names.filter((n) => n.endsWith(".ferry-part")), []);
  assert.equal(server.commands.filter((c) => c.startsWith("RETR ")).length, FILES);
});

Deno.test("downloadAllTo: a 550 on one file fails that file only, with its code; the rest complete and the connection stays usable", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await withFiles(FILES);
  await using _server = server;
  server.faults.onCommand = (c) =>
    c.verb === "RETR" && c.argument === "f7.bin"
      ? { reply: "550 f7.bin: Permission denied.\r\n" }
      : undefined;
  await using client = await FtpClient.connect(server.url);
  const files = hashes.map((_, i) => ({
    path: `f${i}.bin`,
    destination: join(dir.path, `f${i}.bin`),
  }));
  const outcomes = await client.downloadAllTo(files);
  for (const [i, hash] of hashes.entries()) {
    const outcome = outcomes[i];
    if (i === 7) {
      assert.ok(!outcome.ok);
      assert.ok(outcome.started);
      assert.ok(outcome.error instanceof FtpPermanentError, String(outcome.error));
      assert.equal((outcome.error as FtpPermanentError).code, 550);
      assert.match(outcome.error.message, /f7\.bin/);
      await assert.rejects(Deno.stat(join(dir.path, "f7.bin")), Deno.errors.NotFound);
      // Not kept (keepTemporary defaults to false).
      await assert.rejects(Deno.stat(join(dir.path, "f7.bin.ferry-part")), Deno.errors.NotFound);
      continue;
    }
    assert.ok(outcome.ok, `f${i}: ${!outcome.ok && outcome.error.message}`);
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hash);
  }
  assert.equal(server.commands.filter((c) => c === "RETR f7.bin").length, 1);
  assert.equal(await client.pwd(), "/");
  const again = await client.downloadTo("f8.bin", join(dir.path, "again.bin"));
  assert.equal(again.bytes, 1000 + 8 * 997);
});

Deno.test("downloadAllTo exclusive: a partial file or a link already there fails that file before anything is sent for it", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await withFiles(4);
  await using _server = server;
  await Deno.writeTextFile(join(dir.path, "f1.bin.ferry-part"), "earlier bytes");
  await Deno.writeTextFile(join(dir.path, "elsewhere"), "not to be touched");
  await Deno.symlink(join(dir.path, "elsewhere"), join(dir.path, "f2.bin.ferry-part"));
  await using client = await FtpClient.connect(server.url);
  const files = hashes.map((_, i) => ({
    path: `f${i}.bin`,
    destination: join(dir.path, `f${i}.bin`),
  }));
  const outcomes = await client.downloadAllTo(files, { exclusive: true, keepTemporary: true });
  for (const i of [1, 2]) {
    const outcome = outcomes[i];
    assert.ok(!outcome.ok && !outcome.started, `f${i}`);
    assert.ok(!outcome.ok && outcome.error instanceof Deno.errors.AlreadyExists);
    assert.ok(!server.commands.includes(`RETR f${i}.bin`));
  }
  assert.equal(await Deno.readTextFile(join(dir.path, "f1.bin.ferry-part")), "earlier bytes");
  assert.equal(await Deno.readTextFile(join(dir.path, "elsewhere")), "not to be touched");
  for (const i of [0, 3]) {
    assert.ok(outcomes[i].ok);
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
});

Deno.test("downloadAllTo: cancelled mid-call, the file in flight and the rest leave nothing at their final paths", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await withFiles(10);
  await using _server = server;
  server.faults.onCommand = (c) =>
    c.verb === "RETR" && c.argument === "f4.bin" ? { delayMs: 30_000 } : undefined;
  await using client = await FtpClient.connect(server.url);
  const files = hashes.map((_, i) => ({
    path: `f${i}.bin`,
    destination: join(dir.path, `f${i}.bin`),
  }));
  const stop = new AbortController();
  const outcomes = await client.downloadAllTo(files, {
    signal: stop.signal,
    onProgress: (i) => {
      if (i === 3) stop.abort();
    },
  });
  assert.deepEqual(outcomes.map((o) => o.ok), [true, true, true, ...Array(7).fill(false)]);
  assert.ok(!outcomes[3].ok && outcomes[3].started);
  for (const outcome of outcomes.slice(4)) assert.ok(!outcome.ok && !outcome.started);
  for (let i = 3; i < 10; i++) {
    await assert.rejects(Deno.stat(join(dir.path, `f${i}.bin`)), Deno.errors.NotFound);
  }
  assert.ok(!server.commands.includes("RETR f4.bin"));
  assert.equal(await client.pwd(), "/");
});

Deno.test("downloadAllTo: bad input rejects before anything is queued or sent", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect(server.url);
  const before = server.commands.length;
  await assert.rejects(
    client.downloadAllTo([{ path: "a", destination: "a" }, {
      path: "b\r\nDELE a",
      destination: "b",
    }]),
    FtpInputError,
  );
  await assert.rejects(
    client.downloadAllTo([{ path: "a", destination: "a", size: -1 }]),
    FtpInputError,
  );
  assert.equal(server.commands.length, before);
});

Deno.test("downloadAllTo: bad input of any shape (no list, a null entry, no path) rejects with FtpInputError, not a TypeError thrown at the call", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect(server.url);
  const before = server.commands.length;
  const bad: unknown[] = [undefined, 42, [null], [7], [{ destination: "a" }], [{ path: "a" }]];
  for (const files of bad) {
    let request: Promise<unknown> | undefined;
    assert.doesNotThrow(() => {
      request = client.downloadAllTo(files as never);
    }, String(files));
    await assert.rejects(request!, (error: Error) => {
      assert.ok(error instanceof FtpInputError, `${JSON.stringify(files)}: ${error}`);
      assert.match(error.message, /path|destination|list|array|iterable/i);
      return true;
    });
  }
  assert.equal(server.commands.length, before);
  assert.equal(await client.pwd(), "/");
});

Deno.test("downloadAllTo: on a connection that closed before the call, every file comes back not started, with the connection's error", async () => {
  await using dir = await tempDir();
  const { server } = await withFiles(3);
  await using _server = server;
  server.faults.onCommand = (c) => c.verb === "NOOP" ? { drop: true } : undefined;
  await using client = await FtpClient.connect(server.url);
  await assert.rejects(client.noop());
  const outcomes = await client.downloadAllTo(
    [0, 1, 2].map((i) => ({ path: `f${i}.bin`, destination: join(dir.path, `f${i}.bin`) })),
  );
  assert.equal(outcomes.length, 3);
  for (const outcome of outcomes) {
    assert.ok(!outcome.ok && !outcome.started);
    assert.match(outcome.error.message, /connect|closed/i);
  }
  assert.ok(!server.commands.some((c) => c.startsWith("RETR ")));
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});
