// How long a server that stopped answering may keep a step waiting. A
// timeout is retried `timeoutRetries` times (once by default), and when one
// more than that comes in a row within the step, with nothing succeeding in
// between, the server is taken as gone: the step starts nothing more (no
// new file, no retry), and a wait for a connection stops. Without this, a
// dead server costs each file (retries + 1) timeouts, and a step of many
// files many times that. Other transient failures are not counted here:
// they keep the step's retries.

import { FtpAbortError, FtpReplyError, FtpTimeoutError } from "../errors.ts";

/** One step's count of timeouts in a row. */
export class Silence {
  readonly #allowed: number;
  readonly #stop = new AbortController();
  #inRow = 0;
  #last?: FtpTimeoutError;

  /** @param timeoutRetries Retries of a timeout (the step's `timeoutRetries`). */
  constructor(timeoutRetries: number) {
    this.#allowed = timeoutRetries;
  }

  /** Aborts when the step gives up on the server. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** The timeout that made the step give up, once it has. */
  get gaveUp(): FtpTimeoutError | undefined {
    return this.#stop.signal.aborted ? this.#last : undefined;
  }

  /** How many timeouts came in a row. */
  get inRow(): number {
    return this.#inRow;
  }

  /** A try succeeded: the server is there. */
  answered(): void {
    if (!this.#stop.signal.aborted) this.#inRow = 0;
  }

  /**
   * Records a failed try and says whether, as far as timeouts go, another
   * may follow: not once the step gave up, nor after more than
   * `timeoutRetries` timeouts of the same work.
   *
   * @param error Why the try failed.
   * @param timeouts The timeouts this work (a file, the planning) met so far, this one included.
   */
  mayRetry(error: unknown, timeouts: number): boolean {
    if (error instanceof FtpTimeoutError) {
      this.#inRow++;
      this.#last = error;
      if (this.#inRow > this.#allowed) this.#stop.abort(error);
    } else if (error instanceof FtpReplyError) {
      this.answered(); // The server said why: it is there.
    }
    return !this.#stop.signal.aborted && timeouts <= this.#allowed;
  }

  /** Whether `error` only says that a wait was cut short because the step gave up. */
  cutShort(error: unknown): boolean {
    return this.#stop.signal.aborted &&
      (error === this.#stop.signal.reason || error instanceof FtpAbortError);
  }
}
