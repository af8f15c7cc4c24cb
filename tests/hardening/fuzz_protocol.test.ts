// Property tests of the wire-facing parsers: the reply parser, the listing
// line splitter, the PASV/EPSV/PORT/EPRT codecs and the URL parser. For any
// input: no exception but the documented one, bounded output, and the
// invariants that keep the client safe (codes 100-599, ports 1-65535, no
// CR/LF/NUL in a parsed URL's parts, the password never echoed), plus
// chunking invariance: how bytes are split into reads never changes what
// comes out.
//
// Covered elsewhere: every listing parser on any line (tests/listing/
// fuzz.test.ts), line-end conversion under any chunking and time values
// (tests/protocol/).

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  FtpInputError,
  FtpProtocolError,
  type FtpReply,
  parseFtpUrl,
  redactUrl,
} from "../../mod.ts";
import {
  type DataAddress,
  formatEprtArgument,
  formatPortArgument,
  LineSplitter,
  parseEprtArgument,
  parseEpsvReply,
  parsePasvReply,
  parsePortArgument,
  ReplyParser,
} from "../../src/protocol/mod.ts";
import { fuzzParams } from "./_fuzz.ts";

const encoder = new TextEncoder();

/** Splits bytes at the given cut points (taken modulo the length). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Bytes that look like FTP replies often enough to get past the first check. */
const replyish = fc.array(
  fc.oneof(
    fc.constantFrom(
      "220 ",
      "220-",
      "150 ",
      "226 ",
      "211-",
      "211 ",
      "599 ",
      "600 ",
      "099 ",
      "2x0 ",
      " ",
      "\r\n",
      "\n",
      "\r",
      "text",
      "\u00e9",
      "\uffff",
    ).map((s) => encoder.encode(s)),
    fc.uint8Array({ maxLength: 12 }),
  ),
  { maxLength: 40 },
).map(concat);

const anyBytes = fc.oneof(replyish, fc.uint8Array({ maxLength: 600 }));
const cuts = fc.array(fc.nat(), { maxLength: 12 });

/** Everything a parser run produced: its replies, and whether it failed. */
function runParser(chunks: Uint8Array[], limits = { maxLineBytes: 64, maxReplyBytes: 256 }) {
  const parser = new ReplyParser(limits);
  const replies: FtpReply[] = [];
  try {
    for (const chunk of chunks) replies.push(...parser.push(chunk));
  } catch (error) {
    assert.ok(error instanceof FtpProtocolError, String(error));
    return { replies, failed: true };
  }
  return { replies, failed: false };
}

Deno.test("ReplyParser: any bytes give replies with codes 100-599, bounded lines, or FtpProtocolError", () => {
  fc.assert(
    fc.property(anyBytes, cuts, (bytes, at) => {
      const { replies } = runParser(split(bytes, at));
      let lineBytes = 0;
      for (const reply of replies) {
        assert.ok(Number.isInteger(reply.code) && reply.code >= 100 && reply.code <= 599);
        assert.ok(reply.lines.length >= 1);
        assert.ok(reply.lines[0].startsWith(String(reply.code)));
        assert.ok(reply.lines.at(-1)!.startsWith(`${reply.code} `) || reply.lines.length === 1);
        for (const line of reply.lines) {
          assert.ok(!line.includes("\n"));
          assert.ok(encoder.encode(line).length <= 64 * 3, "a line over the limit got through");
          lineBytes += line.length;
        }
      }
      // Decoding never makes more characters than there were bytes.
      assert.ok(lineBytes <= bytes.length);
    }),
    fuzzParams(),
  );
});

Deno.test("ReplyParser: no reply is ever larger than maxReplyBytes, however long it runs", () => {
  // ASCII only, so that a decoded line has exactly as many bytes as it came with.
  const line = fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 60,
  });
  const multiLine = fc.tuple(
    fc.integer({ min: 100, max: 599 }),
    fc.array(line, { minLength: 5, maxLength: 80, size: "max" }),
    fc.boolean(),
  ).map(([code, lines, ends]) =>
    encoder.encode(
      [`${code}-start`, ...lines.map((l) => ` ${l}`), ...(ends ? [`${code} end`] : [])]
        .map((l) => `${l}\r\n`).join(""),
    )
  );
  fc.assert(
    fc.property(fc.array(multiLine, { maxLength: 3 }).map(concat), cuts, (bytes, at) => {
      const { replies } = runParser(split(bytes, at));
      for (const reply of replies) {
        const size = reply.lines.reduce((n, l) => n + l.length + 2, 0);
        assert.ok(size <= 256, `a ${size}-byte reply got through the 256-byte limit`);
      }
    }),
    fuzzParams(),
  );
});

