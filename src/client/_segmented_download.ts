// downloadTo with `segments`: one large file over several connections,
// each segment a byte range fetched with REST into its place in the one
// `<name>.ferry-part` temporary (see _fetch_range.ts), on the client's own
// connection and clones of it (see _segment_lines.ts). The temporary is
// renamed into place only when it holds the file's size in bytes, as for a
// download on one connection (_download_file.ts).
//
// The segments' progress is kept beside the temporary (_segment_state.ts):
// with `resume`, a run continues each segment where the last one stopped,
// if the server's file has the same size and time; otherwise it starts
// over. A segment that fails with an error worth retrying is fetched again
// from where it stopped, a bounded number of times, on another connection
// when its own broke.
//
// Falls back to one connection (downloadToFile) for a server without REST
// (a warning says so), a file whose size the server will not tell, and a
// file under SEGMENT_THRESHOLD_BYTES, which gains little.

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { FtpError, FtpSizeMismatchError } from "../errors.ts";
import type { TransferProgress, TransferResult } from "./options.ts";
import { localPath, localPathExists } from "./_local_file.ts";
import type { RangeSink } from "./_fetch_range.ts";
import { type SegmentLine, SegmentLines } from "./_segment_lines.ts";
import {
  discardSegmented,
  loadSegments,
  removeSegments,
  saveSegments,
  type Segment,
  type SegmentedFile,
  segmentStatePath,
  splitRanges,
} from "./_segment_state.ts";
import type { Session } from "./_session.ts";
import { abortReason } from "./_transfer.ts";
import { partialPath } from "./temporary_names.ts";

/** The smallest segment worth its own connection. */
export const MIN_SEGMENT_BYTES = 4 * 1024 * 1024;
/** Files under this size go over one connection: two segments at least. */
export const SEGMENT_THRESHOLD_BYTES = 2 * MIN_SEGMENT_BYTES;
/** How often one segment is fetched again after a failure, at most. */
export const SEGMENT_RETRIES = 3;
/** The most segments one download may ask for. */
export const MAX_SEGMENTS = 16;

/** How often, at most, the segments' progress file is rewritten while bytes flow. */
const SAVE_EVERY_MS = 250;

/** What a segmented download needs from the client. */
export interface SegmentedDownloadOptions {
  /** Segments asked for (2 or more). */
  segments: number;
  resume: boolean;
  keepTemporary: boolean;
  size?: number;
  mtime?: Date | "remote";
  signal: AbortSignal;
  /** Starts the client-wide progress events; returns their reporter (bytes carried). */
  events(announcedSize: number | undefined): (carried: number) => void;
  onProgress?: (progress: TransferProgress) => void;
  warn(message: string): void;
  info(message: string): void;
  /** The client's own connection as a segment line. */
  own(session: Session): SegmentLine;
  /** Opens one more connection for segments. */
  open(signal: AbortSignal): Promise<SegmentLine>;
  /** The same download over the client's own connection only. */
  single(): Promise<TransferResult>;
}

