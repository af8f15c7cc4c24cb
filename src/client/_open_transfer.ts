// ftplib's transfercmd, step by step: TYPE, the data connection (passive:
// EPSV/PASV then connect; active: listen, EPRT/PORT, accept), REST, the
// transfer command and its 1xx. Over FTPS with Deno's own TLS it also finds
// out, on the first data connection, whether the server insists on TLS
// session reuse, which Deno's TLS cannot do (FtpClient then reconnects on
// the Node TLS path and retries).

import { FtpReplyError, FtpTlsError, FtpUnexpectedReplyError, replyError } from "../errors.ts";
import { formatCommand, redactCommand } from "../protocol/command.ts";
import { type FtpReply, isCompletion } from "../protocol/reply.ts";
import { parseAnnouncedSize } from "../protocol/reply_text.ts";
import { closeQuietly } from "../transport/_io.ts";
import { type ByteStream, resumedSession } from "../transport/byte_stream.ts";
import { DataConnection } from "../transport/data_connection.ts";
import type { OpenTransferOptions, Session } from "./_session.ts";
import { abortCommand, abortGrace, abortReason, Transfer } from "./_transfer.ts";

const READS = /^(RETR|LIST|NLST|MLSD)\b/i;

export async function openTransfer(
  session: Session,
  line: string,
  options: OpenTransferOptions,
): Promise<Transfer> {
  const { settings } = session;
  const probing = settings.probeReuse && settings.dataProtected;
  // An upload cannot show a refusal before its data is gone: ask a listing first.
  if (probing && !READS.test(line) && !settings.writeProbed) {
    settings.writeProbed = true;
    await probeWithListing(session, options.signal);
  }
  await session.type(options.type);
  await session.clearStrayRest(options.offset);
  const transfer = settings.transferMode === "active"
    ? await openActive(session, line, options)
    : await openPassive(session, line, options);
  if (options.signal?.aborted) {
    await transfer.abort();
    throw abortReason(options.signal);
  }
  if (resumedSession(transfer.data.stream) !== undefined) settings.lastData = transfer.data.stream;
  // A protected read is peeked at before it is handed over: a refusal then
  // fails this call (so FtpClient can reconnect or retry) rather than the
  // stream the caller reads later.
  const resuming = settings.transport.kind === "node" && settings.dataProtected;
  if ((probing || resuming) && READS.test(line)) await peek(session, transfer, probing);
  return transfer;
}

async function openPassive(
  session: Session,
  line: string,
  options: OpenTransferOptions,
): Promise<Transfer> {
  const { settings } = session;
  const address = await session.passiveAddress();
  const tcp = await settings.transport.openData({
    host: address.host,
    port: address.port,
    timeoutMs: settings.connectTimeout,
    signal: options.signal,
    purpose: "data connection",
    phase: "data-connection",
  });
  try {
    if (options.offset) await session.rest(options.offset);
    const reply = await session.startTransfer(line);
    const data = dataConnection(session, tcp, line);
    const size = parseAnnouncedSize(reply.text);
    return new Transfer(session, data, line, size, options.signal, undefined, reply);
  } catch (error) {
    closeQuietly(tcp);
    throw error;
  }
}

async function openActive(
  session: Session,
  line: string,
  options: OpenTransferOptions,
): Promise<Transfer> {
  const { settings, control } = session;
  const listener = await settings.transport.listenData(control.localAddr.hostname);
  try {
    await session.announce(listener.address);
    if (options.offset) await session.rest(options.offset);
    const accepted = listener.accept(control.remoteAddr.hostname, settings.connectTimeout);
    accepted.catch(() => {}); // Observed below, or abandoned when the command fails.
    const reply = await session.startTransfer(line);
    // Until the server connects, it may send a failure (425) instead: read
    // the final reply now, without a deadline while data may flow.
    const final = session.readFinal(line, Infinity);
    final.catch(() => {});
    const first = await Promise.race([
      accepted.then((stream) => ({ stream }), (error) => ({ error })),
      final.then((reply) => ({ reply })),
    ]);
    if ("reply" in first) {
      throw isCompletion(first.reply)
        ? new FtpUnexpectedReplyError(first.reply, redactCommand(line))
        : replyError(first.reply, redactCommand(line));
    }
    if ("error" in first) {
      // The server never connected: stop the command, drain its replies
      // (briefly, after a timeout: the server may be gone).
      await abortCommand(session, abortGrace(session, first.error), final).catch(() => {});
      throw first.error;
    }
    const data = dataConnection(session, first.stream, line);
    const size = parseAnnouncedSize(reply.text);
    return new Transfer(session, data, line, size, options.signal, final, reply);
  } finally {
    listener.close();
  }
}