Deno.test("ReplyParser: how the bytes are split into reads changes nothing", () => {
  fc.assert(
    fc.property(anyBytes, cuts, (bytes, at) => {
      const whole = runParser([bytes]);
      const pieces = runParser(split(bytes, at));
      assert.equal(pieces.failed, whole.failed);
      if (!whole.failed) assert.deepEqual(pieces.replies, whole.replies);
      const bytewise = runParser([...bytes].map((b) => Uint8Array.of(b)));
      assert.equal(bytewise.failed, whole.failed);
      if (!whole.failed) assert.deepEqual(bytewise.replies, whole.replies);
    }),
    fuzzParams(),
  );
});

const replyText = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, " "));
const wellFormed = fc.record({
  code: fc.integer({ min: 100, max: 599 }),
  lines: fc.array(replyText, { minLength: 1, maxLength: 4 }),
});

Deno.test("ReplyParser: well-formed single and multi-line replies round-trip, CRLF or LF", () => {
  fc.assert(
    fc.property(fc.array(wellFormed, { maxLength: 6 }), fc.boolean(), cuts, (replies, lf, at) => {
      const end = lf ? "\n" : "\r\n";
      const text = replies.map(({ code, lines }) =>
        lines.length === 1 ? `${code} ${lines[0]}${end}` : [
          `${code}-${lines[0]}`,
          // Inner lines must not look like the end line.
          ...lines.slice(1, -1).map((l) => ` ${l}`),
          `${code} ${lines.at(-1)}`,
        ].join(end) + end
      ).join("");
      const parsed = runParser(split(encoder.encode(text), at), {
        maxLineBytes: 65536,
        maxReplyBytes: 1 << 20,
      });
      assert.equal(parsed.failed, false);
      assert.deepEqual(parsed.replies.map((r) => r.code), replies.map((r) => r.code));
      for (const [i, reply] of parsed.replies.entries()) {
        const lines = replies[i].lines;
        const expected = lines.length === 1
          ? lines[0]
          : [lines[0], ...lines.slice(1, -1).map((l) => ` ${l}`), lines.at(-1)].join("\n");
        assert.equal(reply.text, expected);
      }
    }),
    fuzzParams(),
  );
});

Deno.test("LineSplitter: any bytes, any split: the same lines (or the same failure) as one read", () => {
  const run = (chunks: Uint8Array[]) => {
    const splitter = new LineSplitter({ maxLineBytes: 48 });
    const lines: string[] = [];
    try {
      for (const chunk of chunks) lines.push(...splitter.push(chunk));
      lines.push(...splitter.end());
    } catch (error) {
      assert.ok(error instanceof FtpProtocolError, String(error));
      return { lines, failed: true };
    }
    return { lines, failed: false };
  };
  fc.assert(
    fc.property(anyBytes, cuts, (bytes, at) => {
      // A line of exactly the limit followed by CR: see the ignored test below.
      fc.pre(!hasLineOfLength(bytes, 48));
      const whole = run([bytes]);
      const pieces = run(split(bytes, at));
      assert.equal(pieces.failed, whole.failed);
      if (!whole.failed) {
        assert.deepEqual(pieces.lines, whole.lines);
        for (const line of whole.lines) assert.ok(!line.includes("\n"));
      }
    }),
    fuzzParams(),
  );
});

/** Whether some line, CR stripped, is exactly `length` bytes and followed by CR. */
function hasLineOfLength(bytes: Uint8Array, length: number): boolean {
  let start = 0;
  // Bounded by the byte count.
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (i - start === length + 1 && bytes[i - 1] === 0x0d) return true;
      start = i + 1;
    }
  }
  return false;
}

