// src/errors.ts
var FtpError = class extends Error {
  /**
   * Creates an error with a message and optional cause.
   *
   * @param message What went wrong and, where it helps, what to do next.
   * @param options Standard error options, such as `cause`.
   */
  constructor(message, options) {
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
  get retryable() {
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
  get breaksConnection() {
    return false;
  }
};
function deniedByDeno(error) {
  for (let e = error, depth = 0; e !== void 0 && depth < 16; depth++) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      return true;
    }
    e = e instanceof Error ? e.cause : void 0;
  }
  return false;
}
var HINTS = {
  421: "the server is closing the connection; reconnect and retry",
  425: "the data connection could not be opened; try the other transfer mode (active/passive) or check firewalls",
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
  553: "the server refused to store the file under that name: check that you may write there and that the name is allowed"
};
var FtpReplyError = class extends FtpError {
  /** The three-digit reply code. */
  code;
  /** The reply text without the code, lines joined by `\n`. */
  text;
  /** The command that drew the reply, redacted, or `undefined` for the greeting. */
  command;
  /**
   * Creates an error from a server reply.
   *
   * @param reply The reply that failed the command.
   * @param command The command sent, already redacted.
   * @param options Standard error options, such as `cause`.
   */
  constructor(reply, command, options) {
    const hint = HINTS[reply.code];
    const sent = command === void 0 ? "to the greeting" : `to "${command}"`;
    const shown = reply.text.length > 500 ? `${reply.text.slice(0, 500)}\u2026` : reply.text;
    super(`${reply.code} ${shown} (server reply ${sent})` + (hint ? `: ${hint}` : ""), options);
    this.name = "FtpReplyError";
    this.code = reply.code;
    this.text = reply.text;
    this.command = command;
  }
};
var FtpTransientError = class extends FtpReplyError {
  /**
   * Creates the error from a 4xx reply.
   *
   * @param reply The reply.
   * @param command The command sent, redacted.
   * @param options Standard error options, such as `cause`.
   */
  constructor(reply, command, options) {
    super(reply, command, options);
    this.name = "FtpTransientError";
  }
  /** `true`: a 4xx reply says the command may succeed later. */
  get retryable() {
    return !deniedByDeno(this);
  }
};
var FtpPermanentError = class extends FtpReplyError {
  /**
   * Creates the error from a 5xx reply.
   *
   * @param reply The reply.
   * @param command The command sent, redacted.
   * @param options Standard error options, such as `cause`.
   */
  constructor(reply, command, options) {
    super(reply, command, options);
    this.name = "FtpPermanentError";
  }
};
var FtpUnexpectedReplyError = class extends FtpReplyError {
  /**
   * Creates the error from the unexpected reply.
   *
   * @param reply The reply.
   * @param command The command sent, redacted.
   * @param options Standard error options, such as `cause`.
   */
  constructor(reply, command, options) {
    super(reply, command, options);
    this.name = "FtpUnexpectedReplyError";
  }
};
function replyError(reply, command, options) {
  if (reply.code >= 400 && reply.code < 500) {
    return new FtpTransientError(reply, command, options);
  }
  if (reply.code >= 500) return new FtpPermanentError(reply, command, options);
  return new FtpUnexpectedReplyError(reply, command, options);
}
var FtpProtocolError = class extends FtpError {
  /**
   * Creates the error.
   *
   * @param message What the server sent that was wrong.
   * @param options Standard error options, such as `cause`.
   */
  constructor(message, options) {
    super(message, options);
    this.name = "FtpProtocolError";
  }
  /** `true`: on a new connection, the server may answer properly. */
  get retryable() {
    return !deniedByDeno(this);
  }
  /** `true`: the connection was closed, since nothing after the error can be trusted. */
  get breaksConnection() {
    return true;
  }
};
var FtpConnectionError = class extends FtpError {
  /** How the connection failed. */
  kind;
  /**
   * Creates the error.
   *
   * @param kind How the connection failed.
   * @param message A description naming the host where known.
   * @param options Standard error options, such as `cause`.
   */
  constructor(kind, message, options) {
    super(message, options);
    this.name = "FtpConnectionError";
    this.kind = kind;
  }
  /**
   * `true` unless the host name does not resolve or Deno's permissions
   * denied the connection (`host-not-found`, `denied`): a refused, closed or
   * reset connection may work the next time.
   */
  get retryable() {
    return this.kind !== "host-not-found" && this.kind !== "denied" && !deniedByDeno(this);
  }
  /** `true`: the connection is gone (or was never made). */
  get breaksConnection() {
    return true;
  }
};
var TIMEOUT_OPTION = {
  connect: "connectTimeout",
  greeting: "connectTimeout",
  reply: "replyTimeout",
  "data-connection": "connectTimeout",
  data: "dataTimeout"
};
var FtpTimeoutError = class extends FtpError {
  /** Which wait ran out. */
  phase;
  /** The limit that was exceeded, in milliseconds. */
  timeoutMs;
  /**
   * Creates the error.
   *
   * @param phase Which wait ran out.
   * @param timeoutMs The limit in milliseconds.
   * @param detail What was being waited for, such as `waiting for the reply to "PWD"`.
   * @param option The option that set the limit; by default the phase's own.
   */
  constructor(phase, timeoutMs, detail, option) {
    super(`Timed out after ${timeoutMs} ms ${detail}; raise \`${option ?? TIMEOUT_OPTION[phase]}\` if the server is just slow`);
    this.name = "FtpTimeoutError";
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
  /**
   * `true`: the server may answer in time on a new connection. A server
   * that stopped answering makes every retry wait a whole timeout, so
   * retry timeouts sparingly (the runner's `timeoutRetries`).
   */
  get retryable() {
    return true;
  }
  /** `true`: the connection concerned was closed. */
  get breaksConnection() {
    return true;
  }
};
var FtpAbortError = class extends FtpError {
  /**
   * Creates the error.
   *
   * @param message Why the call was cancelled.
   * @param options Standard error options, such as `cause`.
   */
  constructor(message = "The operation was aborted", options) {
    super(message, options);
    this.name = "AbortError";
  }
};
var FtpInputError = class extends FtpError {
  /**
   * Creates the error.
   *
   * @param message What is wrong with the input and how to fix it.
   */
  constructor(message) {
    super(message);
    this.name = "FtpInputError";
  }
};
var FtpUnsupportedError = class extends FtpError {
  /**
   * Creates the error.
   *
   * @param message Which feature is missing and what to do instead.
   */
  constructor(message) {
    super(message);
    this.name = "FtpUnsupportedError";
  }
};
var FtpLimitError = class extends FtpError {
  /** The name of the option that set the limit. */
  limit;
  /**
   * Creates the error.
   *
   * @param limit The option name, such as `"maxListingBytes"`.
   * @param message What was stopped and how to raise the limit.
   */
  constructor(limit, message) {
    super(message);
    this.name = "FtpLimitError";
    this.limit = limit;
  }
};
var FtpSizeMismatchError = class extends FtpError {
  /** The file whose size is wrong: the remote path, or the upload's temporary. */
  path;
  /** The bytes the file should have. */
  expected;
  /** The bytes it has: received (downloads), or held by the server (uploads). */
  actual;
  /**
   * Creates the error.
   *
   * @param path The file concerned.
   * @param expected The bytes it should have.
   * @param actual The bytes it has.
   * @param message What came up short, and what was kept.
   */
  constructor(path, expected, actual, message) {
    super(message);
    this.name = "FtpSizeMismatchError";
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }
  /** `true`: the next try (resumed, where possible) may get every byte. */
  get retryable() {
    return true;
  }
};
var FtpTlsError = class extends FtpError {
  /** What went wrong. */
  kind;
  /** Which connection failed, when known. */
  connection;
  /**
   * Creates the error.
   *
   * @param kind What went wrong.
   * @param message What happened and what to do.
   * @param options Standard error options, such as `cause`, and which
   * `connection` failed.
   */
  constructor(kind, message, options) {
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
  get retryable() {
    return this.connection === "data" && this.kind === "handshake" && !deniedByDeno(this);
  }
};

export {
  FtpError,
  FtpReplyError,
  FtpPermanentError,
  FtpUnexpectedReplyError,
  replyError,
  FtpProtocolError,
  FtpConnectionError,
  FtpTimeoutError,
  FtpAbortError,
  FtpInputError,
  FtpUnsupportedError,
  FtpLimitError,
  FtpSizeMismatchError,
  FtpTlsError
};
