/**
 * {@linkcode watchTask}: watch mode. The task runs once, as
 * {@linkcode runTask} runs it; then the local sources of its upload steps
 * (`put`, `sync` up) are watched, and each batch of changes is uploaded
 * over connections kept open (and alive) between batches.
 *
 * @module
 */

import { FtpInputError } from "../errors.ts";
import { assertSourcesExist } from "./_local_sources.ts";
import { DEFAULT_WATCH } from "./resolve_task.ts";
import { RunScope } from "./_run_scope.ts";
import { runBatch, Sent } from "./_watch_batch.ts";
import { ChangeQueue, FolderWatch, watchedSteps } from "./_watch_changes.ts";
import type { RunReport, StepReport } from "./report.ts";
import type { RunEvent } from "./run_event.ts";
import type { Task, WatchSettings } from "./task.ts";

/**
 * Options of {@linkcode watchTask}.
 *
 * @example
 * ```ts
 * import { loadTask, watchTask, type WatchTaskOptions } from "@ferry/ftp/runner";
 * const controller = new AbortController();
 * Deno.addSignalListener("SIGINT", () => controller.abort());
 * const options: WatchTaskOptions = {
 *   signal: controller.signal,
 *   debounceMs: 500,
 *   onWatch: (e) => e.type === "batch" && console.log(e.batch, e.ok, e.totals.transferred),
 * };
 * await watchTask(await loadTask("deploy.yaml"), options);
 * ```
 */
export interface WatchTaskOptions {
  /**
   * Stops watching. A batch in flight stops as a run stops: no new work
   * starts, running transfers are aborted, the partial upload of a new
   * file is removed, and temporaries stay for the next run.
   *
   * @default {undefined (watch until the process ends)}
   */
  signal?: AbortSignal;
  /**
   * Receives the events of the initial run and of every batch (each
   * batch's steps start, plan, act and end as in a run).
   *
   * @default {undefined}
   */
  onEvent?: (event: RunEvent) => void;
  /**
   * Receives watch mode's own events: the initial run's report, watching
   * started, each batch, connections found dropped, and the stop.
   *
   * @default {undefined}
   */
  onWatch?: (event: WatchEvent) => void;
  /**
   * Emit `debug` events with every command and reply (passwords redacted).
   *
   * @default {false}
   */
  trace?: boolean;
  /**
   * Overrides the task's number of parallel connections.
   *
   * @default {the task's connection.parallel}
   */
  parallel?: number;
  /**
   * Overrides the task's `watch.debounce`, in milliseconds.
   *
   * @default {the task's, else 300}
   */
  debounceMs?: number;
  /**
   * Overrides the task's `watch.maxWait`, in milliseconds.
   *
   * @default {the task's, else 5000}
   */
  maxWaitMs?: number;
  /**
   * Overrides the task's `watch.keepAlive`, in milliseconds (0: no NOOP).
   *
   * @default {the task's, else 30000}
   */
  keepAliveMs?: number;
}

/**
 * One batch: the changes uploaded together, with the report of each step
 * it ran (the shape of a run report's steps).
 *
 * @example
 * ```ts
 * import type { WatchBatch } from "@ferry/ftp/runner";
 * const line = (b: WatchBatch) => `#${b.batch}: ${b.totals.transferred} up, ${b.totals.failed} failed`;
 * ```
 */
export interface WatchBatch {
  /** 1-based number of the batch. */
  batch: number;
  /** When it started (ISO 8601). */
  startedAt: string;
  /** How long it took. */
  durationMs: number;
  /** Whether every step of it succeeded. */
  ok: boolean;
  /** Whether the signal stopped it. */
  interrupted: boolean;
  /** Local paths that changed (as events named them, coalesced), over all its steps. */
  changes: number;
  /** Counts over its steps, as in a run report. */
  totals: RunReport["totals"];
  /** The steps it ran, each with its actions. */
  steps: StepReport[];
}

/**
 * What watch mode tells its `onWatch` callback; `ferry watch --json`
 * prints each as one JSON line.
 *
 * @example
 * ```ts
 * import type { WatchEvent } from "@ferry/ftp/runner";
 * const onWatch = (e: WatchEvent) => {
 *   if (e.type === "batch" && !e.ok) console.error(`batch ${e.batch} failed`);
 * };
 * ```
 */
export type WatchEvent =
  /** The initial run's report. */
  | { type: "run"; report: RunReport }
  /** Watching started: the folders watched, and the settings in force. */
  | { type: "watching"; folders: string[]; settings: WatchSettings }
  /** A batch ended. */
  | ({ type: "batch" } & WatchBatch)
  /** Idle connections the server had closed were found (and are replaced when needed). */
  | { type: "dropped"; connections: number }
  /** Watching stopped (the signal). */
  | { type: "stopped"; batches: number; failedBatches: number };

/**
 * How watching ended.
 *
 * @example
 * ```ts
 * import type { WatchSummary } from "@ferry/ftp/runner";
 * const ok = (s: WatchSummary) => s.initial.ok && s.failedBatches === 0;
 * ```
 */
export interface WatchSummary {
  /** The initial run's report. */
  initial: RunReport;
  /** Batches reported. */
  batches: number;
  /** Batches that failed. */
  failedBatches: number;
  /** Whether the signal stopped it: always, since nothing else ends watching. */
  interrupted: boolean;
}

