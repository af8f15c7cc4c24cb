/**
 * Server-side TLS on connections that were accepted as plain TCP (after
 * AUTH TLS, and for PROT P data connections), and from the first byte for
 * implicit FTPS.
 *
 * Deno can start TLS on an existing connection only as a client
 * (`Deno.startTls`). So each server keeps an internal TLS listener on
 * 127.0.0.1 and, to secure a connection, relays its bytes to a fresh TCP
 * connection to that listener: the connection the listener accepts is the
 * secured one, and the server reads and writes it like any other. All
 * connections of one server meet the same listener, so TLS sessions can be
 * resumed across them.
 *
 * @module
 */

import { within } from "./_abortable.ts";
import { Relay, type RelayOptions } from "./_relay.ts";
import type { SessionReuse } from "./_tls_hello.ts";
import { closeQuietly } from "../transport/close_quietly.ts";

/** The certificate and key of a TLS server. */
export interface TlsIdentity {
  /** The PEM certificate chain, leaf first. */
  readonly cert: string;
  /** The PEM private key. */
  readonly key: string;
}

/** The parts of a server-side TLS connection the server uses. */
export interface TlsStream {
  /** Reads decrypted bytes; `null` at end of stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes`, resolving to how many. */
  write(bytes: Uint8Array): Promise<number>;
  /** Sends close_notify and ends the write side. */
  closeWrite(): Promise<void>;
  /** Closes at once. */
  close(): void;
  /** Completes the handshake (rejects if it fails). */
  handshake(): Promise<unknown>;
}

/** Where a terminator's relays lead: an internal TLS listener on 127.0.0.1. */
export interface InternalTlsListener<C extends TlsStream> {
  /** Its port. */
  readonly port: number;
  /**
   * The next connection and the client port it came from (a relay's local
   * port). Rejects once the listener is closed.
   */
  accept(): Promise<{ conn: C; port: number }>;
  /** Stops listening, and closes what it accepted and still holds. */
  close(): void | Promise<void>;
}

/** What sessions need of a {@linkcode TlsTerminator}, whatever its connection type. */
export interface TlsSecurer<C extends TlsStream> {
  /** See {@linkcode TlsTerminator.secure}. */
  secure(raw: Deno.Conn, options?: RelayOptions): Promise<SecureConn<C> | undefined>;
  /** See {@linkcode TlsTerminator.close}. */
  close(): Promise<void>;
}

/** Connections that arrived before anyone claimed them; more are closed. */
const UNCLAIMED_LIMIT = 64;

/** A connection secured by a {@linkcode TlsTerminator}. */
export class SecureConn<C extends TlsStream = Deno.TlsConn> {
  /** The TLS connection to read and write. */
  readonly conn: C;
  readonly #relay: Relay;
  #closing: Promise<void> | undefined;
  /** CCC handed the client's connection to the session, which now closes it. */
  #handedOff = false;

  /** @internal */
  constructor(conn: C, relay: Relay) {
    this.conn = conn;
    this.#relay = relay;
  }

  /** Settles when the relay has closed both of its connections. */
  get relayDone(): Promise<void> {
    return this.#relay.done;
  }

  /** How the handshake dealt with earlier sessions (with `probeResumption`). */
  get sessionReuse(): Promise<SessionReuse | undefined> {
    return this.#relay.sessionReuse;
  }

  /**
   * Completes the TLS handshake; on failure, tears the connection down.
   *
   * @returns Whether it succeeded within `timeoutMs` and before `signal` aborted.
   */
  async handshake(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const attempt = this.conn.handshake();
    try {
      const result = await within(attempt, timeoutMs, signal);
      if (result.ok) return true;
    } catch {
      // A failed handshake: a bad certificate, or not TLS at all.
    }
    // Nothing more can pass: end the relay too, not just the TLS side.
    this.destroy();
    await attempt.catch(() => {});
    return false;
  }

  /**
   * Ends the connection: when `graceful`, sends TLS close_notify and the end
   * of stream first, then lets the relay deliver what is still in flight for
   * as long as bytes keep moving (at most `idleMs` without progress).
   * Resolves when nothing of the connection is left. Idempotent.
   */
  close(graceful: boolean, idleMs: number): Promise<void> {
    this.#closing ??= this.#close(graceful, idleMs);
    return this.#closing;
  }

  /**
   * Ends TLS and keeps the client's connection (CCC, RFC 4217 section 6):
   * sends close_notify, waits for the client's, and hands the connection
   * over for plain text. Call it right after the 200 to CCC, with nothing
   * else to send. On failure (no close_notify in time, or the connection
   * closes) everything is torn down.
   *
   * @returns A reader of the client's connection from the end of its TLS
   * stream on, or `undefined` on failure.
   */
  async unwrap(
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ read(buffer: Uint8Array): Promise<number | null> } | undefined> {
    this.#relay.unwrap();
    const scratch = new Uint8Array(1024);
    const untilClientsCloseNotify = async () => {
      await this.conn.closeWrite();
      // Bounded by the caller's timeout: the client sends nothing but close_notify now.
      while ((await this.conn.read(scratch)) !== null) {
        // Data after CCC's 200 over TLS is a client error; it is dropped.
      }
    };
    try {
      const result = await within(untilClientsCloseNotify(), timeoutMs, signal);
      if (!result.ok) throw new Error("no close_notify in time");
    } catch {
      this.destroy();
      return undefined;
    }
    const plain = this.#relay.handOff();
    this.#handedOff = true;
    closeQuietly(this.conn);
    return plain;
  }

