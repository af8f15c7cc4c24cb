/**
 * The MLSD/MLST parser against what three real servers sent (vsftpd has no
 * MLSD). Expected values were written by hand from the directory's known
 * contents (tests/fixtures/listings/README.md) and what each server is seen
 * to do with them, not from parser output.
 */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { mlstOptsArgument, parseMlsdLine, parseMlstLine } from "../../src/listing/parse_mlsd.ts";
import { parseFeatures } from "../../src/protocol/features.ts";
import { assertEntry, at, entry, type Expected, fixtureLines } from "./_helpers.ts";

const T0509 = at("2026-11-20T14:05:09Z", "second", true);
const T0930 = at("2026-11-21T09:30:00Z", "second", true);
const OLD = at("2019-03-15T12:34:56Z", "second", true);
const HALF = at("2026-05-10T08:00:00Z", "second", true);
const FUTURE = at("2027-01-15T10:00:00Z", "second", true);
const REPLACEMENT = "caf\uFFFD latin1.txt";

/** Parses every line of a fixture and checks it against `expected`, by name. */
function checkMlsd(path: string, expected: Expected[], skipped: string[]): void {
  const lines = fixtureLines(path);
  strictEqual(lines.length, expected.length + skipped.length);
  const byName = new Map(expected.map((e) => [e.name, e]));
  let matched = 0;
  for (const line of lines) {
    const parsed = parseMlsdLine(line);
    if (parsed === undefined) {
      const name = line.slice(line.indexOf("; ") + 2);
      strictEqual(skipped.includes(name), true, `unexpectedly skipped ${line}`);
      continue;
    }
    const want = byName.get(parsed.name);
    if (want === undefined) throw new Error(`unexpected entry from ${line}`);
    assertEntry(parsed, want, line);
    matched++;
  }
  strictEqual(matched, expected.length);
}

Deno.test("parseMlsdLine reads Pure-FTPd's MLSD", () => {
  const id = { owner: "1001", group: "1001" };
  const f = (mode: number) => ({ permissions: mode, ...id });
  checkMlsd("pure-ftpd/mlsd.txt", [
    entry("setuid-noexec", "file", { size: 1, ...T0509, ...f(0o4644) }),
    entry("half-year.txt", "file", { size: 8, ...HALF, ...f(0o644) }),
    // `type=OS.unix=slink:` with nothing after the colon: no target.
    entry("dangling-link", "symlink", { size: 15, ...T0930, ...f(0o777) }),
    entry("setuid-prog", "file", { size: 10, ...T0509, ...f(0o4755) }),
    entry("link-to-dir", "symlink", {
      size: 6,
      ...T0930,
      permissions: 0o777,
      owner: "0",
      group: "0",
    }),
    entry("sticky-dir", "directory", { size: 4096, ...T0930, ...f(0o1777) }),
    entry("link -> with arrow", "symlink", { size: 11, ...T0930, ...f(0o777) }),
    entry("sticky-noexec-dir", "directory", { size: 4096, ...T0509, ...f(0o1770) }),
    entry("Grüße 東京.txt", "file", { size: 6, ...T0509, ...f(0o644) }),
    entry("a-fifo", "unknown", { size: 0, ...T0509, ...f(0o644) }),
    entry("empty.txt", "file", { size: 0, ...T0509, ...f(0o644) }),
    entry("arrow -> not a link", "file", { size: 10, ...T0509, ...f(0o644) }),
    entry("trailing spaces.txt  ", "file", { size: 5, ...T0509, ...f(0o644) }),
    entry("setgid-dir", "directory", { size: 4096, ...T0930, ...f(0o2755) }),
    entry("char-device", "unknown", { size: 0, ...T0509, ...f(0o644) }),
    entry("inner  two  spaces.txt", "file", { size: 4, ...T0509, ...f(0o644) }),
    entry("subdir", "directory", { size: 4096, ...T0930, ...f(0o755) }),
    entry("12-25-20 10:00AM <DIR> x", "file", { size: 9, ...T0509, ...f(0o644) }),
    entry("target.txt", "file", { size: 12345, ...T0509, ...f(0o644) }),
    entry("huge.bin", "file", { size: 5368709120, ...T0509, ...f(0o644) }),
    entry("old.txt", "file", { size: 7, ...OLD, ...f(0o644) }),
    entry("link-to-target", "symlink", { size: 10, ...T0930, ...f(0o777) }),
    entry(REPLACEMENT, "file", { size: 6, ...T0509, ...f(0o644) }),
    entry("  leading spaces.txt", "file", { size: 3, ...T0509, ...f(0o644) }),
    entry("future.txt", "file", { size: 6, ...FUTURE, ...f(0o644) }),
  ], [".", ".."]);
});

