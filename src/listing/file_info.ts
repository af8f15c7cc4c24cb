/**
 * The one shape every directory listing is parsed into, whatever the source:
 * MLSD/MLST facts, Unix `ls -l`, DOS/IIS or EPLF lines.
 *
 * @module
 */

/**
 * What an entry is. `unknown` covers lines that could not be parsed (their
 * text is kept in `raw`) and types the server did not say.
 *
 * @example
 * ```ts
 * import type { FileInfo, FileType } from "@ferry/ftp";
 *
 * const isFolder = (entry: FileInfo) => (entry.type satisfies FileType) === "directory";
 * ```
 */
export type FileType = "file" | "directory" | "symlink" | "unknown";

/**
 * How much of `modified` the source actually gave.
 *
 * - `"millisecond"` / `"second"`: MLSD `modify` or MDTM, exact and in UTC.
 * - `"minute"`: a LIST line with a time but (usually) no year, or a DOS line.
 * - `"day"`: a LIST line with a year but no time.
 *
 * @example
 * ```ts
 * import type { FileInfo, TimePrecision } from "@ferry/ftp";
 *
 * const exact: TimePrecision[] = ["millisecond", "second"];
 * const comparable = (entry: FileInfo) =>
 *   entry.modifiedIsUtc === true && exact.includes(entry.modifiedPrecision!);
 * ```
 */
export type TimePrecision = "millisecond" | "second" | "minute" | "day";

/**
 * One directory entry.
 *
 * @example
 * ```ts
 * import type { FileInfo } from "@ferry/ftp";
 *
 * const entry: FileInfo = {
 *   name: "notes.txt",
 *   type: "file",
 *   size: 1024,
 *   modified: new Date("2026-01-02T03:04:05Z"),
 *   modifiedPrecision: "second",
 *   modifiedIsUtc: true,
 *   raw: "type=file;size=1024;modify=20260102030405; notes.txt",
 * };
 * ```
 */
export interface FileInfo {
  /** The entry's name within its directory, exactly as listed. */
  name: string;
  /** File, directory, symbolic link, or unknown. */
  type: FileType;
  /** Size in bytes, when listed. */
  size?: number;
  /**
   * Last modification time, when listed. For LIST sources the server's local
   * wall-clock fields are stored as if they were UTC (see `modifiedIsUtc`).
   */
  modified?: Date;
  /** How precise `modified` is. Present whenever `modified` is. */
  modifiedPrecision?: TimePrecision;
  /**
   * `true` when `modified` is a true UTC instant (MLSD, MDTM, EPLF);
   * `false` when it holds the server's local time fields as listed (LIST),
   * whose time zone FTP does not tell.
   */
  modifiedIsUtc?: boolean;
  /** Unix permission bits such as `0o755`, when listed. */
  permissions?: number;
  /** Owner name or number, when listed. */
  owner?: string;
  /** Group name or number, when listed. */
  group?: string;
  /** For a symbolic link, the target it points to, when listed. */
  target?: string;
  /** The MLSD/MLST facts as given, keys in lower case. */
  facts?: Record<string, string>;
  /** The listing line the entry was parsed from. */
  raw: string;
}
