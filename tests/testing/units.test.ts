import assert from "node:assert/strict";
import { canonicalHost, hostForUrl, sameHost } from "../../src/protocol/host.ts";
import { CommandQueue } from "../../src/testing/_command_queue.ts";
import {
  decodeCommandLine,
  formatReply,
  LineSplitter,
  MAX_LINE_BYTES,
} from "../../src/testing/_control_channel.ts";
import { type ListedEntry, mlsxFacts, unixListLine } from "../../src/testing/_listing_format.ts";
import { splitCommand } from "../../src/testing/_session.ts";
import { VirtualFs } from "../../src/testing/_virtual_fs.ts";

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(
    parts.flatMap((p) => typeof p === "string" ? [...new TextEncoder().encode(p)] : p),
  );

Deno.test("LineSplitter: CRLF, LF and lone CR end lines, even split across chunks", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push(bytes("NOOP\r")), [{ kind: "line", text: "NOOP" }]);
  assert.deepEqual(splitter.push(bytes("\nPW")), []);
  assert.deepEqual(splitter.push(bytes("D\nABOR\r\0SYST\r\n")), [
    { kind: "line", text: "PWD" },
    { kind: "line", text: "ABOR" },
    { kind: "line", text: "SYST" },
  ]);
});

Deno.test("LineSplitter: an overlong line becomes one too-long item, the next line is fine", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push(new Uint8Array(MAX_LINE_BYTES + 10).fill(0x41)), []);
  assert.deepEqual(splitter.push(bytes("AAAA\r\nNOOP\r\n")), [
    { kind: "too-long" },
    { kind: "line", text: "NOOP" },
  ]);
  const exact = new LineSplitter();
  assert.deepEqual(exact.push(bytes("A".repeat(MAX_LINE_BYTES), "\r\n")), [
    { kind: "line", text: "A".repeat(MAX_LINE_BYTES) },
  ]);
});

Deno.test("decodeCommandLine drops Telnet commands and decodes UTF-8", () => {
  assert.equal(decodeCommandLine(bytes([0xff, 0xf4, 0xff, 0xf2], "ABOR")), "ABOR");
  assert.equal(decodeCommandLine(bytes([0xff, 0xf4, 0xff], "ABOR")), "ABOR");
  assert.equal(decodeCommandLine(bytes([0xff, 0xfd, 0x01], "NOOP")), "NOOP");
  assert.equal(decodeCommandLine(bytes("RETR ñ 日本.txt")), "RETR ñ 日本.txt");
});

Deno.test("splitCommand keeps the argument exactly, spaces included", () => {
  assert.deepEqual(splitCommand("retr  a b "), { verb: "RETR", argument: " a b " });
  assert.deepEqual(splitCommand("PWD"), { verb: "PWD", argument: "" });
  assert.deepEqual(splitCommand("CWD "), { verb: "CWD", argument: "" });
});

Deno.test("formatReply: single and multi-line RFC 959 forms; middle lines that look like replies are indented", () => {
  assert.equal(formatReply(200, "ok"), "200 ok\r\n");
  assert.equal(formatReply(211, ["a", "b", "End"]), "211-a\r\nb\r\n211 End\r\n");
  assert.equal(formatReply(214, ["x", "214 trap", "y"]), "214-x\r\n 214 trap\r\n214 y\r\n");
  assert.equal(formatReply(220, "one\ntwo"), "220-one\r\n220 two\r\n");
  assert.equal(formatReply(550, "bad\rname"), "550 bad name\r\n");
});

Deno.test("addresses compare in canonical form", () => {
  assert.equal(canonicalHost("127.000.000.001"), "127.0.0.1");
  assert.equal(canonicalHost("::ffff:127.0.0.1"), "127.0.0.1");
  assert.equal(canonicalHost("0:0:0:0:0:0:0:1"), "::1");
  assert.equal(canonicalHost("[::1]"), "::1");
  assert.ok(sameHost("::FFFF:7f00:1", "127.0.0.1"));
  assert.ok(!sameHost("127.0.0.2", "127.0.0.1"));
  assert.ok(!sameHost("not an address", "127.0.0.1"));
  assert.equal(hostForUrl("::1"), "[::1]");
  assert.equal(hostForUrl("127.0.0.1"), "127.0.0.1");
});

