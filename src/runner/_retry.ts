// Which failures are worth another try, how long to wait before it, and
// how errors are reported (always through the redactor).

import {
  FtpConnectionError,
  FtpError,
  FtpPermanentError,
  FtpProtocolError,
  FtpReplyError,
  FtpTimeoutError,
  FtpTlsError,
  FtpTransientError,
  FtpUnexpectedReplyError,
} from "../errors.ts";
import { TransientRunError } from "./errors.ts";
import type { ErrorInfo } from "./report.ts";

/**
 * Whether Deno refused the operation for want of a permission, anywhere in
 * the error's causes: the client reports a data connection the sandbox
 * denied as a failed connection, and trying again cannot help.
 */
export function isPermissionDenied(error: unknown): boolean {
  // Bounded: a cause chain is short; the depth cap guards against a loop.
  for (let e = error, depth = 0; e !== undefined && depth < 16; depth++) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return true;
    }
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/**
 * Whether another try may succeed: 4xx replies, lost or timed-out
 * connections, garbled replies (the connection is replaced), short files.
 * 5xx replies, bad input, missing features, permissions Deno denied and
 * local errors are final.
 */
export function isTransient(error: unknown): boolean {
  if (isPermissionDenied(error)) return false;
  if (isDataTlsFailure(error)) return true;
  if (error instanceof FtpTransientError) return true;
  if (error instanceof FtpPermanentError || error instanceof FtpUnexpectedReplyError) return false;
  if (error instanceof FtpConnectionError) return error.kind !== "host-not-found";
  return error instanceof FtpTimeoutError || error instanceof FtpProtocolError ||
    error instanceof TransientRunError;
}

/**
 * Whether the connection that saw this error should be replaced. `attempt`
 * is the try that failed: a data connection's TLS failure is tried once
 * more on a new data connection, then on a new login.
 */
export function breaksConnection(error: unknown, attempt = 1): boolean {
  if (isDataTlsFailure(error)) return attempt > 1;
  return error instanceof FtpConnectionError || error instanceof FtpTimeoutError ||
    error instanceof FtpProtocolError;
}

/**
 * A data connection's TLS handshake failed, or the server refused the data
 * connection after it (FtpTlsError `handshake` on a data connection):
 * transient, since a new data connection, or a new login (a new TLS
 * session), may succeed. Other TLS errors (certificates, a server that
 * requires session reuse where ferry cannot give it) are final.
 */
export function isDataTlsFailure(error: unknown): boolean {
  return error instanceof FtpTlsError && error.connection === "data" && error.kind === "handshake";
}

/** Back-off before retry `attempt` (1, 2, ...): 250 ms doubling, at most 10 s, with jitter. */
export function backoffMs(attempt: number): number {
  const base = Math.min(10_000, 250 * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * The wait before retry `attempt` after `error`: the back-off, except after
 * a timeout, which already kept the server waiting a whole timeout; a
 * server that stopped answering then costs about 2 x the timeout, not more.
 */
export function retryDelayMs(error: unknown, attempt: number): number {
  return error instanceof FtpTimeoutError ? 0 : backoffMs(attempt);
}

/** Waits, or rejects as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** An error as the report shows it. */
export function errorInfo(error: unknown, redact: (text: string) => string): ErrorInfo {
  if (!(error instanceof Error)) return { name: "Error", message: redact(String(error)) };
  const info: ErrorInfo = { name: error.name, message: redact(error.message) };
  if (error instanceof FtpReplyError) info.code = error.code;
  else if (error instanceof FtpConnectionError) info.code = error.kind;
  else if (error instanceof FtpTimeoutError) info.code = error.phase;
  else if (error instanceof Deno.errors.NotFound) info.code = "ENOENT";
  else if (error instanceof Deno.errors.PermissionDenied) info.code = "EACCES";
  else if (error instanceof FtpError && typeof (error as { code?: unknown }).code === "string") {
    // An error of ferry's own that names its kind (a verify step's difference).
    info.code = (error as unknown as { code: string }).code;
  }
  return info;
}
