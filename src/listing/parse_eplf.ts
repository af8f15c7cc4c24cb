/**
 * EPLF, the Easily Parsed LIST Format (D. J. Bernstein): a `+`, facts
 * separated by commas, a tab, then the name.
 *
 * ```text
 * +i8388621.48594,m825718503,r,s280,\tdjb.html
 * +i8388621.50690,m824255907,/,\t514
 * ```
 *
 * @module
 */

import type { FileInfo, FileType } from "./file_info.ts";
import { nameVerdict, readDecimal, readOctalMode, stripLineEnd, unknownEntry } from "./_common.ts";

/**
 * Parses one EPLF line. Facts read: `r` (a file: it can be retrieved), `/`
 * (a directory: it can be entered), `s<size>`, `m<seconds since 1970, UTC>`
 * and `up<octal mode>`. Unknown facts are skipped, as the format asks. An
 * entry with neither `r` nor `/` has type `unknown` and keeps its name.
 *
 * @param line One EPLF line; one line terminator at its end is ignored.
 * @returns The entry; `{ name: "", type: "unknown", raw }` for a line that
 * is not EPLF or whose name is empty or contains `/` or NUL; `undefined` for
 * blank lines and the names `.` and `..`.
 *
 * @example
 * ```ts
 * import { parseEplfLine } from "@ferry/ftp/listing";
 *
 * const entry = parseEplfLine("+i8388621.48594,m825718503,r,s280,\tdjb.html");
 * console.log(entry?.name, entry?.type, entry?.size); // "djb.html" "file" 280
 * console.log(entry?.modified?.toISOString()); // "1996-03-01T22:15:03.000Z"
 * ```
 */
export function parseEplfLine(line: string): FileInfo | undefined {
  const raw = stripLineEnd(line);
  if (raw.charCodeAt(0) !== 0x2b) return raw.trim() === "" ? undefined : unknownEntry(raw);
  const tab = raw.indexOf("\t");
  if (tab === -1) return unknownEntry(raw);
  const name = raw.slice(tab + 1);
  const verdict = nameVerdict(name);
  if (verdict === "dot") return undefined;
  if (verdict === "bad") return unknownEntry(raw);

  let file = false;
  let directory = false;
  let size: number | undefined;
  let seconds: number | undefined;
  let permissions: number | undefined;
  let start = 1;
  while (start < tab) {
    let end = raw.indexOf(",", start);
    if (end === -1 || end > tab) end = tab;
    switch (raw.charCodeAt(start)) {
      case 0x72: // r
        file = true;
        break;
      case 0x2f: // /
        directory = true;
        break;
      case 0x73: // s
        size = readDecimal(raw, start + 1, end);
        break;
      case 0x6d: // m
        seconds = readDecimal(raw, start + 1, end);
        break;
      case 0x75: // u
        if (raw.charCodeAt(start + 1) === 0x70) permissions = readOctalMode(raw, start + 2, end);
        break;
    }
    start = end + 1;
  }

  const type: FileType = directory ? "directory" : file ? "file" : "unknown";
  const entry: FileInfo = { name, type, raw };
  if (size !== undefined) entry.size = size;
  // Beyond ±8.64e15 ms a Date is invalid; such a time is garbage anyway.
  if (seconds !== undefined && seconds <= 8.64e12) {
    entry.modified = new Date(seconds * 1000);
    entry.modifiedPrecision = "second";
    entry.modifiedIsUtc = true;
  }
  if (permissions !== undefined) entry.permissions = permissions;
  return entry;
}
