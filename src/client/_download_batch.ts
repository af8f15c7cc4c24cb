// downloadAllTo: many files to local paths in ONE queued call (issue 15's
// 1000 small files). Each file goes exactly as `downloadTo` sends it to a
// local path (src/client/_download_file.ts: `<name>.ferry-part`, the size
// check, the time, the rename; RETR, and the next file's EPSV sent with the
// transfer's end), but the per-call machinery is paid once per batch: one
// queue entry with its promise and AbortController, one listener on the
// caller's signal, one pass through the data-channel TLS policy; and the
// options object handed to each file is reused.
//
// A file's failure is that file's: it is recorded, and the next file goes
// on while the control connection is open (the session leaves it in step
// after a 550, a 426 or an ABOR, as between two `downloadTo` calls). A
// closed connection (also one closed before the call's turn) or a cancelled
// call ends the batch: the files not started are reported as such, with
// the reason, for the caller to try elsewhere.

import type {
  DownloadAllFile,
  DownloadAllOutcome,
  TransferProgress,
  TransferType,
} from "./options.ts";
import type { Session } from "./_session.ts";
import type { RateLimiter } from "./rate_limit.ts";
import { downloadToFile, type FileDownloadOptions } from "./_download_file.ts";
import { abortReason } from "./_transfer.ts";

/** What the client gives a batch. */
export interface BatchContext {
  /** The current session (it may be replaced between files by a TLS engine switch). */
  session(): Session;
  signal: AbortSignal;
  type: TransferType;
  keepTemporary: boolean;
  exclusive: boolean;
  rateLimit?: RateLimiter;
  /** Starts the client-wide progress events of one transfer. */
  events(announcedSize: number | undefined): (carried: number) => void;
  onProgress?: (index: number, progress: TransferProgress) => void;
  onFileEnd?: (index: number, outcome: DownloadAllOutcome) => boolean | void;
  warn(message: string): void;
}

/** Downloads the files one after another (see the module comment). */
export async function downloadBatch(
  files: readonly DownloadAllFile[],
  ctx: BatchContext,
): Promise<DownloadAllOutcome[]> {
  const outcomes: DownloadAllOutcome[] = [];
  let index = 0;
  let opened = false;
  const onProgress = ctx.onProgress;
  const options: FileDownloadOptions = {
    type: ctx.type,
    offset: 0,
    resume: false,
    resumeCheck: 0,
    keepTemporary: ctx.keepTemporary,
    exclusive: ctx.exclusive,
    signal: ctx.signal,
    rateLimit: ctx.rateLimit,
    events: (announced) => ctx.events(announced ?? files[index].size),
    onProgress: onProgress && ((progress) => onProgress(index, progress)),
    warn: ctx.warn,
    opened: () => opened = true,
  };
  let stop: Error | undefined;
  // Bounded by the file count.
  for (; index < files.length; index++) {
    const file = files[index];
    let outcome: DownloadAllOutcome;
    if (stop === undefined && ctx.signal.aborted) stop = abortReason(ctx.signal);
    if (stop !== undefined) {
      outcome = { ok: false, error: stop, started: false };
    } else {
      let session: Session | undefined;
      options.size = file.size;
      options.mtime = file.mtime;
      opened = false;
      try {
        // Inside: a connection closed before this file is this file's outcome.
        session = ctx.session();
        const result = await downloadToFile(session, file.path, file.destination, options);
        outcome = { ok: true, result };
      } catch (error) {
        outcome = { ok: false, error: asError(error), started: opened };
        if (ctx.signal.aborted) stop = abortReason(ctx.signal);
        else if (!session) stop = outcome.error;
        else if (session.control.closed) stop = closedError(outcome.error);
      }
    }
    outcomes.push(outcome);
    if (ctx.onFileEnd?.(index, outcome) === false && stop === undefined) {
      stop = new Error("Stopped by onFileEnd before this file");
    }
  }
  return outcomes;
}

function closedError(cause: Error): Error {
  return new Error(`Not started: the connection closed after an earlier file (${cause.message})`, {
    cause,
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
