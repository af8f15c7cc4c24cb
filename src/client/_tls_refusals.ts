// What the data-channel TLS policy (_tls_policy.ts) tells the caller when a
// data connection is refused for a reason of its TLS: which failures count,
// and the FtpTlsError that names the cause and what to do.

import { FtpReplyError, FtpTlsError } from "../errors.ts";
import type { SecuredStream } from "../transport/transport.ts";

/** Errors made here (they are not named again). */
const named = new WeakSet<object>();

/** Transfer commands whose data connection a refusal may concern. */
const TRANSFER_COMMANDS = /^(RETR|STOR|APPE|STOU|LIST|NLST|MLSD)\b/i;
/** Reply texts that speak of the data connection's TLS session. */
const TLS_WORDS = /reuse|resum|TLS|SSL/i;

/** Server settings that lift the requirement, named in messages. */
const SERVER_SETTINGS =
  'vsftpd: require_ssl_reuse=NO; FileZilla Server: "Require TLS session resumption"; ' +
  "ProFTPD: TLSOptions NoSessionReuseRequired";

/** Whether `error` is one of the errors made here. */
export function isNamed(error: unknown): boolean {
  return typeof error === "object" && error !== null && named.has(error);
}

/**
 * Whether a failed transfer's error is a refusal of its data connection's
 * TLS: a TLS error on the data connection, or a reply to the transfer
 * command that refuses it. vsftpd and FileZilla say why (`522 ... session
 * reuse required`, `425 ... TLS session of data connection not resumed`);
 * ProFTPD only says `425 Unable to build data connection: Operation not
 * permitted` and logs the reason. So, once a protected data connection was
 * opened for the command, any 425 or 522 counts, and other 4xx codes when
 * they name TLS.
 *
 * @param error What the transfer threw.
 * @returns Whether it is, or may be, such a refusal.
 */
export function isTlsRefusal(error: unknown): boolean {
  if (error instanceof FtpTlsError) return error.connection === "data";
  if (!(error instanceof FtpReplyError) || !TRANSFER_COMMANDS.test(error.command ?? "")) {
    return false;
  }
  if (error.code === 425 || error.code === 522) return true;
  return [426, 450, 451, 534].includes(error.code) && TLS_WORDS.test(error.text);
}

function mark(error: FtpTlsError): FtpTlsError {
  named.add(error);
  return error;
}

/**
 * Deno's TLS was refused: the server requires reuse. With `"never"` that is
 * final and names the server setting; with `"auto"` the client moves on.
 */
export function reuseRefusal(error: unknown, reuseMode: string): FtpTlsError {
  const reply = error instanceof FtpReplyError ? ` (${error.code} ${error.text})` : "";
  const what = error instanceof FtpReplyError && /reuse|resum/i.test(error.text)
    ? "The server requires data connections to resume the control connection's TLS session"
    : "The server refused a protected data connection that did not resume the control " +
      "connection's TLS session, as servers that require TLS session reuse do";
  const next = reuseMode === "never"
    ? `Set tls.sessionReuse to "auto" or "always", or turn off the server's requirement ` +
      `(${SERVER_SETTINGS})`
    : "ferry reconnects with Node's TLS, which resumes sessions, and retries";
  return mark(
    new FtpTlsError("session-reuse", `${what}${reply}. ${next}`, {
      cause: error,
      connection: "data",
    }),
  );
}

/** The requirement cannot be met by Deno with a client certificate. */
export function clientCertificateRefusal(cause?: unknown): FtpTlsError {
  return mark(
    new FtpTlsError(
      "session-reuse",
      "The server requires data connections to resume the control connection's TLS session, " +
        "and Deno 2.9 cannot resume a TLS session on a connection that presents a client " +
        "certificate (node:tls gives each such connection a certificate resolver of its own, " +
        "and rustls resumes only sessions made with the same one). Connect without " +
        `tls.clientCertificate, or let the server accept fresh sessions (${SERVER_SETTINGS})`,
      { cause, connection: "data" },
    ),
  );
}

/**
 * A data connection's TLS failed, or was refused after its handshake, on a
 * session that can resume: a new data connection or a new login may succeed.
 */
export function handshakeFailure(error: unknown, stream: SecuredStream): FtpTlsError {
  const resumed = stream.sessionResumed;
  const what = error instanceof FtpReplyError
    ? `The server refused the data connection (${error.code} ${error.text}) after its TLS handshake`
    : `The TLS handshake on the data connection failed (${detail(error)})`;
  const state = resumed === true
    ? "it resumed a TLS session"
    : resumed === false
    ? "it did not resume the control connection's TLS session"
    : "it did not complete";
  return mark(
    new FtpTlsError(
      "handshake",
      `${what}; ${state}. Servers that require TLS session reuse refuse data connections that ` +
        "do not resume the control connection's session; a new data connection, or a new login " +
        "(a new session), usually succeeds",
      { cause: error, connection: "data" },
    ),
  );
}

/** What a TLS error says, without the prefix that names the connection. */
function detail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^The TLS handshake on the data connection failed: /, "");
}
