/**
 * The typed error hierarchy shared by every layer of ferry.
 *
 * It keeps Python ftplib's split (transient 4xx, permanent 5xx, unexpected
 * reply, protocol violation) and adds what a network client needs on top:
 * connection failures that say which kind, timeouts that say which phase,
 * aborts, and input refused before anything was sent.
 *
 * @module
 */

import type { FtpReply } from "./protocol/reply.ts";

/**
 * Base class of every error ferry throws. Catch this to handle all of them.
 *
 * @example Telling FTP failures apart from bugs
 * ```ts
 * import { FtpClient, FtpError } from "@ferry/ftp";
 *
 * try {
 *   await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 *   await client.remove("missing.txt");
 * } catch (error) {
 *   if (error instanceof FtpError) console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class FtpError extends Error {
  /**
   * Creates an error with a message and optional cause.
   *
   * @param message What went wrong and, where it helps, what to do next.
   * @param options Standard error options, such as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FtpError";
  }

  /**
   * Whether the same call, tried again unchanged, may succeed. `true` for 4xx
   * replies, timeouts, connections refused, reset or lost, garbled replies
   * (on a new connection), transfers that came up short
   * (`FtpSizeMismatchError`) and a data connection's failed TLS handshake;
   * `false` for 5xx replies, unexpected replies, bad input, missing
   * features, limits, aborts, certificates, host names that do not resolve
   * and anything Deno's permissions denied. How often and how soon to try
   * again is the caller's policy (the task runner: `retries`, back-off,
   * and `timeoutRetries` for timeouts).
   *
   * @example Retrying what may succeed, on a new connection where it must
   * ```ts
   * import { FtpClient, FtpError } from "@ferry/ftp";
   *
   * let client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * for (let attempt = 1; ; attempt++) {
   *   try {
   *     await client.downloadTo("report.csv", "./report.csv");
   *     break;
   *   } catch (error) {
   *     if (!(error instanceof FtpError) || !error.retryable || attempt === 3) throw error;
   *     if (error.breaksConnection) {
   *       await client.close();
   *       client = await FtpClient.connect("ftp://127.0.0.1:2121");
   *     }
   *   }
   * }
   * await client.close();
   * ```
   */
  get retryable(): boolean {
    return false;
  }

  /**
   * Whether the connection that saw this error is no longer fit for the
   * next command, so that a retry needs a new one: `true` for connection
   * failures, timeouts (ferry closed the connection) and protocol errors
   * (nothing after a garbled reply can be trusted); `false` for the rest,
   * whose connection is in step and usable (a reply error, a short
   * transfer, a data connection's TLS failure, bad input).
   *
   * @example
   * ```ts
   * import { FtpConnectionError, FtpTransientError } from "@ferry/ftp";
   *
   * const lost = new FtpConnectionError("reset", "The server reset the connection");
   * console.log(lost.retryable, lost.breaksConnection); // true true
   * const busy = new FtpTransientError({ code: 450, text: "Busy", lines: ["450 Busy"] }, "RETR a");
   * console.log(busy.retryable, busy.breaksConnection); // true false
   * ```
   */
  get breaksConnection(): boolean {
    return false;
  }
}

/**
 * Whether Deno refused something for want of a permission, anywhere in the
 * error's causes: trying again cannot help.
 */
function deniedByDeno(error: unknown): boolean {
  // Bounded: a cause chain is short; the depth cap guards against a loop.
  for (let e = error, depth = 0; e !== undefined && depth < 16; depth++) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return true;
    }
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}

/** Advice appended to reply errors whose code usually has one cause. */
const HINTS: Record<number, string> = {
  421: "the server is closing the connection; reconnect and retry",
  425:
    "the data connection could not be opened; try the other transfer mode (active/passive) or check firewalls",
  426: "the transfer was interrupted; retry, resuming with an offset if the file is large",
  430: "check the user name and password",
  450: "the file is busy or unavailable for now; retry later",
  451: "the server hit a local error; retry later",
  452: "the server is out of space; free some and retry",
  332: "the server asks for an account; pass the `account` option",
  530: "check the user name and password (or log in before this command)",
  532: "the server wants an account for storing files; pass `account` when logging in",
  550: "check that the path exists and that you may access it",
  552: "the server's storage quota is exceeded",
  553:
    "the server refused to store the file under that name: check that you may write there and that the name is allowed",
};

