import {
  FtpInputError
} from "./chunk-UN72SBEK.js";

// src/protocol/command.ts
var FORBIDDEN = /[\r\n\0]/;
var SECRET_VERBS = /* @__PURE__ */ new Set([
  "PASS",
  "ACCT"
]);
var VERB = /^[A-Za-z]{3,4}$/;
function assertSafeArgument(value, what = "argument", echo = true) {
  if (typeof value !== "string") {
    throw new FtpInputError(`The ${what} must be a string, got ${typeof value}`);
  }
  if (FORBIDDEN.test(value)) {
    const quoted = echo === true ? value : echo;
    const shown = quoted === false ? "" : ` ${JSON.stringify(quoted)}`;
    throw new FtpInputError(`The ${what}${shown} contains CR, LF or NUL, which FTP cannot carry in a command; nothing was sent`);
  }
  return value;
}
function formatCommand(verb, argument) {
  if (!VERB.test(verb)) {
    throw new FtpInputError(`${JSON.stringify(verb)} is not an FTP command verb (3 or 4 letters)`);
  }
  if (argument === void 0) return verb;
  const secret = SECRET_VERBS.has(verb.toUpperCase());
  return `${verb} ${assertSafeArgument(argument, secret ? "password or account" : "argument", !secret)}`;
}
var SECRET_COMMAND = /^(\s*(?:PASS|ACCT))(\s+)[\s\S]*$/i;
function redactCommand(line) {
  return line.replace(SECRET_COMMAND, "$1$2***");
}

export {
  assertSafeArgument,
  formatCommand,
  redactCommand
};
