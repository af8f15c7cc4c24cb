// One started transfer: its data connection and how it ends (completes,
// aborts, or fails), keeping the control connection in step in every case.
// Every transfer path (download stream, file pump, upload stream, source
// pump, listings) ends through the methods here, so that a failure anywhere
// after the 1xx reply is followed by ABOR and the replies it causes.

import {
  FtpAbortError,
  FtpConnectionError,
  FtpError,
  FtpTimeoutError,
  replyError,
} from "../errors.ts";
import { redactCommand } from "../protocol/command.ts";
import { type FtpReply, isCompletion } from "../protocol/reply.ts";
import type { DataConnection } from "../transport/data_connection.ts";
import { startTimer } from "../std/timer.ts";
import { graceMs } from "./_grace.ts";
import { isUnknownCommand, outOfStep } from "./_pipelining.ts";
import type { Session } from "./_session.ts";

/** Size of the reused transfer buffer: large reads and writes are what make Deno fast. */
export const TRANSFER_CHUNK_BYTES = 1024 * 1024;

/**
 * The read buffer for a transfer of `size` bytes (when known): 1 MiB, or
 * less for a small file. A 1 MiB buffer per small file costs more in
 * allocation and garbage collection than the transfer itself.
 */
export function transferBufferBytes(size: number | undefined): number {
  if (size === undefined || size >= TRANSFER_CHUNK_BYTES) return TRANSFER_CHUNK_BYTES;
  // Room for one byte more than announced, so that the end shows in one read.
  return Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(size + 1)));
}

/**
 * The largest read buffers a session keeps for its next transfer: a small
 * file's two buffers, allocated and zeroed for each of a thousand files,
 * cost more than their bytes (and the garbage collections they bring).
 * Larger transfers allocate theirs, which their bytes outweigh.
 */
const SPARE_BUFFER_BYTES = 64 * 1024;

const NEVER = new AbortController().signal;

/**
 * How long ABOR waits for the server's replies after `error`: after a
 * timeout the server may be gone, so only the grace (see `_grace.ts`);
 * after anything else, the reply timeout (`undefined`).
 */
export function abortGrace(session: Session, error: unknown): number | undefined {
  if (!(error instanceof FtpTimeoutError)) return undefined;
  return graceMs(session.control.replyTimeout);
}

/**
 * The transfers under way for each signal, which one abort listener per
 * signal interrupts: a batch of a thousand small files runs under one
 * signal, and a listener added and removed per transfer cost more than the
 * transfer's own JavaScript does. The listener stays on the signal until
 * the signal is collected, holding only this set, which the transfers leave
 * as they end: no transfer or session stays reachable from a long-lived
 * signal.
 */
const running = new WeakMap<AbortSignal, Set<Transfer>>();

/** Interrupts `transfer` when `signal` aborts (until the transfer ends). */
function watch(signal: AbortSignal, transfer: Transfer): void {
  if (signal === NEVER) return;
  let live = running.get(signal);
  if (live === undefined) {
    const transfers = new Set<Transfer>();
    live = transfers;
    running.set(signal, transfers);
    // Closing the socket interrupts a read or write in progress, whatever
    // its size; the path that was using it then ends the transfer. During a
    // completion the wait is for the final reply, which a server that
    // stopped reading never sends: ABOR makes it answer.
    signal.addEventListener("abort", () => {
      // Bounded by the transfers under way; each gets its own error, as before.
      for (const under of transfers) under.interrupt(abortReason(signal));
    }, { once: true });
  }
  live.add(transfer);
}

/** Transfer commands whose data flows to the server. */
const SENDS = /^(STOR|APPE|STOU)\b/i;

export class Transfer {
  readonly data: DataConnection;
  /** The size the 150 reply announced, if any. */
  readonly announcedSize: number | undefined;
  /** The preliminary (1xx) reply that started the transfer, when kept. */
  readonly opening: FtpReply | undefined;
  /** The call's signal: aborting it closes the data connection at once. */
  readonly signal: AbortSignal;
  /** The 2xx reply that completed the transfer. */
  finalReply?: FtpReply;
  readonly #session: Session;
  readonly #command: string;
  readonly #pendingFinal?: Promise<FtpReply>;
  readonly #stopping?: { early: boolean };
  /**
   * The read of the 1xx of an upload whose data went before it (see
   * `earlyData` in _open_transfer.ts): it rejects with the server's refusal.
   */
  readonly #earlyOpening?: Promise<FtpReply>;
  /** How the transfer ends: completion or abort, whichever began first. */
  #ending?: Promise<FtpReply | undefined>;
  #completing = false;
  /** ABOR sent while a completion waited for its reply; awaited before it ends. */
  #abortDrain?: Promise<FtpReply | undefined>;

