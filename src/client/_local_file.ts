// Local files as transfer ends: paths and file: URLs, and sources read
// from a byte. (Downloads to a local path: _download_file.ts.)

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
  return fileUrlPath(destination, Deno.build.os === "windows");
}

/**
 * node:url's `fileURLToPath` (the same paths, the same refusals as TypeErrors;
 * a UNC host stays as the URL spells it), without node:url: importing any
 * node: module makes the client's start about 20 ms slower
 * (docs/performance.md, "Cold start").
 */
export function fileUrlPath(url: URL, windows: boolean): string {
  const encodedSeparator = windows ? /%(2f|5c)/i : /%2f/i;
  if (encodedSeparator.test(url.pathname)) {
    throw new TypeError(
      `File URL path must not include encoded ${windows ? "\\ or /" : "/"} characters: ${url.href}`,
    );
  }
  if (!windows) {
    if (url.hostname !== "") {
      throw new TypeError(`File URL host must be "localhost" or empty on this system: ${url.href}`);
    }
    return decodeURIComponent(url.pathname);
  }
  const path = decodeURIComponent(url.pathname.replaceAll("/", "\\"));
  // A host makes a UNC path; without one, the path needs a drive letter.
  if (url.hostname !== "") return `\\\\${url.hostname}${path}`;
  if (!/^\\[a-z]:/i.test(path)) throw new TypeError(`File URL path must be absolute: ${url.href}`);
  return path.slice(1);
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
