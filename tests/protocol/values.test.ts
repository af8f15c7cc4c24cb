import assert from "node:assert/strict";
import { FtpInputError, parseFtpUrl, redactUrl } from "../../mod.ts";
import {
  formatTimeVal,
  joinRemotePath,
  parseAnnouncedSize,
  parseFeatures,
  parsePathReply,
  parseTimeVal,
  remotePathPrefixes,
  unsafeNameReason,
} from "../../src/protocol/mod.ts";

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

// A password (or user name) holding an unencoded "@", "/", "?", "#" or "\"
// splits the URL in the wrong place: a fragment of the password becomes the
// host or the port, the rest the path. Such URLs are refused before anything
// is looked up or sent, and the error names no part of the password.
const FRAGMENTS = ["Qz7", "Vw9", "Kp3", "Jx5"];

Deno.test("URLs whose user info holds an unencoded @ / ? # or \\ are refused, naming no part of the password", () => {
  const broken = [
    "ftp://bob:Qz7@Vw9@host/",
    "ftp://bob:Qz7@Vw9@host:2121/pub",
    "ftp://bob:Qz7/Vw9@host/",
    "ftp://bob:Qz7#Vw9@host/",
    "ftp://bob:Qz7?Vw9@host/",
    "ftp://bob:Qz7\\Vw9@host/",
    "ftp://bob:2121/Vw9@host/", // parses as host "bob", port 2121
    "ftp://bob:/Vw9@host/", // parses as host "bob", default port
    "ftp://bob:1#Vw9@host",
    "ftp://bob:Qz7@127.0.0.2/Vw9@host/", // parses as host 127.0.0.2
    "ftp://bob:Qz7@Vw9/Kp3#Jx5@host:990/",
    "ftps://bob:Qz7@Vw9/Kp3@host/",
    "ftpes://bob:Qz7@Vw9@host/",
    "ftpes://bob:Qz7/Vw9@host/x",
    "ftp://:Qz7/Vw9@host/",
    "ftp://bob:Qz7@[::1]/Vw9@host/",
    "FTP://bob:Qz7@Vw9@host/",
  ];
  for (const url of broken) {
    assert.throws(() => parseFtpUrl(url), (error: Error) => {
      assert.ok(error instanceof FtpInputError, `${url}: ${error}`);
      assert.match(error.message, /percent-encode/, url);
      for (const fragment of FRAGMENTS) {
        assert.ok(!error.message.includes(fragment), `${url}: ${error.message}`);
      }
      return true;
    }, url);
  }
});

Deno.test("URLs: an @ in the path, and encoded special characters in the user info, still work", () => {
  assert.equal(
    parseFtpUrl("ftp://host/pub/user@example.com/file").path,
    "pub/user@example.com/file",
  );
  assert.deepEqual(parseFtpUrl("ftp://bob@host/~bob@site/"), {
    secure: "none",
    host: "host",
    port: 21,
    user: "bob",
    path: "~bob@site/",
  });
  assert.equal(parseFtpUrl("ftp://bob@host:2121/a@b").path, "a@b");
  assert.deepEqual(parseFtpUrl("ftp://bob:Qz7%40Vw9%2FKp3%23Jx5%3F%5C@host:2121/a%40b"), {
    secure: "none",
    host: "host",
    port: 2121,
    user: "bob",
    password: "Qz7@Vw9/Kp3#Jx5?\\",
    path: "a@b",
  });
  assert.equal(parseFtpUrl("ftpes://bob:p%2fss@[::1]:21/x").password, "p/ss");
  assert.equal(parseFtpUrl("ftp://us%40er@host/").user, "us@er");
  assert.equal(parseFtpUrl("ftp://bob:S3cr3t-P4ss!'()*@host/").password, "S3cr3t-P4ss!'()*");
  assert.equal(parseFtpUrl("ftp://h:21/").port, 21);
});

Deno.test("URLs: an unencoded @ after a port or a password is ambiguous, so refused with the fix", () => {
  // "ftp://host:2121/a@b" is also what "ftp://host:2121/a@b" with the password
  // "2121/a" would look like unencoded: the error says how to write either.
  for (const url of ["ftp://host:2121/a@b", "ftp://bob:pw@host/a@b"]) {
    assert.throws(() => parseFtpUrl(url), (error: Error) => {
      assert.ok(error instanceof FtpInputError);
      assert.match(error.message, /%40/);
      return true;
    });
  }
});
