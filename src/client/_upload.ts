// Uploads: a started STOR/APPE fed from a writable stream or from a source
// (bytes, text, a readable stream, a local file).

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { FtpAbortError } from "../errors.ts";
import { lfToCrlf } from "../protocol/line_endings.ts";
import type { FtpReply } from "../protocol/reply.ts";
import type { TransferType } from "./options.ts";
import type { TransferHooks } from "./_download.ts";
import { type LocalFile, openSource } from "./_local_file.ts";
import { abortReason, type Transfer } from "./_transfer.ts";

/**
 * What `upload()` accepts as a source. A `URL` names a local file.
 *
 * @example
 * ```ts
 * import { FtpClient, type UploadSource } from "@ferry/ftp";
 *
 * const source: UploadSource = new URL("file:///etc/hostname");
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.upload("hostname.txt", source);
 * ```
 */
export type UploadSource = ReadableStream<Uint8Array> | Uint8Array | string | URL;

const CR = 0x0d;

/**
 * Sends bytes in large writes: small chunks are gathered into one buffer of
 * the connection's chunk (1 MiB; 256 KiB on Node's TLS path), large ones go
 * out as they are, without a copy. ASCII uploads get
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
    this.chunkBytes = transfer.chunkBytes;
  }

  /** The size of the pieces sent, and of a source's reads (see {@linkcode Transfer.chunkBytes}). */
  readonly chunkBytes: number;

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    if (this.#ascii) {
      const converted = lfToCrlf(chunk, this.#lastWasCr);
      this.#lastWasCr = chunk[chunk.length - 1] === CR;
      chunk = converted;
    }
    if (this.#filled === 0 && chunk.length >= this.chunkBytes / 4) {
      return await this.#send(chunk);
    }
    let offset = 0;
    while (offset < chunk.length) {
      this.#buffer ??= new Uint8Array(this.chunkBytes);
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

  /**
   * Sends in pieces of at most the connection's chunk (1 MiB, 256 KiB on
   * Node's TLS path), so progress is reported as it happens.
   */
  async #send(bytes: Uint8Array): Promise<void> {
    for (let offset = 0; offset < bytes.length; offset += this.chunkBytes) {
      const piece = bytes.subarray(offset, offset + this.chunkBytes);
      await this.#transfer.data.write(piece);
      this.bytes += piece.length;
      this.#hooks.progress(this.bytes);
    }
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
  /** Ends the transfer after an error and settles with the error to show. */
  const fail = async (error: unknown): Promise<never> => {
    const reason = await transfer.failure(error);
    end(reason);
    throw reason;
  };
  let controller!: WritableStreamDefaultController;
  // The writer may be idle when the call is aborted: error the stream now.
  const onAbort = () => {
    if (ended || transfer.ended) return;
    controller.error(abortReason(hooks.signal));
    fail(abortReason(hooks.signal)).catch(() => {});
  };
  hooks.signal.addEventListener("abort", onAbort, { once: true });

  const stream = new WritableStream<Uint8Array>({
    start(c) {
      controller = c;
      // abort() waits for a write in flight before calling the sink's abort,
      // and a write to a server that stopped reading may wait until the data
      // timeout: the controller's signal fires at once, so stop there.
      c.signal.addEventListener("abort", () => {
        if (ended) return;
        const reason = new FtpAbortError("The upload was aborted by its writer");
        transfer.interrupt(reason);
        fail(reason).catch(() => {});
      }, { once: true });
    },
    async write(chunk) {
      if (!(chunk instanceof Uint8Array)) {
        return await fail(new TypeError("Upload streams take Uint8Array chunks"));
      }
      await writer.write(chunk).catch(fail);
    },
    async close() {
      await writer.flush().catch(fail);
      try {
        end(undefined, await transfer.complete());
      } catch (error) {
        end(error);
        throw error;
      }
    },
    async abort() {
      if (ended) return;
      await fail(new FtpAbortError("The upload was aborted by its writer")).catch(() => {});
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
    throw await transfer.failure(error);
  }
  return { bytes: writer.bytes, reply: await transfer.complete() };
}

async function pumpFile(source: LocalFile, offset: number, writer: TransferWriter): Promise<void> {
  using file = await openSource(source, offset);
  // Two buffers take turns, so that reading the next piece of the file
  // overlaps sending this one.
  const buffers = [new Uint8Array(writer.chunkBytes), new Uint8Array(writer.chunkBytes)];
  let current = 0;
  let pending = file.read(buffers[current]);
  try {
    // Bounded by the file's end.
    while (true) {
      const n = await pending;
      if (n === null) return;
      const piece = buffers[current].subarray(0, n);
      current ^= 1;
      pending = file.read(buffers[current]);
      // The writer sends large pieces at once and copies small ones into its
      // own buffer: either way this buffer is free again when write() returns.
      await writer.write(piece);
    }
  } finally {
    // A read may still be in flight when a write failed; let it settle before the file closes.
    await pending.catch(() => {});
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
