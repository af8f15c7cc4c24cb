/**
 * The control connection: sends command lines, reads replies, enforces the
 * reply timeout and the reply size limits, and reports every line to a debug
 * hook with secrets redacted.
 *
 * It reads only while a reply is awaited, never in the background, so the
 * socket is idle between commands (which `Deno.startTls` needs for AUTH TLS).
 *
 * Its parts: `_reply_queue.ts` matches the replies read to the commands
 * sent (several await theirs when commands go together), `_reply_redactor.ts`
 * hides the secrets a reply quotes, and `_reply_timer.ts` ends a read
 * whose deadline passed (one timer for all the reads).
 *
 * @module
 */

import { FtpConnectionError, type FtpError, FtpProtocolError, FtpTimeoutError } from "../errors.ts";
import { redactCommand } from "../protocol/command.ts";
import { type FtpReply, isPreliminary, ReplyParser } from "../protocol/reply.ts";
import { type TextCodec, textCodec } from "../protocol/text_codec.ts";
import type { ByteStream } from "./byte_stream.ts";
import { hostPort } from "../protocol/host.ts";
import { closeQuietly } from "./close_quietly.ts";
import { connectionError } from "./_socket.ts";
import { writeAll, writesOf } from "./write_all.ts";
import { MAX_QUEUED_REPLIES, ReplyQueue } from "./_reply_queue.ts";
import { ReplyRedactor } from "./_reply_redactor.ts";
import { ReplyTimer } from "./_reply_timer.ts";
import type { Transport } from "./transport.ts";

/**
 * A line that crossed the control connection, given to the `debug` option.
 * Passwords and account strings are already replaced by `***`.
 *
 * @example
 * ```ts
 * import { FtpClient, type FtpDebugMessage } from "@ferry/ftp";
 *
 * const log = (m: FtpDebugMessage) => console.error(m.direction === "send" ? ">" : "<", m.line);
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121", { debug: log });
 * ```
 */
export interface FtpDebugMessage {
  /** `"send"` for a command, `"receive"` for a reply line. */
  direction: "send" | "receive";
  /** The line without its line end. */
  line: string;
}

/** How to open and run a control connection. */
export interface ControlConnectionOptions {
  /** Host to connect to. */
  host: string;
  /** Port to connect to. */
  port: number;
  /** Milliseconds allowed for the TCP connection. */
  connectTimeout: number;
  /** Milliseconds allowed for each reply. */
  replyTimeout: number;
  /** Longest reply line accepted, in bytes. */
  maxReplyLineBytes?: number;
  /** Most bytes accepted for one reply. */
  maxReplyBytes?: number;
  /** Receives every line sent and received, secrets redacted. */
  debug?: (message: FtpDebugMessage) => void;
  /** Encoding of names on the wire (a `TextDecoder` label); UTF-8 when omitted. */
  encoding?: string;
  /** Cancels the connection attempt. */
  signal?: AbortSignal;
}

/**
 * The connection's end when the user's `debug` hook threw on a reply: the
 * replies read with it, and any later ones, could no longer be
 * matched to their commands with certainty (a reply to PASS judged as
 * another's would be redacted less strictly; a command would wait for a
 * reply already read, or take another's). Closing is the one state that
 * stays consistent; the error carries the hook's.
 */
function hookFailed(error: unknown): FtpError {
  const message = error instanceof Error ? error.message : String(error);
  return new FtpConnectionError(
    "closed",
    `A debug hook threw on a reply read from the server (${message}); ferry closed the control ` +
      "connection, since its replies could no longer be matched to their commands. Fix the hook " +
      "(it must not throw), then connect again",
    { cause: error },
  );
}

/**
 * The reply a read waits for, as a timeout names it: a description ("a
 * reply", "the greeting"), or the reply to a command line. The line is
 * redacted and quoted only when an error names it: most reads never do.
 *
 * @example
 * ```ts ignore
 * await control.read({ replyTo: "RETR f.bin" });
 * ```
 */
export type WaitingFor = string | { readonly replyTo: string };

