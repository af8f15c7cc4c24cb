// The queue every Node-backed stream reads through: bytes come out whole and
// in order, held bytes before the end or an error, a waiting read wakes, and
// the owner learns when a chunk is read to the end (to free it at once).

import assert from "node:assert/strict";
import { ChunkQueue } from "../../src/transport/chunk_queue.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

Deno.test("reads gather chunks, split one that does not fit, and keep the rest in order", async () => {
  const queue = new ChunkQueue();
  queue.push(bytes(1, 2));
  queue.push(bytes(3, 4, 5));
  queue.push(bytes(6));
  assert.equal(queue.buffered, 6);
  const buffer = new Uint8Array(4);
  assert.equal(await queue.read(buffer), 4);
  assert.deepEqual(buffer, bytes(1, 2, 3, 4));
  assert.equal(queue.buffered, 2);
  assert.equal(await queue.read(buffer), 2);
  assert.deepEqual(buffer.subarray(0, 2), bytes(5, 6));
  assert.equal(queue.buffered, 0);
});

Deno.test("held bytes are read before the end, then every read returns null", async () => {
  const queue = new ChunkQueue();
  queue.push(bytes(7));
  queue.end();
  const buffer = new Uint8Array(8);
  assert.equal(await queue.read(buffer), 1);
  assert.equal(await queue.read(buffer), null);
  assert.equal(await queue.read(buffer), null);
});

Deno.test("held bytes are read before an error; the first error wins, even over the end", async () => {
  const queue = new ChunkQueue();
  queue.push(bytes(1));
  queue.fail(new Deno.errors.ConnectionReset("first"));
  queue.fail(new Error("second"));
  queue.end();
  const buffer = new Uint8Array(8);
  assert.equal(await queue.read(buffer), 1);
  await assert.rejects(queue.read(buffer), Deno.errors.ConnectionReset, "first");
  assert.equal(queue.error?.message, "first");
});

Deno.test("a waiting read wakes on data, on the end and on an error", async () => {
  const buffer = new Uint8Array(8);
  const forData = new ChunkQueue();
  const reading = forData.read(buffer);
  forData.push(bytes(9, 9));
  assert.equal(await reading, 2);

  const forEnd = new ChunkQueue();
  const ending = forEnd.read(buffer);
  forEnd.end();
  assert.equal(await ending, null);

  const forError = new ChunkQueue();
  const failing = forError.read(buffer);
  forError.fail(new Deno.errors.BrokenPipe("gone"));
  await assert.rejects(failing, Deno.errors.BrokenPipe);
});

Deno.test("each chunk is handed to its owner once all its bytes are read, as it was pushed, in order", async () => {
  const taken: Uint8Array[] = [];
  const queue = new ChunkQueue((chunk) => taken.push(chunk));
  const first = bytes(1, 2, 3);
  const second = bytes(4, 5);
  queue.push(first);
  queue.push(second);
  const buffer = new Uint8Array(2);
  assert.equal(await queue.read(buffer), 2);
  assert.deepEqual(buffer, bytes(1, 2));
  assert.deepEqual(taken, [], "the first chunk still has a byte to read");
  assert.equal(await queue.read(buffer), 2);
  assert.deepEqual(buffer, bytes(3, 4));
  assert.equal(taken.length, 1);
  assert.equal(taken[0], first, "the chunk itself, not a view of its rest");
  // The owner may free a taken chunk at once: the rest is read from the next one only.
  first.buffer.transfer(0);
  assert.equal(await queue.read(buffer), 1);
  assert.deepEqual(buffer.subarray(0, 1), bytes(5));
  assert.deepEqual(taken, [first, second]);
});
