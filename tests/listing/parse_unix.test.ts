/** Hand-made Unix LIST lines: the variants real servers send beyond the fixtures. */

import { strictEqual } from "node:assert/strict";
import { parseUnixLine } from "../../src/listing/parse_unix.ts";
import { assertEntry, at, entry } from "./_helpers.ts";

const NOW = new Date("2026-11-22T01:27:00Z");
const UNKNOWN = { name: "", type: "unknown" as const };

function check(line: string, expected: ReturnType<typeof entry>, now = NOW): void {
  assertEntry(parseUnixLine(line, { now }), expected, line);
}

Deno.test("year inference around New Year", () => {
  const jan2 = new Date("2027-01-02T08:00:00Z");
  const line = (date: string) => `-rw-r--r-- 1 u g 1 ${date} f`;
  const f = (iso: string) =>
    entry("f", "file", {
      size: 1,
      permissions: 0o644,
      owner: "u",
      group: "g",
      ...at(iso, "minute", false),
    });
  // On Jan 2, Dec 31 is last year's.
  check(line("Dec 31 23:00"), f("2026-12-31T23:00:00Z"), jan2);
  // Today and yesterday are this year's.
  check(line("Jan  2 07:00"), f("2027-01-02T07:00:00Z"), jan2);
  check(line("Jan  1 00:00"), f("2027-01-01T00:00:00Z"), jan2);
  // Up to a day ahead (a server whose clock or zone is ahead) is still this year.
  check(line("Jan  3 07:59"), f("2027-01-03T07:59:00Z"), jan2);
  // More than a day ahead is last year.
  check(line("Jan  3 08:01"), f("2026-01-03T08:01:00Z"), jan2);
  check(line("Jun 30 12:00"), f("2026-06-30T12:00:00Z"), jan2);
  // On Dec 31 the listing's Jan 1 is this year's.
  const dec31 = new Date("2026-12-31T22:00:00Z");
  check(line("Jan  1 10:00"), f("2026-01-01T10:00:00Z"), dec31);
  check(line("Dec 31 21:59"), f("2026-12-31T21:59:00Z"), dec31);
});

Deno.test("Feb 29 without a year, and impossible dates", () => {
  const line = "-rw-r--r-- 1 u g 1 Feb 29 10:00 leap";
  // On 2028-03-01 it is this leap year's.
  check(
    line,
    entry("leap", "file", {
      size: 1,
      permissions: 0o644,
      owner: "u",
      group: "g",
      ...at("2028-02-29T10:00:00Z", "minute", false),
    }),
    new Date("2028-03-01T00:00:00Z"),
  );
  // On 2027-03-01 it would be Feb 29 2027, which does not exist: no date.
  check(
    line,
    entry("leap", "file", { size: 1, permissions: 0o644, owner: "u", group: "g" }),
    new Date("2027-03-01T00:00:00Z"),
  );
  check(
    "-rw-r--r-- 1 u g 1 Feb 30  2020 x",
    entry("x", "file", { size: 1, permissions: 0o644, owner: "u", group: "g" }),
  );
});

Deno.test("month names in any case, day-first and ISO dates, seconds", () => {
  const base = { size: 5, permissions: 0o644, owner: "u", group: "g" };
  check(
    "-rw-r--r-- 1 u g 5 NOV 20 14:05 a",
    entry("a", "file", { ...base, ...at("2026-11-20T14:05:00Z", "minute", false) }),
  );
  check(
    "-rw-r--r-- 1 u g 5 mar  5  2019 a",
    entry("a", "file", { ...base, ...at("2019-03-05T00:00:00Z", "day", false) }),
  );
  check(
    "-rw-r--r-- 1 u g 5 20 Nov 14:05 a",
    entry("a", "file", { ...base, ...at("2026-11-20T14:05:00Z", "minute", false) }),
  );
  check(
    "-rw-r--r-- 1 u g 5 5 Mar  2019 a",
    entry("a", "file", { ...base, ...at("2019-03-05T00:00:00Z", "day", false) }),
  );
  check(
    "-rw-r--r-- 1 u g 5 2019-03-15 12:34 iso name",
    entry("iso name", "file", { ...base, ...at("2019-03-15T12:34:00Z", "minute", false) }),
  );
  check(
    "-rw-r--r-- 1 u g 5 Nov 20 14:05:09 secs",
    entry("secs", "file", { ...base, ...at("2026-11-20T14:05:09Z", "second", false) }),
  );
  check(
    "-rw-r--r-- 1 u g 5 Nov 2 9:05 short hour",
    entry("short hour", "file", { ...base, ...at("2026-11-02T09:05:00Z", "minute", false) }),
  );
});

