// How the Node-TLS worker answers a data connection's reads
// (src/transport/_filling_reader.ts): whole buffers, filled ahead of the
// client's read, so that each message between the threads carries a full
// buffer; but never bytes held back from a client that waits for them
// (a slow server), nor the stream's end or error lost.

import assert from "node:assert/strict";
import { FillingReader, HANDOVER_MS } from "../../src/transport/_filling_reader.ts";
import { ChunkQueue } from "../../src/transport/chunk_queue.ts";
import type { ByteStream } from "../../src/transport/byte_stream.ts";

const address: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };

/** A stream over a queue the test pushes into, counting its reads. */
function queued(): { queue: ChunkQueue; stream: ByteStream; reads: () => number } {
  const queue = new ChunkQueue();
  let reads = 0;
  const stream: ByteStream = {
    read: (buffer) => {
      reads++;
      return queue.read(buffer);
    },
    write: () => Promise.reject(new Error("not written")),
    closeWrite: () => Promise.resolve(),
    close: () => {
      queue.fail(new Deno.errors.Interrupted("The connection was closed"));
      queue.end();
    },
    localAddr: address,
    remoteAddr: address,
  };
  return { queue, stream, reads: () => reads };
}

const newBuffer = (size: number) => new ArrayBuffer(size);

Deno.test("a filling reader answers each read with a full buffer when the bytes come faster than the reads, in order", async () => {
  const { queue, stream } = queued();
  const reader = new FillingReader(stream, newBuffer);
  const size = 64 * 1024;
  const total = 1024 * 1024;
  // 16 KiB chunks, as node:tls hands them over, all there before the first read.
  for (let offset = 0; offset < total; offset += 16 * 1024) {
    queue.push(new Uint8Array(16 * 1024).fill((offset / (16 * 1024)) % 251));
  }
  queue.end();
  let got = 0;
  let messages = 0;
  // Bounded: the stream has `total` bytes, then its end.
  for (let i = 0; i <= total / size + 1; i++) {
    const result = await reader.read(size);
    if (result.end) break;
    messages++;
    const bytes = new Uint8Array(result.bytes!, 0, result.n!);
    assert.equal(bytes.length, size, `message ${messages} is full`);
    for (let k = 0; k < bytes.length; k += 16 * 1024) {
      assert.equal(bytes[k], ((got + k) / (16 * 1024)) % 251, "bytes in order");
    }
    got += bytes.length;
  }
  assert.equal(got, total);
  assert.equal(messages, total / size);
  assert.deepEqual(await reader.read(size), { end: true }, "the end stays the end");
});

Deno.test("a filling reader hands over the bytes it has to a waiting read within a few ms when the server sends no more for now (no bytes held back from a slow server)", async () => {
  const { queue, stream } = queued();
  const reader = new FillingReader(stream, newBuffer);
  queue.push(new Uint8Array([1, 2, 3]));
  const started = performance.now();
  const first = await reader.read(256 * 1024);
  const waited = performance.now() - started;
  assert.equal(first.n, 3);
  assert.deepEqual([...new Uint8Array(first.bytes!, 0, 3)], [1, 2, 3]);
  // An upper bound only, with slack for a loaded machine.
  assert.ok(waited < HANDOVER_MS + 1000, `handed over after ${waited.toFixed(0)} ms`);
  // A read that comes before any byte waits for the first ones, then gets them promptly too.
  const second = reader.read(256 * 1024);
  setTimeout(() => queue.push(new Uint8Array([4, 5])), 30);
  const result = await second;
  assert.equal(result.n, 2);
  queue.end();
  assert.deepEqual(await reader.read(256 * 1024), { end: true });
});

Deno.test("a filling reader gives the bytes read before the stream's end or failure first, then the end or the error", async () => {
  {
    const { queue, stream } = queued();
    const reader = new FillingReader(stream, newBuffer);
    queue.push(new Uint8Array(100));
    queue.end();
    assert.equal((await reader.read(1024)).n, 100);
    assert.deepEqual(await reader.read(1024), { end: true });
  }
  {
    const { queue, stream } = queued();
    const reader = new FillingReader(stream, newBuffer);
    queue.push(new Uint8Array(100));
    queue.fail(new Deno.errors.ConnectionReset("reset by the server"));
    queue.end();
    assert.equal((await reader.read(1024)).n, 100);
    await assert.rejects(reader.read(1024), Deno.errors.ConnectionReset);
  }
});

Deno.test("a filling reader fills at most one buffer ahead of its reader (bounded memory for a slow reader)", async () => {
  const { queue, stream, reads } = queued();
  const reader = new FillingReader(stream, newBuffer);
  for (let i = 0; i < 64; i++) queue.push(new Uint8Array(16 * 1024));
  await reader.read(64 * 1024);
  // Let the filling run as far as it would.
  await new Promise((resolve) => setTimeout(resolve, 50));
  // The next 64 KiB were taken (a read of the queue), no more.
  assert.equal(queue.buffered, 64 * 16 * 1024 - 2 * 64 * 1024);
  assert.ok(reads() <= 2, `stream reads: ${reads()}`);
  stream.close();
  reader.close();
});

Deno.test("a read waiting on a filling reader fails when its stream is closed", async () => {
  const { stream } = queued();
  const reader = new FillingReader(stream, newBuffer);
  const waiting = reader.read(1024);
  stream.close();
  reader.close();
  await assert.rejects(waiting, Deno.errors.Interrupted);
});
