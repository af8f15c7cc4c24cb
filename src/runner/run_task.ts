/**
 * {@linkcode runTask}: plans each step (globs expanded, the remote side
 * listed, actions computed), then carries the actions out over a pool of
 * connections with retries, and reports what happened.
 *
 * @module
 */

import type { FtpClient } from "../client/ftp_client.ts";
import { ConnectionPool, type Lease } from "./_pool.ts";
import { planMkdir, planRename, planRm, planRmdir } from "./_plan_simple.ts";
import { planPut, planSyncUp } from "./_plan_up.ts";
import { planGet, planSyncDown } from "./_plan_down.ts";
import type { PlanContext } from "./_plan_context.ts";
import { backoffMs, breaksConnection, errorInfo, isTransient, sleep } from "./_retry.ts";
import { makeRedactor } from "./_redact.ts";
import { idSource, SEQUENTIAL_PHASES, type Work } from "./_work.ts";
import type { ActionReport, PlannedAction, RunReport, StepReport } from "./report.ts";
import type { RunEvent, StepRef } from "./run_event.ts";
import type { Step, Task } from "./task.ts";

/**
 * Options of {@linkcode runTask}.
 *
 * @example
 * ```ts
 * import { loadTask, runTask, type RunTaskOptions } from "@ferry/ftp";
 * const controller = new AbortController();
 * Deno.addSignalListener("SIGINT", () => controller.abort());
 * const options: RunTaskOptions = { signal: controller.signal, onEvent: (e) => console.log(e.type) };
 * await runTask(await loadTask("deploy.yaml"), options);
 * ```
 */
export interface RunTaskOptions {
  /**
   * Plan every step and stop: nothing is changed anywhere.
   *
   * @default {false}
   */
  dryRun?: boolean;
  /**
   * Stops the run: no new work starts, running transfers are aborted,
   * partial downloads stay under their temporary names.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * Receives progress and results as they happen.
   *
   * @default {undefined}
   */
  onEvent?: (event: RunEvent) => void;
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
}

/** Runs up to `limit` of the items at once, in order of start. */
async function runConcurrent<T>(
  items: T[],
  limit: number,
  fn: (item: T, worker: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (n: number) => {
    // Bounded by the item count.
    while (next < items.length) await fn(items[next++], n);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, n) => worker(n)),
  );
}

