// Include/exclude rules, first match wins. A path no rule matches is
// included unless the filter holds an include rule ("only these"). Paths are
// "/"-separated and relative to the step's directory or glob base.

// picomatch is loaded on first need: a one-shot `ferry get` of a plain path
// starts ~25 ms sooner without it.

// @ts-types="@types/picomatch"
import type picomatchType from "picomatch";
import type { FilterRule } from "./task_file.ts";
import { PARTIAL_SUFFIX } from "../client/temporary_names.ts";

let engine: typeof picomatchType | undefined;

async function globEngine(): Promise<typeof picomatchType> {
  engine ??= (await import("picomatch")).default;
  return engine;
}

/** Characters that may make a path a glob (picomatch's syntax); others never do. */
const MAYBE_GLOB = /[*?[\]{}()!+@\\]/;

/** A compiled filter. */
export interface PathFilter {
  /** Whether a file (by relative path) takes part. */
  includes(path: string): boolean;
  /** Whether a directory is excluded as a whole (an exclude rule matches it). */
  prunes(path: string): boolean;
}

const options = { dot: true };

/** Compiles filter rules. */
export async function compileFilter(rules: FilterRule[]): Promise<PathFilter> {
  const picomatch = rules.length > 0 ? await globEngine() : undefined;
  const compiled = rules.map((rule) => {
    const include = "include" in rule;
    const pattern = include
      ? (rule as { include: string }).include
      : (rule as { exclude: string }).exclude;
    return { include, match: picomatch!(pattern, options) };
  });
  const onlyIncludes = compiled.some((rule) => rule.include);
  const first = (path: string) => compiled.find((rule) => rule.match(path));
  return {
    includes(path) {
      // ferry's temporaries, local and remote, are never synced.
      if (path.endsWith(PARTIAL_SUFFIX)) return false;
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
export async function splitGlob(path: string): Promise<GlobParts> {
  if (!MAYBE_GLOB.test(path)) return { base: path };
  const scanned = (await globEngine()).scan(path);
  if (!scanned.isGlob) return { base: path };
  return { base: scanned.base, glob: scanned.glob };
}

/** A matcher for the glob part of a path, which splitGlob returned. */
export function globMatcher(glob: string): (path: string) => boolean {
  if (!engine) throw new Error("globMatcher before splitGlob found a glob");
  return engine(glob, options);
}
