/**
 * What {@linkcode runTask} tells its `onEvent` callback while it works: the
 * CLI draws its progress and plain lines from these. Messages are redacted.
 *
 * @module
 */

import type { ActionReport, ErrorInfo, PlannedAction, RunReport, StepReport } from "./report.ts";

/**
 * A step, as events name it.
 *
 * @example
 * ```ts
 * import type { StepRef } from "@ferry/ftp/runner";
 * const label = (s: StepRef) => `[${s.index + 1}] ${s.name}`;
 * ```
 */
export interface StepRef {
  /** 0-based position in the task. */
  index: number;
  /** The step's name. */
  name: string;
  /** The step's kind: `mkdir`, `put`, `sync`, ... */
  kind: string;
}

/**
 * One event of a run.
 *
 * @example
 * ```ts
 * import { loadTask, runTask, type RunEvent } from "@ferry/ftp/runner";
 * const onEvent = (e: RunEvent) => {
 *   if (e.type === "actionEnd") console.log(e.action.result, e.action.path);
 * };
 * await runTask(await loadTask("deploy.yaml"), { onEvent });
 * ```
 */
export type RunEvent =
  | { type: "stepStart"; step: StepRef }
  | { type: "plan"; step: StepRef; actions: PlannedAction[] }
  | { type: "actionStart"; step: StepRef; action: PlannedAction; offset: number }
  | { type: "progress"; step: StepRef; action: PlannedAction; bytes: number }
  | { type: "actionEnd"; step: StepRef; action: ActionReport }
  | {
    type: "retry";
    step: StepRef;
    action?: PlannedAction;
    attempt: number;
    delayMs: number;
    error: ErrorInfo;
  }
  | { type: "warning"; step?: StepRef; message: string }
  /** News that needs no action (once per run), such as a server that needs Node's TLS. */
  | { type: "info"; step?: StepRef; message: string }
  | { type: "debug"; connection: number; line: string }
  | { type: "stepEnd"; step: StepReport }
  | { type: "end"; report: RunReport };