/** Idle for less than this, connections are taken as alive without a NOOP before a batch. */
const FRESH_MS = 1_000;

/**
 * Runs a task, then watches the local sources of its upload steps (`put`,
 * `sync` up) and uploads each batch of changes: only the changed paths are
 * planned, a removed one is deleted on the server only where the step has
 * `delete: true`, and an `atomic` step renames a batch's files into place
 * together once all of them are uploaded. Other steps (get, mkdir, rm,
 * rename, chmod, verify, sync down) run in the initial run only. A failed
 * batch is reported and its steps' changes are planned again with the
 * next batch; so is a watched step that failed in the initial run (whole).
 * Connections stay open between batches, kept alive with NOOP; one the
 * server closed is replaced. Returns when the signal aborts.
 *
 * @param task A task from {@linkcode loadTask}.
 * @param options The signal that stops it, callbacks, and overrides of the task's watch settings.
 * @returns The initial run's report and the count of batches.
 * @throws {FtpInputError} Before anything starts, when the task has no
 * step to watch.
 * @throws {TaskFileError} Before anything starts, when a step's local
 * source is missing (as {@linkcode runTask}).
 *
 * @example
 * ```ts
 * import { loadTask, watchTask } from "@ferry/ftp/runner";
 *
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 60_000); // watch for a minute
 * const summary = await watchTask(await loadTask("deploy.yaml"), {
 *   signal: controller.signal,
 *   onWatch: (e) => {
 *     if (e.type === "batch") console.log(`batch ${e.batch}: ${e.totals.transferred} uploaded`);
 *   },
 * });
 * console.log(summary.batches, "batches");
 * ```
 */
export async function watchTask(task: Task, options: WatchTaskOptions = {}): Promise<WatchSummary> {
  let watched = await watchedSteps(task);
  if (watched.length === 0) {
    throw new FtpInputError(
      "Nothing to watch: the task has no upload step (put, or sync with direction up). " +
        "Use ferry run for a task that only downloads or changes the server",
    );
  }
  await assertSourcesExist(task);
  const base = task.watch ?? DEFAULT_WATCH;
  const settings: WatchSettings = {
    debounceMs: options.debounceMs ?? base.debounceMs,
    maxWaitMs: options.maxWaitMs ?? base.maxWaitMs,
    keepAliveMs: options.keepAliveMs ?? base.keepAliveMs,
  };
  const signal = options.signal ?? new AbortController().signal;
  const notify = (event: WatchEvent) => options.onWatch?.(event);
  const scope = new RunScope(task, { ...options, signal });
  const queue = new ChangeQueue(watched, settings);
  const folders = new FolderWatch(queue, (message) => scope.warn(message));
  const sent = new Sent();
  let batches = 0;
  let failedBatches = 0;
  let initial: RunReport;
  try {
    await queue.resolveRoots();
    // Watching starts before the initial run, so that nothing changed
    // during it is missed.
    await folders.open(watched);
    const started = performance.now();
    initial = scope.newReport(false);
    const isWatched = new Set(watched.map(({ step }) => step.index));
    await scope.runAll(initial, (step) => isWatched.has(step.index) ? sent.planner() : undefined);
    sent.keep(initial.steps);
    scope.finish(initial, started);
    scope.emit({ type: "end", report: initial });
    notify({ type: "run", report: initial });
    for (const { step } of watched) {
      const result = initial.steps[step.index].result;
      if (result !== "ok") queue.carry(step.index, "whole");
    }
    if (!signal.aborted) {
      // Sources an earlier step made are watched from now on, for what they now are.
      watched = await watchedSteps(task);
      await queue.rewatch(watched);
      for (const missing of await folders.open(watched)) {
        scope.warn(`Not watching ${missing}: it does not exist`);
      }
      notify({ type: "watching", folders: folders.folders.map(scope.redact), settings });
    }
    let lastActive = performance.now();
    const keepAlive = async () => {
      const { dropped } = await scope.pool.keepAlive(signal);
      lastActive = performance.now();
      if (dropped > 0 && !signal.aborted) notify({ type: "dropped", connections: dropped });
    };
    // Bounded: each pass waits for a change, a due batch, a keep-alive or the signal.
    while (!signal.aborted) {
      const now = performance.now();
      const due = queue.dueAt();
      if (due !== undefined && now >= due) {
        if (now - lastActive >= FRESH_MS) await keepAlive();
        if (signal.aborted) break;
        const batch = await runBatch(scope, watched, queue, sent, queue.take(), batches + 1);
        lastActive = performance.now();
        if (batch) {
          batches++;
          if (!batch.ok && !batch.interrupted) failedBatches++;
          notify({ type: "batch", ...batch });
        }
        continue;
      }
      const keepAliveAt = settings.keepAliveMs > 0 ? lastActive + settings.keepAliveMs : Infinity;
      if (now >= keepAliveAt) {
        await keepAlive();
        continue;
      }
      await wake(Math.min(due ?? Infinity, keepAliveAt) - now, queue.changed(), signal);
    }
  } finally {
    await folders.close();
    await scope.close();
  }
  notify({ type: "stopped", batches, failedBatches });
  return { initial, batches, failedBatches, interrupted: true };
}

/** Waits `ms` (Infinity: no limit), or until `changed` resolves or the signal aborts. */
function wake(ms: number, changed: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
    signal.addEventListener("abort", done, { once: true });
    changed.then(done);
  });
}
