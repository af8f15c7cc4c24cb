/**
 * The bytes a Node socket has pushed (its `data` events) and a pulling
 * reader has not taken yet: ferry's Node-backed streams (node:net from a
 * local address, node:tls on data connections, the embedded server's
 * mutual-TLS control connections) all turn pushed chunks into
 * `read(buffer)` calls through it. The socket's owner decides when to pause
 * the socket; the queue only counts what it holds.
 *
 * @module
 */

/**
 * Chunks waiting for one reader, with the stream's end or error.
 *
 * @example
 * ```ts
 * import { ChunkQueue } from "./chunk_queue.ts";
 *
 * const queue = new ChunkQueue();
 * queue.push(new TextEncoder().encode("220 "));
 * queue.push(new TextEncoder().encode("ready\r\n"));
 * queue.end();
 * const buffer = new Uint8Array(64);
 * const n = await queue.read(buffer); // 11: both chunks in one read
 * console.log(new TextDecoder().decode(buffer.subarray(0, n!))); // "220 ready\r\n"
 * console.log(await queue.read(buffer)); // null: the end
 * ```
 */
export class ChunkQueue {
  readonly #chunks: Uint8Array[] = [];
  #head = 0;
  /** Bytes of the head chunk already read. */
  #offset = 0;
  readonly #taken?: (chunk: Uint8Array) => void;
  #buffered = 0;
  #ended = false;
  #error?: Error;
  #wake?: () => void;

  /**
   * @param taken Called with each chunk (as pushed) once all its bytes are
   * read, for an owner that frees its memory at once.
   */
  constructor(taken?: (chunk: Uint8Array) => void) {
    this.#taken = taken;
  }

  /** Bytes held for the reader. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Whether the stream has ended (its end, or a close). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The first error recorded with {@linkcode ChunkQueue.fail}, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Adds bytes that arrived; the queue keeps `chunk` itself, not a copy. */
  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#notify();
  }

  /** Marks the end of the stream: once the held bytes are read, reads return `null`. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Records the stream's error (the first one counts): once the held bytes are read, reads throw it. */
  fail(error: Error): void {
    this.#error ??= error;
    this.#notify();
  }

  /**
   * Waits for bytes, then copies as many as fit into `buffer`, across
   * chunks. Held bytes are read before an error or the end is reported;
   * an error wins over the end.
   *
   * @returns How many bytes were copied, or `null` at the end of the stream.
   * @throws The recorded error, once no bytes are held.
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    // Bounded: each wait ends on data, the end, or an error.
    while (this.#buffered === 0) {
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    let n = 0;
    while (n < buffer.length && this.#head < this.#chunks.length) {
      const chunk = this.#chunks[this.#head];
      const take = Math.min(chunk.length - this.#offset, buffer.length - n);
      buffer.set(
        this.#offset === 0 && take === chunk.length
          ? chunk
          : chunk.subarray(this.#offset, this.#offset + take),
        n,
      );
      n += take;
      this.#offset += take;
      if (this.#offset === chunk.length) {
        this.#head++;
        this.#offset = 0;
        this.#taken?.(chunk);
      }
    }
    this.#chunks.splice(0, this.#head);
    this.#head = 0;
    this.#buffered -= n;
    return n;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
