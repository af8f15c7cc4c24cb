/**
 * A byte relay between two connections, both directions, with one reused
 * buffer per direction (so memory stays flat: a direction reads again only
 * once its last chunk is written), end of stream carried as a TCP half-close,
 * and a teardown that leaves no read, write or timer behind.
 *
 * The TLS side of the embedded server uses it to join a client's plain TCP
 * connection to a connection accepted by an internal TLS listener (see
 * `_tls_terminator.ts`).
 *
 * @module
 */

import { closeQuietly, writeAll } from "../transport/_io.ts";

const RELAY_BUFFER_BYTES = 64 * 1024;

/** A connection whose write side can be shut down on its own. */
export type HalfClosable = Deno.Conn & { closeWrite(): Promise<void> };

/**
 * Relays bytes between `outer` (the client's connection) and `inner` (the
 * internal one). Each direction ends when its source reaches end of stream
 * (or fails: a reset ends a direction like an end of stream, and TLS above
 * notices the missing close_notify), and then shuts down the write side of
 * its destination. A failed write tears both connections down, since the
 * bytes can no longer be delivered. When both directions have ended, both
 * connections are closed.
 */
export class Relay {
  /** Settles once both connections are closed and nothing of the relay runs. */
  readonly done: Promise<void>;
  readonly #outer: HalfClosable;
  readonly #inner: HalfClosable;
  #destroyed = false;
  #moved = false;
  #watchdog: ReturnType<typeof setInterval> | undefined;

  /**
   * @param outer The client's connection.
   * @param inner The connection to the internal listener.
   * @param first Bytes already read from `outer`, sent to `inner` first.
   */
  constructor(outer: HalfClosable, inner: HalfClosable, first?: Uint8Array) {
    this.#outer = outer;
    this.#inner = inner;
    this.done = Promise.all([
      this.#pipe(outer, inner, first),
      this.#pipe(inner, outer),
    ]).then(() => this.destroy());
  }

  /**
   * From now on, end the relay once `idleMs` pass with no byte moving either
   * way. Called when the server side is done with the connection: a client
   * that neither reads nor closes cannot keep the relay alive, while a slow
   * one still receives everything.
   */
  release(idleMs: number): void {
    if (this.#destroyed || this.#watchdog !== undefined) return;
    this.#moved = true;
    // Checking once per period makes the effective limit one to two periods.
    this.#watchdog = setInterval(() => {
      if (!this.#moved) this.destroy();
      this.#moved = false;
    }, idleMs);
  }

  /** Closes both connections at once; pending reads and writes end. Idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearInterval(this.#watchdog);
    closeQuietly(this.#outer);
    closeQuietly(this.#inner);
  }

  async #pipe(from: HalfClosable, to: HalfClosable, first?: Uint8Array): Promise<void> {
    try {
      if (first !== undefined && first.length > 0) await writeAll(to, first);
    } catch {
      return this.destroy();
    }
    const buffer = new Uint8Array(RELAY_BUFFER_BYTES);
    // Ends at the source's end of stream, on an error, or when destroyed.
    while (!this.#destroyed) {
      let n: number | null;
      try {
        n = await from.read(buffer);
      } catch {
        n = null;
      }
      if (n === null) break;
      try {
        await writeAll(to, buffer.subarray(0, n));
      } catch {
        return this.destroy();
      }
      this.#moved = true;
    }
    try {
      if (!this.#destroyed) await to.closeWrite();
    } catch {
      // Already closed, or reset by the peer: nothing is left to carry.
    }
  }
}
