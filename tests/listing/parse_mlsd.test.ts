/** Hand-made MLSD/MLST lines for what the captured servers did not show. */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { mlstOptsArgument, parseMlsdLine, parseMlstLine } from "../../src/listing/parse_mlsd.ts";
import { assertEntry, at, entry } from "./_helpers.ts";

Deno.test("fact names in any case; symlink targets; sizd only when size is absent", () => {
  const a = "Type=OS.unix=slink:/srv/data/target;Size=20;Modify=20260102030405; link";
  assertEntry(
    parseMlsdLine(a),
    entry("link", "symlink", {
      size: 20,
      target: "/srv/data/target",
      ...at("2026-01-02T03:04:05Z", "second", true),
    }),
    a,
  );
  const b = "TYPE=DIR;SIZD=4096;SIZE=7; both";
  assertEntry(parseMlsdLine(b), entry("both", "directory", { size: 7 }), b);
  const c = "type=OS.UNIX=symlink; upper";
  assertEntry(parseMlsdLine(c), entry("upper", "symlink", {}), c);
  const d = "type=OS.unix=slink; no-colon";
  assertEntry(parseMlsdLine(d), entry("no-colon", "symlink", {}), d);
});

Deno.test("modify to the millisecond, and bad modify values", () => {
  const a = "type=file;modify=20260102030405.250; ms";
  assertEntry(
    parseMlsdLine(a),
    entry("ms", "file", at("2026-01-02T03:04:05.250Z", "millisecond", true)),
    a,
  );
  const b = "type=file;modify=20261340000000; bad-month";
  assertEntry(parseMlsdLine(b), entry("bad-month", "file", {}), b);
  const c = "type=file;modify=yesterday;size=-1;unix.mode=0999; junk-values";
  assertEntry(parseMlsdLine(c), entry("junk-values", "file", {}), c);
});

Deno.test("owners and groups: names first, ids for symlinks, uid/gid fallbacks", () => {
  const a = "type=file;unix.owner=1000;unix.ownername=alice;unix.group=100;unix.groupname=users; a";
  assertEntry(parseMlsdLine(a), entry("a", "file", { owner: "alice", group: "users" }), a);
  const b = "type=file;UNIX.uid=1000;UNIX.gid=100; b";
  assertEntry(parseMlsdLine(b), entry("b", "file", { owner: "1000", group: "100" }), b);
  const c = "type=OS.unix=symlink;unix.owner=0;unix.ownername=alice; c";
  assertEntry(parseMlsdLine(c), entry("c", "symlink", { owner: "0" }), c);
  // A value with a space (a Windows group) does not end the facts.
  const d = "type=file;unix.groupname=Domain Users;size=1; d e";
  assertEntry(parseMlsdLine(d), entry("d e", "file", { group: "Domain Users", size: 1 }), d);
  const e = "type=file;unix.mode=755; e";
  assertEntry(parseMlsdLine(e), entry("e", "file", { permissions: 0o755 }), e);
});

Deno.test("unknown types keep the name; no facts at all is allowed", () => {
  const a = "type=OS.unix=chr-1/3;size=0; null";
  assertEntry(parseMlsdLine(a), entry("null", "unknown", { size: 0 }), a);
  const b = " bare name";
  const parsed = parseMlsdLine(b);
  assertEntry(parsed, entry("bare name", "unknown", {}), b);
  deepStrictEqual(parsed?.facts, {});
  // An MLST-style indent before the facts is tolerated.
  const c = " type=file;size=1; indented";
  assertEntry(parseMlsdLine(c), entry("indented", "file", { size: 1 }), c);
});

Deno.test("cdir, pdir, . and .. are not entries", () => {
  for (
    const line of [
      "type=cdir;modify=20261121235900; .",
      "type=pdir;modify=20261121235900; ..",
      "type=CDIR; /some/path",
      "type=pdir; anything",
      "type=dir; .",
      "type=file; ..",
      "",
      " ",
    ]
  ) {
    strictEqual(parseMlsdLine(line), undefined, JSON.stringify(line));
  }
});

