// The names of atomic uploads' temporary files. A temporary is named after
// the file it will replace and the local file it holds, by a digest of the
// local path, size and modification time:
//
//   www/app.js  ->  www/app.js.3f9a0c21b7d4.ferry-part
//
// So a temporary a run leaves behind (Ctrl-C, a failed step, a refused
// rename) can be continued by a later run of the same local file, and by
// nothing else: a changed file gets another name, and the old temporary is
// then stale, to be removed. A local file without a time gets the plain
// `<name>.ferry-part`, which is never continued across runs.

import { ASIDE_SUFFIX, PARTIAL_SUFFIX, partialPath } from "../client/temporary_names.ts";

const FINGERPRINTED = new RegExp(`\\.[0-9a-f]{12}${PARTIAL_SUFFIX.replaceAll(".", "\\.")}$`);

/** The temporary an atomic upload of `local` to `remote` writes to. */
export async function temporaryFor(
  remote: string,
  local: { path: string; size: number; mtime?: Date },
): Promise<string> {
  if (!local.mtime) return partialPath(remote);
  const identity = `${local.path}\0${local.size}\0${local.mtime.getTime()}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(identity));
  const hex = [...new Uint8Array(digest).subarray(0, 6)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return partialPath(`${remote}.${hex}`);
}

/** Whether a temporary's name says which local file it holds (so it may be continued). */
export function isFingerprinted(temporary: string): boolean {
  return FINGERPRINTED.test(temporary);
}

/**
 * The remote file a temporary was to replace, or `undefined` if `path` is
 * no temporary (or a backup: that may be the only copy of an old file).
 */
export function ownerOf(path: string): string | undefined {
  if (!path.endsWith(PARTIAL_SUFFIX) || path.endsWith(ASIDE_SUFFIX)) return undefined;
  const owner = FINGERPRINTED.test(path)
    ? path.replace(FINGERPRINTED, "")
    : path.slice(0, -PARTIAL_SUFFIX.length);
  return owner === "" || owner.endsWith("/") ? undefined : owner;
}
