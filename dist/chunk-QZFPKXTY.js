import {
  openSource
} from "./chunk-3CMHRS5E.js";
import {
  lfToCrlf
} from "./chunk-YAX2L4F7.js";
import {
  abortReason
} from "./chunk-EJRZ22DK.js";
import {
  FtpAbortError
} from "./chunk-UN72SBEK.js";

// src/client/_upload.ts
var CR = 13;
var TransferWriter = class {
  #transfer;
  #ascii;
  #hooks;
  #buffer;
  #filled = 0;
  #lastWasCr = false;
  bytes = 0;
  constructor(transfer, type, hooks) {
    this.#transfer = transfer;
    this.#ascii = type === "ascii";
    this.#hooks = hooks;
    this.chunkBytes = transfer.chunkBytes;
  }
  /** The size of the pieces sent, and of a source's reads (see {@linkcode Transfer.chunkBytes}). */
  chunkBytes;
  async write(chunk) {
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
  async flush() {
    if (this.#filled === 0) return;
    const pending = this.#buffer.subarray(0, this.#filled);
    this.#filled = 0;
    await this.#send(pending);
  }
  /**
   * Sends in pieces of at most the connection's chunk (1 MiB, 256 KiB on
   * Node's TLS path), so progress is reported as it happens.
   */
  async #send(bytes) {
    for (let offset = 0; offset < bytes.length; offset += this.chunkBytes) {
      const piece = bytes.subarray(offset, offset + this.chunkBytes);
      await this.#transfer.data.write(piece);
      this.bytes += piece.length;
      this.#hooks.progress(this.bytes);
    }
  }
};
function uploadStream(transfer, type, hooks) {
  const writer = new TransferWriter(transfer, type, hooks);
  let resolveFinished;
  let rejectFinished;
  const finished = new Promise((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  let ended = false;
  const end = (error, reply) => {
    if (ended) return;
    ended = true;
    hooks.signal.removeEventListener("abort", onAbort);
    if (reply) resolveFinished(reply);
    else rejectFinished(error);
  };
  const fail = async (error) => {
    const reason = await transfer.failure(error);
    end(reason);
    throw reason;
  };
  let controller;
  const onAbort = () => {
    if (ended || transfer.ended) return;
    controller.error(abortReason(hooks.signal));
    fail(abortReason(hooks.signal)).catch(() => {
    });
  };
  hooks.signal.addEventListener("abort", onAbort, {
    once: true
  });
  const stream = new WritableStream({
    start(c) {
      controller = c;
      c.signal.addEventListener("abort", () => {
        if (ended) return;
        const reason = new FtpAbortError("The upload was aborted by its writer");
        transfer.interrupt(reason);
        fail(reason).catch(() => {
        });
      }, {
        once: true
      });
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
        end(void 0, await transfer.complete());
      } catch (error) {
        end(error);
        throw error;
      }
    },
    async abort() {
      if (ended) return;
      await fail(new FtpAbortError("The upload was aborted by its writer")).catch(() => {
      });
    }
  });
  return {
    stream,
    finished
  };
}
async function pumpSource(transfer, source, type, hooks, offset = 0) {
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
  return {
    bytes: writer.bytes,
    reply: await transfer.complete()
  };
}
async function pumpFile(source, offset, writer) {
  using file = await openSource(source, offset);
  const buffers = [
    new Uint8Array(writer.chunkBytes),
    new Uint8Array(writer.chunkBytes)
  ];
  let current = 0;
  let pending = file.read(buffers[current]);
  try {
    while (true) {
      const n = await pending;
      if (n === null) return;
      const piece = buffers[current].subarray(0, n);
      current ^= 1;
      pending = file.read(buffers[current]);
      await writer.write(piece);
    }
  } finally {
    await pending.catch(() => {
    });
  }
}
async function pumpReadable(source, writer) {
  const reader = source.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      await writer.write(value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {
    });
    throw error;
  } finally {
    reader.releaseLock();
  }
}

export {
  uploadStream,
  pumpSource
};
