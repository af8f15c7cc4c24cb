/**
 * FTP replies (RFC 959 section 4.2) and an incremental, bounded parser for
 * them. Pure code: it sees bytes, never sockets.
 *
 * @module
 */

import { FtpProtocolError } from "../errors.ts";

/**
 * One complete reply from the server.
 *
 * @example
 * ```ts
 * import type { FtpReply } from "@ferry/ftp";
 *
 * const reply: FtpReply = { code: 230, text: "Login successful.", lines: ["230 Login successful."] };
 * ```
 */
export interface FtpReply {
  /** The three-digit reply code, 100 to 599. */
  code: number;
  /**
   * The text of the reply without the leading code on its first and last
   * lines, lines joined by `\n`.
   */
  text: string;
  /** Every line as received, without the line end. */
  lines: string[];
}

/**
 * Whether a reply is positive preliminary (1xx).
 *
 * @param reply A reply.
 * @returns `true` for 100-199.
 * @example
 * ```ts
 * import { isPreliminary } from "@ferry/ftp/protocol";
 * console.log(isPreliminary({ code: 150, text: "", lines: [] })); // true
 * ```
 */
export function isPreliminary(reply: FtpReply): boolean {
  return reply.code >= 100 && reply.code < 200;
}

/**
 * Whether a reply is positive completion (2xx).
 *
 * @param reply A reply.
 * @returns `true` for 200-299.
 * @example
 * ```ts
 * import { isCompletion } from "@ferry/ftp/protocol";
 * console.log(isCompletion({ code: 226, text: "", lines: [] })); // true
 * ```
 */
export function isCompletion(reply: FtpReply): boolean {
  return reply.code >= 200 && reply.code < 300;
}

/**
 * Limits that keep a hostile server from exhausting memory.
 *
 * @example
 * ```ts
 * import { ReplyParser, type ReplyParserOptions } from "@ferry/ftp/protocol";
 *
 * const options: ReplyParserOptions = { maxLineBytes: 8192, maxReplyBytes: 65536 };
 * const parser = new ReplyParser(options);
 * ```
 */
export interface ReplyParserOptions {
  /**
   * Longest accepted line in bytes, line end excluded.
   *
   * @default {65536}
   */
  maxLineBytes?: number;
  /**
   * Most bytes accepted for one reply, all of its lines together.
   *
   * @default {1048576}
   */
  maxReplyBytes?: number;
  /**
   * Decodes reply lines. Use a `TextDecoder` for the server's encoding.
   *
   * @default {new TextDecoder("utf-8")}
   */
  decoder?: TextDecoder;
}

const LF = 0x0a;
const CR = 0x0d;
const DIGIT_ZERO = 0x30;

/**
 * The code a reply line starts with, followed by a space or a hyphen ("226
 * Done": 226), or 0 when it starts with none from 100 to 599. Read from the
 * characters, not matched: a match is an array and two strings per reply.
 */
function codeOf(line: string): number {
  const hundreds = line.charCodeAt(0) - DIGIT_ZERO;
  const tens = line.charCodeAt(1) - DIGIT_ZERO;
  const units = line.charCodeAt(2) - DIGIT_ZERO;
  // Past the end of a short line, charCodeAt gives NaN, which fails every test.
  if (!(hundreds >= 1 && hundreds <= 5 && tens >= 0 && tens <= 9 && units >= 0 && units <= 9)) {
    return 0;
  }
  return line[3] === " " || line[3] === "-" ? hundreds * 100 + tens * 10 + units : 0;
}

/**
 * Turns a byte stream from the control connection into replies. It accepts
 * CRLF and bare LF line ends, multi-line replies (`123-` ... `123 `), and
 * enforces line and reply size limits: a violation throws
 * {@linkcode FtpProtocolError}, after which the parser must not be used.
 *
 * @example
 * ```ts
 * import { ReplyParser } from "@ferry/ftp/protocol";
 *
 * const parser = new ReplyParser();
 * const bytes = new TextEncoder().encode("220-Hello\r\n220 Ready\r\n");
 * console.log(parser.push(bytes)); // [{ code: 220, text: "Hello\nReady", lines: [...] }]
 * ```
 */
