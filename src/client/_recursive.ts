// Recursive directory work: rm -r, built from single commands (mkdir -p is
// in _make_directories.ts).

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { type DotFileOptions, listAll } from "./_listing.ts";
import type { Session } from "./_session.ts";
import { walkTree } from "./_walk.ts";

/**
 * Removes a directory and everything in it. Files and symbolic links are
 * deleted as the walk finds them (links are never followed); directories are
 * removed afterwards, deepest first. Entries the walk skips as unsafe are
 * left alone, so the RMD of their directory then fails and says so.
 */
export async function removeTree(
  session: Session,
  path: string,
  signal: AbortSignal,
  maxListingBytes: number,
  dotFiles: DotFileOptions,
): Promise<void> {
  const directories = [path];
  const source = {
    list: (dir: string) => listAll(session, dir, signal, maxListingBytes, dotFiles),
    isDirectory: () => Promise.resolve(false),
    warn: dotFiles.warn,
  };
  for await (const entry of walkTree(path, source, { signal })) {
    if (entry.type === "directory") directories.push(entry.path);
    else await session.dele(entry.path);
  }
  // Bounded by the number of directories found.
  for (const directory of directories.reverse()) {
    signal.throwIfAborted();
    await session.rmd(directory);
  }
}
