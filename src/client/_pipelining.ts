// Sending commands ahead of their predecessors' replies (RFC 959 servers
// read commands one by one from the stream, so several may share a round
// trip). Only commands that do not depend on a reply still to come are
// sent together (see Session.pipeline and the EPSV sent with a transfer's
// end in _transfer.ts); this file holds what decides whether a server is
// trusted with that and what a reply must look like to answer its command.
//
// A server that misbehaves (answers out of step, or drops a command, which
// shows as a reply that never comes) loses the trust for the rest of the
// process, like a TLS decision: its connection fails once with an error
// that says so (the runner's retry then runs one command at a time), and
// every later session to it sends one command at a time.

import { FtpProtocolError } from "../errors.ts";
import { redactCommand } from "../protocol/command.ts";
import type { FtpReply } from "../protocol/reply.ts";

/** Servers (host:port) seen to mishandle commands sent together, for this process. */
const sequentialServers = new Set<string>();

/** Whether `server` (host:port) may get commands sent together. */
export function mayPipeline(server: string): boolean {
  return !sequentialServers.has(server);
}

/** From now on, `server` gets one command at a time. */
export function stopPipelining(server: string): void {
  sequentialServers.add(server);
}

/**
 * Servers whose greeting names software seen to read the control connection
 * only after a transfer's data has all gone (or to queue what comes
 * meanwhile), so that an EPSV sent during a transfer is answered after the
 * transfer's final reply: vsftpd and ferry's embedded server
 * (tests/interop/upload_ahead.test.ts and read_ahead.test.ts show it, large
 * files and small). Not the others, which read the control connection while
 * the data still flows: Pure-FTPd answers such an EPSV during an upload
 * with "500 Unknown command", ProFTPD with "450 EPSV: data transfer in
 * progress" (both drop it, then complete the upload), and pyftpdlib answers
 * it with a 229 and cuts the transfer short (an upload's or a download's),
 * never sending its final reply.
 */
const AHEAD_GREETINGS = /\bvsFTPd\b|^ferry test server\b/i;

/** Servers (host:port) seen to answer an EPSV sent during a transfer out of turn. */
const aheadRefused = new Set<string>();

/**
 * Whether the next transfer's EPSV may go while a transfer is under way,
 * before its final reply: as soon as an upload's data is closed (see
 * Transfer's completion), and with a download's or a listing's command
 * (see `openPassive` in _open_transfer.ts). Only for software known to keep
 * that EPSV's answer behind the transfer's own (`greeting` names it), and
 * not after `server` answered one out of turn. A greeting that names other
 * software, or none (a renamed banner), keeps the EPSV behind the final
 * reply, as for any server.
 */
export function mayEpsvDuringTransfer(server: string, greeting: string | undefined): boolean {
  return namesInTurnSoftware(greeting) && !aheadRefused.has(server);
}

/**
 * The half of `mayEpsvDuringTransfer` that depends on the greeting alone,
 * which a session asks once (its transfers then ask the other half).
 */
export function namesInTurnSoftware(greeting: string | undefined): boolean {
  return greeting !== undefined && AHEAD_GREETINGS.test(greeting.trimStart());
}

/** The other half: whether `server` answered an EPSV sent during a transfer out of turn. */
export function answeredOutOfTurn(server: string): boolean {
  return aheadRefused.has(server);
}

/** From now on, `server` gets no EPSV ahead of a transfer's final reply. */
export function stopEpsvDuringTransfers(server: string): void {
  aheadRefused.add(server);
}

/** A refusal that says the server did not know the command (RFC 959's 500 and 502). */
export function isUnknownCommand(reply: FtpReply): boolean {
  return reply.code === 500 || reply.code === 502;
}

/** Errors that come from a server mishandling commands sent together. */
const failures = new WeakSet<object>();

/** Marks `error` as a server's mishandling of commands sent together. */
export function markPipeliningFailure<T extends object>(error: T): T {
  failures.add(error);
  return error;
}

/**
 * Whether `error` is a server's mishandling of commands sent together: the
 * same work on a new connection, one command at a time, may succeed.
 */
export function isPipeliningFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && failures.has(error);
}

/** Forgets every server's misbehaviour (tests). */
export function resetPipelining(): void {
  sequentialServers.clear();
  aheadRefused.clear();
}

/** What each command's positive final reply may be; others take any 2xx or 3xx. */
const POSITIVE: Record<string, readonly number[]> = {
  USER: [230, 331, 332],
  PASS: [230, 202, 332],
  ACCT: [230, 202],
  FEAT: [211],
  TYPE: [200],
  SIZE: [213],
  MDTM: [213],
  EPSV: [229],
  PASV: [227],
  PWD: [257],
  RNFR: [350],
  REST: [350],
};

/**
 * Whether `reply` can be the answer to `line`: any refusal (4xx, 5xx) can;
 * a positive reply must be one the command gets (a 229 is not the answer
 * to MDTM). A reply that cannot is a server answering out of step.
 */
export function answers(line: string, reply: FtpReply): boolean {
  if (reply.code >= 400) return true;
  // One per pipelined reply (a plan's 1000 MDTMs, each file's EPSV): no array for it.
  const space = line.indexOf(" ");
  const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
  const positive = POSITIVE[verb];
  return positive ? positive.includes(reply.code) : reply.code >= 200 && reply.code < 400;
}

/** The error for a reply that does not answer the command it came for. */
export function outOfStep(line: string, reply: FtpReply): FtpProtocolError {
  const said = JSON.stringify(`${reply.code} ${reply.text}`.slice(0, 200));
  return markPipeliningFailure(
    new FtpProtocolError(
      `The server answered "${
        redactCommand(line)
      }" with ${said}, which is no answer to it: its replies are out of step with the commands ` +
        "(it answered one sent together with it too early, or skipped a reply). " +
        "ferry closed the connection and sends one command at a time to this server from now on; " +
        "run the operation again (or set pipelining: false)",
    ),
  );
}

/** The hint added to a timeout of a reply to commands sent together. */
export const DROPPED_HINT =
  " (it was sent together with other commands, which this server may drop: " +
  "ferry sends one command at a time to it from now on; run the operation again)";
