/**
 * A data connection: moving bytes with a stall watchdog, over whatever
 * stream the transport opened (TCP, Deno TLS, or Node TLS).
 *
 * @module
 */

import { FtpError, FtpTimeoutError } from "../errors.ts";
import { redactCommand } from "../protocol/command.ts";
import type { ByteStream } from "./byte_stream.ts";
import { closeQuietly } from "./close_quietly.ts";
import { connectionError } from "./_socket.ts";
import { takeHeld } from "./_held_bytes.ts";
import { startInterval, type Timer } from "../std/timer.ts";
import { writeAll } from "./write_all.ts";

/** The most plaintext one TLS record carries: a read this size suggests more is waiting. */
const TLS_RECORD_BYTES = 16 * 1024;

/**
 * Paces a data connection (a rate limit, see `RateLimiter`): reads and
 * writes move at most `chunkBytes` at a time, each after `take` allowed it.
 */
export interface DataPacer {
  /** The most bytes to move between two waits. */
  readonly chunkBytes: number;
  /** Resolves once `bytes` may move; rejects with the signal's reason when aborted. */
  take(bytes: number, signal?: AbortSignal): Promise<void>;
}

/**
 * One data connection. Reads and writes fail with a data timeout when no byte
 * moves for `stallTimeout` milliseconds while ferry is waiting on the socket;
 * time spent waiting for a slow consumer does not count.
 */
export class DataConnection {
  readonly #conn: ByteStream;
  readonly #stallTimeout: number;
  readonly #command?: string;
  /** Why the connection closed, when a reason was given (see `#reason`). */
  #failure?: FtpError;
  #closed = false;
  #busySince = 0;
  #wrote = false;
  #unread?: Uint8Array;
  #eof = false;
  #watchdog?: Timer;
  readonly #pacer?: DataPacer;
  /** Ends a wait for the pacer when the connection closes (made by the first wait). */
  #closing?: AbortController;

  /**
   * Wraps an open socket.
   *
   * @param conn The stream.
   * @param stallTimeout Milliseconds a pending read or write may wait.
   * @param command The transfer command, named (redacted) in a timeout.
   * @param pacer Paces the bytes (a rate limit); waiting for it is not a stall.
   */
  constructor(conn: ByteStream, stallTimeout: number, command?: string, pacer?: DataPacer) {
    this.#conn = conn;
    this.#pacer = pacer;
    this.#stallTimeout = stallTimeout;
    this.#command = command;
  }

  /** Whether the connection was closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Why the connection is closed (`undefined` while open). The error for a
   * normal close is made when something asks: every transfer ends with
   * one, and hardly ever does anything ask why.
   */
  #reason(): FtpError | undefined {
    if (!this.#closed) return undefined;
    return this.#failure ??= new FtpError("The data connection is closed");
  }