Deno.test("mode variants: set-id, sticky, ACL marks, missing last character", () => {
  const rest = (perm: number) => ({
    size: 0,
    permissions: perm,
    owner: "u",
    group: "g",
    ...at("2019-01-01T00:00:00Z", "day", false),
  });
  check("-rwsr-sr-t 1 u g 0 Jan  1  2019 a", entry("a", "file", rest(0o7755)));
  check("-rwSr-Sr-T 1 u g 0 Jan  1  2019 a", entry("a", "file", rest(0o7644)));
  check("-rw-r-lr-- 1 u g 0 Jan  1  2019 a", entry("a", "file", rest(0o2644)));
  check("-rw-r--r--+ 1 u g 0 Jan  1  2019 acl", entry("acl", "file", rest(0o644)));
  check("-rw-r--r--@ 1 u g 0 Jan  1  2019 xattr", entry("xattr", "file", rest(0o644)));
  check("-rw-r--r--. 1 u g 0 Jan  1  2019 selinux", entry("selinux", "file", rest(0o644)));
  // basic-ftp #193: a server that drops the last mode character.
  check("drw-r--rw 1 u g 0 Jan  1  2019 Directory1", entry("Directory1", "directory", rest(0o646)));
  check("---------- 1 u g 0 Jan  1  2019 none", entry("none", "file", rest(0)));
  check("-rwxrwxrwx 1 u g 0 Jan  1  2019 all", entry("all", "file", rest(0o777)));
});

Deno.test("file types b c p s D are kept as unknown entries with their names", () => {
  const when = at("2026-11-20T14:05:00Z", "minute", false);
  check(
    "crw-rw-rw-   1 root root   1,   3 Nov 20 14:05 null",
    entry("null", "unknown", { permissions: 0o666, owner: "root", group: "root", ...when }),
  );
  check(
    "brw-rw----   1 root disk   8,0 Nov 20 14:05 sda",
    entry("sda", "unknown", { permissions: 0o660, owner: "root", group: "disk", ...when }),
  );
  check(
    "prw-r--r--   1 u g 0 Nov 20 14:05 fifo",
    entry("fifo", "unknown", { size: 0, permissions: 0o644, owner: "u", group: "g", ...when }),
  );
  check(
    "srwxrwxrwx   1 u g 0 Nov 20 14:05 sock",
    entry("sock", "unknown", { size: 0, permissions: 0o777, owner: "u", group: "g", ...when }),
  );
  check(
    "Dr--r--r--   1 u g 0 Nov 20 14:05 door",
    entry("door", "unknown", { size: 0, permissions: 0o444, owner: "u", group: "g", ...when }),
  );
});

Deno.test("owner and group columns: names, numbers, missing, several words", () => {
  const when = at("2011-05-06T00:00:00Z", "day", false);
  // No group column (seen on sidads.colorado.edu in node-ftp #112).
  check(
    "-rw-------+   1 9469            0 May  6  2011 .Xauthority",
    entry(".Xauthority", "file", { size: 0, permissions: 0o600, owner: "9469", ...when }),
  );
  // No link-count column.
  check(
    "-rw-r--r-- ftp ftp 10 May  6  2011 a",
    entry("a", "file", { size: 10, permissions: 0o644, owner: "ftp", group: "ftp", ...when }),
  );
  // A Windows group name with a space.
  check(
    "-rw-r--r-- 1 owner Domain Users 10 May  6  2011 a",
    entry("a", "file", {
      size: 10,
      permissions: 0o644,
      owner: "owner",
      group: "Domain Users",
      ...when,
    }),
  );
  // Thousands separators in the size.
  check(
    "-rw-r--r-- 1 u g 1,234,567 May  6  2011 big",
    entry("big", "file", { size: 1234567, permissions: 0o644, owner: "u", group: "g", ...when }),
  );
  // Only the size.
  check(
    "-rw-r--r-- 10 May  6  2011 bare",
    entry("bare", "file", { size: 10, permissions: 0o644, ...when }),
  );
});

