// Shared test helpers: deterministic data, hashes, temporary directories.

import { createHash } from "node:crypto";

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** SHA-256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** SHA-256 of a file, streamed, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  const buffer = new Uint8Array(1 << 20);
  // Bounded by the file's end.
  while (true) {
    const n = await file.read(buffer);
    if (n === null) break;
    hash.update(buffer.subarray(0, n));
  }
  return hash.digest("hex");
}

/** Writes `length` pseudo-random bytes to a file in 1 MiB pieces; returns the hash. */
export async function writeRandomFile(path: string, length: number, seed = 7): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const piece = pseudoRandomBytes(1 << 20, seed);
  let written = 0;
  // Bounded by `length`.
  while (written < length) {
    const n = Math.min(piece.length, length - written);
    // Vary each piece so that a shifted or repeated piece changes the hash.
    piece[0] = (written / piece.length) & 0xff;
    const chunk = piece.subarray(0, n);
    let offset = 0;
    while (offset < n) offset += await file.write(chunk.subarray(offset));
    hash.update(chunk);
    written += n;
  }
  return hash.digest("hex");
}

/** A temporary directory removed when disposed. */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "ferry-test-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    },
  };
}

/** Reads a whole stream into one array. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
