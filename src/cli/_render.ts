// What `ferry run` prints. Plain lines always (one per change, failure,
// retry and warning, a plan summary per step, a closing summary), each
// action with the symbol its step kind gives it (runner/steps); on a
// terminal, a live block under them with a bar per running transfer and a
// total with throughput and ETA, redrawn ten times a second. NO_COLOR turns
// colour off; a narrow terminal drops the bars.

import type { ActionReport, PlannedAction, RunReport } from "../runner/report.ts";
import type { RunEvent, StepRef } from "../runner/run_event.ts";
import { actionStyle } from "../runner/steps/registry.ts";
import { startInterval, type Timer } from "../std/timer.ts";
import { fit, formatBytes, formatDuration, formatEta } from "./_format.ts";
import { printable } from "./_printable.ts";

/** Where and how to print. */
export interface RenderOptions {
  /** Writes text as is (line ends included). */
  write(text: string): void;
  /** Draw the live block (a terminal). */
  live: boolean;
  color: boolean;
  /** The terminal's width, asked at every redraw. */
  columns(): number;
  quiet: boolean;
  verbose: boolean;
  /** Shown paths are made relative to this directory when inside it. */
  cwd: string;
  /** The number of steps (for `step 2/5`). */
  steps: number;
  /** List every planned action under its step's plan line (a dry run). */
  listPlan: boolean;
}

interface Active {
  action: PlannedAction;
  bytes: number;
}

/** Whether an action moves a file (a live bar, bytes in the totals). */
const isTransfer = (action: PlannedAction) => actionStyle(action.action).counts === "transferred";

