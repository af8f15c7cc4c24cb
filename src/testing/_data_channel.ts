/**
 * Setting up data connections: passive (PASV/EPSV: the server listens, the
 * client connects) and active (PORT/EPRT: the server connects back). Either
 * kind serves one transfer command and talks only to the control
 * connection's peer.
 *
 * @module
 */

import { within } from "./_abortable.ts";
import { sameHost } from "../protocol/host.ts";
import { closeQuietly } from "../transport/close_quietly.ts";
import type { DataAddress } from "../protocol/data_address.ts";

/** A data connection that a transfer command can open. */
export interface DataSetup {
  /**
   * Opens the connection, waiting at most `timeoutMs`.
   *
   * @returns The connection, or `undefined` if none could be made in time
   * or `signal` aborted first.
   */
  open(signal: AbortSignal, timeoutMs: number): Promise<Deno.Conn | undefined>;
  /** Releases it; resolves once nothing of it is left running. */
  close(): Promise<void>;
  /** A short description for STAT. */
  readonly description: string;
  /** Who connects: the client (`"passive"`) or the server (`"active"`). */
  readonly mode: "passive" | "active";
}

/**
 * A passive listener on the control connection's local address. It accepts
 * in the background from the moment it exists, because clients connect
 * right after the 227/229 reply, before sending the transfer command.
 * Connections from any host but the control peer are closed unheard.
 */
export class PassiveSetup implements DataSetup {
  /** The port the listener got. */
  readonly port: number;
  readonly description: string;
  readonly mode = "passive";
  readonly #listener: Deno.Listener;
  readonly #accepted: Promise<Deno.Conn | undefined>;
  #handedOver = false;

  private constructor(listener: Deno.Listener, peerHost: string) {
    this.#listener = listener;
    this.port = (listener.addr as Deno.NetAddr).port;
    this.description = `passive, listening on port ${this.port}`;
    this.#accepted = this.#acceptFrom(peerHost);
  }

  /** Listens on `localHost`, port 0, for a connection from `peerHost`. */
  static listen(localHost: string, peerHost: string): PassiveSetup {
    return new PassiveSetup(Deno.listen({ hostname: localHost, port: 0 }), peerHost);
  }

  async #acceptFrom(peerHost: string): Promise<Deno.Conn | undefined> {
    try {
      // Ends when a connection from the peer arrives or the listener closes.
      for (;;) {
        const conn = await this.#listener.accept();
        if (sameHost((conn.remoteAddr as Deno.NetAddr).hostname, peerHost)) return conn;
        closeQuietly(conn);
      }
    } catch {
      return undefined;
    } finally {
      closeQuietly(this.#listener);
    }
  }

  async open(signal: AbortSignal, timeoutMs: number): Promise<Deno.Conn | undefined> {
    const result = await within(this.#accepted, timeoutMs, signal);
    if (!result.ok || !result.value) return undefined;
    this.#handedOver = true;
    return result.value;
  }

  async close(): Promise<void> {
    closeQuietly(this.#listener);
    const conn = await this.#accepted;
    if (conn && !this.#handedOver) closeQuietly(conn);
  }
}

/** An active connection to an address the client named (PORT/EPRT). */
export class ActiveSetup implements DataSetup {
  readonly description: string;
  readonly mode = "active";
  readonly #address: DataAddress;

  /** @param address Where to connect; the caller has checked it. */
  constructor(address: DataAddress) {
    this.#address = address;
    this.description = `active, to port ${address.port}`;
  }

  async open(signal: AbortSignal, timeoutMs: number): Promise<Deno.Conn | undefined> {
    const giveUp = new AbortController();
    const stop = () => giveUp.abort();
    const timer = setTimeout(stop, timeoutMs);
    signal.addEventListener("abort", stop, { once: true });
    try {
      return await Deno.connect({
        hostname: this.#address.host,
        port: this.#address.port,
        signal: giveUp.signal,
      });
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