function describe(waitingFor: WaitingFor): string {
  return typeof waitingFor === "string"
    ? waitingFor
    : `the reply to "${redactCommand(waitingFor.replyTo)}"`;
}

const READ_BUFFER_BYTES = 64 * 1024;

/**
 * The most bytes of commands sent together in one write. Over TLS a write is
 * a record of its own, and Pure-FTPd reads a record into a 4 KiB buffer and
 * drops the rest of a longer one: commands past it would never be answered.
 */
const MAX_WRITE_BYTES = 2048;

/**
 * One control connection. Reads are serialized: concurrent `read()` calls get
 * consecutive replies in call order.
 */
export class ControlConnection {
  #conn: ByteStream;
  readonly #parser: ReplyParser;
  readonly #buffer = new Uint8Array(READ_BUFFER_BYTES);
  /** The replies read and not taken yet, matched to the commands sent (see `_reply_queue.ts`). */
  readonly #replies = new ReplyQueue();
  readonly #debug?: (message: FtpDebugMessage) => void;
  readonly #codec: TextCodec;
  /** Hides the secrets (passwords) where a reply quotes them. */
  readonly #redactor = new ReplyRedactor();
  #replyTimeout: number;
  /** The last read asked for: the next one starts when it settles (see `read`). */
  #readChain: Promise<unknown> = Promise.resolve();
  /** How many reads are pending (see `read`); each lowers it as it ends. */
  #reading = 0;
  #failure?: FtpError;
  #cleared = false;
  /** When the last read of the server's bytes ended (see `lastReadAt`). */
  #lastReadAt = performance.now();
  /** Ends a read whose deadline passed, by closing the connection: one timer for all the reads. */
  readonly #replyTimer = new ReplyTimer((error) => this.close(error));
  /** Called with every complete reply, in order. */
  onReply?: (reply: FtpReply) => void;
  /**
   * Tells a final reply that answers no command and is to be dropped where
   * it arrives: the session expects it (see Session, a passive listener
   * ferry opened ahead that the server times out). It is traced, not read.
   */
  dismiss?: (reply: FtpReply) => boolean;

