// One file up. What the server already holds at the target is continued
// only when its bytes are known to be this file's:
//
// - a try of this run that the server accepted (its 1xx reply: the target
//   was opened for writing, and truncated unless resumed) wrote a prefix of
//   the local file, as long as the local file has not changed since;
// - a temporary whose name carries the local file's digest (see
//   _temporaries.ts; atomic uploads, and any upload that replaces a file)
//   holds a prefix of that file, written by an earlier run.
//
// Anything else is written from byte 0. Continuing uses REST+STOR, or APPE
// where the server has no REST. After a resumed upload, or into a
// temporary, the size the server holds is checked before the upload counts
// as done.

import type { FtpClient } from "../client/ftp_client.ts";
import type { FtpReplyEvent } from "../client/events.ts";
import { FtpPermanentError } from "../errors.ts";
import { TransientRunError } from "./errors.ts";
import type { TransferContext, TransferOutcome } from "./_transfer_context.ts";

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

/** Uploads one file (see the module comment). */
export async function uploadFile(
  client: FtpClient,
  job: UploadJob,
  ctx: TransferContext,
): Promise<TransferOutcome> {
  const now = identityOf(await Deno.stat(job.local));
  let offset = 0;
  if (sameIdentity(job.written, now)) {
    const held = await client.size(job.target, { signal: ctx.signal }).catch(() => 0);
    if (held > 0 && held <= now.size) offset = held;
  }
  ctx.started(offset);
  let requestId = -1;
  const onProgress = (event: Event) => {
    const { id, bytes } = event as unknown as { id: number; bytes: number };
    if (id === requestId) ctx.progress(offset + bytes);
  };
  // A 1xx reply to this store: the server opened the target for writing.
  const onReply = (event: FtpReplyEvent) => {
    if (event.id === requestId && event.reply.code < 200) job.written = now;
  };
  client.addEventListener("progress", onProgress);
  client.addEventListener("reply", onReply);
  let bytes = 0;
  try {
    if (offset > 0 && offset === now.size) {
      // A whole file is there already (a try whose end was not confirmed).
      // Only a file with bytes: an empty one is always stored, since "0 of
      // 0 bytes there" is just as true of a file that was never created.
    } else if (offset > 0 && !client.features.has("REST")) {
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
    client.removeEventListener("progress", onProgress);
    client.removeEventListener("reply", onReply);
  }
  if (offset > 0 || job.target !== job.remote) {
    const stored = await client.size(job.target, { signal: ctx.signal });
    if (stored !== now.size) {
      throw new TransientRunError(
        `${job.target}: the server holds ${stored} of ${now.size} bytes after the upload`,
      );
    }
  }
  const mtime = now.mtime === undefined ? undefined : new Date(now.mtime);
  if (mtime && client.features.has("MFMT")) {
    await client.setLastModified(job.target, mtime, { signal: ctx.signal }).catch((error) => {
      if (!(error instanceof FtpPermanentError)) throw error;
      ctx.warn(`Could not set the time of ${job.target}: ${error.message}`);
    });
  }
  return offset > 0 ? { bytes, resumedFrom: offset } : { bytes };
}

/**
 * What an upload of a new file that did not finish leaves at its final
 * path: the start of the file, to be removed. (An upload that replaces a
 * file writes to a temporary, kept for the next run to continue.)
 */
export function leftPartial(job: UploadJob): string | undefined {
  return job.target === job.remote && job.written ? job.target : undefined;
}
