/**
 * Timers that do not start Deno's Node layer: the connections' deadlines and
 * the CLI's live progress line (in std/ so that every layer may use them).
 * Deno 2.9.6 loads `node:timers` and about twenty modules of its Node
 * compatibility on the first `setTimeout` or `setInterval` (10–15 ms of CPU);
 * `AbortSignal.timeout` does not, and a one-file `ferry get` needs no other
 * `node:` module (docs/performance.md, "Cold start"). Like `setTimeout`, a
 * running timer keeps the process alive until it fires or is cleared, unless
 * it is unref'd.
 *
 * @module
 */

const MAX_DELAY = 2 ** 31 - 1;

/** A running timer: see {@linkcode startTimer} and {@linkcode startInterval}. */
export interface Timer {
  /** Stops it: the callback does not run (again). */
  clear(): void;
  /** Lets the process exit while it runs; a callback that comes due meanwhile is not run. */
  unref(): void;
  /**
   * Keeps the process alive again until it fires. If it came due while
   * unref'd, its callback runs now, within this call.
   */
  ref(): void;
}

/**
 * Runs `callback` once, after `ms` milliseconds, as `setTimeout` does.
 *
 * @param ms The delay; a negative one (or NaN) counts as 0, one over about
 * 24.8 days (2^31 - 1 ms) as that.
 * @param callback What to run.
 * @returns The timer, to clear, unref or ref.
 *
 * @example
 * ```ts
 * import { startTimer } from "./timer.ts";
 *
 * const timer = startTimer(30_000, () => console.log("no reply in 30 s"));
 * timer.clear(); // the reply came
 * ```
 */
export function startTimer(ms: number, callback: () => void): Timer {
  // Longer delays would fire at once (they overflow Deno's 32-bit timers, as setTimeout's do).
  const signal = AbortSignal.timeout(ms > MAX_DELAY ? MAX_DELAY : ms > 0 ? ms : 0);
  let state: "waiting" | "unref" | "done" = "waiting";
  const fire = () => {
    if (state !== "waiting") return;
    state = "done";
    callback();
  };
  // A listener is what keeps the process alive for the signal's timer.
  signal.addEventListener("abort", fire, { once: true });
  return {
    clear() {
      state = "done";
      signal.removeEventListener("abort", fire);
    },
    unref() {
      if (state !== "waiting") return;
      state = "unref";
      signal.removeEventListener("abort", fire);
    },
    ref() {
      if (state !== "unref") return;
      state = "waiting";
      if (signal.aborted) fire();
      else signal.addEventListener("abort", fire, { once: true });
    },
  };
}

/**
 * Runs `callback` every `ms` milliseconds until cleared, as `setInterval`
 * does (each period starts when the previous one ended).
 *
 * @param ms The period; a negative one counts as 0.
 * @param callback What to run.
 * @returns The timer; `unref` and `ref` apply to the current period.
 *
 * @example
 * ```ts
 * import { startInterval } from "./timer.ts";
 *
 * const watchdog = startInterval(1000, () => console.log("a second went by"));
 * watchdog.clear();
 * ```
 */
export function startInterval(ms: number, callback: () => void): Timer {
  let cleared = false;
  let period: Timer;
  const next = () => {
    period = startTimer(ms, () => {
      next();
      callback();
    });
  };
  next();
  return {
    clear() {
      cleared = true;
      period.clear();
    },
    unref() {
      if (!cleared) period.unref();
    },
    ref() {
      if (!cleared) period.ref();
    },
  };
}
