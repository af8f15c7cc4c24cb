// downloadTo a local path: where transfer integrity lives for downloads.
// The bytes go to `<name>.ferry-part`, which is renamed into place only
// once the download is whole (of the expected size, when given), so the
// final path holds the old file or the new one, never a part of one.
//
// Resuming continues the partial file an earlier attempt left, from its
// size (REST). Whether its bytes may be trusted is the caller's knowledge
// (it wrote them a moment ago, say); `resumeCheck` asks the client to
// make sure: the partial file's last bytes are fetched again as the
// resumed transfer's first bytes (no extra command) and compared, and a
// partial file that differs (the server's file was replaced, or a log
// rotated) is started over.
//
// The file calls are synchronous: an asynchronous one is a hand-off to
// Deno's thread pool and back, which for a file of a few KiB costs more
// than the call itself (1000 files of 4 KiB over 8 connections: 0.88 s ->
// 0.74 s), and for large files doubled the time of the writes (see
// `writeAllSync`).

import { FtpSizeMismatchError } from "../errors.ts";
import { crlfToLf } from "../protocol/line_endings.ts";
import { writeAllSync } from "../transport/write_all.ts";
import type { TransferProgress, TransferResult, TransferType } from "./options.ts";
import { localPath } from "./_local_file.ts";
import type { Session } from "./_session.ts";
import type { RateLimiter } from "./rate_limit.ts";
import { transferBufferBytes } from "./_transfer.ts";
import { discardSegmented } from "./_segment_state.ts";
import { partialPath } from "./temporary_names.ts";

/** What a download to a local path needs from the client. */
export interface FileDownloadOptions {
  type: TransferType;
  /** Continue the local file itself from this byte (no temporary). */
  offset: number;
  resume: boolean;
  resumeCheck: number;
  keepTemporary: boolean;
  size?: number;
  mtime?: Date | "remote";
  signal: AbortSignal;
  /** Paces the transfer (the call's `rateLimit`). */
  rateLimit?: RateLimiter;
  /** Starts the client-wide progress events of one transfer; returns their reporter. */
  events(announcedSize: number | undefined): (carried: number) => void;
  onProgress?: (progress: TransferProgress) => void;
  warn(message: string): void;
  /**
   * Open the temporary create-new (a file or link there fails the call) and
   * look for no segmented download's progress file: the caller checked.
   */
  exclusive?: boolean;
  /** Called once the temporary is open: from here on, the server is asked. */
  opened?: () => void;
}

/** A temporary the caller knows is not there: made new, never through a link. */
const EXCLUSIVE: Deno.OpenOptions = { read: true, write: true, createNew: true };

/** Where a transfer starts: the offset, and how many bytes before it to compare first. */
interface Start {
  offset: number;
  check: number;
}

/** How a transfer into the file ended. */
interface Received {
  /** Bytes carried over the data connection (compared ones included). */
  bytes: number;
  reply: string;
}

/** Downloads `remote` into the local file `destination` (see the module comment). */
export async function downloadToFile(
  session: Session,
  remote: string,
  destination: string | URL,
  options: FileDownloadOptions,
): Promise<TransferResult> {
  const path = localPath(destination);
  if (options.offset > 0) return await continueInPlace(session, remote, path, options);
  const part = partialPath(path);
  if (!options.exclusive) discardSegmented(part);
  // Opened before RETR is sent, so that a local problem (a missing
  // directory, no permission) fails the call without touching the server.
  const file = Deno.openSync(
    part,
    options.exclusive
      ? EXCLUSIVE
      : { read: true, write: true, create: true, truncate: !options.resume },
  );
  options.opened?.();
  try {
    let start = startOf(session, file, options);
    let received = await receive(session, remote, file, start, options);
    if (received === undefined) {
      options.warn(
        `${part} does not end with the bytes ${remote} has there (replaced, or rotated?): ` +
          `starting over`,
      );
      file.truncateSync(0);
      file.seekSync(0, Deno.SeekMode.Start);
      start = { offset: 0, check: 0 };
      received = (await receive(session, remote, file, start, options))!;
    }
    const total = start.offset + received.bytes - start.check;
    checkSize(remote, total, options, options.keepTemporary);
    file.close();
    const mtime = options.mtime === "remote"
      ? await session.mdtm(remote).catch(() => undefined)
      : options.mtime;
    if (mtime) Deno.utimeSync(part, new Date(), mtime);
    Deno.renameSync(part, path);
    const result: TransferResult = { bytes: received.bytes, reply: received.reply };
    if (start.offset > 0) result.resumedFrom = start.offset;
    return result;
  } catch (error) {
    close(file);
    if (!options.keepTemporary) {
      try {
        Deno.removeSync(part);
      } catch {
        // Gone already, or renamed into place.
      }
    }
    throw error;
  }
}

/**
 * Where to start: from the partial file's end when resuming, in binary,
 * on a server that offers REST, and the partial file is shorter than the
 * expected size; otherwise from byte 0 (the file emptied).
 */
function startOf(session: Session, file: Deno.FsFile, options: FileDownloadOptions): Start {
  if (!options.resume) return { offset: 0, check: 0 };
  const held = file.statSync().size;
  const size = options.size;
  const continuable = held > 0 && (size === undefined || held < size) &&
    options.type === "binary" && session.features.has("REST");
  if (!continuable) {
    if (held > 0) file.truncateSync(0);
    return { offset: 0, check: 0 };
  }
  return { offset: held, check: Math.min(Math.max(0, options.resumeCheck), held) };
}