/** One live frame: a line per running transfer, then the total. Pure, for tests. */
export function renderFrame(
  active: { label: string; bytes: number; size?: number }[],
  total: {
    files: number;
    filesPlanned: number;
    bytes: number;
    bytesPlanned: number;
    elapsedMs: number;
  },
  columns: number,
): string[] {
  const width = Math.max(10, columns - 1);
  const lines: string[] = [];
  const bars = width >= 60;
  for (const item of active) {
    const percent = item.size
      ? Math.min(100, Math.floor((item.bytes / item.size) * 100))
      : undefined;
    const amount = item.size !== undefined
      ? `${formatBytes(item.bytes)}/${formatBytes(item.size)}`
      : formatBytes(item.bytes);
    let right = `${percent === undefined ? "" : `${String(percent).padStart(3)}% `}${amount}`;
    if (bars && percent !== undefined) {
      const barWidth = Math.min(20, Math.floor(width / 5));
      const filled = Math.round((percent / 100) * barWidth);
      right = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${right}`;
    }
    const labelWidth = Math.max(4, width - right.length - 3);
    lines.push(fit(`  ${fit(item.label, labelWidth).padEnd(labelWidth)} ${right}`, width));
  }
  const rate = total.elapsedMs > 0 ? total.bytes / (total.elapsedMs / 1000) : 0;
  const remaining = Math.max(0, total.bytesPlanned - total.bytes);
  const parts = [
    `${total.files}/${total.filesPlanned} files`,
    `${formatBytes(total.bytes)} of ${formatBytes(total.bytesPlanned)}`,
    `${formatBytes(Math.round(rate))}/s`,
    `ETA ${rate > 0 ? formatEta(remaining / rate) : "--:--"}`,
  ];
  lines.push(fit(`  ${parts.join(" · ")}`, width));
  return lines;
}

/** Turns run events into output. */
export class Renderer {
  readonly #o: RenderOptions;
  readonly #active = new Map<number, Active>();
  #drawn = 0;
  /** The live line's redraw (not setInterval: its first use loads Deno's Node timers). */
  #timer?: Timer;
  #total = { files: 0, filesPlanned: 0, bytes: 0, bytesPlanned: 0, startedAt: 0 };
  #doneBytes = 0;

  constructor(options: RenderOptions) {
    this.#o = options;
  }

  #paint(code: string, text: string): string {
    return this.#o.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  /** A path as shown: relative to the working directory, control characters escaped. */
  #show(path: string): string {
    const cwd = this.#o.cwd.endsWith("/") ? this.#o.cwd : `${this.#o.cwd}/`;
    return printable(path.startsWith(cwd) ? path.slice(cwd.length) : path);
  }

  #describe(action: PlannedAction): string {
    const from = action.from === undefined ? "" : `${this.#show(action.from)} → `;
    return `${actionStyle(action.action).symbol} ${action.action} ${from}${
      this.#show(action.path)
    }`;
  }

  /** Prints a permanent line above the live block. */
  line(text: string): void {
    this.#clear();
    this.#o.write(`${text}\n`);
    this.#draw();
  }

  /** Handles one event. */
  onEvent(event: RunEvent): void {
    const o = this.#o;
    switch (event.type) {
      case "stepStart":
        if (!o.quiet) {
          this.line(
            this.#paint(
              "1",
              `step ${event.step.index + 1}/${o.steps}: ${printable(event.step.name)}`,
            ),
          );
        }
        break;
      case "plan":
        this.#plan(event.step, event.actions);
        break;
      case "actionStart":
        if (isTransfer(event.action)) {
          this.#active.set(event.action.id, { action: event.action, bytes: event.offset });
          this.#startLive();
        }
        break;
      case "progress": {
        const active = this.#active.get(event.action.id);
        if (active) active.bytes = event.bytes;
        break;
      }
      case "actionEnd":
        this.#actionEnd(event.action);
        break;
      case "retry":
        if (!o.quiet) {
          const what = event.action ? `${this.#describe(event.action)}: ` : "planning: ";
          this.line(this.#paint(
            "33",
            `  retry ${event.attempt} in ${formatDuration(event.delayMs)}: ${what}${
              printable(event.error.message)
            }`,
          ));
        }
        break;
      case "warning":
        this.line(this.#paint("33", `  warning: ${printable(event.message)}`));
        break;
      case "info":
        if (!o.quiet) this.line(`  ${printable(event.message)}`);
        break;
      case "debug":
        if (o.verbose) this.line(`  [${event.connection}] ${printable(event.line)}`);
        break;
      case "stepEnd":
        if (event.step.error) {
          this.line(this.#paint("31", `  step failed: ${printable(event.step.error.message)}`));
        } else if (event.step.result === "skipped" && !o.quiet) {
          this.line(
            `step ${event.step.index + 1}/${o.steps}: ${
              printable(event.step.name)
            }: not run (an earlier step failed)`,
          );
        }
        break;
      case "end":
        this.#end(event.report);
        break;
    }
  }

  #plan(step: StepRef, actions: PlannedAction[]): void {
    const o = this.#o;
    const counts = new Map<string, { n: number; bytes: number }>();
    for (const a of actions) {
      const c = counts.get(a.action) ?? { n: 0, bytes: 0 };
      c.n++;
      c.bytes += a.size ?? 0;
      counts.set(a.action, c);
      if (isTransfer(a)) {
        this.#total.filesPlanned++;
        this.#total.bytesPlanned += a.size ?? 0;
      }
    }
    if (o.quiet) return;
    const summary = [...counts].map(([kind, c]) =>
      `${kind === "skip" ? "up to date" : kind} ${c.n}${
        c.bytes > 0 ? ` (${formatBytes(c.bytes)})` : ""
      }`
    );
    this.line(`  plan: ${summary.length > 0 ? summary.join(", ") : "nothing to do"}`);
    if (!o.listPlan) return;
    for (const a of actions) {
      if (a.action === "skip" && !o.verbose) continue;
      const size = a.size !== undefined ? ` ${formatBytes(a.size)}` : "";
      this.line(`  ${this.#describe(a)}${size} (${printable(a.reason)})`);
    }
    void step;
  }

  #actionEnd(a: ActionReport): void {
    const o = this.#o;
    if (this.#active.delete(a.id) && this.#active.size === 0) this.#stopLive();
    if (isTransfer(a)) {
      if (a.result === "ok") this.#total.files++;
      this.#doneBytes += a.bytes;
    }
    if (a.result === "failed") {
      this.line(
        this.#paint(
          "31",
          `  ${this.#describe(a)}: FAILED: ${printable(a.error?.message ?? "unknown error")}`,
        ),
      );
      return;
    }
    if (o.quiet || a.result === "cancelled" || a.result === "planned") return;
    // Skips, and checks that found nothing to change, are listed with --verbose.
    const unchanged = a.result === "skipped" || actionStyle(a.action).counts === "unchanged";
    if (unchanged && !o.verbose) return;
    const details = [printable(a.reason)];
    if (isTransfer(a)) {
      details.unshift(formatBytes(a.bytes));
      if (a.resumedFrom !== undefined) details.push(`resumed at ${formatBytes(a.resumedFrom)}`);
      if (a.attempts > 1) details.push(`${a.attempts} attempts`);
    }
    this.line(`  ${this.#describe(a)} (${details.join(", ")})`);
  }

  #end(report: RunReport): void {
    this.#stopLive();
    const t = report.totals;
    if (report.dryRun) {
      if (!this.#o.quiet) this.#o.write(`ferry: plan complete (dry run: nothing was changed)\n`);
      return;
    }
    const verdict = report.interrupted ? "interrupted" : report.ok ? "done" : "failed";
    const text = `ferry: ${verdict} in ${formatDuration(report.durationMs)}: ` +
      `${t.transferred} transferred (${formatBytes(t.bytes)}), ${t.changed} other changes, ` +
      `${t.skipped} up to date, ${t.failed} failed`;
    if (!this.#o.quiet || !report.ok) {
      this.line(report.ok ? text : this.#paint(report.interrupted ? "33" : "31", text));
    }
  }

  #startLive(): void {
    if (!this.#o.live || this.#timer !== undefined) return;
    if (this.#total.startedAt === 0) this.#total.startedAt = performance.now();
    this.#timer = startInterval(100, () => {
      this.#clear();
      this.#draw();
    });
  }

  #stopLive(): void {
    if (this.#timer === undefined) return;
    this.#timer.clear();
    this.#timer = undefined;
    this.#clear();
  }

  #clear(): void {
    if (this.#drawn === 0) return;
    this.#o.write(`\x1b[${this.#drawn}A\x1b[0J`);
    this.#drawn = 0;
  }

  #draw(): void {
    if (this.#timer === undefined || this.#o.quiet) return;
    const active = [...this.#active.values()].map((a) => ({
      label: `${actionStyle(a.action.action).symbol} ${this.#show(a.action.from ?? a.action.path)}`,
      bytes: a.bytes,
      size: a.action.size,
    }));
    const running = [...this.#active.values()].reduce((sum, a) => sum + a.bytes, 0);
    const lines = renderFrame(active, {
      files: this.#total.files,
      filesPlanned: this.#total.filesPlanned,
      bytes: this.#doneBytes + running,
      bytesPlanned: this.#total.bytesPlanned,
      elapsedMs: performance.now() - this.#total.startedAt,
    }, this.#o.columns());
    this.#o.write(lines.join("\n") + "\n");
    this.#drawn = lines.length;
  }

  /** Stops the live block (on exit). */
  close(): void {
    this.#stopLive();
  }
}
