// One file down. Bytes go to `<name>.ferry-part`, renamed into place only
// when the size matches the listing, so the final path never holds a
// partial file. A failed try keeps the partial file, and what it may be
// continued with is decided here:
//
// - A retry continues what an earlier try of this run wrote.
// - A partial file left by an earlier run is continued only if it was not
//   last written before the server's file last changed (when the server
//   tells the time: MLSD, MLST or MDTM) and its last bytes (up to 64 KiB) are the
//   bytes the server holds at that place. They are read again as the first
//   bytes of the resumed transfer, so the check costs no extra connection.
// - With `resume: true`, a shorter local file (a log that grew) is
//   continued on the same byte check; its time cannot tell growth from
//   rotation, since the server's file is newer either way.
//
// Anything else starts over from byte 0.
//
// The file-system steps around a transfer (open, write, utime, rename) are
// synchronous calls: an asynchronous one is a hand-off to Deno's thread pool
// and back, which for a file of a few KiB costs more than the call itself
// (1000 files of 4 KiB over 8 connections: 0.88 s -> 0.74 s), and for large
// files doubled the time of the writes (see `writeAllSync`).
//
// Downloads read the client's byte stream rather than calling downloadTo():
// downloadTo renames its temporary file into place when the server reports
// success, and a server can report success for a short file; here the size
// is checked before the rename.

import { dirname } from "node:path";
import type { FtpClient } from "../client/ftp_client.ts";
import { PART_SUFFIX } from "./_filter.ts";
import { writeAllSync } from "../transport/_io.ts";
import { refuseLinksTo } from "./_no_links.ts";
import { TransientRunError } from "./errors.ts";
import type { TransferContext, TransferOutcome } from "./_transfer_context.ts";

/** Most bytes of a partial file compared with the server's before continuing it. */
export const RESUME_CHECK_BYTES = 64 * 1024;

/** A download to plan and run. */
export interface DownloadJob {
  remote: string;
  local: string;
  /** The local directory the step writes below, through no link. */
  root: string;
  /** The listed size, when known: the result must reach it. */
  size?: number;
  /** The exact remote time, when known (else MDTM is asked when it matters). */
  mtime?: Date;
  /** Continue a shorter existing local file (append-only files such as logs). */
  resume: boolean;
  /** Set once a try of this run has written the partial file: its bytes are the server's. */
  wrote?: boolean;
}

/** Where a try starts: the offset, and how many bytes before it to compare first. */
interface Start {
  offset: number;
  check: number;
}

async function regularFile(path: string): Promise<Deno.FileInfo | undefined> {
  const info = await Deno.lstat(path).catch(() => undefined);
  return info?.isFile ? info : undefined;
}

async function remoteTime(client: FtpClient, job: DownloadJob, signal: AbortSignal) {
  if (job.mtime) return job.mtime;
  if (!client.features.has("MDTM")) return undefined;
  return await client.lastModified(job.remote, { signal }).catch(() => undefined);
}

async function startOf(
  client: FtpClient,
  job: DownloadJob,
  part: string,
  partInfo: Deno.FileInfo | undefined,
  ctx: TransferContext,
): Promise<Start> {
  const size = job.size;
  if (!client.features.has("REST") || size === undefined) return { offset: 0, check: 0 };
  const shorter = (info: Deno.FileInfo | undefined) =>
    info !== undefined && info.size > 0 && info.size < size;
  const partial = partInfo?.isFile ? partInfo : undefined;
  if (shorter(partial) && job.wrote) return { offset: partial!.size, check: 0 };
  if (shorter(partial)) {
    const changed = await remoteTime(client, job, ctx.signal);
    // Server times are to the second: within that second, the bytes decide.
    if (changed && partial!.mtime && partial!.mtime.getTime() < changed.getTime()) {
      ctx.warn(
        `${job.local}${PART_SUFFIX} is older than ${job.remote} on the server: starting over`,
      );
      return { offset: 0, check: 0 };
    }
    return { offset: partial!.size, check: Math.min(partial!.size, RESUME_CHECK_BYTES) };
  }
  if (job.resume) {
    const existing = await regularFile(job.local);
    if (shorter(existing)) {
      // Copy first: the file at the final path stays whole until the new one is.
      await Deno.copyFile(job.local, part);
      return { offset: existing!.size, check: Math.min(existing!.size, RESUME_CHECK_BYTES) };
    }
  }
  return { offset: 0, check: 0 };
}

/**
 * Opens the partial file, making its directory only when it is missing:
 * planning made the step's directories already, so this is rare, and a
 * `mkdir` per file is an operation (a thread hand-off) per file.
 */
