/**
 * Internal helpers shared by the listing parsers. Not exported from the
 * package.
 *
 * @module
 */

import type { FileInfo } from "./file_info.ts";

/**
 * The entry for a line no parser understood: kept (a dropped line could be a
 * dropped file) but with no name, so nothing acts on it by mistake.
 *
 * @param raw The line as received.
 * @returns `{ name: "", type: "unknown", raw }`.
 *
 * @example
 * ```ts
 * import { unknownEntry } from "./_common.ts";
 * console.log(unknownEntry("???")); // { name: "", type: "unknown", raw: "???" }
 * ```
 */
export function unknownEntry(raw: string): FileInfo {
  return { name: "", type: "unknown", raw };
}

/**
 * Removes one line terminator (CRLF, LF or CR) from the end of a line, so a
 * caller that split a CRLF listing on LF alone does not get a CR glued to
 * every name. Only one is removed: an inner CR belongs to the name.
 *
 * @param line A listing line, with or without its terminator.
 * @returns The line without it.
 *
 * @example
 * ```ts
 * import { stripLineEnd } from "./_common.ts";
 * console.log(JSON.stringify(stripLineEnd("a b\r\n"))); // "a b"
 * ```
 */
export function stripLineEnd(line: string): string {
  const last = line.charCodeAt(line.length - 1);
  if (last === 0x0a) {
    return line.charCodeAt(line.length - 2) === 0x0d ? line.slice(0, -2) : line.slice(0, -1);
  }
  return last === 0x0d ? line.slice(0, -1) : line;
}

/**
 * What a parser may do with a name it read:
 * - `"ok"`: return it.
 * - `"dot"`: `.` or `..`, the directory itself or its parent: not an entry.
 * - `"bad"`: empty, or contains `/` or NUL: a hostile or broken server; the
 *   line is returned as an unknown entry without a name.
 *
 * @example
 * ```ts
 * import { nameVerdict, type NameVerdict } from "./_common.ts";
 * const verdict: NameVerdict = nameVerdict("a/b"); // "bad"
 * ```
 */
export type NameVerdict = "ok" | "dot" | "bad";

/**
 * Judges a name read from a listing (see {@linkcode NameVerdict}).
 * Backslashes and CR pass: they are legal on Unix servers, and the recursive
 * walker refuses them itself where they matter.
 *
 * @param name The name as parsed.
 * @returns The verdict.
 *
 * @example
 * ```ts
 * import { nameVerdict } from "./_common.ts";
 * console.log(nameVerdict("a.txt"), nameVerdict(".."), nameVerdict("../x")); // ok dot bad
 * ```
 */
export function nameVerdict(name: string): NameVerdict {
  if (name === "") return "bad";
  if (name === "." || name === "..") return "dot";
  if (name.indexOf("/") !== -1 || name.indexOf("\0") !== -1) return "bad";
  return "ok";
}

/**
 * Reads `text.slice(start, end)` as a non-negative decimal integer, without
 * allocating. A size beyond 2^53 cannot be held exactly, so it is refused
 * rather than rounded.
 *
 * @param text The text.
 * @param start First index, inclusive.
 * @param end Last index, exclusive.
 * @returns The number, or `undefined` if the range is empty, holds anything
 * but ASCII digits, or is too large.
 *
 * @example
 * ```ts
 * import { readDecimal } from "./_common.ts";
 * console.log(readDecimal("size=123;", 5, 8)); // 123
 * ```
 */
export function readDecimal(text: string, start: number, end: number): number | undefined {
  const value = readDigits(text, start, end, 10, 16);
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Reads `text.slice(start, end)` as an octal Unix mode (`644`, `0644`,
 * `04755`), keeping the permission, set-id and sticky bits.
 *
 * @param text The text.
 * @param start First index, inclusive.
 * @param end Last index, exclusive.
 * @returns The bits, or `undefined` unless the range is 1-7 octal digits.
 *
 * @example
 * ```ts
 * import { readOctalMode } from "./_common.ts";
 * console.log(readOctalMode("04755", 0, 5) === 0o4755); // true
 * ```
 */
export function readOctalMode(text: string, start: number, end: number): number | undefined {
  const value = readDigits(text, start, end, 8, 7);
  return value === undefined ? undefined : value & 0o7777;
}

/**
 * The value of `text.slice(start, end)` as digits of `radix` (at most 10),
 * without slicing or a regular expression: `undefined` unless the range
 * holds 1 to `maxDigits` digits and nothing else.
 */
function readDigits(
  text: string,
  start: number,
  end: number,
  radix: number,
  maxDigits: number,
): number | undefined {
  if (end <= start || end - start > maxDigits) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit >= radix) return undefined;
    value = value * radix + digit;
  }
  return value;
}

/**
 * Whether a year, month (1-12) and day name a real calendar day, so that
 * `Date.UTC` does not silently roll `Feb 30` into March.
 *
 * @param year Full year.
 * @param month Month, 1-12.
 * @param day Day of the month.
 * @returns `true` for a real day.
 *
 * @example
 * ```ts
 * import { isRealDay } from "./_common.ts";
 * console.log(isRealDay(2024, 2, 29), isRealDay(2025, 2, 29)); // true false
 * ```
 */
export function isRealDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (day <= 28) return true;
  // Day 0 of the next month is the last day of this one.
  return day <= new Date(Date.UTC(2000 + (year % 400), month, 0)).getUTCDate();
}

/**
 * A UTC date from calendar fields, with years 0-99 kept as such (`Date.UTC`
 * would read them as 1900-1999).
 *
 * @param year Full year.
 * @param month Month, 1-12.
 * @param day Day.
 * @param hour Hour.
 * @param minute Minute.
 * @param second Second.
 * @returns The date.
 *
 * @example
 * ```ts
 * import { utcDate } from "./_common.ts";
 * console.log(utcDate(2026, 1, 2, 3, 4, 5).toISOString()); // "2026-01-02T03:04:05.000Z"
 * ```
 */
export function utcDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (year < 100) date.setUTCFullYear(year);
  return date;
}
