// The remote side of a step, read only through the client's public calls:
// stat for single paths and walk() for trees, so every name a server lists
// passes the walk's safety checks (unsafe names are skipped with a warning
// event, which the pool reports in the step's output).

import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { remoteRelative } from "./_paths.ts";

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
    const info = await client.stat(path, { signal });
    return {
      rel: info.name,
      path,
      type: info.type,
      size: info.size,
      modified: info.modified,
      exact: isExactTime(info),
    };
  } catch (error) {
    if (error instanceof FtpPermanentError && error.code === 550) return undefined;
    throw error;
  }
}

/**
 * Reads a remote tree with `walk()`. `descend` decides which directories
 * are entered (by relative path); the root is always listed.
 */
export async function readRemoteTree(
  client: FtpClient,
  root: string,
  descend: (rel: string) => boolean,
  signal?: AbortSignal,
): Promise<Map<string, RemoteEntry>> {
  const entries = new Map<string, RemoteEntry>();
  const walk = client.walk(root, {
    signal,
    filter: (entry) => entry.type !== "directory" || descend(remoteRelative(root, entry.path)),
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
  }
  return entries;
}
