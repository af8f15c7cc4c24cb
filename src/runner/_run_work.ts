// Carrying out one planned action with the step's retries: a connection
// from the pool per try (a broken one is replaced), exponential back-off
// between tries, timeouts retried only as the step's Silence allows, and
// the action's report entry kept up to date.

import { FtpTimeoutError } from "../errors.ts";
import type { Lease } from "./_pool.ts";
import { delay } from "../std/delay.ts";
import { startTimer, type Timer } from "../std/timer.ts";
import { breaksConnection, errorInfo, isTransient, retryDelayMs } from "./_retry.ts";
import type { StepEnv } from "./_step_env.ts";
import type { Work } from "./_work.ts";
import type { ActionReport, PlannedAction } from "./report.ts";
import type { StepRef } from "./run_event.ts";
import type { Step } from "./task.ts";

/** The public part of an action (what events and reports show). */
export function publicAction(work: PlannedAction): PlannedAction {
  const action: PlannedAction = {
    id: work.id,
    action: work.action,
    path: work.path,
    reason: work.reason,
  };
  if (work.from !== undefined) action.from = work.from;
  if (work.size !== undefined) action.size = work.size;
  return action;
}

/**
 * How long a running action may take to end once the run is stopped. A
 * transfer stuck in a write the server no longer reads may not notice its
 * signal until a timeout; after this, the runner stops waiting for it and
 * closes its connection.
 */
const STOP_GRACE_MS = 1000;

/**
 * Settles like `work`, or rejects with the signal's reason `STOP_GRACE_MS`
 * after it aborts. The grace timer is src/std/timer.ts's: a
 * `clearTimeout` per action (even of no timer) would load Deno's Node
 * timers, about 20 ms of CPU in a run.
 */
export function stoppable<T>(
  work: Promise<T>,
  signal: AbortSignal,
  onAbandon: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: Timer | undefined;
    const onAbort = () => {
      timer = startTimer(STOP_GRACE_MS, () => {
        onAbandon();
        reject(signal.reason);
      });
    };
    const done = () => {
      timer?.clear();
      signal.removeEventListener("abort", onAbort);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then((value) => {
      done();
      resolve(value);
    }, (error) => {
      done();
      reject(error);
    });
  });
}

/** Per step: the signal that ends a wait for a connection (see waitingSignal). */
const waitingSignals = new WeakMap<StepEnv["silence"], AbortSignal>();

/**
 * What ends a wait for a connection: the run's end, or the step giving up
 * on a silent server. Made once per step, not per action: `AbortSignal.any`
 * costs more than a small file's transfer, and each one made stays
 * registered with both sources until collected.
 */
export function waitingSignal(env: StepEnv): AbortSignal {
  let signal = waitingSignals.get(env.silence);
  if (!signal) {
    signal = AbortSignal.any([env.signal, env.silence.signal]);
    waitingSignals.set(env.silence, signal);
  }
  return signal;
}

/**
 * Runs one action to its end: ok, skipped (tolerated), failed or cancelled.
 * `firstFailure`: its first try already ran elsewhere (a batch of
 * downloads, src/runner/_run_batch.ts) and failed so; this goes on from there.
 */
export async function runWork(
  w: Work,
  entry: ActionReport,
  step: Step,
  ref: StepRef,
  env: StepEnv,
  firstFailure?: { error: unknown },
): Promise<void> {
  const t0 = performance.now();
  const action = publicAction(entry);
  let timeouts = 0;
  let previous: unknown;
  // Bounded by step.retries.
  for (let attempt = 1;; attempt++) {
    // A step that gave up on a silent server starts no retry: the last failure stands.
    if (previous !== undefined && env.silence.gaveUp) {
      entry.result = "failed";
      entry.error = errorInfo(previous, env.redact);
      break;
    }
    entry.attempts = attempt;
    let lease: Lease | undefined;
    let abandoned = false;
    let startOffset = 0;
    let reached = 0;
    try {
      if (attempt === 1 && firstFailure) throw firstFailure.error;
      env.signal.throwIfAborted();
      const waiting = waitingSignal(env);
      if (!w.local) lease = await env.pool.acquire(waiting);
      const running = w.run!(lease?.client, {
        signal: env.signal,
        attempt,
        started: (offset) => {
          startOffset = reached = offset;
          env.emit({ type: "actionStart", step: ref, action, offset });
        },
        progress: (bytes) => {
          reached = bytes;
          env.emit({ type: "progress", step: ref, action, bytes });
        },
        warn: env.warn,
      });
      const outcome = await stoppable(running, env.signal, () => {
        abandoned = true;
        running.catch(() => {});
      });
      // Evidence that the server answers, unless a timeout the action shrugged
      // off (a best-effort MDTM) closed the connection meanwhile.
      if (lease?.client.state === "loggedIn") env.silence.answered();
      if (lease) env.pool.release(lease);
      entry.result = "ok";
      entry.bytes += outcome.bytes;
      if (outcome.resumedFrom !== undefined) entry.resumedFrom = outcome.resumedFrom;
      break;
    } catch (error) {
      if (lease) env.pool.release(lease, abandoned || breaksConnection(error, attempt));
      entry.bytes += Math.max(0, reached - startOffset);
      if (!env.signal.aborted && env.silence.cutShort(error)) {
        // The step gave up on the server while this waited for a connection.
        entry.attempts = attempt - 1;
        entry.result = previous === undefined ? "cancelled" : "failed";
        if (previous !== undefined) entry.error = errorInfo(previous, env.redact);
        break;
      }
      const tolerated = w.tolerate?.(error, attempt);
      if (tolerated) {
        entry.result = "skipped";
        entry.reason = tolerated;
        break;
      }
      if (env.signal.aborted) {
        entry.result = "cancelled";
        break;
      }
      if (error instanceof FtpTimeoutError) timeouts++;
      const again = env.silence.mayRetry(error, timeouts);
      if (!isTransient(error) || attempt > step.retries || !again) {
        entry.result = "failed";
        entry.error = errorInfo(error, env.redact);
        break;
      }
      previous = error;
      const delayMs = retryDelayMs(error, attempt);
      const info = errorInfo(error, env.redact);
      env.emit({ type: "retry", step: ref, action, attempt, delayMs, error: info });
      try {
        await delay(delayMs, { signal: env.signal });
      } catch {
        entry.result = "cancelled";
        break;
      }
    }
  }
  entry.durationMs = Math.round(performance.now() - t0);
  env.emit({ type: "actionEnd", step: ref, action: entry });
}
