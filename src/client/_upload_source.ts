// A whole source uploaded (upload(path, source), uploadFrom): where
// transfer integrity lives for uploads.
//
// - `resume`: what the target holds already is continued, from its size
//   (SIZE), with REST + STOR, or APPE where the server's FEAT offers no
//   REST. The caller vouches that those bytes are the source's first ones.
// - `checkSize`: after the upload the server must hold every byte sent
//   (SIZE), since some servers answer 226 for a file they kept only part
//   of.
// - `mtime`: MFMT, before an atomic upload's rename.
// - `atomic`: the bytes go to a temporary, renamed over the target only
//   once whole and checked (_replace.ts), so the target never holds a
//   part; a failed upload's temporary is removed unless it is to be
//   continued (`keepTemporary`).
//
// After the transfer, the signal is checked between commands: a call
// cancelled then stops before the next one (the renames of a replacement
// excepted, see _replace.ts).

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { FtpPermanentError, FtpReplyError, FtpSizeMismatchError } from "../errors.ts";
import type { TransferProgress, TransferResult, TransferType } from "./options.ts";
import type { TransferHooks } from "./_download.ts";
import { sourceSize } from "./_call_options.ts";
import type { LocalFile } from "./_local_file.ts";
import { replaceFile } from "./_replace.ts";
import { EARLY_DATA_MAX_BYTES, type Session } from "./_session.ts";
import type { RateLimiter } from "./rate_limit.ts";
import { abortReason } from "./_transfer.ts";
import { pumpSource, type UploadSource } from "./_upload.ts";
import { partialPath } from "./temporary_names.ts";

/** What an upload of a whole source needs from the client. */
export interface SourceUploadOptions {
  type: TransferType;
  append: boolean;
  offset: number;
  atomic: boolean;
  temporary?: string;
  resume: boolean;
  keepTemporary: boolean;
  checkSize?: boolean;
  mtime?: Date;
  signal: AbortSignal;
  /** Paces the transfer (the call's `rateLimit`). */
  rateLimit?: RateLimiter;
  /** Starts the client-wide progress events of the transfer; `total` is the bytes to send. */
  events(total: number | undefined): (carried: number) => void;
  onProgress?: (progress: TransferProgress) => void;
  warn(message: string): void;
}

/** Uploads a whole source (see the module comment). */
export async function uploadSource(
  session: Session,
  path: string,
  source: Exclude<UploadSource, URL> | LocalFile,
  options: SourceUploadOptions,
): Promise<TransferResult> {
  const target = options.atomic ? options.temporary ?? partialPath(path) : path;
  const binary = options.type === "binary";
  const whole = await sourceSize(source);
  try {
    let offset = options.offset;
    if (options.resume) offset = await resumeFrom(session, target, whole!);
    let sent = 0;
    let reply = "";
    // A local file is read from `offset` on; bytes, text and streams are
    // the rest already, sent whole after REST.
    const inMemory = typeof source === "string" || source instanceof Uint8Array ||
      source instanceof ReadableStream;
    const total = whole === undefined || !inMemory ? whole : offset + whole;
    const report = (bytes: number) => options.onProgress?.({ bytes, offset, total });
    if (offset > 0 && offset === total) {
      // Whole there already (an attempt whose end was not confirmed). Only
      // a file with bytes: an empty one is always stored, since "0 of 0
      // bytes there" is just as true of a file that was never created.
      report(offset);
    } else {
      const appending = options.append || (offset > 0 && !session.features.has("REST"));
      const { type, signal, rateLimit } = options;
      // A small upload's data goes with its STOR (see EARLY_DATA_MAX_BYTES).
      const earlyData = total !== undefined && total - offset <= EARLY_DATA_MAX_BYTES;
      const transfer = appending
        ? await session.appe(target, { type, signal, rateLimit, earlyData })
        : await session.stor(target, { type, offset, signal, rateLimit, earlyData });
      const carried = options.events(total === undefined ? undefined : total - offset);
      report(offset);
      const hooks: TransferHooks = {
        signal: options.signal,
        progress: (bytes) => {
          carried(bytes);
          report(offset + bytes);
        },
      };
      const result = await pumpSource(transfer, source, options.type, hooks, offset);
      sent = result.bytes;
      reply = result.reply.text;
      const check = options.checkSize ??
        (binary && (options.atomic || options.resume && offset > 0));
      if (check) await verifyStored(session, target, offset + sent, options);
    }
    if (options.mtime) await setTime(session, target, options);
    if (options.atomic) await commit(session, target, path, offset + sent, options);
    const result: TransferResult = { bytes: sent, reply };
    if (offset > 0) result.resumedFrom = offset;
    return result;
  } catch (error) {
    if (options.atomic && !options.keepTemporary && !(error instanceof CommitRefused)) {
      // Best effort: the connection may be gone, or the store never began.
      if (!session.control.closed) await session.dele(target).catch(() => {});
    }
    throw error instanceof CommitRefused ? error.refusal : error;
  }
}

/**
 * Where a resumed upload continues: the size the target holds, when it
 * is no more than the source's (a longer one is not a start of it).
 * A target the server does not have (SIZE refused) starts from byte 0.
 */
async function resumeFrom(session: Session, target: string, whole: number): Promise<number> {
  const held = await session.size(target).catch((error) => {
    if (error instanceof FtpReplyError) return 0;
    throw error;
  });
  return held > 0 && held <= whole ? held : 0;
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReason(signal);
}

/** The server must hold `expected` bytes at `target`. */
async function verifyStored(
  session: Session,
  target: string,
  expected: number,
  options: SourceUploadOptions,
): Promise<void> {
  throwIfAborted(options.signal);
  const stored = await session.size(target);
  if (stored === expected) return;
  const kept = options.atomic
    ? options.keepTemporary ? "; it is kept to resume" : "; it was removed"
    : "";
  throw new FtpSizeMismatchError(
    target,
    expected,
    stored,
    `${target}: the server holds ${stored} of ${expected} bytes after the upload${kept}`,
  );
}

/** MFMT, where offered; a refusal is a warning. */
async function setTime(session: Session, target: string, options: SourceUploadOptions) {
  if (!session.features.has("MFMT")) return;
  throwIfAborted(options.signal);
  await session.mfmt(target, options.mtime!, true).catch((error) => {
    if (!(error instanceof FtpPermanentError)) throw error;
    options.warn(`Could not set the time of ${target}: ${error.message}`);
  });
}

/** A refused rename of a whole temporary: the temporary stays, whatever `keepTemporary` says. */
class CommitRefused extends Error {
  constructor(readonly refusal: unknown) {
    super("refused");
  }
}

/** Renames the whole temporary over the target. */
async function commit(
  session: Session,
  target: string,
  path: string,
  size: number,
  options: SourceUploadOptions,
) {
  throwIfAborted(options.signal);
  try {
    // Only a whole upload replaces a file by the way round (in binary, the sizes agree).
    const whole = options.type === "binary" && !options.append ? size : undefined;
    await replaceFile(session, target, path, options.warn, whole);
  } catch (error) {
    if (error instanceof FtpReplyError) {
      error.message += `; the upload is whole at ${target}, and ${path} was left as it was`;
    }
    throw new CommitRefused(error);
  }
}
