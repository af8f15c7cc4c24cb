// Uploads: a started STOR/APPE fed from a writable stream or from a source
// (bytes, text, a readable stream, a local file).

import { FtpAbortError } from "../errors.ts";
import { lfToCrlf } from "../protocol/line_endings.ts";
import type { FtpReply } from "../protocol/reply.ts";
import type { TransferType } from "./options.ts";
import type { TransferHooks } from "./_download.ts";
import { type LocalFile, openSource } from "./_local_file.ts";
import { abortReason, type Transfer, TRANSFER_CHUNK_BYTES } from "./_transfer.ts";

/** What `upload()` accepts as a source. A `URL` names a local file. */
export type UploadSource = ReadableStream<Uint8Array> | Uint8Array | string | URL;

const CR = 0x0d;

/**
 * Sends bytes in large writes: small chunks are gathered into one 1 MiB
 * buffer, large ones go out as they are, without a copy. ASCII uploads get
 * LF converted to CRLF on the way.
 */
class TransferWriter {
  readonly #transfer: Transfer;
  readonly #ascii: boolean;
  readonly #hooks: TransferHooks;
  #buffer?: Uint8Array;
  #filled = 0;
  #lastWasCr = false;
  bytes = 0;

  constructor(transfer: Transfer, type: TransferType, hooks: TransferHooks) {
    this.#transfer = transfer;
    this.#ascii = type === "ascii";
    this.#hooks = hooks;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    if (this.#ascii) {
      const converted = lfToCrlf(chunk, this.#lastWasCr);
      this.#lastWasCr = chunk[chunk.length - 1] === CR;
      chunk = converted;
    }
    if (this.#filled === 0 && chunk.length >= TRANSFER_CHUNK_BYTES / 4) {
      return await this.#send(chunk);
    }
    let offset = 0;
    while (offset < chunk.length) {
      this.#buffer ??= new Uint8Array(TRANSFER_CHUNK_BYTES);
      const take = Math.min(chunk.length - offset, this.#buffer.length - this.#filled);
      this.#buffer.set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.#buffer.length) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.#filled === 0) return;
    const pending = this.#buffer!.subarray(0, this.#filled);
    this.#filled = 0;
    await this.#send(pending);
  }

  async #send(bytes: Uint8Array): Promise<void> {
    this.#hooks.signal.throwIfAborted();
    await this.#transfer.data.write(bytes);
    this.bytes += bytes.length;
    this.#hooks.progress(this.bytes);
  }
}

/** A writable stream over a started upload, and a promise of how it ended. */
export interface UploadStream {
  stream: WritableStream<Uint8Array>;
  finished: Promise<FtpReply>;
}

/**
 * Wraps a started upload in a writable stream. Closing it completes the
 * transfer and resolves once the server confirmed (2xx); aborting it, or the
 * call's signal, sends ABOR.
 */
export function uploadStream(
  transfer: Transfer,
  type: TransferType,
  hooks: TransferHooks,
): UploadStream {
  const writer = new TransferWriter(transfer, type, hooks);
  let resolveFinished!: (reply: FtpReply) => void;
  let rejectFinished!: (error: unknown) => void;
  const finished = new Promise<FtpReply>((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  let ended = false;
  const end = (error: unknown, reply?: FtpReply) => {
    if (ended) return;
    ended = true;
    hooks.signal.removeEventListener("abort", onAbort);
    if (reply) resolveFinished(reply);
    else rejectFinished(error);
  };
  let controller!: WritableStreamDefaultController;
  const onAbort = () => {
    if (ended) return;
    const reason = abortReason(hooks.signal);
    controller.error(reason);
    transfer.abort().then(() => end(reason), (error) => end(error));
  };
  hooks.signal.addEventListener("abort", onAbort, { once: true });

  const fail = async (error: unknown): Promise<never> => {
    if (ended) throw error;
    const reason = hooks.signal.aborted ? abortReason(hooks.signal) : await transfer.fail(error);
    end(reason);
    throw reason;
  };

  const stream = new WritableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    async write(chunk) {
      if (!(chunk instanceof Uint8Array)) {
        await fail(new TypeError("Upload streams take Uint8Array chunks"));
      }
      await writer.write(chunk).catch(fail);
    },
    async close() {
      try {
        await writer.flush();
      } catch (error) {
        await fail(error);
      }
      try {
        end(undefined, await transfer.complete());
      } catch (error) {
        end(error);
        throw error;
      }
    },
    async abort() {
      if (ended) return;
      const reason = new FtpAbortError("The upload was aborted by its writer");
      try {
        await transfer.abort();
        end(reason);
      } catch (error) {
        end(error);
      }
    },
  });
  return { stream, finished };
}

/** Feeds a whole source into a started upload and completes it. */
export async function pumpSource(
  transfer: Transfer,
  source: Exclude<UploadSource, URL> | LocalFile,
  type: TransferType,
  hooks: TransferHooks,
  offset = 0,
): Promise<{ bytes: number; reply: FtpReply }> {
  const writer = new TransferWriter(transfer, type, hooks);
  try {
    if (typeof source === "string") {
      await writer.write(new TextEncoder().encode(source));
    } else if (source instanceof Uint8Array) {
      await writer.write(source);
    } else if (source instanceof ReadableStream) {
      await pumpReadable(source, writer);
    } else {
      await pumpFile(source, offset, writer);
    }
    await writer.flush();
  } catch (error) {
    throw hooks.signal.aborted
      ? await transfer.abort().then(() => abortReason(hooks.signal))
      : await transfer.fail(error);
  }
  return { bytes: writer.bytes, reply: await transfer.complete() };
}

async function pumpFile(source: LocalFile, offset: number, writer: TransferWriter): Promise<void> {
  using file = await openSource(source, offset);
  const buffer = new Uint8Array(TRANSFER_CHUNK_BYTES);
  // Bounded by the file's end.
  while (true) {
    const n = await file.read(buffer);
    if (n === null) return;
    await writer.write(buffer.subarray(0, n));
    // The writer sent large reads straight away, or copied small ones into
    // its own buffer: this buffer is free to be reused either way.
  }
}

async function pumpReadable(
  source: ReadableStream<Uint8Array>,
  writer: TransferWriter,
): Promise<void> {
  const reader = source.getReader();
  try {
    // Bounded by the source's end.
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      await writer.write(value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    reader.releaseLock();
  }
}
