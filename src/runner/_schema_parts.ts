// The pieces task-file schemas are built from: strict objects whose unknown
// keys name the allowed ones, durations, range-checked whole numbers, path
// lists, overwrite policies and filters. _schema.ts builds the connection
// block and the task from them, and each step kind (steps/<kind>.ts) its
// action, through `schemaParts`: step modules import zod's types only, so
// that running a task (a one-shot `ferry get`, say) never loads zod.

import { z } from "zod";
import { closestString } from "../std/closest_string.ts";
import { levenshteinDistance } from "../std/levenshtein_distance.ts";
import { DURATION_PATTERN } from "./duration.ts";
import { wholeNumberPattern } from "./whole_number_pattern.ts";
import { RATE_EXPECTED, RATE_PATTERN } from "./byte_rate.ts";

/** Makes an unknown key's error list the allowed ones and the likeliest. */
function strict<T extends z.ZodRawShape>(shape: T, what: string) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
      const guess = issue.keys.map((k) => closest(k, allowed)).find((g) => g !== undefined);
      return `unknown key ${keys} in ${what}` + (guess ? ` (did you mean "${guess}"?)` : "") +
        `; allowed: ${allowed.join(", ")}`;
    },
  });
}

/** The allowed key within edit distance 2 (case aside), if any. */
function closest(key: string, allowed: string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const guess = closestString(key, allowed);
  return levenshteinDistance(key.toLowerCase(), guess.toLowerCase()) <= 2 ? guess : undefined;
}

const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(DURATION_PATTERN, { error: "expected a duration such as 500ms, 30s, 2m or 1h" }),
]).meta({ description: 'Milliseconds, or a string such as "500ms", "30s", "2m", "1h".' });

const rate = z.union([
  z.number({ error: `expected ${RATE_EXPECTED}` }).min(1, { error: `expected ${RATE_EXPECTED}` }),
  z.string().regex(RATE_PATTERN, { error: `expected ${RATE_EXPECTED}` }),
], { error: `expected ${RATE_EXPECTED}` }).meta({
  description: 'Bytes per second: a number, or "500K", "2M", "2MiB", "1.5MB/s" (K, M, G: ' +
    "powers of 1024; kB, MB, GB: powers of 1000).",
});

// A string form (what `${VAR}` yields) is checked by a pattern of exactly
// the allowed numbers, so that the JSON Schema says the range too.
const whole = (min: number, max: number) => {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.union([
    z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
    z.string({ error }).regex(new RegExp(wholeNumberPattern(min, max)), { error }),
  ], { error });
};

const overwrite = z.enum(["always", "never", "newer", "different"]).meta({
  description: "When to replace an existing destination file (default: different: size or " +
    "modification time differ).",
});

const filter = z.array(z.union([
  strict({ include: z.string().min(1) }, "a filter rule"),
  strict({ exclude: z.string().min(1) }, "a filter rule"),
])).meta({
  description: "Ordered include/exclude globs, first match wins; unmatched paths are included " +
    "unless the filter has an include rule.",
});

const paths = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** What step kinds build their schemas from. */
export interface SchemaParts {
  /** zod itself. */
  z: typeof z;
  /** A strict object: an unknown key's error names the allowed keys and the likeliest. */
  strict: typeof strict;
  /** A duration: milliseconds, or `"30s"` and the like. */
  duration: typeof duration;
  /** A whole number in a range, or a string of one (from `${VAR}`). */
  whole: typeof whole;
  /** A rate in bytes per second: a number, or `"2M"` and the like. */
  rate: typeof rate;
  /** An overwrite policy. */
  overwrite: typeof overwrite;
  /** A filter: include/exclude rules. */
  filter: typeof filter;
  /** A path, or a non-empty list of them. */
  paths: typeof paths;
}

/** The parts, for _schema.ts to hand to each step kind. */
export const schemaParts: SchemaParts = {
  z,
  strict,
  duration,
  whole,
  rate,
  overwrite,
  filter,
  paths,
};
