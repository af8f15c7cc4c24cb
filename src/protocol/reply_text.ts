/**
 * Values carried in the text of particular replies: the path in a 257, the
 * size in a 213, the announced transfer size in a 150.
 *
 * @module
 */

/**
 * Reads the quoted path of a 257 reply (PWD, MKD). Inside the quotes, `""`
 * stands for one `"` (RFC 959 appendix II).
 *
 * @param text The reply text, such as `"/pub" is the current directory`.
 * @returns The path, or `undefined` if the text holds no quoted path.
 *
 * @example
 * ```ts
 * import { parsePathReply } from "@ferry/ftp/protocol";
 * console.log(parsePathReply('"/a ""b""" created')); // '/a "b"'
 * ```
 */
export function parsePathReply(text: string): string | undefined {
  const start = text.indexOf('"');
  if (start === -1) return undefined;
  let path = "";
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== '"') {
      path += text[i];
    } else if (text[i + 1] === '"') {
      path += '"';
      i++;
    } else {
      return path;
    }
  }
  return undefined;
}

/**
 * Reads the byte count a 150 reply announces, such as
 * `Opening BINARY mode data connection for a.bin (1024 bytes).`
 *
 * @param text The reply text.
 * @returns The size, or `undefined` when not announced.
 *
 * @example
 * ```ts
 * import { parseAnnouncedSize } from "@ferry/ftp/protocol";
 * console.log(parseAnnouncedSize("Opening data connection (1024 bytes)")); // 1024
 * ```
 */
export function parseAnnouncedSize(text: string): number | undefined {
  // `(digits byte)` or `(digits bytes)`, any case, the first one: read in
  // place, with no regular expression (once a file).
  for (let open = text.indexOf("("); open !== -1; open = text.indexOf("(", open + 1)) {
    let end = open + 1;
    while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
    if (end === open + 1 || text.slice(end, end + 5).toLowerCase() !== " byte") continue;
    let after = end + 5;
    // "bytes" in any case: 0x20 folds an ASCII capital to its small letter.
    if ((text.charCodeAt(after) | 0x20) === 0x73) after++;
    if (text.charCodeAt(after) === 0x29) return Number(text.slice(open + 1, end));
  }
  return undefined;
}
