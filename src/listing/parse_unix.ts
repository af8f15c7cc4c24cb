/**
 * Unix `ls -l` style LIST lines, the format most FTP servers send:
 *
 * ```text
 * -rw-r--r--   1 owner group     12345 Nov 20 14:05 name
 * lrwxrwxrwx   1 owner group        10 Nov 21 09:30 link -> target
 * drwxr-xr-x   2 owner group      4096 Mar 15  2019 directory
 * ```
 *
 * @module
 */

import type { FileInfo, FileType } from "./file_info.ts";
import {
  type DateFields,
  readIsoDate,
  readMode,
  readMonth,
  readSize,
  readTimeOrYear,
  utf8Length,
} from "./_unix_fields.ts";
import {
  isRealDay,
  nameVerdict,
  readDecimal,
  stripLineEnd,
  unknownEntry,
  utcDate,
} from "./_common.ts";

/**
 * Options for {@linkcode parseUnixLine}.
 *
 * @example
 * ```ts
 * import { parseUnixLine, type UnixLineOptions } from "@ferry/ftp/listing";
 *
 * const options: UnixLineOptions = { now: new Date("2027-01-02T08:00:00Z") };
 * const entry = parseUnixLine("-rw-r--r-- 1 ftp ftp 5 Dec 31 23:00 x", options);
 * console.log(entry?.modified?.toISOString()); // "2026-12-31T23:00:00.000Z"
 * ```
 */
