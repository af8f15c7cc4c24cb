import assert from "node:assert/strict";
import { FtpInputError, FtpProtocolError } from "../../mod.ts";
import {
  formatEprtArgument,
  formatPortArgument,
  parseEprtArgument,
  parseEpsvReply,
  parsePasvReply,
  parsePortArgument,
} from "../../src/protocol/mod.ts";

Deno.test("parsePasvReply reads the six numbers wherever they stand", () => {
  assert.deepEqual(parsePasvReply("Entering Passive Mode (127,0,0,1,195,80)."), {
    host: "127.0.0.1",
    port: 50000,
  });
  assert.deepEqual(parsePasvReply("=127,1,2,3,4,1"), { host: "127.1.2.3", port: 1025 });
});

Deno.test("parsePasvReply refuses octets above 255, port 0 and garbage", () => {
  for (const text of ["(256,0,0,1,1,1)", "(127,0,0,1,0,0)", "(127,0,0,1,256,1)", "no numbers"]) {
    assert.throws(() => parsePasvReply(text), FtpProtocolError, text);
  }
});

Deno.test("parseEpsvReply reads the port with any delimiter", () => {
  assert.equal(parseEpsvReply("Entering Extended Passive Mode (|||6446|)"), 6446);
  assert.equal(parseEpsvReply("ok (!!!21!)"), 21);
});

Deno.test("parseEpsvReply refuses malformed bodies and ports out of range", () => {
  for (
    const text of [
      "(|||0|)",
      "(|||65536|)",
      "(||1|2|)",
      "(|||abc|)",
      "no parens",
      "(|||12)",
      "(|1|::1|21|)",
    ]
  ) {
    assert.throws(() => parseEpsvReply(text), FtpProtocolError, text);
  }
});

Deno.test("PORT and EPRT arguments round-trip", () => {
  assert.equal(formatPortArgument({ host: "127.0.0.1", port: 50000 }), "127,0,0,1,195,80");
  assert.deepEqual(parsePortArgument("127,0,0,1,195,80"), { host: "127.0.0.1", port: 50000 });
  assert.equal(formatEprtArgument({ host: "::1", port: 2121 }), "|2|::1|2121|");
  assert.deepEqual(parseEprtArgument("|2|::1|2121|"), { host: "::1", port: 2121 });
  assert.deepEqual(parseEprtArgument("|1|127.0.0.2|21|"), { host: "127.0.0.2", port: 21 });
});

Deno.test("PORT and EPRT refuse what cannot be sent or used", () => {
  assert.throws(() => formatPortArgument({ host: "::1", port: 21 }), FtpInputError);
  assert.throws(() => formatEprtArgument({ host: "::1", port: 0 }), FtpInputError);
  assert.equal(parsePortArgument("127,0,0,2,0,0"), undefined);
  assert.equal(parsePortArgument("127,0,0,300,0,1"), undefined);
  assert.equal(parseEprtArgument("|3|x|21|"), undefined);
  assert.equal(parseEprtArgument("|1|::1|21|"), undefined);
  assert.equal(parseEprtArgument("|1|127.0.0.2|70000|"), undefined);
});
