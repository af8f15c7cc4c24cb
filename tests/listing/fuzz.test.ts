/**
 * Property tests: every parser, on any input, returns an entry or
 * `undefined`, never throws, and never returns a name holding `/` or NUL.
 * Reproducible (fixed seed); FERRY_FUZZ_RUNS raises the number of runs.
 */

import { ok, strictEqual } from "node:assert/strict";
import fc from "fast-check";
import type { FileInfo } from "../../src/listing/file_info.ts";
import { parseMlsdLine, parseMlstLine } from "../../src/listing/parse_mlsd.ts";
import { parseUnixLine } from "../../src/listing/parse_unix.ts";
import { parseDosLine } from "../../src/listing/parse_dos.ts";
import { parseEplfLine } from "../../src/listing/parse_eplf.ts";
import { ListParser, parseList } from "../../src/listing/parse_list.ts";
import { fixtureLines } from "./_helpers.ts";

function fuzzRuns(): number {
  let text: string | undefined;
  try {
    text = Deno.env.get("FERRY_FUZZ_RUNS");
  } catch {
    // No env permission: the default.
  }
  const runs = Number(text);
  return Number.isSafeInteger(runs) && runs > 0 ? runs : 2000;
}

const PARAMS = { seed: 42, numRuns: fuzzRuns() };
const NOW = new Date("2026-11-22T01:27:00Z");
const TYPES = new Set(["file", "directory", "symlink", "unknown"]);
const PRECISIONS = new Set(["millisecond", "second", "minute", "day"]);

const PARSERS: [string, (line: string) => FileInfo | undefined][] = [
  ["parseMlsdLine", parseMlsdLine],
  ["parseMlstLine", parseMlstLine],
  ["parseUnixLine", (line) => parseUnixLine(line, { now: NOW })],
  ["parseDosLine", parseDosLine],
  ["parseEplfLine", parseEplfLine],
  ["ListParser.parseLine", (line) => new ListParser({ now: NOW }).parseLine(line)],
];

/** The invariants every returned entry keeps. */
function checkEntry(entry: FileInfo | undefined): void {
  if (entry === undefined) return;
  strictEqual(typeof entry.name, "string");
  strictEqual(typeof entry.raw, "string");
  ok(!entry.name.includes("/"), `name with /: ${JSON.stringify(entry.name)}`);
  ok(!entry.name.includes("\0"), `name with NUL: ${JSON.stringify(entry.name)}`);
  ok(entry.name !== "." && entry.name !== "..");
  ok(TYPES.has(entry.type));
  if (entry.size !== undefined) ok(Number.isSafeInteger(entry.size) && entry.size >= 0);
  if (entry.permissions !== undefined) {
    ok(
      Number.isInteger(entry.permissions) && entry.permissions >= 0 && entry.permissions <= 0o7777,
    );
  }
  if (entry.modified !== undefined) {
    ok(!Number.isNaN(entry.modified.getTime()), "invalid date");
    ok(PRECISIONS.has(entry.modifiedPrecision!));
    strictEqual(typeof entry.modifiedIsUtc, "boolean");
  }
}

const bytes = fc.uint8Array({ maxLength: 300 });
const utf8 = bytes.map((b) => new TextDecoder("utf-8").decode(b));
const latin1 = bytes.map((b) => new TextDecoder("latin1").decode(b));
/** Characters the parsers care about, so random lines get past the first check. */
const listingChar = fc.constantFrom(
  ..." -dlrwxsStT+@.0123456789:,;=/\0\t\r\n<>DIRAMPNovJanDec".split(""),
  "type=",
  "file;",
  "dir;",
  "cdir;",
  "size=",
  "modify=20260102030405;",
  "OS.unix=slink:",
  " -> ",
  " Nov 20 14:05 ",
  " Mar 15  2019 ",
  "-rw-r--r-- ",
  "lrwxrwxrwx 1 u g ",
  "10-19-20  03:19PM ",
  "<DIR>",
  "+i1,m825718503,r,s280,\t",
  "é",
  "東",
  "\uFFFD",
);
const listingish = fc.array(listingChar, { maxLength: 40 }).map((parts) => parts.join(""));

/** A real line with a few characters inserted, deleted or replaced. */
const realLines = [
  ...fixtureLines("vsftpd/list.txt"),
  ...fixtureLines("pure-ftpd/mlsd.txt"),
  ...fixtureLines("proftpd/mlsd.txt"),
  "10-19-20  03:19PM       <DIR>          pub",
  "04-08-14  03:09PM                  403 readme.txt",
  "+i8388621.48594,m825718503,r,s280,\tdjb.html",
];
const mutated = fc.tuple(
  fc.constantFrom(...realLines),
  fc.array(
    fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.oneof(listingChar, fc.string({ maxLength: 3 }))),
    { maxLength: 4 },
  ),
).map(([line, edits]) => {
  let text = line;
  for (const [at, remove, insert] of edits) {
    const pos = text.length === 0 ? 0 : at % (text.length + 1);
    text = text.slice(0, pos) + insert + text.slice(pos + remove);
  }
  return text;
});

const anyLine = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  utf8,
  latin1,
  listingish,
  mutated,
);

for (const [label, parse] of PARSERS) {
  Deno.test(`${label} never throws and never yields an unsafe name`, () => {
    fc.assert(fc.property(anyLine, (line) => checkEntry(parse(line))), PARAMS);
  });
}

Deno.test("parseList never throws on arbitrary text", () => {
  const text = fc.oneof(
    fc.string({ unit: "binary", maxLength: 2000 }),
    fc.array(anyLine, { maxLength: 30 }).map((lines) => lines.join("\r\n")),
    fc.array(anyLine, { maxLength: 30 }).map((lines) => lines.join("\n")),
  );
  fc.assert(
    fc.property(text, (input) => {
      const entries = parseList(input, { now: NOW });
      ok(entries.length <= input.split("\n").length);
      for (const entry of entries) checkEntry(entry);
    }),
    PARAMS,
  );
});

/** A name a server could list: no `/`, NUL, or line terminator at the end. */
const safeName = fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((name) =>
  !name.includes("/") && !name.includes("\0") && !name.includes("\n") &&
  !name.endsWith("\r") && name !== "." && name !== ".."
);

Deno.test("every safe name survives a Unix line whole", () => {
  fc.assert(
    fc.property(
      safeName,
      fc.constantFrom("-", "d"),
      fc.nat({ max: 10 ** 12 }),
      fc.constantFrom("Nov 20 14:05", "Mar 15  2019", "2019-03-15 12:34"),
      (name, type, size, date) => {
        const line = `${type}rw-r--r-- 1 owner group ${size} ${date} ${name}`;
        const entry = parseUnixLine(line, { now: NOW });
        strictEqual(entry?.name, name);
        strictEqual(entry?.size, size);
      },
    ),
    PARAMS,
  );
});

Deno.test("every safe name survives MLSD, DOS and EPLF lines whole", () => {
  fc.assert(
    fc.property(safeName, fc.nat({ max: 10 ** 12 }), (name, size) => {
      strictEqual(
        parseMlsdLine(`type=file;size=${size};modify=20260102030405; ${name}`)?.name,
        name,
      );
      strictEqual(
        parseDosLine(`10-19-20  03:19PM ${String(size).padStart(20)} ${name}`)?.name,
        name,
      );
      strictEqual(parseEplfLine(`+s${size},r,\t${name}`)?.name, name);
    }),
    PARAMS,
  );
});
