// One file up or down, with resume. Downloads go to `<name>.ferry-part` and
// are renamed into place only when the size matches; the partial file is
// kept on failure, so the retry (or the next run) continues it with REST.
// Uploads retried after a failure continue from the size the server holds,
// with REST+STOR, or APPE where REST is missing.
//
// Downloads read the client's byte stream with a BYOB reader into one
// reused 1 MiB buffer rather than calling downloadTo(): downloadTo removes
// its temporary file on failure, which would throw away what a resume needs.

import { dirname } from "node:path";
import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import { PART_SUFFIX } from "./_filter.ts";
import { statLocal } from "./_local_tree.ts";
import { refuseLinksTo } from "./_no_links.ts";
import { TransientRunError } from "./_retry.ts";

/** What a running transfer can use. */
export interface TransferContext {
  signal: AbortSignal;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  /** Bytes of the file done so far (the resumed offset included). */
  progress(bytes: number): void;
  /** Reports the offset a transfer starts from, once known. */
  started(offset: number): void;
  warn(message: string): void;
}

/** What a transfer moved. */
export interface TransferOutcome {
  bytes: number;
  resumedFrom?: number;
}

/** A download to plan and run. */
export interface DownloadJob {
  remote: string;
  local: string;
  /** The local directory the step writes below, through no link. */
  root: string;
  /** The listed size, when known: the result must reach it. */
  size?: number;
  /** The exact remote time, when known (else MDTM is asked after the transfer). */
  mtime?: Date;
  /** Continue a shorter existing local file (append-only files such as logs). */
  resume: boolean;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  // Bounded: every write moves at least one byte or throws.
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

async function resumeOffset(
  client: FtpClient,
  job: DownloadJob,
  part: string,
  ctx: TransferContext,
): Promise<number> {
  if (!client.features.has("REST") || job.size === undefined) return 0;
  const partial = await statLocal(part);
  if (partial?.isFile && partial.size > 0 && partial.size < job.size) {
    // A partial file from an earlier run is trusted only if it was written
    // after the remote file last changed.
    const fresh = ctx.attempt > 1 || !job.mtime || !partial.mtime ||
      partial.mtime.getTime() >= job.mtime.getTime();
    if (fresh) return partial.size;
  }
  if (job.resume) {
    const existing = await statLocal(job.local);
    if (existing?.isFile && existing.size > 0 && existing.size < job.size) {
      // Copy first: the file at the final path stays whole until the new one is.
      await Deno.copyFile(job.local, part);
      return existing.size;
    }
  }
  return 0;
}

/** Downloads one file (see the module comment). */
export async function downloadFile(
  client: FtpClient,
  job: DownloadJob,
  ctx: TransferContext,
): Promise<TransferOutcome> {
  const part = job.local + PART_SUFFIX;
  await refuseLinksTo(job.root, part);
  await Deno.mkdir(dirname(job.local), { recursive: true });
  const offset = await resumeOffset(client, job, part, ctx);
  ctx.started(offset);
  let bytes = 0;
  {
    using file = await Deno.open(part, { write: true, create: true, truncate: offset === 0 });
    if (offset > 0) await file.seek(offset, Deno.SeekMode.Start);
    const stream = await client.download(job.remote, { offset, signal: ctx.signal });
    const reader = stream.getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(1 << 20);
    // Bounded by the file's length: each read returns bytes or ends.
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done || !value) break;
      await writeAll(file, value);
      bytes += value.length;
      buffer = value.buffer as ArrayBuffer;
      ctx.progress(offset + bytes);
    }
  }
  const total = offset + bytes;
  if (job.size !== undefined && total < job.size) {
    throw new TransientRunError(
      `${job.remote}: received ${total} of ${job.size} bytes; the partial file is kept to resume`,
    );
  }
  const mtime = job.mtime ??
    await client.lastModified(job.remote, { signal: ctx.signal }).catch(() => undefined);
  if (mtime) await Deno.utime(part, new Date(), mtime);
  await Deno.rename(part, job.local);
  return offset > 0 ? { bytes, resumedFrom: offset } : { bytes };
}

/** An upload to plan and run. */
export interface UploadJob {
  local: string;
  /** The final remote path. */
  remote: string;
  /** Where the bytes go: the final path, or a temporary one (atomic). */
  target: string;
  size: number;
  mtime?: Date;
}

/** Uploads one file (see the module comment). */
export async function uploadFile(
  client: FtpClient,
  job: UploadJob,
  ctx: TransferContext,
): Promise<TransferOutcome> {
  const rest = client.features.has("REST");
  let offset = 0;
  if (ctx.attempt > 1) {
    // Only this run's own partial upload is continued: one from an earlier
    // run may hold another version of the file.
    const held = await client.size(job.target, { signal: ctx.signal }).catch(() => 0);
    if (held > 0 && held < job.size) offset = held;
  }
  ctx.started(offset);
  const onProgress = (event: { id: number; bytes: number }) => {
    if (event.id === requestId) ctx.progress(offset + event.bytes);
  };
  let requestId = -1;
  const listener = (event: Event) => onProgress(event as unknown as { id: number; bytes: number });
  client.addEventListener("progress", listener);
  let bytes: number;
  try {
    if (offset > 0 && !rest) {
      using file = await Deno.open(job.local, { read: true });
      await file.seek(offset, Deno.SeekMode.Start);
      const request = client.upload(job.target, file.readable, {
        append: true,
        signal: ctx.signal,
      });
      requestId = request.id;
      bytes = (await request).bytes;
    } else {
      const request = client.uploadFrom(job.local, job.target, { offset, signal: ctx.signal });
      requestId = request.id;
      bytes = (await request).bytes;
    }
  } finally {
    client.removeEventListener("progress", listener);
  }
  if (offset > 0 || job.target !== job.remote) {
    const stored = await client.size(job.target, { signal: ctx.signal });
    if (stored !== job.size) {
      throw new TransientRunError(
        `${job.target}: the server holds ${stored} of ${job.size} bytes after the upload`,
      );
    }
  }
  if (job.mtime && client.features.has("MFMT")) {
    await client.setLastModified(job.target, job.mtime, { signal: ctx.signal }).catch((error) => {
      if (!(error instanceof FtpPermanentError)) throw error;
      ctx.warn(`Could not set the time of ${job.target}: ${error.message}`);
    });
  }
  return offset > 0 ? { bytes, resumedFrom: offset } : { bytes };
}

/**
 * Moves an uploaded temporary file into place. Servers that refuse to
 * rename over an existing file get the old one removed first: the new one
 * is complete by then, so nothing is lost.
 */
export async function commitUpload(
  client: FtpClient,
  from: string,
  to: string,
  size: number,
  ctx: TransferContext,
): Promise<void> {
  try {
    await client.rename(from, to, { signal: ctx.signal });
  } catch (error) {
    if (!(error instanceof FtpPermanentError)) throw error;
    // Remove the old file only when the new one is there and whole.
    const held = await client.size(from, { signal: ctx.signal }).catch(() => undefined);
    if (held !== size) throw error;
    await client.remove(to, { signal: ctx.signal });
    ctx.warn(`The server would not rename over ${to}; removed it first, then renamed`);
    await client.rename(from, to, { signal: ctx.signal });
  }
}
