/**
 * The names of ferry's temporary files, local and remote. A download to a
 * local path is written to `<name>.ferry-part` and renamed into place when
 * whole; an atomic upload goes to a temporary ending in `.ferry-part` and is
 * renamed over its target; and while a server that will not rename over a
 * file has its old file moved aside, that file is `<name>.ferry-old.ferry-part`.
 * The task runner never syncs names with this suffix.
 *
 * @module
 */

/**
 * Suffix of every temporary file ferry writes: a download's
 * `<name>.ferry-part`, an atomic upload's temporary, a replaced file moved
 * aside. Skip such names when you mirror a directory yourself.
 *
 * @example
 * ```ts
 * import { FtpClient, PARTIAL_SUFFIX } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const real = (await client.list("www")).filter((e) => !e.name.endsWith(PARTIAL_SUFFIX));
 * ```
 */
export const PARTIAL_SUFFIX = ".ferry-part";

/**
 * Suffix of a file moved aside while an atomic upload replaces it on a
 * server that will not rename over an existing file: the old file is
 * `<name>.ferry-old.ferry-part` until the new one is in place, then
 * removed. One found later was left by a connection lost in between; it
 * may be the only copy of the old file, and ferry never removes it.
 *
 * @example
 * ```ts
 * import { ASIDE_SUFFIX } from "@ferry/ftp";
 *
 * const stranded = (name: string) => name.endsWith(ASIDE_SUFFIX);
 * console.log(stranded("index.html.ferry-old.ferry-part")); // true
 * ```
 */
export const ASIDE_SUFFIX = `.ferry-old${PARTIAL_SUFFIX}`;

/**
 * The temporary a download to `path` is written to, and the default
 * temporary of an atomic upload to `path`: `<path>.ferry-part`.
 *
 * @param path A local path or a remote path.
 * @returns The temporary's path, beside it.
 *
 * @example
 * ```ts
 * import { partialPath } from "@ferry/ftp";
 *
 * console.log(partialPath("backup/site.tar")); // "backup/site.tar.ferry-part"
 * ```
 */
export function partialPath(path: string): string {
  return path + PARTIAL_SUFFIX;
}

/**
 * The progress file a segmented download (`downloadTo` with `segments`)
 * keeps beside its temporary `part`: `<name>.ferry-segments.ferry-part`.
 * It ends in {@linkcode PARTIAL_SUFFIX}, so whatever skips temporaries
 * skips it too. While it exists, the temporary has holes: ferry continues
 * it segment by segment, never from its size.
 *
 * @param part The temporary, `<name>.ferry-part` (see {@linkcode partialPath}).
 * @returns The progress file's path, beside it.
 *
 * @example
 * ```ts
 * import { partialPath, segmentStatePath } from "@ferry/ftp";
 *
 * console.log(segmentStatePath(partialPath("big.iso"))); // "big.iso.ferry-segments.ferry-part"
 * ```
 */
export function segmentStatePath(part: string): string {
  const base = part.endsWith(PARTIAL_SUFFIX) ? part.slice(0, -PARTIAL_SUFFIX.length) : part;
  return `${base}.ferry-segments${PARTIAL_SUFFIX}`;
}
