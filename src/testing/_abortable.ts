/**
 * Waits that end early when their session ends. Every timer is cleared on
 * the way out, so that a closed server leaves none behind (the test
 * sanitizers check this).
 *
 * @module
 */

import { delay } from "../std/delay.ts";

/** Resolves after `ms` milliseconds, or at once when `signal` aborts (the session ends). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || !(ms > 0)) return Promise.resolve();
  return delay(ms, { signal }).catch(() => {});
}

/** Resolves when `signal` aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** How a bounded wait ended. */
export type Bounded<T> =
  | { ok: true; value: T }
  | { ok: false; reason: "timeout" | "aborted" };

/**
 * Waits for `promise`, at most `ms` milliseconds and no longer than
 * `signal` stays unaborted; a rejection of `promise` passes through. The
 * promise itself is not cancelled: the caller must release whatever it was
 * waiting on.
 */
export function within<T>(
  promise: Promise<T>,
  ms: number,
  signal: AbortSignal,
): Promise<Bounded<T>> {
  if (signal.aborted) return Promise.resolve({ ok: false, reason: "aborted" });
  return new Promise((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    const finish = (result: Bounded<T>) => {
      settle();
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, reason: "aborted" });
    const timer = setTimeout(() => finish({ ok: false, reason: "timeout" }), ms);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => finish({ ok: true, value }),
      (error) => {
        settle();
        reject(error);
      },
    );
  });
}