Deno.test("parseMlsdLine reads ProFTPD's MLSD", () => {
  const named = { owner: "ferrylist", group: "ferrylist" };
  const f = (mode: number) => ({ permissions: mode, ...named });
  checkMlsd("proftpd/mlsd.txt", [
    entry("setuid-noexec", "file", { size: 1, ...T0509, ...f(0o4644) }),
    entry("half-year.txt", "file", { size: 8, ...HALF, ...f(0o644) }),
    entry("setuid-prog", "file", { size: 10, ...T0509, ...f(0o4755) }),
    // ProFTPD names the target's owner for a link; the numbers are the link's.
    entry("link-to-dir", "symlink", {
      size: 6,
      ...T0930,
      permissions: 0o777,
      owner: "0",
      group: "0",
    }),
    entry("sticky-dir", "directory", { ...T0930, ...f(0o1777) }),
    entry("sticky-noexec-dir", "directory", { ...T0509, ...f(0o1770) }),
    entry("Grüße 東京.txt", "file", { size: 6, ...T0509, ...f(0o644) }),
    entry("a-fifo", "file", { size: 0, ...T0509, ...f(0o644) }),
    entry("empty.txt", "file", { size: 0, ...T0509, ...f(0o644) }),
    entry("arrow -> not a link", "file", { size: 10, ...T0509, ...f(0o644) }),
    entry("trailing spaces.txt  ", "file", { size: 5, ...T0509, ...f(0o644) }),
    entry("setgid-dir", "directory", { ...T0930, ...f(0o2755) }),
    entry("char-device", "file", { size: 0, ...T0509, ...f(0o644) }),
    entry("inner  two  spaces.txt", "file", { size: 4, ...T0509, ...f(0o644) }),
    entry("subdir", "directory", { ...T0930, ...f(0o755) }),
    entry("12-25-20 10:00AM <DIR> x", "file", { size: 9, ...T0509, ...f(0o644) }),
    entry("target.txt", "file", { size: 12345, ...T0509, ...f(0o644) }),
    entry("huge.bin", "file", { size: 5368709120, ...T0509, ...f(0o644) }),
    entry("old.txt", "file", { size: 7, ...OLD, ...f(0o644) }),
    entry("link-to-target", "symlink", {
      size: 10,
      ...T0930,
      permissions: 0o777,
      owner: "1001",
      group: "1001",
    }),
    entry(REPLACEMENT, "file", { size: 6, ...T0509, ...f(0o644) }),
    entry("  leading spaces.txt", "file", { size: 3, ...T0509, ...f(0o644) }),
    entry("future.txt", "file", { size: 6, ...FUTURE, ...f(0o644) }),
  ], [".", ".."]);
});

Deno.test("parseMlsdLine reads pyftpdlib's MLSD (links followed, no Unix facts)", () => {
  checkMlsd("pyftpdlib/mlsd.txt", [
    entry("setuid-noexec", "file", { size: 1, ...T0509 }),
    entry("half-year.txt", "file", { size: 8, ...HALF }),
    entry("setuid-prog", "file", { size: 10, ...T0509 }),
    entry("link-to-dir", "directory", { size: 4096, ...T0930 }),
    entry("sticky-dir", "directory", { size: 4096, ...T0930 }),
    entry("sticky-noexec-dir", "directory", { size: 4096, ...T0509 }),
    entry("Grüße 東京.txt", "file", { size: 6, ...T0509 }),
    entry("a-fifo", "file", { size: 0, ...T0509 }),
    entry("empty.txt", "file", { size: 0, ...T0509 }),
    entry("arrow -> not a link", "file", { size: 10, ...T0509 }),
    entry("trailing spaces.txt  ", "file", { size: 5, ...T0509 }),
    entry("setgid-dir", "directory", { size: 4096, ...T0930 }),
    entry("char-device", "file", { size: 0, ...T0509 }),
    entry("inner  two  spaces.txt", "file", { size: 4, ...T0509 }),
    entry("subdir", "directory", { size: 4096, ...T0930 }),
    entry("12-25-20 10:00AM <DIR> x", "file", { size: 9, ...T0509 }),
    entry("target.txt", "file", { size: 12345, ...T0509 }),
    entry("huge.bin", "file", { size: 5368709120, ...T0509 }),
    entry("old.txt", "file", { size: 7, ...OLD }),
    entry("link-to-target", "file", { size: 12345, ...T0509 }),
    entry("caf? latin1.txt", "file", { size: 6, ...T0509 }),
    entry("  leading spaces.txt", "file", { size: 3, ...T0509 }),
    entry("future.txt", "file", { size: 6, ...FUTURE }),
  ], []);
});

