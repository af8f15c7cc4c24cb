// Opening TCP connections with a deadline and mapping Deno's failures onto
// ferry's typed errors. Shared by the control and data connections.

import {
  FtpAbortError,
  FtpConnectionError,
  FtpError,
  FtpProtocolError,
  FtpTimeoutError,
} from "../errors.ts";
import { hostPort, sameHost } from "../protocol/host.ts";
import type { ByteStream } from "./byte_stream.ts";
import { closeQuietly } from "./close_quietly.ts";
import { startTimer, type Timer } from "../std/timer.ts";
import type { DialTarget } from "./transport.ts";

/**
 * Runs a connection attempt under a deadline and the caller's signal,
 * mapping timeouts, aborts and network errors onto ferry's typed errors.
 */
export async function withDeadline<T>(
  options: DialTarget,
  connect: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { host, port, timeoutMs, signal, purpose, phase = "connect" } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = startTimer(timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await connect(controller.signal);
  } catch (error) {
    if (timedOut) {
      throw new FtpTimeoutError(
        phase,
        timeoutMs,
        `opening the ${purpose} to ${hostPort(host, port)}`,
      );
    }
    if (signal?.aborted) {
      throw new FtpAbortError(`Opening the ${purpose} was aborted`, { cause: error });
    }
    throw connectionError(error, `${purpose} to ${hostPort(host, port)}`);
  } finally {
    timer.clear();
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The connection attempts under way for each signal, which one abort
 * listener per signal abandons: a batch of a thousand small files dials a
 * data connection per file under one signal, and adding and removing a
 * listener each time (Deno's option conversions, its records) cost more
 * than the rest of the dial's JavaScript. The listener stays on the signal
 * until the signal is collected, holding only this set, which the attempts
 * leave as they end (as the transfers' set in client/_transfer.ts).
 */
const dialing = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `onAbort` when `signal` aborts, until the returned function is called. */
function whileDialing(signal: AbortSignal, onAbort: () => void): () => void {
  let live = dialing.get(signal);
  if (live === undefined) {
    const attempts = new Set<() => void>();
    live = attempts;
    dialing.set(signal, attempts);
    signal.addEventListener("abort", () => {
      // Bounded by the attempts under way; each removes itself as it ends.
      for (const abandon of attempts) abandon();
    }, { once: true });
  }
  const attempts = live;
  attempts.add(onAbort);
  return () => attempts.delete(onAbort);
}

/**
 * Connects with TCP_NODELAY on (unless `noDelay` is false: a connection the
 * client only reads): FTP is request/response on the control connection,
 * and Nagle's delay costs tens of milliseconds per exchange.
 * From a chosen local address, through node:net (see _node_tcp.ts);
 * otherwise a `Deno.TcpConn`.
 */
export async function dial(options: DialTarget): Promise<ByteStream> {
  if (options.localAddress === undefined) return await dialDeno(options);
  const { dialFrom } = await import("./_node_tcp.ts");
  return await dialFrom({ ...options, localAddress: options.localAddress });
}

/**
 * Connects through Deno's own TCP (what Deno's TLS needs underneath), under
 * the deadline and the caller's signal as `withDeadline` does, but with no
 * AbortController and no listener of its own (see `whileDialing`): it runs
 * for every data connection, one per small file.
 */
export function dialDeno(options: DialTarget): Promise<Deno.TcpConn> {
  const { host, port, timeoutMs, signal, purpose, phase = "connect", noDelay = true } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<Deno.TcpConn>((resolve, reject) => {
    // The signal is not given to Deno.connect: in Deno 2.9 an abort that
    // lands as the connection completes leaks the socket. Instead the
    // attempt is abandoned, and a connection that arrives late is closed.
    const connecting = Deno.connect({ hostname: host, port });
    let over = false;
    const end = (): boolean => {
      if (over) return false;
      over = true;
      timer.clear();
      leave?.();
      return true;
    };
    const abandon = (error: Error) => {
      if (!end()) return;
      reject(error);
      connecting.then((late) => closeQuietly(late), () => {});
    };
    const timer = startTimer(timeoutMs, () =>
      abandon(
        new FtpTimeoutError(phase, timeoutMs, `opening the ${purpose} to ${hostPort(host, port)}`),
      ));
    const onAbort = () =>
      abandon(new FtpAbortError(`Opening the ${purpose} was aborted`, { cause: signal!.reason }));
    const leave = signal && whileDialing(signal, onAbort);
    connecting.then((conn) => {
      if (!end()) return closeQuietly(conn);
      // Not for a download's data (once a file): the client writes nothing on it.
      if (noDelay) conn.setNoDelay(true);
      resolve(conn);
    }, (error) => {
      if (end()) reject(connectionError(error, `${purpose} to ${hostPort(host, port)}`));
    });
  });
}

/**
 * Accepts the one connection a server opens in active mode: a connection
 * from any other address is turned away, so a third party cannot inject or
 * steal data. The listener is closed when this settles.
 */
export async function acceptFrom<T>(
  listener: {
    accept(): Promise<T>;
    close(): void;
    peerOf(conn: T): string;
    discard(conn: T): void;
    describe: string;
  },
  serverHost: string,
  timeoutMs: number,
): Promise<T> {
  let timedOut = false;
  const timer = startTimer(timeoutMs, () => {
    timedOut = true;
    listener.close();
  });
  try {
    // Bounded by the timer: it closes the listener, which ends the loop.
    while (true) {
      const conn = await listener.accept();
      if (sameHost(listener.peerOf(conn), serverHost)) return conn;
      listener.discard(conn);
    }
  } catch (error) {
    if (timedOut) {
      throw new FtpTimeoutError(
        "data-connection",
        timeoutMs,
        `waiting for the server to open the active-mode data connection to ${listener.describe} (try passive mode if a firewall or NAT is in the way)`,
      );
    }
    throw new FtpProtocolError("The active-mode data listener failed", { cause: error });
  } finally {
    timer.clear();
    listener.close();
  }
}

/**
 * Waits for `work` at most `timeoutMs`; on timeout runs `giveUp` (which
 * closes what `work` waits on) and fails with a connect-phase timeout that
 * reports `limitMs` (the whole limit, when `timeoutMs` is what is left of it).
 */
export async function within<T>(
  work: Promise<T>,
  timeoutMs: number,
  what: string,
  giveUp: () => void,
  limitMs = timeoutMs,
): Promise<T> {
  let timer: Timer | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = startTimer(timeoutMs, () => {
      giveUp();
      reject(new FtpTimeoutError("connect", limitMs, what));
    });
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    timer?.clear();
  }
}

/** Maps an error from Deno's networking onto an {@linkcode FtpConnectionError}. */
export function connectionError(error: unknown, what: string): FtpError {
  if (error instanceof FtpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // Node's sockets (the resuming TLS path) report errno codes instead.
  const code = (error as { code?: string }).code ?? "";
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new FtpConnectionError(
      "denied",
      `Deno's permissions do not allow the ${what}; grant it with --allow-net (${message})`,
      { cause: error },
    );
  }
  if (error instanceof Deno.errors.ConnectionRefused || code === "ECONNREFUSED") {
    return new FtpConnectionError(
      "refused",
      `The server refused the ${what}; check the host and port`,
      { cause: error },
    );
  }
  if (
    /lookup address|name or service not known|nodename nor servname/i.test(message) ||
    code === "ENOTFOUND" || code === "EAI_AGAIN"
  ) {
    return new FtpConnectionError(
      "host-not-found",
      `Cannot resolve the host name for the ${what}; check the spelling or DNS`,
      { cause: error },
    );
  }
  if (
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionAborted ||
    ["ECONNRESET", "EPIPE", "ECONNABORTED"].includes(code)
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