/**
 * A reply from the server that ended a command unsuccessfully. It carries the
 * reply code, the reply text and the command that was sent (with any password
 * replaced by `***`).
 *
 * @example Reading the code of a failed command
 * ```ts
 * import { FtpClient, FtpReplyError } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * try {
 *   await client.cd("no/such/dir");
 * } catch (error) {
 *   if (error instanceof FtpReplyError) console.log(error.code); // 550
 * }
 * ```
 */
export class FtpReplyError extends FtpError {
  /** The three-digit reply code. */
  readonly code: number;
  /** The reply text without the code, lines joined by `\n`. */
  readonly text: string;
  /** The command that drew the reply, redacted, or `undefined` for the greeting. */
  readonly command: string | undefined;

  /**
   * Creates an error from a server reply.
   *
   * @param reply The reply that failed the command.
   * @param command The command sent, already redacted.
   * @param options Standard error options, such as `cause`.
   */
  constructor(reply: FtpReply, command?: string, options?: ErrorOptions) {
    const hint = HINTS[reply.code];
    const sent = command === undefined ? "to the greeting" : `to "${command}"`;
    // The whole text stays in `text`; a message is for people.
    const shown = reply.text.length > 500 ? `${reply.text.slice(0, 500)}…` : reply.text;
    super(
      `${reply.code} ${shown} (server reply ${sent})` +
        (hint ? `: ${hint}` : ""),
      options,
    );
    this.name = "FtpReplyError";
    this.code = reply.code;
    this.text = reply.text;
    this.command = command;
  }
}

/**
 * A 4xx reply: the command failed but may succeed if tried again later
 * (ftplib's `error_temp`).
 *
 * @example Retrying transient failures only
 * ```ts
 * import { FtpTransientError } from "@ferry/ftp";
 *
 * function shouldRetry(error: unknown): boolean {
 *   return error instanceof FtpTransientError;
 * }
 * ```
 */
export class FtpTransientError extends FtpReplyError {
  /**
   * Creates the error from a 4xx reply.
   *
   * @param reply The reply.
   * @param command The command sent, redacted.
   * @param options Standard error options, such as `cause`.
   */
  constructor(reply: FtpReply, command?: string, options?: ErrorOptions) {
    super(reply, command, options);
    this.name = "FtpTransientError";
  }

  /** `true`: a 4xx reply says the command may succeed later. */
  override get retryable(): boolean {
    return !deniedByDeno(this);
  }
}

/**
 * A 5xx reply: the command failed and repeating it unchanged will fail again
 * (ftplib's `error_perm`).
 *
 * @example Treating a missing file as absent
 * ```ts
 * import { FtpClient, FtpPermanentError } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const size = await client.size("maybe.txt").catch((error) => {
 *   if (error instanceof FtpPermanentError && error.code === 550) return undefined;
 *   throw error;
 * });
 * ```
 */
export class FtpPermanentError extends FtpReplyError {
  /**
   * Creates the error from a 5xx reply.
   *
   * @param reply The reply.
   * @param command The command sent, redacted.
   * @param options Standard error options, such as `cause`.
   */
  constructor(reply: FtpReply, command?: string, options?: ErrorOptions) {
    super(reply, command, options);
    this.name = "FtpPermanentError";
  }
}

/**
 * A well-formed reply that the command did not expect, such as a 3xx where a
 * 2xx was due (ftplib's `error_reply`).
 *
 * @example
 * ```ts
 * import { FtpUnexpectedReplyError } from "@ferry/ftp";
 *
 * const isOdd = (e: unknown) => e instanceof FtpUnexpectedReplyError;
 * ```
 */
export class FtpUnexpectedReplyError extends FtpReplyError {
  /**
   * Creates the error from the unexpected reply.
   *
   * @param reply The reply.
   * @param command The command sent, redacted.
   * @param options Standard error options, such as `cause`.
   */
  constructor(reply: FtpReply, command?: string, options?: ErrorOptions) {
    super(reply, command, options);
    this.name = "FtpUnexpectedReplyError";
  }
}

/**
 * Builds the right {@linkcode FtpReplyError} subclass for a reply code.
 *
 * @param reply The reply that ended the command.
 * @param command The command sent, already redacted.
 * @param options Standard error options, such as `cause`.
 * @returns A transient, permanent or unexpected-reply error.
 *
 * @example
 * ```ts
 * import { replyError } from "@ferry/ftp";
 *
 * const error = replyError({ code: 550, text: "Not found", lines: ["550 Not found"] }, "DELE x");
 * console.log(error.name); // "FtpPermanentError"
 * ```
 */
