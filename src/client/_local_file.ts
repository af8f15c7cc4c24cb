// Local files as transfer ends: paths and file: URLs, and sources read
// from a byte. (Downloads to a local path: _download_file.ts.)

import { fileURLToPath } from "node:url";

/** A local file given as an upload source. */
export interface LocalFile {
  localPath: string | URL;
}

/** Marks a path or `file:` URL as a local file source. */
export function localFile(path: string | URL): LocalFile {
  return { localPath: path };
}

/** The local path a string or `file:` URL names. */
export function localPath(destination: string | URL): string {
  if (typeof destination === "string") return destination;
  if (destination.protocol !== "file:") {
    throw new TypeError(`Only file: URLs name local files, got ${destination.protocol}`);
  }
  return fileURLToPath(destination);
}

/** Opens a local source file, positioned at `offset`. */
export async function openSource(source: LocalFile, offset: number): Promise<Deno.FsFile> {
  const file = await Deno.open(localPath(source.localPath), { read: true });
  if (offset > 0) await file.seek(offset, Deno.SeekMode.Start);
  return file;
}

/** The bytes a local source will send from `offset`. */
export async function sourceFileSize(source: LocalFile, offset: number): Promise<number> {
  return (await Deno.stat(localPath(source.localPath))).size - offset;
}

/**
 * Whether something is at a local path. Any failure to look reads as
 * absent: the callers ask on clean-up paths, where a second error must not
 * hide the first.
 */
export function localPathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
