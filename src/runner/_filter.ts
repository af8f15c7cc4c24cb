// Include/exclude rules, first match wins. A path no rule matches is
// included unless the filter holds an include rule ("only these"). Paths are
// "/"-separated and relative to the step's directory or glob base.

// @ts-types="@types/picomatch"
import picomatch from "picomatch";
import type { FilterRule } from "./task_file.ts";

/** Suffix of ferry's temporary files, local and remote; never synced. */
export const PART_SUFFIX = ".ferry-part";

/** A compiled filter. */
export interface PathFilter {
  /** Whether a file (by relative path) takes part. */
  includes(path: string): boolean;
  /** Whether a directory is excluded as a whole (an exclude rule matches it). */
  prunes(path: string): boolean;
}

const options = { dot: true };

/** Compiles filter rules. */
export function compileFilter(rules: FilterRule[]): PathFilter {
  const compiled = rules.map((rule) => {
    const include = "include" in rule;
    const pattern = include
      ? (rule as { include: string }).include
      : (rule as { exclude: string }).exclude;
    return { include, match: picomatch(pattern, options) };
  });
  const onlyIncludes = compiled.some((rule) => rule.include);
  const first = (path: string) => compiled.find((rule) => rule.match(path));
  return {
    includes(path) {
      if (path.endsWith(PART_SUFFIX)) return false;
      const rule = first(path);
      return rule ? rule.include : !onlyIncludes;
    },
    prunes(path) {
      const rule = first(path);
      return rule !== undefined && !rule.include;
    },
  };
}

/** A glob split into the directory to walk and the pattern below it. */
export interface GlobParts {
  /** The part before the first glob character (a directory), or the whole path. */
  base: string;
  /** The pattern below `base`, or `undefined` for a plain path. */
  glob?: string;
}

/** Splits a "/"-separated path or glob. */
export function splitGlob(path: string): GlobParts {
  const scanned = picomatch.scan(path);
  if (!scanned.isGlob) return { base: path };
  return { base: scanned.base, glob: scanned.glob };
}

/** A matcher for the glob part of a path. */
export function globMatcher(glob: string): (path: string) => boolean {
  return picomatch(glob, options);
}
