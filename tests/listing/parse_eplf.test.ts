/** EPLF lines, hand-made after the format's specification and its examples. */

import { strictEqual } from "node:assert/strict";
import { parseEplfLine } from "../../src/listing/parse_eplf.ts";
import { assertEntry, at, entry } from "./_helpers.ts";

Deno.test("the specification's examples", () => {
  // m825718503 is 1996-03-01 22:15:03 UTC (9496 days to 1996, then Jan 31 +
  // Feb 29 = 60 days and 80103 s).
  const a = "+i8388621.48594,m825718503,r,s280,\tdjb.html";
  assertEntry(
    parseEplfLine(a),
    entry("djb.html", "file", { size: 280, ...at("1996-03-01T22:15:03Z", "second", true) }),
    a,
  );
  // m824255907 is 1996-02-13 23:58:27 UTC.
  const b = "+i8388621.50690,m824255907,/,\t514";
  assertEntry(
    parseEplfLine(b),
    entry("514", "directory", at("1996-02-13T23:58:27Z", "second", true)),
    b,
  );
});

Deno.test("permissions, unknown facts, spaces in names", () => {
  const line = "+m0,up755,/,x-unknown,\t my dir ";
  assertEntry(
    parseEplfLine(line),
    entry(" my dir ", "directory", {
      permissions: 0o755,
      ...at("1970-01-01T00:00:00Z", "second", true),
    }),
    line,
  );
  const noType = "+s10,\tmystery";
  assertEntry(parseEplfLine(noType), entry("mystery", "unknown", { size: 10 }), noType);
  const badNumbers = "+sX,mY,up9,r\tfile";
  assertEntry(parseEplfLine(badNumbers), entry("file", "file", {}), badNumbers);
});

Deno.test("non-entries, unsafe names and unparseable lines", () => {
  strictEqual(parseEplfLine(""), undefined);
  strictEqual(parseEplfLine("+/,\t."), undefined);
  strictEqual(parseEplfLine("+/,\t.."), undefined);
  for (const line of ["+r,\ta/b", "+r,\t", "+r,s1 no tab", "i1,r,\tx", "garbage", "+r,\tnul\0"]) {
    assertEntry(parseEplfLine(line), { name: "", type: "unknown" }, line);
  }
});
