/**
 * DOS/IIS LIST lines, hand-made in the layouts IIS and Windows `dir` use
 * (IIS pads `<DIR>` to 15 columns and right-aligns sizes; no server here
 * could produce them, see tests/fixtures/listings/README.md).
 */

import { strictEqual } from "node:assert/strict";
import { parseDosLine } from "../../src/listing/parse_dos.ts";
import { assertEntry, at, entry } from "./_helpers.ts";

function check(line: string, expected: ReturnType<typeof entry>): void {
  assertEntry(parseDosLine(line), expected, line);
}

Deno.test("IIS with two-digit years and AM/PM", () => {
  check(
    "10-19-20  03:19PM       <DIR>          pub",
    entry("pub", "directory", at("2020-10-19T15:19:00Z", "minute", false)),
  );
  check(
    "04-08-14  03:09AM                  403 readme.txt",
    entry("readme.txt", "file", { size: 403, ...at("2014-04-08T03:09:00Z", "minute", false) }),
  );
  check(
    "02-05-13  12:09AM       <DIR>          midnight",
    entry("midnight", "directory", at("2013-02-05T00:09:00Z", "minute", false)),
  );
  check(
    "02-05-13  12:09PM                    0 noon.txt",
    entry("noon.txt", "file", { size: 0, ...at("2013-02-05T12:09:00Z", "minute", false) }),
  );
  check(
    "12-31-99  11:59pm                 1234 lower case pm",
    entry("lower case pm", "file", { size: 1234, ...at("1999-12-31T23:59:00Z", "minute", false) }),
  );
});

Deno.test("two-digit years pivot at 69 (POSIX)", () => {
  const line = (yy: string) => `01-01-${yy}  01:00AM                    1 f`;
  const f = (iso: string) => entry("f", "file", { size: 1, ...at(iso, "minute", false) });
  check(line("68"), f("2068-01-01T01:00:00Z"));
  check(line("69"), f("1969-01-01T01:00:00Z"));
  check(line("00"), f("2000-01-01T01:00:00Z"));
  check(line("99"), f("1999-01-01T01:00:00Z"));
});

Deno.test("four-digit years, 24-hour times, Windows dir style", () => {
  // IIS with its four-digit-year option.
  check(
    "04-08-2014  03:09PM                  403 readme.txt",
    entry("readme.txt", "file", { size: 403, ...at("2014-04-08T15:09:00Z", "minute", false) }),
  );
  check(
    "04-08-2014  15:09       <DIR>          logs",
    entry("logs", "directory", at("2014-04-08T15:09:00Z", "minute", false)),
  );
  check(
    "04-08-2014  00:00                 1234 x.bin",
    entry("x.bin", "file", { size: 1234, ...at("2014-04-08T00:00:00Z", "minute", false) }),
  );
  // Windows `dir`: slashes, a space before AM/PM, thousands separators.
  check(
    "12/25/2020  10:00 AM             1,234,567 report.pdf",
    entry("report.pdf", "file", {
      size: 1234567,
      ...at("2020-12-25T10:00:00Z", "minute", false),
    }),
  );
  check(
    "12/25/2020  10:00 PM    <DIR>          Program Files",
    entry("Program Files", "directory", at("2020-12-25T22:00:00Z", "minute", false)),
  );
  check(
    "12-25-2020  22:00                1.234 dotted",
    entry("dotted", "file", { size: 1234, ...at("2020-12-25T22:00:00Z", "minute", false) }),
  );
  check(
    "12/25/2020  10:00 PM    <JUNCTION>     Documents and Settings [C:\\Users]",
    entry("Documents and Settings", "symlink", {
      ...at("2020-12-25T22:00:00Z", "minute", false),
      target: "C:\\Users",
    }),
  );
  check(
    "12/25/2020  10:00 PM    <SYMLINKD>     shortcut",
    entry("shortcut", "symlink", at("2020-12-25T22:00:00Z", "minute", false)),
  );
});

Deno.test("names keep the spaces the layout shows", () => {
  const when = at("2020-10-19T15:19:00Z", "minute", false);
  // Ten padding spaces after <DIR>; the rest is the name's.
  check(
    "10-19-20  03:19PM       <DIR>            two leading",
    entry("  two leading", "directory", when),
  );
  check(
    "10-19-20  03:19PM                    5   lead.txt",
    entry("  lead.txt", "file", { size: 5, ...when }),
  );
  check(
    "10-19-20  03:19PM                    5 trail.txt  ",
    entry("trail.txt  ", "file", { size: 5, ...when }),
  );
  check(
    "10-19-20  03:19PM                    5 inner   spaces",
    entry("inner   spaces", "file", { size: 5, ...when }),
  );
  // Less padding than IIS: the name starts after it all.
  check("10-19-20  03:19PM <DIR> short pad", entry("short pad", "directory", when));
  check(
    "10-19-20  03:19PM                    5 back\\slash",
    entry("back\\slash", "file", { size: 5, ...when }),
  );
});

Deno.test("non-entries, unsafe names and unparseable lines", () => {
  strictEqual(parseDosLine(""), undefined);
  strictEqual(parseDosLine("  \r\n"), undefined);
  strictEqual(parseDosLine("10-19-20  03:19PM       <DIR>          ."), undefined);
  strictEqual(parseDosLine("10-19-20  03:19PM       <DIR>          .."), undefined);
  for (
    const line of [
      "10-19-20  03:19PM       <DIR>          a/b",
      "10-19-20  03:19PM                    5 ../x",
      "10-19-20  03:19PM                    5 nul\0",
      "10-19-20  03:19PM                    5 ",
      "10-19-20  03:19PM                    5",
      "13-19-20  03:19PM                    5 bad-month",
      "02-30-20  03:19PM                    5 feb-30",
      "10-19-20  13:19PM                    5 pm-13",
      "10-19-20  24:00                      5 hour-24",
      "10-19-20  03:60PM                    5 minute-60",
      "10-19-20  03:19PM       <FOO>          unknown-tag",
      "10-19-20  03:19PM               12,34 bad-grouping",
      "10-19-20-03:19PM                     5 x",
      "10/19-20  03:19PM                    5 mixed-separators",
      "-rw-r--r-- 1 u g 3 Jan  1  2019 unix",
      "garbage",
    ]
  ) {
    assertEntry(parseDosLine(line), { name: "", type: "unknown" }, line);
  }
});
