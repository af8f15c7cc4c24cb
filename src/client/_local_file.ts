// Local files as transfer ends: downloads land under a temporary name and
// are renamed into place only when whole; uploads read from a path.

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
  const path = decodeURIComponent(destination.pathname);
  // file:///C:/x has the pathname /C:/x on Windows.
  return Deno.build.os === "windows" ? path.replace(/^\/([A-Za-z]:)/, "$1") : path;
}

/**
 * Runs `write` against the destination file. From offset 0 it writes a
 * temporary file beside the destination and renames it into place only on
 * success (the temporary file is removed on failure), so the final path
 * never holds a truncated file. From a later offset it resumes the existing
 * file in place and trims anything past the new end.
 */
export async function downloadToPath(
  destination: string | URL,
  offset: number,
  write: (file: Deno.FsFile) => Promise<unknown>,
): Promise<void> {
  const path = toPath(destination);
  if (offset > 0) {
    using file = await Deno.open(path, { write: true });
    await file.seek(offset, Deno.SeekMode.Start);
    await write(file);
    await file.truncate(await file.seek(0, Deno.SeekMode.Current));
    return;
  }
  const temporary = path + PARTIAL_SUFFIX;
  const file = await Deno.open(temporary, { write: true, create: true, truncate: true });
  try {
    await write(file);
    file.close();
    await Deno.rename(temporary, path);
  } catch (error) {
    try {
      file.close();
    } catch {
      // Already closed after a successful write; the rename failed.
    }
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
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
