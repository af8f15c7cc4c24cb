// Bytes a stream holds in front of what it reads next (a worker's read that
// was larger than the caller's buffer, bytes put back after a peek): reads
// take them first, as much as fits each time.

/**
 * Copies the front of `held` into `buffer`.
 *
 * @returns How many bytes were copied, and what is still held (`undefined`
 * once everything was taken).
 */
export function takeHeld(
  held: Uint8Array,
  buffer: Uint8Array,
): [n: number, rest: Uint8Array | undefined] {
  const n = Math.min(held.length, buffer.length);
  buffer.set(held.subarray(0, n));
  return [n, n === held.length ? undefined : held.subarray(n)];
}
