/**
 * RFC 3659 time values (`YYYYMMDDHHMMSS[.sss]`, always UTC), as used by MDTM,
 * MFMT and the MLSD `modify` fact.
 *
 * @module
 */

import { FtpInputError } from "../errors.ts";

/** The value of the decimal digits `text[start, end)`, or -1 if any is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Reads a time value. Returns `undefined` for text that is not one, or that
 * names an impossible date (month 13, second 61 and so on).
 *
 * @param text Text such as `20260102030405` or `20260102030405.250`.
 * @returns The instant as a `Date`, or `undefined`.
 *
 * @example
 * ```ts
 * import { parseTimeVal } from "@ferry/ftp/protocol";
 * console.log(parseTimeVal("20260102030405")?.toISOString()); // "2026-01-02T03:04:05.000Z"
 * ```
 */
export function parseTimeVal(text: string): Date | undefined {
  // Hand-rolled rather than a regex: MLSD parses one of these per entry.
  const value = text.trim();
  if (value.length < 14 || (value.length > 14 && value[14] !== ".")) return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 4, 6);
  const day = digits(value, 6, 8);
  const hour = digits(value, 8, 10);
  const minute = digits(value, 10, 12);
  const second = digits(value, 12, 14);
  const fraction = value.length > 14 ? value.slice(15) : "";
  if (fraction.length > 9 || (value.length > 14 && fraction === "")) return undefined;
  const millis = fraction === "" ? 0 : digits(fraction.padEnd(3, "0"), 0, 3);
  if (digits(fraction, 0, fraction.length) < 0) return undefined;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined;
  // A leap second (60) is allowed by RFC 3659; Date folds it into the next minute.
  if (minute < 0 || minute > 59 || second < 0 || second > 60 || millis < 0) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  if (date.getUTCDate() !== day && second !== 60) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999; set the year explicitly.
  if (year < 100) date.setUTCFullYear(year);
  return date;
}

/**
 * Formats a `Date` as a time value in UTC, to the second (MFMT's form that
 * every server accepts).
 *
 * @param date The instant.
 * @returns Text such as `20260102030405`.
 * @throws {FtpInputError} For an invalid date or one outside years 0-9999.
 *
 * @example
 * ```ts
 * import { formatTimeVal } from "@ferry/ftp/protocol";
 * console.log(formatTimeVal(new Date("2026-01-02T03:04:05Z"))); // "20260102030405"
 * ```
 */
export function formatTimeVal(date: Date): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999) {
    throw new FtpInputError(`${date} cannot be sent as an FTP time value`);
  }
  const two = (n: number) => String(n).padStart(2, "0");
  return String(year).padStart(4, "0") + two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) + two(date.getUTCHours()) +
    two(date.getUTCMinutes()) + two(date.getUTCSeconds());
}
