/**
 * Remote path arithmetic (always `/`-separated, whatever the local OS) and the
 * name check that keeps listings from escaping their directory.
 *
 * @module
 */

/**
 * Joins a directory and an entry name. An empty directory means the current
 * one.
 *
 * @param dir A remote directory, such as `/pub` or `""`.
 * @param name An entry name in it.
 * @returns The joined path.
 *
 * @example
 * ```ts
 * import { joinRemotePath } from "@ferry/ftp/protocol";
 * console.log(joinRemotePath("/pub/", "a.txt")); // "/pub/a.txt"
 * console.log(joinRemotePath("", "a.txt"));      // "a.txt"
 * ```
 */
export function joinRemotePath(dir: string, name: string): string {
  if (dir === "" || dir === ".") return name;
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/**
 * The chain of directories leading to a path, shortest first, as needed to
 * create it level by level. Empty and `.` segments are dropped.
 *
 * @param path A remote directory path, relative or absolute.
 * @returns Each ancestor and the path itself.
 *
 * @example
 * ```ts
 * import { remotePathPrefixes } from "@ferry/ftp/protocol";
 * console.log(remotePathPrefixes("/a/b/c")); // ["/a", "/a/b", "/a/b/c"]
 * console.log(remotePathPrefixes("x//y/"));  // ["x", "x/y"]
 * ```
 */
export function remotePathPrefixes(path: string): string[] {
  const absolute = path.startsWith("/");
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  const prefixes: string[] = [];
  let current = absolute ? "/" : "";
  for (const segment of segments) {
    current = joinRemotePath(current, segment);
    prefixes.push(current);
  }
  return prefixes;
}

/**
 * Why a name from a listing is unsafe to use as a single path segment, or
 * `undefined` if it is safe. Unsafe names are `""`, `.`, `..`, and names with
 * `/`, `\`, NUL, CR, LF or a drive prefix such as `C:`: a hostile server
 * could use them to make a recursive download write, or a recursive delete
 * remove, outside its target.
 *
 * @param name An entry name as the server listed it.
 * @returns A short reason, or `undefined` for a safe name.
 *
 * @example
 * ```ts
 * import { unsafeNameReason } from "@ferry/ftp/protocol";
 * console.log(unsafeNameReason("report.pdf")); // undefined
 * console.log(unsafeNameReason("../etc"));     // "contains a path separator"
 * ```
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name === "." || name === "..") return "is a relative directory reference";
  if (/[/\\]/.test(name)) return "contains a path separator";
  if (/[\0\r\n]/.test(name)) return "contains NUL, CR or LF";
  if (/^[A-Za-z]:/.test(name)) return "starts with a drive prefix";
  return undefined;
}
