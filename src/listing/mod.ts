/**
 * Directory listings without I/O: one pure parser per format (MLSD/MLST
 * facts, Unix `ls -l`, DOS/IIS, EPLF) and {@linkcode parseList}, which
 * detects the format of a `LIST` line by line. `FtpClient.list()` uses
 * them; this entry point is for listings from elsewhere (a capture, a log,
 * another client).
 *
 * @example Parse a Unix listing
 * ```ts
 * import { parseList } from "@ferry/ftp/listing";
 *
 * const entries = parseList(
 *   "-rw-r--r--   1 ftp ftp  1024 Jan 02  2024 readme.txt\r\n",
 * );
 * console.log(entries[0].name, entries[0].size); // readme.txt 1024
 * ```
 *
 * @module
 */

export * from "./file_info.ts";
export * from "./parse_list.ts";
export * from "./parse_mlsd.ts";
export * from "./parse_unix.ts";
export * from "./parse_dos.ts";
export * from "./parse_eplf.ts";
