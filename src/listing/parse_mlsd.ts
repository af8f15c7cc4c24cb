/**
 * RFC 3659 machine listings: MLSD data lines and the entry line of an MLST
 * reply (`fact=value;fact=value; name`), and the `OPTS MLST` argument that
 * asks the server for the facts ferry reads.
 *
 * @module
 */

import type { FileInfo, FileType } from "./file_info.ts";
import { parseTimeVal } from "../protocol/time_val.ts";
import { nameVerdict, readDecimal, readOctalMode, stripLineEnd, unknownEntry } from "./_common.ts";

/**
 * Parses one MLSD line. Fact names are matched case-insensitively and stored
 * lower-cased in `facts`; values are kept as sent. The name is everything
 * after the space that ends the facts, leading and trailing spaces included.
 *
 * - `type`: `file`, `dir`, `OS.unix=slink[:target]` and `OS.unix=symlink`
 *   are read; any other type is `unknown` (the name is still returned).
 * - `size` (or `sizd`, a directory's own size, when `size` is absent),
 *   `modify` (UTC, to the second or millisecond), `unix.mode`, and owner and
 *   group from `unix.ownername`/`unix.owner`/`unix.uid` and
 *   `unix.groupname`/`unix.group`/`unix.gid`.
 *
 * A line without facts, or with facts that do not parse, becomes
 * `{ name: "", type: "unknown", raw }`, as does a name that is empty or
 * contains `/` or NUL. One line terminator (CRLF, LF or CR) at the end is
 * ignored.
 *
 * @param line One line of MLSD output.
 * @returns The entry, or `undefined` for a line that is no entry: `type=cdir`
 * and `type=pdir` (the directory itself and its parent), the names `.` and
 * `..`, and blank lines.
 *
 * @example
 * ```ts
 * import { parseMlsdLine } from "@ferry/ftp/listing";
 *
 * const entry = parseMlsdLine("type=file;size=12345;modify=20261120140509;UNIX.mode=0644; target.txt");
 * console.log(entry?.name, entry?.type, entry?.size); // "target.txt" "file" 12345
 * console.log(entry?.modified?.toISOString()); // "2026-11-20T14:05:09.000Z"
 * console.log(parseMlsdLine("type=cdir;modify=20261121235900; .")); // undefined
 * ```
 */
export function parseMlsdLine(line: string): FileInfo | undefined {
  const raw = stripLineEnd(line);
  if (raw.trim() === "") return undefined;
  const parsed = parseFacts(raw, true);
  if (parsed === undefined) return unknownEntry(raw);
  const kind = readType(parsed.facts.type);
  if (kind.selfOrParent) return undefined;
  const verdict = nameVerdict(parsed.name);
  if (verdict === "dot") return undefined;
  if (verdict === "bad") return unknownEntry(raw);
  return buildEntry(parsed.name, kind, parsed.facts, raw);
}

/**
 * Parses the entry line of an MLST reply (the indented line between `250-`
 * and `250 `). The leading space is optional. MLST names a path, not a name:
 * `name` is its last segment (`/pub/a.txt` gives `a.txt`), or `""` when the
 * path has no usable last segment (`/`, `.`, `..`): the caller knows which
 * path it asked about. `cdir`/`pdir` types read as directories here, since
 * MLST of the current directory may answer with them.
 *
 * @param line The entry line of the MLST reply.
 * @returns The entry; `{ name: "", type: "unknown", raw }` when the line does
 * not parse or the path contains NUL; `undefined` for a blank line.
 *
 * @example
 * ```ts
 * import { parseMlstLine } from "@ferry/ftp/listing";
 *
 * const entry = parseMlstLine(" type=dir;modify=20261121093000; /listing/subdir");
 * console.log(entry?.name, entry?.type); // "subdir" "directory"
 * ```
 */
export function parseMlstLine(line: string): FileInfo | undefined {
  const raw = stripLineEnd(line);
  if (raw.trim() === "") return undefined;
  const text = raw.charCodeAt(0) === 0x20 ? raw.slice(1) : raw;
  const parsed = parseFacts(text, false);
  if (parsed === undefined || parsed.name.indexOf("\0") !== -1) return unknownEntry(raw);
  const kind = readType(parsed.facts.type);
  if (kind.selfOrParent) kind.type = "directory";
  let end = parsed.name.length;
  while (end > 0 && parsed.name.charCodeAt(end - 1) === 0x2f) end--;
  const base = parsed.name.slice(parsed.name.lastIndexOf("/", end - 1) + 1, end);
  const name = nameVerdict(base) === "ok" ? base : "";
  return buildEntry(name, kind, parsed.facts, raw);
}

/** The facts ferry reads, lower-cased, in no particular order. */
const WANTED_FACTS: ReadonlySet<string> = new Set([
  "type",
  "size",
  "sizd",
  "modify",
  "unix.mode",
  "unix.owner",
  "unix.ownername",
  "unix.uid",
  "unix.group",
  "unix.groupname",
  "unix.gid",
]);

/**
 * Builds the argument of `OPTS MLST` that selects the facts ferry reads
 * (type, size, sizd, modify, unix.mode and the Unix owner and group facts)
 * from those the server offers, spelled as the server spells them.
 *
 * @param featParams The parameters of the `MLST` line of the FEAT reply,
 * such as `type*;size*;modify*;UNIX.mode;` (a `*` marks a fact already on).
 * @returns The argument, such as `type;size;modify;UNIX.mode;`, or
 * `undefined` when there is nothing worth sending: every wanted fact offered
 * is already on, or the server offers none of them (an empty `OPTS MLST`
 * would turn every fact off).
 *
 * @example
 * ```ts
 * import { mlstOptsArgument } from "@ferry/ftp/listing";
 *
 * console.log(mlstOptsArgument("type*;size*;modify*;perm*;unique*;UNIX.mode;UNIX.uid;"));
 * // "type;size;modify;UNIX.mode;UNIX.uid;"
 * console.log(mlstOptsArgument("type*;size*;modify*;")); // undefined
 * ```
 */