Deno.test("VirtualFs.resolve: POSIX resolution clamped at /, names kept exactly", async () => {
  const root = await Deno.makeTempDir();
  try {
    const fs = await VirtualFs.open(root);
    assert.equal(fs.resolve("/", ""), "/");
    assert.equal(fs.resolve("/a/b", ".."), "/a");
    assert.equal(fs.resolve("/a", "../../../x"), "/x");
    assert.equal(fs.resolve("/a", "/b//c/./d/.."), "/b/c");
    assert.equal(fs.resolve("/", " lead/trail "), "/ lead/trail ");
    assert.equal(fs.resolve("/a", "..."), "/a/...");
    await assert.rejects(fs.entry("/"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

function entry(name: string, info: Partial<Deno.FileInfo>): ListedEntry {
  return {
    name,
    info: {
      isFile: true,
      isDirectory: false,
      isSymlink: false,
      size: 0,
      mtime: new Date("2020-01-02T03:04:05Z"),
      mode: 0o100644,
      nlink: 1,
      ...info,
    } as Deno.FileInfo,
  };
}

Deno.test("unixListLine: time within half a year, year otherwise or in the future", () => {
  const now = new Date("2026-06-15T12:00:00Z");
  const recent = entry("r.txt", { size: 42, mtime: new Date("2026-03-05T07:08:00Z") });
  assert.equal(
    unixListLine(recent, now),
    "-rw-r--r--   1 ftp      ftp                42 Mar  5 07:08 r.txt",
  );
  const old = entry("o.txt", { mtime: new Date("2025-11-01T00:00:00Z") });
  assert.match(unixListLine(old, now), / Nov {2}1 {2}2025 o\.txt$/);
  const future = entry("f.txt", { mtime: new Date("2026-06-16T00:00:00Z") });
  assert.match(unixListLine(future, now), / Jun 16 {2}2026 f\.txt$/);
  const dir = entry("d", { isFile: false, isDirectory: true, mode: 0o40750, nlink: 3 });
  assert.match(unixListLine(dir, now), /^drwxr-x--- {3}3 ftp/);
});

Deno.test("mlsxFacts: only selected facts, in a fixed order", () => {
  const file = entry("a", { size: 7, mode: 0o100444 });
  const all = new Set(["type", "size", "modify", "perm", "unix.mode"]);
  assert.equal(
    mlsxFacts(file, all),
    "type=file;size=7;modify=20200102030405;perm=r;unix.mode=0444;",
  );
  assert.equal(mlsxFacts(file, new Set(["size", "type"])), "type=file;size=7;");
  assert.equal(mlsxFacts(file, new Set()), "");
  const link = { ...entry("l", { isFile: false, isSymlink: true }), linkTarget: "../a b" };
  assert.equal(mlsxFacts(link, all), "type=OS.unix=symlink;modify=20200102030405;");
  link.linkTarget = "../ab";
  assert.equal(mlsxFacts(link, all), "type=OS.unix=slink:../ab;modify=20200102030405;");
});

Deno.test("CommandQueue: order, end, and back-pressure", async () => {
  const queue = new CommandQueue<number>(2);
  queue.push(1);
  queue.push(2);
  let roomy = false;
  const room = queue.waitForRoom().then(() => roomy = true);
  await Promise.resolve();
  assert.equal(roomy, false);
  assert.equal(await queue.take(), 1);
  await room;
  assert.equal(roomy, true);
  queue.end();
  queue.push(3); // ignored after the end
  assert.equal(await queue.take(), 2);
  assert.equal(await queue.take(), undefined);
});
