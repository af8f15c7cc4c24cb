// Running one step: plan it (through its kind's planner, or one the caller
// gives, such as watch mode's planner of changed paths), list its actions in
// the report, then carry them out phase by phase over the pool, and remove
// what failed actions left at final paths.

import { runConcurrent } from "./_concurrent.ts";
import type { PlanContext } from "./_plan_context.ts";
import { planStep } from "./_plan_step.ts";
import { removeLeftovers } from "./_leftovers.ts";
import { sourceError, sourceProblems } from "./_local_sources.ts";
import { errorInfo } from "./_retry.ts";
import { publicAction, runWork } from "./_run_work.ts";
import type { StepEnv } from "./_step_env.ts";
import { SEQUENTIAL_PHASES, type Work } from "./_work.ts";
import type { ActionReport, StepReport } from "./report.ts";
import type { StepRef } from "./run_event.ts";
import type { Step } from "./task.ts";

// Loaded by a step with several downloads: a one-file get does without it.
let batches: Promise<typeof import("./_run_batch.ts")> | undefined;

/** Plans a step's work: its kind's planner unless another is given. */
export type Planner = (step: Step, ctx: PlanContext) => Promise<Work[]>;

/** Plans and carries out one step, filling in its report. */
export async function runStep(
  step: Step,
  ref: StepRef,
  report: StepReport,
  env: StepEnv,
  planner?: Planner,
): Promise<void> {
  let work: Work[];
  try {
    // An earlier step may have made (or, in a dry run, would make) the sources.
    const problems = await sourceProblems(step, (path) => env.planned.local.has(path));
    if (problems.length > 0) throw sourceError(problems);
    work = await planStep(step, ref, env, planner);
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
    const one = async (w: Work, firstFailure?: { error: unknown }) => {
      if (env.signal.aborted || env.silence.gaveUp) return;
      const entry = actions.get(w.id)!;
      await runWork(w, entry, step, ref, env, firstFailure);
      if (entry.result === "failed") failed = true;
    };
    // Several downloads: in batches, one client call per run of files.
    if (items.filter((w) => w.download).length >= 2) {
      const { runBatches } = await (batches ??= import("./_run_batch.ts"));
      await runBatches(items, limit, actions, ref, env, one);
    } else {
      await runConcurrent(items, limit, (w) => one(w));
    }
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
