/**
 * Field readers for the Unix LIST parser: mode, size, time and month
 * columns, each read in place from the line without allocating. Internal.
 *
 * @module
 */

import type { TimePrecision } from "./file_info.ts";
import { readDecimal } from "./_common.ts";

/**
 * Permission bits from mode characters 1-9 (`rwsr-xr-t` and the like;
 * `S`/`T` for set-id or sticky without execute, `l`/`L` for set-gid where
 * systems print mandatory locking so). A missing ninth character (a space
 * there) counts as `-`.
 *
 * @param raw The line; the mode starts at index 1, after the type letter.
 * @returns The bits, or -1 if those characters are not a mode.
 *
 * @example
 * ```ts
 * import { readMode } from "./_unix_fields.ts";
 * console.log(readMode("-rwsr-xr-x 1 ...") === 0o4755); // true
 * ```
 */
export function readMode(raw: string): number {
  let bits = 0;
  for (let who = 0; who < 3; who++) {
    const base = 1 + who * 3;
    const shift = (2 - who) * 3;
    const r = raw.charCodeAt(base);
    const w = raw.charCodeAt(base + 1);
    const x = raw.charCodeAt(base + 2);
    if (r === 0x72) bits |= 4 << shift;
    else if (r !== 0x2d) return -1;
    if (w === 0x77) bits |= 2 << shift;
    else if (w !== 0x2d) return -1;
    const special = who === 0 ? 0o4000 : who === 1 ? 0o2000 : 0o1000;
    const lowerSpecial = who === 2 ? 0x74 : 0x73; // t or s
    if (x === 0x78) bits |= 1 << shift;
    else if (x === lowerSpecial) bits |= (1 << shift) | special;
    else if (x === lowerSpecial - 0x20) bits |= special; // T or S
    else if (who === 1 && (x === 0x6c || x === 0x4c)) bits |= special; // l, L
    else if (x === 0x2d) { /* not executable */ }
    else if (who === 2 && x === 0x20) { /* last character missing */ }
    else return -1;
  }
  return bits;
}

/**
 * A LIST date as read, before any year is inferred.
 *
 * @example
 * ```ts
 * import { type DateFields, readTimeOrYear } from "./_unix_fields.ts";
 * const fields: DateFields | undefined = readTimeOrYear("14:05", 0, 5);
 * ```
 */
export interface DateFields {
  /** Full year, or 0 when the listing gave none. */
  year: number;
  /** Month, 1-12 (0 until the month column is read). */
  month: number;
  /** Day of the month (0 until read). */
  day: number;
  /** Hour, 0-23. */
  hour: number;
  /** Minute. */
  minute: number;
  /** Second (0 unless listed). */
  second: number;
  /** `"day"` for a year column, else `"minute"` or `"second"`. */
  precision: TimePrecision;
}

/**
 * A size such as `12345` or `12,345` (some servers group thousands).
 *
 * @param raw The line.
 * @param start First index of the size column.
 * @param end Index after it.
 * @returns The size, or `undefined` for any other use of commas.
 *
 * @example
 * ```ts
 * import { readSize } from "./_unix_fields.ts";
 * console.log(readSize("1,234,567", 0, 9)); // 1234567
 * ```
 */
export function readSize(raw: string, start: number, end: number): number | undefined {
  const comma = raw.indexOf(",", start);
  if (comma === -1 || comma >= end) return readDecimal(raw, start, end);
  if (comma - start > 3) return undefined;
  let digits = raw.slice(start, comma);
  for (let at = comma; at < end; at += 4) {
    if (raw.charCodeAt(at) !== 0x2c || at + 4 > end) return undefined;
    digits += raw.slice(at + 1, at + 4);
  }
  return readDecimal(digits, 0, digits.length);
}

