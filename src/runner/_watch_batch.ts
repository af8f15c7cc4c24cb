// One batch of watch mode: the watched steps with changes, in task order,
// each planned for its changed paths only (or whole), over the scope's
// pool; and what watch mode remembers of what it sent, so that a change
// that size and time cannot tell is still sent.

import { statLocal } from "./_local_tree.ts";
import { planChanges } from "./_plan_changes.ts";
import type { RunScope } from "./_run_scope.ts";
import type { Planner } from "./_run_step.ts";
import { totalsOf } from "./_totals.ts";
import type { ChangeQueue, StepChanges, Watched } from "./_watch_changes.ts";
import type { StepReport } from "./report.ts";
import { stepKind } from "./steps/registry.ts";
import type { WatchBatch } from "./watch_task.ts";

/**
 * The local files as last sent or found up to date (their identities),
 * so that a same-size edit within a second of the last upload, which size
 * and time to the second cannot tell, is still sent (see PlanContext).
 */
export class Sent {
  readonly #known = new Map<string, string>();
  readonly #planned = new Map<string, string>();

  /** A planner (the step kind's by default) that compares with, and records, identities. */
  planner(
    plan: Planner = async (step, ctx) => await (await stepKind(step.kind)).plan(step, ctx),
  ): Planner {
    const identities = { known: this.#known, planned: this.#planned };
    return (step, ctx) => plan(step, { ...ctx, identities });
  }

  /**
   * Keeps the identities of the files whose upload (or skip) succeeded:
   * in an atomic step, an upload counts once its rename into place did.
   */
  keep(steps: readonly StepReport[]): void {
    for (const step of steps) {
      const uncommitted = new Set(
        step.actions.filter((a) => a.action === "rename" && a.result !== "ok").map((a) => a.path),
      );
      for (const action of step.actions) {
        if (action.from === undefined || uncommitted.has(action.path)) continue;
        if (action.action !== "upload" && action.action !== "skip") continue;
        const identity = this.#planned.get(action.from);
        if (identity !== undefined && (action.result === "ok" || action.result === "skipped")) {
          this.#known.set(action.from, identity);
        }
      }
    }
    this.#planned.clear();
  }
}

/**
 * Runs one batch: each watched step with changes, in task order, planned
 * for its changed paths only (or whole). A step that fails keeps its
 * changes for the next batch and, unless it has `continueOnError`, stops
 * the steps after it (whose changes are kept too). Returns `undefined`
 * when the batch found nothing to do.
 */
export async function runBatch(
  scope: RunScope,
  watched: readonly Watched[],
  queue: ChangeQueue,
  sent: Sent,
  changes: Map<number, StepChanges>,
  number: number,
): Promise<WatchBatch | undefined> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const steps: StepReport[] = [];
  let count = 0;
  let stopped = false;
  for (const { step, spec } of watched) {
    const changed = changes.get(step.index);
    if (!changed) continue;
    if (changed !== "whole") { for (const rels of changed.values()) count += rels.size; }
    // One file put to a file name is planned whole, and only while it is there.
    if (
      changed !== "whole" && spec.remote === undefined && !await statLocal(spec.sources[0].path)
    ) {
      continue;
    }
    const { ref, report } = scope.stepReport(step);
    steps.push(report);
    if (scope.signal.aborted || stopped) {
      report.result = scope.signal.aborted ? "cancelled" : "skipped";
      scope.emit({ type: "stepEnd", step: report });
      queue.carry(step.index, changed);
      continue;
    }
    await scope.runStep(step, ref, report, {
      dryRun: false,
      planned: { remote: new Map(), local: new Set() },
      planner: sent.planner(
        changed === "whole" || spec.remote === undefined
          ? undefined
          : (_, ctx) => planChanges(spec, changed, ctx),
      ),
    });
    sent.keep([report]);
    if (report.result !== "ok") {
      queue.carry(step.index, changed);
      if (report.result === "failed" && !step.continueOnError) stopped = true;
    }
  }
  const interrupted = scope.signal.aborted;
  const ok = !interrupted && steps.every((s) => s.result === "ok");
  const idle = ok && steps.every((s) => s.actions.length === 0 && s.warnings.length === 0);
  if (idle) return undefined;
  return {
    batch: number,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    ok,
    interrupted,
    changes: count,
    totals: totalsOf(steps),
    steps,
  };
}
