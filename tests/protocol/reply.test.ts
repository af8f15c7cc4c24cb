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