Deno.test({
  name: "LineSplitter: a line of exactly maxLineBytes is accepted whatever the read boundary",
  fn: () => {
    const whole = new LineSplitter({ maxLineBytes: 4 });
    assert.deepEqual(whole.push(encoder.encode("abcd\r\n")), ["abcd"]);
    const pieces = new LineSplitter({ maxLineBytes: 4 });
    const lines = [...pieces.push(encoder.encode("abcd\r")), ...pieces.push(encoder.encode("\n"))];
    assert.deepEqual(lines, ["abcd"]);
  },
});

function assertAddress(address: DataAddress): void {
  assert.ok(Number.isInteger(address.port) && address.port >= 1 && address.port <= 65535);
  const octets = address.host.split(".").map(Number);
  assert.equal(octets.length, 4);
  assert.ok(octets.every((o) => Number.isInteger(o) && o >= 0 && o <= 255), address.host);
}

const octet = fc.integer({ min: 0, max: 300 });
const pasvText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.tuple(fc.string({ maxLength: 20 }), fc.array(octet, { minLength: 6, maxLength: 6 }))
    .map(([prefix, n]) => `${prefix}(${n.join(",")})`),
);

Deno.test("PASV and EPSV replies: a valid address or FtpProtocolError, never anything else", () => {
  fc.assert(
    fc.property(pasvText, (text) => {
      let address: DataAddress;
      try {
        address = parsePasvReply(text);
      } catch (error) {
        assert.ok(error instanceof FtpProtocolError, String(error));
        return;
      }
      assertAddress(address);
    }),
    fuzzParams(),
  );
  const epsvText = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.tuple(
      fc.constantFrom("|", "!", " ", "\u0000", "(", "1", "\u00e9"),
      fc.oneof(fc.nat({ max: 100_000 }).map(String), fc.string({ maxLength: 6 })),
      fc.array(fc.constantFrom("", "1", "2", "::1", "127.0.0.2"), { minLength: 2, maxLength: 2 }),
    ).map(([d, port, [a, b]]) =>
      `229 Entering Extended Passive Mode (${d}${a}${d}${b}${d}${port}${d})`
    ),
  );
  fc.assert(
    fc.property(epsvText, (text) => {
      let port: number;
      try {
        port = parseEpsvReply(text);
      } catch (error) {
        assert.ok(error instanceof FtpProtocolError, String(error));
        return;
      }
      assert.ok(Number.isInteger(port) && port >= 1 && port <= 65535, `${text} -> ${port}`);
    }),
    fuzzParams(),
  );
});

Deno.test("PORT and EPRT: valid addresses round-trip; any argument parses to a valid address or undefined", () => {
  const port = fc.integer({ min: 1, max: 65535 });
  fc.assert(
    fc.property(fc.ipV4(), port, (host, p) => {
      const address = { host, port: p };
      assert.deepEqual(parsePortArgument(formatPortArgument(address)), address);
      assert.deepEqual(parseEprtArgument(formatEprtArgument(address)), address);
    }),
    fuzzParams(),
  );
  fc.assert(
    fc.property(fc.ipV6(), port, (host, p) => {
      const address = { host, port: p };
      assert.deepEqual(parseEprtArgument(formatEprtArgument(address)), address);
      assert.throws(() => formatPortArgument(address), FtpInputError);
    }),
    fuzzParams(),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (text) => {
      for (const parse of [parsePortArgument, parseEprtArgument]) {
        const address = parse(text);
        if (address === undefined) continue;
        assert.ok(address.port >= 1 && address.port <= 65535);
        assert.ok(!/[\r\n\0|]/.test(address.host), address.host);
      }
    }),
    fuzzParams(),
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), fc.integer(), (host, p) => {
      for (const format of [formatPortArgument, formatEprtArgument]) {
        try {
          format({ host, port: p });
        } catch (error) {
          assert.ok(error instanceof FtpInputError, String(error));
        }
      }
    }),
    fuzzParams(),
  );
});

