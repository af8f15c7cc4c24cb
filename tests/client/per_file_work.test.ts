// The work a small download costs besides its round trips (issue 15, the
// CPU floor of 1000 small files): timers, events, buffers, counted rather
// than timed. Each count is one that a change adding per-file work fails.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { timersStarted } from "../../src/std/timer.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";

const FILES = 20;

async function withFiles(sizes: number[]) {
  const server = await FtpTestServer.start();
  const hashes: string[] = [];
  for (const [i, size] of sizes.entries()) {
    const bytes = pseudoRandomBytes(size, i + 1);
    await Deno.writeFile(join(server.root, `f${i}.bin`), bytes);
    hashes.push(sha256(bytes));
  }
  return { server, hashes };
}

/**
 * Counts the timers the client starts during `work`: `setTimeout` and
 * `setInterval`, and src/std/timer.ts's (`timersStarted`); and the
 * `AbortSignal.timeout` signals, which src/std/timer.ts builds its timers on.
 * The embedded server runs in this process too, and its timers are left out.
 */
async function countTimeouts(
  work: () => Promise<void>,
): Promise<{ timers: number; signals: number }> {
  const originals = {
    setTimeout: globalThis.setTimeout,
    setInterval: globalThis.setInterval,
    signalTimeout: AbortSignal.timeout,
  };
  let started = 0;
  let signals = 0;
  const ours = () => !new Error().stack!.includes("/src/testing/");
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    if (ours()) started++;
    return originals.setTimeout(...args);
  }) as typeof setTimeout;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    if (ours()) started++;
    return originals.setInterval(...args);
  }) as typeof setInterval;
  AbortSignal.timeout = (ms: number) => {
    if (ours()) signals++;
    return originals.signalTimeout.call(AbortSignal, ms);
  };
  const before = timersStarted();
  try {
    await work();
  } finally {
    globalThis.setTimeout = originals.setTimeout;
    globalThis.setInterval = originals.setInterval;
    AbortSignal.timeout = originals.signalTimeout;
  }
  return { timers: started + timersStarted() - before, signals };
}

Deno.test("small downloads: one reply timer per connection, not one per reply read", async () => {
  const { server, hashes } = await withFiles(new Array(FILES).fill(4096));
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  await client.downloadTo("f0.bin", join(dir.path, "warm.bin")); // The first EPSV goes in turn.
  const { timers, signals } = await countTimeouts(async () => {
    for (let i = 0; i < FILES; i++) {
      await client.downloadTo(`f${i}.bin`, join(dir.path, `f${i}.bin`));
    }
  });
  for (let i = 0; i < FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  // Per file: the data connection's connect deadline and its stall watchdog.
  // The three replies each file reads (150, 226, the next EPSV's 229) share
  // the connection's timer.
  assert.ok(timers >= FILES, `${timers} timers for ${FILES} downloads: are they counted?`);
  assert.ok(timers <= 2 * FILES + 2, `${timers} timers for ${FILES} downloads`);
  // They share one armed AbortSignal.timeout: one each was an insert into
  // Deno's timer heap that a clear could not take back (it fired later and
  // made a DOMException).
  assert.ok(signals <= 3, `${signals} AbortSignal.timeout signals for ${timers} timers`);
});

Deno.test("events nobody listens to are not dispatched; those listened to still are", async () => {
  const { server } = await withFiles([100, 200]);
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  const dispatched: string[] = [];
  const original = client.dispatchEvent.bind(client);
  client.dispatchEvent = (event: Event) => {
    dispatched.push(event.type);
    return original(event);
  };
  await client.downloadTo("f0.bin", join(dir.path, "f0.bin"));
  assert.deepEqual(dispatched, []);
  const replies: number[] = [];
  client.addEventListener("reply", (event) => replies.push(event.reply.code));
  await client.downloadTo("f1.bin", join(dir.path, "f1.bin"));
  assert.ok(replies.includes(150) && replies.includes(226), `replies ${replies}`);
  assert.deepEqual(new Set(dispatched), new Set(["reply"]));
});

Deno.test("small downloads reuse their read buffers: bytes intact across sizes on one connection, a stopped transfer in between", async () => {
  // Around the reused buffers' size (64 KiB), and a listing and an aborted
  // download in between, whose buffers must not be handed on.
  const sizes = [0, 1, 4096, 65_535, 65_536, 65_537, 200_000, 10, 4096, 70_000, 3];
  const { server, hashes } = await withFiles(sizes);
  await using _ = server;
  await Deno.writeFile(join(server.root, "big.bin"), pseudoRandomBytes(8 << 20, 99));
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  for (const [i] of sizes.entries()) {
    await client.downloadTo(`f${i}.bin`, join(dir.path, `f${i}.bin`));
    if (i === 3) await client.list();
    if (i === 6) {
      const controller = new AbortController();
      const cut = client.downloadTo("big.bin", join(dir.path, "cut.bin"), {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytes > 0) controller.abort();
        },
      });
      await assert.rejects(cut);
    }
  }
  for (const [i] of sizes.entries()) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i], `f${i}.bin`);
  }
});

Deno.test("small downloads encode each command line once: a path is not encoded again to check it (UTF-8 carries every character)", async () => {
  const { server, hashes } = await withFiles(new Array(FILES).fill(4096));
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  await client.downloadTo("f0.bin", join(dir.path, "warm.bin")); // The first EPSV goes in turn.
  const encode = TextEncoder.prototype.encode;
  let encoded = 0;
  TextEncoder.prototype.encode = function (this: TextEncoder, input?: string) {
    if (!new Error().stack!.includes("/src/testing/")) encoded++;
    return encode.call(this, input);
  };
  try {
    for (let i = 0; i < FILES; i++) {
      await client.downloadTo(`f${i}.bin`, join(dir.path, `f${i}.bin`));
    }
  } finally {
    TextEncoder.prototype.encode = encode;
  }
  for (let i = 0; i < FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  // Per file: RETR, and the next file's EPSV sent with the transfer's end.
  assert.ok(encoded >= FILES, `${encoded} encodings for ${FILES} downloads: are they counted?`);
  assert.ok(encoded <= 2 * FILES + 1, `${encoded} encodings for ${FILES} downloads`);
});

Deno.test("a name a legacy encoding cannot carry still fails the call before anything is sent", async () => {
  const { server } = await withFiles([10]);
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`, {
    encoding: "latin1",
  });
  const commands: string[] = [];
  client.addEventListener("commandStarted", (event) => commands.push(event.command));
  await assert.rejects(
    client.downloadTo("文件.bin", join(dir.path, "x.bin")),
    (error: Error) => error.name === "FtpInputError",
  );
  assert.deepEqual(commands, []);
  await assert.rejects(Deno.stat(join(dir.path, "x.bin")), Deno.errors.NotFound);
});
