// What carrying out a step can use: the pool, the run's signal, and the
// run's reporting (events, warnings, the redactor, action ids).

import type { ConnectionPool } from "./_pool.ts";
import type { PlanContext } from "./_plan_context.ts";
import type { RunEvent } from "./run_event.ts";
import type { Silence } from "./_silence.ts";

/** A step's view of its run. */
export interface StepEnv {
  pool: ConnectionPool;
  signal: AbortSignal;
  emit(event: RunEvent): void;
  redact(text: string): string;
  warn(message: string): void;
  /** A new action id. */
  id(): number;
  dryRun: boolean;
  planned: PlanContext["planned"];
  /** Timeouts in a row: when the step gives up on a server that stopped answering. */
  silence: Silence;
}
