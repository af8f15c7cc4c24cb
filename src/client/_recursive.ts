// Recursive directory work: mkdir -p and rm -r, built from single commands.

import { FtpError, FtpPermanentError } from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { joinRemotePath, unsafeNameReason } from "../protocol/remote_path.ts";
import { listEntries } from "./_listing.ts";
import type { Session } from "./_session.ts";

/** Deeper than any real tree; reaching it means a server bug or a loop. */
const MAX_DEPTH = 256;

/**
 * Creates a directory and its missing parents. Walks down with CWD, creating
 * a level only where CWD fails, then returns to the starting directory:
 * one round trip per existing level, and no guessing from MKD's error text
 * whether a directory exists.
 */
export async function makeDirectories(session: Session, path: string): Promise<void> {
  const start = await session.pwd();
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  try {
    if (path.startsWith("/")) await session.cwd("/");
    for (const segment of segments) {
      try {
        await session.cwd(segment);
      } catch (error) {
        if (!(error instanceof FtpPermanentError)) throw error;
        await session.mkd(segment);
        await session.cwd(segment);
      }
    }
  } finally {
    if (!session.control.closed) await session.cwd(start);
  }
}

/**
 * Removes a directory and everything in it, depth first. Symbolic links are
 * deleted, never followed. Entries whose names could point elsewhere (`..`,
 * names with `/`, and so on) are skipped with a warning, never acted on: the
 * final RMD then fails and says so.
 */
export async function removeTree(
  session: Session,
  path: string,
  signal: AbortSignal,
  warn: (message: string) => void,
  depth = 0,
): Promise<void> {
  if (depth > MAX_DEPTH) {
    throw new FtpError(`Refusing to descend more than ${MAX_DEPTH} levels below ${path}`);
  }
  const entries: FileInfo[] = [];
  for await (const entry of listEntries(session, path, signal)) entries.push(entry);
  for (const entry of entries) {
    signal.throwIfAborted();
    const reason = entry.type === "unknown" && entry.name === ""
      ? "could not be parsed"
      : unsafeNameReason(entry.name);
    if (reason) {
      warn(`Skipped the entry ${JSON.stringify(entry.name || entry.raw)} in ${path}: it ${reason}`);
      continue;
    }
    const child = joinRemotePath(path, entry.name);
    if (entry.type === "directory") await removeTree(session, child, signal, warn, depth + 1);
    else await session.dele(child);
  }
  await session.rmd(path);
}
