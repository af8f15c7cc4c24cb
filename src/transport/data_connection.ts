/**
 * Data connections: opening them (passive: connect; active: listen and
 * accept only the server), and moving bytes with a stall watchdog.
 *
 * @module
 */

import { FtpError, FtpProtocolError, FtpTimeoutError } from "../errors.ts";
import { sameHost } from "../protocol/_host.ts";
import { closeQuietly, connectionError, dial, hostPort, writeAll } from "./_socket.ts";

/**
 * One data connection. Reads and writes fail with a data timeout when no byte
 * moves for `stallTimeout` milliseconds while ferry is waiting on the socket;
 * time spent waiting for a slow consumer does not count.
 */
export class DataConnection {
  readonly #conn: Deno.Conn;
  readonly #stallTimeout: number;
  #failure?: FtpError;
  #busySince = 0;
  #watchdog?: ReturnType<typeof setInterval>;

  /**
   * Wraps an open socket.
   *
   * @param conn The socket.
   * @param stallTimeout Milliseconds a pending read or write may wait.
   */
  constructor(conn: Deno.Conn, stallTimeout: number) {
    this.#conn = conn;
    this.#stallTimeout = stallTimeout;
  }

  /** Whether the connection was closed. */
  get closed(): boolean {
    return this.#failure !== undefined;
  }

  /**
   * Reads into `buffer`.
   *
   * @param buffer Where to put the bytes.
   * @returns The byte count, or `null` at end of stream.
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    this.#begin();
    try {
      return await this.#conn.read(buffer);
    } catch (error) {
      throw this.#failure ?? this.close(connectionError(error, "data connection"));
    } finally {
      this.#busySince = 0;
    }
  }

  /**
   * Writes every byte of `bytes`.
   *
   * @param bytes The bytes to send.
   */
  async write(bytes: Uint8Array): Promise<void> {
    this.#begin();
    try {
      await writeAll(this.#conn, bytes);
    } catch (error) {
      throw this.#failure ?? this.close(connectionError(error, "data connection"));
    } finally {
      this.#busySince = 0;
    }
  }

  #begin(): void {
    if (this.#failure) throw this.#failure;
    this.#busySince = performance.now();
    // One interval per connection instead of a timer per read: TLS delivers
    // 16 KiB records, and a timer each would cost more than the read.
    this.#watchdog ??= setInterval(() => {
      if (
        this.#busySince !== 0 &&
        performance.now() - this.#busySince > this.#stallTimeout
      ) {
        this.close(
          new FtpTimeoutError(
            "data",
            this.#stallTimeout,
            "waiting for the data connection to move a byte",
          ),
        );
      }
    }, Math.max(10, Math.min(1000, this.#stallTimeout / 4)));
  }

  /**
   * Closes the connection; pending and later calls fail with `reason`.
   * Idempotent.
   *
   * @param reason Why it was closed, if not a normal end.
   * @returns The reason that stands.
   */
  close(reason?: FtpError): FtpError | undefined {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    if (this.#failure) return this.#failure;
    this.#failure = reason ?? new FtpError("The data connection is closed");
    closeQuietly(this.#conn);
    return reason;
  }
}

/** Options for {@linkcode connectData}. */
export interface ConnectDataOptions {
  host: string;
  port: number;
  connectTimeout: number;
  stallTimeout: number;
  signal?: AbortSignal;
}

/**
 * Opens a passive-mode data connection.
 *
 * @param options Where, and the limits to apply.
 * @returns The connection.
 */
export async function connectData(options: ConnectDataOptions): Promise<DataConnection> {
  const conn = await dial({
    host: options.host,
    port: options.port,
    timeoutMs: options.connectTimeout,
    signal: options.signal,
    purpose: "data connection",
  });
  return new DataConnection(conn, options.stallTimeout);
}

/**
 * A listening socket for one active-mode data connection. It accepts only a
 * connection from the expected server address: anyone else who connects
 * first is turned away, so a third party cannot inject or steal data.
 */
export class DataListener {
  readonly #listener: Deno.TcpListener;
  readonly #stallTimeout: number;

  private constructor(listener: Deno.TcpListener, stallTimeout: number) {
    this.#listener = listener;
    this.#stallTimeout = stallTimeout;
  }

  /**
   * Listens on a free port of `host` (the control connection's local address).
   *
   * @param host The local address to listen on.
   * @param stallTimeout Stall limit for the accepted connection.
   * @returns The listener.
   */
  static open(host: string, stallTimeout: number): DataListener {
    return new DataListener(
      Deno.listen({ hostname: host, port: 0, transport: "tcp" }),
      stallTimeout,
    );
  }

  /** The address to announce with EPRT or PORT. */
  get address(): { host: string; port: number } {
    const addr = this.#listener.addr;
    return { host: addr.hostname, port: addr.port };
  }

  /**
   * Accepts the server's connection.
   *
   * @param serverHost The only peer address accepted.
   * @param timeoutMs How long to wait.
   * @returns The connection.
   */
  async accept(serverHost: string, timeoutMs: number): Promise<DataConnection> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      closeQuietly(this.#listener);
    }, timeoutMs);
    try {
      // Bounded by the timer: it closes the listener, which ends the loop.
      while (true) {
        const conn = await this.#listener.accept();
        const peer = (conn.remoteAddr as Deno.NetAddr).hostname;
        if (sameHost(peer, serverHost)) {
          conn.setNoDelay(true);
          return new DataConnection(conn, this.#stallTimeout);
        }
        closeQuietly(conn);
      }
    } catch (error) {
      if (timedOut) {
        throw new FtpTimeoutError(
          "connect",
          timeoutMs,
          `waiting for the server to open the active-mode data connection to ${
            hostPort(this.address.host, this.address.port)
          } (try passive mode if a firewall or NAT is in the way)`,
        );
      }
      throw new FtpProtocolError("The active-mode data listener failed", { cause: error });
    } finally {
      clearTimeout(timer);
      this.close();
    }
  }

  /** Stops listening. Idempotent. */
  close(): void {
    closeQuietly(this.#listener);
  }
}
