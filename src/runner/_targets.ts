// One destination per source. Two sources that map to the same file (two
// globs matching x.bin in different directories, say) would be written in
// parallel into one file; planning refuses instead. On file systems that
// usually ignore case (macOS, Windows), names that differ only in case
// count as the same.

import { PlanError } from "./errors.ts";

/** Whether local names are compared without case here. */
export const LOCAL_CASE_INSENSITIVE = Deno.build.os === "darwin" ||
  Deno.build.os === "windows";

/**
 * Fails the plan when two files share a target, or a file's target is
 * where a directory is to be made.
 */
export function assertDistinctTargets(
  files: readonly { source: string; target: string }[],
  dirs: readonly string[],
  ignoreCase: boolean,
): void {
  const key = (path: string) => ignoreCase ? path.toLowerCase() : path;
  const directories = new Set(dirs.map(key));
  const seen = new Map<string, string>();
  for (const { source, target } of files) {
    const k = key(target);
    const other = seen.get(k);
    if (other !== undefined) {
      throw new PlanError(
        `${other} and ${source} would both be written to ${target}: give them different ` +
          `destinations (a step each, or narrower globs)`,
      );
    }
    if (directories.has(k)) {
      throw new PlanError(`${source} would be written to ${target}, where a directory goes`);
    }
    seen.set(k, source);
  }
}
