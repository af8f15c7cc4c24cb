/**
 * Splits a byte stream into text lines (CRLF or LF), with a bound on line
 * length, for listings read over a data connection.
 *
 * @module
 */

import { FtpProtocolError } from "../errors.ts";

const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

/**
 * Incremental line splitter. Memory is bounded by `maxLineBytes` whatever
 * the stream's length.
 *
 * @example
 * ```ts
 * import { LineSplitter } from "@ferry/ftp/protocol";
 *
 * const splitter = new LineSplitter();
 * const bytes = new TextEncoder().encode("one\r\ntw");
 * console.log(splitter.push(bytes)); // ["one"]
 * console.log(splitter.push(new TextEncoder().encode("o\n"))); // ["two"]
 * console.log(splitter.end()); // []
 * ```
 */
export class LineSplitter {
  readonly #decoder: TextDecoder;
  readonly #maxLineBytes: number;
  #carry: Uint8Array = new Uint8Array(0);

  /**
   * Creates a splitter.
   *
   * @param options `maxLineBytes` (default 65536) bounds one line; `decoder`
   * (default UTF-8, invalid bytes replaced) turns bytes into text.
   */
  constructor(options: { maxLineBytes?: number; decoder?: TextDecoder } = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? 65536;
    this.#decoder = options.decoder ?? new TextDecoder("utf-8");
  }

  /**
   * Feeds bytes; returns the lines they completed, without line ends.
   *
   * @param chunk The next bytes.
   * @returns Complete lines.
   * @throws {FtpProtocolError} When a line exceeds the limit.
   */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    let lf = chunk.indexOf(LF);
    if (this.#carry.length > 0 && lf !== -1) {
      lines.push(this.#decode(concat(this.#carry, chunk.subarray(0, lf))));
      this.#carry = new Uint8Array(0);
      start = lf + 1;
      lf = chunk.indexOf(LF, start);
    }
    if (lf !== -1) {
      // The complete lines are decoded in one call and then split: one
      // decoder call per line costs more than the parsing (LF is never part
      // of a multi-byte character in the encodings ferry reads).
      let lineStart = start;
      let last = lf;
      while (lf !== -1) {
        this.#checkLength(chunk, lineStart, lf);
        last = lf;
        lineStart = lf + 1;
        lf = chunk.indexOf(LF, lineStart);
      }
      const text = this.#decoder.decode(chunk.subarray(start, last));
      const first = lines.length;
      for (const line of text.split("\n")) {
        lines.push(line.endsWith("\r") ? line.slice(0, -1) : line);
      }
      // A decoder drops a byte order mark at the start of each call; do the
      // same at the start of every line, as when each line is decoded alone.
      if (!this.#decoder.ignoreBOM) {
        for (let i = first + 1; i < lines.length; i++) {
          if (lines[i].charCodeAt(0) === BOM) lines[i] = lines[i].slice(1);
        }
      }
      start = last + 1;
    }
    if (start < chunk.length) {
      this.#carry = concat(this.#carry, chunk.subarray(start));
      // One byte of slack: a read may end between a line's CR and its LF.
      if (this.#carry.length > this.#maxLineBytes + 1) {
        throw new FtpProtocolError(
          `The server sent a listing line longer than ${this.#maxLineBytes} bytes`,
        );
      }
    }
    return lines;
  }

  #checkLength(bytes: Uint8Array, start: number, lf: number): void {
    const end = lf > start && bytes[lf - 1] === CR ? lf - 1 : lf;
    if (end - start > this.#maxLineBytes) {
      throw new FtpProtocolError(
        `The server sent a listing line longer than ${this.#maxLineBytes} bytes`,
      );
    }
  }

  /**
   * Ends the stream; returns a last line that had no line end, if any.
   *
   * @returns Zero or one line.
   */
  end(): string[] {
    if (this.#carry.length === 0) return [];
    const line = this.#decode(this.#carry);
    this.#carry = new Uint8Array(0);
    return [line];
  }

  #decode(bytes: Uint8Array): string {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR
      ? bytes.length - 1
      : bytes.length;
    if (end > this.#maxLineBytes) {
      throw new FtpProtocolError(
        `The server sent a listing line longer than ${this.#maxLineBytes} bytes`,
      );
    }
    return this.#decoder.decode(bytes.subarray(0, end));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
