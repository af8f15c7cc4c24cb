/**
 * The Unix LIST parser against what four real servers sent (see
 * tests/fixtures/listings/README.md). Every expected value below was written
 * by hand from the directory's known contents, not from parser output.
 */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { parseUnixLine } from "../../src/listing/parse_unix.ts";
import { parseList } from "../../src/listing/parse_list.ts";
import { assertEntry, at, entry, type Expected, fixtureLines, readFixture } from "./_helpers.ts";

/** The capture ran at about 01:27 UTC on 2026-11-22. */
const NOW = new Date("2026-11-22T01:27:00Z");

const NOV20 = at("2026-11-20T14:05:00Z", "minute", false);
const NOV21 = at("2026-11-21T09:30:00Z", "minute", false);

/**
 * The directory as every server lists it, in `ls` order. `who` is how the
 * server shows uid/gid 1001, `root` how it shows 0, `latin1Name` what it
 * made of the name with byte 0xE9 (decoded as UTF-8), `future` how it
 * dated the file from 2027.
 */
function expectedListing(
  who: string,
  root: string,
  latin1Name: string,
  future: Partial<Expected>,
  withSpecialFiles: boolean,
): Expected[] {
  const own = { owner: who, group: who };
  const file = { type: "file" as const, permissions: 0o644, ...own };
  const link = { permissions: 0o777, ...own };
  const dir = { size: 4096, ...own };
  const all: (Expected | false)[] = [
    entry("  leading spaces.txt", "file", { ...file, size: 3, ...NOV20 }),
    entry("12-25-20 10:00AM <DIR> x", "file", { ...file, size: 9, ...NOV20 }),
    entry("Grüße 東京.txt", "file", { ...file, size: 6, ...NOV20 }),
    withSpecialFiles &&
    entry("a-fifo", "unknown", { size: 0, permissions: 0o644, ...own, ...NOV20 }),
    entry("arrow -> not a link", "file", { ...file, size: 10, ...NOV20 }),
    entry(latin1Name, "file", { ...file, size: 6, ...NOV20 }),
    withSpecialFiles &&
    entry("char-device", "unknown", { size: 0, permissions: 0o644, ...own, ...NOV20 }),
    entry("dangling-link", "symlink", {
      ...link,
      size: 15,
      ...NOV21,
      target: "/nowhere/at/all",
    }),
    entry("empty.txt", "file", { ...file, size: 0, ...NOV20 }),
    entry("future.txt", "file", { ...file, size: 6, ...future }),
    entry("half-year.txt", "file", {
      ...file,
      size: 8,
      ...at("2026-05-10T00:00:00Z", "day", false),
    }),
    entry("huge.bin", "file", { ...file, size: 5368709120, ...NOV20 }),
    entry("inner  two  spaces.txt", "file", { ...file, size: 4, ...NOV20 }),
    entry("link -> with arrow", "symlink", { ...link, size: 11, ...NOV21, target: "to -> there" }),
    entry("link-to-dir", "symlink", {
      permissions: 0o777,
      owner: root,
      group: root,
      size: 6,
      ...NOV21,
      target: "subdir",
    }),
    entry("link-to-target", "symlink", { ...link, size: 10, ...NOV21, target: "target.txt" }),
    entry("old.txt", "file", { ...file, size: 7, ...at("2019-03-15T00:00:00Z", "day", false) }),
    entry("setgid-dir", "directory", { ...dir, permissions: 0o2755, ...NOV21 }),
    entry("setuid-noexec", "file", { ...file, permissions: 0o4644, size: 1, ...NOV20 }),
    entry("setuid-prog", "file", { ...file, permissions: 0o4755, size: 10, ...NOV20 }),
    entry("sticky-dir", "directory", { ...dir, permissions: 0o1777, ...NOV21 }),
    entry("sticky-noexec-dir", "directory", { ...dir, permissions: 0o1770, ...NOV20 }),
    entry("subdir", "directory", { ...dir, permissions: 0o755, ...NOV21 }),
    entry("target.txt", "file", { ...file, size: 12345, ...NOV20 }),
    entry("trailing spaces.txt  ", "file", { ...file, size: 5, ...NOV20 }),
  ];
  return all.filter((e): e is Expected => e !== false);
}

/** Listed without a year, `Jan 15 10:00` seen in November is last January. */
const FUTURE_AS_LAST_JANUARY = at("2026-01-15T10:00:00Z", "minute", false);
const REPLACEMENT = "caf\uFFFD latin1.txt";

const SERVERS: Record<string, Expected[]> = {
  // vsftpd shows ids, and a year for a date in the future.
  vsftpd: expectedListing(
    "1001",
    "0",
    REPLACEMENT,
    at("2027-01-15T00:00:00Z", "day", false),
    true,
  ),
  // pyftpdlib writes the undecodable byte as a literal "?".
  pyftpdlib: expectedListing("ferrylist", "root", "caf? latin1.txt", FUTURE_AS_LAST_JANUARY, true),
  // Pure-FTPd leaves the FIFO and the device out.
  "pure-ftpd": expectedListing("ferrylist", "root", REPLACEMENT, FUTURE_AS_LAST_JANUARY, false),
  proftpd: expectedListing("ferrylist", "root", REPLACEMENT, FUTURE_AS_LAST_JANUARY, true),
};

for (const [server, expected] of Object.entries(SERVERS)) {
  Deno.test(`parseUnixLine reads ${server}'s LIST line by line`, () => {
    const lines = fixtureLines(`${server}/list.txt`);
    strictEqual(lines.length, expected.length);
    for (let i = 0; i < lines.length; i++) {
      assertEntry(parseUnixLine(lines[i], { now: NOW }), expected[i], lines[i]);
    }
  });

  Deno.test(`parseList gives the same entries for ${server}'s LIST and LIST -a`, () => {
    const plain = parseList(readFixture(`${server}/list.txt`), { now: NOW });
    const all = parseList(readFixture(`${server}/list-a.txt`), { now: NOW });
    strictEqual(plain.length, expected.length);
    deepStrictEqual(all, plain);
  });
}

Deno.test("LIST -a shows . and .., which are not entries", () => {
  const lines = fixtureLines("vsftpd/list-a.txt");
  strictEqual(lines[1], "drwxr-xr-x    6 1001     1001         4096 Nov 21 23:59 .");
  strictEqual(lines[2], "drwxr-xr-x    3 1001     1001         4096 Nov 22 01:27 ..");
  strictEqual(parseUnixLine(lines[1], { now: NOW }), undefined);
  strictEqual(parseUnixLine(lines[2], { now: NOW }), undefined);
});

Deno.test("a Latin-1 name decoded as Latin-1 comes out whole", () => {
  const line = fixtureLines("proftpd/list.txt", "latin1")[5];
  assertEntry(
    parseUnixLine(line, { now: NOW }),
    entry("café latin1.txt", "file", {
      size: 6,
      permissions: 0o644,
      owner: "ferrylist",
      group: "ferrylist",
      ...NOV20,
    }),
    line,
  );
});

Deno.test("a listing fed without its CR keeps names free of CR", () => {
  const text = readFixture("pure-ftpd/list.txt");
  const viaLf = text.split("\n").map((line) => parseUnixLine(line, { now: NOW }));
  const viaCrlf = parseList(text, { now: NOW });
  deepStrictEqual(viaLf.filter((e) => e !== undefined), viaCrlf);
  for (const e of viaCrlf) strictEqual(e.name.includes("\r"), false);
});