Deno.test("names keep their spaces; only symlinks split at ->", () => {
  const base = {
    permissions: 0o644,
    owner: "u",
    group: "g",
    ...at("2019-01-01T00:00:00Z", "day", false),
  };
  check(
    "-rw-r--r-- 1 u g 3 Jan  1  2019    three leading",
    entry("   three leading", "file", { size: 3, ...base }),
  );
  check(
    "-rw-r--r-- 1 u g 3 Jan  1  2019 trailing   ",
    entry("trailing   ", "file", { size: 3, ...base }),
  );
  check(
    "-rw-r--r-- 1 u g 3 Jan  1  2019 Jan  1  2019 x",
    entry("Jan  1  2019 x", "file", { size: 3, ...base }),
  );
  check("-rw-r--r-- 1 u g 3 Jan  1  2019 a -> b", entry("a -> b", "file", { size: 3, ...base }));
  const link = { ...base, permissions: 0o777 };
  // rclone #3283 / jlaffaye/ftp #151: the target must not stay in the name.
  check(
    "lrwxrwxrwx 1 u g 27 Jan  1  2019 R-3.4.0.pkg -> el-capitan/base/R-3.4.0.pkg",
    entry("R-3.4.0.pkg", "symlink", { size: 27, ...link, target: "el-capitan/base/R-3.4.0.pkg" }),
  );
  // Size matches no split: the first arrow wins.
  check(
    "lrwxrwxrwx 1 u g 99 Jan  1  2019 a -> b -> c",
    entry("a", "symlink", { size: 99, ...link, target: "b -> c" }),
  );
  // Size 1 is the byte length of "c".
  check(
    "lrwxrwxrwx 1 u g 1 Jan  1  2019 a -> b -> c",
    entry("a -> b", "symlink", { size: 1, ...link, target: "c" }),
  );
  // Bytes, not UTF-16 units: "Grüße" is 7 bytes.
  check(
    "lrwxrwxrwx 1 u g 7 Jan  1  2019 x -> y -> Grüße",
    entry("x -> y", "symlink", { size: 7, ...link, target: "Grüße" }),
  );
  // An empty target is no target.
  check(
    "lrwxrwxrwx 1 u g 0 Jan  1  2019 empty-target -> ",
    entry("empty-target", "symlink", { size: 0, ...link }),
  );
  check(
    "lrwxrwxrwx 1 u g 3 Jan  1  2019 no-arrow",
    entry("no-arrow", "symlink", { size: 3, ...link }),
  );
  check(
    "-rw-r--r-- 1 u g 3 Jan  1  2019 back\\slash\rcr",
    entry("back\\slash\rcr", "file", { size: 3, ...base }),
  );
});

Deno.test("non-entries give undefined", () => {
  for (const line of ["total 48", "total 0", "TOTAL 12", "total 1.2M", "", "   ", "\r\n"]) {
    strictEqual(parseUnixLine(line, { now: NOW }), undefined, JSON.stringify(line));
  }
  strictEqual(parseUnixLine("drwxr-xr-x 2 u g 4096 Nov 21 23:59 .", { now: NOW }), undefined);
  strictEqual(parseUnixLine("drwxr-xr-x 2 u g 4096 Nov 21 23:59 ..", { now: NOW }), undefined);
});

Deno.test("unsafe names and unparseable lines become unknown entries", () => {
  for (
    const line of [
      "-rw-r--r-- 1 u g 3 Jan  1  2019 ../../etc/passwd",
      "-rw-r--r-- 1 u g 3 Jan  1  2019 a/b",
      "-rw-r--r-- 1 u g 3 Jan  1  2019 nul\0name",
      "lrwxrwxrwx 1 u g 3 Jan  1  2019 x/y -> z",
      "lrwxrwxrwx 1 u g 3 Jan  1  2019  -> z",
      "-rw-r--r-- 1 u g 3 Jan  1  2019",
      "-rw-r--r-- 1 u g 3 Jan  1  2019 ",
      "-rw-r--r-- 1 u g 3 Foo  1  2019 x",
      "-rw-r--r-- 1 u g 3 Jan 32  2019 x",
      "-rw-r--r-- 1 u g 3 Jan  1 24:00 x",
      "-rw-r--r-- 1 u g x Jan  1  2019 x",
      "-rwxqwxrwx 1 u g 3 Jan  1  2019 x",
      "-rw-r--r--1 u g 3 Jan  1  2019 x",
      "total",
      "hello world",
      "10-19-20  03:19PM       <DIR>          pub",
      "+i8388621.48594,m825718503,r,s280,\tdjb.html",
      "-",
      // Too many columns before the size: the date must come early.
      "-rw-r--r-- 1 a b c d e f g 3 Jan  1  2019 x",
    ]
  ) {
    assertEntry(parseUnixLine(line, { now: NOW }), UNKNOWN, line);
  }
});

Deno.test("parseUnixLine without options uses the current time", () => {
  const year = new Date().getUTCFullYear();
  const parsed = parseUnixLine("-rw-r--r-- 1 u g 3 Jan  1 00:00 x");
  strictEqual(parsed?.modified?.getUTCFullYear(), year);
});
