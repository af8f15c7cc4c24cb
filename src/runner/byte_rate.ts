/**
 * Rates as task files and the CLI write them ("2M", "2MiB", "500K",
 * "1.5MB/s", 2097152), in a module of their own so that the CLI can check a
 * flag without loading the schema (zod). K, M and G (and KiB, MiB, GiB) are
 * powers of 1024, as curl, lftp and rclone read them; kB, MB and GB powers
 * of 1000.
 *
 * @module
 */

/**
 * A rate in bytes per second: a number with an optional unit and `/s`.
 * The look-ahead refuses zero ("0", "0.0M") in the pattern itself, so the
 * published schema refuses it too.
 *
 * @example
 * ```ts
 * import { RATE_PATTERN } from "@ferry/ftp/runner";
 *
 * RATE_PATTERN.test("2MiB/s"); // true
 * RATE_PATTERN.test("0"); // false
 * ```
 */
export const RATE_PATTERN =
  /^(?=[\d.]*[1-9])(\d+(?:\.\d+)?)\s*([kKmMgG]|[KMG]iB|[kKMG]B|B)?(?:\/s)?$/;

const UNITS: Record<string, number> = {
  "": 1,
  B: 1,
  k: 1024,
  K: 1024,
  KiB: 1024,
  m: 1024 ** 2,
  M: 1024 ** 2,
  MiB: 1024 ** 2,
  g: 1024 ** 3,
  G: 1024 ** 3,
  GiB: 1024 ** 3,
  kB: 1000,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
};

/**
 * What a rate limit must look like, for error messages.
 *
 * @example
 * ```ts
 * import { RATE_EXPECTED } from "@ferry/ftp/runner";
 *
 * console.log(`connection.rateLimit: expected ${RATE_EXPECTED}`);
 * ```
 */
export const RATE_EXPECTED: string =
  'a rate in bytes per second above 0, such as 2097152, "500K", ' +
  '"2M" or "2MiB" (K, M, G: powers of 1024; kB, MB, GB: powers of 1000)';

/**
 * Bytes per second of a rate, rounded to a whole byte; `undefined` when it
 * is not one (no match, or below 1 byte per second).
 *
 * @example
 * ```ts
 * import { bytesPerSecond } from "@ferry/ftp/runner";
 *
 * bytesPerSecond("2M"); // 2097152
 * bytesPerSecond("1.5MB/s"); // 1500000
 * bytesPerSecond("fast"); // undefined
 * ```
 */
export function bytesPerSecond(value: number | string): number | undefined {
  let rate: number;
  if (typeof value === "number") {
    rate = value;
  } else {
    const match = RATE_PATTERN.exec(value.trim());
    if (!match) return undefined;
    rate = parseFloat(match[1]) * UNITS[match[2] ?? ""];
  }
  rate = Math.round(rate);
  return Number.isSafeInteger(rate) && rate >= 1 ? rate : undefined;
}
