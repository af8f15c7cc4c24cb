import {
  crlfToLf,
  lfToCrlf
} from "./chunk-YAX2L4F7.js";
import {
  abortReason,
  transferBufferBytes
} from "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import {
  FtpAbortError
} from "./chunk-UN72SBEK.js";

// src/protocol/line_ending_streams.ts
var CR = 13;
var CrlfToLfStream = class extends TransformStream {
  /** Creates the transform. */
  constructor() {
    let heldCr = false;
    super({
      transform(chunk, controller) {
        const out = crlfToLf(chunk, heldCr);
        heldCr = out.heldCr;
        if (out.bytes.length > 0) controller.enqueue(out.bytes);
      },
      flush(controller) {
        if (heldCr) controller.enqueue(Uint8Array.of(CR));
      }
    });
  }
};
var LfToCrlfStream = class extends TransformStream {
  /** Creates the transform. */
  constructor() {
    let lastWasCr = false;
    super({
      transform(chunk, controller) {
        if (chunk.length === 0) return;
        controller.enqueue(lfToCrlf(chunk, lastWasCr));
        lastWasCr = chunk[chunk.length - 1] === CR;
      }
    });
  }
};

// src/client/_download.ts
function downloadStream(transfer, type, hooks) {
  let resolveFinished;
  let rejectFinished;
  const finished = new Promise((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  let ended = false;
  let bytes = 0;
  let buffer;
  let controller;
  const end = (error) => {
    ended = true;
    hooks.signal.removeEventListener("abort", onAbort);
    if (error === void 0) resolveFinished();
    else rejectFinished(error);
  };
  const stop = async (reason) => {
    ended = true;
    end(await transfer.failure(reason));
  };
  const onAbort = () => {
    if (ended) return;
    controller.error(abortReason(hooks.signal));
    void stop(abortReason(hooks.signal));
  };
  hooks.signal.addEventListener("abort", onAbort, {
    once: true
  });
  const stream = new ReadableStream({
    type: "bytes",
    start(c) {
      controller = c;
    },
    async pull(c) {
      const request = c.byobRequest;
      const view = request?.view ? new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength) : buffer ??= new Uint8Array(transferBufferBytes(transfer.announcedSize));
      let n;
      try {
        n = await transfer.data.readMany(view);
        if (n === null) await transfer.complete();
      } catch (error) {
        if (ended) return;
        ended = true;
        const reason = await transfer.failure(error);
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
    }
  });
  const output = type === "ascii" ? stream.pipeThrough(new CrlfToLfStream()) : stream;
  return {
    stream: output,
    finished
  };
}
async function downloadIntoStream(session, path, destination, options) {
  const { type, signal } = options;
  if (destination.locked) {
    throw new TypeError("The destination stream is locked: release its writer before downloading");
  }
  let transfer;
  try {
    transfer = await session.retr(path, {
      type,
      offset: options.offset,
      signal,
      rateLimit: options.rateLimit
    });
    const hooks = options.hooks(transfer.announcedSize);
    let bytes = 0;
    const counting = {
      signal,
      progress: (n) => hooks.progress(bytes = n)
    };
    const { stream, finished } = downloadStream(transfer, type, counting);
    await Promise.all([
      stream.pipeTo(destination),
      finished
    ]);
    const result = {
      bytes,
      reply: transfer.finalReply?.text ?? ""
    };
    if (options.offset > 0) result.resumedFrom = options.offset;
    return result;
  } catch (error) {
    throw transfer ? await transfer.failure(error) : error;
  }
}
export {
  downloadIntoStream,
  downloadStream
};
