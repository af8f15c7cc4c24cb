// The reply deadlines of one control connection: one timer for the replies
// read one after another, not one per reply (three or more per small file),
// that ends a read still waiting at its deadline by closing the connection
// (every transport ends its pending reads on close). The control
// connection's policy, so beside it rather than in std/ (stand-ins for @std
// functions and the timers every layer uses).

import type { FtpError } from "../errors.ts";
import { startTimer, type Timer } from "../std/timer.ts";

/** The reply timer of one control connection. */
export class ReplyTimer {
  /** The timer, and when it fires. */
  #timer?: Timer;
  #timerAt = Infinity;
  /** The deadline of the read waiting now, and how to fail it. */
  #waitUntil = Infinity;
  /** Makes the error of the read waiting for the deadline (`#waitUntil`). */
  #expiry?: () => FtpError;
  /** Closes the connection with the error of a read whose deadline passed. */
  readonly #expire: (error: FtpError) => void;

  constructor(expire: (error: FtpError) => void) {
    this.#expire = expire;
  }

  /** A read starts waiting until `deadline`; past it, `timeoutError`'s error closes the connection. */
  wait(deadline: number, timeoutError: () => FtpError): void {
    this.#expiry = timeoutError;
    this.#waitUntil = deadline;
    this.#arm(deadline);
    this.#timer!.ref();
  }

  /** The waiting read ended (the reply came, or the read failed). */
  ended(): void {
    this.#expiry = undefined;
    this.#waitUntil = Infinity;
    // Idle, the timer must not keep the process alive.
    this.#timer?.unref();
  }

  /** The connection closed: no deadline any more. */
  clear(): void {
    this.#timer?.clear();
    this.#timer = undefined;
  }

  /**
   * Armed for the earliest deadline; when it fires before the waiting read's
   * deadline (the reads it was armed for are over), armed again for that one.
   */
  #arm(deadline: number): void {
    if (this.#timer !== undefined && this.#timerAt <= deadline) return;
    this.#timer?.clear();
    this.#timerAt = deadline;
    this.#timer = startTimer(deadline - performance.now(), () => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      if (this.#expiry === undefined) return;
      if (performance.now() >= this.#waitUntil) return void this.#expire(this.#expiry());
      this.#arm(this.#waitUntil);
    });
  }
}