function publicAction(work: PlannedAction): PlannedAction {
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
 * Runs a task: each step is planned and then carried out, in order. A step
 * that fails stops the run unless it has `continueOnError`.
 *
 * @param task A task from {@linkcode loadTask}.
 * @param options Dry run, a signal to stop, an event callback.
 * @returns The report (also passed to the `end` event).
 *
 * @example
 * ```ts
 * import { loadTask, runTask } from "@ferry/ftp";
 *
 * const report = await runTask(await loadTask("tasks/mirror-down.yaml"), { dryRun: true });
 * for (const step of report.steps) console.log(step.name, step.actions.length, "actions");
 * ```
 */
export async function runTask(task: Task, options: RunTaskOptions = {}): Promise<RunReport> {
  const redact = makeRedactor(task.secrets);
  const signal = options.signal ?? new AbortController().signal;
  const emit = (event: RunEvent) => options.onEvent?.(event);
  const dryRun = options.dryRun ?? false;
  const started = performance.now();
  let current: { ref: StepRef; report: StepReport } | undefined;
  const warn = (message: string) => {
    const text = redact(message);
    current?.report.warnings.push(text);
    emit({ type: "warning", step: current?.ref, message: text });
  };
  const pool = new ConnectionPool(
    task.connection.options,
    options.parallel ?? task.connection.parallel,
    {
      warn,
      debug: options.trace
        ? (connection, line) => emit({ type: "debug", connection, line: redact(line) })
        : undefined,
    },
  );
  const report: RunReport = {
    version: 1,
    task: task.file,
    server: redact(task.connection.display),
    dryRun,
    ok: true,
    interrupted: false,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    totals: { transferred: 0, skipped: 0, failed: 0, changed: 0, bytes: 0 },
    steps: [],
  };
  const id = idSource();
  const planned: PlanContext["planned"] = { remote: new Map(), local: new Set() };
  let stopped = false;
  try {
    for (const step of task.steps) {
      const ref: StepRef = { index: step.index, name: redact(step.name), kind: step.kind };
      const stepReport: StepReport = {
        index: step.index,
        name: ref.name,
        kind: step.kind,
        result: "ok",
        durationMs: 0,
        bytes: 0,
        warnings: [],
        actions: [],
      };
      report.steps.push(stepReport);
      if (signal.aborted || stopped) {
        stepReport.result = signal.aborted ? "cancelled" : "skipped";
        emit({ type: "stepEnd", step: stepReport });
        continue;
      }
      current = { ref, report: stepReport };
      emit({ type: "stepStart", step: ref });
      const t0 = performance.now();
      await runStep(step, ref, stepReport, {
        pool,
        signal,
        emit,
        redact,
        warn,
        id,
        dryRun,
        planned: dryRun ? planned : { remote: new Map(), local: new Set() },
      });
      stepReport.durationMs = Math.round(performance.now() - t0);
      stepReport.bytes = stepReport.actions.reduce((sum, a) => sum + a.bytes, 0);
      emit({ type: "stepEnd", step: stepReport });
      current = undefined;
      if (stepReport.result === "failed" && !step.continueOnError) stopped = true;
    }
  } finally {
    await pool.close();
  }
  report.interrupted = signal.aborted;
  report.ok = !signal.aborted && report.steps.every((s) => s.result !== "failed");
  for (const step of report.steps) {
    for (const action of step.actions) {
      report.totals.bytes += action.bytes;
      if (action.result === "failed") report.totals.failed++;
      else if (action.result === "skipped") report.totals.skipped++;
      else if (action.result === "ok") {
        if (action.action === "upload" || action.action === "download") report.totals.transferred++;
        else report.totals.changed++;
      }
    }
  }
  report.durationMs = Math.round(performance.now() - started);
  emit({ type: "end", report });
  return report;
}

interface StepEnv {
  pool: ConnectionPool;
  signal: AbortSignal;
  emit(event: RunEvent): void;
  redact(text: string): string;
  warn(message: string): void;
  id(): number;
  dryRun: boolean;
  planned: PlanContext["planned"];
}

function plan(step: Step, ctx: PlanContext): Promise<Work[]> {
  switch (step.kind) {
    case "mkdir":
      return planMkdir(step.paths, ctx);
    case "rm":
      return planRm(step.paths, ctx);
    case "rmdir":
      return planRmdir(step.paths, ctx);
    case "rename":
      return planRename(step.from, step.to, ctx);
    case "put":
      return planPut(step, ctx);
    case "get":
      return planGet(step, ctx);
    case "sync":
      return step.direction === "up" ? planSyncUp(step, ctx) : planSyncDown(step, ctx);
  }
}

/** Plans with retries: a listing cut by a dropped connection is read again. */
async function planWithRetries(step: Step, ref: StepRef, env: StepEnv): Promise<Work[]> {
  // Bounded by step.retries.
  for (let attempt = 1;; attempt++) {
    let lease: Lease | undefined;
    try {
      lease = await env.pool.acquire(env.signal);
      const planning = lease.client;
      const work = await plan(step, {
        client: planning,
        signal: env.signal,
        warn: env.warn,
        id: env.id,
        planned: env.planned,
        pooled: (items, fn) => pooled(items, planning, env, fn),
      });
      env.pool.release(lease);
      return work;
    } catch (error) {
      if (lease) env.pool.release(lease, breaksConnection(error));
      if (env.signal.aborted || !isTransient(error) || attempt > step.retries) throw error;
      const delayMs = backoffMs(attempt);
      env.emit({
        type: "retry",
        step: ref,
        attempt,
        delayMs,
        error: errorInfo(error, env.redact),
      });
      await sleep(delayMs, env.signal);
    }
  }
}

/** Runs `fn` over the planning client and as many pooled ones as the pool allows. */
async function pooled<T>(
  items: T[],
  planning: FtpClient,
  env: StepEnv,
  fn: (client: FtpClient, item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const drain = async (client: FtpClient) => {
    // Bounded by the item count.
    while (next < items.length) await fn(client, items[next++]);
  };
  const extra = Math.min(env.pool.size - 1, Math.max(0, items.length - 1));
  await Promise.all([
    drain(planning),
    ...Array.from({ length: extra }, async () => {
      const lease = await env.pool.acquire(env.signal);
      try {
        await drain(lease.client);
        env.pool.release(lease);
      } catch (error) {
        env.pool.release(lease, breaksConnection(error));
        throw error;
      }
    }),
  ]);
}

async function runStep(step: Step, ref: StepRef, report: StepReport, env: StepEnv): Promise<void> {
  let work: Work[];
  try {
    work = await planWithRetries(step, ref, env);
  } catch (error) {
    report.result = env.signal.aborted ? "cancelled" : "failed";
    report.error = errorInfo(error, env.redact);
    return;
  }
  const actions = new Map<number, ActionReport>();
  for (const w of work) {
    const base = publicAction(w);
    base.path = env.redact(base.path);
    if (base.from !== undefined) base.from = env.redact(base.from);
    const result = !w.run ? "skipped" : env.dryRun ? "planned" : "cancelled";
    const entry: ActionReport = { ...base, result, bytes: 0, durationMs: 0, attempts: 0 };
    actions.set(w.id, entry);
    report.actions.push(entry);
  }
  env.emit({ type: "plan", step: ref, actions: report.actions.map((a) => publicAction(a)) });
  if (env.dryRun) {
    report.result = "planned";
    return;
  }
  const phases = [...new Set(work.filter((w) => w.run).map((w) => w.phase))].sort((a, b) => a - b);
  let failed = false;
  for (const phase of phases) {
    if (failed || env.signal.aborted) break;
    const items = work.filter((w) => w.phase === phase && w.run);
    const limit = SEQUENTIAL_PHASES.has(phase) ? 1 : env.pool.size;
    await runConcurrent(items, limit, async (w) => {
      if (env.signal.aborted) return;
      const entry = actions.get(w.id)!;
      await runWork(w, entry, step, ref, env);
      if (entry.result === "failed") failed = true;
    });
  }
  if (failed && !env.signal.aborted) await removeTemporaries(work, actions, env);
  report.result = env.signal.aborted ? "cancelled" : failed ? "failed" : "ok";
}

async function runWork(
  w: Work,
  entry: ActionReport,
  step: Step,
  ref: StepRef,
  env: StepEnv,
): Promise<void> {
  const t0 = performance.now();
  const action = publicAction(entry);
  // Bounded by step.retries.
  for (let attempt = 1;; attempt++) {
    entry.attempts = attempt;
    let lease: Lease | undefined;
    let startOffset = 0;
    let reached = 0;
    try {
      env.signal.throwIfAborted();
      if (!w.local) lease = await env.pool.acquire(env.signal);
      const outcome = await w.run!(lease?.client, {
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
      if (lease) env.pool.release(lease);
      entry.result = "ok";
      entry.bytes += outcome.bytes;
      if (outcome.resumedFrom !== undefined) entry.resumedFrom = outcome.resumedFrom;
      break;
    } catch (error) {
      if (lease) env.pool.release(lease, breaksConnection(error));
      entry.bytes += Math.max(0, reached - startOffset);
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
      if (!isTransient(error) || attempt > step.retries) {
        entry.result = "failed";
        entry.error = errorInfo(error, env.redact);
        break;
      }
      const delayMs = backoffMs(attempt);
      env.emit({
        type: "retry",
        step: ref,
        action,
        attempt,
        delayMs,
        error: errorInfo(error, env.redact),
      });
      try {
        await sleep(delayMs, env.signal);
      } catch {
        entry.result = "cancelled";
        break;
      }
    }
  }
  entry.durationMs = Math.round(performance.now() - t0);
  env.emit({ type: "actionEnd", step: ref, action: entry });
}

/** After a failed atomic step: remove the uploaded temporaries (best effort). */
async function removeTemporaries(
  work: Work[],
  actions: Map<number, ActionReport>,
  env: StepEnv,
): Promise<void> {
  const leftovers = work.filter((w) => w.temporary && actions.get(w.id)?.result !== "cancelled");
  if (leftovers.length === 0) return;
  let lease: Lease | undefined;
  try {
    lease = await env.pool.acquire(env.signal);
    for (const w of leftovers) {
      await lease.client.remove(w.temporary!, { signal: env.signal }).catch(() => {});
    }
    env.pool.release(lease);
  } catch (error) {
    if (lease) env.pool.release(lease, true);
    env.warn(`Could not remove temporary uploads: ${(error as Error).message}`);
  }
}
