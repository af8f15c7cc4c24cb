// One segment of a segmented download: REST to the segment's next byte,
// RETR, each chunk written at its place in the temporary through the
// segment's own file handle (so segments never move each other's file
// position, and nothing is buffered beyond the transfer's own buffers),
// and the transfer stopped once the segment's last byte is in: the data
// connection closed and the final reply read (226, or the server's 426 for
// the cut), so the control connection stays in step for the next segment.
// Any other way out of the loop (a failed write, the signal) ends the
// transfer with ABOR, as every transfer does (see Transfer.receive).

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { FtpSizeMismatchError } from "../errors.ts";
import { writeAllSync } from "../transport/write_all.ts";
import type { Session } from "./_session.ts";
import { transferBufferBytes } from "./_transfer.ts";
import type { Segment } from "./_segment_state.ts";
import type { RateLimiter } from "./rate_limit.ts";

/** Where a segment's bytes go, and who hears of them. */
export interface RangeSink {
  /** The temporary file, opened per segment for writing. */
  part: string;
  /** Called after each write with the bytes just written. */
  wrote(segment: Segment, bytes: number): void;
  /** Called with the bytes of each chunk carried over the data connection. */
  carried(bytes: number): void;
}

/** One segment to fetch. */
export interface RangeRequest {
  /** The remote file, by an absolute path (each connection has its own directory). */
  remote: string;
  segment: Segment;
  /** The file's size. */
  size: number;
  sink: RangeSink;
  signal: AbortSignal;
  /** Paces the segment (the call's `rateLimit`, shared by all its segments). */
  rateLimit?: RateLimiter;
}

/**
 * Fetches the rest of `segment` (from `from + done` to `to`) into the
 * temporary, advancing `segment.done` as bytes are written. `size` is the
 * file's: a segment that ends there is read to the end of the transfer.
 *
 * @throws {FtpSizeMismatchError} When the server's file ends before the segment does.
 */
export async function fetchRange(session: Session, request: RangeRequest): Promise<void> {
  const { remote, segment, size, sink, signal } = request;
  const start = segment.from + segment.done;
  if (start >= segment.to) return;
  const file = Deno.openSync(sink.part, { write: true });
  try {
    file.seekSync(start, Deno.SeekMode.Start);
    const transfer = await session.retr(remote, {
      type: "binary",
      offset: start,
      signal,
      rateLimit: request.rateLimit,
    });
    // Bounded by the segment: the loop ends at its last byte or the file's end.
    for await (const chunk of transfer.receive(transferBufferBytes(segment.to - start))) {
      sink.carried(chunk.length);
      const take = Math.min(chunk.length, segment.to - segment.from - segment.done);
      writeAllSync(file, take === chunk.length ? chunk : chunk.subarray(0, take));
      segment.done += take;
      sink.wrote(segment, take);
      // The range is in: close the data connection, read the final reply
      // (see Transfer.stopReading). The last segment reads on to the end
      // of the file instead, a complete transfer (unless the file grew).
      if (take < chunk.length || segment.to < size && segment.from + segment.done >= segment.to) {
        await transfer.stopReading();
        break;
      }
    }
  } finally {
    file.close();
  }
  const held = segment.from + segment.done;
  if (held < segment.to) {
    throw new FtpSizeMismatchError(
      remote,
      segment.to,
      held,
      `${remote}: the server's file ended at byte ${held}, inside the segment ${segment.from}-` +
        `${segment.to}: it changed during the download; download it again`,
    );
  }
}
