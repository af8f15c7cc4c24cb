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
//
// On FTPS the data-channel TLS policy judges each file as it judges one
// `downloadTo` (the hooks in `BatchTls`): a refusal of a file's data
// connection is named (`FtpTlsError`), and when the client must move to
// Node's TLS (known before a file, or learnt from its refusal) the batch
// moves there itself (`switchEngine`: a reconnect) and goes on with that
// file, tried afresh. A move that fails ends the batch as a closed
// connection does: that file and the rest are not started, with the
// reason; the call still resolves with every file's outcome.

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import type {
  DownloadAllFile,
  DownloadAllOutcome,
  TransferProgress,
  TransferType,
} from "./options.ts";
import type { Session } from "./_session.ts";
import type { RateLimiter } from "./rate_limit.ts";
import { downloadToFile, type FileDownloadOptions } from "./_download_file.ts";
import { localPath } from "./_local_file.ts";
import { abortReason } from "./_transfer.ts";
import { partialPath } from "./temporary_names.ts";

/** The data-channel TLS policy's part in a batch (FTPS only). */
export interface BatchTls {
  /** Whether the client must move to Node's TLS before its next file. */
  switchNeeded(): boolean;
  /**
   * A file failed: the error to report for it (a refusal of its data
   * connection's TLS named as such); `switchNeeded` then says whether it
   * is to be tried again on Node's TLS.
   */
  failed(error: unknown): unknown;
  /** A file went through: its data connection is evidence for the policy. */
  succeeded(): void;
  /** Moves to Node's TLS: a new session (same user, same directory). */
  switchEngine(): Promise<void>;
}

/** What the client gives a batch. */
export interface BatchContext {
  /** The current session (replaced between files by a move to Node's TLS). */
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
  /** On FTPS: the data-channel TLS policy's view of each file. */
  tls?: BatchTls;
}

/** Downloads the files one after another (see the module comment): each file's outcome. */
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
  // Bounded by the file count: a file is tried again only after a move to
  // Node's TLS, after which no move is needed (`switchNeeded()` is false).
  for (; index < files.length; index++) {
    const file = files[index];
    let outcome: DownloadAllOutcome;
    if (stop === undefined && ctx.signal.aborted) stop = abortReason(ctx.signal);
    if (stop === undefined && ctx.tls?.switchNeeded()) {
      stop = await switchEngine(ctx.tls, ctx.signal);
    }
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
        ctx.tls?.succeeded();
        outcome = { ok: true, result };
      } catch (thrown) {
        let error = thrown;
        if (ctx.tls && session) {
          error = ctx.tls.failed(thrown);
          if (ctx.tls.switchNeeded()) {
            // Nothing came: the partial file made for it goes, so that the
            // try after the move opens it afresh (create-new included).
            if (opened) removeEmpty(partialPath(localPath(file.destination)));
            index--;
            continue;
          }
        }
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

/** Moves to Node's TLS: undefined when done, else why the batch ends here. */
async function switchEngine(tls: BatchTls, signal: AbortSignal): Promise<Error | undefined> {
  try {
    await tls.switchEngine();
    return undefined;
  } catch (error) {
    return signal.aborted ? abortReason(signal) : asError(error);
  }
}

/** Removes the file at `path` if it is empty (a partial file nothing was written to). */
function removeEmpty(path: string): void {
  try {
    if (Deno.lstatSync(path).size === 0) Deno.removeSync(path);
  } catch {
    // Gone already (removed as the call's temporary).
  }
}

function closedError(cause: Error): Error {
  return new Error(`Not started: the connection closed after an earlier file (${cause.message})`, {
    cause,
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
