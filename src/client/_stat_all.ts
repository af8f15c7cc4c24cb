// What stat() learns of one path, asked of many at once (FtpClient.statAll).
// With MLST, every MLST in one flight. Without it, the SIZE and MDTM of every
// path in one flight, then the CWD probes (in and back) of the paths whose
// SIZE was refused in another: two round trips for any number of paths,
// where one stat at a time takes one or two each. A name that ends in a
// slash is probed first, as stat() does, and the next transfer's EPSV goes
// with the first flight (a stat is mostly followed by a transfer: the files
// of a get step named one by one).

import {
  FtpError,
  FtpPermanentError,
  FtpProtocolError,
  FtpReplyError,
  replyError,
} from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { formatCommand, redactCommand } from "../protocol/command.ts";
import { isCompletion } from "../protocol/reply.ts";
import { inFlights, probeDirectories } from "./_flights.ts";
import type { Session } from "./_session.ts";
import { directoryEntry, entryFromMlst, fileEntry, statEntry } from "./_stat.ts";

/** An MLST reply: its entry line names the path, and some servers name it twice more. */
function mlstReplyBytes(line: string): number {
  return 3 * line.length + 400;
}

/** Whether `error` is what a path's own reply said (kept in its place), not a failure to ask. */
function isAnswer(error: unknown): error is FtpError {
  return error instanceof FtpReplyError || error instanceof FtpProtocolError;
}

/**
 * Each path's entry, in order, or the error its replies made (a missing
 * path: the refusal of its SIZE or MLST). A failure to ask (a lost
 * connection, a 4xx to a probe's CWD) is thrown.
 */
export async function statEntries(
  session: Session,
  paths: readonly string[],
): Promise<(FileInfo | FtpError)[]> {
  if (!session.pipelining) return await oneAtATime(session, paths);
  if (session.hasMlst) {
    const lines = paths.map((path) => formatCommand("MLST", path));
    const replies = await inFlights(session, lines, mlstReplyBytes, true);
    return paths.map((path, i) => {
      try {
        if (!isCompletion(replies[i])) throw replyError(replies[i], redactCommand(lines[i]));
        return entryFromMlst(path, replies[i]);
      } catch (error) {
        if (isAnswer(error)) return error;
        throw error;
      }
    });
  }
  const results = new Array<FileInfo | FtpError | undefined>(paths.length);
  const slashed = indexesOf(paths, (path) => path.endsWith("/"));
  const probedFirst = await probeDirectories(session, slashed.map((i) => paths[i]), true);
  slashed.forEach((i, k) => {
    if (probedFirst[k]) results[i] = directoryEntry(paths[i]);
  });
  const sized = indexesOf(paths, (_, i) => results[i] === undefined);
  const sizes = await session.sizeAndTimeAll(sized.map((i) => paths[i]), true);
  const refused: number[] = [];
  sized.forEach((i, k) => {
    const found = sizes[k];
    if (!(found instanceof FtpError)) return void (results[i] = fileEntry(paths[i], found));
    results[i] = found;
    // Not probed again where the first probe said no.
    if (found instanceof FtpPermanentError && !paths[i].endsWith("/")) refused.push(i);
  });
  const probed = await probeDirectories(session, refused.map((i) => paths[i]), true);
  refused.forEach((i, k) => {
    if (probed[k]) results[i] = directoryEntry(paths[i]);
  });
  return results as (FileInfo | FtpError)[];
}

/** Where commands may not be sent together: stat() of each path in turn. */
async function oneAtATime(
  session: Session,
  paths: readonly string[],
): Promise<(FileInfo | FtpError)[]> {
  const results: (FileInfo | FtpError)[] = [];
  for (const path of paths) {
    try {
      results.push(await statEntry(session, path));
    } catch (error) {
      if (!isAnswer(error)) throw error;
      results.push(error);
    }
  }
  return results;
}

function indexesOf(
  paths: readonly string[],
  keep: (path: string, index: number) => boolean,
): number[] {
  return paths.flatMap((path, i) => keep(path, i) ? [i] : []);
}
