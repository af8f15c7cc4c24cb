import {
  sourceFileSize
} from "./chunk-3CMHRS5E.js";
import {
  parseFtpUrl
} from "./chunk-KOF6ERUA.js";
import {
  rateLimiterOf
} from "./chunk-VANQ5W6K.js";
import {
  FtpInputError
} from "./chunk-UN72SBEK.js";

// src/client/_call_options.ts
function urlOptions(url) {
  const parsed = parseFtpUrl(url);
  const options = {
    host: parsed.host,
    port: parsed.port,
    secure: parsed.secure
  };
  if (parsed.user !== void 0) options.user = parsed.user;
  if (parsed.password !== void 0) options.password = parsed.password;
  if (parsed.path !== void 0) options.path = parsed.path;
  return options;
}
function transferType(type) {
  if (type === void 0 || type === "binary" || type === "ascii") return type ?? "binary";
  throw new FtpInputError(`type must be "binary" or "ascii", got ${JSON.stringify(type)}`);
}
function offsetOf(offset) {
  if (offset === void 0) return 0;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new FtpInputError(`offset must be a whole number of bytes >= 0, got ${offset}`);
  }
  return offset;
}
function checkTransferOptions(options) {
  transferType(options.type);
  offsetOf(options.offset);
  rateLimiterOf(options.rateLimit, "rateLimit");
  const size = options.size;
  if (size !== void 0 && (!Number.isSafeInteger(size) || size < 0)) {
    throw new FtpInputError(`size must be a whole number of bytes >= 0, got ${size}`);
  }
  if (options.append && options.offset) {
    throw new FtpInputError("Use either append or offset, not both");
  }
  if (options.resume && options.offset) {
    throw new FtpInputError("Use either resume (continue the .ferry-part file) or offset, not both");
  }
}
function checkDownloadOptions(options, toStream) {
  checkTransferOptions(options);
  const check = options.resumeCheck;
  if (check !== void 0 && (!Number.isSafeInteger(check) || check < 0)) {
    throw new FtpInputError(`resumeCheck must be a whole number of bytes >= 0, got ${check}`);
  }
  const mtime = options.mtime;
  if (mtime !== void 0 && mtime !== "remote" && !(mtime instanceof Date && !isNaN(+mtime))) {
    throw new FtpInputError('mtime must be a valid Date or "remote"');
  }
  checkSegments(options, toStream);
  if (!toStream) return;
  const fileOnly = [
    "resumeCheck",
    "keepTemporary",
    "mtime"
  ].filter((name) => options[name] !== void 0);
  if (fileOnly.length > 0) {
    throw new FtpInputError(`${fileOnly.join(", ")} apply to downloadTo a local path: a stream has no file to check, keep or date`);
  }
}
function checkSegments(options, toStream) {
  const segments = options.segments;
  if (segments !== void 0 && (!Number.isSafeInteger(segments) || segments < 1 || segments > 16)) {
    throw new FtpInputError(`segments must be a whole number from 1 to 16, got ${segments}: use 1 for one connection`);
  }
  const connection = options.segmentConnection;
  if (connection !== void 0 && typeof connection !== "function") {
    throw new FtpInputError("segmentConnection must be a function that returns a logged-in client");
  }
  if ((segments ?? 1) === 1) return;
  const conflict = toStream ? "a stream is written in order: download to a local path to use segments" : (options.offset ?? 0) > 0 ? "offset continues the local file in place: use resume to continue a segmented download" : options.type === "ascii" ? "ASCII changes line ends, so byte ranges do not line up: use binary" : void 0;
  if (conflict) throw new FtpInputError(`segments: ${conflict}`);
}
function checkMaxBytes(options) {
  const max = options.maxBytes;
  if (max !== void 0 && !(max > 0)) {
    throw new FtpInputError(`A listing byte limit must be above 0, got ${max}`);
  }
}
function isWritableStream(value) {
  return typeof value === "object" && value !== null && !(value instanceof URL) && value instanceof WritableStream;
}
function isUploadSource(value) {
  return typeof value === "string" || value instanceof Uint8Array || value instanceof URL || value instanceof ReadableStream;
}
async function sourceSize(source, offset = 0) {
  if (typeof source === "string") return new TextEncoder().encode(source).length;
  if (source instanceof Uint8Array) return source.length;
  if ("localPath" in source) return await sourceFileSize(source, offset);
  return void 0;
}

export {
  urlOptions,
  transferType,
  offsetOf,
  checkTransferOptions,
  checkDownloadOptions,
  checkMaxBytes,
  isWritableStream,
  isUploadSource,
  sourceSize
};
