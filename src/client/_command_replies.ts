// What the replies to the session's commands say: a transfer's 1xx, PWD's
// path, SIZE's count, MDTM's time, EPSV's port, a directory probe's CWD.
// Pure functions of a reply, each error naming its command (redacted).

import {
  FtpConnectionError,
  FtpProtocolError,
  FtpUnexpectedReplyError,
  replyError,
} from "../errors.ts";
import { formatCommand, redactCommand } from "../protocol/command.ts";
import { parseEpsvReply } from "../protocol/data_address.ts";
import { type FtpReply, isCompletion, isPreliminary } from "../protocol/reply.ts";
import { parsePathReply } from "../protocol/reply_text.ts";
import { parseTimeVal } from "../protocol/time_val.ts";

/** The 1xx that starts the transfer `line`; any other reply is thrown. */
export function opening(line: string, reply: FtpReply): FtpReply {
  if (!isPreliminary(reply)) {
    throw isCompletion(reply)
      ? new FtpUnexpectedReplyError(reply, redactCommand(line))
      : replyError(reply, redactCommand(line));
  }
  return reply;
}

/**
 * A probe's CWD `line` answering "is it a directory": 2xx yes, 5xx no; a 4xx
 * is no answer (thrown, naming the command).
 */
export function isDirectoryAnswer(line: string, reply: FtpReply): boolean {
  if (isCompletion(reply)) return true;
  if (reply.code >= 500) return false;
  throw replyError(reply, redactCommand(line));
}

/** The error for a 421 that no command of the caller's got. */
export function sessionClosed(reply: FtpReply): FtpConnectionError {
  const said = JSON.stringify(`${reply.code} ${reply.text}`.slice(0, 200));
  return new FtpConnectionError("closed", `The server closed the session: ${said}`);
}

/** The path a PWD reply names, if it is one. */
export function pathIn(reply: FtpReply): string | undefined {
  return reply.code === 257 ? parsePathReply(reply.text) : undefined;
}

/** PWD's directory; a refusal, or a reply without a quoted path, is thrown. */
export function pathFrom(reply: FtpReply): string {
  if (reply.code !== 257) throw replyError(reply, "PWD");
  const path = parsePathReply(reply.text);
  if (path === undefined) {
    throw new FtpProtocolError(`The PWD reply ${JSON.stringify(reply.text)} holds no quoted path`);
  }
  return path;
}

/** SIZE's byte count; a refusal, or a reply that is no count, is thrown. */
export function sizeFrom(line: string, reply: FtpReply): number {
  if (reply.code !== 213) throw replyError(reply, redactCommand(line));
  const size = Number(reply.text.trim());
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new FtpProtocolError(`The SIZE reply ${JSON.stringify(reply.text)} is not a byte count`);
  }
  return size;
}

/**
 * The SIZE and MDTM of `path` (asked in binary type: SIZE in ASCII would
 * count converted line ends, or be refused), for sizeAndTime and statAll's
 * batches.
 */
export function sizeAndTimeLines(path: string): [string, string] {
  return [formatCommand("SIZE", path), formatCommand("MDTM", path)];
}

/** A path's size (its SIZE refusal is thrown) and time, from the replies to its SIZE and MDTM. */
export function sizeAndTimeFrom(
  lines: readonly string[],
  [sizeReply, timeReply]: readonly FtpReply[],
): { size: number; modified?: Date } {
  const size = sizeFrom(lines[0], sizeReply);
  try {
    return { size, modified: timeFrom(lines[1], timeReply) };
  } catch {
    return { size }; // No MDTM, or not for this path: the size alone.
  }
}

/** MDTM's time; a refusal, or a reply that is no time value, is thrown. */
export function timeFrom(line: string, reply: FtpReply): Date {
  if (reply.code !== 213) throw replyError(reply, redactCommand(line));
  const date = parseTimeVal(reply.text);
  if (!date) {
    throw new FtpProtocolError(`The MDTM reply ${JSON.stringify(reply.text)} is not a time value`);
  }
  return date;
}

/** EPSV's port, or `undefined` when the server does not support EPSV. */
export function epsvPort(reply: FtpReply): number | undefined {
  if (reply.code === 229) return parseEpsvReply(reply.text);
  if (isUnsupported(reply)) return undefined;
  throw replyError(reply, "EPSV");
}

/**
 * The server does not know the command (500, 502), its parameter form (501,
 * 504), or the address family (522, RFC 2428): fall back to PASV or PORT.
 */
export function isUnsupported(reply: FtpReply): boolean {
  return [500, 501, 502, 504, 522].includes(reply.code);
}