export function replyError(
  reply: FtpReply,
  command?: string,
  options?: ErrorOptions,
): FtpReplyError {
  if (reply.code >= 400 && reply.code < 500) {
    return new FtpTransientError(reply, command, options);
  }
  if (reply.code >= 500) return new FtpPermanentError(reply, command, options);
  return new FtpUnexpectedReplyError(reply, command, options);
}

/**
 * The server broke the protocol: a malformed reply, an endless multi-line
 * reply, an overlong line, or a data address that cannot be used
 * (ftplib's `error_proto`). The control connection is closed when this is
 * thrown, because nothing after it can be trusted.
 *
 * @example
 * ```ts
 * import { FtpProtocolError } from "@ferry/ftp";
 *
 * const brokenServer = (e: unknown) => e instanceof FtpProtocolError;
 * ```
 */
export class FtpProtocolError extends FtpError {
  /**
   * Creates the error.
   *
   * @param message What the server sent that was wrong.
   * @param options Standard error options, such as `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FtpProtocolError";
  }

  /** `true`: on a new connection, the server may answer properly. */
  override get retryable(): boolean {
    return !deniedByDeno(this);
  }

  /** `true`: the connection was closed, since nothing after the error can be trusted. */
  override get breaksConnection(): boolean {
    return true;
  }
}

/**
 * Which way a connection failed, after QFtp's error enum.
 *
 * @example
 * ```ts
 * import { FtpConnectionError, type ConnectionFailure } from "@ferry/ftp";
 *
 * const retryable: ConnectionFailure[] = ["closed", "reset"];
 * const shouldRetry = (e: unknown) => e instanceof FtpConnectionError && retryable.includes(e.kind);
 * ```
 */
export type ConnectionFailure =
  | "host-not-found"
  | "refused"
  | "not-connected"
  | "not-logged-in"
  | "closed"
  | "reset"
  | "denied"
  | "local-address";

/**
 * A connection could not be made or was lost. `kind` says which:
 * the host name did not resolve, the server refused the connection, a
 * command was issued while not connected (`not-connected`) or before a
 * successful login (`not-logged-in`: the login failed, or `login: false`
 * was given and `login()` not called yet), the server closed or reset it,
 * or Deno's permissions denied it (`denied`: permanent, do not retry), or
 * it could not be made from the `localAddress` asked for (`local-address`:
 * not an address of this machine, or not of the server's address family;
 * permanent).
 *
 * @example Reconnecting after the server hung up
 * ```ts
 * import { FtpConnectionError } from "@ferry/ftp";
 *
 * const lost = (e: unknown) => e instanceof FtpConnectionError && e.kind === "closed";
 * ```
 */
export class FtpConnectionError extends FtpError {
  /** How the connection failed. */
  readonly kind: ConnectionFailure;

  /**
   * Creates the error.
   *
   * @param kind How the connection failed.
   * @param message A description naming the host where known.
   * @param options Standard error options, such as `cause`.
   */
  constructor(
    kind: ConnectionFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "FtpConnectionError";
    this.kind = kind;
  }

  /**
   * `true` unless the host name does not resolve or Deno's permissions
   * denied the connection (`host-not-found`, `denied`): a refused, closed or
   * reset connection may work the next time.
   */
  override get retryable(): boolean {
    return this.kind !== "host-not-found" && this.kind !== "denied" && !deniedByDeno(this);
  }

  /** `true`: the connection is gone (or was never made). */
  override get breaksConnection(): boolean {
    return true;
  }
}

/**
 * Which wait ran out:
 *
 * - `connect`: opening the control connection (TCP, and the TLS handshake:
 *   implicit TLS, or after AUTH TLS);
 * - `greeting`: the server's greeting (220) after the connection opened;
 * - `reply`: the reply to a command (the message names the command);
 * - `data-connection`: opening a data connection (passive: connecting to the
 *   port EPSV/PASV named; active: waiting for the server to connect);
 * - `data`: a data transfer that stalled (no byte moved).
 *
 * Before `greeting` and `data-connection` existed, a greeting that never
 * came was a `reply` timeout and a data connection that could not be opened
 * a `connect` one.
 *
 * @example
 * ```ts
 * import { FtpTimeoutError, type TimeoutPhase } from "@ferry/ftp";
 *
 * const phaseOf = (e: unknown): TimeoutPhase | undefined => e instanceof FtpTimeoutError ? e.phase : undefined;
 * ```
 */
export type TimeoutPhase = "connect" | "greeting" | "reply" | "data-connection" | "data";

