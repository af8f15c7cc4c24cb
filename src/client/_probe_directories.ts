// The portable test for "is a directory" (CWD in and back), asked of many
// paths at once: shared by mkdir -p (_make_directories.ts) and statAll
// (_stat_all.ts).

import { formatCommand } from "../protocol/command.ts";
import { isCompletion } from "../protocol/reply.ts";
import { inFlights, replyBytes } from "./_flights.ts";
import { isDirectoryAnswer } from "./_command_replies.ts";
import type { Session } from "./_session.ts";

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
