// The run's totals, counted from its steps' actions.

import type { RunReport, StepReport } from "./report.ts";

/** Counts transfers, other changes, skips, failures and bytes over all steps. */
export function totalsOf(steps: readonly StepReport[]): RunReport["totals"] {
  const totals = { transferred: 0, skipped: 0, failed: 0, changed: 0, bytes: 0 };
  for (const step of steps) {
    for (const action of step.actions) {
      totals.bytes += action.bytes;
      if (action.result === "failed") totals.failed++;
      else if (action.result === "skipped") totals.skipped++;
      else if (action.result === "ok") {
        if (action.action === "upload" || action.action === "download") totals.transferred++;
        else totals.changed++;
      }
    }
  }
  return totals;
}
