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

/** A hex digit that matches either case. */
function hexDigit(digit: string): string {
  return /[a-f]/i.test(digit) ? `[${digit.toLowerCase()}${digit.toUpperCase()}]` : digit;
}

/**
 * The percent-encoded form of a character's UTF-8 bytes, either hex case,
 * also encoded twice (`%2521`, a URL encoded once more).
 */
function percentEncoded(char: string): string {
  return [...encoder.encode(char)]
    .map((byte) => {
      const hex = byte.toString(16).padStart(2, "0");
      return `%(?:25)?${hexDigit(hex[0])}${hexDigit(hex[1])}`;
    })
    .join("");
}

/**
 * A regular expression source (for the `u` flag) matching `secret` with each
 * character as is or percent-encoded, independently.
 *
 * @param secret A non-empty secret.
 * @returns The pattern source.
 */
export function secretPattern(secret: string): string {
  return [...secret].map((char) => {
    const literal = char.replace(/[\\^$.*+?()[\]{}|/]/gu, "\\$&");
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
  for (const secret of unique) {
    const pattern = secretPattern(secret);
    if ([...secret].length >= MIN_SECRET_LENGTH) patterns.push(pattern);
    else if (short === "alone") patterns.push(`(?<![\\p{L}\\p{N}])${pattern}(?![\\p{L}\\p{N}])`);
  }
  return patterns.length === 0 ? undefined : new RegExp(patterns.join("|"), "gu");
}
