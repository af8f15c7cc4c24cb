/**
 * Finding a secret (a password) in text, in every form it may be written in:
 * as is, or percent-encoded in any mixture (encodeURIComponent leaves
 * `!'()*` as they are, a stricter encoder does not; hex digits in either
 * case; a space as `%20` or `+`; encoded twice).
 *
 * A short secret is found only where it stands alone: text that merely
 * contains it (a password `x` in "exist") is not touched. The output
 * redactor goes further and leaves short secrets to its structural rules
 * (URL user info, PASS lines, password fields); see `MIN_SECRET_LENGTH`.
 *
 * @module
 */

/**
 * Secrets shorter than this (in characters) are too likely to occur in
 * unrelated text to be hidden wherever their text appears.
 */
export const MIN_SECRET_LENGTH = 6;

const encoder = new TextEncoder();

/** A hex digit (as `toString(16)` writes it: lower case) that matches either case. */
function hexDigit(digit: string): string {
  return digit >= "a" ? `[${digit}${digit.toUpperCase()}]` : digit;
}

/** A byte percent-encoded, either hex case, also encoded twice (`%2521`). */
function percentByte(byte: number): string {
  const hex = byte.toString(16).padStart(2, "0");
  return `%(?:25)?${hexDigit(hex[0])}${hexDigit(hex[1])}`;
}

/**
 * The percent-encoded form of a character's UTF-8 bytes, either hex case,
 * also encoded twice (`%2521`, a URL encoded once more).
 */
function percentEncoded(char: string): string {
  // An ASCII character is its own one byte: no encoder (its first use, and
  // the expressions this module used to run per character, cost a one-file
  // get about 2 ms of start-up for an anonymous login's password).
  const code = char.charCodeAt(0);
  if (char.length === 1 && code < 0x80) return percentByte(code);
  return [...encoder.encode(char)].map(percentByte).join("");
}

/** The characters a regular expression's pattern (`u` flag) must escape. */
const SYNTAX = "\\^$.*+?()[]{}|/";

/**
 * A regular expression source (for the `u` flag) matching `secret` with each
 * character as is or percent-encoded, independently.
 *
 * @param secret A non-empty secret.
 * @returns The pattern source.
 */
export function secretPattern(secret: string): string {
  return [...secret].map((char) => {
    const literal = SYNTAX.includes(char) ? `\\${char}` : char;
    const forms = [literal, percentEncoded(char)];
    if (char === " ") forms.push("\\+");
    return `(?:${forms.join("|")})`;
  }).join("");
}

/**
 * A global regular expression matching any of the secrets in any form:
 * secrets of `MIN_SECRET_LENGTH` characters or more wherever they occur;
 * shorter ones, with `short: "alone"`, only where no letter or digit
 * touches them, and with `short: "skip"`, not at all.
 *
 * @param secrets The secrets; empty ones are ignored.
 * @param short What to do with short secrets.
 * @returns The expression, or `undefined` when there is nothing to find.
 */
export function secretMatcher(
  secrets: Iterable<string>,
  short: "alone" | "skip",
): RegExp | undefined {
  const unique = [...new Set(secrets)].filter((secret) => secret !== "");
  // Longest first, so that a secret holding another is matched whole.
  unique.sort((a, b) => [...b].length - [...a].length);
  const patterns: string[] = [];
  // What any match holds: a secret as is, or an encoded character's `%`, or
  // the `+` of an encoded space.
  const clues = new Set(["%"]);
  for (const secret of unique) {
    const long = [...secret].length >= MIN_SECRET_LENGTH;
    if (!long && short === "skip") continue;
    const pattern = secretPattern(secret);
    patterns.push(long ? pattern : `(?<![\\p{L}\\p{N}])${pattern}(?![\\p{L}\\p{N}])`);
    clues.add(secret);
    if (secret.includes(" ")) clues.add("+");
  }
  return patterns.length === 0 ? undefined : new SecretMatcher(patterns.join("|"), [...clues]);
}

/**
 * The expression of {@linkcode secretMatcher}, whose `test` first looks for
 * what any match must hold and runs the expression only where it is found.
 * The client tests every reply with it, and replies almost never quote a
 * password or hold a `%`: the expression, compiled on its first run (with
 * `\p{…}` classes for a short secret), cost a one-file get most of a
 * millisecond of start-up. Anything else (`replace`, `exec`) is the plain
 * expression's.
 */
class SecretMatcher extends RegExp {
  // What `split` and `matchAll` construct: a plain copy, not this class.
  static override get [Symbol.species](): RegExpConstructor {
    return RegExp;
  }

  readonly #clues: readonly string[];

  constructor(source: string, clues: readonly string[]) {
    super(source, "gu");
    this.#clues = clues;
  }

  override test(input: string): boolean {
    const text = String(input);
    if (this.#clues.some((clue) => text.includes(clue))) return super.test(text);
    this.lastIndex = 0; // As a failed test of a global expression leaves it.
    return false;
  }
}