/** The option that sets each phase's limit, named in the message. */
const TIMEOUT_OPTION: Record<TimeoutPhase, string> = {
  connect: "connectTimeout",
  greeting: "connectTimeout",
  reply: "replyTimeout",
  "data-connection": "connectTimeout",
  data: "dataTimeout",
};

/**
 * A wait ran out: connecting, the greeting, a reply, opening a data
 * connection, or a data transfer that stalled (`phase` says which, the
 * message names what was awaited and the option that sets the limit). The
 * connection concerned is closed.
 *
 * @example
 * ```ts
 * import { FtpTimeoutError } from "@ferry/ftp";
 *
 * const slow = (e: unknown) => e instanceof FtpTimeoutError && e.phase === "data";
 * ```
 */
export class FtpTimeoutError extends FtpError {
  /** Which wait ran out. */
  readonly phase: TimeoutPhase;
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * Creates the error.
   *
   * @param phase Which wait ran out.
   * @param timeoutMs The limit in milliseconds.
   * @param detail What was being waited for, such as `waiting for the reply to "PWD"`.
   * @param option The option that set the limit; by default the phase's own.
   */
  constructor(phase: TimeoutPhase, timeoutMs: number, detail: string, option?: string) {
    super(
      `Timed out after ${timeoutMs} ms ${detail}; raise \`${option ?? TIMEOUT_OPTION[phase]}\` ` +
        `if the server is just slow`,
    );
    this.name = "FtpTimeoutError";
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }

  /**
   * `true`: the server may answer in time on a new connection. A server
   * that stopped answering makes every retry wait a whole timeout, so
   * retry timeouts sparingly (the runner's `timeoutRetries`).
   */
  override get retryable(): boolean {
    return true;
  }

  /** `true`: the connection concerned was closed. */
  override get breaksConnection(): boolean {
    return true;
  }
}

/**
 * A call was cancelled: its `AbortSignal` fired, `clearPending()` or
 * `abort()` removed it from the queue, an earlier queued command failed, or
 * the client was closed. Its `name` is `"AbortError"`, as for `fetch`.
 *
 * @example
 * ```ts
 * import { FtpAbortError } from "@ferry/ftp";
 *
 * const cancelled = (e: unknown) => e instanceof FtpAbortError;
 * ```
 */
export class FtpAbortError extends FtpError {
  /**
   * Creates the error.
   *
   * @param message Why the call was cancelled.
   * @param options Standard error options, such as `cause`.
   */
  constructor(message = "The operation was aborted", options?: ErrorOptions) {
    super(message, options);
    this.name = "AbortError";
  }
}

/**
 * An argument was refused before anything was sent: a path holding CR, LF or
 * NUL (which would inject a second command), a malformed URL, a bad option.
 *
 * @example
 * ```ts
 * import { FtpClient, FtpInputError } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.remove("evil\r\nDELE other").catch((e) => {
 *   console.log(e instanceof FtpInputError); // true, and nothing was sent
 * });
 * ```
 */
export class FtpInputError extends FtpError {
  /**
   * Creates the error.
   *
   * @param message What is wrong with the input and how to fix it.
   */
  constructor(message: string) {
    super(message);
    this.name = "FtpInputError";
  }
}

/**
 * The server does not offer a feature the call needs (for example MFMT for
 * `setLastModified`).
 *
 * @example
 * ```ts
 * import { FtpUnsupportedError } from "@ferry/ftp";
 *
 * const missingFeature = (e: unknown) => e instanceof FtpUnsupportedError;
 * ```
 */
export class FtpUnsupportedError extends FtpError {
  /**
   * Creates the error.
   *
   * @param message Which feature is missing and what to do instead.
   */
  constructor(message: string) {
    super(message);
    this.name = "FtpUnsupportedError";
  }
}

/**
 * A configured limit was reached, such as `maxListingBytes` for a directory
 * listing. The operation was stopped cleanly; raise the limit to go further.
 *
 * @example
 * ```ts
 * import { FtpLimitError } from "@ferry/ftp";
 *
 * const tooBig = (e: unknown) => e instanceof FtpLimitError && e.limit === "maxListingBytes";
 * ```
 */
export class FtpLimitError extends FtpError {
  /** The name of the option that set the limit. */
  readonly limit: string;

  /**
   * Creates the error.
   *
   * @param limit The option name, such as `"maxListingBytes"`.
   * @param message What was stopped and how to raise the limit.
   */
  constructor(limit: string, message: string) {
    super(message);
    this.name = "FtpLimitError";
    this.limit = limit;
  }
}

