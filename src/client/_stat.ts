// One entry's details without listing its directory: MLST when offered,
// otherwise SIZE and MDTM (and a CWD probe to recognise directories).

import { FtpPermanentError, FtpProtocolError } from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { parseMlstLine } from "../listing/parse_mlsd.ts";
import type { FtpReply } from "../protocol/reply.ts";
import type { Session } from "./_session.ts";

/** The last segment of a remote path: MLST names the whole path. */
function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1) || trimmed || path;
}

/** The entry an MLST reply (a completion) for `path` holds. */
export function entryFromMlst(path: string, reply: FtpReply): FileInfo {
  // RFC 3659: the entry is the one line that starts with a space.
  const line = reply.lines.find((l) => l.startsWith(" "));
  const entry = line === undefined ? undefined : parseMlstLine(line.slice(1));
  if (!entry) {
    throw new FtpProtocolError(`The MLST reply for ${JSON.stringify(path)} holds no entry line`);
  }
  return entry.name === "" ? { ...entry, name: baseName(path) } : entry;
}

/** A file's entry from its SIZE and MDTM. */
export function fileEntry(path: string, { size, modified }: { size: number; modified?: Date }) {
  const entry: FileInfo = { name: baseName(path), type: "file", size, raw: "" };
  if (modified) {
    entry.modified = modified;
    entry.modifiedPrecision = "second";
    entry.modifiedIsUtc = true;
  }
  return entry;
}

/** A directory's entry, known from a CWD probe. */
export function directoryEntry(path: string): FileInfo {
  return { name: baseName(path), type: "directory", raw: "" };
}

export async function statEntry(session: Session, path: string): Promise<FileInfo> {
  if (session.hasMlst) {
    // A stat is mostly followed by a transfer: its EPSV goes with MLST.
    return entryFromMlst(path, await session.mlst(path, true));
  }
  // A name that ends in a slash can only be a directory: the CWD probe
  // first (a file's SIZE and MDTM would be asked for nothing).
  const probed = path.endsWith("/") ? await isDirectory(session, path) : undefined;
  if (probed) return directoryEntry(path);
  try {
    // SIZE and MDTM share a round trip.
    return fileEntry(path, await session.sizeAndTime(path));
  } catch (error) {
    if (!(error instanceof FtpPermanentError)) throw error;
    // Not probed again where the probe above said no.
    if (probed === undefined && await isDirectory(session, path)) return directoryEntry(path);
    throw error;
  }
}

/** CWD into the path and back: the one portable test for "is a directory". */
export function isDirectory(session: Session, path: string): Promise<boolean> {
  return session.isDirectory(path);
}
