// One file up, with resume: uploads retried after a failure continue from
// the size the server holds, with REST+STOR, or APPE where REST is missing.

import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import { TransientRunError } from "./_retry.ts";
import type { TransferContext, TransferOutcome } from "./_transfer_context.ts";

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