const SECRET_PASSWORD = "Zq-Fuzz-Secret";
const urlPart = fc.string({ unit: "binary", maxLength: 16 });
const urlish = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.tuple(
    fc.constantFrom("ftp://", "ftps://", "ftpes://", "FTP://", "http://", "ftp+x://"),
    fc.oneof(fc.constant(""), urlPart.map((u) => `${u}:${SECRET_PASSWORD}@`)),
    fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6().map((h) => `[${h}]`), urlPart),
    // Port 0 is left to the ignored test below (it parses today).
    fc.oneof(
      fc.constant(""),
      fc.integer({ min: -5, max: 70_000 }).filter((p) => p !== 0).map((p) => `:${p}`),
    ),
    fc.oneof(urlPart, fc.webPath()),
  ).map(([scheme, auth, host, port, path]) => `${scheme}${auth}${host}${port}/${path}`),
);
/** The same, with a mangled scheme: a typo, a missing colon, a digit first, nothing at all. */
const badSchemeUrl = fc.tuple(
  fc.constantFrom(
    "ftp//",
    "//",
    "://",
    "1ftp://",
    "ftp :// ",
    "f tp://",
    "ftp:\\\\",
    "ftp:/\u0001",
  ),
  urlPart,
  fc.domain(),
).map(([scheme, user, host]) => `${scheme}${user}:${SECRET_PASSWORD}@${host}/`);

Deno.test("parseFtpUrl: any text parses to safe parts (no CR, LF, NUL; a real port) or throws FtpInputError", () => {
  fc.assert(
    fc.property(fc.oneof(urlish, badSchemeUrl), (text) => {
      let url;
      try {
        url = parseFtpUrl(text);
      } catch (error) {
        assert.ok(error instanceof FtpInputError, String(error));
        return;
      }
      assert.ok(["none", "explicit", "implicit"].includes(url.secure));
      assert.ok(url.host.length > 0);
      assert.ok(Number.isInteger(url.port) && url.port >= 1 && url.port <= 65535, text);
      for (const part of [url.host, url.user, url.path]) {
        if (part !== undefined) assert.ok(!/[\r\n\0]/.test(part), JSON.stringify(part));
      }
      if (url.password !== undefined) assert.ok(!/[\r\n\0]/.test(url.password));
    }),
    fuzzParams(),
  );
});

Deno.test("parseFtpUrl and redactUrl never echo the password of a well-formed scheme", () => {
  fc.assert(
    fc.property(urlish, (text) => {
      try {
        parseFtpUrl(text);
      } catch (error) {
        assert.ok(!(error as Error).message.includes(SECRET_PASSWORD), (error as Error).message);
      }
      assert.ok(!redactUrl(text).includes(`:${SECRET_PASSWORD}@`), redactUrl(text));
    }),
    fuzzParams(),
  );
});

Deno.test({
  name: "parseFtpUrl never echoes the password, even when the scheme is mangled",
  // Found by this suite (redactUrl needed a well-formed "scheme://"), fixed in a1cb292.
  fn: () => {
    for (const text of ["ftp//bob:Secr3t@127.0.0.1/", "//bob:Secr3t@h/", "1ftp://bob:Secr3t@h/"]) {
      const error = (() => {
        try {
          parseFtpUrl(text);
        } catch (e) {
          return e as Error;
        }
      })();
      assert.ok(error instanceof FtpInputError, text);
      assert.ok(!error.message.includes("Secr3t"), error.message);
    }
    fc.assert(
      fc.property(badSchemeUrl, (text) => {
        try {
          parseFtpUrl(text);
        } catch (error) {
          assert.ok(!(error as Error).message.includes(SECRET_PASSWORD), (error as Error).message);
        }
      }),
      fuzzParams(),
    );
  },
});

Deno.test({
  name: "parseFtpUrl refuses port 0",
  fn: () => {
    for (const text of ["ftp://h:0/", "ftps://[::1]:0/", "ftp://u:p@h:000/x"]) {
      assert.throws(() => parseFtpUrl(text), FtpInputError, text);
    }
  },
});

Deno.test("parseFtpUrl: percent-encoded parts round-trip exactly", () => {
  const safe = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).filter((s) =>
    !/[\r\n\0]/.test(s)
  );
  fc.assert(
    fc.property(
      safe,
      safe,
      // "." and ".." are dot segments, which URL parsing resolves away.
      fc.array(safe.filter((s) => s !== "." && s !== ".."), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 65535 }),
      (user, password, segments, port) => {
        const enc = encodeURIComponent;
        const path = segments.map(enc).join("/");
        const url = parseFtpUrl(`ftp://${enc(user)}:${enc(password)}@example.com:${port}/${path}`);
        assert.equal(url.user, user);
        assert.equal(url.password, password);
        assert.equal(url.port, port);
        assert.equal(url.path, segments.join("/"));
      },
    ),
    fuzzParams(),
  );
});
