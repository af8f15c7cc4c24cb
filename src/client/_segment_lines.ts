// The connections a segmented download runs its segments on: the client's
// own, plus up to `max - 1` more opened on demand. A segment waits for an
// idle one, or opens one. A server that refuses one more connection (many
// limit connections per address) caps the download at what it allows, as
// long as one connection is left; a broken connection is closed and may
// be replaced. Every wait ends: a release, a failed open and the signal
// each wake the waiters.

import { abortReason } from "./_transfer.ts";
import type { RangeRequest } from "./_fetch_range.ts";

/** One control connection that can fetch segments. */
export interface SegmentLine {
  /** Fetches the rest of a segment (see `fetchRange`). */
  fetch(request: RangeRequest): Promise<void>;
  /** Whether its control connection still works. */
  readonly usable: boolean;
  /** Ends it (not the client's own connection, which the client keeps). */
  close(): Promise<void>;
}

export class SegmentLines {
  readonly #idle: SegmentLine[];
  readonly #open: (signal: AbortSignal) => Promise<SegmentLine>;
  readonly #waiters: (() => void)[] = [];
  readonly #opened = new Set<SegmentLine>();
  #live: number;
  #max: number;
  #opening = 0;
  #refusal?: unknown;
  #busy = 0;
  /** The most lines that were busy at once. */
  peak = 0;

  constructor(
    own: SegmentLine,
    max: number,
    open: (signal: AbortSignal) => Promise<SegmentLine>,
  ) {
    this.#idle = [own];
    this.#live = 1;
    this.#max = max;
    this.#open = open;
  }

  /** Lends an idle line, opens a new one, or waits for a release. */
  async acquire(signal: AbortSignal): Promise<SegmentLine> {
    // Bounded: each pass lends, opens, or waits for a release or a failed open.
    for (;;) {
      if (signal.aborted) throw abortReason(signal);
      const idle = this.#idle.pop();
      if (idle) return this.#lent(idle);
      if (this.#live + this.#opening < this.#max) {
        this.#opening++;
        try {
          const line = await this.#open(signal);
          this.#opened.add(line);
          this.#live++;
          return this.#lent(line);
        } catch (error) {
          if (signal.aborted) throw abortReason(signal);
          // No connection left to wait for: the refusal is the news.
          if (this.#live === 0) throw error;
          this.#refusal = error;
          this.#max = this.#live;
        } finally {
          this.#opening--;
          this.#wake();
        }
        continue;
      }
      if (this.#live === 0 && this.#opening === 0) throw this.#refusal;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.#waiters.push(done);
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }

  /**
   * Gives a line back; a broken one (`broken`, or no longer usable) is
   * closed, and another may be opened in its place.
   */
  release(line: SegmentLine, broken = false): void {
    this.#busy--;
    if (!broken && line.usable) {
      this.#idle.push(line);
    } else {
      this.#live--;
      this.#opened.delete(line);
      // A replacement may be opened in its place (the cap stays).
      void line.close().catch(() => {});
    }
    this.#wake();
  }

  /** Closes every line opened here (the client's own stays). */
  async close(): Promise<void> {
    const lines = [...this.#opened];
    this.#opened.clear();
    this.#idle.length = 0;
    await Promise.all(lines.map((line) => line.close().catch(() => {})));
  }

  #lent(line: SegmentLine): SegmentLine {
    this.#busy++;
    this.peak = Math.max(this.peak, this.#busy);
    return line;
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
