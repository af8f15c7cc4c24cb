// ftplib's transfercmd, step by step: TYPE, the data connection (passive:
// EPSV/PASV then connect; active: listen, EPRT/PORT, accept), REST, the
// transfer command and its 1xx. Over FTPS, the data-channel TLS policy
// (_tls_policy.ts) is asked before each protected data connection and told
// of each one opened; a protected read is peeked at, so that a refusal of
// its TLS fails the call rather than the stream the caller reads later.

import {
  FtpConnectionError,
  FtpReplyError,
  FtpTlsError,
  FtpUnexpectedReplyError,
  replyError,
} from "../errors.ts";
import { redactCommand } from "../protocol/command.ts";
import { type FtpReply, isCompletion } from "../protocol/reply.ts";
import { parseAnnouncedSize } from "../protocol/reply_text.ts";
import { closeQuietly } from "../transport/close_quietly.ts";
import type { ByteStream } from "../transport/byte_stream.ts";
import { DataConnection } from "../transport/data_connection.ts";
import type { OpenTransferOptions, Session } from "./_session.ts";
import { abortCommand, abortGrace, abortReason, Transfer } from "./_transfer.ts";
import { pacerOf } from "./rate_limit.ts";

/** Whether `line` is a command whose data comes from the server (RETR, LIST, NLST, MLSD). */
function readsData(line: string): boolean {
  // Once a file: no regular expression.
  if (line.length > 4 && line.charCodeAt(4) !== 32) return false;
  const verb = line.slice(0, 4).toUpperCase();
  return verb === "RETR" || verb === "LIST" || verb === "NLST" || verb === "MLSD";
}

export async function openTransfer(
  session: Session,
  line: string,
  options: OpenTransferOptions,
): Promise<Transfer> {
  // Cancelled before anything went (while the call's module loaded, or an
  // earlier step awaited): nothing to undo, the session stays in step.
  if (options.signal?.aborted) throw abortReason(options.signal);
  const { settings } = session;
  const policy = settings.dataTls;
  const protectedData = session.dataProtected && policy !== undefined;
  // Only the TLS policy asks what the transfer reads.
  const isRead = protectedData && readsData(line);
  if (protectedData) {
    await policy.beforeTransfer(
      isRead,
      () => probeDataTls(session, options.signal),
      options.signal,
    );
  }
  await session.type(options.type);
  await session.clearStrayRest(options.offset);
  const transfer = session.transferMode === "active"
    ? await openActive(session, line, options)
    : await openPassive(session, line, options);
  if (options.signal?.aborted) {
    await transfer.abort();
    throw abortReason(options.signal);
  }
  if (protectedData && isRead && policy.peeksReads) await peek(transfer);
  return transfer;
}

async function openPassive(
  session: Session,
  line: string,
  options: OpenTransferOptions,
): Promise<Transfer> {
  let tcp: ByteStream;
  // A plain download or listing writes nothing on its data connection: no
  // TCP_NODELAY for it (a system call a file). TLS writes its handshake there.
  const plainRead = !session.dataProtected && readsData(line);
  const noDelay = !plainRead;
  try {
    // The address of the EPSV sent ahead, mostly here already: no frame for it.
    const address = session.readyAddress() ?? await session.passiveAddress();
    tcp = await connectData(session, address, options.signal, noDelay);
  } catch (error) {
    const gone = error instanceof FtpConnectionError && error.kind === "refused";
    if (!gone || !session.addressAhead) throw error;
    // The listener of an EPSV sent ahead is gone: the server timed it out
    // while the session was idle (pyftpdlib). A new EPSV opens another.
    tcp = await connectData(session, await session.passiveAddress(), options.signal, noDelay);
  }
  try {
    if (options.offset) await session.rest(options.offset);
    if (earlyData(session, line, options)) {
      // The data goes now, its 1xx is read with the final reply: the store
      // and its data share a round trip (see EARLY_DATA_MAX_BYTES).
      await session.sendTransfer(line);
      const opening = session.readOpening(line);
      opening.catch(() => {}); // Awaited by the transfer's end.
      const data = dataConnection(session, tcp, line, options);
      return new Transfer(
        session,
        data,
        line,
        undefined,
        options.signal,
        undefined,
        undefined,
        undefined,
        { opening },
      );
    }
    // A download or a listing sends nothing on its data connection: closing
    // it for writing now lets the server send its final reply as soon as
    // the data went, rather than a round trip later when the client closes.
    // With the next transfer's EPSV sent with the command, the data, that
    // reply and the next address share one round trip (see mayEpsvWithRead).
    const withEpsv = plainRead && session.mayEpsvWithRead();
    if (withEpsv) {
      try {
        await tcp.closeWrite();
      } catch {
        // A connection the server dropped at once: the command's reply (a
        // 425) then says why, not a socket error. (No `.catch`: a derived
        // promise per file, tests/client/per_file_work.)
      }
    }
    const reply = await session.startTransfer(line, withEpsv);
    const data = dataConnection(session, tcp, line, options);
    const size = parseAnnouncedSize(reply.text);
    return new Transfer(session, data, line, size, options.signal, undefined, reply);
  } catch (error) {
    closeQuietly(tcp);
    throw error;
  }
}

