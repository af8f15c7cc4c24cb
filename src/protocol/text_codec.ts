/**
 * Text encodings for names on the wire. UTF-8 is the default (RFC 2640);
 * older servers use a legacy encoding such as Latin-1, Windows-1252, GBK or
 * Shift_JIS for file names, and ferry must both read and send those bytes.
 *
 * `TextDecoder` reads every encoding of the Encoding Standard, but
 * `TextEncoder` only writes UTF-8, so the encoder for a legacy encoding is
 * derived from its decoder: every one- and two-byte sequence is decoded once
 * and the table reversed.
 *
 * @module
 */

import { FtpInputError } from "../errors.ts";

/**
 * Turns names into bytes and back in one encoding.
 *
 * @example
 * ```ts
 * import { textCodec } from "@ferry/ftp/protocol";
 *
 * const latin1 = textCodec("latin1");
 * console.log(latin1.encode("café")); // Uint8Array [99, 97, 102, 233]
 * console.log(latin1.decode(Uint8Array.of(99, 97, 102, 233))); // "café"
 * ```
 */
export interface TextCodec {
  /** The canonical encoding name, such as `"utf-8"` or `"windows-1252"`. */
  readonly encoding: string;
  /**
   * Encodes text.
   *
   * @throws {FtpInputError} For a character the encoding cannot represent.
   */
  encode(text: string): Uint8Array;
  /** Decodes bytes; bytes that are not valid in the encoding become U+FFFD. */
  decode(bytes: Uint8Array): string;
}

const codecs = new Map<string, TextCodec>();

/**
 * The codec for an encoding label (any label `TextDecoder` accepts). Codecs
 * are built once and cached.
 *
 * @param label Such as `"utf-8"`, `"latin1"`, `"windows-1252"`, `"gbk"`, `"shift_jis"`.
 * @returns The codec.
 * @throws {FtpInputError} For an unknown label, or an encoding (such as
 * UTF-16) that cannot carry FTP command lines.
 *
 * @example
 * ```ts
 * import { textCodec } from "@ferry/ftp/protocol";
 * console.log(textCodec("gbk").decode(textCodec("gbk").encode("文件"))); // "文件"
 * ```
 */
export function textCodec(label = "utf-8"): TextCodec {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    throw new FtpInputError(
      `Unknown text encoding ${
        JSON.stringify(label)
      }; use a label such as "utf-8", "latin1", "windows-1252", "gbk" or "shift_jis"`,
    );
  }
  const name = decoder.encoding;
  let codec = codecs.get(name);
  if (!codec) {
    codec = name === "utf-8" ? utf8Codec(decoder) : legacyCodec(decoder);
    codecs.set(name, codec);
  }
  return codec;
}

function utf8Codec(decoder: TextDecoder): TextCodec {
  const encoder = new TextEncoder();
  return {
    encoding: "utf-8",
    encode: (text) => encoder.encode(text),
    decode: (bytes) => decoder.decode(bytes),
  };
}

function legacyCodec(decoder: TextDecoder): TextCodec {
  if (decoder.encoding.startsWith("utf-16")) {
    throw new FtpInputError(
      `${decoder.encoding} cannot carry FTP commands, which are ASCII lines; use a byte-oriented encoding`,
    );
  }
  const table = encodeTable(decoder);
  return {
    encoding: decoder.encoding,
    encode(text) {
      const out: number[] = [];
      for (const char of text) {
        const bytes = table.get(char);
        if (bytes === undefined) {
          throw new FtpInputError(
            `${
              JSON.stringify(char)
            } cannot be written in ${decoder.encoding}, the encoding set for this server`,
          );
        }
        out.push(...bytes);
      }
      return Uint8Array.from(out);
    },
    decode: (bytes) => decoder.decode(bytes),
  };
}

/** Every character the encoding writes in one or two bytes, mapped to those bytes. */
function encodeTable(decoder: TextDecoder): Map<string, number[]> {
  const table = new Map<string, number[]>();
  const add = (bytes: number[]) => {
    const char = decoder.decode(Uint8Array.from(bytes));
    if (char.length === 0 || char.includes("\ufffd") || [...char].length !== 1) return false;
    // The first sequence found for a character is the canonical one.
    if (!table.has(char)) table.set(char, bytes);
    return true;
  };
  for (let lead = 0; lead < 256; lead++) {
    if (add([lead])) continue;
    // Not a character on its own: a lead byte of a two-byte sequence, perhaps.
    for (let trail = 0x40; trail < 256; trail++) add([lead, trail]);
  }
  return table;
}