/**
 * A transfer the server reported complete (2xx) that did not move the
 * expected number of bytes: a download that ended short of the size it was
 * given (`size`), or an upload of which the server holds another number of
 * bytes than were sent (`checkSize`, asked with SIZE). FTP cannot tell a
 * data connection cut short from the end of the file, and some servers
 * answer 226 for either. Nothing was put at the final path; `retryable` is
 * `true` (a resumed try continues what arrived).
 *
 * @example
 * ```ts
 * import { FtpClient, FtpSizeMismatchError } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.downloadTo("big.iso", "./big.iso", { size: 4_700_000_000, resume: true })
 *   .catch((error) => {
 *     if (error instanceof FtpSizeMismatchError) console.log(error.actual, "of", error.expected);
 *     else throw error;
 *   });
 * ```
 */
export class FtpSizeMismatchError extends FtpError {
  /** The file whose size is wrong: the remote path, or the upload's temporary. */
  readonly path: string;
  /** The bytes the file should have. */
  readonly expected: number;
  /** The bytes it has: received (downloads), or held by the server (uploads). */
  readonly actual: number;

  /**
   * Creates the error.
   *
   * @param path The file concerned.
   * @param expected The bytes it should have.
   * @param actual The bytes it has.
   * @param message What came up short, and what was kept.
   */
  constructor(path: string, expected: number, actual: number, message: string) {
    super(message);
    this.name = "FtpSizeMismatchError";
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }

  /** `true`: the next try (resumed, where possible) may get every byte. */
  override get retryable(): boolean {
    return true;
  }
}

/** Why a TLS connection could not be used. */
export type TlsFailure =
  | "certificate"
  | "hostname"
  | "expired"
  | "handshake"
  | "auth-refused"
  | "session-reuse"
  | "ccc-refused";

/**
 * Which connection a TLS failure concerns: the control connection or a data
 * connection.
 *
 * @example
 * ```ts
 * import { FtpTlsError, type TlsConnection } from "@ferry/ftp";
 *
 * const where = (e: unknown): TlsConnection | undefined => e instanceof FtpTlsError ? e.connection : undefined;
 * ```
 */
export type TlsConnection = "control" | "data";

/**
 * FTPS failed: the server's certificate is not trusted (`certificate`), is
 * for another host (`hostname`) or has expired (`expired`); a handshake
 * broke off, or the server refused a data connection after its handshake
 * (`handshake`: on a data connection, a new data connection or a new login
 * may succeed); the server refused AUTH TLS (`auth-refused`: ferry never
 * continues in plain text); or the server requires data connections to
 * resume the control connection's TLS session and this client cannot
 * (`session-reuse`: `tls.sessionReuse: "never"`, or a client certificate,
 * with which Deno cannot resume sessions); or the server refused the CCC
 * that `tls.clearControl` asks for after login (`ccc-refused`: the
 * connection is closed). `connection` says which connection failed. The
 * message says what to do.
 *
 * @example
 * ```ts
 * import { FtpTlsError } from "@ferry/ftp";
 *
 * const untrusted = (e: unknown) => e instanceof FtpTlsError && e.kind === "certificate";
 * const dataHandshake = (e: unknown) =>
 *   e instanceof FtpTlsError && e.kind === "handshake" && e.connection === "data";
 * ```
 */
export class FtpTlsError extends FtpError {
  /** What went wrong. */
  readonly kind: TlsFailure;
  /** Which connection failed, when known. */
  readonly connection?: TlsConnection;

  /**
   * Creates the error.
   *
   * @param kind What went wrong.
   * @param message What happened and what to do.
   * @param options Standard error options, such as `cause`, and which
   * `connection` failed.
   */
  constructor(
    kind: TlsFailure,
    message: string,
    options?: ErrorOptions & { connection?: TlsConnection },
  ) {
    super(message, options);
    this.name = "FtpTlsError";
    this.kind = kind;
    if (options?.connection) this.connection = options.connection;
  }

  /**
   * `true` only for a data connection's failed handshake (`handshake` on
   * `data`): a new data connection, or a new login (a new TLS session), may
   * succeed. Certificates, host names, a refused AUTH TLS and session reuse
   * ferry cannot give fail the same way every time. (`breaksConnection` is
   * `false`: a control connection whose TLS failed is closed by the client
   * already, and a data connection's failure leaves the control connection
   * in step.)
   */
  override get retryable(): boolean {
    return this.connection === "data" && this.kind === "handshake" && !deniedByDeno(this);
  }
}
