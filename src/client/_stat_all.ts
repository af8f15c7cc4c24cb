// What stat() learns of one path, asked of many at once (FtpClient.statAll).
// With MLST, the MLSTs sent together; without it, the SIZE and MDTM of every
// path together, then the CWD probes (in and back) of the paths whose SIZE
// was refused, together: two round trips for a batch of any size where one
// stat at a time takes one or two per path. A name that ends in a slash is
// probed first, as stat() does, and the next transfer's EPSV goes with the
// first flight (a stat is mostly followed by a transfer: the files of a get
// step named one by one). Flights are sized by their replies (_flights.ts),
// since a refusal may echo a long path. Where commands may not be sent
// together, the same commands go one at a time (Session.pipeline).

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import {
  type FtpError,
  FtpPermanentError,
  FtpProtocolError,
  FtpReplyError,
  replyError,
} from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { formatCommand, redactCommand } from "../protocol/command.ts";
import { isCompletion } from "../protocol/reply.ts";
import { inFlights, replyBytes } from "./_flights.ts";
import { probeDirectories } from "./_probe_directories.ts";
import { sizeAndTimeFrom, sizeAndTimeLines } from "./_command_replies.ts";
import type { Session } from "./_session.ts";
import { directoryEntry, entryFromMlst, fileEntry } from "./_stat.ts";

/** An MLST reply: its entry line names the path, and some servers name it twice more. */
function mlstReplyBytes(line: string): number {
  return 3 * line.length + 400;
}

/**
 * Each path's entry, in order, or the error its own SIZE or MLST reply
 * made (a missing path: 550). A failure to ask (a lost connection, a
 * refused PWD, a 4xx to a probe's CWD) is thrown.
 */
export async function statEntries(
  session: Session,
  paths: readonly string[],
): Promise<(FileInfo | FtpError)[]> {
  if (session.hasMlst) {
    const lines = paths.map((path) => formatCommand("MLST", path));
    const replies = await inFlights(session, lines, mlstReplyBytes, true);
    return paths.map((path, i) =>
      answerOf(() => {
        if (!isCompletion(replies[i])) throw replyError(replies[i], redactCommand(lines[i]));
        return entryFromMlst(path, replies[i]);
      })
    );
  }
  const results = new Array<FileInfo | FtpError | undefined>(paths.length);
  const slashed = indexesOf(paths, (path) => path.endsWith("/"));
  const probedFirst = await probeDirectories(session, slashed.map((i) => paths[i]), true);
  slashed.forEach((i, k) => {
    if (probedFirst[k]) results[i] = directoryEntry(paths[i]);
  });
  const sized = indexesOf(paths, (_, i) => results[i] === undefined);
  if (sized.length > 0) await session.type("binary");
  const lines = sized.flatMap((i) => sizeAndTimeLines(paths[i]));
  const replies = await inFlights(session, lines, replyBytes, true);
  const refused: number[] = [];
  sized.forEach((i, k) => {
    const found = answerOf(() =>
      fileEntry(paths[i], sizeAndTimeFrom(lines.slice(2 * k), replies.slice(2 * k)))
    );
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

/** The entry `read` makes of a path's own reply, or the error that reply makes. */
function answerOf(read: () => FileInfo): FileInfo | FtpError {
  try {
    return read();
  } catch (error) {
    if (error instanceof FtpReplyError || error instanceof FtpProtocolError) return error;
    throw error;
  }
}

function indexesOf(
  paths: readonly string[],
  keep: (path: string, index: number) => boolean,
): number[] {
  return paths.flatMap((path, i) => keep(path, i) ? [i] : []);
}
