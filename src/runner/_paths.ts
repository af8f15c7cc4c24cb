// Path helpers. Remote paths are always "/"-separated; local ones follow the
// OS (node:path's rules, ../std/path.ts), and relative paths inside a tree are kept "/"-separated so
// that the same relative path names a file on both sides.

import { posixRelative, relative, SEPARATOR as sep } from "../std/path.ts";

/** The parent of a remote path (`""` for a bare name, `/` for `/x`). */
export function remoteDirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash === -1) return "";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
}

/** The last segment of a remote or "/"-separated path. */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Joins remote path segments, treating `""` and `.` as the current directory. */
export function joinRemote(dir: string, relativePath: string): string {
  if (relativePath === "") return dir;
  if (dir === "" || dir === ".") return relativePath;
  return dir.endsWith("/") ? dir + relativePath : `${dir}/${relativePath}`;
}

/** The "/"-separated path of `path` below `root` (both local). */
export function localRelative(root: string, path: string): string {
  const rel = relative(root, path);
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/** The "/"-separated path of `path` below `root` (both remote). */
export function remoteRelative(root: string, path: string): string {
  if (root === "" || root === ".") return path;
  const base = root.endsWith("/") ? root : `${root}/`;
  return path.startsWith(base) ? path.slice(base.length) : posixRelative(root, path);
}