  /**
   * Reads into `buffer`.
   *
   * @param buffer Where to put the bytes.
   * @returns The byte count, or `null` at end of stream.
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    if (this.#unread) return this.#takeUnread(buffer);
    // The end, once met, stays the end, even after the connection is closed.
    if (this.#eof) return null;
    // Paced, at most one chunk is read, and held while the pacer waits;
    // the rest stays in the network, which slows the sender down.
    const chunk = this.#pacer ? buffer.subarray(0, this.#pacer.chunkBytes) : buffer;
    this.#begin();
    let n: number | null;
    try {
      n = await this.#conn.read(chunk);
      if (n === null) this.#eof = true;
    } catch (error) {
      throw this.#reason() ?? this.close(connectionError(error, "data connection"));
    } finally {
      this.#busySince = 0;
    }
    if (n !== null) await this.#pace(n);
    return n;
  }

  /** Waits for the pacer to allow `bytes`; closing the connection ends the wait. */
  async #pace(bytes: number): Promise<void> {
    if (!this.#pacer) return;
    if (this.#closed) throw this.#reason();
    try {
      await this.#pacer.take(bytes, (this.#closing ??= new AbortController()).signal);
    } catch (error) {
      throw this.#reason() ?? error;
    }
  }

  /**
   * Reads until `buffer` holds at least `atLeast` bytes, the stream ends, or
   * a read comes back short. TLS hands out one 16 KiB record per read;
   * gathering them makes for large file writes and large stream chunks,
   * while a short read (the sender has paused) returns at once, so a slow
   * trickle is not held back.
   *
   * @param buffer Where to put the bytes.
   * @param atLeast How many bytes to gather before returning.
   * @returns The byte count, or `null` at the end of the stream.
   */
  async readMany(buffer: Uint8Array, atLeast = buffer.length / 2): Promise<number | null> {
    // Paced, one chunk: gathering more would hold bytes back while waiting.
    if (this.#pacer) atLeast = Math.min(atLeast, this.#pacer.chunkBytes);
    let filled = 0;
    // Bounded by the buffer's length: every pass adds at least one byte or ends.
    while (filled < atLeast && filled < buffer.length) {
      // A small file's data comes in the first read: no view for that one.
      const n = await this.read(filled === 0 ? buffer : buffer.subarray(filled));
      if (n === null) break;
      filled += n;
      if (n < TLS_RECORD_BYTES) break;
    }
    return filled === 0 && this.#eof ? null : filled;
  }

  /** Whether a rate limit paces the connection. */
  get paced(): boolean {
    return this.#pacer !== undefined;
  }

  /**
   * Reads to the end of the stream, handing the bytes to `sink` as they come
   * (a view of `buffer`, valid until `sink` returns), gathered as `readMany`
   * gathers TLS records. One async frame for the whole transfer, where a
   * loop over `readMany` makes two per read (and its caller more): a small
   * file's transfer is a read or two. Not paced (see `paced`): a rate-limited
   * transfer reads through `read`. Time spent in `sink` is no stall.
   *
   * @param buffer Where to read.
   * @param sink Takes each chunk.
   * @returns The bytes read.
   */
  async readAll(buffer: Uint8Array, sink: (bytes: Uint8Array) => void): Promise<number> {
    const half = buffer.length / 2;
    let total = 0;
    let filled = 0;
    // Bounded by the stream: each read returns bytes or ends, or the watchdog closes it.
    while (true) {
      const into = filled === 0 ? buffer : buffer.subarray(filled);
      let n: number | null;
      if (this.#unread) n = this.#takeUnread(into);
      else if (this.#eof) n = null;
      else {
        this.#begin();
        try {
          n = await this.#conn.read(into);
          if (n === null) this.#eof = true;
        } catch (error) {
          throw this.#reason() ?? this.close(connectionError(error, "data connection"));
        } finally {
          this.#busySince = 0;
        }
      }
      if (n !== null) {
        filled += n;
        total += n;
        // A full TLS record says more is waiting: gather it, as readMany does.
        if (n >= TLS_RECORD_BYTES && filled < half) continue;
      }
      if (filled > 0) sink(filled === buffer.length ? buffer : buffer.subarray(0, filled));
      if (n === null) return total;
      filled = 0;
    }
  }

  /**
   * Writes every byte of `bytes`.
   *
   * @param bytes The bytes to send.
   */
  async write(bytes: Uint8Array): Promise<void> {
    if (!this.#pacer) return await this.#write(bytes);
    const chunk = this.#pacer.chunkBytes;
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      const piece = bytes.subarray(offset, offset + chunk);
      await this.#pace(piece.length);
      await this.#write(piece);
    }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    this.#begin();
    this.#wrote = true;
    try {
      await writeAll(this.#conn, bytes);
    } catch (error) {
      throw this.#reason() ?? this.close(connectionError(error, "data connection"));
    } finally {
      this.#busySince = 0;
    }
  }

  #begin(): void {
    if (this.#closed) throw this.#reason();
    this.#busySince = performance.now();
    // One interval per connection instead of a timer per read: TLS delivers
    // 16 KiB records, and a timer each would cost more than the read.
    this.#watchdog ??= startInterval(Math.max(10, Math.min(1000, this.#stallTimeout / 4)), () => {
      if (
        this.#busySince !== 0 &&
        performance.now() - this.#busySince > this.#stallTimeout
      ) {
        this.close(
          new FtpTimeoutError(
            "data",
            this.#stallTimeout,
            `waiting for the data connection${
              this.#command === undefined ? "" : ` of "${redactCommand(this.#command)}"`
            } to move a byte`,
          ),
        );
      }
    });
  }

  /** The stream underneath (to ask a TLS stream whether it resumed). */
  get stream(): ByteStream {
    return this.#conn;
  }

  /**
   * Puts bytes back in front of the stream: the next reads return them
   * first. Used after peeking at the first bytes of a transfer.
   *
   * @param bytes The bytes; copied.
   */
  unread(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#unread = bytes.slice();
  }

  #takeUnread(buffer: Uint8Array): number {
    const [n, rest] = takeHeld(this.#unread!, buffer);
    this.#unread = rest;
    return n;
  }

  /**
   * Ends the upload: shuts down the sending side (over TLS, with
   * close_notify, even when nothing was sent: a bare close reads as a
   * truncated, failed upload). The stall watchdog bounds the wait.
   */
  async endUpload(): Promise<void> {
    if (this.#closed) return;
    this.#begin();
    try {
      await this.#conn.closeWrite();
    } catch {
      // The server may have closed first; the final reply tells.
    } finally {
      this.#busySince = 0;
    }
  }

  /**
   * Reads and discards until the server closes its side. After an upload
   * this lets TLS take in what the server sent meanwhile: TLS 1.3 session
   * tickets, without which the next data connection cannot resume the
   * session (ProFTPD then refuses it).
   */
  async drain(): Promise<void> {
    const scratch = new Uint8Array(16 * 1024);
    try {
      // Bounded by the stall watchdog and by the server closing the connection.
      while ((await this.read(scratch)) !== null) {
        // Nothing is expected on an upload's data connection; discard it.
      }
    } catch {
      // Closed under us (the final reply came first), or reset: either way done.
    }
  }

  /**
   * Closes the connection; pending and later calls fail with `reason`.
   * Idempotent.
   *
   * @param reason Why it was closed, if not a normal end.
   * @returns The reason that stands.
   */
  close(reason?: FtpError): FtpError | undefined {
    this.#watchdog?.clear();
    this.#watchdog = undefined;
    if (this.#closed) return this.#reason();
    this.#closed = true;
    this.#failure = reason;
    this.#closing?.abort(this.#reason());
    closeQuietly(this.#conn);
    return reason;
  }
}
