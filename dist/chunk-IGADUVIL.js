import {
  redactUrl
} from "./chunk-KOF6ERUA.js";

// src/protocol/secret_text.ts
var MIN_SECRET_LENGTH = 6;
var encoder = new TextEncoder();
function hexDigit(digit) {
  return /[a-f]/i.test(digit) ? `[${digit.toLowerCase()}${digit.toUpperCase()}]` : digit;
}
function percentEncoded(char) {
  return [
    ...encoder.encode(char)
  ].map((byte) => {
    const hex = byte.toString(16).padStart(2, "0");
    return `%(?:25)?${hexDigit(hex[0])}${hexDigit(hex[1])}`;
  }).join("");
}
function secretPattern(secret) {
  return [
    ...secret
  ].map((char) => {
    const literal = char.replace(/[\\^$.*+?()[\]{}|/]/gu, "\\$&");
    const forms = [
      literal,
      percentEncoded(char)
    ];
    if (char === " ") forms.push("\\+");
    return `(?:${forms.join("|")})`;
  }).join("");
}
function secretMatcher(secrets, short) {
  const unique = [
    ...new Set(secrets)
  ].filter((secret) => secret !== "");
  unique.sort((a, b) => [
    ...b
  ].length - [
    ...a
  ].length);
  const patterns = [];
  for (const secret of unique) {
    const pattern = secretPattern(secret);
    if ([
      ...secret
    ].length >= MIN_SECRET_LENGTH) patterns.push(pattern);
    else if (short === "alone") patterns.push(`(?<![\\p{L}\\p{N}])${pattern}(?![\\p{L}\\p{N}])`);
  }
  return patterns.length === 0 ? void 0 : new RegExp(patterns.join("|"), "gu");
}

// src/runner/redact.ts
var URL_TOKEN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]*/gi;
var SECRET_COMMAND = /(^\s*|[>\]]\s*|")(PASS|ACCT)( +)(?!\*\*\*)[^\r\n"]*/gim;
var QUOTED_FIELD = /((?:^|[\s{,(])["']?[a-z_]*pass(?:word|wd)?["']?\s*[:=]\s*)("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*')/gim;
var LINE_FIELD = /^(\s*(?:- )?(?:password|passwd|pass):[ \t]+)(?!\$\{[A-Za-z_]\w*\}\s*$)(?=\S)[^\r\n]*/gim;
var VARIABLE = /\b([A-Z][A-Z0-9_]*PASS(?:WORD|WD)?[A-Z0-9_]*=)[^\s"']+/g;
function makeRedactor(secrets) {
  const matcher = secretMatcher(secrets, "skip");
  return (text) => {
    let out = matcher ? text.replace(matcher, "***") : text;
    out = out.replace(URL_TOKEN, redactUrl);
    out = out.replace(SECRET_COMMAND, "$1$2$3***");
    out = out.replace(QUOTED_FIELD, (_, key, value) => `${key}${value[0]}***${value[0]}`);
    out = out.replace(LINE_FIELD, "$1***");
    return out.replace(VARIABLE, "$1***");
  };
}
function urlPasswords(text) {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([\s\S]*)@/i.exec(text);
  if (!match || match[1] === "") return [];
  try {
    return [
      match[1],
      decodeURIComponent(match[1])
    ];
  } catch {
    return [
      match[1]
    ];
  }
}

// src/cli/_io.ts
function redactingIo(sinks) {
  const secrets = [];
  let redact = makeRedactor(secrets);
  return {
    stdout: (text) => sinks.stdout(redact(text)),
    stderr: (text) => sinks.stderr(redact(text)),
    hide(more) {
      secrets.push(...more);
      redact = makeRedactor(secrets);
    },
    redact: (text) => redact(text)
  };
}
var encoder2 = new TextEncoder();
function writer(stream) {
  return (text) => {
    const bytes = encoder2.encode(text);
    let offset = 0;
    while (offset < bytes.length) offset += stream.writeSync(bytes.subarray(offset));
  };
}
function processIo() {
  return redactingIo({
    stdout: writer(Deno.stdout),
    stderr: writer(Deno.stderr)
  });
}
function columns() {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}
var UsageError = class extends Error {
  /** Creates the error. */
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
};
var EXIT_INTERRUPTED = 130;
async function withInterrupt(io, job) {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) Deno.exit(EXIT_INTERRUPTED);
    io.stderr("\nferry: stopping (press Ctrl-C again to quit at once)\n");
    controller.abort(new DOMException("Interrupted by Ctrl-C", "AbortError"));
    const timer = setTimeout(() => Deno.exit(EXIT_INTERRUPTED), 1e4);
    Deno.unrefTimer(timer);
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSignal);
    listening = true;
  } catch {
  }
  try {
    return await job(controller.signal);
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onSignal);
  }
}

export {
  secretMatcher,
  makeRedactor,
  urlPasswords,
  processIo,
  columns,
  UsageError,
  EXIT_INTERRUPTED,
  withInterrupt
};
