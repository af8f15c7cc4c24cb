/**
 * A stand-in for `@std/path`'s `dirname`, `join`, `resolve`, `relative`,
 * `isAbsolute` and `SEPARATOR` (and `@std/path/posix`'s `relative` as
 * {@linkcode posixRelative}), with the same names and results, while JSR is
 * out of reach: replace the import when it is not. Both port Node's
 * `node:path`, and so does this: on POSIX systems it gives `node:path`'s
 * results (tests/std/path.test.ts compares them on generated paths) without
 * importing it, since the first `node:` import starts Deno's Node layer,
 * about 15 ms of CPU on a one-file `ferry get` (docs/performance.md, "Cold
 * start"). On Windows, where paths have drives and two separators, it is
 * `node:path` itself.
 *
 * @module
 */

type NodePath = typeof import("node:path");

/** `node:path` on Windows, loaded only there. */
const windows: NodePath | undefined = Deno.build.os === "windows"
  ? await import("node:path")
  : undefined;

const SLASH = 47; // "/"
const DOT = 46; // "."

/**
 * Resolves `.` and `..` segments and drops empty ones (node's
 * `normalizeString` for POSIX); `..` above the start is kept only when
 * `aboveRoot` allows it (a relative path).
 */
function normalizeSegments(path: string, aboveRoot: boolean): string {
  let result = "";
  let lastSegmentLength = 0;
  let lastSlash = -1;
  let dots = 0;
  let code = 0;
  for (let i = 0; i <= path.length; ++i) {
    if (i < path.length) code = path.charCodeAt(i);
    else if (code === SLASH) break;
    else code = SLASH;
    if (code === SLASH) {
      if (lastSlash === i - 1 || dots === 1) {
        // An empty segment or ".": nothing to add.
      } else if (dots === 2) {
        if (
          result.length < 2 || lastSegmentLength !== 2 ||
          result.charCodeAt(result.length - 1) !== DOT ||
          result.charCodeAt(result.length - 2) !== DOT
        ) {
          if (result.length > 2) {
            const lastSlashIndex = result.lastIndexOf("/");
            if (lastSlashIndex === -1) {
              result = "";
              lastSegmentLength = 0;
            } else {
              result = result.slice(0, lastSlashIndex);
              lastSegmentLength = result.length - 1 - result.lastIndexOf("/");
            }
            lastSlash = i;
            dots = 0;
            continue;
          } else if (result.length !== 0) {
            result = "";
            lastSegmentLength = 0;
            lastSlash = i;
            dots = 0;
            continue;
          }
        }
        if (aboveRoot) {
          result += result.length > 0 ? "/.." : "..";
          lastSegmentLength = 2;
        }
      } else {
        const segment = path.slice(lastSlash + 1, i);
        result = result.length > 0 ? `${result}/${segment}` : segment;
        lastSegmentLength = i - lastSlash - 1;
      }
      lastSlash = i;
      dots = 0;
    } else if (code === DOT && dots !== -1) {
      ++dots;
    } else {
      dots = -1;
    }
  }
  return result;
}

function posixResolve(...paths: string[]): string {
  let resolved = "";
  let absolute = false;
  for (let i = paths.length - 1; i >= -1 && !absolute; i--) {
    const path = i >= 0 ? paths[i] : Deno.cwd();
    if (path.length === 0) continue;
    resolved = `${path}/${resolved}`;
    absolute = path.charCodeAt(0) === SLASH;
  }
  resolved = normalizeSegments(resolved, !absolute);
  if (absolute) return `/${resolved}`;
  return resolved.length > 0 ? resolved : ".";
}

/**
 * Whether normalizing `path` would give it back unchanged: no empty, `.` or
 * `..` segment, a leading slash and one trailing slash aside. Most paths
 * ferry joins are so (a target directory and a listed name): they are then
 * returned as they are, not rebuilt a segment at a time (a 1000-file get's
 * plan sliced and concatenated five segments per file for nothing).
 */
function isNormal(path: string): boolean {
  const length = path.length;
  const start = path.charCodeAt(0) === SLASH ? 1 : 0;
  const end = length > 1 && path.charCodeAt(length - 1) === SLASH ? length - 1 : length;
  if (start >= end) return false;
  let segment = start;
  for (let i = start; i <= end; i++) {
    if (i < end && path.charCodeAt(i) !== SLASH) continue;
    const size = i - segment;
    if (size === 0) return false;
    if (size <= 2 && path.charCodeAt(segment) === DOT) {
      if (size === 1 || path.charCodeAt(segment + 1) === DOT) return false;
    }
    segment = i + 1;
  }
  return true;
}

function posixNormalize(path: string): string {
  if (path.length === 0) return ".";
  if (isNormal(path)) return path;
  const absolute = path.charCodeAt(0) === SLASH;
  const trailingSlash = path.charCodeAt(path.length - 1) === SLASH;
  const normalized = normalizeSegments(path, !absolute);
  if (normalized.length === 0) return absolute ? "/" : trailingSlash ? "./" : ".";
  const withSlash = trailingSlash ? `${normalized}/` : normalized;
  return absolute ? `/${withSlash}` : withSlash;
}

