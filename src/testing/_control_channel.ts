/**
 * The control connection's two directions: command lines in (bounded,
 * Telnet-tolerant) and replies out (RFC 959 multi-line form, with the
 * control-side fault hooks applied in exactly one place).
 *
 * @module
 */

import { sleep } from "./_abortable.ts";
import { type PartialWriter, writeAll } from "../transport/write_all.ts";
import type { FtpFaults } from "./faults.ts";

/** The longest command line accepted, in bytes, without its line end. */
export const MAX_LINE_BYTES = 4096;

/** One unit read from the control connection. */
export type ControlInput =
  | { kind: "line"; text: string }
  | { kind: "too-long" };

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const IAC = 0xff;
const WILL = 0xfb;
const DONT = 0xfe;
const FIRST_TELNET_COMMAND = 0xf0;

/**
 * Splits control bytes into command lines. A line ends at CRLF, LF or a
 * lone CR: Python's ftplib sends ABOR's final LF as TCP urgent data, which
 * the socket drops from the normal stream, leaving `ABOR\r`.
 */
export class LineSplitter {
  #line = new Uint8Array(MAX_LINE_BYTES);
  #length = 0;
  #overflow = false;
  #afterCr = false;

  /** Feeds received bytes; returns the lines they complete. */
  push(bytes: Uint8Array): ControlInput[] {
    return this.pushUntil(bytes, () => false).inputs;
  }

  /**
   * Feeds received bytes, stopping right after the first input for which
   * `stop` is true (AUTH TLS: what follows it is the TLS handshake, not
   * command text).
   *
   * @returns The inputs completed, and the bytes after the stopping input,
   * or `undefined` as `rest` if none stopped.
   */
  pushUntil(
    bytes: Uint8Array,
    stop: (input: ControlInput) => boolean,
  ): { inputs: ControlInput[]; rest: Uint8Array | undefined } {
    const inputs: ControlInput[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (this.#afterCr) {
        this.#afterCr = false;
        // Telnet spells a bare CR as CR NUL; either follower belongs to the CR.
        if (byte === LF || byte === NUL) continue;
      }
      if (byte === CR || byte === LF) {
        this.#afterCr = byte === CR;
        const input: ControlInput = this.#overflow
          ? { kind: "too-long" }
          : { kind: "line", text: decodeCommandLine(this.#line.subarray(0, this.#length)) };
        inputs.push(input);
        this.#length = 0;
        this.#overflow = false;
        if (stop(input)) {
          let next = i + 1;
          if (this.#afterCr && (bytes[next] === LF || bytes[next] === NUL)) {
            this.#afterCr = false;
            next++;
          }
          return { inputs, rest: bytes.subarray(next) };
        }
      } else if (this.#length < MAX_LINE_BYTES) {
        this.#line[this.#length++] = byte;
      } else {
        this.#overflow = true;
      }
    }
    return { inputs, rest: undefined };
  }
}

const decoder = new TextDecoder();

/**
 * Decodes a command line as UTF-8 after removing Telnet commands, which
 * clients put before ABOR (IP, then the Synch's DM). UTF-8 never holds
 * 0xFF, so IAC is unambiguous.
 */
export function decodeCommandLine(bytes: Uint8Array): string {
  if (!bytes.includes(IAC)) return decoder.decode(bytes);
  const kept: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== IAC) {
      kept.push(bytes[i]);
      continue;
    }
    const next = bytes[i + 1];
    if (next === IAC) {
      kept.push(IAC);
      i++;
    } else if (next >= WILL && next <= DONT) {
      i += 2;
    } else if (next >= FIRST_TELNET_COMMAND) {
      i++;
    }
    // An IAC before an ordinary byte is what is left when the urgent DM byte
    // was taken out of the stream: drop the IAC alone, keep the byte.
  }
  return decoder.decode(Uint8Array.from(kept));
}

/**
 * Formats a reply: one line as `code text`, several as `code-first`, the
 * middle lines, and `code last` (RFC 959 section 4.2). A middle line that
 * starts like a reply line is indented so no client mistakes it for the end.
 */
export function formatReply(code: number, text: string | readonly string[]): string {
  const lines = (typeof text === "string" ? text.split("\n") : [...text])
    .map((line) => line.replace(/[\r\n]/g, " "));
  if (lines.length === 1) return `${code} ${lines[0]}\r\n`;
  const last = lines.length - 1;
  return lines.map((line, i) => {
    if (i === 0) return `${code}-${line}`;
    if (i === last) return `${code} ${line}`;
    return /^\d{3}[ -]/.test(line) ? ` ${line}` : line;
  }).join("\r\n") + "\r\n";
}

/** Thrown to unwind a session whose control connection is gone. */
export class SessionEnded extends Error {
  /** Creates the marker error. */
  constructor() {
    super("The control connection is closed");
    this.name = "SessionEnded";
  }
}

const encoder = new TextEncoder();

/**
 * Writes replies on the control connection. This is where `replyDelayMs`
 * and `controlDropAfterBytes` take effect.
 */
export class ReplyWriter {
  #written = 0;
  #conn: PartialWriter;
  readonly #faults: () => FtpFaults;
  readonly #signal: AbortSignal;
  readonly #drop: () => void;

  /**
   * @param conn The control connection.
   * @param faults Reads the current faults.
   * @param signal Aborts when the session ends.
   * @param drop Closes the session (for `controlDropAfterBytes`).
   */
  constructor(
    conn: PartialWriter,
    faults: () => FtpFaults,
    signal: AbortSignal,
    drop: () => void,
  ) {
    this.#conn = conn;
    this.#faults = faults;
    this.#signal = signal;
    this.#drop = drop;
  }

  /** Sends the replies from now on over `conn` (the control connection after AUTH TLS). */
  switchTo(conn: PartialWriter): void {
    this.#conn = conn;
  }

  /**
   * Sends raw reply text.
   *
   * @throws {SessionEnded} If the connection is, or gets, closed.
   */
  async send(text: string): Promise<void> {
    const faults = this.#faults();
    if (faults.replyDelayMs) await sleep(faults.replyDelayMs, this.#signal);
    if (this.#signal.aborted) throw new SessionEnded();
    let bytes = encoder.encode(text);
    const limit = faults.controlDropAfterBytes;
    const cut = limit !== undefined && this.#written + bytes.length > limit;
    if (cut) bytes = bytes.subarray(0, Math.max(0, limit - this.#written));
    try {
      await writeAll(this.#conn, bytes);
    } catch {
      throw new SessionEnded();
    }
    this.#written += bytes.length;
    if (cut) {
      this.#drop();
      throw new SessionEnded();
    }
  }
}
