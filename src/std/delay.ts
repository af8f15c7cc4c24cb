/**
 * A stand-in for `@std/async`'s `delay`, with the same name and behaviour,
 * while JSR is out of reach: replace the import when it is not.
 *
 * @module
 */

/** Options of {@linkcode delay}. */
export interface DelayOptions {
  /**
   * Ends the wait early: the promise then rejects with the signal's reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * Resolves after `ms` milliseconds, or rejects with `signal.reason` as soon
 * as the signal aborts (at once if it already has). The timer is cleared
 * either way, so an aborted wait leaves nothing behind.
 *
 * @example Wait, unless cancelled
 * ```ts
 * import { delay } from "./delay.ts";
 *
 * const controller = new AbortController();
 * await delay(10, { signal: controller.signal });
 * controller.abort();
 * await delay(10_000, { signal: controller.signal }).catch((reason) => reason); // at once
 * ```
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
