/**
 * Bandwidth limits: a token bucket that paces the data connections of
 * transfers (a `rateLimit` on one call, on a client, or one limiter shared
 * by several clients, such as every connection of a task run).
 *
 * Pacing is backpressure, not buffering: a paced upload waits before each
 * small write until the bucket allows it, and a paced download reads at most
 * one small chunk, then waits before reading on (the server's bytes stay in
 * the network, whose flow control slows the sender down). Nothing piles up
 * in memory while a transfer waits, and an abort ends the wait at once.
 *
 * @module
 */

import { FtpInputError } from "../errors.ts";
import type { DataPacer } from "../transport/data_connection.ts";

/** The most bytes a paced transfer moves between two waits. */
const MAX_CHUNK_BYTES = 64 * 1024;

/** Options of {@linkcode RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * The bucket's size: how many bytes may pass at once after a pause (the
   * burst). Over any window of `t` seconds, at most
   * `bytesPerSecond * t + burstBytes` bytes pass. Raised to the chunk size
   * (`chunkBytes`) when smaller.
   *
   * @default {an eighth of a second's worth: bytesPerSecond / 8}
   */
  burstBytes?: number;
}

/**
 * A token bucket: `bytesPerSecond` tokens flow in, up to `burstBytes`; a
 * byte costs a token. Waiters are served in turn (first come, first
 * served), so transfers sharing a limiter share its rate fairly. The bucket
 * starts full.
 *
 * Give one to several transfers or clients to cap them together: as the
 * `rateLimit` of calls, or of clients (`FtpClientOptions.rateLimit`). A
 * number in those places makes a limiter of its own.
 *
 * @example Two clients capped together at 2 MiB/s
 * ```ts
 * import { FtpClient, RateLimiter } from "@ferry/ftp";
 *
 * const rateLimit = new RateLimiter(2 * 1024 * 1024);
 * await using a = await FtpClient.connect("ftp://127.0.0.1:2121", { rateLimit });
 * await using b = await FtpClient.connect("ftp://127.0.0.1:2121", { rateLimit });
 * await Promise.all([
 *   a.downloadTo("one.iso", "./one.iso"),
 *   b.uploadFrom("./two.tar", "two.tar"),
 * ]);
 * ```
 */
export class RateLimiter {
  /** The rate, in bytes per second. */
  readonly bytesPerSecond: number;
  /** The bucket's size, in bytes (see {@linkcode RateLimiterOptions.burstBytes}). */
  readonly burstBytes: number;
  /**
   * The most bytes a transfer moves between two waits: a sixteenth of a
   * second's worth, between 1 byte and 64 KiB. A paced download never holds
   * more than this while it waits.
   */
  readonly chunkBytes: number;
  #tokens: number;
  #updated = performance.now();
  readonly #waiters: Waiter[] = [];
  #timer?: ReturnType<typeof setTimeout>;