  private constructor(conn: ByteStream, options: ControlConnectionOptions) {
    this.#conn = conn;
    this.#replyTimeout = options.replyTimeout;
    this.#debug = options.debug;
    this.#codec = textCodec(options.encoding);
    this.#parser = new ReplyParser({
      maxLineBytes: options.maxReplyLineBytes,
      maxReplyBytes: options.maxReplyBytes,
      decoder: new TextDecoder(this.#codec.encoding),
    });
  }

  /**
   * Opens the connection (TCP, or TLS from the first byte for implicit
   * FTPS). The greeting is not read here.
   *
   * @param transport Makes the connection.
   * @param options Where to connect and the limits to apply.
   * @param implicitTls Whether TLS starts at once.
   * @returns The open connection.
   */
  static async open(
    transport: Transport,
    options: ControlConnectionOptions,
    implicitTls = false,
  ): Promise<ControlConnection> {
    const conn = await transport.openControl({
      host: options.host,
      port: options.port,
      timeoutMs: options.connectTimeout,
      signal: options.signal,
      purpose: "control connection",
    }, implicitTls);
    return new ControlConnection(conn, options);
  }

  /**
   * Upgrades the connection to TLS after AUTH TLS's 234. Only an idle
   * connection can be upgraded: reads happen only while a reply is awaited,
   * so after the 234 nothing is pending.
   *
   * @param transport Makes the TLS connection.
   */
  async secure(transport: Transport): Promise<void> {
    this.#throwIfClosed();
    if (this.#parser.hasPartial || this.#replies.size > 0) {
      throw this.close(
        new FtpProtocolError(
          "The server sent more after accepting AUTH TLS; closing the connection",
        ),
      );
    }
    await this.#readChain.catch(() => {});
    try {
      this.#conn = await transport.secureControl(this.#conn);
    } catch (error) {
      throw this.close(error as FtpError);
    }
  }

  /**
   * Takes TLS off the connection after CCC's 200 (RFC 4217 section 6):
   * close_notify both ways, then plain text on the same TCP connection.
   * Like {@linkcode ControlConnection.secure}, only when idle. A failure
   * closes the connection: half-ended TLS cannot be carried on.
   *
   * @param transport Owns the TLS (Node's: Deno's cannot do this).
   */
  async clear(transport: Transport): Promise<void> {
    this.#throwIfClosed();
    if (this.#parser.hasPartial || this.#replies.size > 0) {
      throw this.close(
        new FtpProtocolError("The server sent more after accepting CCC; closing the connection"),
      );
    }
    await this.#readChain.catch(() => {});
    try {
      this.#conn = await transport.clearControl(this.#conn, this.#replyTimeout);
    } catch (error) {
      throw this.close(
        error instanceof Deno.errors.TimedOut
          ? new FtpTimeoutError(
            "reply",
            this.#replyTimeout,
            "waiting for the server to end TLS after CCC",
          )
          : connectionError(error, "control connection (ending TLS after CCC)"),
      );
    }
    this.#cleared = true;
  }

  /** Whether CCC took TLS off the connection. */
  get cleared(): boolean {
    return this.#cleared;
  }

  /** The server's address. */
  get remoteAddr(): Deno.NetAddr {
    return this.#conn.remoteAddr as Deno.NetAddr;
  }

  /** This end's address, used to listen for active-mode data connections. */
  get localAddr(): Deno.NetAddr {
    return this.#conn.localAddr as Deno.NetAddr;
  }

  /**
   * When the last read of the server's bytes ended (`performance.now()`):
   * what the server sent since then, an unasked reply say, is not read yet.
   */
  get lastReadAt(): number {
    return this.#lastReadAt;
  }

  /** Whether the connection has been closed or has failed. */
  get closed(): boolean {
    return this.#failure !== undefined;
  }

  /** Milliseconds allowed for each reply. */
  get replyTimeout(): number {
    return this.#replyTimeout;
  }

  /**
   * Sends one command line (CRLF is added).
   *
   * @param line The command, already validated by `formatCommand`.
   */
  async send(line: string): Promise<void> {
    this.#throwIfClosed();
    // Most writes (RETR, the EPSV sent ahead): one line, written as encoded,
    // with no array of lines or of writes to walk.
    const bytes = this.#codec.encode(line + "\r\n");
    this.#noteSent(line);
    try {
      // Mostly taken whole by the first write: no `writeAll` frame for it.
      const written = await this.#conn.write(bytes);
      if (written < bytes.length) await writeAll(this.#conn, bytes.subarray(written));
    } catch (error) {
      throw this.close(connectionError(error, "control connection"));
    }
  }

  /**
   * Sends command lines in one write (pipelining): their replies are read
   * afterwards, in order, with {@linkcode read}. Only commands that do not
   * depend on each other's replies may be sent together.
   *
   * @param lines The commands, each already validated by `formatCommand`.
   */
  async sendMany(lines: readonly string[]): Promise<void> {
    this.#throwIfClosed();
    // Most fit one write (a transfer command with the next EPSV, once a
    // file): encoded together, with no array of encoded lines to walk.
    const together = this.#codec.encode(lines.join("\r\n") + "\r\n");
    const writes = together.length <= MAX_WRITE_BYTES
      ? undefined
      : writesOf(lines.map((line) => this.#codec.encode(line + "\r\n")), MAX_WRITE_BYTES);
    for (let i = 0; i < lines.length; i++) this.#noteSent(lines[i]);
    try {
      if (!writes) {
        // As `send`: mostly taken whole by the first write, no `writeAll` frame.
        const written = await this.#conn.write(together);
        if (written < together.length) await writeAll(this.#conn, together.subarray(written));
        return;
      }
      for (const bytes of writes) await writeAll(this.#conn, bytes);
    } catch (error) {
      throw this.close(connectionError(error, "control connection"));
    }
  }

  /** Counts a sent line's reply as awaited, and traces the line. */
  #noteSent(line: string): void {
    this.#replies.sent(line);
    this.#debug?.({ direction: "send", line: redactCommand(line) });
  }

  /**
   * Reads the next reply. Waits until `deadline` (a `performance.now()`
   * time; by default the reply timeout from when this read starts waiting).
   * The deadline covers the whole reply, however slowly its bytes trickle in.
   * On timeout, or on a malformed reply, the connection is closed and every
   * later call fails.
   *
   * @param waitingFor Names the awaited reply in a timeout error: a
   * description, or `{ replyTo }` a command line (redacted only when an
   * error names it: most reads need no name).
   * @param deadline When to give up; `Infinity` waits for ever.
   * @param timeout Makes the error for a deadline that passes, when the
   * reply timeout is not what set it (the greeting, an abort's grace).
   * @param final Given, preliminary (1xx) replies are passed over, within
   * the one deadline, unless `final()` says to take any reply: the read
   * returns the final reply.
   * @returns The next reply, preliminary (1xx) ones included unless `final` is given.
   */
  read(
    waitingFor: WaitingFor = "a reply",
    deadline?: number,
    timeout: () => FtpError = () => this.timeoutError(waitingFor),
    final?: () => boolean,
  ): Promise<FtpReply> {
    // A reply that came with an earlier one (a 229 with its transfer's 226,
    // pipelined replies) is taken without the reading frame, a large one.
    const queued = this.takeQueued(final);
    if (queued !== undefined) return Promise.resolve(queued);
    const until = deadline ?? this.deadline();
    // With no read pending (the usual case: one reply awaited at a time),
    // this one starts now rather than a turn of the chain later.
    let next: Promise<FtpReply>;
    if (this.#reading === 0) next = this.#readOne(waitingFor, until, timeout, final);
    else {
      // Behind another read: starts when that one ends, however it ends.
      const start = () => this.#readOne(waitingFor, until, timeout, final);
      next = this.#readChain.then(start, start);
    }
    this.#reading++;
    this.#readChain = next;
    return next;
  }

  /**
   * The next reply, when it came already (with an earlier one) and no read
   * is pending: as `read` with `final` would return it, but at once, for
   * callers that judge it without a frame of their own. `undefined` when
   * `read` must wait for it.
   *
   * @param final As `read`'s: given, preliminary replies are passed over.
   * @returns The reply, or `undefined`.
   */
  takeQueued(final?: () => boolean): FtpReply | undefined {
    if (this.#reading !== 0 || this.#replies.size === 0) return undefined;
    return this.#replies.take(final);
  }

  /** The deadline of a reply awaited from now on. */
  deadline(): number {
    return performance.now() + this.#replyTimeout;
  }

  async #readOne(
    waitingFor: WaitingFor,
    deadline: number,
    timeout: () => FtpError,
    final?: () => boolean,
  ): Promise<FtpReply> {
    try {
      // Bounded by the deadline: a final reply ends it (or any reply, when `final()` says).
      while (true) {
        while (this.#replies.size === 0) {
          this.#throwIfClosed();
          let n: number | null;
          try {
            n = await this.#readBytes(deadline, timeout);
          } catch (error) {
            throw this.#failure ?? this.close(connectionError(error, "control connection"));
          } finally {
            this.#readEnded();
          }
          // Bytes that came as the deadline passed (or after a close) are no reply.
          this.#throwIfClosed();
          this.#received(n, waitingFor);
        }
        const reply = this.#replies.take(final);
        if (reply !== undefined) return reply;
      }
    } finally {
      this.#reading--;
    }
  }

  /**
   * Queues the replies in the `n` bytes just read (`null`: the server closed
   * the connection). Apart from `#readOne`, whose frame (an async function's,
   * one per reply awaited) grows with every local it holds.
   */
  #received(n: number | null, waitingFor: WaitingFor): void {
    if (n === null) {
      throw this.close(
        new FtpConnectionError(
          "closed",
          `The server closed the control connection (${
            hostPort(this.remoteAddr.hostname, this.remoteAddr.port)
          }) while ferry was waiting for ${describe(waitingFor)}`,
        ),
      );
    }
    let replies: FtpReply[];
    try {
      replies = this.#parser.push(this.#buffer.subarray(0, n));
    } catch (error) {
      throw this.close(error as FtpError);
    }
    for (const raw of replies) {
      const reply = this.#redactor.redact(raw, this.#replies.awaitingLogin);
      const dismissed = !isPreliminary(reply) && this.dismiss?.(reply);
      if (!dismissed) this.#replies.answered(reply);
      if (this.#debug) {
        try {
          for (const line of reply.lines) this.#debug({ direction: "receive", line });
        } catch (error) {
          throw this.close(hookFailed(error));
        }
      }
      if (dismissed) continue;
      // The client's: it dispatches events, which do not throw into it.
      this.onReply?.(reply);
      this.#replies.add(reply);
    }
    if (this.#replies.flooded) {
      throw this.close(
        new FtpProtocolError(
          `The server sent more than ${MAX_QUEUED_REPLIES} replies nobody asked for; closing the connection`,
        ),
      );
    }
  }

  /**
   * Starts a read of the connection, which the reply timer ends at
   * `deadline` by closing the connection with `timeoutError`'s error (every
   * transport ends its pending reads on close): no promise to race against
   * it per read. Not async: `#readOne` awaits it and then calls `#readEnded`.
   */
  #readBytes(deadline: number, timeoutError: () => FtpError): Promise<number | null> {
    if (deadline !== Infinity) this.#replyTimer.wait(deadline, timeoutError);
    return this.#conn.read(this.#buffer);
  }

  #readEnded(): void {
    this.#lastReadAt = performance.now();
    this.#replyTimer.ended();
  }

  /**
   * Registers a secret (a password) to hide where a reply quotes it, as is
   * or percent-encoded: a server that echoes the command it refuses must not
   * get it into errors, events or the debug trace. A short secret (see
   * `MIN_SECRET_LENGTH`) is hidden only in replies to USER, PASS and ACCT,
   * where a server echoes it, and only where it stands alone, so that other
   * replies are not mangled ("should-not-e***ist" for a password "x").
   *
   * @param secret The text to hide; empty texts are ignored.
   */
  hide(secret: string): void {
    this.#redactor.hide(secret);
  }

  /**
   * Refuses to go on when replies are waiting that no command asked for
   * (they arrived when every command sent had its final reply): read as the
   * next command's reply, they would put every later answer one step behind
   * (a stale "213 5" taken for a file's size). A 421 among them is the
   * server closing the connection. Replies waiting for commands sent
   * together (pipelined) are in step: their readers take them.
   */
  assertInStep(): void {
    const stray = this.#replies.stray();
    if (!stray) return;
    const said = JSON.stringify(`${stray.code} ${stray.text}`.slice(0, 200));
    throw this.close(
      stray.code === 421
        ? new FtpConnectionError("closed", `The server closed the session: ${said}`)
        : new FtpProtocolError(
          `The server sent a reply nobody asked for (${said}); closing the connection, whose replies can no longer be matched to commands`,
        ),
    );
  }

  /**
   * The error for a reply that did not come in time.
   *
   * @param waitingFor What was awaited.
   * @returns The timeout error.
   */
  timeoutError(waitingFor: WaitingFor): FtpTimeoutError {
    return new FtpTimeoutError(
      "reply",
      this.#replyTimeout,
      `waiting for ${describe(waitingFor)} from the server`,
    );
  }

  /**
   * Closes the connection. Later and pending calls fail with `reason`.
   * Idempotent: the first reason wins.
   *
   * @param reason Why it was closed.
   * @returns The reason that stands (the first one given).
   */
  close(
    reason: FtpError = new FtpConnectionError(
      "not-connected",
      "The control connection is closed; connect again",
    ),
  ): FtpError {
    if (this.#failure) return this.#failure;
    this.#failure = reason;
    this.#replyTimer.clear();
    closeQuietly(this.#conn);
    return reason;
  }

  #throwIfClosed(): void {
    if (this.#failure) throw this.#failure;
  }
}