/**
 * The last column of a LIST date: `HH:MM`, `H:MM`, `HH:MM:SS` or `YYYY`.
 *
 * @param raw The line.
 * @param start First index of the column.
 * @param end Index after it.
 * @returns The fields it gives, the others zero; `undefined` if it is none
 * of those.
 *
 * @example
 * ```ts
 * import { readTimeOrYear } from "./_unix_fields.ts";
 * console.log(readTimeOrYear("14:05", 0, 5)?.hour); // 14
 * console.log(readTimeOrYear("2019", 0, 4)?.precision); // "day"
 * ```
 */
export function readTimeOrYear(raw: string, start: number, end: number): DateFields | undefined {
  const length = end - start;
  if (length === 4) {
    const year = readDecimal(raw, start, end);
    if (year !== undefined) {
      return { year, month: 0, day: 0, hour: 0, minute: 0, second: 0, precision: "day" };
    }
  }
  if (length < 4 || length > 8 || length === 6) return undefined;
  const colon = raw.charCodeAt(start + 1) === 0x3a ? start + 1 : start + 2;
  if (raw.charCodeAt(colon) !== 0x3a || colon + 3 > end) return undefined;
  const hour = readDecimal(raw, start, colon);
  const minute = readDecimal(raw, colon + 1, colon + 3);
  if (hour === undefined || minute === undefined || hour > 23 || minute > 59) return undefined;
  let second = 0;
  let precision: TimePrecision = "minute";
  if (colon + 3 !== end) {
    if (raw.charCodeAt(colon + 3) !== 0x3a || colon + 6 !== end) return undefined;
    const s = readDecimal(raw, colon + 4, end);
    if (s === undefined || s > 59) return undefined;
    second = s;
    precision = "second";
  }
  return { year: 0, month: 0, day: 0, hour, minute, second, precision };
}

/**
 * A `YYYY-MM-DD` column (`ls --time-style=long-iso`).
 *
 * @param raw The line.
 * @param start First index of the column.
 * @param end Index after it.
 * @returns `[year, month, day]`, or `undefined`.
 *
 * @example
 * ```ts
 * import { readIsoDate } from "./_unix_fields.ts";
 * console.log(readIsoDate("2019-03-15", 0, 10)); // [2019, 3, 15]
 * ```
 */
export function readIsoDate(
  raw: string,
  start: number,
  end: number,
): [number, number, number] | undefined {
  if (end - start !== 10) return undefined;
  if (raw.charCodeAt(start + 4) !== 0x2d || raw.charCodeAt(start + 7) !== 0x2d) return undefined;
  const year = readDecimal(raw, start, start + 4);
  const month = readDecimal(raw, start + 5, start + 7);
  const day = readDecimal(raw, start + 8, end);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  return [year, month, day];
}

const MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

/**
 * An English three-letter month name, in any case.
 *
 * @param raw The line.
 * @param start First index of the column.
 * @param end Index after it.
 * @returns 1-12, or 0 for anything else.
 *
 * @example
 * ```ts
 * import { readMonth } from "./_unix_fields.ts";
 * console.log(readMonth("NOV", 0, 3)); // 11
 * ```
 */
export function readMonth(raw: string, start: number, end: number): number {
  if (end - start !== 3) return 0;
  const a = raw.charCodeAt(start) | 0x20;
  const b = raw.charCodeAt(start + 1) | 0x20;
  const c = raw.charCodeAt(start + 2) | 0x20;
  for (let i = 0; i < 36; i += 3) {
    if (
      MONTHS.charCodeAt(i) === a && MONTHS.charCodeAt(i + 1) === b &&
      MONTHS.charCodeAt(i + 2) === c
    ) return i / 3 + 1;
  }
  return 0;
}

/**
 * How many bytes `text.slice(from)` takes in UTF-8, without encoding it:
 * `ls` lists a symlink's size as its target's length in bytes.
 *
 * @param text The text.
 * @param from Where to start counting.
 * @returns The byte count.
 *
 * @example
 * ```ts
 * import { utf8Length } from "./_unix_fields.ts";
 * console.log(utf8Length("x -> Grüße", 5)); // 7
 * ```
 */
export function utf8Length(text: string, from: number): number {
  let bytes = 0;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
