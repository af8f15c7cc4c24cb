/**
 * DOS-style LIST lines, as sent by Microsoft IIS and other Windows servers:
 *
 * ```text
 * 10-19-20  03:19PM       <DIR>          pub
 * 04-08-14  03:09PM                  403 readme.txt
 * 04-08-2014  15:09                1,234 report.pdf
 * ```
 *
 * @module
 */

import type { FileInfo, FileType } from "./file_info.ts";
import {
  isRealDay,
  nameVerdict,
  readDecimal,
  stripLineEnd,
  unknownEntry,
  utcDate,
} from "./_common.ts";

// Anchored at the line start and free of nested repetition: linear, and a
// Unix line (which starts with its file type letter) can never match.
const DOS_LINE =
  /^(\d{1,2})([-/])(\d{1,2})\2(\d{4}|\d{2})[ \t]+(\d{1,2}):(\d{2})(?::(\d{2}))?[ \t]?([AaPp][Mm])?[ \t]+(?:<([A-Za-z]{3,9})>|(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d+))(?=[ \t])/;

const GROUPING = /[,.]/g;

/** `<DIR>          name`: the tag and its padding fill 15 columns. */
const TAG_COLUMNS = 15;

/**
 * Parses one DOS/IIS-style LIST line: `MM-DD-YY` or `MM-DD-YYYY` (or with
 * `/`), a time as `HH:MMAM`/`HH:MM PM` or 24-hour `HH:MM`, then `<DIR>` or a
 * size (plain, or grouped by `,` or `.` in thousands), then the name.
 * `<JUNCTION>`, `<SYMLINK>` and `<SYMLINKD>` (Windows `dir` style) are
 * symlinks, their `[target]` split off the name.
 *
 * The name starts one character after the size, or after the tag's
 * padding to 15 columns (IIS and `dir` both pad `<DIR>` with ten spaces),
 * so leading spaces of names survive wherever the layout shows them.
 *
 * Two-digit years follow the POSIX `strptime` pivot: `69`-`99` are
 * 1969-1999, `00`-`68` are 2000-2068. Times are the server's wall clock,
 * stored as if UTC (`modifiedIsUtc: false`), to the minute.
 *
 * @param line One LIST line; one line terminator at its end is ignored.
 * @returns The entry; `{ name: "", type: "unknown", raw }` for a line that
 * does not parse, names an impossible date, or whose name is empty or
 * contains `/` or NUL; `undefined` for blank lines and the names `.` and
 * `..`.
 *
 * @example
 * ```ts
 * import { parseDosLine } from "@ferry/ftp/listing";
 *
 * const dir = parseDosLine("10-19-20  03:19PM       <DIR>          pub");
 * console.log(dir?.type, dir?.name, dir?.modified?.toISOString());
 * // "directory" "pub" "2020-10-19T15:19:00.000Z"
 * const file = parseDosLine("04-08-14  03:09PM                  403 readme.txt");
 * console.log(file?.type, file?.size); // "file" 403
 * ```
 */
export function parseDosLine(line: string): FileInfo | undefined {
  const raw = stripLineEnd(line);
  const m = DOS_LINE.exec(raw);
  if (m === null) return raw.trim() === "" ? undefined : unknownEntry(raw);

  const month = Number(m[1]);
  const day = Number(m[3]);
  let year = Number(m[4]);
  if (m[4].length === 2) year += year >= 69 ? 1900 : 2000;
  let hour = Number(m[5]);
  const minute = Number(m[6]);
  const second = m[7] === undefined ? 0 : Number(m[7]);
  if (m[8] !== undefined) {
    if (hour > 12) return unknownEntry(raw);
    const pm = (m[8].charCodeAt(0) | 0x20) === 0x70;
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59 || !isRealDay(year, month, day)) {
    return unknownEntry(raw);
  }

  let type: FileType;
  let size: number | undefined;
  let nameStart: number;
  const fieldEnd = m[0].length;
  if (m[9] !== undefined) {
    const tag = m[9].toUpperCase();
    if (tag === "DIR") type = "directory";
    else if (tag === "JUNCTION" || tag === "SYMLINK" || tag === "SYMLINKD") type = "symlink";
    else return unknownEntry(raw);
    const tagStart = fieldEnd - m[9].length - 2;
    nameStart = fieldEnd;
    while (
      nameStart < raw.length && nameStart < tagStart + TAG_COLUMNS && isBlank(raw, nameStart)
    ) {
      nameStart++;
    }
    // Fewer spaces than the padding: the name starts after them all.
    if (nameStart < tagStart + TAG_COLUMNS) {
      while (nameStart < raw.length && isBlank(raw, nameStart)) nameStart++;
    }
  } else {
    type = "file";
    const digits = m[10].length > 3 ? m[10].replace(GROUPING, "") : m[10];
    size = readDecimal(digits, 0, digits.length);
    nameStart = fieldEnd + 1;
  }

  let name = raw.slice(nameStart);
  let target: string | undefined;
  if (type === "symlink" && name.endsWith("]")) {
    const open = name.lastIndexOf(" [");
    if (open > 0) {
      target = name.slice(open + 2, -1);
      name = name.slice(0, open);
    }
  }
  const verdict = nameVerdict(name);
  if (verdict === "dot") return undefined;
  if (verdict === "bad") return unknownEntry(raw);

  const entry: FileInfo = { name, type, raw };
  if (size !== undefined) entry.size = size;
  entry.modified = utcDate(year, month, day, hour, minute, second);
  entry.modifiedPrecision = m[7] === undefined ? "minute" : "second";
  entry.modifiedIsUtc = false;
  if (target !== undefined && target !== "") entry.target = target;
  return entry;
}

function isBlank(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code === 0x20 || code === 0x09;
}
