/**
 * {@linkcode runTask}: plans each step (globs expanded, the remote side
 * listed, actions computed), then carries the actions out over a pool of
 * connections with retries, and reports what happened.
 *
 * @module
 */

import { runConcurrent } from "./_concurrent.ts";
import type { PlanContext } from "./_plan_context.ts";
import { planStep } from "./_plan_step.ts";
import { ConnectionPool } from "./_pool.ts";
import { removeLeftovers } from "./_leftovers.ts";
import { assertSourcesExist, sourceError, sourceProblems } from "./_local_sources.ts";
import { Silence } from "./_silence.ts";
import { makeRedactor } from "./_redact.ts";
import { errorInfo } from "./_retry.ts";
import { publicAction, runWork } from "./_run_work.ts";
import type { StepEnv } from "./_step_env.ts";
import { totalsOf } from "./_totals.ts";
import { idSource, SEQUENTIAL_PHASES, type Work } from "./_work.ts";
import type { ActionReport, RunReport, StepReport } from "./report.ts";
import type { RunEvent, StepRef } from "./run_event.ts";
import type { Step, Task } from "./task.ts";

/**
 * Options of {@linkcode runTask}.
 *
 * @example
 * ```ts
 * import { loadTask, runTask, type RunTaskOptions } from "@ferry/ftp/runner";
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
   * Stops the run: no new work starts, running transfers are aborted (one
   * still running a second later is abandoned and its connection closed),
   * the partial upload of a new file is removed, and partial downloads and
   * uploads into temporaries stay under their names for the next run.
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

/**
 * Runs a task: each step is planned and then carried out, in order. A step
 * that fails stops the run unless it has `continueOnError`.
 *
 * @param task A task from {@linkcode loadTask}.
 * @param options Dry run, a signal to stop, an event callback.
 * @returns The report (also passed to the `end` event).
 * @throws {TaskFileError} Before connecting, when a step's local source
 * (`put`'s `from`, `sync` up's `local`) is missing and no earlier step could
 * create it, located in the task file. (A source that an earlier step might
 * create is checked when its step starts, and fails that step.)
 * @throws {FtpInputError} The same, for a task built in code.
 *
 * @example
 * ```ts
 * import { loadTask, runTask } from "@ferry/ftp/runner";
 *
 * const report = await runTask(await loadTask("tasks/mirror-down.jsonc"), { dryRun: true });
 * for (const step of report.steps) console.log(step.name, step.actions.length, "actions");
 * ```
 */
export async function runTask(task: Task, options: RunTaskOptions = {}): Promise<RunReport> {
  await assertSourcesExist(task);
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
  // News from the connections (a server that needs Node's TLS), once per run.
  const said = new Set<string>();
  const info = (message: string) => {
    const text = redact(message);
    if (said.has(text)) return;
    said.add(text);
    emit({ type: "info", step: current?.ref, message: text });
  };
  const pool = new ConnectionPool(
    task.connection.options,
    options.parallel ?? task.connection.parallel,
    {
      warn,
      info,
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
        silence: new Silence(step.timeoutRetries),
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
  report.totals = totalsOf(report.steps);
  report.durationMs = Math.round(performance.now() - started);
  emit({ type: "end", report });
  return report;
}

async function runStep(step: Step, ref: StepRef, report: StepReport, env: StepEnv): Promise<void> {
  let work: Work[];
  try {
    // An earlier step may have made (or, in a dry run, would make) the sources.
    const problems = await sourceProblems(step, (path) => env.planned.local.has(path));
    if (problems.length > 0) throw sourceError(problems);
    work = await planStep(step, ref, env);
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
      if (env.signal.aborted || env.silence.gaveUp) return;
      const entry = actions.get(w.id)!;
      await runWork(w, entry, step, ref, env);
      if (entry.result === "failed") failed = true;
    });
  }
  await removeLeftovers(work, actions, env);
  report.result = env.signal.aborted ? "cancelled" : failed ? "failed" : "ok";
  const silent = env.silence.gaveUp;
  if (silent && !env.signal.aborted) {
    const skipped = report.actions.filter((a) => a.result === "cancelled").length;
    env.warn(
      `The server stopped answering (${env.silence.inRow} timeouts in a row, the last: ` +
        `${silent.message}); ${skipped} action(s) not attempted. If the server is just slow, ` +
        `raise the timeout; to wait through more timeouts, raise the step's timeoutRetries`,
    );
  }
}
