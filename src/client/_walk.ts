// The recursive walk behind walk(), recursive rmdir, and (later) recursive
// download and sync. Its one job besides recursion: never yield a name that
// could escape its parent directory, whatever a hostile server lists
// (basic-ftp CVE-2026-27699, lftp CVE-2018-10916).

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import type { FileInfo } from "../listing/file_info.ts";
import { joinRemotePath, unsafeNameReason } from "../protocol/remote_path.ts";
import type { CallOptions } from "./options.ts";

/**
 * Options for `walk()`.
 *
 * @example
 * ```ts
 * import { FtpClient, type WalkOptions } from "@ferry/ftp";
 *
 * const options: WalkOptions = { maxDepth: 2, filter: (e) => !e.name.startsWith(".") };
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * for await (const entry of client.walk("/", options)) console.log(entry.path);
 * ```
 */
export interface WalkOptions extends CallOptions {
  /**
   * How deep to descend: 0 lists only the starting directory's entries.
   * Whatever is set, ferry stops at 256 levels and warns.
   *
   * @default {Infinity}
   */
  maxDepth?: number;
  /**
   * Decides which entries are yielded; a directory that is filtered out is
   * not entered either.
   *
   * @default {undefined}
   */
  filter?: (entry: WalkEntry) => boolean;
  /**
   * Enter symbolic links that lead to directories. Links that lead back to a
   * directory being walked are skipped with a warning.
   *
   * @default {false}
   */
  followSymlinks?: boolean;
  /**
   * Lists one directory for the walk, in place of this client's `list()`:
   * for example on other connections of a pool, with `readAhead`, so that
   * several directories are listed at once. Its entries pass the walk's
   * checks all the same.
   *
   * @default {undefined}
   */
  list?: (path: string) => Promise<FileInfo[]>;
  /**
   * How many directories to start listing before the walk reaches them
   * (those it will enter next). Useful with `list` spreading listings over
   * several connections; on one connection they only queue. The order of
   * the entries yielded is the same either way.
   *
   * @default {0}
   */
  readAhead?: number;
}

/**
 * An entry found by `walk()`: a `FileInfo` plus where it is.
 *
 * @example
 * ```ts
 * import type { WalkEntry } from "@ferry/ftp";
 * const show = (e: WalkEntry) => `${"  ".repeat(e.depth)}${e.name}`;
 * ```
 */
export interface WalkEntry extends FileInfo {
  /** The entry's path: the walk's start joined with each name on the way. */
  path: string;
  /** 0 for entries of the starting directory, 1 below that, and so on. */
  depth: number;
}

/** What the walk needs from the client or the session. */
export interface WalkSource {
  /** Lists one directory completely. */
  list(path: string): Promise<FileInfo[]>;
  /** Whether a path is a directory (used only for symbolic links). */
  isDirectory(path: string): Promise<boolean>;
  /** Reports a skipped entry. */
  warn(message: string): void;
}

/** Deeper than any real tree; reaching it means a server bug or a loop. */
export const MAX_WALK_DEPTH = 256;

/**
 * Walks a directory tree depth first, yielding each entry before the
 * entries inside it. Each directory is listed completely before its entries
 * are yielded, so the consumer may issue other commands between entries.
 */
export async function* walkTree(
  root: string,
  source: WalkSource,
  options: WalkOptions = {},
): AsyncGenerator<WalkEntry> {
  const maxDepth = Math.min(options.maxDepth ?? Infinity, MAX_WALK_DEPTH);
  // Each frame: a directory to list, its depth, and the directories above it
  // (as listed and, for followed links, as their targets) to catch loops.
  const stack = [{ path: root, depth: 0, ancestors: [normalize(root)] }];
  const readAhead = Math.max(0, Math.floor(options.readAhead ?? 0));
  // Listings started before the walk reached their directory (readAhead).
  const ahead = new Map<typeof stack[number], Promise<FileInfo[]>>();
  const listAhead = () => {
    // The frames popped next are at the top of the stack.
    for (let i = stack.length - 1; i >= 0 && ahead.size < readAhead; i--) {
      if (ahead.has(stack[i])) continue;
      const listing = source.list(stack[i].path);
      listing.catch(() => {}); // Awaited when its directory's turn comes, if it does.
      ahead.set(stack[i], listing);
    }
  };
  // Bounded: every directory is entered once per path, and paths are bounded by maxDepth.
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { path, depth, ancestors } = frame;
    options.signal?.throwIfAborted();
    const listing = ahead.get(frame) ?? source.list(path);
    ahead.delete(frame);
    listAhead();
    const below: typeof stack = [];
    for (const info of await listing) {
      const reason = info.name === "" ? "could not be parsed" : unsafeNameReason(info.name);
      if (reason) {
        source.warn(
          `Skipped ${JSON.stringify(info.name || info.raw)} listed in ${path}: the entry ${reason}`,
        );
        continue;
      }
      const entry: WalkEntry = { ...info, path: joinRemotePath(path, info.name), depth };
      if (options.filter && !options.filter(entry)) continue;
      yield entry;
      const enter = entry.type === "directory" ||
        (entry.type === "symlink" && options.followSymlinks &&
          await followable(entry, path, ancestors, source));
      if (!enter) continue;
      if (depth + 1 > maxDepth) {
        if (depth + 1 > MAX_WALK_DEPTH) {
          source.warn(`Not entering ${entry.path}: deeper than ${MAX_WALK_DEPTH} levels`);
        }
        continue;
      }
      const target = entry.type === "symlink" && entry.target
        ? resolve(path, entry.target)
        : normalize(entry.path);
      below.push({ path: entry.path, depth: depth + 1, ancestors: [...ancestors, target] });
    }
    // Reversed so that directories are entered in listing order.
    stack.push(...below.reverse());
    listAhead();
  }
}

async function followable(
  entry: WalkEntry,
  parent: string,
  ancestors: string[],
  source: WalkSource,
): Promise<boolean> {
  if (entry.target && ancestors.includes(resolve(parent, entry.target))) {
    source.warn(`Not following ${entry.path} -> ${entry.target}: it leads back into the walk`);
    return false;
  }
  return await source.isDirectory(entry.path);
}

/** Resolves `.`/`..` segments lexically; remote paths have no symlink knowledge here. */
function normalize(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return (absolute ? "/" : "") + out.join("/");
}

function resolve(base: string, target: string): string {
  return normalize(target.startsWith("/") ? target : joinRemotePath(base, target));
}
