// src/cli/_printable.ts
var CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
function escape(char) {
  const code = char.charCodeAt(0);
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  if (char === "	") return "\\t";
  return code <= 255 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}
function printable(text) {
  return text.replace(CONTROL, escape);
}
function printableLines(text) {
  return text.split("\n").map(printable).join("\n");
}

export {
  printable,
  printableLines
};
