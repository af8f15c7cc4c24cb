// Local files as transfer ends: downloads land under a temporary name and
// are renamed into place only when whole; uploads read from a path.

import { fileURLToPath } from "node:url";

/** A local file given as an upload source. */
export interface LocalFile {
  localPath: string | URL;
}

/** Marks a path or `file:` URL as a local file source. */
export function localFile(path: string | URL): LocalFile {
  return { localPath: path };
}

/** Suffix of the temporary file a download is written to. */
export const PARTIAL_SUFFIX = ".ferry-part";

function toPath(destination: string | URL): string {
  if (typeof destination === "string") return destination;
  if (destination.protocol !== "file:") {
    throw new TypeError(`Only file: URLs name local files, got ${destination.protocol}`);
  }
  return fileURLToPath(destination);
}

/** A local file being downloaded into. */
export interface DownloadTarget {
  /** The file to write, positioned where the download starts. */
  file: Deno.FsFile;
  /** The byte of the remote file the download starts at. */
  offset: number;
  /** Makes the download final: renames it into place, or trims a resumed file. */
  commit(): Promise<void>;
  /** Gives up: removes the temporary file, or leaves a resumed file as it was. */
  discard(): Promise<void>;
}

/**
 * Opens the file a download writes to, before anything is sent, so that a
 * local problem (a missing directory, no permission) fails the call without
 * touching the server. From offset 0 it is a temporary file beside the
 * destination, renamed into place only on success, so the final path never
 * holds a truncated file. From a later offset the existing file is resumed
 * in place.
 */
export async function openDownloadTarget(
  destination: string | URL,
  offset: number,
  resume = false,
): Promise<DownloadTarget> {
  const path = toPath(destination);
  const close = (file: Deno.FsFile) => {
    try {
      file.close();
    } catch {
      // Already closed.
    }
  };
  if (offset > 0) {
    const file = await Deno.open(path, { write: true });
    await file.seek(offset, Deno.SeekMode.Start);
    return {
      file,
      offset,
      async commit() {
        await file.truncate(await file.seek(0, Deno.SeekMode.Current));
        close(file);
      },
      discard: () => Promise.resolve(close(file)),
    };
  }
  const temporary = path + PARTIAL_SUFFIX;
  // Resuming continues the temporary file an earlier attempt left behind.
  const file = await Deno.open(temporary, { write: true, create: true, truncate: !resume });
  const start = resume ? await file.seek(0, Deno.SeekMode.End) : 0;
  return {
    file,
    offset: start,
    async commit() {
      close(file);
      await Deno.rename(temporary, path);
    },
    async discard() {
      close(file);
      // Kept when resuming: the next attempt continues from it.
      if (!resume) await Deno.remove(temporary).catch(() => {});
    },
  };
}

/** Opens a local source file, positioned at `offset`. */
export async function openSource(source: LocalFile, offset: number): Promise<Deno.FsFile> {
  const file = await Deno.open(toPath(source.localPath), { read: true });
  if (offset > 0) await file.seek(offset, Deno.SeekMode.Start);
  return file;
}

/** The bytes a local source will send from `offset`. */
export async function sourceFileSize(source: LocalFile, offset: number): Promise<number> {
  return (await Deno.stat(toPath(source.localPath))).size - offset;
}
