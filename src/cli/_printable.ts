// Text from a server (names, reply texts) or a task file goes to a
// terminal, where control characters are commands: ESC starts colour,
// cursor and OSC sequences (window titles, hyperlinks, clipboard writes),
// CR overwrites a line, and bidi overrides reorder what is shown. Each is
// shown as an escape instead, so that what is printed is what is there.

// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  if (char === "\t") return "\\t";
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** The text with every control character (newlines too) written as an escape. */
export function printable(text: string): string {
  return text.replace(CONTROL, escape);
}

/** Each line made printable; the line breaks stay. */
export function printableLines(text: string): string {
  return text.split("\n").map(printable).join("\n");
}
