// How the Node-TLS worker (_isolated_worker.ts) serves a data connection's
// reads: it fills a whole message's buffer ahead of the client's thread and
// hands it over full, instead of answering each read with whatever node:tls
// had decrypted so far.
//
// Why: every message between the threads leaves a few hundred bytes in the
// old generation of both isolates (Deno's node:worker_threads messaging),
// which V8 does not collect during a transfer: the old generation's limit
// is above what a transfer reaches, so that garbage adds up for the whole
// transfer. Read at once, a 1 GiB download took 8,000-18,000 messages (60-130
// KiB each: the more loaded the machine, the smaller), and both heaps grew
// by 2-5 MiB, in proportion (docs/performance.md, "Fewer, fuller messages").
// Filled, it takes about 4,100 (256 KiB each).
//
// Bytes are never held back for long: a buffer the client is waiting for is
// handed over as it is once it has waited HANDOVER_MS with bytes in it (a
// slow server), at the end of the stream, or when the stream fails.

import type { ByteStream } from "./byte_stream.ts";
import type { WireResult } from "./_isolated_wire.ts";

/**
 * How long the client may wait for a buffer that already holds bytes. At
 * loopback speed a 256 KiB buffer fills in about 1 ms; on a slow link the
 * bytes go out at this pace, as they come (the filling never pauses, so
 * only their delivery waits, not the transfer). Longer than a thread may
 * wait for a core on a loaded machine: each late hand-over is one more
 * message, and a copy.
 */
export const HANDOVER_MS = 20;

/** The client's pending read. */
interface Waiter {
  resolve(result: WireResult): void;
  reject(error: unknown): void;
}

/**
 * Reads a stream into whole buffers, one buffer ahead of the client: while
 * the client's thread has one buffer, the next is being filled.
 *
 * @example
 * ```ts
 * import { FillingReader } from "./_filling_reader.ts";
 * import { ChunkQueue } from "./chunk_queue.ts";
 *
 * const queue = new ChunkQueue();
 * const stream = {
 *   read: (b: Uint8Array) => queue.read(b),
 *   write: () => Promise.resolve(0),
 *   closeWrite: () => Promise.resolve(),
 *   close: () => queue.end(),
 *   localAddr: { transport: "tcp", hostname: "127.0.0.1", port: 1 },
 *   remoteAddr: { transport: "tcp", hostname: "127.0.0.1", port: 2 },
 * } as const;
 * const reader = new FillingReader(stream, (size) => new ArrayBuffer(size));
 * queue.push(new Uint8Array(10));
 * queue.end();
 * const { n } = await reader.read(64); // 10: the end came before the buffer was full
 * ```
 */
export class FillingReader {
  readonly #stream: ByteStream;
  readonly #makeBuffer: (size: number) => ArrayBuffer;
  #buffer?: ArrayBuffer;
  #filled = 0;
  #size = 0;
  #ended = false;
  #error?: unknown;
  #running = false;
  /** Where the read in flight puts its bytes in the buffer, if one is in flight. */
  #readingAt?: number;
  /** Bytes before `#readingAt` went to the client while the read was in flight. */
  #movedOn = false;
  #closed = false;
  #waiter?: Waiter;
  /** Set when the client has waited HANDOVER_MS for a buffer with bytes in it. */
  #late = false;
  #timer?: ReturnType<typeof setTimeout>;

  /**
   * @param stream What to read.
   * @param makeBuffer A buffer of at least `size` bytes (a spare one the client gave back, or new).
   */
  constructor(stream: ByteStream, makeBuffer: (size: number) => ArrayBuffer) {
    this.#stream = stream;
    this.#makeBuffer = makeBuffer;
  }

  /**
   * The client's next read: the buffer being filled once it is full (or
   * late, or the stream ended or failed), then the filling goes on into
   * another buffer. One read at a time.
   *
   * @param size The buffer size to fill (the first read sets it; later reads may change it).
   * @returns The bytes (`n` of `bytes`), or `end`.
   */
  read(size: number): Promise<WireResult> {
    this.#size = size;
    return new Promise<WireResult>((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#settle();
      this.#run();
    });
  }

  /** Stops filling; a pending read fails with what closing the stream gives it. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Fills buffers while the client has at most one: bounded by the stream's end or failure. */
  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      // Bounded: each pass reads at least one byte, or the stream ends or fails.
      while (!this.#ended && this.#error === undefined && !this.#closed) {
        if (!this.#buffer) {
          this.#buffer = this.#makeBuffer(this.#size);
          this.#filled = 0;
        }
        // Full and nobody asking: wait for the client's next read.
        if (this.#filled >= this.#buffer.byteLength) break;
        const buffer = this.#buffer;
        const at = this.#filled;
        this.#readingAt = at;
        let n: number | null;
        try {
          n = await this.#stream.read(new Uint8Array(buffer, at));
        } catch (error) {
          this.#error = error;
          this.#movedOn = false;
          break;
        } finally {
          this.#readingAt = undefined;
        }
        if (n === null) this.#ended = true;
        else if (this.#movedOn) {
          // What came before went to the client as a copy: these bytes come first now.
          new Uint8Array(buffer).copyWithin(0, at, at + n);
          this.#filled = n;
        } else this.#filled += n;
        this.#movedOn = false;
        this.#settle();
      }
    } finally {
      this.#running = false;
    }
    this.#settle();
    // A read that came while the loop was leaving (its buffer just handed over): fill anew.
    if (this.#waiter && !this.#ended && this.#error === undefined && !this.#closed) this.#run();
  }

  /** Answers the waiting read if there is something to answer with. */
  #settle(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    const buffer = this.#buffer;
    const filled = this.#filled;
    const done = this.#ended || this.#error !== undefined || this.#closed;
    if (buffer && filled > 0 && (filled >= buffer.byteLength || done || this.#late)) {
      this.#waiter = undefined;
      this.#filled = 0;
      this.#late = false;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.#readingAt === undefined) {
        this.#buffer = undefined;
        waiter.resolve({ n: filled, bytes: buffer });
      } else {
        // Late, with a read into this buffer in flight (a slow server): the
        // buffer must stay here for that read, so its bytes go in another
        // (a spare one the client gave back, so that none is made per message).
        this.#movedOn = true;
        const copy = this.#makeBuffer(Math.max(filled, this.#size));
        new Uint8Array(copy).set(new Uint8Array(buffer, 0, filled));
        waiter.resolve({ n: filled, bytes: copy });
      }
      return;
    }
    if (filled === 0 && this.#error !== undefined) {
      this.#waiter = undefined;
      waiter.reject(this.#error);
      return;
    }
    if (filled === 0 && this.#ended) {
      this.#waiter = undefined;
      waiter.resolve({ end: true });
      return;
    }
    // Bytes the client is waiting for: hand them over in HANDOVER_MS at the latest.
    if (filled > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#late = true;
        this.#settle();
      }, HANDOVER_MS);
    }
  }
}