export function mlstOptsArgument(featParams: string): string | undefined {
  let argument = "";
  let needed = false;
  for (const item of featParams.split(";")) {
    let fact = item.trim();
    const enabled = fact.endsWith("*");
    if (enabled) fact = fact.slice(0, -1);
    if (fact === "" || fact.indexOf(" ") !== -1) continue;
    if (!WANTED_FACTS.has(fact.toLowerCase())) continue;
    argument += fact + ";";
    if (!enabled) needed = true;
  }
  return needed ? argument : undefined;
}

interface ParsedFacts {
  facts: Record<string, string>;
  name: string;
}

/**
 * Splits `fact=value;...; name`. Values may hold spaces (a group named
 * `Domain Users`), so a fact ends at `;`, and the facts end at the first `;`
 * followed by a space. Linear in the line length.
 */
function parseFacts(text: string, allowIndent: boolean): ParsedFacts | undefined {
  let pos = 0;
  // Some servers indent MLSD lines like MLST's; a bare " name" has no `=`.
  if (allowIndent && text.charCodeAt(0) === 0x20) {
    const eq = text.indexOf("=", 1);
    const semi = text.indexOf(";", 1);
    const space = text.indexOf(" ", 1);
    if (eq > 1 && semi > eq && (space === -1 || space > eq)) pos = 1;
  }
  const facts: Record<string, string> = {};
  while (pos < text.length) {
    if (text.charCodeAt(pos) === 0x20) {
      return { facts, name: text.slice(pos + 1) };
    }
    const eq = text.indexOf("=", pos);
    const semi = text.indexOf(";", pos);
    if (eq <= pos || semi === -1 || eq > semi) return undefined;
    const key = text.slice(pos, eq);
    if (key.indexOf(" ") !== -1) return undefined;
    setFact(facts, lowerKey(key), text.slice(eq + 1, semi));
    pos = semi + 1;
  }
  // Facts that run to the end of the line leave no name.
  return undefined;
}

// Fact names repeat on every line. Handing the same lower-cased string back
// each time, rather than a fresh one, makes storing it as a property key
// several times cheaper. Bounded: a hostile server cannot grow it.
const KEY_CACHE = new Map<string, string>();
const KEY_CACHE_LIMIT = 256;

function lowerKey(key: string): string {
  let lower = KEY_CACHE.get(key);
  if (lower === undefined) {
    lower = key.toLowerCase();
    if (KEY_CACHE.size < KEY_CACHE_LIMIT) KEY_CACHE.set(key, lower);
  }
  return lower;
}

/** Stores a fact even under a key such as `__proto__`, as an own property. */
function setFact(facts: Record<string, string>, key: string, value: string): void {
  if (key === "__proto__") {
    Object.defineProperty(facts, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    facts[key] = value;
  }
}

interface TypeFact {
  type: FileType;
  selfOrParent: boolean;
  target?: string;
}

function readType(value: string | undefined): TypeFact {
  if (value === undefined) return { type: "unknown", selfOrParent: false };
  const lower = value.toLowerCase();
  switch (lower) {
    case "file":
      return { type: "file", selfOrParent: false };
    case "dir":
      return { type: "directory", selfOrParent: false };
    case "cdir":
    case "pdir":
      return { type: "directory", selfOrParent: true };
  }
  if (lower.startsWith("os.unix=slink") || lower.startsWith("os.unix=symlink")) {
    // Pure-FTPd sends `OS.unix=slink:` with an empty target.
    const colon = value.indexOf(":");
    const target = colon === -1 ? "" : value.slice(colon + 1);
    return target === ""
      ? { type: "symlink", selfOrParent: false }
      : { type: "symlink", selfOrParent: false, target };
  }
  return { type: "unknown", selfOrParent: false };
}

function buildEntry(
  name: string,
  kind: TypeFact,
  facts: Record<string, string>,
  raw: string,
): FileInfo {
  const entry: FileInfo = { name, type: kind.type, raw };
  const sizeText = facts.size ?? facts.sizd;
  if (sizeText !== undefined) {
    const size = readDecimal(sizeText, 0, sizeText.length);
    if (size !== undefined) entry.size = size;
  }
  const modify = facts.modify;
  if (modify !== undefined) {
    const modified = parseTimeVal(modify);
    if (modified !== undefined) {
      entry.modified = modified;
      entry.modifiedPrecision = modify.indexOf(".") === -1 ? "second" : "millisecond";
      entry.modifiedIsUtc = true;
    }
  }
  const mode = facts["unix.mode"];
  if (mode !== undefined) {
    const permissions = readOctalMode(mode, 0, mode.length);
    if (permissions !== undefined) entry.permissions = permissions;
  }
  const ownerName = facts["unix.ownername"];
  const ownerId = facts["unix.owner"] ?? facts["unix.uid"];
  const groupName = facts["unix.groupname"];
  const groupId = facts["unix.group"] ?? facts["unix.gid"];
  // ProFTPD 1.3.8 names a symlink's owner and group after its target's, while
  // its numbers are the link's own: for links the numbers are the truth.
  const preferIds = kind.type === "symlink";
  const owner = preferIds ? ownerId ?? ownerName : ownerName ?? ownerId;
  const group = preferIds ? groupId ?? groupName : groupName ?? groupId;
  if (owner !== undefined && owner !== "") entry.owner = owner;
  if (group !== undefined && group !== "") entry.group = group;
  if (kind.target !== undefined) entry.target = kind.target;
  entry.facts = facts;
  return entry;
}
