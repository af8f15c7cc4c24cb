/**
 * Durations as task files and the CLI write them ("500ms", "30s", "2m",
 * "1h"), in a module of their own so that the CLI can check a flag without
 * loading the schema (zod).
 *
 * @module
 */

/**
 * A duration written with its unit.
 *
 * @example
 * ```ts
 * import { DURATION_PATTERN } from "@ferry/ftp/runner";
 *
 * DURATION_PATTERN.test("1.5s"); // true
 * DURATION_PATTERN.test("soon"); // false
 * ```
 */
export const DURATION_PATTERN = /^\d+(\.\d+)?\s*(ms|s|m|h)$/;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds of a duration: a number is milliseconds already; a string
 * must match {@linkcode DURATION_PATTERN} (checked beforehand).
 *
 * @example
 * ```ts
 * import { durationMs } from "@ferry/ftp/runner";
 *
 * durationMs("2m"); // 120000
 * durationMs(250); // 250
 * ```
 */
export function durationMs(value: number | string): number {
  if (typeof value === "number") return value;
  const unit = DURATION_PATTERN.exec(value)![2];
  return Math.round(parseFloat(value) * UNITS[unit]);
}