  /**
   * @param pendingFinal A read of the final reply already under way (active
   * mode starts it while waiting for the server to connect).
   * @param opening The 1xx reply that started the transfer.
   * @param stopping Set by `stopReading`, so that the early read of the
   * final reply takes whatever reply comes next.
   */
  constructor(
    session: Session,
    data: DataConnection,
    command: string,
    announcedSize: number | undefined,
    signal: AbortSignal = NEVER,
    pendingFinal?: Promise<FtpReply>,
    opening?: FtpReply,
    stopping?: { early: boolean },
    early?: { opening: Promise<FtpReply> },
  ) {
    this.#session = session;
    this.data = data;
    this.#command = command;
    this.announcedSize = announcedSize;
    this.signal = signal;
    this.#pendingFinal = pendingFinal;
    this.opening = opening;
    this.#stopping = stopping;
    this.#earlyOpening = early?.opening;
    // A refusal of the store stops the data at once: it will not be read.
    this.#earlyOpening?.catch((error) => this.data.close(error));
    watch(signal, this);
  }

  /**
   * Stops the transfer where it stands, from outside the path running it:
   * closes the data connection (a read or write in progress fails at once)
   * and, if a completion is waiting for its final reply, sends ABOR.
   */
  interrupt(reason: FtpError): void {
    this.data.close(reason);
    if (this.#completing) this.#abortDrain ??= this.#session.abor().catch(() => undefined);
  }

  /** Whether the transfer has been completed or aborted (or is being). */
  get ended(): boolean {
    return this.#ending !== undefined;
  }

  #end(): void {
    running.get(this.signal)?.delete(this);
  }

  /**
   * Ends a transfer whose data went through: closes the data connection (the
   * end of file for an upload) and reads the final reply, which must be 2xx.
   * Called again, or after the transfer ended otherwise, it waits for that
   * end and reports the same outcome.
   */
  complete(): Promise<FtpReply> {
    if (this.#ending !== undefined) return this.#completedBefore();
    // Set before anything awaits, as `#ending ??=` would: an abort from now
    // on waits for this end.
    const ending = this.#completion();
    this.#ending = ending;
    return ending;
  }

  /** `complete` after the transfer ended otherwise (or was completed): the same outcome. */
  async #completedBefore(): Promise<FtpReply> {
    await this.#ending;
    if (!this.finalReply) throw new FtpAbortError("The transfer was aborted before it completed");
    return this.finalReply;
  }

