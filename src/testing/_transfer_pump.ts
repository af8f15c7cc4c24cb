/**
 * Moving bytes over an open data connection, in either direction, with
 * flat memory (one reused buffer), an idle watchdog, ABOR, and the data-side
 * fault hooks (`dataDropAfterBytes`, `dataStallAfterBytes`) applied here and
 * nowhere else.
 *
 * @module
 */

import { untilAborted } from "./_abortable.ts";
import { closeQuietly } from "../transport/close_quietly.ts";
import { writeAll } from "../transport/write_all.ts";

/** An open data connection and the rules for one transfer over it. */
export interface DataPipe {
  /** The data connection. */
  readonly conn: Deno.Conn;
  /** Aborts on ABOR, on a lost control connection and on server close. */
  readonly signal: AbortSignal;
  /** The session's reusable transfer buffer. */
  readonly buffer: Uint8Array;
  /** Close the connection once this many bytes have moved. */
  readonly dropAfterBytes?: number;
  /** Stop moving bytes once this many have moved, keeping it open. */
  readonly stallAfterBytes?: number;
  /** Give up when no byte moved for this long. */
  readonly idleTimeoutMs: number;
}

/** How a transfer over the data connection ended. */
export type PumpOutcome =
  | "complete"
  | "aborted"
  | "dropped"
  | "peer-closed"
  | "timed-out";

/**
 * Closes the connection when the transfer is aborted or idle too long, so
 * that a pending read or write returns at once.
 */
class Watchdog {
  reason: "aborted" | "timed-out" | undefined;
  #moved = false;
  #paused = false;
  readonly #conn: Deno.Conn;
  readonly #signal: AbortSignal;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #onAbort = () => this.#stop("aborted");

  constructor(pipe: DataPipe) {
    this.#conn = pipe.conn;
    this.#signal = pipe.signal;
    this.#signal.addEventListener("abort", this.#onAbort, { once: true });
    if (this.#signal.aborted) this.#stop("aborted");
    // Checking once per period makes the effective limit one to two periods.
    this.#timer = setInterval(() => {
      if (!this.#moved && !this.#paused) this.#stop("timed-out");
      this.#moved = false;
    }, pipe.idleTimeoutMs);
  }

  moved(): void {
    this.#moved = true;
  }

  /** A stall is deliberate: it must not time out on the server side. */
  pause(): void {
    this.#paused = true;
  }

  dispose(): void {
    clearInterval(this.#timer);
    this.#signal.removeEventListener("abort", this.#onAbort);
  }

  #stop(reason: "aborted" | "timed-out"): void {
    this.reason ??= reason;
    closeQuietly(this.#conn);
  }
}

/** The most bytes that may still move before a fault limit is reached. */
function allowance(pipe: DataPipe, moved: number): number {
  let limit = Infinity;
  if (pipe.dropAfterBytes !== undefined) limit = Math.min(limit, pipe.dropAfterBytes);
  if (pipe.stallAfterBytes !== undefined) limit = Math.min(limit, pipe.stallAfterBytes);
  return Math.max(0, limit - moved);
}

/**
 * What a download's client did with its side of the data connection, read
 * from the start of the transfer: nothing yet, closed it for writing (ferry
 * does at once: a download sends nothing), or gone (a reset).
 */
interface PeerEnd {
  state: "open" | "write-closed" | "gone";
  /** Settles when the state leaves "open". */
  readonly changed: Promise<void>;
}

function watchPeerEnd(conn: Deno.Conn): PeerEnd {
  const end: { state: PeerEnd["state"]; changed?: Promise<void> } = { state: "open" };
  end.changed = (async () => {
    const scratch = new Uint8Array(512);
    try {
      // Bounded by the connection: it ends, or the transfer closes it.
      while ((await conn.read(scratch)) !== null) {
        // Discard: a client sends nothing useful on a download connection.
      }
      end.state = "write-closed";
    } catch {
      end.state = "gone";
    }
  })();
  return end as PeerEnd;
}

/** Acts on a reached fault limit: drop wins over stall when both are hit. */
async function atLimit(
  pipe: DataPipe,
  watchdog: Watchdog,
  moved: number,
  peer?: PeerEnd,
): Promise<PumpOutcome> {
  if (pipe.dropAfterBytes !== undefined && moved >= pipe.dropAfterBytes) {
    closeQuietly(pipe.conn);
    return "dropped";
  }
  watchdog.pause();
  if (!peer || peer.state === "write-closed") {
    // An upload, or a download whose client closed its side for writing
    // before the stall: a hang-up cannot be told by reading any more (as
    // for any server), so only ABOR or the session's end stops it.
    await untilAborted(pipe.signal);
    return watchdog.reason ?? "aborted";
  }
  // While stalled on a download, notice the client hanging up the data
  // connection: it sends nothing, so a read ends only with the connection.
  await peer.changed;
  return watchdog.reason ?? "peer-closed";
}

/**
 * Sends chunks to the peer. Each chunk must be written before the next is
 * pulled (chunks may share the transfer buffer). Errors from `chunks`
 * (local file errors) propagate; connection errors become outcomes.
 */
export async function sendChunks(
  pipe: DataPipe,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<PumpOutcome> {
  const watchdog = new Watchdog(pipe);
  const peer = watchPeerEnd(pipe.conn);
  let sent = 0;
  try {
    for await (const chunk of chunks) {
      if (watchdog.reason) return watchdog.reason;
      const room = allowance(pipe, sent);
      const piece = room < chunk.length ? chunk.subarray(0, room) : chunk;
      try {
        await writeAll(pipe.conn, piece);
      } catch {
        return watchdog.reason ?? "peer-closed";
      }
      sent += piece.length;
      watchdog.moved();
      if (piece.length < chunk.length) return await atLimit(pipe, watchdog, sent, peer);
    }
    return watchdog.reason ?? "complete";
  } finally {
    watchdog.dispose();
  }
}

/**
 * Reads from the peer until it closes the connection, handing each chunk
 * (a view of the transfer buffer, valid until `sink` resolves) to `sink`.
 * Errors from `sink` (local file errors) propagate.
 */
export async function receiveChunks(
  pipe: DataPipe,
  sink: (chunk: Uint8Array) => Promise<void>,
): Promise<PumpOutcome> {
  const watchdog = new Watchdog(pipe);
  let received = 0;
  try {
    for (;;) {
      const room = allowance(pipe, received);
      if (room === 0) return await atLimit(pipe, watchdog, received);
      let n: number | null;
      try {
        n = await pipe.conn.read(pipe.buffer.subarray(0, Math.min(room, pipe.buffer.length)));
      } catch {
        return watchdog.reason ?? "peer-closed";
      }
      if (n === null) return watchdog.reason ?? "complete";
      received += n;
      watchdog.moved();
      await sink(pipe.buffer.subarray(0, n));
    }
  } finally {
    watchdog.dispose();
  }
}
