/**
 * A decoy for tests that name an address the client (or server) must not
 * connect to. Tests never name an address outside loopback, even one that
 * should be ignored: they name the decoy's, 127.0.0.2, and the decoy
 * listens there and records every connection, so a broken guard shows as a
 * recorded connection instead of a packet leaving the machine.
 *
 * A PASV reply keeps the server's real port, so the decoy can listen at
 * each port a 227 names: give the client {@linkcode Decoy.debug} as its
 * `debug` hook, which binds the port as the reply is read, before the
 * client could connect.
 *
 * @example
 * ```ts
 * import { Decoy } from "./_decoy.ts";
 *
 * await using decoy = new Decoy();
 * const port = decoy.listen();
 * console.log(`PORT 127,0,0,2,${port >> 8},${port & 255}`, decoy.connections);
 * ```
 *
 * @module
 */

import type { FtpDebugMessage } from "../mod.ts";

/** Listens on 127.0.0.2 and records who connects. */
export class Decoy implements AsyncDisposable {
  /** The decoy's address. */
  static readonly HOST = "127.0.0.2";
  /** One line per connection received: `port <- remote address`. */
  readonly connections: string[] = [];
  readonly #listeners = new Map<number, Deno.Listener>();
  readonly #loops: Promise<void>[] = [];

  /**
   * Listens at `port` on 127.0.0.2 (a free one when 0 or omitted); a port
   * already listened at is kept. Synchronous, so a `debug` hook can call it.
   *
   * @returns The port.
   */
  listen(port = 0): number {
    if (port !== 0 && this.#listeners.has(port)) return port;
    const listener = Deno.listen({ hostname: Decoy.HOST, port });
    const bound = (listener.addr as Deno.NetAddr).port;
    this.#listeners.set(bound, listener);
    this.#loops.push(
      (async () => {
        // Bounded by the listener: it ends when disposed.
        for await (const conn of listener) {
          const from = conn.remoteAddr as Deno.NetAddr;
          this.connections.push(`${bound} <- ${from.hostname}:${from.port}`);
          conn.close();
        }
      })().catch(() => {}),
    );
    return bound;
  }

  /** A client `debug` hook: listens at the port of every 227 reply naming 127.0.0.2. */
  readonly debug = (message: FtpDebugMessage): void => {
    if (message.direction !== "receive") return;
    const pasv = /^227 .*?(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(message.line);
    if (pasv && pasv.slice(1, 5).join(".") === Decoy.HOST) {
      this.listen(Number(pasv[5]) * 256 + Number(pasv[6]));
    }
  };

  async [Symbol.asyncDispose](): Promise<void> {
    for (const listener of this.#listeners.values()) listener.close();
    await Promise.all(this.#loops);
  }
}
