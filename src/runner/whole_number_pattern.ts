/**
 * A regular expression source matching exactly the decimal numbers of a
 * range (no sign, no leading zeros), for whole numbers that task files give
 * as strings. JSON Schema cannot compare a string numerically, but it can
 * match a pattern, so the published schema and the run-time check agree.
 *
 * @module
 */

/**
 * `^(?:...)$` matching the numbers from `min` to `max` (whole, `0 <= min <= max`).
 *
 * @example
 * ```ts
 * import { wholeNumberPattern } from "@ferry/ftp/runner";
 *
 * const retries = new RegExp(wholeNumberPattern(0, 100));
 * retries.test("42"); // true
 * retries.test("042"); // false
 * retries.test("101"); // false
 * ```
 */
export function wholeNumberPattern(min: number, max: number): string {
  const parts: string[] = [];
  const longest = String(max).length;
  for (let digits = String(min).length; digits <= longest; digits++) {
    const low = Math.max(min, digits === 1 ? 0 : 10 ** (digits - 1));
    const high = Math.min(max, 10 ** digits - 1);
    if (low <= high) parts.push(...sameLength(String(low), String(high)));
  }
  return `^(?:${parts.join("|")})$`;
}

function digitClass(from: number, to: number): string {
  return from === to ? String(from) : `[${from}-${to}]`;
}

function anyDigits(count: number): string {
  return count === 0 ? "" : count === 1 ? "\\d" : `\\d{${count}}`;
}

/** Alternatives for `low..high`, two digit strings of the same length. */
function sameLength(low: string, high: string): string[] {
  if (low === high) return [low];
  let common = 0;
  while (low[common] === high[common]) common++;
  const prefix = low.slice(0, common);
  const from = Number(low[common]);
  const to = Number(high[common]);
  const rest = low.length - common - 1;
  const lowRest = low.slice(common + 1);
  const highRest = high.slice(common + 1);
  if (/^0*$/.test(lowRest) && /^9*$/.test(highRest)) {
    const head = from === 0 && to === 9
      ? anyDigits(rest + 1)
      : digitClass(from, to) + anyDigits(rest);
    return [prefix + head];
  }
  const out = sameLength(lowRest, "9".repeat(rest)).map((p) => `${prefix}${from}${p}`);
  if (to - from >= 2) out.push(prefix + digitClass(from + 1, to - 1) + anyDigits(rest));
  out.push(...sameLength("0".repeat(rest), highRest).map((p) => `${prefix}${to}${p}`));
  return out;
}