/** Opens the data connection to a passive-mode address (not async: the transport's promise). */
function connectData(
  session: Session,
  address: { host: string; port: number },
  signal: AbortSignal | undefined,
  noDelay: boolean,
): Promise<ByteStream> {
  const { settings } = session;
  return settings.transport.openData({
    host: address.host,
    port: address.port,
    timeoutMs: settings.connectTimeout,
    signal,
    purpose: "data connection",
    phase: "data-connection",
    noDelay,
  });
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
    const stopping = { early: false };
    const final = session.readFinal(line, Infinity, undefined, () => stopping.early);
    final.catch(() => {});
    const connected = accepted.then((stream) => ({ stream }), (error: Error) => ({ error }));
    let first: { stream: ByteStream } | { error: Error } | { reply: FtpReply } = await Promise
      .race([connected, final.then((reply) => ({ reply }))]);
    if ("reply" in first && isCompletion(first.reply)) {
      // A completion says the server made its connection (a small file:
      // connect, send, close, 226), which may reach the listener after the
      // reply has been read: take it, within the listener's own timeout.
      const late = await connected;
      if ("stream" in late) first = late;
    }
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
    const data = dataConnection(session, first.stream, line, options);
    const size = parseAnnouncedSize(reply.text);
    return new Transfer(session, data, line, size, options.signal, final, reply, stopping);
  } finally {
    listener.close();
  }
}

/**
 * Whether an upload's data may go before its 1xx: a small STOR or APPE
 * (the caller says, knowing the size), from the start of the file, over a
 * plain data connection (TLS starts after the 1xx), with pipelining on.
 */
function earlyData(session: Session, line: string, options: OpenTransferOptions): boolean {
  return options.earlyData === true && !options.offset && /^(STOR|APPE) /i.test(line) &&
    !session.dataProtected && session.pipelining;
}

/**
 * The transfer's data connection, with TLS started under PROT P (after the
 * transfer command's 1xx), the stall watchdog set to the data timeout, and
 * the call's and the client's rate limits pacing it.
 */
function dataConnection(
  session: Session,
  tcp: ByteStream,
  line: string,
  options: OpenTransferOptions,
): DataConnection {
  let stream = tcp;
  if (session.dataProtected) {
    const secured = session.settings.transport.secureData(tcp);
    session.settings.dataTls?.secured(secured);
    stream = secured;
  }
  // No limit (the usual case): no pacer, nor an array to find that out.
  const limited = options.rateLimit !== undefined || session.settings.rateLimit !== undefined;
  const pacer = limited ? pacerOf([options.rateLimit, session.settings.rateLimit]) : undefined;
  return new DataConnection(stream, session.settings.dataTimeout, line, pacer);
}

/**
 * Reads the first bytes of a protected download or listing, handing them
 * back to the transfer. A server that refuses the data connection's TLS
 * closes it at once and says so on the control connection (vsftpd: `522
 * SSL connection failed: session reuse required`; ProFTPD: `425 Unable to
 * build data connection`); that reply becomes this call's error, which the
 * policy then names.
 */
async function peek(transfer: Transfer): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  let n: number | null;
  try {
    n = await transfer.data.read(buffer);
    if (n === null) await transfer.complete();
  } catch (error) {
    throw transfer.ended ? error : await transfer.failure(error);
  }
  if (n !== null) transfer.data.unread(buffer.subarray(0, n));
}

/** The most of the probe's listing read before it is aborted. */
const PROBE_BYTES = 64 * 1024;

/**
 * A listing of the current directory (its first bytes at most), whose
 * protected data connection tells the data-channel TLS policy whether the
 * server accepts fresh TLS sessions on data connections: at login, and in
 * place of an upload's data connection, which cannot show a refusal before
 * its data is gone. LIST rather than NLST: ProFTPD answers NLST of an empty
 * directory, or of a missing name, with 450 and no data connection.
 *
 * @param session The session, logged in, data under PROT P.
 * @param signal Cancels the listing.
 */
export async function probeDataTls(session: Session, signal?: AbortSignal): Promise<void> {
  const policy = session.settings.dataTls!;
  try {
    const transfer = await openTransfer(session, "LIST", { type: "binary", signal });
    let read = 0;
    // Bounded: at most PROBE_BYTES are read; leaving the loop early aborts the listing.
    for await (const chunk of transfer.receive(16 * 1024)) {
      read += chunk.length;
      if (read >= PROBE_BYTES) break;
    }
    policy.succeeded();
  } catch (error) {
    const failure = policy.classify(error);
    if (failure instanceof FtpTlsError) throw failure;
    // A 450/550 and the like say nothing about the TLS: a transfer will tell.
    if (!(failure instanceof FtpReplyError)) throw failure;
  }
}
