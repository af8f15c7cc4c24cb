// Commands sent together in flights whose replies stay small: for the
// batches of mkdir -p, directory probes and statAll, whose replies may echo
// long paths.

import type { FtpReply } from "../protocol/reply.ts";
import type { Session } from "./_session.ts";

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
