/** Format detection and whole-listing parsing. */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { ListParser, parseList } from "../../src/listing/parse_list.ts";
import { assertEntry, at, entry } from "./_helpers.ts";

const NOW = new Date("2026-11-22T01:27:00Z");

Deno.test("basic-ftp #61: vsftpd lines with numeric owners are Unix, whatever follows", () => {
  // The lines from the issue, where a DOS-first parser produced
  // name "1001         4096 Feb 25 19:03 .".
  const text = [
    "drwxr-xr-x    2 1001     1001         4096 Feb 25 19:03 .",
    "dr-xr-xr-x    3 65534    65534        4096 Feb 25 18:55 ..",
    "-rw-r--r--    1 1001     1001          487 Feb 25 19:03 package.json",
  ].join("\r\n");
  const parser = new ListParser({ now: NOW });
  const entries = text.split("\r\n").map((line) => parser.parseLine(line));
  strictEqual(entries[0], undefined);
  strictEqual(entries[1], undefined);
  assertEntry(
    entries[2],
    entry("package.json", "file", {
      size: 487,
      permissions: 0o644,
      owner: "1001",
      group: "1001",
      ...at("2026-02-25T19:03:00Z", "minute", false),
    }),
    "-rw-r--r--    1 1001     1001          487 Feb 25 19:03 package.json",
  );
  strictEqual(parser.format, "unix");
});

Deno.test("Unix names that look like DOS lines stay names", () => {
  const base = {
    size: 9,
    permissions: 0o644,
    owner: "u",
    group: "g",
    ...at("2026-11-20T14:05:00Z", "minute", false),
  };
  const names = [
    "12-25-20 10:00AM <DIR> x",
    "12-25-20  10:00AM       <DIR>          x",
    "04-08-14  03:09PM                  403 readme.txt",
    "+i1,r,\tx",
  ];
  for (const name of names) {
    const line = `-rw-r--r-- 1 u g 9 Nov 20 14:05 ${name}`;
    // On a fresh parser, as the first line…
    assertEntry(new ListParser({ now: NOW }).parseLine(line), entry(name, "file", base), line);
  }
  // …and in a whole listing.
  const listing = names.map((name) => `-rw-r--r-- 1 u g 9 Nov 20 14:05 ${name}`).join("\n");
  deepStrictEqual(parseList(listing, { now: NOW }).map((e) => e.name), names);
});

Deno.test("once Unix, always Unix: a DOS-looking line later is unknown, not DOS", () => {
  const parser = new ListParser({ now: NOW });
  parser.parseLine("total 8");
  strictEqual(parser.format, undefined);
  parser.parseLine("drwxr-xr-x 2 u g 4096 Nov 21 09:30 dir");
  strictEqual(parser.format, "unix");
  const dosLine = "10-19-20  03:19PM       <DIR>          pub";
  assertEntry(parser.parseLine(dosLine), { name: "", type: "unknown" }, dosLine);
  strictEqual(parser.format, "unix");
});

Deno.test("once DOS, always DOS", () => {
  const parser = new ListParser({ now: NOW });
  const first = "10-19-20  03:19PM       <DIR>          pub";
  assertEntry(
    parser.parseLine(first),
    entry("pub", "directory", at("2020-10-19T15:19:00Z", "minute", false)),
    first,
  );
  strictEqual(parser.format, "dos");
  const unixLine = "-rw-r--r-- 1 u g 9 Nov 20 14:05 x";
  assertEntry(parser.parseLine(unixLine), { name: "", type: "unknown" }, unixLine);
});

Deno.test("unparseable and unsafe lines do not decide the format", () => {
  const parser = new ListParser({ now: NOW });
  parser.parseLine("garbage");
  parser.parseLine("-rw-r--r-- 1 u g 9 Nov 20 14:05 a/b");
  parser.parseLine("drwxr-xr-x 2 u g 4096 Nov 21 09:30 .");
  strictEqual(parser.format, undefined);
  const line = "04-08-14  03:09PM                  403 readme.txt";
  assertEntry(
    parser.parseLine(line),
    entry("readme.txt", "file", { size: 403, ...at("2014-04-08T15:09:00Z", "minute", false) }),
    line,
  );
  strictEqual(parser.format, "dos");
});

Deno.test("EPLF is detected", () => {
  const text =
    "+i8388621.48594,m825718503,r,s280,\tdjb.html\r\n+i8388621.50690,m824255907,/,\t514\r\n";
  const entries = parseList(text);
  deepStrictEqual(entries.map((e) => [e.type, e.name]), [["file", "djb.html"], [
    "directory",
    "514",
  ]]);
});

Deno.test("parseList splits on CRLF or LF, skips blank lines, keeps inner CR", () => {
  const lines = [
    "-rw-r--r-- 1 u g 1 Nov 20 14:05 a",
    "",
    "   ",
    "-rw-r--r-- 1 u g 1 Nov 20 14:05 b\rc",
    "total 2",
    "-rw-r--r-- 1 u g 1 Nov 20 14:05 d",
  ];
  const crlf = parseList(lines.join("\r\n") + "\r\n", { now: NOW });
  const lf = parseList(lines.join("\n"), { now: NOW });
  deepStrictEqual(crlf.map((e) => e.name), ["a", "b\rc", "d"]);
  deepStrictEqual(lf, crlf);
  deepStrictEqual(crlf.map((e) => e.raw), [lines[0], lines[3], lines[5]]);
  deepStrictEqual(parseList(""), []);
  deepStrictEqual(parseList("\r\n\n"), []);
});

Deno.test("unknown lines stay in the listing; nothing is dropped silently", () => {
  const text =
    "-rw-r--r-- 1 u g 1 Nov 20 14:05 a\nthis is not a listing line\n-rw-r--r-- 1 u g 1 Nov 20 14:05 b\n";
  deepStrictEqual(parseList(text, { now: NOW }).map((e) => [e.type, e.name, e.raw]), [
    ["file", "a", "-rw-r--r-- 1 u g 1 Nov 20 14:05 a"],
    ["unknown", "", "this is not a listing line"],
    ["file", "b", "-rw-r--r-- 1 u g 1 Nov 20 14:05 b"],
  ]);
});

Deno.test("the parser's now is fixed when it is made", () => {
  const parser = new ListParser();
  const year = new Date().getUTCFullYear();
  strictEqual(
    parser.parseLine("-rw-r--r-- 1 u g 1 Jan  1 00:00 a")?.modified?.getUTCFullYear(),
    year,
  );
});