export interface UnixLineOptions {
  /**
   * When the listing was made, by the server's clock if known. Dates listed
   * without a year (`Nov 20 14:05`) are placed in the year that puts them at
   * most a day after this instant.
   *
   * @default {new Date()}
   */
  now?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A size field is preceded by at most links, owner, group (maybe two words) and a device major. */
const MAX_TOKENS_BEFORE_SIZE = 6;
/** Tokens scanned before giving up: the size and date must come early. */
const MAX_TOKENS = MAX_TOKENS_BEFORE_SIZE + 4;
const TOTAL_LINE = /^total\s+\d[\d.,]*\s*[KMGTPkmgtp]?\s*$/i;

// Reused token boundaries: parsing is synchronous, so one set suffices and
// no line allocates arrays.
const starts = new Int32Array(MAX_TOKENS);
const ends = new Int32Array(MAX_TOKENS);

/**
 * Parses one Unix-style LIST line.
 *
 * Understands file types `- d l b c p s` (and Solaris doors `D`; all but
 * `-`, `d` and `l` read as type `unknown` with their name kept), set-id and
 * sticky bits (`s S t T`, and `l`/`L` for set-gid on systems that print
 * mandatory locking so), a mode with its last character missing, an ACL or
 * extended-attribute mark (`+`, `@`, `.`) after the mode, listings with no
 * group or no link-count column, owners and groups as names or numbers,
 * device files (`major, minor` where the size would be), and dates as
 * `Nov 20 14:05`, `Mar 15  2019`, `20 Nov 14:05` or `2019-03-15 12:34`
 * (month names in any case). The name starts one character after the
 * date/time column and keeps every space. Only for symlinks is
 * `name -> target` split; when the name or the target itself holds ` -> `,
 * the split whose target is as long as the listed link size wins.
 *
 * Times are the server's local wall-clock fields stored as if UTC
 * (`modifiedIsUtc: false`). A date without a year is in the year that puts
 * it no more than a day after `now` (so on Jan 2, `Dec 31 23:00` is last
 * year). A date that names no real day (`Feb 30`) leaves `modified` unset.
 *
 * @param line One LIST line; one line terminator at its end is ignored.
 * @param options When the listing was made.
 * @returns The entry; `{ name: "", type: "unknown", raw }` for a line that
 * does not parse or whose name is empty or contains `/` or NUL; `undefined`
 * for `total N` lines, blank lines and the entries `.` and `..`.
 *
 * @example
 * ```ts
 * import { parseUnixLine } from "@ferry/ftp/listing";
 *
 * const now = new Date("2026-11-22T01:27:00Z");
 * const entry = parseUnixLine(
 *   "lrwxrwxrwx   1 ferrylist ferrylist       10 Nov 21 09:30 link-to-target -> target.txt",
 *   { now },
 * );
 * console.log(entry?.type, entry?.name, entry?.target); // "symlink" "link-to-target" "target.txt"
 * console.log(entry?.modified?.toISOString()); // "2026-11-21T09:30:00.000Z"
 * console.log(parseUnixLine("total 48")); // undefined
 * ```
 */
export function parseUnixLine(line: string, options?: UnixLineOptions): FileInfo | undefined {
  const raw = stripLineEnd(line);
  const length = raw.length;
  if (length === 0) return undefined;

  const type = fileTypeOf(raw.charCodeAt(0));
  if (type === undefined) {
    if ((raw.charCodeAt(0) | 0x20) === 0x74 && TOTAL_LINE.test(raw)) return undefined;
    return raw.trim() === "" ? undefined : unknownEntry(raw);
  }
  const permissions = readMode(raw);
  if (permissions < 0) return unknownEntry(raw);
  // Nine mode characters, or eight when the server drops the last one.
  let pos = raw.charCodeAt(9) === 0x20 ? 9 : 10;
  const mark = raw.charCodeAt(pos);
  if (mark === 0x2b || mark === 0x40 || mark === 0x2e) pos++;
  if (!isBlank(raw.charCodeAt(pos))) return unknownEntry(raw);

  // Tokens up to the date; the date is recognised as soon as its last token
  // is read, so the name (which may look like anything) is never scanned.
  let count = 0;
  let date: DateFields | undefined;
  let sizeIndex = -1;
  while (count < MAX_TOKENS) {
    while (pos < length && isBlank(raw.charCodeAt(pos))) pos++;
    if (pos >= length) break;
    starts[count] = pos;
    while (pos < length && !isBlank(raw.charCodeAt(pos))) pos++;
    ends[count] = pos;
    count++;
    if (count >= 3) {
      const found = dateEndingAt(raw, count - 1);
      if (found !== undefined) {
        date = found.date;
        sizeIndex = found.sizeIndex;
        break;
      }
    }
  }
  if (date === undefined) return unknownEntry(raw);

  // The size; block and character devices list `major, minor` (one token
  // or two) there instead, or a plain number on servers that hide them.
  let size: number | undefined;
  let ownerTokens = sizeIndex;
  const sizeStart = starts[sizeIndex];
  const sizeEnd = ends[sizeIndex];
  const typeChar = raw.charCodeAt(0);
  if (typeChar === 0x62 || typeChar === 0x63) {
    if (sizeIndex > 0 && raw.charCodeAt(ends[sizeIndex - 1] - 1) === 0x2c) {
      ownerTokens = sizeIndex - 1;
    } else {
      size = readDecimal(raw, sizeStart, sizeEnd);
    }
  } else {
    size = readSize(raw, sizeStart, sizeEnd);
  }

  const nameStart = ends[count - 1] + 1;
  let name = nameStart < length ? raw.slice(nameStart) : "";
  let target: string | undefined;
  if (type === "symlink") {
    const split = splitLink(name, size);
    if (split !== undefined) {
      name = split[0];
      if (split[1] !== "") target = split[1];
    }
  }
  const verdict = nameVerdict(name);
  if (verdict === "dot") return undefined;
  if (verdict === "bad") return unknownEntry(raw);

  const entry: FileInfo = { name, type, raw };
  if (size !== undefined) entry.size = size;
  const modified = resolveDate(date, options?.now);
  if (modified !== undefined) {
    entry.modified = modified;
    entry.modifiedPrecision = date.precision;
    entry.modifiedIsUtc = false;
  }
  entry.permissions = permissions;
  assignOwnerGroup(entry, raw, ownerTokens);
  if (target !== undefined) entry.target = target;
  return entry;
}

function fileTypeOf(code: number): FileType | undefined {
  switch (code) {
    case 0x2d: // -
      return "file";
    case 0x64: // d
      return "directory";
    case 0x6c: // l
      return "symlink";
    case 0x62: // b
    case 0x63: // c
    case 0x70: // p
    case 0x73: // s
    case 0x44: // D
      return "unknown";
  }
  return undefined;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Whether the tokens ending at `last` are a date preceded by a size token,
 * in one of the three layouts. The first match while reading left to right
 * wins, so a date-like name after the real date cannot be taken for it.
 */
function dateEndingAt(
  raw: string,
  last: number,
): { date: DateFields; sizeIndex: number } | undefined {
  const time = readTimeOrYear(raw, starts[last], ends[last]);
  if (time === undefined) return undefined;
  // `2019-03-15 12:34`
  if (time.precision !== "day" && last >= 2) {
    const iso = readIsoDate(raw, starts[last - 1], ends[last - 1]);
    if (iso !== undefined && last - 2 <= MAX_TOKENS_BEFORE_SIZE && isSizeToken(raw, last - 2)) {
      time.year = iso[0];
      time.month = iso[1];
      time.day = iso[2];
      return { date: time, sizeIndex: last - 2 };
    }
  }
  if (last < 3 || last - 3 > MAX_TOKENS_BEFORE_SIZE || !isSizeToken(raw, last - 3)) {
    return undefined;
  }
  const a = last - 2;
  const b = last - 1;
  let month = readMonth(raw, starts[a], ends[a]);
  let day = readDecimal(raw, starts[b], ends[b]);
  if (month === 0 || ends[b] - starts[b] > 2) {
    // `20 Nov 14:05`
    month = readMonth(raw, starts[b], ends[b]);
    day = ends[a] - starts[a] > 2 ? undefined : readDecimal(raw, starts[a], ends[a]);
  }
  if (month === 0 || day === undefined || day < 1 || day > 31) return undefined;
  time.month = month;
  time.day = day;
  return { date: time, sizeIndex: last - 3 };
}

/**
 * Digits, possibly with commas: a size (some servers group thousands), a
 * device's `major,minor`, or the minor after a `major,` token. A token
 * ending in a comma is that `major,`, never the size.
 */
function isSizeToken(raw: string, index: number): boolean {
  const start = starts[index];
  const end = ends[index];
  for (let i = start; i < end; i++) {
    const code = raw.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) continue;
    if (code !== 0x2c || i === start || i === end - 1) return false;
  }
  return end > start;
}

function resolveDate(date: DateFields, now: Date | undefined): Date | undefined {
  let year = date.year;
  if (date.precision !== "day" && year === 0) {
    const nowDate = now ?? new Date();
    const nowMs = nowDate.getTime();
    if (Number.isNaN(nowMs)) return undefined;
    year = nowDate.getUTCFullYear();
    // Listed without a year means recent; a day's slack covers servers whose
    // clock or time zone runs ahead of ours.
    const candidate = Date.UTC(year, date.month - 1, date.day, date.hour, date.minute);
    if (candidate > nowMs + DAY_MS) year--;
  }
  if (!isRealDay(year, date.month, date.day)) return undefined;
  return utcDate(year, date.month, date.day, date.hour, date.minute, date.second);
}

/**
 * Splits `name -> target`. With several arrows, `ls` gives the target's
 * length in bytes as the link's size, which picks the right one.
 */
function splitLink(text: string, size: number | undefined): [string, string] | undefined {
  const first = text.indexOf(" -> ");
  if (first === -1) return undefined;
  if (size !== undefined) {
    for (let at = first, guard = 0; at !== -1 && guard < text.length; guard++) {
      if (utf8Length(text, at + 4) === size) return [text.slice(0, at), text.slice(at + 4)];
      at = text.indexOf(" -> ", at + 1);
    }
  }
  return [text.slice(0, first), text.slice(first + 4)];
}

/**
 * Owner and group from the tokens before the size: `links owner group`,
 * `links owner` (servers without a group column), `owner group` (without
 * links), or a group of several words.
 */
function assignOwnerGroup(entry: FileInfo, raw: string, count: number): void {
  if (count === 0) return;
  const isLinks = readDecimal(raw, starts[0], ends[0]) !== undefined;
  if (count === 1) {
    if (!isLinks) entry.owner = raw.slice(starts[0], ends[0]);
    return;
  }
  if (count === 2) {
    if (isLinks) {
      entry.owner = raw.slice(starts[1], ends[1]);
    } else {
      entry.owner = raw.slice(starts[0], ends[0]);
      entry.group = raw.slice(starts[1], ends[1]);
    }
    return;
  }
  const first = isLinks ? 1 : 0;
  entry.owner = raw.slice(starts[first], ends[first]);
  entry.group = raw.slice(starts[first + 1], ends[count - 1]);
}
