import assert from "node:assert/strict";
import {
  formatTimeVal,
  FtpInputError,
  joinRemotePath,
  parseAnnouncedSize,
  parseFeatures,
  parseFtpUrl,
  parsePathReply,
  parseTimeVal,
  redactUrl,
  remotePathPrefixes,
  unsafeNameReason,
} from "../../mod.ts";

Deno.test("time values parse as UTC and format back to the second", () => {
  assert.equal(parseTimeVal("20260102030405")?.toISOString(), "2026-01-02T03:04:05.000Z");
  assert.equal(parseTimeVal("20260102030405.5")?.toISOString(), "2026-01-02T03:04:05.500Z");
  assert.equal(parseTimeVal("20260230000000"), undefined);
  assert.equal(parseTimeVal("2026010203040"), undefined);
  assert.equal(formatTimeVal(new Date("2026-01-02T03:04:05.900Z")), "20260102030405");
  assert.throws(() => formatTimeVal(new Date(NaN)), FtpInputError);
});

Deno.test("FEAT features are read by upper-case name", () => {
  const features = parseFeatures({
    code: 211,
    text: "",
    lines: ["211-Features:", " mdtm", " MLST type*;size*;", " REST STREAM", "211 End"],
  });
  assert.deepEqual([...features], [["MDTM", ""], ["MLST", "type*;size*;"], ["REST", "STREAM"]]);
  assert.equal(parseFeatures({ code: 500, text: "", lines: ["500 no"] }).size, 0);
});

Deno.test("URLs: schemes, defaults, percent-decoding, RFC 1738 paths", () => {
  assert.deepEqual(parseFtpUrl("ftp://us%40er:p%3Ass@host:2121/a%20b/c"), {
    secure: "none",
    host: "host",
    port: 2121,
    user: "us@er",
    password: "p:ss",
    path: "a b/c",
  });
  assert.deepEqual(parseFtpUrl("ftps://[::1]/"), { secure: "implicit", host: "::1", port: 990 });
  assert.equal(parseFtpUrl("ftpes://h").port, 21);
  assert.equal(parseFtpUrl("ftp://h//srv/www").path, "/srv/www");
  assert.equal(parseFtpUrl("ftp://h/%2Fsrv").path, "/srv");
});

Deno.test("URLs: bad input is refused and the password never echoed", () => {
  for (
    const url of ["http://h/", "ftp://", "not a url", "ftp://h/a%0d%0aDELE%20x", "ftp://h/%zz"]
  ) {
    assert.throws(() => parseFtpUrl(url), FtpInputError, url);
  }
  assert.throws(() => parseFtpUrl("gopher://bob:hunter2@h/"), (error: Error) => {
    assert.ok(!error.message.includes("hunter2"));
    return true;
  });
  assert.equal(redactUrl("ftp://bob:hunter2@h/x"), "ftp://bob:***@h/x");
  assert.equal(redactUrl("ftp://h/x"), "ftp://h/x");
});

Deno.test("reply texts: quoted paths, announced sizes", () => {
  assert.equal(parsePathReply('"/a ""b""" is current'), '/a "b"');
  assert.equal(parsePathReply("no quotes"), undefined);
  assert.equal(parsePathReply('"unterminated'), undefined);
  assert.equal(parseAnnouncedSize("Opening BINARY mode data connection for x (1234 bytes)."), 1234);
  assert.equal(parseAnnouncedSize("Opening data connection"), undefined);
});

Deno.test("remote paths: join, prefixes, unsafe names", () => {
  assert.equal(joinRemotePath("/", "a"), "/a");
  assert.equal(joinRemotePath("d", "a"), "d/a");
  assert.deepEqual(remotePathPrefixes("/a//b/./c/"), ["/a", "/a/b", "/a/b/c"]);
  for (const name of ["", ".", "..", "a/b", "..\\x", "a\0", "a\nb", "C:x"]) {
    assert.ok(unsafeNameReason(name), JSON.stringify(name));
  }
  for (const name of ["a", " spaced ", "Grüße", "...", "ab:c"]) {
    assert.equal(unsafeNameReason(name), undefined, name);
  }
});

Deno.test("redactUrl hides passwords holding @ or /, even in URLs that do not parse", () => {
  assert.equal(redactUrl("ftp://bob:pa/ss@example.com/"), "ftp://bob:***@example.com/");
  assert.equal(redactUrl("ftp://bob:p@ss@example.com/x"), "ftp://bob:***@example.com/x");
  for (const url of ["ftp://bob:pa/ss@example.com/", "gopher://bob:p@ss@h"]) {
    assert.throws(() => parseFtpUrl(url), (error: Error) => {
      assert.ok(!/pa\/ss|p@ss/.test(error.message), error.message);
      return true;
    });
  }
});

Deno.test("property: time values round-trip to the second, and any text parses or is refused", async () => {
  const fc = (await import("fast-check")).default;
  fc.assert(
    fc.property(
      fc.date({ min: new Date("0100-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }),
      (date) => {
        const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000);
        assert.equal(parseTimeVal(formatTimeVal(date))?.getTime(), seconds.getTime());
      },
    ),
    { seed: 42, numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (text) => {
      const date = parseTimeVal(text);
      assert.ok(date === undefined || !Number.isNaN(date.getTime()));
    }),
    { seed: 42, numRuns: 2000 },
  );
  for (
    const bad of [
      "2026010203040x",
      "20260102030405.",
      "20260102030405.1234567890",
      "+0260102030405",
    ]
  ) {
    assert.equal(parseTimeVal(bad), undefined, bad);
  }
});
