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
      startedAt: isoTime(Date.now()),
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

// A time as `Date.prototype.toISOString` writes it, computed from the epoch
// milliseconds. The run report's `startedAt` is the one date a one-file get
// formats, and the first `toISOString` of a process costs V8 0.6-1.0 ms, even
// after other dates were made (measured in fresh processes: docs/
// performance.md, "Cold start", sixth round); this is a few divisions.

const pad = (value: number, width: number) => String(value).padStart(width, "0");

/**
 * `new Date(ms).toISOString()` for the years 0 to 9999 (the four-digit form);
 * other times, and anything that is not a finite number, as `toISOString`
 * itself gives them (or throws).
 */
export function isoTime(ms: number): string {
  // 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z.
  if (!(ms >= -62_167_219_200_000 && ms <= 253_402_300_799_999)) {
    return new Date(ms).toISOString();
  }
  const time = Math.trunc(ms);
  const days = Math.floor(time / 86_400_000);
  const inDay = time - days * 86_400_000;
  // Days to a civil date (proleptic Gregorian), as in Howard Hinnant's
  // "chrono-Compatible Low-Level Date Algorithms" (days_from_civil's inverse).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153); // March = 0
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hours, 2)}:${pad(minutes, 2)}:${
    pad(seconds, 2)
  }.${pad(inDay % 1000, 3)}Z`;
}
