// Which failures are worth another try, how long to wait before it, and
// how errors are reported (always through the redactor). Which failures
// may succeed again, and which leave the connection unusable, the errors
// say themselves (`FtpError.retryable`, `breaksConnection`); the policy
// (how many tries, the back-off, timeouts' own count in _silence.ts, when
// a login is replaced) is the runner's, here.

import {
  FtpConnectionError,
  FtpError,
  FtpReplyError,
  FtpTimeoutError,
  FtpTlsError,
} from "../errors.ts";
import type { ErrorInfo } from "./report.ts";

/**
 * Whether another try may succeed: what the error says (`retryable`).
 * Anything that is not an `FtpError` (a local file system error, a bug) is
 * final.
 */
export function isTransient(error: unknown): boolean {
  return error instanceof FtpError && error.retryable;
}

/**
 * Whether the connection that saw this error should be replaced: what the
 * error says (`breaksConnection`), and one rule of the runner's: a data
 * connection's TLS failure is tried once more on a new data connection
 * (the same login), then on a new login (`attempt` is the try that
 * failed), since a TLS session the server no longer accepts needs one.
 */
export function breaksConnection(error: unknown, attempt = 1): boolean {
  if (error instanceof FtpTlsError && error.retryable) return attempt > 1;
  return error instanceof FtpError && error.breaksConnection;
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