/**
 * The transfer's data connection, with TLS started under PROT P (after the
 * transfer command's 1xx) and the stall watchdog set to the data timeout.
 */
function dataConnection(session: Session, tcp: ByteStream, line: string): DataConnection {
  const { settings } = session;
  const stream = settings.dataProtected ? settings.transport.secureData(tcp) : tcp;
  return new DataConnection(stream, settings.dataTimeout, redactCommand(line));
}

/**
 * Reads the first bytes of a protected download or listing, handing them
 * back to the transfer. A server that requires session reuse closes a fresh
 * session at once and says so on the control connection (vsftpd: `522 SSL
 * connection failed: session reuse required`; FileZilla: `425 ... TLS
 * session of data connection not resumed`). On the first protected data
 * connection over Deno's TLS (`probing`), that becomes an `FtpTlsError` of
 * kind `session-reuse`; on Node's TLS the reply error itself is thrown. Reading
 * the refusal also lets TLS take in the tickets the refused handshake brought.
 */
async function peek(session: Session, transfer: Transfer, probing: boolean): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  let n: number | null;
  try {
    n = await transfer.data.read(buffer);
    if (n === null) await transfer.complete();
  } catch (error) {
    const failure = transfer.ended ? error : await transfer.failure(error);
    throw (probing && reuseRefusal(failure, session)) || failure;
  }
  if (probing) session.settings.probeReuse = false;
  if (n !== null) transfer.data.unread(buffer.subarray(0, n));
}

/** A listing of a name that will not exist, to meet a refusal before an upload does. */
async function probeWithListing(session: Session, signal?: AbortSignal): Promise<void> {
  const line = formatCommand("NLST", ".ferry-tls-reuse-probe");
  try {
    const transfer = await openTransfer(session, line, { type: "binary", signal });
    for await (const _ of transfer.receive(4096)) {
      // Drained: only whether the data connection was accepted matters.
    }
  } catch (error) {
    if (error instanceof FtpTlsError) throw error;
    // 450/550 and the like say nothing about reuse: the upload will tell.
    if (!(error instanceof FtpReplyError)) throw error;
  }
}

/**
 * Whether a reply refuses a data connection for not resuming the TLS
 * session: vsftpd and FileZilla say so (`522 ... session reuse required`,
 * `425 ... TLS session of data connection not resumed`); ProFTPD only says
 * `425 Unable to build data connection: Operation not permitted` and logs
 * the reason. So on the first protected data connection of a session on
 * Deno's TLS (which cannot resume), any 425 counts: at worst, one needless
 * reconnect on the resuming path.
 *
 * @param reply A reply (or reply error) to a transfer command.
 * @returns Whether it is, or on a first data connection may be, a refusal.
 */
export function isReuseRefusal(reply: Pick<FtpReply, "code" | "text">): boolean {
  if (reply.code === 425) return true;
  return [426, 450, 451, 522, 534].includes(reply.code) && /reuse|resum/i.test(reply.text);
}

/** The refusal as an `FtpTlsError` naming the server setting, or `undefined`. */
function reuseRefusal(error: unknown, session: Session): FtpTlsError | undefined {
  if (!(error instanceof FtpReplyError) || !isReuseRefusal(error)) return undefined;
  const said = /reuse|resum/i.test(error.text);
  return new FtpTlsError(
    "session-reuse",
    (said
      ? `The server requires data connections to resume the control connection's TLS session `
      : `The server refused the first protected data connection, as servers such as ProFTPD do ` +
        `when it does not resume the control connection's TLS session `) +
      `(${error.code} ${error.text}). ` +
      (session.settings.reuseMode === "never"
        ? `Set tls.sessionReuse to "auto" or "always", or turn off the server's requirement ` +
          `(vsftpd: require_ssl_reuse=NO; FileZilla Server: "Require TLS session resumption"; ` +
          `ProFTPD: TLSOptions NoSessionReuseRequired)`
        : `ferry reconnects with session resumption and retries`),
    { cause: error },
  );
}
