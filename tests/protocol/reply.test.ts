import assert from "node:assert/strict";
import { FtpProtocolError } from "../../mod.ts";
import { ReplyParser } from "../../src/protocol/mod.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("ReplyParser reads single-line and multi-line replies", () => {
  const parser = new ReplyParser();
  const replies = parser.push(bytes("220 Ready\r\n211-Features:\r\n MDTM\r\n211 End\r\n"));
  assert.deepEqual(replies, [
    { code: 220, text: "Ready", lines: ["220 Ready"] },
    { code: 211, text: "Features:\n MDTM\nEnd", lines: ["211-Features:", " MDTM", "211 End"] },
  ]);
});

Deno.test("ReplyParser reassembles a reply split into 1-byte chunks", () => {
  const parser = new ReplyParser();
  const text = "230-Welcome\r\n230-  to the server\r\n230 Logged in\r\n";
  const replies = [];
  for (const byte of bytes(text)) replies.push(...parser.push(Uint8Array.of(byte)));
  assert.equal(replies.length, 1);
  assert.equal(replies[0].code, 230);
  assert.equal(replies[0].text, "Welcome\n230-  to the server\nLogged in");
  assert.equal(parser.hasPartial, false);
});

Deno.test("ReplyParser joins a line held from one chunk to the next, between whole lines in either", () => {
  const parser = new ReplyParser();
  assert.deepEqual(parser.push(bytes("150 Opening\r\n226 Tra")), [
    { code: 150, text: "Opening", lines: ["150 Opening"] },
  ]);
  assert.deepEqual(parser.push(bytes("nsfer done\r")), []);
  assert.deepEqual(parser.push(bytes("\n229 Entering (|||32000|)\r\n211-a\r\n211 b\r\n")), [
    { code: 226, text: "Transfer done", lines: ["226 Transfer done"] },
    { code: 229, text: "Entering (|||32000|)", lines: ["229 Entering (|||32000|)"] },
    { code: 211, text: "a\nb", lines: ["211-a", "211 b"] },
  ]);
  assert.equal(parser.hasPartial, false);
  // A line at the length limit passes whole in one chunk or held across two; one byte more fails.
  const limited = () => new ReplyParser({ maxLineBytes: 8 });
  assert.deepEqual(limited().push(bytes("200 abcd\r\n")).map((r) => r.text), ["abcd"]);
  const held = limited();
  held.push(bytes("200 ab"));
  assert.deepEqual(held.push(bytes("cd\r\n")).map((r) => r.text), ["abcd"]);
  assert.throws(() => limited().push(bytes("200 abcde\r\n")), FtpProtocolError);
  assert.throws(() => limited().push(bytes("200 abcde\n")), FtpProtocolError);
});

Deno.test("ReplyParser accepts bare LF and inner lines with other codes", () => {
  const parser = new ReplyParser();
  const replies = parser.push(bytes("200 ok\n150-a\n226 inner\n150 done\n"));
  assert.deepEqual(replies.map((r) => r.code), [200, 150]);
  assert.equal(replies[1].lines.length, 3);
});

Deno.test("ReplyParser refuses non-digit codes, codes outside 1xx-5xx, and a code without its space", () => {
  for (
    const line of ["abc hello\r\n", "600 no\r\n", "099 no\r\n", "22 short\r\n", "2200 long\r\n"]
  ) {
    assert.throws(() => new ReplyParser().push(bytes(line)), FtpProtocolError, line);
  }
});

Deno.test("ReplyParser takes a code of exactly three ASCII digits from 100 to 599, then a space or hyphen", () => {
  const refused = [
    "0",
    "22",
    "220",
    "22\t",
    "2:0 x",
    "2/0 x",
    "22/ x",
    "22: x",
    "/20 x",
    "620 x",
    "-20 x",
    "+20 x",
    " 220 x",
    "220_x",
    "220\tx",
    "2 0 x",
    "\u0662\u0662\u0660 x",
    "\uff12\uff12\uff10 x",
  ];
  for (const line of refused) {
    assert.throws(() => new ReplyParser().push(bytes(`${line}\n`)), FtpProtocolError, line);
  }
  for (
    const [line, code] of [["100 a", 100], ["599 b", 599], ["230 ", 230], ["509 c", 509]] as const
  ) {
    assert.deepEqual(new ReplyParser().push(bytes(`${line}\r\n`)), [
      { code, text: line.slice(4), lines: [line] },
    ]);
  }
  const parser = new ReplyParser();
  assert.deepEqual(parser.push(bytes("150-a\r\n")), []);
  assert.deepEqual(parser.push(bytes("150 b\r\n")), [
    { code: 150, text: "a\nb", lines: ["150-a", "150 b"] },
  ]);
});

Deno.test("ReplyParser bounds line length even without a newline", () => {
  const parser = new ReplyParser({ maxLineBytes: 1024 });
  assert.throws(() => {
    for (let i = 0; i < 100; i++) parser.push(new Uint8Array(100).fill(0x41));
  }, /longer than 1024 bytes/);
});

Deno.test("ReplyParser bounds a multi-line reply that never ends", () => {
  const parser = new ReplyParser({ maxReplyBytes: 10_000 });
  parser.push(bytes("220-start\r\n"));
  assert.throws(() => {
    for (let i = 0; i < 10_000; i++) parser.push(bytes("still going\r\n"));
  }, /over 10000 bytes/);
});

Deno.test("ReplyParser replaces invalid UTF-8 instead of throwing", () => {
  const parser = new ReplyParser();
  const [reply] = parser.push(Uint8Array.of(0x32, 0x32, 0x30, 0x20, 0xff, 0xfe, 0x0d, 0x0a));
  assert.equal(reply.code, 220);
  assert.equal(reply.text, "\ufffd\ufffd");
});

Deno.test("ReplyParser counts blank lines, so endless blank lines hit the reply limit", () => {
  const parser = new ReplyParser({ maxReplyBytes: 1000 });
  assert.throws(() => {
    for (let i = 0; i < 10_000; i++) parser.push(bytes("\r\n"));
  }, /over 1000 bytes/);
});
