// One file up. The client's uploadFrom does the work that keeps files
// whole: continuing (REST + STOR, or APPE without REST), the size check,
// the time (MFMT), and for a replacement the rename over the old file,
// moving it aside on servers that will not rename over a file (see
// src/client/_upload_source.ts). What is decided here is WHEN the bytes the
// server holds at the target may be continued: only when they are known to
// be this file's:
//
// - a try of this run that the server accepted (its 1xx reply: the target
//   was opened for writing, and truncated unless resumed) wrote a prefix of
//   the local file, as long as the local file has not changed since;
// - a temporary whose name carries the local file's digest (see
//   _temporaries.ts; atomic uploads, and any upload that replaces a file)
//   holds a prefix of that file, written by an earlier run.
//
// Anything else is written from byte 0. After a resumed upload, or into a
// temporary, the size the server holds is checked before the upload counts
// as done.

import type { FtpClient } from "../client/ftp_client.ts";
import type { TransferProgress, UploadOptions } from "../client/options.ts";
import {
  type TransferContext,
  type TransferOutcome,
  transferOutcome,
} from "./_transfer_context.ts";

/** A local file's size and time, as of one moment. */
export interface Identity {
  size: number;
  mtime?: number;
}

/** An upload to plan and run. */
export interface UploadJob {
  local: string;
  /** The final remote path. */
  remote: string;
  /** Where the bytes go: the final path, or a temporary (atomic, or replacing a file). */
  target: string;
  /** The local file as planned. */
  size: number;
  mtime?: Date;
  /**
   * Set when the target holds a prefix of the local file as it was then:
   * by a try of this run, or (a fingerprinted temporary) an earlier run.
   */
  written?: Identity;
}

function identityOf(info: Deno.FileInfo): Identity {
  return { size: info.size, mtime: info.mtime?.getTime() };
}

function sameIdentity(a: Identity | undefined, b: Identity): boolean {
  return a !== undefined && a.size === b.size && a.mtime === b.mtime;
}

/**
 * Uploads one file (see the module comment). With `replace`, the job's
 * temporary is renamed over its final path once whole; without it, the
 * bytes stay at the target (an atomic step renames every temporary at its
 * end, with `client.rename(..., { replace: true })`).
 */
export async function uploadFile(
  client: FtpClient,
  job: UploadJob,
  ctx: TransferContext,
  replace = false,
): Promise<TransferOutcome> {
  const now = identityOf(await Deno.stat(job.local));
  // The first report comes once the server accepted the store (its 1xx),
  // or found the whole file there: the target holds this file's bytes.
  const onProgress = (progress: TransferProgress) => {
    if (progress.bytes !== progress.offset) return ctx.progress(progress.bytes);
    job.written = now;
    ctx.started(progress.offset);
  };
  const options: UploadOptions = {
    resume: sameIdentity(job.written, now),
    mtime: now.mtime === undefined ? undefined : new Date(now.mtime),
    onProgress,
    signal: ctx.signal,
  };
  const viaTemporary = job.target !== job.remote;
  if (replace) Object.assign(options, { atomic: true, temporary: job.target, keepTemporary: true });
  else if (viaTemporary) options.checkSize = true;
  return await transferOutcome(
    client.uploadFrom(job.local, replace ? job.remote : job.target, options),
  );
}

/**
 * What an upload of a new file that did not finish leaves at its final
 * path: the start of the file, to be removed. (An upload that replaces a
 * file writes to a temporary, kept for the next run to continue.)
 */
export function leftPartial(job: UploadJob): string | undefined {
  return job.target === job.remote && job.written ? job.target : undefined;
}
