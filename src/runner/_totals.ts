// The run's totals, counted from its steps' actions.

import type { RunReport, StepReport } from "./report.ts";
import { actionStyle } from "./steps/registry.ts";

/**
 * Counts transfers, other changes, skips, failures and bytes over all
 * steps. A step that failed before it had any action (planning failed)
 * counts as one failure, so that a failed run never reports none.
 */
export function totalsOf(steps: readonly StepReport[]): RunReport["totals"] {
  const totals = { transferred: 0, skipped: 0, failed: 0, changed: 0, bytes: 0 };
  for (const step of steps) {
    if (step.result === "failed" && !step.actions.some((a) => a.result === "failed")) {
      totals.failed++;
    }
    for (const action of step.actions) {
      totals.bytes += action.bytes;
      if (action.result === "failed") totals.failed++;
      else if (action.result === "skipped") totals.skipped++;
      else if (action.result === "ok") {
        const counts = actionStyle(action.action).counts;
        if (counts === "transferred") totals.transferred++;
        else if (counts === "unchanged") totals.skipped++;
        else totals.changed++;
      }
    }
  }
  return totals;
}