Deno.test("facts are kept with lower-cased keys and values as sent", () => {
  const line = fixtureLines("pure-ftpd/mlsd.txt")[2];
  deepStrictEqual(parseMlsdLine(line)?.facts, {
    type: "OS.unix=slink:",
    size: "15",
    modify: "20261121093000",
    "unix.mode": "0777",
    "unix.uid": "1001",
    "unix.gid": "1001",
    unique: "fe00g20c208",
  });
  const proftpd = fixtureLines("proftpd/mlsd.txt")[0];
  deepStrictEqual(parseMlsdLine(proftpd)?.facts, {
    modify: "20261120140509",
    perm: "adfrw",
    size: "1",
    type: "file",
    unique: "FE00U20C234",
    "unix.group": "1001",
    "unix.groupname": "ferrylist",
    "unix.mode": "04644",
    "unix.owner": "1001",
    "unix.ownername": "ferrylist",
  });
});

/** The entry lines of a fixture's MLST replies (the indented ones). */
function mlstEntryLines(path: string): string[] {
  return fixtureLines(path).filter((line) => line.startsWith(" "));
}

Deno.test("parseMlstLine takes the last segment of the path each server sent", () => {
  const pure = mlstEntryLines("pure-ftpd/mlst.txt");
  const py = mlstEntryLines("pyftpdlib/mlst.txt");
  const pro = mlstEntryLines("proftpd/mlst.txt");
  strictEqual(py[0].endsWith("; /listing/target.txt"), true);
  strictEqual(
    pro[0].endsWith("; /tmp/ferry_listing/work/home/ferrylist/listing/target.txt"),
    true,
  );
  const id = { owner: "1001", group: "1001" };
  assertEntry(
    parseMlstLine(pure[0]),
    entry("target.txt", "file", { size: 12345, ...T0509, permissions: 0o644, ...id }),
    pure[0],
  );
  assertEntry(
    parseMlstLine(pure[1]),
    entry("link-to-target", "symlink", { size: 10, ...T0930, permissions: 0o777, ...id }),
    pure[1],
  );
  assertEntry(
    parseMlstLine(pure[2]),
    entry("subdir", "directory", { size: 4096, ...T0930, permissions: 0o755, ...id }),
    pure[2],
  );
  assertEntry(parseMlstLine(py[0]), entry("target.txt", "file", { size: 12345, ...T0509 }), py[0]);
  assertEntry(
    parseMlstLine(py[1]),
    entry("link-to-target", "file", { size: 12345, ...T0509 }),
    py[1],
  );
  assertEntry(parseMlstLine(py[2]), entry("subdir", "directory", { size: 4096, ...T0930 }), py[2]);
  const named = { owner: "ferrylist", group: "ferrylist" };
  assertEntry(
    parseMlstLine(pro[0]),
    entry("target.txt", "file", { size: 12345, ...T0509, permissions: 0o644, ...named }),
    pro[0],
  );
  // ProFTPD's MLST, unlike its MLSD, follows the link.
  assertEntry(
    parseMlstLine(pro[1]),
    entry("link-to-target", "file", { size: 10, ...T0930, permissions: 0o777, ...named }),
    pro[1],
  );
  assertEntry(
    parseMlstLine(pro[2]),
    entry("subdir", "directory", { ...T0930, permissions: 0o755, ...named }),
    pro[2],
  );
});

Deno.test("mlstOptsArgument for each captured FEAT reply", () => {
  const mlstParams = (server: string) => {
    const lines = fixtureLines(`${server}/feat.txt`);
    return parseFeatures({ code: 211, text: "", lines }).get("MLST");
  };
  // pyftpdlib offers unix.mode/uid/gid but leaves them off.
  strictEqual(
    mlstParams("pyftpdlib"),
    "type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;",
  );
  strictEqual(
    mlstOptsArgument(mlstParams("pyftpdlib")!),
    "type;size;modify;unix.mode;unix.uid;unix.gid;",
  );
  // Pure-FTPd and ProFTPD already send every fact ferry reads.
  strictEqual(mlstOptsArgument(mlstParams("pure-ftpd")!), undefined);
  strictEqual(mlstOptsArgument(mlstParams("proftpd")!), undefined);
  strictEqual(mlstParams("vsftpd"), undefined);
});
