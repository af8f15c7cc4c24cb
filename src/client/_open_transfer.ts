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
import { DataConnection } from "../transport/data_connection.ts";
import type { OpenTransferOptions, Session } from "./_session.ts";
import { abortReason, Transfer } from "./_transfer.ts";

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
  if (probing && READS.test(line)) await confirmReuse(session, transfer);
  return transfer;
}

async function openPassive(
  session: Session,
  line: string,
  options: OpenTransferOptions,
): Promise<Transfer> {
  const { settings } = session;
  const address = await session.passiveAddress();
  const stream = await settings.transport.openData({
    host: address.host,
    port: address.port,
    timeoutMs: settings.connectTimeout,
    signal: options.signal,
    purpose: "data connection",
  }, settings.dataProtected);
  const data = new DataConnection(stream, settings.dataTimeout);
  try {
    if (options.offset) await session.rest(options.offset);
    const reply = await session.startTransfer(line);
    return new Transfer(session, data, line, parseAnnouncedSize(reply.text), options.signal);
  } catch (error) {
    data.close();
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
    const accepted = listener.accept(
      control.remoteAddr.hostname,
      settings.connectTimeout,
      settings.dataProtected,
    );
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
      // The server never connected: stop the command, drain its replies.
      await session.abor().catch(() => {});
      throw first.error;
    }
    const data = new DataConnection(first.stream, settings.dataTimeout);
    const size = parseAnnouncedSize(reply.text);
    return new Transfer(session, data, line, size, options.signal, final);
  } finally {
    listener.close();
  }
}

/**
 * Reads the first bytes of the first protected data connection. A server
 * that requires session reuse closes a fresh session at once and says so on
 * the control connection (vsftpd: `522 SSL connection failed: session reuse
 * required`; FileZilla: `425 ... TLS session of data connection not
 * resumed`): that becomes an `FtpTlsError` of kind `session-reuse`. Any
 * bytes read are handed back to the transfer.
 */
async function confirmReuse(session: Session, transfer: Transfer): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  let n: number | null;
  try {
    n = await transfer.data.read(buffer);
    if (n === null) await transfer.complete();
  } catch (error) {
    const failure = transfer.ended ? error : await transfer.failure(error);
    throw reuseRefusal(failure, session) ?? failure;
  }
  session.settings.probeReuse = false;
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
 * Whether a reply refuses a data connection for not resuming the TLS session.
 *
 * @param reply A reply (or reply error) to a transfer command.
 * @returns `true` for vsftpd's, FileZilla's and ProFTPD's refusals.
 */
export function isReuseRefusal(reply: Pick<FtpReply, "code" | "text">): boolean {
  return [425, 426, 450, 451, 522, 534].includes(reply.code) && /reuse|resum/i.test(reply.text);
}

/** The refusal as an `FtpTlsError` naming the server setting, or `undefined`. */
function reuseRefusal(error: unknown, session: Session): FtpTlsError | undefined {
  if (!(error instanceof FtpReplyError) || !isReuseRefusal(error)) return undefined;
  return new FtpTlsError(
    "session-reuse",
    `The server requires data connections to resume the control connection's TLS session ` +
      `(${error.code} ${error.text}). ` +
      (session.settings.reuseMode === "never"
        ? `Set tls.sessionReuse to "auto" or "always", or turn off the server's requirement ` +
          `(vsftpd: require_ssl_reuse=NO; FileZilla Server: "Require TLS session resumption"; ` +
          `ProFTPD: TLSOptions NoSessionReuseRequired)`
        : `ferry reconnects with session resumption and retries`),
    { cause: error },
  );
}
