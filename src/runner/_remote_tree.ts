// The remote side of a step, read only through the client's public calls:
// stat for single paths and walk() for trees, so every name a server lists
// passes the walk's safety checks (unsafe names are skipped with a warning
// event, which the pool reports in the step's output).

import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { remoteRelative } from "./_paths.ts";

/**
 * Lists directories over several connections at once (the step's pool),
 * for walks of many directories (see {@linkcode readRemoteTree}).
 */
export interface SpreadListing {
  /** Lists one directory on a free pooled connection, or the planning one. */
  list(path: string): Promise<FileInfo[]>;
  /** How many directories may be listed at once. */
  width: number;
  /** Whether a listing so far may have left out names that start with a dot. */
  mayMissDotFiles(): boolean;
}

/** A remote entry, by "/"-separated path relative to a root. */
export interface RemoteEntry {
  rel: string;
  path: string;
  type: FileInfo["type"];
  size?: number;
  /** The modification time, when listed. */
  modified?: Date;
  /** Whether `modified` is an exact UTC instant (MLSD, MLST, MDTM). */
  exact: boolean;
}

/** Whether a listed time is an exact instant, good enough to compare. */
export function isExactTime(info: FileInfo): boolean {
  return info.modified !== undefined && info.modifiedIsUtc === true &&
    (info.modifiedPrecision === "second" || info.modifiedPrecision === "millisecond");
}

/** Details of one path, or `undefined` when the server says it does not exist. */
export async function statRemote(
  client: FtpClient,
  path: string,
  signal?: AbortSignal,
): Promise<RemoteEntry | undefined> {
  try {
    return remoteEntry(path, await client.stat(path, { signal }));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * statRemote of many paths, asked together (two round trips at most where
 * the server takes commands sent together, see `FtpClient.statAll`).
 */
export async function statRemoteAll(
  client: FtpClient,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<(RemoteEntry | undefined)[]> {
  if (paths.length === 0) return [];
  const found = await client.statAll([...paths], { signal });
  return found.map((info, i) => {
    if (!(info instanceof Error)) return remoteEntry(paths[i], info);
    if (isMissing(info)) return undefined;
    throw info;
  });
}

function remoteEntry(path: string, info: FileInfo): RemoteEntry {
  return {
    rel: info.name,
    path,
    type: info.type,
    size: info.size,
    modified: info.modified,
    exact: isExactTime(info),
  };
}

/** A 550: the server says the path does not exist (or may not be seen). */
function isMissing(error: unknown): boolean {
  return error instanceof FtpPermanentError && error.code === 550;
}

/**
 * statRemote for a path that is a directory when it exists (a destination,
 * a sync's root). Without MLST, a stat finds a directory only after SIZE and
 * MDTM failed; named with a slash it is probed as one at once (one round
 * trip). Anything else (a file, nothing) is stat'ed as before.
 */
export async function statRemoteDirectory(
  client: FtpClient,
  path: string,
  signal?: AbortSignal,
): Promise<RemoteEntry | undefined> {
  if (!client.features.has("MLST") && !path.endsWith("/")) {
    const directory = await statRemote(client, `${path}/`, signal);
    if (directory?.type === "directory") return { ...directory, path };
  }
  return await statRemote(client, path, signal);
}

/** What a listing may be hiding (see readRemoteTree). */
export interface Hidden {
  /** Relative paths, each with its subtree, and why; `""` is the whole tree. */
  paths: Map<string, string>;
  /**
   * By directory, the lines of its listing that could not be read. Any
   * name such a line holds may be missing from the tree.
   */
  unreadable: Map<string, string[]>;
  /**
   * Set (to why) when the listing may have left out every name that
   * starts with a dot: such a path is kept, with everything below it.
   */
  dotFiles?: string;
}

/** Whether a relative path has a segment that starts with a dot. */
export function hasDotSegment(rel: string): boolean {
  return rel.split("/").some((segment) => segment.startsWith("."));
}

/** An empty {@linkcode Hidden}. */
export function nothingHidden(): Hidden {
  return { paths: new Map(), unreadable: new Map() };
}

/**
 * Records what one of the walk's warnings says about the tree: a name it
 * skipped, a line it could not read, a directory it did not enter. Any
 * other "Skipped ..." wording hides the whole tree, so that a change of
 * wording errs on the safe side.
 */
function noteWarning(message: string, root: string, hidden: Hidden): void {
  const relative = (path: string) => path === root ? "" : remoteRelative(root, path);
  const skipped = /^Skipped ("(?:[^"\\]|\\.)*") listed in ([\s\S]*): the entry ([\s\S]*)$/.exec(
    message,
  );
  if (skipped) {
    const dir = relative(skipped[2]);
    const text = JSON.parse(skipped[1]) as string;
    if (skipped[3] === "could not be parsed") {
      hidden.unreadable.set(dir, [...hidden.unreadable.get(dir) ?? [], text]);
    } else {
      hidden.paths.set(
        dir === "" ? text : `${dir}/${text}`,
        `the listing skipped it (${skipped[3]})`,
      );
    }
    return;
  }
  const notEntered = /^Not entering ([\s\S]*): deeper than \d+ levels$/.exec(message) ??
    /^Not following ([\s\S]*?) -> [\s\S]*: it leads back into the walk$/.exec(message);
  if (notEntered) hidden.paths.set(relative(notEntered[1]), message);
  else if (/^(Skipped|Not entering|Not following) /.test(message)) hidden.paths.set("", message);
}

/**
 * Reads a remote tree with `walk()`. `descend` decides which directories
 * are entered (by relative path); the root is always listed. `hidden`, when
 * given, receives what the listing may be hiding: names the walk skipped,
 * lines it could not read, and links and entries of unknown type (not
 * followed). A sync must not take those for absent.
 */
export async function readRemoteTree(
  client: FtpClient,
  root: string,
  descend: (rel: string) => boolean,
  signal?: AbortSignal,
  hidden?: Hidden,
  spread?: SpreadListing,
): Promise<Map<string, RemoteEntry>> {
  const entries = new Map<string, RemoteEntry>();
  const onWarning = (event: { message: string }) => {
    if (hidden) noteWarning(event.message, root, hidden);
  };
  client.addEventListener("warning", onWarning);
  try {
    const walk = client.walk(root, {
      signal,
      filter: (entry) => entry.type !== "directory" || descend(remoteRelative(root, entry.path)),
      // Directories are listed a few at once over the pool: each listing
      // costs round trips, which the connections then wait for together.
      list: spread && ((dir) => spread.list(dir)),
      readAhead: spread && spread.width > 1 ? spread.width : 0,
    });
    for await (const entry of walk) {
      const rel = remoteRelative(root, entry.path);
      entries.set(rel, {
        rel,
        path: entry.path,
        type: entry.type,
        size: entry.size,
        modified: entry.modified,
        exact: isExactTime(entry),
      });
      if (entry.type === "symlink" || entry.type === "unknown") {
        const what = entry.type === "symlink" ? "a link (not followed)" : "of unknown type";
        hidden?.paths.set(rel, `${entry.path} is ${what}`);
      }
    }
  } finally {
    client.removeEventListener("warning", onWarning);
  }
  if (hidden && (spread ? spread.mayMissDotFiles() : client.listingsMayMissDotFiles)) {
    hidden.dotFiles = "the server's listings may leave out names that start with a dot";
  }
  return entries;
}
