/**
 * The one redactor every output passes through: the runner's events and
 * report, and everything the CLI prints or writes. It hides passwords by
 * where they stand, whatever it was given: the password part of any URL,
 * the argument of PASS and ACCT in a protocol line, the value of a password
 * field. And it hides the passwords it is given wherever their text appears,
 * as is or percent-encoded in any form, when they are long enough
 * (MIN_SECRET_LENGTH) not to turn up by chance in unrelated text: with a
 * password "x", "should-not-exist" must stay as it is.
 *
 * @module
 */

import { secretMatcher } from "../protocol/secret_text.ts";
import { redactUrl } from "../protocol/url.ts";

/** A URL-like token: a scheme, "://", and what follows up to a space or quote. */
const URL_TOKEN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]*/gi;

/**
 * PASS or ACCT as a command: at a line's start, after a trace's direction
 * mark (`> PASS x`) or a quote (`reply to "PASS x"`). Its argument runs to
 * the line's end or the closing quote. "USER and PASS first", in prose, is
 * not a command.
 */
const SECRET_COMMAND = /(^\s*|[>\]]\s*|")(PASS|ACCT)( +)(?!\*\*\*)[^\r\n"]*/gim;

/** A quoted password field (`"password": "x"`, `password = 'x'`). */
const QUOTED_FIELD =
  /((?:^|[\s{,(])["']?[a-z_]*pass(?:word|wd)?["']?\s*[:=]\s*)("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*')/gim;

/**
 * A password field at a line's start, as in YAML (`  password: x`), unless
 * it names a variable (`password: ${FTP_PASSWORD}`, no secret there).
 */
const LINE_FIELD =
  /^(\s*(?:- )?(?:password|passwd|pass):[ \t]+)(?!\$\{[A-Za-z_]\w*\}\s*$)(?=\S)[^\r\n]*/gim;

/** What SECRET_COMMAND, QUOTED_FIELD, LINE_FIELD and VARIABLE all contain. */
const NAMES_A_SECRET = /pass|acct/i;

/** A variable assignment (`FTP_PASSWORD=x`), as in a .env file or a shell. */
const VARIABLE = /\b([A-Z][A-Z0-9_]*PASS(?:WORD|WD)?[A-Z0-9_]*=)[^\s"']+/g;

/**
 * A function replacing by `***` every password in a URL, PASS/ACCT argument
 * and password field, and every secret of `MIN_SECRET_LENGTH` characters or
 * more (as is or percent-encoded in any form) wherever it appears.
 *
 * @example
 * ```ts
 * import { makeRedactor } from "@ferry/ftp/runner";
 *
 * const redact = makeRedactor(["hunter2-secret"]);
 * redact("ftp://ann:pw@127.0.0.1/ and hunter2-secret"); // "ftp://ann:***@127.0.0.1/ and ***"
 * ```
 */
export function makeRedactor(secrets: readonly string[]): (text: string) => string {
  const matcher = secretMatcher(secrets, "skip");
  return (text) => {
    let out = matcher ? text.replace(matcher, "***") : text;
    if (out.includes("://")) out = out.replace(URL_TOKEN, redactUrl);
    // Every pattern below needs PASS or ACCT (in any case): most text has
    // neither, and skipping them spares compiling four regular expressions
    // at a CLI's start and running them on every line after.
    if (!NAMES_A_SECRET.test(out)) return out;
    out = out.replace(SECRET_COMMAND, "$1$2$3***");
    out = out.replace(
      QUOTED_FIELD,
      (_, key: string, value: string) => `${key}${value[0]}***${value[0]}`,
    );
    out = out.replace(LINE_FIELD, "$1***");
    return out.replace(VARIABLE, "$1***");
  };
}

/**
 * The password of a URL as it was typed (raw and decoded), for hiding an
 * argument before it has been parsed, or when it cannot be.
 *
 * @example
 * ```ts
 * import { urlPasswords } from "@ferry/ftp/runner";
 *
 * urlPasswords("ftp://ann:p%40ss@127.0.0.1/"); // ["p%40ss", "p@ss"]
 * ```
 */
export function urlPasswords(text: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([\s\S]*)@/i.exec(text);
  if (!match || match[1] === "") return [];
  try {
    return [match[1], decodeURIComponent(match[1])];
  } catch {
    return [match[1]];
  }
}
