// Checks and conversions of call arguments, run before anything is queued
// or sent, so that bad input fails at once with FtpInputError.

import { FtpInputError } from "../errors.ts";
import { assertSafeArgument, redactCommand } from "../protocol/command.ts";
import type { TextCodec } from "../protocol/text_codec.ts";
import { parseFtpUrl } from "../protocol/url.ts";
import { type LocalFile, sourceFileSize } from "./_local_file.ts";
import type { UploadSource } from "./_upload.ts";
import { rateLimiterOf } from "./rate_limit.ts";
import type {
  DownloadOptions,
  FtpClientOptions,
  TransferProgress,
  TransferType,
  UploadOptions,
} from "./options.ts";

/** Client options from an `ftp://` URL. */
export function urlOptions(url: string): FtpClientOptions {
  const parsed = parseFtpUrl(url);
  const options: FtpClientOptions = { host: parsed.host, port: parsed.port, secure: parsed.secure };
  if (parsed.user !== undefined) options.user = parsed.user;
  if (parsed.password !== undefined) options.password = parsed.password;
  if (parsed.path !== undefined) options.path = parsed.path;
  return options;
}

/**
 * Refuses a call's arguments (paths, or raw command lines with `asCommands`)
 * that a command line or the control connection's encoding cannot carry.
 */
export function checkArguments(args: string[], codec: TextCodec, asCommands: boolean): void {
  for (const arg of args) {
    // A raw command may be "PASS ...": quote it only redacted.
    if (asCommands) assertSafeArgument(arg, "command", redactCommand(arg));
    else assertSafeArgument(arg, "path");
    // Only a legacy encoding can fail to carry a character; UTF-8 carries them all.
    if (codec.encoding !== "utf-8") codec.encode(arg);
  }
}

/** The transfer type, checked. */
export function transferType(type: TransferType | undefined): TransferType {
  if (type === undefined || type === "binary" || type === "ascii") return type ?? "binary";
  throw new FtpInputError(`type must be "binary" or "ascii", got ${JSON.stringify(type)}`);
}

/** A REST offset, checked. */
export function offsetOf(offset: number | undefined): number {
  if (offset === undefined) return 0;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new FtpInputError(`offset must be a whole number of bytes >= 0, got ${offset}`);
  }
  return offset;
}

/** The options every transfer call checks. */
export type CommonTransferOptions =
  & Pick<DownloadOptions, "type" | "offset" | "size" | "resume" | "rateLimit">
  & Pick<UploadOptions, "append">;

/** Refuses bad transfer options before anything is queued or sent. */
export function checkTransferOptions(options: CommonTransferOptions): void {
  transferType(options.type);
  offsetOf(options.offset);
  rateLimiterOf(options.rateLimit, "rateLimit");
  const size = options.size;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
    throw new FtpInputError(`size must be a whole number of bytes >= 0, got ${size}`);
  }
  if (options.append && options.offset) {
    throw new FtpInputError("Use either append or offset, not both");
  }
  if (options.resume && options.offset) {
    throw new FtpInputError(
      "Use either resume (continue the .ferry-part file) or offset, not both",
    );
  }
}

/**
 * Refuses bad download options before anything is queued or sent. A stream
 * destination (`toStream`: `download()`, `downloadCommand`, `downloadTo` a
 * writable stream) has no file to check, keep or date.
 */
export function checkDownloadOptions(options: DownloadOptions, toStream: boolean): void {
  checkTransferOptions(options);
  const check = options.resumeCheck;
  if (check !== undefined && (!Number.isSafeInteger(check) || check < 0)) {
    throw new FtpInputError(`resumeCheck must be a whole number of bytes >= 0, got ${check}`);
  }
  const mtime = options.mtime;
  if (mtime !== undefined && mtime !== "remote" && !(mtime instanceof Date && !isNaN(+mtime))) {
    throw new FtpInputError('mtime must be a valid Date or "remote"');
  }
  checkSegments(options, toStream);
  if (!toStream) return;
  const fileOnly = (["resumeCheck", "keepTemporary", "mtime"] as const)
    .filter((name) => options[name] !== undefined);
  if (fileOnly.length > 0) {
    throw new FtpInputError(
      `${fileOnly.join(", ")} apply to downloadTo a local path: a stream has no file to ` +
        `check, keep or date`,
    );
  }
}

/** `segments` and `segmentConnection`, checked (see DownloadOptions). */
function checkSegments(options: DownloadOptions, toStream: boolean): void {
  const segments = options.segments;
  if (
    segments !== undefined && (!Number.isSafeInteger(segments) || segments < 1 || segments > 16)
  ) {
    throw new FtpInputError(
      `segments must be a whole number from 1 to 16, got ${segments}: use 1 for one connection`,
    );
  }
  const connection = options.segmentConnection;
  if (connection !== undefined && typeof connection !== "function") {
    throw new FtpInputError("segmentConnection must be a function that returns a logged-in client");
  }
  if ((segments ?? 1) === 1) return;
  const conflict = toStream
    ? "a stream is written in order: download to a local path to use segments"
    : (options.offset ?? 0) > 0
    ? "offset continues the local file in place: use resume to continue a segmented download"
    : options.type === "ascii"
    ? "ASCII changes line ends, so byte ranges do not line up: use binary"
    : undefined;
  if (conflict) throw new FtpInputError(`segments: ${conflict}`);
}

/** A listing byte limit, checked. */
export function checkMaxBytes(options: { maxBytes?: number }): void {
  const max = options.maxBytes;
  if (max !== undefined && !(max > 0)) {
    throw new FtpInputError(`A listing byte limit must be above 0, got ${max}`);
  }
}

/**
 * Whether a download's destination is a writable stream. A path (a string or
 * a URL) is answered without reading the `WritableStream` global: its first
 * use makes Deno load its web streams (about 6 ms of CPU at start), which a
 * download to a file does not need.
 */
export function isWritableStream(value: unknown): value is WritableStream<Uint8Array> {
  return typeof value === "object" && value !== null && !(value instanceof URL) &&
    value instanceof WritableStream;
}

/** Whether the second argument of `upload()` is a source (not options). */
export function isUploadSource(value: unknown): value is UploadSource {
  return typeof value === "string" || value instanceof Uint8Array || value instanceof URL ||
    value instanceof ReadableStream;
}

/** The bytes a source will send, when knowable in advance. */
export async function sourceSize(
  source: Exclude<UploadSource, URL> | LocalFile,
  offset = 0,
): Promise<number | undefined> {
  if (typeof source === "string") return new TextEncoder().encode(source).length;
  if (source instanceof Uint8Array) return source.length;
  if ("localPath" in source) return await sourceFileSize(source, offset);
  return undefined;
}

/**
 * A call's `onProgress` as a function of the bytes moved, for the calls
 * whose transfer is one stream from `offset`.
 */
export function progressOf(
  options: { onProgress?: (progress: TransferProgress) => void },
  offset: number,
  total: number | undefined,
): ((moved: number) => void) | undefined {
  const report = options.onProgress;
  if (!report) return undefined;
  return (moved) => report({ bytes: offset + moved, offset, total });
}