function openPart(part: string, truncate: boolean): Deno.FsFile {
  const options = { read: true, write: true, create: true, truncate };
  try {
    return Deno.openSync(part, options);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    Deno.mkdirSync(dirname(part), { recursive: true });
    return Deno.openSync(part, options);
  }
}

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let done = 0;
  // Bounded: each read moves at least one byte or ends.
  while (done < length) {
    const n = await file.read(bytes.subarray(done));
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

/**
 * One RETR into the partial file from `start`. Returns the bytes received,
 * or `undefined` when the first `start.check` bytes differ from the
 * partial file's (the transfer is then cancelled and nothing is written).
 */
async function receive(
  client: FtpClient,
  job: DownloadJob,
  file: Deno.FsFile,
  start: Start,
  ctx: TransferContext,
): Promise<number | undefined> {
  const expected = start.check > 0
    ? await readAt(file, start.offset - start.check, start.check)
    : new Uint8Array(0);
  const stream = await client.download(job.remote, {
    offset: start.offset - expected.length,
    signal: ctx.signal,
  });
  const reader = stream.getReader({ mode: "byob" });
  const seen = new Uint8Array(expected.length);
  let compared = 0;
  let bytes = 0;
  // 1 MiB, or just over the listed size for a small file: a 1 MiB buffer
  // per small file costs more (allocation, garbage collection) than its bytes.
  // The floor keeps reads sensible if the file has grown since it was listed.
  const listed = job.size ?? Infinity;
  const length = Math.min(1 << 20, Math.max(16 << 10, listed - start.offset + 1));
  // Two buffers take turns: the next read runs while this chunk is written.
  const buffers = [new ArrayBuffer(length), new ArrayBuffer(length)];
  let current = 0;
  // A file just opened is at offset 0 already: one operation less per small file.
  if (expected.length === 0 && start.offset > 0) await file.seek(start.offset, Deno.SeekMode.Start);
  const readNext = () => {
    const reading = reader.read(new Uint8Array(buffers[current]));
    reading.catch(() => {}); // Awaited below; may fail while a write is under way.
    return reading;
  };
  let pending = readNext();
  let finished = false;
  try {
    // Bounded by the file's length: each read returns bytes or ends.
    for (;;) {
      const { value, done } = await pending;
      if (done || !value) {
        finished = true;
        break;
      }
      bytes += value.length;
      buffers[current] = value.buffer as ArrayBuffer;
      current ^= 1;
      pending = readNext();
      let chunk = value;
      if (compared < expected.length) {
        const take = Math.min(expected.length - compared, chunk.length);
        seen.set(chunk.subarray(0, take), compared);
        compared += take;
        chunk = chunk.subarray(take);
        if (compared < expected.length) continue;
        if (!equalBytes(seen, expected)) return undefined;
        await file.seek(start.offset, Deno.SeekMode.Start);
        job.wrote = true;
      }
      writeAllSync(file, chunk);
      ctx.progress(start.offset + bytes - expected.length);
    }
  } finally {
    // Leaving early (a mismatch, a failed write): stop the transfer (ABOR),
    // which also settles the read in flight.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  // A server file that ended inside the compared bytes is not this one either.
  return compared < expected.length ? undefined : bytes;
}

/** Downloads one file (see the module comment). */
export async function downloadFile(
  client: FtpClient,
  job: DownloadJob,
  ctx: TransferContext,
): Promise<TransferOutcome> {
  const part = job.local + PART_SUFFIX;
  const partInfo = refuseLinksTo(job.root, part);
  let start = await startOf(client, job, part, partInfo, ctx);
  ctx.started(start.offset);
  let bytes: number;
  {
    using file = openPart(part, start.offset === 0);
    if (start.offset === 0) job.wrote = true;
    let received = await receive(client, job, file, start, ctx);
    if (received === undefined) {
      ctx.warn(
        `${job.local}${PART_SUFFIX} does not end with the bytes ${job.remote} has there ` +
          `(replaced, or rotated?): starting over`,
      );
      await file.truncate(0);
      await file.seek(0, Deno.SeekMode.Start);
      job.wrote = true;
      start = { offset: 0, check: 0 };
      ctx.started(0);
      received = (await receive(client, job, file, start, ctx))!;
    }
    bytes = received;
  }
  const total = start.offset + bytes - start.check;
  if (job.size !== undefined && total < job.size) {
    throw new TransientRunError(
      `${job.remote}: received ${total} of ${job.size} bytes; the partial file is kept to resume`,
    );
  }
  const mtime = job.mtime ??
    await client.lastModified(job.remote, { signal: ctx.signal }).catch(() => undefined);
  if (mtime) Deno.utimeSync(part, new Date(), mtime);
  Deno.renameSync(part, job.local);
  return start.offset > 0 ? { bytes, resumedFrom: start.offset } : { bytes };
}
