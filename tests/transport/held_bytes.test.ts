// Bytes held in front of a stream (a worker's oversized read, bytes put back
// after a peek) come out whole and in order, however small the reads.

import assert from "node:assert/strict";
import { takeHeld } from "../../src/transport/_held_bytes.ts";

Deno.test("takeHeld copies what fits and returns the rest, then nothing once all is taken", () => {
  const held = new Uint8Array([1, 2, 3, 4, 5]);
  const buffer = new Uint8Array(2);
  const [first, afterFirst] = takeHeld(held, buffer);
  assert.equal(first, 2);
  assert.deepEqual(buffer, new Uint8Array([1, 2]));
  assert.deepEqual(afterFirst, new Uint8Array([3, 4, 5]));
  const [second, afterSecond] = takeHeld(afterFirst!, buffer);
  assert.equal(second, 2);
  assert.deepEqual(afterSecond, new Uint8Array([5]));
  const large = new Uint8Array(8);
  const [last, none] = takeHeld(afterSecond!, large);
  assert.equal(last, 1);
  assert.equal(large[0], 5);
  assert.equal(none, undefined);
});
