// Commands sent together in flights whose replies stay small, and the
// directory probe (CWD in and back) asked of many paths at once: shared by
// mkdir -p (_make_directories.ts) and statAll (_stat_all.ts).

import { formatCommand } from "../protocol/command.ts";
import { type FtpReply, isCompletion } from "../protocol/reply.ts";
import { isDirectoryAnswer, type Session } from "./_session.ts";

/**
 * The most reply bytes a flight may draw. The server writes its replies
 * while the client is still writing commands and reads them only after:
 * kept far below any socket buffer (as `MDTM_BATCH`), neither side can
 * block the other however many directories and however long their paths.
 */
const FLIGHT_REPLY_BYTES = 32 * 1024;

/** What one reply to a command of `line` may take: the server may echo the path twice. */
export function replyBytes(line: string): number {
  return 2 * line.length + 100;
}

/**
 * `lines` sent together in flights of at most `FLIGHT_REPLY_BYTES` of
 * replies, as `bytesOf` estimates each line's reply; with `epsvAhead`, the
 * next transfer's EPSV goes with them (see `Session.pipeline`).
 */
export async function inFlights(
  session: Session,
  lines: readonly string[],
  bytesOf: (line: string) => number = replyBytes,
  epsvAhead = false,
): Promise<FtpReply[]> {
  const replies: FtpReply[] = [];
  let start = 0;
  // Bounded by the number of lines: each flight takes at least one.
  while (start < lines.length) {
    let end = start + 1;
    let bytes = bytesOf(lines[start]);
    while (end < lines.length && bytes + bytesOf(lines[end]) <= FLIGHT_REPLY_BYTES) {
      bytes += bytesOf(lines[end++]);
    }
    replies.push(...await session.pipeline(lines.slice(start, end), epsvAhead));
    start = end;
  }
  return replies;
}

/**
 * Whether each path is a directory: CWD into it and back (to the session's
 * directory, asked with PWD first where it is not known), every pair in
 * one flight where commands may be sent together (with the next
 * transfer's EPSV where `epsvAhead`). A 4xx to the CWD in is thrown (no
 * answer); a 5xx means no directory.
 */
export async function probeDirectories(
  session: Session,
  paths: readonly string[],
  epsvAhead = false,
): Promise<boolean[]> {
  if (paths.length === 0) return [];
  const back = formatCommand("CWD", session.currentDirectory ?? await session.pwd());
  const answers: boolean[] = [];
  if (!session.pipelining) {
    // One at a time, the way back only where the way in worked.
    for (const path of paths) {
      const into = formatCommand("CWD", path);
      const reply = await session.sendCommand(into);
      answers.push(isDirectoryAnswer(into, reply));
      if (isCompletion(reply)) session.assertBack(back, await session.sendCommand(back));
    }
    return answers;
  }
  const lines = paths.flatMap((path) => [formatCommand("CWD", path), back]);
  const replies = await inFlights(session, lines, replyBytes, epsvAhead);
  for (let i = 0; i < lines.length; i += 2) {
    if (isCompletion(replies[i])) session.assertBack(back, replies[i + 1]);
  }
  for (let i = 0; i < lines.length; i += 2) answers.push(isDirectoryAnswer(lines[i], replies[i]));
  return answers;
}
