import {
  sourceSize
} from "./chunk-MH6OJTMF.js";
import {
  pumpSource
} from "./chunk-QZFPKXTY.js";
import "./chunk-3CMHRS5E.js";
import "./chunk-YAX2L4F7.js";
import {
  replaceFile
} from "./chunk-CCSFRQCD.js";
import {
  partialPath
} from "./chunk-FS6M5UPR.js";
import "./chunk-KOF6ERUA.js";
import {
  EARLY_DATA_MAX_BYTES
} from "./chunk-VANQ5W6K.js";
import "./chunk-ZZKKPKQ6.js";
import "./chunk-IOE4GXSG.js";
import "./chunk-JTZGJBJ2.js";
import "./chunk-OKDFGV22.js";
import "./chunk-RK3YRUIX.js";
import "./chunk-YWCC54TA.js";
import "./chunk-AFMGHXC2.js";
import "./chunk-Q64DFV4C.js";
import {
  abortReason
} from "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import {
  FtpPermanentError,
  FtpReplyError,
  FtpSizeMismatchError
} from "./chunk-UN72SBEK.js";

// src/client/_upload_source.ts
async function uploadSource(session, path, source, options) {
  const target = options.atomic ? options.temporary ?? partialPath(path) : path;
  const binary = options.type === "binary";
  const whole = await sourceSize(source);
  try {
    let offset = options.offset;
    if (options.resume) offset = await resumeFrom(session, target, whole);
    let sent = 0;
    let reply = "";
    const inMemory = typeof source === "string" || source instanceof Uint8Array || source instanceof ReadableStream;
    const total = whole === void 0 || !inMemory ? whole : offset + whole;
    const report = (bytes) => options.onProgress?.({
      bytes,
      offset,
      total
    });
    if (offset > 0 && offset === total) {
      report(offset);
    } else {
      const appending = options.append || offset > 0 && !session.features.has("REST");
      const { type, signal, rateLimit } = options;
      const earlyData = total !== void 0 && total - offset <= EARLY_DATA_MAX_BYTES;
      const transfer = appending ? await session.appe(target, {
        type,
        signal,
        rateLimit,
        earlyData
      }) : await session.stor(target, {
        type,
        offset,
        signal,
        rateLimit,
        earlyData
      });
      const carried = options.events(total === void 0 ? void 0 : total - offset);
      report(offset);
      const hooks = {
        signal: options.signal,
        progress: (bytes) => {
          carried(bytes);
          report(offset + bytes);
        }
      };
      const result2 = await pumpSource(transfer, source, options.type, hooks, offset);
      sent = result2.bytes;
      reply = result2.reply.text;
      const check = options.checkSize ?? (binary && (options.atomic || options.resume && offset > 0));
      if (check) await verifyStored(session, target, offset + sent, options);
    }
    if (options.mtime) await setTime(session, target, options);
    if (options.atomic) await commit(session, target, path, offset + sent, options);
    const result = {
      bytes: sent,
      reply
    };
    if (offset > 0) result.resumedFrom = offset;
    return result;
  } catch (error) {
    if (options.atomic && !options.keepTemporary && !(error instanceof CommitRefused)) {
      if (!session.control.closed) await session.dele(target).catch(() => {
      });
    }
    throw error instanceof CommitRefused ? error.refusal : error;
  }
}
async function resumeFrom(session, target, whole) {
  const held = await session.size(target).catch((error) => {
    if (error instanceof FtpReplyError) return 0;
    throw error;
  });
  return held > 0 && held <= whole ? held : 0;
}
function throwIfAborted(signal) {
  if (signal.aborted) throw abortReason(signal);
}
async function verifyStored(session, target, expected, options) {
  throwIfAborted(options.signal);
  const stored = await session.size(target);
  if (stored === expected) return;
  const kept = options.atomic ? options.keepTemporary ? "; it is kept to resume" : "; it was removed" : "";
  throw new FtpSizeMismatchError(target, expected, stored, `${target}: the server holds ${stored} of ${expected} bytes after the upload${kept}`);
}
async function setTime(session, target, options) {
  if (!session.features.has("MFMT")) return;
  throwIfAborted(options.signal);
  await session.mfmt(target, options.mtime, true).catch((error) => {
    if (!(error instanceof FtpPermanentError)) throw error;
    options.warn(`Could not set the time of ${target}: ${error.message}`);
  });
}
var CommitRefused = class extends Error {
  refusal;
  constructor(refusal) {
    super("refused"), this.refusal = refusal;
  }
};
async function commit(session, target, path, size, options) {
  throwIfAborted(options.signal);
  try {
    const whole = options.type === "binary" && !options.append ? size : void 0;
    await replaceFile(session, target, path, options.warn, whole);
  } catch (error) {
    if (error instanceof FtpReplyError) {
      error.message += `; the upload is whole at ${target}, and ${path} was left as it was`;
    }
    throw new CommitRefused(error);
  }
}
export {
  uploadSource
};
