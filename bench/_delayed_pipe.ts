// One direction of a connection through the delay proxy: every chunk read
// from `from` is written to `to` one one-way delay after it was read (and,
// with a rate cap, no sooner than the link could have carried it), in order.
// A bounded queue between the two gives backpressure: once `windowBytes` are
// in flight the pipe stops reading, the sender's socket buffer fills, and the
// sender waits, as on a real link whose window is full.

import { setImmediate } from "node:timers";

/** How a {@linkcode DelayedPipe} shapes its direction. */
export interface PipeShape {
  /** One-way delay, milliseconds. */
  delayMs: number;
  /** Bytes per second this direction may carry; `undefined` for no cap. */
  rateBytesPerSecond: number | undefined;
  /** Most bytes read but not yet written (the emulated window). */
  windowBytes: number;
}

/** What a pipe tells its owner, all synchronous (called on the event loop). */
export interface PipeHooks {
  /**
   * Sees each chunk as it is read and returns the bytes to queue instead
   * (fewer while a line filter holds back a partial line, which it keeps).
   */
  onRead?: (chunk: Uint8Array) => Uint8Array;
  /** The sender closed its side: bytes still held by `onRead` to flush. */
  onEnd?: () => Uint8Array | undefined;
  /**
   * A chunk (0 bytes: the end of the stream) is being handed to `to`: from
   * now on the receiver may have it. Called before the write, not after:
   * the receiver's answer can reach the proxy before the write's completion
   * does, and must count as an answer.
   */
  onDeliver?: (bytes: number) => void;
}

interface Queued {
  /** `undefined` marks the end of the stream (the sender's FIN). */
  chunk: Uint8Array | undefined;
  /** performance.now() at which it may be written. */
  due: number;
}

const READ_SIZE = 64 * 1024;

/** How late a timer fires, typically, on a busy machine (measured: a median 1.1-1.5 ms). */
const TIMER_LATENESS_MS = 1;

/**
 * Resolves at `due` (performance.now() time), never before: a timer up to
 * about a millisecond before it, then short turns of the event loop, so that
 * each delay is not lengthened by the timer's lateness (which would add
 * about 2.5 ms to every 40 ms round trip).
 */
async function until(due: number): Promise<void> {
  const wait = due - performance.now() - TIMER_LATENESS_MS;
  if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
  // Bounded: ends at `due`, at most about a millisecond of turns after the timer.
  while (performance.now() < due) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Copies `from` to `to` with a delay. `done` resolves when the end of the
 * stream has been passed on (`to.closeWrite()`), and rejects on a read or
 * write error; the owner then closes both connections.
 */
export class DelayedPipe {
  /** Settles when this direction is finished. */
  readonly done: Promise<void>;
  #queue: Queued[] = [];
  #queuedBytes = 0;
  #maxQueuedBytes = 0;
  #lastDeparture = 0;
  #wakeReader: (() => void) | undefined;
  #wakeWriter: (() => void) | undefined;
  #stopped = false;
  readonly #shape: PipeShape;
  readonly #hooks: PipeHooks;

  constructor(from: Deno.Conn, to: Deno.Conn, shape: PipeShape, hooks: PipeHooks = {}) {
    this.#shape = shape;
    this.#hooks = hooks;
    // Both loops run until the stream ends or fails; if one fails, the other
    // is woken and stopped, so `done` always settles.
    const reading = this.#read(from).catch((error) => {
      this.#stop();
      throw error;
    });
    const writing = this.#write(to).catch((error) => {
      this.#stop();
      throw error;
    });
    this.done = Promise.all([reading, writing]).then(() => {});
  }

  /** The most bytes this pipe ever held at once. */
  get maxQueuedBytes(): number {
    return this.#maxQueuedBytes;
  }

  /** Stops both loops (the owner is closing the connections). */
  #stop(): void {
    this.#stopped = true;
    this.#wakeReader?.();
    this.#wakeWriter?.();
  }

  /** When a chunk read now may be written: after the link carried it, plus the delay. */
  #dueTime(bytes: number): number {
    const now = performance.now();
    const rate = this.#shape.rateBytesPerSecond;
    if (rate === undefined) return now + this.#shape.delayMs;
    const departure = Math.max(now, this.#lastDeparture) + (bytes / rate) * 1000;
    this.#lastDeparture = departure;
    return departure + this.#shape.delayMs;
  }

  #push(chunk: Uint8Array | undefined): void {
    const bytes = chunk?.length ?? 0;
    this.#queue.push({ chunk, due: this.#dueTime(bytes) });
    this.#queuedBytes += bytes;
    this.#maxQueuedBytes = Math.max(this.#maxQueuedBytes, this.#queuedBytes);
    this.#wakeWriter?.();
  }

  async #read(from: Deno.Conn): Promise<void> {
    const rate = this.#shape.rateBytesPerSecond;
    // Under a rate cap, chunks of at most ~5 ms of the rate keep the pacing smooth.
    const size = rate === undefined
      ? READ_SIZE
      : Math.max(1024, Math.min(READ_SIZE, Math.floor(rate / 200)));
    // Ends at the end of the stream, on an error, or when stopped.
    while (!this.#stopped) {
      while (this.#queuedBytes >= this.#shape.windowBytes && !this.#stopped) {
        await new Promise<void>((resolve) => (this.#wakeReader = resolve));
        this.#wakeReader = undefined;
      }
      if (this.#stopped) return;
      const buffer = new Uint8Array(size);
      const n = await from.read(buffer);
      if (n === null) {
        const rest = this.#hooks.onEnd?.();
        if (rest && rest.length > 0) this.#push(rest);
        this.#push(undefined);
        return;
      }
      const chunk = this.#hooks.onRead
        ? this.#hooks.onRead(buffer.subarray(0, n))
        : buffer.subarray(0, n);
      if (chunk.length > 0) this.#push(chunk);
    }
  }

  async #write(to: Deno.Conn): Promise<void> {
    // Ends after passing on the end of the stream, on an error, or when stopped.
    while (!this.#stopped) {
      const next = this.#queue[0];
      if (next === undefined) {
        await new Promise<void>((resolve) => (this.#wakeWriter = resolve));
        this.#wakeWriter = undefined;
        continue;
      }
      await until(next.due);
      if (this.#stopped) return;
      if (next.chunk === undefined) {
        this.#queue.shift();
        this.#hooks.onDeliver?.(0);
        await to.closeWrite();
        return;
      }
      this.#hooks.onDeliver?.(next.chunk.length);
      for (let offset = 0; offset < next.chunk.length;) {
        offset += await to.write(next.chunk.subarray(offset));
      }
      this.#queue.shift();
      this.#queuedBytes -= next.chunk.length;
      this.#wakeReader?.();
    }
  }
}
