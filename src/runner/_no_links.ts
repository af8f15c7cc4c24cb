// Local writes never go through a symbolic link below the step's local
// root. A sync down or a recursive get builds its paths from names the
// server lists; a link to a directory among them (planted, or left by
// someone else) would carry those writes, and deletes, anywhere. The root
// itself is the user's choice and may be a link; everything below it must
// be a real directory. Checked while planning and again right before each
// write, since the tree may change in between.

import { dirname, isAbsolute, join, relative, SEPARATOR as sep } from "../std/path.ts";
import { LocalLinkError } from "./errors.ts";

// Synchronous: an lstat is quicker than the hand-off to Deno's thread pool
// that its asynchronous form costs, and it runs once or more per file.
function lstatLocal(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Fails unless every existing directory from below `root` down to `dir`
 * is a real directory (missing ones are fine: ferry makes them).
 */
export function refuseLinksBelow(root: string, dir: string): void {
  const rel = relative(root, dir);
  if (rel === "") return;
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`${dir} is not inside ${root}`);
  }
  let current = root;
  for (const part of rel.split(sep)) {
    current = join(current, part);
    const info = lstatLocal(current);
    if (!info) return;
    if (info.isSymlink) throw new LocalLinkError(current);
    if (!info.isDirectory) throw new Error(`${current} exists and is not a directory`);
  }
}

/**
 * Fails unless `file`'s directories are real (see above) and `file` itself
 * is not a link.
 *
 * @returns What `file` is (its lstat), or `undefined` when it does not exist.
 */
export function refuseLinksTo(
  root: string,
  file: string,
): Deno.FileInfo | undefined {
  refuseLinksBelow(root, dirname(file));
  const info = lstatLocal(file);
  if (info?.isSymlink) throw new LocalLinkError(file);
  return info;
}
