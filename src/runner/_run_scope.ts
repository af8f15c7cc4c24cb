// What the steps of a run share: the pool of connections, the signal, the
// redactor, the event callback, warnings attributed to the step running,
// and action ids. `ferry run` opens one for a run and closes it at the end;
// watch mode keeps one open across its initial run and every batch, so
// that batches reuse logged-in connections.

import type { PlanContext } from "./_plan_context.ts";
import { ConnectionPool } from "./_pool.ts";
import { rateLimiterOf } from "../client/rate_limit.ts";
import { makeRedactor } from "./redact.ts";
import { type Planner, runStep } from "./_run_step.ts";
import { Silence } from "./_silence.ts";
import { totalsOf } from "./_totals.ts";
import { idSource } from "./_work.ts";
import type { RunReport, StepReport } from "./report.ts";
import type { RunEvent, StepRef } from "./run_event.ts";
import type { Step, Task } from "./task.ts";

/** How a scope reports and connects. */
export interface ScopeOptions {
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Emit `debug` events with every command and reply. */
  trace?: boolean;
  /** Overrides the task's number of parallel connections. */
  parallel?: number;
}

/** One step to run within a scope. */
export interface StepRun {
  dryRun: boolean;
  /** What earlier steps of a dry run would have made. */
  planned: PlanContext["planned"];
  /** Plans the step instead of its kind's planner. */
  planner?: Planner;
}

/** The shared state of a run (or of a watch session). */
export class RunScope {
  readonly task: Task;
  readonly redact: (text: string) => string;
  readonly signal: AbortSignal;
  readonly pool: ConnectionPool;
  readonly id: () => number = idSource();
  readonly #onEvent?: (event: RunEvent) => void;
  #current?: { ref: StepRef; report: StepReport };
  readonly #said = new Set<string>();

  constructor(task: Task, options: ScopeOptions) {
    this.task = task;
    this.redact = makeRedactor(task.secrets);
    this.signal = options.signal ?? new AbortController().signal;
    this.#onEvent = options.onEvent;
    const redact = this.redact;
    // One limiter for the whole run: every connection of the pool shares it.
    const connection = task.connection.options;
    const rateLimit = rateLimiterOf(connection.rateLimit, "rateLimit");
    this.pool = new ConnectionPool(
      rateLimit ? { ...connection, rateLimit } : connection,
      options.parallel ?? task.connection.parallel,
      {
        warn: (message) => this.warn(message),
        info: (message) => this.info(message),
        debug: options.trace
          ? (connection, line) => this.emit({ type: "debug", connection, line: redact(line) })
          : undefined,
      },
    );
  }

  /** Passes an event on. */
  emit(event: RunEvent): void {
    this.#onEvent?.(event);
  }

  /**
   * News from the connections (a server that needs Node's TLS), redacted,
   * passed on once per run however many connections bring it.
   */
  info(message: string): void {
    const text = this.redact(message);
    if (this.#said.has(text)) return;
    this.#said.add(text);
    this.emit({ type: "info", step: this.#current?.ref, message: text });
  }

  /** A warning, redacted, kept in the report of the step running (if any). */
  warn(message: string): void {
    const text = this.redact(message);
    this.#current?.report.warnings.push(text);
    this.emit({ type: "warning", step: this.#current?.ref, message: text });
  }

  /** A fresh report of the task, with no step yet. */
  newReport(dryRun: boolean): RunReport {
    return {
      version: 1,
      task: this.task.file,
      server: this.redact(this.task.connection.display),
      dryRun,
      ok: true,
      interrupted: false,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      totals: { transferred: 0, skipped: 0, failed: 0, changed: 0, bytes: 0 },
      steps: [],
    };
  }

  /** An empty report of a step. */
  stepReport(step: Step): { ref: StepRef; report: StepReport } {
    const ref: StepRef = { index: step.index, name: this.redact(step.name), kind: step.kind };
    const report: StepReport = {
      index: step.index,
      name: ref.name,
      kind: step.kind,
      result: "ok",
      durationMs: 0,
      bytes: 0,
      warnings: [],
      actions: [],
    };
    return { ref, report };
  }

  /** Runs one step into its report, between its stepStart and stepEnd events. */
  async runStep(step: Step, ref: StepRef, report: StepReport, run: StepRun): Promise<void> {
    this.#current = { ref, report };
    this.emit({ type: "stepStart", step: ref });
    const t0 = performance.now();
    try {
      await runStep(step, ref, report, {
        pool: this.pool,
        signal: this.signal,
        emit: (event) => this.emit(event),
        redact: this.redact,
        warn: (message) => this.warn(message),
        id: this.id,
        dryRun: run.dryRun,
        planned: run.planned,
        silence: new Silence(step.timeoutRetries),
      }, run.planner);
    } finally {
      report.durationMs = Math.round(performance.now() - t0);
      report.bytes = report.actions.reduce((sum, a) => sum + a.bytes, 0);
      this.#current = undefined;
    }
    this.emit({ type: "stepEnd", step: report });
  }

  /**
   * Runs the whole task once into `report`, as `ferry run` does: a failed
   * step stops the steps after it unless it has `continueOnError`.
   */
  async runAll(report: RunReport, plannerFor?: (step: Step) => Planner | undefined): Promise<void> {
    const dryRun = report.dryRun;
    const planned: PlanContext["planned"] = { remote: new Map(), local: new Set() };
    let stopped = false;
    for (const step of this.task.steps) {
      const { ref, report: stepReport } = this.stepReport(step);
      report.steps.push(stepReport);
      if (this.signal.aborted || stopped) {
        stepReport.result = this.signal.aborted ? "cancelled" : "skipped";
        this.emit({ type: "stepEnd", step: stepReport });
        continue;
      }
      await this.runStep(step, ref, stepReport, {
        dryRun,
        planned: dryRun ? planned : { remote: new Map(), local: new Set() },
        planner: plannerFor?.(step),
      });
      if (stepReport.result === "failed" && !step.continueOnError) stopped = true;
    }
  }

  /** Fills in a report's verdict, totals and duration. */
  finish(report: RunReport, started: number): RunReport {
    report.interrupted = this.signal.aborted;
    report.ok = !this.signal.aborted && report.steps.every((s) => s.result !== "failed");
    report.totals = totalsOf(report.steps);
    report.durationMs = Math.round(performance.now() - started);
    return report;
  }

  /** Closes every connection. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