  /** Tears everything down at once. */
  destroy(): void {
    closeQuietly(this.conn);
    this.#relay.destroy();
    if (!this.#handedOff) this.#relay.closeClient();
  }

  async #close(graceful: boolean, idleMs: number): Promise<void> {
    this.#relay.release(idleMs);
    this.#relay.releaseHeld();
    if (graceful) {
      // Bounded by the relay's idle watchdog, which closes the connections
      // under a close_notify that cannot be written.
      await this.conn.closeWrite().catch(() => {});
    }
    closeQuietly(this.conn);
    await this.#relay.done;
    if (!this.#handedOff) this.#relay.closeClient();
  }
}

/**
 * Terminates TLS for one server: an internal TLS listener, and the relays
 * that join client connections to it.
 */
export class TlsTerminator<C extends TlsStream = Deno.TlsConn> implements TlsSecurer<C> {
  readonly #listener: InternalTlsListener<C>;
  readonly #unclaimed = new Map<number, C>();
  readonly #waiting = new Map<number, (conn: C | undefined) => void>();
  readonly #open = new Set<SecureConn<C>>();
  readonly #accepting: Promise<void>;
  #closed = false;

  /** @param listener The internal listener; the terminator owns and closes it. */
  constructor(listener: InternalTlsListener<C>) {
    this.#listener = listener;
    this.#accepting = this.#acceptLoop();
  }

  /**
   * A terminator on Deno's own TLS (`Deno.listenTls`, rustls).
   *
   * @throws If the certificate or key cannot be used.
   */
  static start(identity: TlsIdentity): TlsTerminator {
    const listener = Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: identity.cert,
      key: identity.key,
    });
    return new TlsTerminator({
      port: listener.addr.port,
      async accept() {
        const conn = await listener.accept();
        return { conn, port: conn.remoteAddr.port };
      },
      close: () => closeQuietly(listener),
    });
  }

  /**
   * Secures `raw`: from now on its bytes belong to the returned connection,
   * which acts as the TLS server. The handshake runs on first use or on
   * {@linkcode SecureConn.handshake}.
   *
   * @param raw A plain connection nobody else reads or writes any more.
   * @param options `first`: bytes already read from `raw` that belong to the
   * TLS stream; `holdAfterHandshake`: for uploads (see {@linkcode RelayOptions}).
   * @returns The secured connection, or `undefined` if the server is closing
   * or the internal listener never produced it (a handshake that failed
   * before the connection was handed over).
   */
  async secure(raw: Deno.Conn, options: RelayOptions = {}): Promise<SecureConn<C> | undefined> {
    if (this.#closed) return undefined;
    let back: Deno.TcpConn;
    try {
      back = await Deno.connect({ hostname: "127.0.0.1", port: this.#listener.port });
    } catch {
      return undefined;
    }
    back.setNoDelay(true);
    const port = back.localAddr.port;
    const relay = new Relay(raw, back, options);
    let conn = this.#unclaimed.get(port);
    this.#unclaimed.delete(port);
    if (conn === undefined) {
      const claimed = new Promise<C | undefined>((resolve) => this.#waiting.set(port, resolve));
      // A listener that hands connections over only after the handshake
      // never hands over one whose handshake failed: it hangs up instead.
      conn = await Promise.race([claimed, relay.innerEnded.then(() => undefined)]);
      this.#waiting.delete(port);
    }
    if (conn === undefined || this.#closed) {
      closeQuietly(conn);
      relay.destroy();
      await relay.done;
      return undefined;
    }
    const secured = new SecureConn(conn, relay);
    this.#open.add(secured);
    secured.relayDone.then(() => this.#open.delete(secured));
    return secured;
  }

  /** Closes the listener and every secured connection; resolves when all are gone. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#listener.close();
    await this.#accepting;
    const closing = [...this.#open].map((secured) => {
      secured.destroy();
      return secured.close(false, 1);
    });
    await Promise.all(closing);
  }

  async #acceptLoop(): Promise<void> {
    try {
      // Ends when close() closes the listener.
      for (;;) {
        const { conn, port } = await this.#listener.accept();
        const waiter = this.#waiting.get(port);
        if (waiter) {
          this.#waiting.delete(port);
          waiter(conn);
          continue;
        }
        // Deno.connect() has not returned yet; secure() will find it here.
        if (this.#unclaimed.size >= UNCLAIMED_LIMIT) {
          const [oldest, stale] = this.#unclaimed.entries().next().value!;
          this.#unclaimed.delete(oldest);
          closeQuietly(stale);
        }
        this.#unclaimed.set(port, conn);
      }
    } catch {
      // Closed.
    } finally {
      for (const waiter of this.#waiting.values()) waiter(undefined);
      this.#waiting.clear();
      for (const conn of this.#unclaimed.values()) closeQuietly(conn);
      this.#unclaimed.clear();
    }
  }
}
