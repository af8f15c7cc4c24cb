// FEAT replies as servers really write them: RFC 2389's " FEATURE" lines,
// and the RFC 959 multi-line form that repeats the code on every line
// ("211-MLST type*;size*;", "211- REST STREAM"), which some servers use.

import assert from "node:assert/strict";
import { parseFeatures } from "../../src/protocol/mod.ts";

function feat(lines: string[]): Map<string, string> {
  return parseFeatures({ code: 211, text: "", lines });
}

Deno.test("FEAT: lines that repeat the code are features, with or without a space after it", () => {
  const features = feat([
    "211-Features:",
    "211-MLST type*;size*;modify*;",
    "211- REST STREAM",
    "211-UTF8",
    "211-  SIZE",
    "211-mdtm",
    "211 End",
  ]);
  assert.deepEqual([...features], [
    ["MLST", "type*;size*;modify*;"],
    ["REST", "STREAM"],
    ["UTF8", ""],
    ["SIZE", ""],
    ["MDTM", ""],
  ]);
});

Deno.test("FEAT: the RFC 2389 form, mixed forms, tabs and blank lines", () => {
  const features = feat([
    "211-Extensions supported:",
    " MLST type*;size*;",
    "211-REST STREAM",
    "",
    " EPSV",
    "\tMFMT",
    " LANG EN*;FR",
    "211 END",
  ]);
  assert.deepEqual([...features], [
    ["MLST", "type*;size*;"],
    ["REST", "STREAM"],
    ["EPSV", ""],
    ["MFMT", ""],
    ["LANG", "EN*;FR"],
  ]);
});

Deno.test("FEAT: another code's digits, or digits not followed by a hyphen, stay part of the line", () => {
  // Only this reply's own code followed by "-" is the RFC 959 prefix.
  const features = feat(["211-Features:", " 2FA", "211-X211-Y", "211 End"]);
  assert.deepEqual([...features], [["2FA", ""], ["X211-Y", ""]]);
});

Deno.test("FEAT: a reply other than 211 offers nothing; a single-line 211 offers nothing", () => {
  assert.equal(parseFeatures({ code: 500, text: "", lines: ["500 no"] }).size, 0);
  assert.equal(
    parseFeatures({ code: 502, text: "", lines: ["502-x", "502-MLST", "502 y"] }).size,
    0,
  );
  assert.equal(feat(["211 No features"]).size, 0);
});