  /**
   * The completion itself, in one frame for a download (the usual small
   * file): close the data connection, send the next EPSV ahead, read the
   * final reply.
   */
  async #completion(): Promise<FtpReply> {
    this.#completing = true;
    try {
      let reply: FtpReply;
      if (SENDS.test(this.#command)) reply = await this.#uploadCompletion();
      else {
        this.data.close();
        // The next EPSV went with the command (see Session.mayEpsvWithRead):
        // its answer may come out of turn, as during an upload.
        const withCommand = this.#session.epsvWentWithTransfer;
        let aheadSent = false;
        // Not with an early read of the final reply under way (active mode);
        // asked first, so that a session that will not send costs no call.
        if (!this.#pendingFinal) {
          // Sent with the command already (the usual small file): no call to send it.
          const withTransfer = this.#session.epsvWithTransferAhead();
          if (withTransfer !== undefined) aheadSent = withTransfer;
          else {
            try {
              aheadSent = this.#session.epsvAheadDue && await this.#session.sendEpsvAhead();
            } catch {
              // The control connection failed: reading the final reply tells.
            }
          }
        }
        reply = await this.#readFinal();
        if (withCommand) {
          // The usual reply, a 226, needs no sorting (nor a frame, once a file).
          if (reply.code === 229 || !isCompletion(reply)) reply = await this.#replyWithAhead(reply);
        } else if (aheadSent && reply.code === 229) {
          // A server that answered the EPSV sent with the transfer's end before
          // the final reply is out of step: the 229 is not the transfer's answer.
          this.#session.stopPipelining();
          throw this.#session.control.close(outOfStep(this.#command, reply));
        }
      }
      if (!isCompletion(reply)) throw replyError(reply, redactCommand(this.#command));
      this.finalReply = reply;
      return reply;
    } catch (error) {
      // Interrupted on purpose: the server's 426 is the consequence, not the news.
      throw this.signal.aborted ? abortReason(this.signal) : error;
    } finally {
      this.#end();
      // The replies to an ABOR sent meanwhile must be read before the next command.
      if (this.#abortDrain) await this.#abortDrain;
    }
  }

  async #uploadCompletion(): Promise<FtpReply> {
    await this.data.endUpload();
    // The client's data is all sent and closed: the next transfer's EPSV
    // may go now, where the server is known to answer it only after this
    // upload's final reply (see Session.sendEpsvAheadOfUpload). Others
    // read the control connection while the upload's data still arrives
    // and answer a command that comes meanwhile out of turn (Pure-FTPd:
    // "500 Unknown command"): for them it waits for the final reply.
    let aheadSent = false;
    if (!this.#pendingFinal) {
      try {
        aheadSent = await this.#session.sendEpsvAheadOfUpload();
      } catch {
        // The control connection failed: reading the final reply tells.
      }
    }
    if (this.#earlyOpening) {
      try {
        await this.#earlyOpening;
      } catch (error) {
        this.data.close(); // Refused: that reply was the command's last.
        throw error;
      }
    }
    // Until the server closes the data connection, or its final reply
    // arrives, keep reading it (see DataConnection.drain).
    const final = this.#readFinal();
    final.catch(() => {});
    await Promise.race([this.data.drain(), final.then(() => {}, () => {})]);
    this.data.close();
    const reply = await final;
    return aheadSent ? await this.#replyWithAhead(reply) : reply;
  }

  /**
   * The transfer's own final reply, when the next EPSV went ahead of it: an
   * upload's, sent once its data was closed, or a download's or listing's,
   * sent with its command (the same servers, see `mayEpsvDuringTransfer`).
   * `first`, the reply read, is it when it is a completion other than 229:
   * the EPSV's 229 then follows, in turn, for the next transfer. A 229 or a
   * refusal may be the EPSV's answer out of turn (a server that read it
   * while the data still flowed), so the next reply, which comes in every
   * case, tells them apart: after an out-of-turn 229, the transfer's reply;
   * after a refusal, a 229 (the refusal was the transfer's, in turn) or the
   * transfer's reply (a completion: the refusal was the EPSV's). Of two
   * refusals, one is an "unknown command" (500, 502: the EPSV dropped) when
   * the other is not; otherwise the second is the transfer's, since a server
   * that answers out of turn answers before the transfer ends. Any answer
   * out of turn ends EPSVs during transfers to this server, for the process;
   * the transfer is reported by its own reply either way. A session that
   * ends after a refusal leaves that refusal as the transfer's reply: a
   * failure is never turned into a success.
   */
  async #replyWithAhead(first: FtpReply): Promise<FtpReply> {
    const session = this.#session;
    if (first.code !== 229 && isCompletion(first)) return first;
    if (first.code === 229) {
      // Out of turn: the transfer's reply follows (pyftpdlib cut an upload
      // short and sends none: the reply timeout then fails it).
      session.epsvAheadAnswered(undefined);
      // An ABOR's drain reads what follows: the upload's own reply is unknown.
      if (this.#abortDrain) throw outOfStep(this.#command, first);
      return await this.#readFinal();
    }
    // Closing the session, or an ABOR's drain reads what follows: no sorting.
    if (first.code === 421 || this.#abortDrain) return first;
    let second: FtpReply;
    try {
      second = await this.#readFinal();
    } catch {
      // The session ended after the refusal (vsftpd, its data TLS refused
      // with 522, hangs up): the refusal is the transfer's news.
      return first;
    }
    if (second.code === 229) {
      // After an ABOR, the EPSV's listener is gone with the transfer's state.
      if (!this.#abortDrain) session.epsvAheadAnswered(second);
      return first;
    }
    session.epsvAheadAnswered(undefined);
    if (isCompletion(second)) return second;
    return isUnknownCommand(second) && !isUnknownCommand(first) ? first : second;
  }

  #readFinal(): Promise<FtpReply> {
    // No early read (passive mode): the session's read, with no frame of its own here.
    if (!this.#pendingFinal) return this.#session.readFinal(this.#command);
    return this.#readEarlyFinal(this.#pendingFinal);
  }

  async #readEarlyFinal(pendingFinal: Promise<FtpReply>): Promise<FtpReply> {
    // The early read waits without a deadline while data flows; from now on
    // the reply timeout applies.
    const control = this.#session.control;
    const timer = startTimer(
      control.replyTimeout,
      () => control.close(control.timeoutError({ replyTo: this.#command })),
    );
    try {
      return await pendingFinal;
    } finally {
      timer.clear();
    }
  }

  /**
   * Stops the transfer with ABOR and drains the replies it causes, so the
   * next command reads its own reply. Returns the reply that ended the
   * transfer command, if one came. However many paths ask at once (the
   * call's signal, a failed write, a reader's cancel), ABOR goes out once
   * and all of them wait for the same drain; after a completion, there is
   * nothing left to abort.
   */
  async abort(reason?: FtpError): Promise<FtpReply | undefined> {
    this.#ending ??= (async () => {
      this.#end();
      this.data.close(reason);
      return await abortCommand(
        this.#session,
        abortGrace(this.#session, reason),
        this.#pendingFinal,
      );
    })();
    return await this.#ending;
  }

  /**
   * Ends a download whose reader has every byte it wants (a segment's
   * range): closes the data connection and reads the transfer command's
   * final reply, whichever it is: 226 when the server had sent it all
   * already, else the 426 (or 451) of a server that found the connection
   * closed. One reply, whatever its code: Pure-FTPd (throttled) reports
   * the cut with its timing under the code 150, and then nothing more. No
   * ABOR: Pure-FTPd answers one during a transfer and drops the command
   * sent behind it, the PWD that marks the end of its replies. Returns that
   * reply; a connection that fails meanwhile fails the call.
   */
  async stopReading(): Promise<FtpReply | undefined> {
    this.#ending ??= (async () => {
      this.#end();
      this.data.close();
      // Active mode reads the final reply from the start: told to take any reply.
      if (this.#stopping) this.#stopping.early = true;
      if (this.#pendingFinal) return await this.#readFinal();
      const control = this.#session.control;
      return await control.read(
        { replyTo: this.#command },
        control.deadline(),
      );
    })();
    return await this.#ending;
  }

  /**
   * Ends the transfer after `error` (ABOR, unless it already ended) and
   * returns the error the caller should see: the abort reason when the call
   * was aborted; the server's reply (426, 451, 552...) when the server
   * dropped the data connection, since it says why better than "connection
   * reset" does; otherwise `error` itself. It returns only once the control
   * connection is in step again.
   */
  async failure(error: unknown): Promise<unknown> {
    if (this.#earlyOpening && this.#ending === undefined) {
      // Data that went before the 1xx: a refusal of the store is the news,
      // and the command has ended with it (nothing to abort).
      const refusal = await this.#earlyOpening.then(() => undefined, (e: unknown) => e);
      if (refusal !== undefined) {
        this.#ending = Promise.resolve(undefined);
        this.#end();
        this.data.close();
        return this.signal.aborted ? abortReason(this.signal) : refusal;
      }
    }
    const alreadyEnding = this.#ending !== undefined;
    let reply: FtpReply | undefined;
    try {
      reply = await this.abort(error instanceof FtpError ? error : undefined);
    } catch {
      // The control connection failed too; the data side's error is the news.
      return this.signal.aborted ? abortReason(this.signal) : error;
    }
    if (this.signal.aborted) return abortReason(this.signal);
    if (alreadyEnding) return error;
    if (error instanceof FtpConnectionError && reply && reply.code >= 400) {
      return replyError(reply, redactCommand(this.#command), { cause: error });
    }
    return error;
  }

  /**
   * The most bytes worth writing at once on this data connection (an
   * upload's pieces, and its file's reads): 1 MiB, or less where the stream
   * takes less at once. On Node's TLS path (256 KiB per message between
   * threads) each 1 MiB piece was copied into a 1 MiB buffer, a window of
   * them held in both threads (docs/performance.md, "Memory over FTPS").
   * Downloads keep 1 MiB read buffers: 256 KiB ones measured no lower.
   */
  get chunkBytes(): number {
    return Math.min(TRANSFER_CHUNK_BYTES, this.data.stream.chunkBytes ?? TRANSFER_CHUNK_BYTES);
  }

  /**
   * Reads the data connection until its end into `sink` (each chunk a view
   * valid until `sink` returns), then completes the transfer; returns the
   * bytes read. A small transfer (a buffer of at most 64 KiB, not paced)
   * reads in one loop with one of the session's reused buffers: no
   * generator, no layers per read (see `DataConnection.readAll`); a larger
   * one goes through `receive`, whose two buffers let the next read run
   * while `sink` writes. On a failure (of the data, the final reply, or
   * `sink`), the caller passes the error to `failure`, which aborts the
   * transfer where it still runs.
   */
  async receiveInto(bufferBytes: number, sink: (bytes: Uint8Array) => void): Promise<number> {
    if (bufferBytes !== SPARE_BUFFER_BYTES || this.data.paced) {
      let bytes = 0;
      // Bounded by the data connection, as `receive` is.
      for await (const chunk of this.receive(bufferBytes)) {
        bytes += chunk.length;
        if (chunk.length > 0) sink(chunk);
      }
      return bytes;
    }
    const buffers = this.#session.spareBuffers ??
      [new Uint8Array(SPARE_BUFFER_BYTES), new Uint8Array(SPARE_BUFFER_BYTES)];
    this.#session.spareBuffers = undefined;
    const bytes = await this.data.readAll(buffers[0], sink);
    await this.complete();
    // Only after a whole transfer: its last read found the end, so no read holds the buffer.
    this.#session.spareBuffers = buffers;
    return bytes;
  }

  /**
   * Reads the data connection until its end, yielding the bytes as they
   * come, then completes the transfer. Two buffers of `bufferBytes` take
   * turns: while the caller handles one (writes it to a file, say), the
   * next read fills the other. So the caller must be done with each view
   * before asking for the next. A caller that stops early (break, or a
   * throw such as a failed local write) gets the transfer aborted, so the
   * session stays usable.
   */
  async *receive(bufferBytes: number): AsyncGenerator<Uint8Array> {
    const reuse = bufferBytes <= SPARE_BUFFER_BYTES;
    const spare = reuse ? this.#session.spareBuffers : undefined;
    this.#session.spareBuffers = undefined;
    const size = reuse ? SPARE_BUFFER_BYTES : bufferBytes;
    // Not destructured: cold (most of a 1000-file run), that goes through an iterator.
    const first = spare ? spare[0] : new Uint8Array(size);
    const second = spare ? spare[1] : new Uint8Array(size);
    const buffers = first.length === bufferBytes
      ? [first, second]
      : [first.subarray(0, bufferBytes), second.subarray(0, bufferBytes)];
    let completed = false;
    let current = 0;
    const readInto = (buffer: Uint8Array) => {
      const reading = this.data.readMany(buffer);
      reading.catch(() => {}); // Awaited below, or abandoned when the caller stops.
      return reading;
    };
    let pending = readInto(buffers[current]);
    try {
      // Bounded by the data connection: it ends, fails, or stalls into a timeout.
      while (true) {
        let n: number | null;
        try {
          n = await pending;
        } catch (error) {
          throw await this.failure(error);
        }
        if (n === null) break;
        const filled = buffers[current].subarray(0, n);
        current ^= 1;
        pending = readInto(buffers[current]);
        yield filled;
      }
      await this.complete();
      completed = true;
    } finally {
      if (!this.ended) await this.abort().catch(() => {});
    }
    // Only after a whole transfer: its last read found the end, so no read
    // still holds either buffer, and the caller is done with the last view.
    if (completed && reuse) this.#session.spareBuffers = spare ?? [first, second];
  }
}

/**
 * Sends ABOR and drains the replies (see `Session.abor`), waiting `grace`
 * milliseconds for them, or the reply timeout. In active mode a read of the
 * final reply may already be queued (`pendingFinal`, without a deadline),
 * ahead of ABOR's replies: one limit then bounds both, and once it passes
 * the connection is closed. ABOR goes out first either way: a server that
 * stalled sends no final reply until it is told to stop.
 *
 * @returns The reply that ended the transfer command, if one came.
 */
export async function abortCommand(
  session: Session,
  grace: number | undefined,
  pendingFinal?: Promise<FtpReply>,
): Promise<FtpReply | undefined> {
  if (!pendingFinal) return await session.abor(grace);
  const control = session.control;
  const limit = grace ?? control.replyTimeout;
  const timer = startTimer(limit, () => {
    control.close(
      new FtpTimeoutError(
        "reply",
        limit,
        "waiting for the replies to ABOR; closing the connection",
      ),
    );
  });
  try {
    const aborting = session.abor(grace);
    aborting.catch(() => {}); // Awaited below, after the reply queued ahead of it.
    const early = await pendingFinal.catch(() => undefined);
    const late = await aborting;
    return early ?? late;
  } finally {
    timer.clear();
  }
}

/** The signal's reason as an `FtpAbortError`. */
export function abortReason(signal: AbortSignal): FtpAbortError {
  return signal.reason instanceof FtpAbortError
    ? signal.reason
    : new FtpAbortError("The transfer was aborted", { cause: signal.reason });
}