export class ReplyParser {
  readonly #maxLine: number;
  readonly #maxReply: number;
  readonly #decoder: TextDecoder;
  #partial: Uint8Array = new Uint8Array(256);
  #partialLength = 0;
  #lines: string[] = [];
  #code = 0;
  #replyBytes = 0;

  /**
   * Creates a parser.
   *
   * @param options Size limits and decoder.
   */
  constructor(options: ReplyParserOptions = {}) {
    this.#maxLine = options.maxLineBytes ?? 65536;
    this.#maxReply = options.maxReplyBytes ?? 1048576;
    this.#decoder = options.decoder ?? new TextDecoder("utf-8");
  }

  /** Whether bytes of an unfinished reply are held. */
  get hasPartial(): boolean {
    return this.#partialLength > 0 || this.#lines.length > 0;
  }

  /**
   * Feeds bytes and returns the replies they completed, in order.
   *
   * @param chunk Bytes read from the control connection.
   * @returns The completed replies, often none or one.
   * @throws {FtpProtocolError} On a malformed or oversized reply.
   */
  push(chunk: Uint8Array): FtpReply[] {
    const replies: FtpReply[] = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      let line: string;
      if (lf !== -1 && this.#partialLength === 0) {
        // A whole line in the chunk (most): decoded from it, not copied first.
        line = this.#takeLine(chunk, start, lf);
      } else {
        this.#append(chunk, start, lf === -1 ? chunk.length : lf);
        if (lf === -1) break;
        line = this.#takeLine(this.#partial, 0, this.#partialLength);
        this.#partialLength = 0;
      }
      const reply = this.#line(line);
      if (reply) replies.push(reply);
      start = lf + 1;
    }
    return replies;
  }

  #append(chunk: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (length === 0) return;
    const needed = this.#partialLength + length;
    // One byte of slack for the CR that belongs to the line end.
    if (needed > this.#maxLine + 1) {
      throw new FtpProtocolError(
        `Server sent a reply line longer than ${this.#maxLine} bytes; closing the connection`,
      );
    }
    if (needed > this.#partial.length) {
      const grown = new Uint8Array(
        Math.min(Math.max(needed, this.#partial.length * 2), this.#maxLine + 1),
      );
      grown.set(this.#partial.subarray(0, this.#partialLength));
      this.#partial = grown;
    }
    this.#partial.set(chunk.subarray(start, end), this.#partialLength);
    this.#partialLength = needed;
  }

  /** Decodes the line in `bytes` from `start` to `end` (its LF), CR dropped. */
  #takeLine(bytes: Uint8Array, start: number, end: number): string {
    this.#replyBytes += end - start + 1;
    if (end > start && bytes[end - 1] === CR) end--;
    if (end - start > this.#maxLine) {
      throw new FtpProtocolError(
        `Server sent a reply line longer than ${this.#maxLine} bytes; closing the connection`,
      );
    }
    return this.#decoder.decode(bytes.subarray(start, end));
  }

  #line(line: string): FtpReply | undefined {
    if (this.#replyBytes > this.#maxReply) {
      throw new FtpProtocolError(
        `Server sent a reply over ${this.#maxReply} bytes without ending it; closing the connection`,
      );
    }
    if (this.#lines.length === 0) {
      // A stray blank line between replies carries nothing; skip it, but
      // count it, so that endless blank lines still hit the reply limit.
      if (line === "") return undefined;
      const code = codeOf(line);
      if (code === 0) {
        throw new FtpProtocolError(
          `Server sent a malformed reply line ${
            JSON.stringify(line.slice(0, 80))
          }: expected a code from 100 to 599 followed by a space or hyphen`,
        );
      }
      this.#code = code;
      if (line[3] === " ") {
        // One line (most replies, all three per small file): no array grown for it.
        this.#replyBytes = 0;
        return { code: this.#code, text: line.slice(4), lines: [line] };
      }
      this.#lines.push(line);
      return undefined;
    }
    this.#lines.push(line);
    const code = String(this.#code);
    if (line.startsWith(code) && line[3] === " ") {
      return this.#finish();
    }
    return undefined;
  }

  #finish(): FtpReply {
    const lines = this.#lines;
    this.#lines = [];
    this.#replyBytes = 0;
    const texts = lines.map((line, index) =>
      index === 0 || index === lines.length - 1 ? line.slice(4) : line
    );
    return { code: this.#code, text: texts.join("\n"), lines };
  }
}
