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
import { RecordScanner, RecordSplitter } from "./_tls_records.ts";

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
  /** The client-to-server direction, which settles when it stops. */
  readonly #inbound: Promise<void>;
  /** Set by {@linkcode Relay.unwrap}: the client's connection outlives TLS. */
  #unwrap?: {
    splitter: RecordSplitter;
    /** The client's bytes past its TLS stream, in order. */
    plain: Uint8Array[];
    /** TLS is over: every byte from the client is plain. */
    handedOff: boolean;
    /** The client's end of stream was read. */
    ended: boolean;
  };

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
    this.#inbound = this.#pipe(outer, inner, options.first);
    this.done = Promise.all([this.#inbound, this.innerEnded]).then(() => this.destroy());
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

  /**
   * The TLS stream is ending on a connection that goes on in plain text
   * (CCC): the end of the server's side no longer ends the client's, and
   * from the client only whole TLS records are passed on; what follows them
   * is kept for {@linkcode Relay.handOff}.
   */
  unwrap(): void {
    this.#unwrap ??= { splitter: new RecordSplitter(), plain: [], handedOff: false, ended: false };
  }

  /**
   * Once the TLS side has read the client's close_notify: the client's
   * connection, as a reader that first yields what the relay read past the
   * TLS stream (the relay reads no more of it). The relay no longer closes it.
   */
  handOff(): { read(buffer: Uint8Array): Promise<number | null> } {
    this.unwrap();
    const state = this.#unwrap!;
    state.handedOff = true;
    let inboundDone = false;
    this.#inbound.then(() => (inboundDone = true));
    return {
      read: async (buffer) => {
        // Bounded: the relay's last read of the client ends, and then the reads are direct.
        while (true) {
          const chunk = state.plain[0];
          if (chunk) {
            const n = Math.min(chunk.length, buffer.length);
            buffer.set(chunk.subarray(0, n));
            if (n === chunk.length) state.plain.shift();
            else state.plain[0] = chunk.subarray(n);
            return n;
          }
          if (!inboundDone) {
            await this.#inbound;
            inboundDone = true;
            continue;
          }
          if (state.ended) return null;
          return await this.#outer.read(buffer);
        }
      },
    };
  }

  /** Closes both connections at once; pending reads and writes end. Idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#probe?.abandon();
    clearInterval(this.#watchdog);
    // Once TLS is ending (CCC) the client's connection outlives the relay,
    // whose two directions may both be over before the TLS side hands the
    // connection to the session: whoever ends the unwrap closes it (closeClient).
    if (!this.#unwrap) closeQuietly(this.#outer);
    closeQuietly(this.#inner);
  }

  /** Closes the client's connection, which {@linkcode Relay.destroy} leaves open once TLS is ending. */
  closeClient(): void {
    closeQuietly(this.#outer);
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
      if (!outbound && this.#unwrap) {
        if (await this.#unwrapping(n, buffer, to)) continue;
        break;
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
      // While TLS ends (CCC), the server's end of TLS does not end the client's connection.
      if (!this.#destroyed && !(outbound && this.#unwrap)) await to.closeWrite();
    } catch {
      // Already closed, or reset by the peer: nothing is left to carry.
    }
  }

  /**
   * A read from the client while TLS ends: whole records go to the TLS
   * side, plain bytes are kept. Returns whether to read on.
   */
  async #unwrapping(n: number | null, buffer: Uint8Array, to: Deno.Conn): Promise<boolean> {
    const state = this.#unwrap!;
    if (n === null) {
      state.ended = true;
      return false;
    }
    this.#moved = true;
    const chunk = buffer.slice(0, n);
    if (state.handedOff) {
      state.plain.push(chunk);
      return false;
    }
    const { records, plain } = state.splitter.push(chunk);
    try {
      if (records.length > 0) await writeAll(to, records);
    } catch {
      // The TLS side is gone: what it lacked was its close_notify at most.
    }
    if (plain === undefined) return true;
    state.plain.push(plain);
    return false;
  }

  #hold(chunk: Uint8Array): void {
    this.#held.push(chunk.slice());
    this.#heldBytes += chunk.length;
    // Not session tickets any more: send everything rather than grow.
    if (this.#heldBytes > HOLD_LIMIT_BYTES) this.releaseHeld();
  }
}
