// Downloads: a started RETR turned into a byte stream, or piped into a writable one.
// Loaded on first use (ftp_client.ts): web streams cost start-up time that a
// download to a file does not need.

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { FtpAbortError } from "../errors.ts";
import { CrlfToLfStream } from "../protocol/line_ending_streams.ts";
import type { TransferResult, TransferType } from "./options.ts";
import type { Session } from "./_session.ts";
import type { RateLimiter } from "./rate_limit.ts";
import { abortReason, type Transfer, transferBufferBytes } from "./_transfer.ts";

/** How a running transfer reports back to the client. */
export interface TransferHooks {
  /** Fires when the call is cancelled (its signal, `abort()`, `close()`). */
  signal: AbortSignal;
  /** Called with the running byte count after each chunk. */
  progress(bytes: number): void;
}

/** A readable stream over a transfer, and a promise of how it ended. */
export interface DownloadStream {
  stream: ReadableStream<Uint8Array>;
  /** Settles when the transfer has ended and the control connection is free. */
  finished: Promise<void>;
}

/**
 * Wraps a started transfer in a byte stream. Reading to the end completes
 * the transfer (the final reply is read before the stream closes, so a 426
 * surfaces as a stream error); cancelling sends ABOR.
 *
 * A BYOB reader gets the bytes read straight into its own buffer. A default
 * reader gets chunks of exactly the bytes read, copied out of one reused
 * 1 MiB buffer: a chunk never pins more memory than it holds, however small
 * the network's reads are.
 */
export function downloadStream(
  transfer: Transfer,
  type: TransferType,
  hooks: TransferHooks,
): DownloadStream {
  let resolveFinished!: () => void;
  let rejectFinished!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  let ended = false;
  let bytes = 0;
  let buffer: Uint8Array | undefined;
  let controller!: ReadableByteStreamController;

  const end = (error?: unknown) => {
    ended = true;
    hooks.signal.removeEventListener("abort", onAbort);
    if (error === undefined) resolveFinished();
    else rejectFinished(error);
  };
  const stop = async (reason: unknown) => {
    ended = true;
    end(await transfer.failure(reason));
  };
  // The reader may be idle when the call is aborted: error the stream now.
  const onAbort = () => {
    if (ended) return;
    controller.error(abortReason(hooks.signal));
    void stop(abortReason(hooks.signal));
  };
  hooks.signal.addEventListener("abort", onAbort, { once: true });

  const stream = new ReadableStream({
    type: "bytes",
    start(c) {
      controller = c;
    },
    async pull(c) {
      const request = c.byobRequest;
      const view = request?.view
        ? new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength)
        : (buffer ??= new Uint8Array(transferBufferBytes(transfer.announcedSize)));
      let n: number | null;
      try {
        n = await transfer.data.readMany(view);
        if (n === null) await transfer.complete();
      } catch (error) {
        if (ended) return;
        ended = true;
        const reason = await transfer.failure(error);
        // The call's end first, then the reader's: a reader who reacts to
        // the end finds the command over (see CommandQueue).
        end(reason);
        return c.error(reason);
      }
      if (ended) return;
      if (n === null) {
        end();
        c.close();
        return request?.respond(0);
      }
      bytes += n;
      if (request) request.respond(n);
      else c.enqueue(view.slice(0, n));
      hooks.progress(bytes);
    },
    async cancel() {
      if (ended) return;
      await stop(new FtpAbortError("The download was cancelled by its reader"));
    },
  });
  const output = type === "ascii" ? stream.pipeThrough(new CrlfToLfStream()) : stream;
  return { stream: output, finished };
}

/**
 * Downloads into a writable stream (a local path goes to `downloadToFile`).
 * Any failure after RETR ends the transfer (ABOR), so the next command
 * reads its own reply.
 */
export async function downloadIntoStream(
  session: Session,
  path: string,
  destination: WritableStream<Uint8Array>,
  options: {
    type: TransferType;
    offset: number;
    signal: AbortSignal;
    rateLimit?: RateLimiter;
    /** Makes the progress hooks once the announced size is known. */
    hooks(announcedSize: number | undefined): TransferHooks;
  },
): Promise<TransferResult> {
  const { type, signal } = options;
  if (destination.locked) {
    throw new TypeError("The destination stream is locked: release its writer before downloading");
  }
  let transfer: Transfer | undefined;
  try {
    transfer = await session.retr(path, {
      type,
      offset: options.offset,
      signal,
      rateLimit: options.rateLimit,
    });
    const hooks = options.hooks(transfer.announcedSize);
    let bytes = 0;
    const counting: TransferHooks = { signal, progress: (n) => hooks.progress(bytes = n) };
    const { stream, finished } = downloadStream(transfer, type, counting);
    await Promise.all([stream.pipeTo(destination), finished]);
    const result: TransferResult = { bytes, reply: transfer.finalReply?.text ?? "" };
    if (options.offset > 0) result.resumedFrom = options.offset;
    return result;
  } catch (error) {
    throw transfer ? await transfer.failure(error) : error;
  }
}