/** Fails when the download ended short of the expected size. */
function checkSize(remote: string, total: number, options: FileDownloadOptions, kept: boolean) {
  const size = options.size;
  if (size === undefined || options.type !== "binary" || total >= size) return;
  throw new FtpSizeMismatchError(
    remote,
    size,
    total,
    `${remote}: received ${total} of ${size} bytes, though the server reported the transfer ` +
      `complete; ${kept ? "the partial file is kept to resume" : "nothing was put in place"}`,
  );
}

/**
 * One RETR into the file from `start`. Returns `undefined` when the first
 * `start.check` bytes differ from the file's last ones (the transfer is
 * then stopped with ABOR, and nothing written).
 */
async function receive(
  session: Session,
  remote: string,
  file: Deno.FsFile,
  start: Start,
  options: FileDownloadOptions,
): Promise<Received | undefined> {
  const { check, offset } = start;
  const expected = check > 0 ? readAt(file, offset - check, check) : undefined;
  const transfer = await session.retr(remote, {
    type: options.type,
    offset: offset - check,
    signal: options.signal,
    rateLimit: options.rateLimit,
  });
  const carried = options.events(transfer.announcedSize);
  const total = options.size ?? (offset === 0 ? transfer.announcedSize : undefined);
  const report = (bytes: number) => options.onProgress?.({ bytes, offset, total });
  const write = writer(file, options.type);
  let bytes = 0;
  let compared = 0;
  // A file just opened (or emptied) is at byte 0 already: one call less per small file.
  if (check === 0 && offset > 0) file.seekSync(offset, Deno.SeekMode.Start);
  if (check === 0) report(offset);
  const remaining = options.size === undefined
    ? transfer.announcedSize
    : Math.max(0, options.size - offset + check);
  if (check === 0) {
    // Nothing to compare (every fresh download): each chunk goes to the file.
    const sink = (chunk: Uint8Array) => {
      bytes += chunk.length;
      carried(bytes);
      write(chunk);
      report(offset + bytes);
    };
    try {
      await transfer.receiveInto(transferBufferBytes(remaining), sink);
      write();
    } catch (error) {
      throw await transfer.failure(error);
    }
    return { bytes, reply: transfer.finalReply?.text ?? "" };
  }
  try {
    // Bounded by the file's length: each read returns bytes or ends. Two
    // buffers take turns: the next read runs while this chunk is written.
    for await (const chunk of transfer.receive(transferBufferBytes(remaining))) {
      bytes += chunk.length;
      carried(bytes);
      let fresh = chunk;
      if (compared < check) {
        const take = Math.min(check - compared, fresh.length);
        // Leaving the loop stops the transfer (ABOR): see Transfer.receive.
        if (!equalBytes(fresh.subarray(0, take), expected!.subarray(compared, compared + take))) {
          return undefined;
        }
        compared += take;
        fresh = fresh.subarray(take);
        if (compared < check) continue;
        file.seekSync(offset, Deno.SeekMode.Start);
        report(offset);
      }
      if (fresh.length === 0) continue;
      write(fresh);
      report(offset + bytes - check);
    }
    write();
  } catch (error) {
    throw await transfer.failure(error);
  }
  // A server file that ended inside the compared bytes is not this one either.
  if (compared < check) return undefined;
  return { bytes, reply: transfer.finalReply?.text ?? "" };
}

/** `offset` given: the local file itself continues from that byte, and is cut there at the end. */
async function continueInPlace(
  session: Session,
  remote: string,
  path: string,
  options: FileDownloadOptions,
): Promise<TransferResult> {
  const file = Deno.openSync(path, { write: true });
  try {
    file.seekSync(options.offset, Deno.SeekMode.Start);
    const transfer = await session.retr(remote, {
      type: options.type,
      offset: options.offset,
      signal: options.signal,
      rateLimit: options.rateLimit,
    });
    const carried = options.events(transfer.announcedSize);
    const report = (bytes: number) =>
      options.onProgress?.({ bytes, offset: options.offset, total: options.size });
    report(options.offset);
    const write = writer(file, options.type);
    let bytes = 0;
    try {
      for await (const chunk of transfer.receive(transferBufferBytes(transfer.announcedSize))) {
        write(chunk);
        bytes += chunk.length;
        carried(bytes);
        report(options.offset + bytes);
      }
      write();
    } catch (error) {
      throw await transfer.failure(error);
    }
    // Stale bytes after the new end must not survive.
    file.truncateSync(file.seekSync(0, Deno.SeekMode.Current));
    checkSize(remote, options.offset + bytes, options, true);
    return { bytes, reply: transfer.finalReply?.text ?? "", resumedFrom: options.offset };
  } finally {
    close(file);
  }
}

/**
 * Writes received bytes to the file, with CRLF turned into LF for ASCII;
 * called without bytes at the end (a CR held back at a chunk's end).
 */
function writer(file: Deno.FsFile, type: TransferType): (bytes?: Uint8Array) => void {
  if (type === "binary") return (bytes) => bytes && writeAllSync(file, bytes);
  let heldCr = false;
  return (bytes) => {
    if (!bytes) {
      if (heldCr) writeAllSync(file, Uint8Array.of(0x0d));
      return;
    }
    const out = crlfToLf(bytes, heldCr);
    heldCr = out.heldCr;
    if (out.bytes.length > 0) writeAllSync(file, out.bytes);
  };
}

function readAt(file: Deno.FsFile, offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  file.seekSync(offset, Deno.SeekMode.Start);
  let done = 0;
  // Bounded: each read moves at least one byte or ends.
  while (done < length) {
    const n = file.readSync(bytes.subarray(done));
    if (n === null) break;
    done += n;
  }
  return bytes.subarray(0, done);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function close(file: Deno.FsFile): void {
  try {
    file.close();
  } catch {
    // Already closed.
  }
}
