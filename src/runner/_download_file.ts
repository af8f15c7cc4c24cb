// One file down. The client's downloadTo does the work that keeps the
// final path whole: `<name>.ferry-part`, the size check against the
// listing, the tail check before continuing, the time, the rename (see
// src/client/_download_file.ts). What is decided here is WHEN a partial
// file may be continued:
//
// - A retry continues what an earlier try of this run wrote.
// - A partial file left by an earlier run is continued only if it was not
//   last written before the server's file last changed (when the server
//   tells the time: MLSD, MLST or MDTM) and its last bytes (up to 64 KiB)
//   are the bytes the server holds at that place (the client's
//   `resumeCheck`).
// - With `resume: true`, a shorter local file (a log that grew) is
//   continued on the same byte check; its time cannot tell growth from
//   rotation, since the server's file is newer either way.
//
// Anything else starts over from byte 0. A failed try always keeps the
// partial file, for the next try (or run) to judge.

import { dirname } from "../std/path.ts";
import type { FtpClient } from "../client/ftp_client.ts";
import type { TransferProgress } from "../client/options.ts";
import { partialPath, segmentStatePath } from "../client/temporary_names.ts";
import { refuseLinksTo } from "./_no_links.ts";
import {
  type TransferContext,
  type TransferOutcome,
  transferOutcome,
} from "./_transfer_context.ts";

/** Most bytes of a partial file compared with the server's before continuing it. */
export const RESUME_CHECK_BYTES = 64 * 1024;

/** A download to plan and run. */
export interface DownloadJob {
  remote: string;
  local: string;
  /** `local`'s directory, when the plan has it (else it is worked out). */
  dir?: string;
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
  /** Connections to fetch the file over (see the client's `segments`). */
  segments?: number;
}

/** Whether to continue the partial file, and how many of its bytes to check first. */
interface ResumePlan {
  resume: boolean;
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

async function resumePlan(
  client: FtpClient,
  job: DownloadJob,
  part: string,
  partInfo: Deno.FileInfo | undefined,
  ctx: TransferContext,
): Promise<ResumePlan> {
  const size = job.size;
  const fresh = { resume: false, check: 0 };
  if (!client.features.has("REST") || size === undefined) return fresh;
  // A segmented download's progress file says which bytes it holds; the
  // client continues it only for the same size and server time.
  if ((job.segments ?? 1) > 1 && regularFileSync(segmentStatePath(part))) {
    return { resume: true, check: job.wrote ? 0 : RESUME_CHECK_BYTES };
  }
  const shorter = (info: Deno.FileInfo | undefined) =>
    info !== undefined && info.size > 0 && info.size < size;
  const partial = partInfo?.isFile ? partInfo : undefined;
  if (shorter(partial) && job.wrote) return { resume: true, check: 0 };
  if (shorter(partial)) {
    const changed = await remoteTime(client, job, ctx.signal);
    // Server times are to the second: within that second, the bytes decide.
    if (changed && partial!.mtime && partial!.mtime.getTime() < changed.getTime()) {
      ctx.warn(`${part} is older than ${job.remote} on the server: starting over`);
      return fresh;
    }
    return { resume: true, check: RESUME_CHECK_BYTES };
  }
  if (job.resume) {
    const existing = await regularFile(job.local);
    if (shorter(existing)) {
      // Copy first: the file at the final path stays whole until the new one is.
      await Deno.copyFile(job.local, part);
      return { resume: true, check: RESUME_CHECK_BYTES };
    }
  }
  return fresh;
}

/** Downloads one file (see the module comment). */
export async function downloadFile(
  client: FtpClient,
  job: DownloadJob,
  ctx: TransferContext,
): Promise<TransferOutcome> {
  const part = partialPath(job.local);
  const partInfo = refuseLinksTo(job.root, part);
  const plan = await resumePlan(client, job, part, partInfo, ctx);
  // The first report of a transfer, and again if it starts over, has bytes
  // equal to its offset: from then on the partial file holds the server's
  // bytes (emptied, or checked).
  const onProgress = (progress: TransferProgress) => {
    if (progress.bytes !== progress.offset) return ctx.progress(progress.bytes);
    job.wrote = true;
    ctx.started(progress.offset);
  };
  const download = () =>
    client.downloadTo(job.remote, job.local, {
      size: job.size,
      resume: plan.resume,
      resumeCheck: plan.check,
      keepTemporary: true,
      mtime: job.mtime ?? "remote",
      segments: job.segments,
      onProgress,
      signal: ctx.signal,
    });
  return await transferOutcome(
    download().catch((error) => {
      // Planning made the step's directories; one removed since is made
      // again here, rather than with a mkdir (a thread hand-off) per file.
      if (!(error instanceof Deno.errors.NotFound) || exists(dirname(part))) throw error;
      Deno.mkdirSync(dirname(part), { recursive: true });
      return download();
    }),
  );
}

function regularFileSync(path: string): boolean {
  try {
    return Deno.lstatSync(path).isFile;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