function posixJoin(...paths: string[]): string {
  let joined: string | undefined;
  for (const path of paths) {
    if (path.length > 0) joined = joined === undefined ? path : `${joined}/${path}`;
  }
  return joined === undefined ? "." : posixNormalize(joined);
}

/**
 * The relative path from `from` to `to` on POSIX ("/"-separated, whatever
 * the system): both are resolved against the working directory first.
 *
 * @param from The starting path.
 * @param to The target path.
 * @returns `""` when they are the same.
 *
 * @example
 * ```ts
 * import { posixRelative } from "./path.ts";
 *
 * posixRelative("/www/a", "/www/b/c.txt"); // "../b/c.txt"
 * ```
 */
export function posixRelative(from: string, to: string): string {
  if (windows) return windows.posix.relative(from, to);
  if (from === to) return "";
  from = posixResolve(from);
  to = posixResolve(to);
  if (from === to) return "";
  const fromStart = 1;
  const fromEnd = from.length;
  const fromLength = fromEnd - fromStart;
  const toStart = 1;
  const toLength = to.length - toStart;
  const length = fromLength < toLength ? fromLength : toLength;
  let lastCommonSlash = -1;
  let i = 0;
  for (; i < length; i++) {
    const fromCode = from.charCodeAt(fromStart + i);
    if (fromCode !== to.charCodeAt(toStart + i)) break;
    else if (fromCode === SLASH) lastCommonSlash = i;
  }
  if (i === length) {
    if (toLength > length) {
      // `from` is `to`'s ancestor ("/a" and "/a/b"), or the root.
      if (to.charCodeAt(toStart + i) === SLASH) return to.slice(toStart + i + 1);
      if (i === 0) return to.slice(toStart + i);
    } else if (fromLength > length) {
      // `to` is `from`'s ancestor, or the root.
      if (from.charCodeAt(fromStart + i) === SLASH) lastCommonSlash = i;
      else if (i === 0) lastCommonSlash = 0;
    }
  }
  let out = "";
  for (i = fromStart + lastCommonSlash + 1; i <= fromEnd; ++i) {
    if (i === fromEnd || from.charCodeAt(i) === SLASH) out += out.length === 0 ? ".." : "/..";
  }
  return `${out}${to.slice(toStart + lastCommonSlash)}`;
}

/**
 * The system's path separator: `/`, or `\` on Windows.
 *
 * @example
 * ```ts
 * import { SEPARATOR } from "./path.ts";
 *
 * "a/b".split("/").join(SEPARATOR);
 * ```
 */
export const SEPARATOR: "/" | "\\" = windows ? "\\" : "/";

/**
 * The path's directory: everything before its last segment (trailing
 * separators aside), `.` for a bare name.
 *
 * @param path A local path.
 * @returns Its directory.
 *
 * @example
 * ```ts
 * import { dirname } from "./path.ts";
 *
 * dirname("/srv/www/index.html"); // "/srv/www"
 * ```
 */
export function dirname(path: string): string {
  if (windows) return windows.dirname(path);
  if (path.length === 0) return ".";
  const rooted = path.charCodeAt(0) === SLASH;
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; --i) {
    if (path.charCodeAt(i) === SLASH) {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else {
      matchedSlash = false;
    }
  }
  if (end === -1) return rooted ? "/" : ".";
  if (rooted && end === 1) return "//";
  return path.slice(0, end);
}

/**
 * Joins the non-empty segments with the separator and normalises the result
 * (`.` and `..` resolved, repeated separators made one).
 *
 * @param paths Path segments.
 * @returns The joined path, `.` when all are empty.
 *
 * @example
 * ```ts
 * import { join } from "./path.ts";
 *
 * join("/srv", "www/", "../logs"); // "/srv/logs"
 * ```
 */
export function join(...paths: string[]): string {
  return windows ? windows.join(...paths) : posixJoin(...paths);
}

/**
 * The absolute path the segments name, from right to left until one is
 * absolute, then against the working directory.
 *
 * @param paths Path segments.
 * @returns An absolute, normalised path without a trailing separator.
 *
 * @example
 * ```ts
 * import { resolve } from "./path.ts";
 *
 * resolve("/srv/www", "../logs/app.log"); // "/srv/logs/app.log"
 * ```
 */
export function resolve(...paths: string[]): string {
  return windows ? windows.resolve(...paths) : posixResolve(...paths);
}

/**
 * The relative path from `from` to `to`, both resolved first.
 *
 * @param from The starting path.
 * @param to The target path.
 * @returns `""` when they are the same place.
 *
 * @example
 * ```ts
 * import { relative } from "./path.ts";
 *
 * relative("/srv/www", "/srv/www/css/site.css"); // "css/site.css"
 * ```
 */
export function relative(from: string, to: string): string {
  return windows ? windows.relative(from, to) : posixRelative(from, to);
}

/**
 * Whether the path is absolute.
 *
 * @param path A local path.
 * @returns `true` for `/x` (on Windows also `C:\x` and `\\server\share`).
 *
 * @example
 * ```ts
 * import { isAbsolute } from "./path.ts";
 *
 * isAbsolute("www/index.html"); // false
 * ```
 */
export function isAbsolute(path: string): boolean {
  return windows ? windows.isAbsolute(path) : path.length > 0 && path.charCodeAt(0) === SLASH;
}
