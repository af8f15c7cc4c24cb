// The secret matcher that the control connection tests every reply with and
// the runner's redactor replaces with: what it finds, and that it does not
// run its expression on text that cannot hold a secret (compiling it cost a
// one-file get most of a millisecond of start-up: docs/performance.md, "Cold
// start", sixth round).

import assert from "node:assert/strict";
import { secretMatcher, secretPattern } from "../../src/protocol/mod.ts";

/** The pattern as it was written before its ASCII fast path (the reference). */
function referencePattern(secret: string): string {
  const hexDigit = (digit: string) =>
    /[a-f]/i.test(digit) ? `[${digit.toLowerCase()}${digit.toUpperCase()}]` : digit;
  const percentEncoded = (char: string) =>
    [...new TextEncoder().encode(char)].map((byte) => {
      const hex = byte.toString(16).padStart(2, "0");
      return `%(?:25)?${hexDigit(hex[0])}${hexDigit(hex[1])}`;
    }).join("");
  return [...secret].map((char) => {
    const literal = char.replace(/[\\^$.*+?()[\]{}|/]/gu, "\\$&");
    const forms = [literal, percentEncoded(char)];
    if (char === " ") forms.push("\\+");
    return `(?:${forms.join("|")})`;
  }).join("");
}

Deno.test("secretPattern writes the same pattern for every character as before its ASCII fast path", () => {
  const secrets: string[] = [];
  for (let code = 1; code < 0x800; code++) secrets.push(String.fromCodePoint(code));
  secrets.push("anonymous@", "p@ss w0rd!", "a]b[c\\d^$", "é😀x", "\u{10FFFF}", "日本語 パス");
  for (const secret of secrets) {
    assert.equal(secretPattern(secret), referencePattern(secret), JSON.stringify(secret));
  }
});

Deno.test("secretPattern of an ASCII secret encodes nothing and runs no regular expression", () => {
  const counts = { encode: 0, regExp: 0 };
  const encode = TextEncoder.prototype.encode;
  const exec = RegExp.prototype.exec;
  TextEncoder.prototype.encode = function (this: TextEncoder, text?: string) {
    counts.encode++;
    return encode.call(this, text);
  };
  // A regular expression's test, match and replace all run its exec.
  RegExp.prototype.exec = function (this: RegExp, text: string) {
    counts.regExp++;
    return exec.call(this, text);
  };
  try {
    secretPattern("anonymous@ (a+b)");
  } finally {
    TextEncoder.prototype.encode = encode;
    RegExp.prototype.exec = exec;
  }
  assert.deepEqual(counts, { encode: 0, regExp: 0 });
});

/** Counts the runs of `matcher`'s expression: `test` runs it through `exec`. */
function countRuns(matcher: RegExp): { runs: number } {
  const counter = { runs: 0 };
  Object.defineProperty(matcher, "exec", {
    value(text: string) {
      counter.runs++;
      return RegExp.prototype.exec.call(matcher, text);
    },
  });
  return counter;
}

Deno.test("secretMatcher's test runs no expression on replies that hold neither a secret nor a % or +", () => {
  for (const short of ["alone", "skip"] as const) {
    const matcher = secretMatcher(["anonymous@", "pw"], short)!;
    const counter = countRuns(matcher);
    for (
      const reply of [
        "220 (vsFTPd 3.0.3)",
        "331 Please specify the password.",
        "230 Login successful.",
        "229 Entering Extended Passive Mode (|||40000|)",
        "226 Transfer complete.",
      ]
    ) {
      assert.equal(matcher.test(reply), false, reply);
    }
    assert.equal(counter.runs, 0, short);
  }
});

Deno.test("secretMatcher's test and replace find a secret in every form, as the plain expression does", () => {
  const secrets = ["anonymous@", "pw", "two words", "pässwört"];
  const texts = [
    "230 anonymous@ logged in",
    "530 anonymous%40 refused",
    "530 anonymous%2540 refused",
    "550 %61nonymous@",
    "550 two+words",
    "550 two%20words",
    "550 p%C3%A4sswört",
    "550 pw",
    "550 pwd",
    "550 (pw)",
    "550 100% sure",
    "550 a+b",
    "550 nothing here",
    "",
  ];
  for (const short of ["alone", "skip"] as const) {
    const matcher = secretMatcher(secrets, short)!;
    const plain = new RegExp(matcher.source, matcher.flags);
    assert.ok(matcher instanceof RegExp);
    for (const text of texts) {
      matcher.lastIndex = plain.lastIndex = 0;
      assert.equal(matcher.test(text), plain.test(text), `${short}: ${text}`);
      assert.equal(matcher.lastIndex, plain.lastIndex, `${short}: ${text}`);
      assert.equal(text.replace(matcher, "***"), text.replace(plain, "***"), `${short}: ${text}`);
      assert.deepEqual(text.split(matcher), text.split(plain), `${short}: ${text}`);
      assert.deepEqual(
        [...text.matchAll(matcher)].map((m) => m.index),
        [...text.matchAll(plain)].map((m) => m.index),
      );
    }
  }
  // A global expression's test goes on from where the last one stopped.
  const matcher = secretMatcher(["anonymous@"], "skip")!;
  assert.equal(matcher.test("anonymous@ and anonymous@"), true);
  assert.equal(matcher.lastIndex, 10);
  assert.equal(matcher.test("anonymous@ and anonymous@"), true);
  assert.equal(matcher.test("anonymous@ and anonymous@"), false);
  assert.equal(matcher.lastIndex, 0);
});
