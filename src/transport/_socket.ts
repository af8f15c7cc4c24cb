// Opening TCP connections with a deadline and mapping Deno's failures onto
// ferry's typed errors. Shared by the control and data connections.

import { FtpAbortError, FtpConnectionError, FtpError, FtpTimeoutError } from "../errors.ts";
import { hostForUrl } from "../protocol/_host.ts";

/** What to connect to and how long to wait. */
export interface DialOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the connection in errors, such as "control connection". */
  purpose: string;
}

/**
 * Connects with TCP_NODELAY on: FTP is request/response on the control
 * connection, and Nagle's delay costs tens of milliseconds per exchange.
 */
export async function dial(options: DialOptions): Promise<Deno.TcpConn> {
  const { host, port, timeoutMs, signal, purpose } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const conn = await Deno.connect({
      hostname: host,
      port,
      signal: controller.signal,
    });
    conn.setNoDelay(true);
    return conn;
  } catch (error) {
    if (timedOut) {
      throw new FtpTimeoutError(
        "connect",
        timeoutMs,
        `opening the ${purpose} to ${hostPort(host, port)}`,
      );
    }
    if (signal?.aborted) {
      throw new FtpAbortError(`Opening the ${purpose} was aborted`, {
        cause: error,
      });
    }
    throw connectionError(error, `${purpose} to ${hostPort(host, port)}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Formats host and port, bracketing IPv6 addresses. */
export function hostPort(host: string, port: number): string {
  return `${hostForUrl(host)}:${port}`;
}

/** Maps an error from Deno's networking onto an {@linkcode FtpConnectionError}. */
export function connectionError(error: unknown, what: string): FtpError {
  if (error instanceof FtpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Deno.errors.ConnectionRefused) {
    return new FtpConnectionError(
      "refused",
      `The server refused the ${what}; check the host and port`,
      { cause: error },
    );
  }
  if (/lookup address|name or service not known|nodename nor servname/i.test(message)) {
    return new FtpConnectionError(
      "host-not-found",
      `Cannot resolve the host name for the ${what}; check the spelling or DNS`,
      { cause: error },
    );
  }
  if (
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionAborted
  ) {
    return new FtpConnectionError(
      "reset",
      `The server reset the ${what} (${message})`,
      { cause: error },
    );
  }
  return new FtpConnectionError(
    "closed",
    `The ${what} failed: ${message}`,
    { cause: error },
  );
}

export { closeQuietly, writeAll } from "./_io.ts";
