// Downloads: a started RETR turned into a byte stream, or pumped into a file.

import { FtpAbortError } from "../errors.ts";
import { CrlfToLfStream } from "../protocol/line_endings.ts";
import { writeAllSync } from "../transport/_socket.ts";
import type { TransferResult, TransferType } from "./options.ts";
import { openDownloadTarget } from "./_local_file.ts";
import type { Session } from "./_session.ts";
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
 * Pumps a started binary transfer into an open file: two reused 1 MiB
 * buffers, so the next read is under way during this write, and no
 * allocation per chunk. Writes are synchronous (see `writeAllSync`).
 *
 * @returns The byte count.
 */
export async function pumpToFile(
  transfer: Transfer,
  file: Deno.FsFile,
  hooks: TransferHooks,
): Promise<number> {
  let bytes = 0;
  for await (const chunk of transfer.receive(transferBufferBytes(transfer.announcedSize))) {
    writeAllSync(file, chunk);
    bytes += chunk.length;
    hooks.progress(bytes);
  }
  return bytes;
}

/** What `downloadTo` needs from the client. */
export interface DownloadToOptions {
  type: TransferType;
  offset: number;
  /** Continue (and on failure keep) the `.ferry-part` file of an earlier attempt. */
  resume: boolean;
  signal: AbortSignal;
  /** Makes the progress hooks once the announced size is known. */
  hooks(announcedSize: number | undefined): TransferHooks;
}

/**
 * Downloads into a local file or a writable stream. Local problems are
 * found before RETR is sent; any failure after it ends the transfer (ABOR),
 * so the next command reads its own reply.
 */
export async function downloadInto(
  session: Session,
  path: string,
  destination: string | URL | WritableStream<Uint8Array>,
  options: DownloadToOptions,
): Promise<TransferResult> {
  const { type, signal } = options;
  if (destination instanceof WritableStream && destination.locked) {
    throw new TypeError("The destination stream is locked: release its writer before downloading");
  }
  const target = destination instanceof WritableStream
    ? undefined
    : await openDownloadTarget(destination, options.offset, options.resume);
  const offset = target?.offset ?? options.offset;
  let transfer: Transfer | undefined;
  try {
    transfer = await session.retr(path, { type, offset, signal });
    const hooks = options.hooks(transfer.announcedSize);
    let bytes = 0;
    const counting: TransferHooks = { signal, progress: (n) => hooks.progress(bytes = n) };
    if (target && type === "binary") {
      await pumpToFile(transfer, target.file, counting);
    } else {
      const { stream, finished } = downloadStream(transfer, type, counting);
      const sink = target ? target.file.writable : destination as WritableStream<Uint8Array>;
      await Promise.all([stream.pipeTo(sink, { preventClose: !!target }), finished]);
    }
    await target?.commit();
    return { bytes, reply: transfer.finalReply?.text ?? "" };
  } catch (error) {
    await target?.discard();
    throw transfer ? await transfer.failure(error) : error;
  }
}
