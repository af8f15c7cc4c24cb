/**
 * LIST output of any format ferry reads (Unix `ls -l`, DOS/IIS, EPLF), with
 * the format detected from the lines themselves.
 *
 * @module
 */

import type { FileInfo } from "./file_info.ts";
import { stripLineEnd } from "./_common.ts";
import { parseDosLine } from "./parse_dos.ts";
import { parseEplfLine } from "./parse_eplf.ts";
import { parseUnixLine, type UnixLineOptions } from "./parse_unix.ts";

/**
 * A LIST format {@linkcode ListParser} can detect.
 *
 * @example
 * ```ts
 * import { type ListFormat, ListParser } from "@ferry/ftp/listing";
 *
 * const parser = new ListParser();
 * parser.parseLine("+i8388621.48594,m825718503,r,s280,\tdjb.html");
 * const format: ListFormat | undefined = parser.format;
 * console.log(format); // "eplf"
 * ```
 */
export type ListFormat = "unix" | "dos" | "eplf";

/**
 * Options for {@linkcode ListParser} and {@linkcode parseList}.
 *
 * @example
 * ```ts
 * import { type ListParserOptions, parseList } from "@ferry/ftp/listing";
 *
 * const options: ListParserOptions = { now: new Date("2027-01-02T08:00:00Z") };
 * const [entry] = parseList("-rw-r--r-- 1 ftp ftp 5 Dec 31 23:00 x\r\n", options);
 * console.log(entry.modified?.getUTCFullYear()); // 2026
 * ```
 */
export interface ListParserOptions {
  /**
   * When the listing was made, to place Unix dates listed without a year
   * (see {@linkcode parseUnixLine}).
   *
   * @default {new Date()} (taken once, when the parser is made)
   */
  now?: Date;
}

/**
 * Parses LIST output line by line, for streaming: each call costs time in
 * proportion to the line and the parser keeps no lines.
 *
 * Detection: every format starts its lines differently. A Unix line starts
 * with its file-type letter (`-`, `d`, `l`, ...), a DOS line with the digits
 * of its date, an EPLF line with `+`. So each line goes to the one parser
 * its first character names; no parser is tried on another's line, and a
 * Unix line can never be read as DOS, whatever its name looks like. The
 * first line that parses fixes the listing's format (see `format`): after
 * that every line is read in that format only, and one that does not fit it
 * becomes an unknown entry rather than being guessed at.
 *
 * Blank lines, `total N` lines and the entries `.` and `..` give
 * `undefined`; a line no parser understands gives
 * `{ name: "", type: "unknown", raw }` (see the per-format parsers).
 *
 * @example
 * ```ts
 * import { ListParser } from "@ferry/ftp/listing";
 *
 * const parser = new ListParser({ now: new Date("2026-11-22T01:27:00Z") });
 * for (
 *   const line of [
 *     "total 8",
 *     "-rw-r--r--   1 ftp ftp   12345 Nov 20 14:05 target.txt",
 *     "drwxr-xr-x   2 ftp ftp    4096 Mar 15  2019 old dir",
 *   ]
 * ) {
 *   const entry = parser.parseLine(line);
 *   if (entry) console.log(entry.type, JSON.stringify(entry.name));
 * }
 * // file "target.txt"
 * // directory "old dir"
 * console.log(parser.format); // "unix"
 * ```
 */
export class ListParser {
  #unixOptions: UnixLineOptions;
  #format: ListFormat | undefined;

  /**
   * Creates a parser for one listing.
   *
   * @param options When the listing was made.
   */
  constructor(options?: ListParserOptions) {
    this.#unixOptions = { now: options?.now ?? new Date() };
  }

  /**
   * The format the listing has shown, or `undefined` before its first entry.
   *
   * @example
   * ```ts
   * import { ListParser } from "@ferry/ftp/listing";
   *
   * const parser = new ListParser();
   * parser.parseLine("10-19-20  03:19PM       <DIR>          pub");
   * console.log(parser.format); // "dos"
   * ```
   */
  get format(): ListFormat | undefined {
    return this.#format;
  }

  /**
   * Parses the next line of the listing.
   *
   * @param line One line; one line terminator (CRLF, LF or CR) at its end is
   * ignored.
   * @returns The entry, or `undefined` for a line that is no entry.
   *
   * @example
   * ```ts
   * import { ListParser } from "@ferry/ftp/listing";
   *
   * const parser = new ListParser({ now: new Date("2026-11-22T01:27:00Z") });
   * console.log(parser.parseLine("total 8")); // undefined
   * console.log(parser.parseLine("-rw-r--r-- 1 ftp ftp 5 Nov 20 14:05 a b")?.name); // "a b"
   * ```
   */
  parseLine(line: string): FileInfo | undefined {
    const raw = stripLineEnd(line);
    if (raw.length === 0) return undefined;
    switch (this.#format) {
      case "unix":
        return parseUnixLine(raw, this.#unixOptions);
      case "dos":
        return parseDosLine(raw);
      case "eplf":
        return parseEplfLine(raw);
    }
    const first = raw.charCodeAt(0);
    let format: ListFormat;
    let entry: FileInfo | undefined;
    if (first >= 0x30 && first <= 0x39) {
      format = "dos";
      entry = parseDosLine(raw);
    } else if (first === 0x2b) {
      format = "eplf";
      entry = parseEplfLine(raw);
    } else {
      format = "unix";
      entry = parseUnixLine(raw, this.#unixOptions);
    }
    // Only a line that really parsed proves the format.
    if (entry !== undefined && (entry.name !== "" || entry.type !== "unknown")) {
      this.#format = format;
    }
    return entry;
  }
}

/**
 * Parses a whole LIST reply. Lines are split on CRLF or LF (a CR anywhere
 * but before the LF stays in its line, where it belongs to a name); blank
 * lines are skipped.
 *
 * @param text The listing, already decoded.
 * @param options When the listing was made.
 * @returns The entries, in listing order, unknown entries included.
 *
 * @example
 * ```ts
 * import { parseList } from "@ferry/ftp/listing";
 *
 * const entries = parseList(
 *   "10-19-20  03:19PM       <DIR>          pub\r\n" +
 *     "04-08-14  03:09PM                  403 readme.txt\r\n",
 * );
 * console.log(entries.map((e) => `${e.type} ${e.name}`)); // ["directory pub", "file readme.txt"]
 * ```
 */
export function parseList(text: string, options?: ListParserOptions): FileInfo[] {
  const parser = new ListParser(options);
  const entries: FileInfo[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    // parseLine drops the CR of a CRLF; blank lines come back undefined.
    const entry = parser.parseLine(text.slice(start, end));
    start = end + 1;
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}
