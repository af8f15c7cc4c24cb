/**
 * Building command lines safely and redacting secrets from them.
 *
 * @module
 */

import { FtpInputError } from "../errors.ts";

const FORBIDDEN = /[\r\n\0]/;
const SECRET_VERBS = new Set(["PASS", "ACCT"]);
const VERB = /^[A-Za-z]{3,4}$/;

/**
 * Refuses text that would break out of a command line: CR and LF end the
 * command early and let the rest run as a second command; NUL truncates it on
 * many servers.
 *
 * @param value The argument or path to check.
 * @param what How to name the value in the error, such as `"path"`.
 * @param echo Whether the error may quote the value: `true`, `false` for
 * secrets, or the text to quote instead (such as a redacted form).
 * @returns The value, unchanged.
 * @throws {FtpInputError} If the value holds CR, LF or NUL.
 *
 * @example
 * ```ts
 * import { assertSafeArgument } from "@ferry/ftp/protocol";
 *
 * assertSafeArgument("reports/2026.csv", "path"); // fine
 * // assertSafeArgument("a\r\nDELE b", "path");  // throws FtpInputError
 * ```
 */
export function assertSafeArgument(
  value: string,
  what = "argument",
  echo: boolean | string = true,
): string {
  if (typeof value !== "string") {
    throw new FtpInputError(`The ${what} must be a string, got ${typeof value}`);
  }
  if (FORBIDDEN.test(value)) {
    const quoted = echo === true ? value : echo;
    const shown = quoted === false ? "" : ` ${JSON.stringify(quoted)}`;
    throw new FtpInputError(
      `The ${what}${shown} contains CR, LF or NUL, which FTP cannot carry in a command; nothing was sent`,
    );
  }
  return value;
}

/**
 * Builds one command line (without CRLF) from a verb and an optional
 * argument, refusing anything that could inject another command.
 *
 * @param verb The command verb, such as `"RETR"`.
 * @param argument The argument, such as a path. Omitted when `undefined`.
 * @returns The command line, such as `"RETR a.txt"`.
 * @throws {FtpInputError} On a malformed verb or an unsafe argument.
 *
 * @example
 * ```ts
 * import { formatCommand } from "@ferry/ftp/protocol";
 *
 * console.log(formatCommand("RETR", "notes 2026.txt")); // "RETR notes 2026.txt"
 * ```
 */
export function formatCommand(verb: string, argument?: string): string {
  if (!VERB.test(verb)) {
    throw new FtpInputError(
      `${JSON.stringify(verb)} is not an FTP command verb (3 or 4 letters)`,
    );
  }
  if (argument === undefined) return verb;
  const secret = SECRET_VERBS.has(verb.toUpperCase());
  return `${verb} ${
    assertSafeArgument(argument, secret ? "password or account" : "argument", !secret)
  }`;
}

const SECRET_COMMAND = /^(\s*(?:PASS|ACCT))(\s+)[\s\S]*$/i;

/**
 * Replaces the argument of `PASS` and `ACCT` with `***` so that command lines
 * can go into logs, events and errors.
 *
 * @param line A command line as sent.
 * @returns The line, with any secret argument replaced.
 *
 * @example
 * ```ts
 * import { redactCommand } from "@ferry/ftp/protocol";
 *
 * console.log(redactCommand("PASS hunter2")); // "PASS ***"
 * console.log(redactCommand("CWD /pub"));     // "CWD /pub"
 * ```
 */
export function redactCommand(line: string): string {
  return line.replace(SECRET_COMMAND, "$1$2***");
}