  /**
   * Makes a limiter.
   *
   * @param bytesPerSecond The rate: a number of bytes per second above 0.
   * @param options The burst size.
   * @throws {FtpInputError} For a rate or burst that is not a positive number.
   */
  constructor(bytesPerSecond: number, options: RateLimiterOptions = {}) {
    checkRate(bytesPerSecond, "A rate limit");
    const burst = options.burstBytes;
    if (burst !== undefined && !(Number.isFinite(burst) && burst > 0)) {
      throw new FtpInputError(`burstBytes must be a number of bytes above 0, got ${burst}`);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.chunkBytes = Math.max(1, Math.min(MAX_CHUNK_BYTES, Math.floor(bytesPerSecond / 16)));
    this.burstBytes = Math.max(this.chunkBytes, Math.floor(burst ?? bytesPerSecond / 8));
    this.#tokens = this.burstBytes;
  }

  /**
   * Waits until `bytes` may pass, and counts them. Transfers call this for
   * every chunk; it is public so that other streams can be paced too.
   *
   * @param bytes How many bytes (more than `burstBytes` waits for a full
   * bucket and leaves it in debt, so the average still holds).
   * @param signal Ends the wait at once, rejecting with its reason.
   * @returns Resolves when the bytes may go.
   * @example Pacing a stream of your own
   * ```ts
   * import { RateLimiter } from "@ferry/ftp";
   *
   * const limiter = new RateLimiter(64 * 1024);
   * const paced = new TransformStream<Uint8Array, Uint8Array>({
   *   async transform(chunk, controller) {
   *     await limiter.take(chunk.length);
   *     controller.enqueue(chunk);
   *   },
   * });
   * await new Blob([new Uint8Array(1000)]).stream().pipeThrough(paced).pipeTo(new WritableStream());
   * ```
   */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (bytes <= 0) return Promise.resolve();
    this.#refill();
    if (this.#waiters.length === 0 && this.#tokens >= Math.min(bytes, this.burstBytes)) {
      this.#tokens -= bytes;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { bytes, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => this.#drop(waiter, signal.reason);
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
      this.#schedule();
    });
  }

  #refill(): void {
    const now = performance.now();
    const earned = (now - this.#updated) / 1000 * this.bytesPerSecond;
    this.#tokens = Math.min(this.burstBytes, this.#tokens + earned);
    this.#updated = now;
  }

  /** Serves the waiters the bucket covers, then sleeps until the next one's turn. */
  #serve(): void {
    this.#timer = undefined;
    this.#refill();
    // Bounded by the queue's length.
    while (this.#waiters.length > 0) {
      const head = this.#waiters[0];
      if (this.#tokens < Math.min(head.bytes, this.burstBytes)) break;
      this.#tokens -= head.bytes;
      this.#waiters.shift();
      this.#settle(head);
      head.resolve();
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#waiters.length === 0) return;
    const need = Math.min(this.#waiters[0].bytes, this.burstBytes) - this.#tokens;
    const ms = Math.max(0, Math.ceil(need / this.bytesPerSecond * 1000));
    this.#timer = setTimeout(() => this.#serve(), ms);
  }

  #drop(waiter: Waiter, reason: unknown): void {
    const index = this.#waiters.indexOf(waiter);
    if (index === -1) return;
    this.#waiters.splice(index, 1);
    this.#settle(waiter);
    waiter.reject(reason);
    // The head may have changed: its turn comes at another time.
    if (index === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#schedule();
    }
  }

  #settle(waiter: Waiter): void {
    if (waiter.onAbort) waiter.signal!.removeEventListener("abort", waiter.onAbort);
  }
}

interface Waiter {
  bytes: number;
  resolve(): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Refuses a rate that is not a finite number of bytes per second above 0. */
function checkRate(rate: unknown, what: string): void {
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0) {
    throw new FtpInputError(
      `${what} must be a number of bytes per second above 0, got ${String(rate)}`,
    );
  }
}

/**
 * The limiter a `rateLimit` option names: a number makes a new one, a
 * limiter is shared as it is.
 *
 * @param value The option's value.
 * @param what The option's name, for the error.
 * @throws {FtpInputError} For anything but a rate above 0 or a limiter.
 */
export function rateLimiterOf(
  value: number | RateLimiter | undefined,
  what: string,
): RateLimiter | undefined {
  if (value === undefined || value instanceof RateLimiter) return value;
  checkRate(value, what);
  return new RateLimiter(value);
}

/** The limiters of one data connection (the call's and the client's), paced together. */
export function pacerOf(
  limiters: readonly (RateLimiter | undefined)[],
): DataPacer | undefined {
  const all = limiters.filter((limiter) => limiter !== undefined);
  if (all.length <= 1) return all[0];
  return {
    chunkBytes: Math.min(...all.map((limiter) => limiter.chunkBytes)),
    async take(bytes, signal) {
      for (const limiter of all) await limiter.take(bytes, signal);
    },
  };
}
