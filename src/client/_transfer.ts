// One started transfer: its data connection and how it ends (completes,
// aborts, or fails), keeping the control connection in step in every case.

import { FtpAbortError, FtpConnectionError, replyError } from "../errors.ts";
import { redactCommand } from "../protocol/command.ts";
import { type FtpReply, isCompletion } from "../protocol/reply.ts";
import type { DataConnection } from "../transport/data_connection.ts";
import type { Session } from "./_session.ts";

/** Size of the reused transfer buffer: large reads and writes are what make Deno fast. */
export const TRANSFER_CHUNK_BYTES = 1024 * 1024;

export class Transfer {
  readonly data: DataConnection;
  /** The size the 150 reply announced, if any. */
  readonly announcedSize: number | undefined;
  readonly #session: Session;
  readonly #command: string;
  /** The 2xx reply that completed the transfer. */
  finalReply?: FtpReply;

  constructor(
    session: Session,
    data: DataConnection,
    command: string,
    announcedSize: number | undefined,
  ) {
    this.#session = session;
    this.data = data;
    this.#command = command;
    this.announcedSize = announcedSize;
  }

  /**
   * Ends a transfer whose data went through: closes the data connection (the
   * end of file for an upload) and reads the final reply, which must be 2xx.
   */
  async complete(): Promise<FtpReply> {
    this.data.close();
    const reply = await this.#session.readFinal(this.#command);
    if (!isCompletion(reply)) throw replyError(reply, redactCommand(this.#command));
    this.finalReply = reply;
    return reply;
  }

  /**
   * Stops the transfer with ABOR and drains the replies it causes, so the
   * next command reads its own reply. Returns the reply that ended the
   * transfer command, if one came.
   */
  async abort(): Promise<FtpReply | undefined> {
    this.data.close();
    return await this.#session.abor();
  }

  /**
   * Handles a failure on the data connection: aborts, then picks the most
   * telling error. When the server dropped the data connection, its reply
   * (426, 451, 552...) says why better than "connection reset" does.
   */
  async fail(cause: unknown): Promise<unknown> {
    let reply: FtpReply | undefined;
    try {
      reply = await this.abort();
    } catch {
      // The control connection failed too; the data error is the news.
      return cause;
    }
    if (cause instanceof FtpConnectionError && reply && reply.code >= 400) {
      return replyError(reply, redactCommand(this.#command), { cause });
    }
    return cause;
  }

  /**
   * Reads the data connection into `buffer` until its end, yielding the
   * filled part each time, then completes the transfer. The caller must be
   * done with each view before asking for the next: the buffer is reused.
   * An aborted `signal` stops it with ABOR; a data failure ends in the most
   * telling error; a caller that stops early (break, or a throw such as a
   * failed local write) gets the transfer aborted, so the session stays usable.
   */
  async *receive(buffer: Uint8Array, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    const onAbort = () => this.data.close(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    let ended = false;
    try {
      // Bounded by the data connection: it ends, fails, or stalls into a timeout.
      while (true) {
        let n: number | null;
        try {
          n = await this.data.read(buffer);
        } catch (error) {
          ended = true;
          if (!signal.aborted) throw await this.fail(error);
          await this.abort();
          throw abortReason(signal);
        }
        if (n === null) break;
        yield buffer.subarray(0, n);
      }
      ended = true;
      await this.complete();
    } finally {
      signal.removeEventListener("abort", onAbort);
      if (!ended) await this.abort();
    }
  }
}

/** The signal's reason as an `FtpAbortError`. */
export function abortReason(signal: AbortSignal): FtpAbortError {
  return signal.reason instanceof FtpAbortError
    ? signal.reason
    : new FtpAbortError("The transfer was aborted", { cause: signal.reason });
}