/** Downloads `remote` to `destination` in segments (see the module comment). */
export async function downloadSegmented(
  session: Session,
  remote: string,
  destination: string | URL,
  options: SegmentedDownloadOptions,
): Promise<TransferResult> {
  const part = partialPath(localPath(destination));
  const statePath = segmentStatePath(part);
  const one = async () => {
    // A segmented temporary has holes: one connection cannot continue it.
    discardSegmented(part, statePath);
    return { ...await options.single(), segments: 1, connections: 1 };
  };
  if (!session.features.has("REST")) {
    options.warn(
      `${remote}: the server offers no REST (FEAT), so byte ranges cannot be fetched: ` +
        `downloading over one connection instead of ${options.segments}`,
    );
    return await one();
  }
  const size = options.size ?? await session.size(remote).catch(() => undefined);
  if (size === undefined) {
    options.warn(`${remote}: the server does not tell its size (SIZE): one connection`);
    return await one();
  }
  if (size < SEGMENT_THRESHOLD_BYTES) {
    options.info(
      `${remote}: ${size} bytes, under ${SEGMENT_THRESHOLD_BYTES}: one connection gains as much`,
    );
    return await one();
  }
  // node:path only here: loading it costs every client's start (docs/performance.md).
  const { posix } = await import("node:path");
  const absolute = remote.startsWith("/") ? remote : posix.join(await session.pwd(), remote);
  const serverTime = session.features.has("MDTM")
    ? await session.mdtm(remote).catch(() => undefined)
    : undefined;
  const path = localPath(destination);
  const file: SegmentedFile = { remote: absolute, size, mtime: serverTime?.toISOString() ?? "" };
  const count = Math.min(options.segments, Math.floor(size / MIN_SEGMENT_BYTES));

  let segments = options.resume && serverTime && localPathExists(part)
    ? loadSegments(statePath, file)
    : undefined;
  if (options.resume && !segments && (localPathExists(part) || localPathExists(statePath))) {
    options.warn(
      `${part}: its segments do not match ${remote} on the server (size or time changed, ` +
        `or no server time to compare): starting over`,
    );
  }
  const resumedFrom = segments ? segments.reduce((sum, s) => sum + s.done, 0) : 0;
  // Created (or emptied) before any RETR: a local problem fails the call first.
  Deno.openSync(part, { write: true, create: true, truncate: !segments }).close();
  segments ??= splitRanges(size, count);
  // Saved before the first byte is written: a temporary with holes is never
  // without the file that says where they are (see discardSegmented).
  saveSegments(statePath, file, segments);

  let saved = 0;
  const save = (force: boolean) => {
    if (!force && Date.now() - saved < SAVE_EVERY_MS) return;
    saved = Date.now();
    saveSegments(statePath, file, segments!);
  };
  const cleanUp = () => {
    if (options.keepTemporary) return;
    removeSegments(statePath);
    try {
      Deno.removeSync(part);
    } catch {
      // Gone already.
    }
  };

  const carried = options.events(size);
  let carriedBytes = 0;
  let held = resumedFrom;
  const report = () => options.onProgress?.({ bytes: held, offset: resumedFrom, total: size });
  report();
  const sink: RangeSink = {
    part,
    carried(bytes) {
      carriedBytes += bytes;
      carried(carriedBytes);
    },
    wrote(_segment, bytes) {
      held += bytes;
      save(false);
      report();
    },
  };

  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const lines = new SegmentLines(options.own(session), count, options.open);
  const fetchSegment = async (segment: Segment, index: number) => {
    // Bounded: each pass completes the segment or spends one of its retries.
    for (let failures = 0;; failures++) {
      const line = await lines.acquire(signal);
      try {
        await line.fetch({ remote: absolute, segment, size, sink, signal });
        lines.release(line);
        return;
      } catch (error) {
        // Or the connection went with the error, say a server that closes it
        // after a transfer it cut (seen while the next EPSV's reply was read).
        const broken = !(error instanceof FtpError) || error.breaksConnection || !line.usable;
        lines.release(line, broken);
        if (signal.aborted) throw abortReason(options.signal.aborted ? options.signal : signal);
        if (!worthRetrying(error) || failures >= SEGMENT_RETRIES) throw error;
        options.warn(
          `${remote}: segment ${index + 1} of ${segments!.length} failed at byte ` +
            `${segment.from + segment.done} (${(error as Error).message}): retrying from there` +
            (broken ? " on another connection (this one broke)" : ""),
        );
      }
    }
  };
  try {
    let failure: unknown;
    await Promise.all(
      segments.map((segment, index) =>
        fetchSegment(segment, index).catch((error) => {
          // The first failure stops the other segments; it is the one reported.
          failure ??= error;
          stop.abort(error);
        })
      ),
    );
    if (failure !== undefined) throw failure;
    const total = Deno.statSync(part).size;
    if (total !== size) {
      throw new FtpSizeMismatchError(
        remote,
        size,
        total,
        `${remote}: the segments put ${total} of ${size} bytes in ${part}; ` +
          (options.keepTemporary ? "it is kept to resume" : "nothing was put in place"),
      );
    }
    const mtime = options.mtime === "remote" ? serverTime : options.mtime;
    if (mtime) Deno.utimeSync(part, new Date(), mtime);
    Deno.renameSync(part, path);
    removeSegments(statePath);
    const result: TransferResult = {
      bytes: carriedBytes,
      reply: "",
      segments: segments.length,
      connections: lines.peak,
    };
    if (resumedFrom > 0) result.resumedFrom = resumedFrom;
    return result;
  } catch (error) {
    if (localPathExists(part)) save(true);
    cleanUp();
    throw error;
  } finally {
    await lines.close();
  }
}

/** Whether a segment's failure may pass on another try: not a file that changed, nor bad input. */
function worthRetrying(error: unknown): boolean {
  return error instanceof FtpError && error.retryable && !(error instanceof FtpSizeMismatchError);
}
