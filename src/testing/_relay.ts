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

import { closeQuietly } from "../transport/close_quietly.ts";
import { writeAll } from "../transport/write_all.ts";
import { ResumptionProbe, type SessionReuse } from "./_tls_hello.ts";
import { RecordScanner } from "./_tls_records.ts";

const RELAY_BUFFER_BYTES = 64 * 1024;
/** More than a few session tickets: past this, held bytes are sent anyway. */
const HOLD_LIMIT_BYTES = 64 * 1024;

/** Options of a {@linkcode Relay}. */
export interface RelayOptions {
  /** Bytes already read from `outer`, sent to `inner` first. */
  first?: Uint8Array;
  /**
   * For uploads over TLS: once the client sends encrypted records (the
   * handshake is over), hold what the server sends (TLS 1.3 session
   * tickets) until {@linkcode Relay.releaseHeld}. A client that only writes
   * never reads those tickets, and closing a socket with unread bytes makes
   * the kernel send a reset that discards the client's unsent data: lftp
   * loses the end of its upload that way. Held, the tickets reach it after
   * the server has read everything, together with close_notify.
   */
  holdAfterHandshake?: boolean;
  /** Read the cleartext hellos to tell whether the handshake resumed a session. */
  probeResumption?: boolean;
}

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
  /** Settles once the inner side's bytes have ended (its end of stream, or teardown). */
  readonly innerEnded: Promise<void>;
  /**
   * With `probeResumption`: how the TLS handshake dealt with earlier
   * sessions, known once the ServerHello has passed (`undefined` if it
   * could not be read, or without the option).
   */
  readonly sessionReuse: Promise<SessionReuse | undefined>;
  readonly #outer: Deno.Conn;
  readonly #inner: Deno.Conn;
  #destroyed = false;
  #moved = false;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  /** Set while the client's records are being scanned for the end of the handshake. */
  #scanner: RecordScanner | undefined;
  #holding = false;
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  /** The write of released bytes to `outer`, which later writes wait for. */
  #flushing: Promise<void> = Promise.resolve();
  readonly #probe: ResumptionProbe | undefined;

  /**
   * @param outer The client's connection.
   * @param inner The connection to the internal listener.
   * @param options Bytes to send first, and whether to hold the server's bytes.
   */
  constructor(outer: Deno.Conn, inner: Deno.Conn, options: RelayOptions = {}) {
    this.#outer = outer;
    this.#inner = inner;
    if (options.holdAfterHandshake) this.#scanner = new RecordScanner();
    if (options.probeResumption) this.#probe = new ResumptionProbe();
    this.sessionReuse = this.#probe?.reuse ?? Promise.resolve(undefined);
    if (options.first) this.#probe?.pushClient(options.first);
    this.innerEnded = this.#pipe(inner, outer);
    this.done = Promise.all([this.#pipe(outer, inner, options.first), this.innerEnded])
      .then(() => this.destroy());
  }

  /** How many of the server's bytes are held back (see {@linkcode RelayOptions}). */
  get heldBytes(): number {
    return this.#heldBytes;
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

  /** Stops holding the server's bytes and sends those held, in order. */
  releaseHeld(): void {
    this.#scanner = undefined;
    if (!this.#holding) return;
    this.#holding = false;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    this.#flushing = this.#flushing.then(async () => {
      for (const chunk of held) await writeAll(this.#outer, chunk);
    }).catch(() => this.destroy());
  }

  /** Closes both connections at once; pending reads and writes end. Idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#probe?.abandon();
    clearInterval(this.#watchdog);
    closeQuietly(this.#outer);
    closeQuietly(this.#inner);
  }

  async #pipe(from: Deno.Conn, to: Deno.Conn, first?: Uint8Array): Promise<void> {
    const outbound = to === this.#outer;
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
      const chunk = buffer.subarray(0, n);
      this.#moved = true;
      if (this.#probe && !this.#probe.settled) {
        if (outbound) this.#probe.pushServer(chunk);
        else this.#probe.pushClient(chunk);
      }
      if (outbound && this.#holding) {
        this.#hold(chunk);
        continue;
      }
      if (!outbound && this.#scanner?.push(chunk)) {
        this.#scanner = undefined;
        this.#holding = true;
      }
      try {
        if (outbound) await this.#flushing;
        await writeAll(to, chunk);
      } catch {
        return this.destroy();
      }
    }
    try {
      if (outbound) {
        this.releaseHeld();
        await this.#flushing;
      }
      if (!this.#destroyed) await to.closeWrite();
    } catch {
      // Already closed, or reset by the peer: nothing is left to carry.
    }
  }

  #hold(chunk: Uint8Array): void {
    this.#held.push(chunk.slice());
    this.#heldBytes += chunk.length;
    // Not session tickets any more: send everything rather than grow.
    if (this.#heldBytes > HOLD_LIMIT_BYTES) this.releaseHeld();
  }
}
