// src/transport/chunk_queue.ts
var ChunkQueue = class {
  #chunks = [];
  #head = 0;
  /** Bytes of the head chunk already read. */
  #offset = 0;
  #taken;
  #buffered = 0;
  #ended = false;
  #error;
  #wake;
  /**
   * @param taken Called with each chunk (as pushed) once all its bytes are
   * read, for an owner that frees its memory at once.
   */
  constructor(taken) {
    this.#taken = taken;
  }
  /** Bytes held for the reader. */
  get buffered() {
    return this.#buffered;
  }
  /** Whether the stream has ended (its end, or a close). */
  get ended() {
    return this.#ended;
  }
  /** The first error recorded with {@linkcode ChunkQueue.fail}, if any. */
  get error() {
    return this.#error;
  }
  /** Adds bytes that arrived; the queue keeps `chunk` itself, not a copy. */
  push(chunk) {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#notify();
  }
  /** Marks the end of the stream: once the held bytes are read, reads return `null`. */
  end() {
    this.#ended = true;
    this.#notify();
  }
  /** Records the stream's error (the first one counts): once the held bytes are read, reads throw it. */
  fail(error) {
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
  async read(buffer) {
    while (this.#buffered === 0) {
      if (this.#error) throw this.#error;
      if (this.#ended) return null;
      await new Promise((resolve) => this.#wake = resolve);
    }
    let n = 0;
    while (n < buffer.length && this.#head < this.#chunks.length) {
      const chunk = this.#chunks[this.#head];
      const take = Math.min(chunk.length - this.#offset, buffer.length - n);
      buffer.set(this.#offset === 0 && take === chunk.length ? chunk : chunk.subarray(this.#offset, this.#offset + take), n);
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
  #notify() {
    const wake = this.#wake;
    this.#wake = void 0;
    wake?.();
  }
};

export {
  ChunkQueue
};
