// Downloads: a started RETR turned into a byte stream, or pumped into a file.

import { FtpAbortError } from "../errors.ts";
import { CrlfToLfStream } from "../protocol/line_endings.ts";
import { writeAll } from "../transport/_socket.ts";
import type { TransferType } from "./options.ts";
import { abortReason, type Transfer, TRANSFER_CHUNK_BYTES } from "./_transfer.ts";

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
  let controller!: ReadableByteStreamController;

  const end = (error?: unknown) => {
    ended = true;
    hooks.signal.removeEventListener("abort", onAbort);
    if (error === undefined) resolveFinished();
    else rejectFinished(error);
  };
  const stop = async (reason: FtpAbortError) => {
    ended = true;
    try {
      await transfer.abort();
      end(reason);
    } catch (error) {
      end(error);
    }
  };
  const onAbort = () => {
    if (ended) return;
    const reason = abortReason(hooks.signal);
    controller.error(reason);
    void stop(reason);
  };
  hooks.signal.addEventListener("abort", onAbort, { once: true });

  const stream = new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: TRANSFER_CHUNK_BYTES,
    start(c) {
      controller = c;
    },
    async pull(c) {
      const request = c.byobRequest;
      const view = request?.view
        ? new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength)
        : new Uint8Array(TRANSFER_CHUNK_BYTES);
      let n: number | null;
      try {
        n = await transfer.data.read(view);
      } catch (error) {
        if (ended) return;
        ended = true;
        const reason = await transfer.fail(error);
        c.error(reason);
        return end(reason);
      }
      if (ended) return;
      if (n === null) {
        try {
          await transfer.complete();
        } catch (error) {
          if (ended) return;
          c.error(error);
          return end(error);
        }
        if (ended) return;
        c.close();
        request?.respond(0);
        return end();
      }
      bytes += n;
      if (request) request.respond(n);
      else c.enqueue(view.subarray(0, n));
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
 * Pumps a started binary transfer into an open file with one reused buffer:
 * no allocation per chunk, and 1 MiB file writes.
 *
 * @returns The byte count.
 */
export async function pumpToFile(
  transfer: Transfer,
  file: Deno.FsFile,
  hooks: TransferHooks,
): Promise<number> {
  let bytes = 0;
  const buffer = new Uint8Array(TRANSFER_CHUNK_BYTES);
  for await (const chunk of transfer.receive(buffer, hooks.signal)) {
    await writeAll(file, chunk);
    bytes += chunk.length;
    hooks.progress(bytes);
  }
  return bytes;
}
