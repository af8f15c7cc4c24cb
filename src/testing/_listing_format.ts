/**
 * Listing lines: LIST in Unix `ls -l` form, and the RFC 3659 facts of MLSD
 * and MLST. Times are printed in UTC, so listings do not depend on the
 * machine's time zone.
 *
 * @module
 */

import type { ListFormat } from "./options.ts";
import { formatTimeVal } from "../protocol/time_val.ts";

/** One directory entry, as the listing formats need it. */
export interface ListedEntry {
  /** The name to print. */
  name: string;
  /** The entry itself (`lstat`: a symlink is described as a link). */
  info: Deno.FileInfo;
  /** For a symlink, the target as stored in the link. */
  linkTarget?: string;
}

/** The MLST facts this server knows, in the order it prints them. */
export const MLST_FACTS = ["type", "size", "modify", "perm", "unix.mode"] as const;

/** The `type` fact's value for the listed directory and its parent. */
export type DirectoryRole = "cdir" | "pdir";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** GNU ls shows the year instead of the time beyond half a Gregorian year. */
const HALF_YEAR_MS = 15_778_476_000;

function modeOf(info: Deno.FileInfo): number {
  // Windows reports no mode; pretend to the usual defaults.
  return info.mode ?? (info.isDirectory ? 0o755 : 0o644);
}

function rwx(mode: number): string {
  const letters = "rwxrwxrwx";
  let out = "";
  for (let bit = 0; bit < 9; bit++) {
    out += mode & (0o400 >> bit) ? letters[bit] : "-";
  }
  return out;
}

function lsDate(date: Date, now: Date): string {
  const age = now.getTime() - date.getTime();
  const recent = age >= 0 && age < HALF_YEAR_MS;
  const day = String(date.getUTCDate()).padStart(2, " ");
  const tail = recent
    ? `${String(date.getUTCHours()).padStart(2, "0")}:${
      String(date.getUTCMinutes()).padStart(2, "0")
    }`
    : String(date.getUTCFullYear()).padStart(5, " ");
  return `${MONTHS[date.getUTCMonth()]} ${day} ${tail}`;
}

/**
 * One LIST line, such as
 * `-rw-r--r--   1 ftp      ftp              12 Jan  2 03:04 notes.txt`,
 * and for a symlink `lrwxrwxrwx ... name -> target`.
 */
export function unixListLine(entry: ListedEntry, now: Date): string {
  const { info } = entry;
  const type = info.isSymlink ? "l" : info.isDirectory ? "d" : "-";
  const permissions = info.isSymlink ? "rwxrwxrwx" : rwx(modeOf(info));
  const links = String(info.nlink ?? 1).padStart(3, " ");
  const size = String(info.size).padStart(12, " ");
  const date = lsDate(info.mtime ?? new Date(0), now);
  const name = info.isSymlink && entry.linkTarget !== undefined
    ? `${entry.name} -> ${entry.linkTarget}`
    : entry.name;
  return `${type}${permissions} ${links} ftp      ftp      ${size} ${date} ${name}`;
}

/** LIST line formatters by {@linkcode ListFormat}; a new format is one more entry. */
export const LIST_FORMATS: Readonly<Record<ListFormat, (entry: ListedEntry, now: Date) => string>> =
  {
    unix: unixListLine,
  };

/** Characters RFC 3659 allows in a fact value (`RCHAR`), plus `=` of `OS.unix=`. */
const FACT_VALUE = /^[A-Za-z0-9,.:!@#$%^&()\-_+?/\\'"]+$/;

/**
 * The facts of an entry, such as
 * `type=file;size=12;modify=20260102030405;perm=adfrw;unix.mode=0644;`,
 * limited to the selected ones (OPTS MLST). A symlink is listed as a link,
 * as ProFTPD does (`type=OS.unix=slink:target`), never as what it points to:
 * clients walking a tree must not descend through links. A target that
 * cannot be written as a fact value is left out (`type=OS.unix=symlink`).
 */
export function mlsxFacts(
  entry: ListedEntry,
  selected: ReadonlySet<string>,
  role?: DirectoryRole,
): string {
  const { info } = entry;
  const values: Record<string, string | undefined> = { modify: timeVal(info.mtime) };
  if (info.isSymlink) {
    const target = entry.linkTarget;
    values.type = target !== undefined && FACT_VALUE.test(target)
      ? `OS.unix=slink:${target}`
      : "OS.unix=symlink";
  } else {
    const mode = modeOf(info);
    const writable = (mode & 0o200) !== 0;
    values.type = role ?? (info.isDirectory ? "dir" : info.isFile ? "file" : "OS.unix=special");
    values.size = info.isFile ? String(info.size) : undefined;
    values.perm = info.isDirectory ? (writable ? "cdeflmp" : "el") : (writable ? "adfrw" : "r");
    values["unix.mode"] = "0" + (mode & 0o7777).toString(8).padStart(3, "0");
  }
  let out = "";
  for (const fact of MLST_FACTS) {
    const value = values[fact];
    if (value !== undefined && selected.has(fact)) out += `${fact}=${value};`;
  }
  return out;
}

function timeVal(date: Date | null): string | undefined {
  if (!date) return undefined;
  try {
    return formatTimeVal(date);
  } catch {
    // Outside years 0-9999: better no fact than a wrong one.
    return undefined;
  }
}

/** The FEAT line for MLST: every fact, starred when selected. */
export function mlstFeature(selected: ReadonlySet<string>): string {
  return "MLST " + MLST_FACTS.map((f) => `${f}${selected.has(f) ? "*" : ""};`).join("");
}