Deno.test("unsafe names and unparseable lines become unknown entries", () => {
  for (
    const line of [
      "type=file;size=1; ../etc/passwd",
      "type=file; a/b",
      "type=file; nul\0",
      "type=file; ",
      "type=file;size=1;",
      "type=file;size=1 missing-semicolon",
      "=x; empty-key",
      "no facts here",
      "-rw-r--r-- 1 u g 3 Jan  1  2019 unix",
      ";; x",
    ]
  ) {
    assertEntry(parseMlsdLine(line), { name: "", type: "unknown" }, line);
  }
});

Deno.test("rclone #8368: a line broken in two gives two unknown entries", () => {
  // A server (or a client reading by chunks) broke one MLSD line inside
  // "type=file"; neither half may be read as an entry.
  const halves = [
    "type=fil",
    "e;size=772257;modify=20250212073017;UNIX.mode=0755;UNIX.uid=19739739;UNIX.gid=19739739;unique=e6ge95c4aa2; i_dont_care_about_cookies.txt",
  ];
  for (const line of halves) assertEntry(parseMlsdLine(line), { name: "", type: "unknown" }, line);
});

Deno.test("a fact named __proto__ is kept as plain data", () => {
  const parsed = parseMlsdLine("__proto__=x;type=file; f");
  strictEqual(parsed?.facts?.["__proto__"], "x");
  strictEqual(Object.getPrototypeOf(parsed?.facts), Object.prototype);
});

Deno.test("parseMlstLine: paths, the current directory, and bad lines", () => {
  const a = " type=cdir;modify=20261121235900; /listing";
  assertEntry(
    parseMlstLine(a),
    entry("listing", "directory", at("2026-11-21T23:59:00Z", "second", true)),
    a,
  );
  const b = "type=dir; /";
  assertEntry(parseMlstLine(b), entry("", "directory", {}), b);
  const c = " type=pdir; ..";
  assertEntry(parseMlstLine(c), entry("", "directory", {}), c);
  // cromite #1811 (via rclone #8368): a relative path in the MLST reply.
  const rel =
    " type=dir;sizd=4096;modify=20250210110133;UNIX.mode=0755;UNIX.uid=19739739;UNIX.gid=19739739;unique=100021ge8ed23b2; www.cromite.org/fdroid";
  assertEntry(
    parseMlstLine(rel),
    entry("fdroid", "directory", {
      size: 4096,
      ...at("2025-02-10T11:01:33Z", "second", true),
      permissions: 0o755,
      owner: "19739739",
      group: "19739739",
    }),
    rel,
  );
  const d = " type=dir; /a/b/";
  assertEntry(parseMlstLine(d), entry("b", "directory", {}), d);
  const e = " type=file; /a/nul\0";
  assertEntry(parseMlstLine(e), entry("", "unknown", {}), e);
  assertEntry(parseMlstLine("garbage"), entry("", "unknown", {}), "garbage");
  strictEqual(parseMlstLine(""), undefined);
});

Deno.test("mlstOptsArgument picks the wanted facts in the server's spelling", () => {
  strictEqual(
    mlstOptsArgument("Type*;Size*;Modify*;Perm;Unique;UNIX.mode;UNIX.owner;UNIX.group;"),
    "Type;Size;Modify;UNIX.mode;UNIX.owner;UNIX.group;",
  );
  strictEqual(mlstOptsArgument("size*;modify;"), "size;modify;");
  strictEqual(mlstOptsArgument("type*;size*;modify*"), undefined);
  strictEqual(mlstOptsArgument("perm;unique;lang;"), undefined);
  strictEqual(mlstOptsArgument(""), undefined);
  strictEqual(mlstOptsArgument(" type ; size* ;"), "type;size;");
});
