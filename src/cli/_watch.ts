// `ferry watch`: the initial run drawn as `ferry run` draws it, then one
// line per batch (what was uploaded and deleted, bytes, time, failures),
// and with --json one JSON line per watch event (run, watching, batch,
// dropped, stopped) on stdout, the rest on stderr. It ends only with
// Ctrl-C (exit 130).

import type { ActionReport } from "../runner/report.ts";
import type { RunEvent } from "../runner/run_event.ts";
import type { Task } from "../runner/task.ts";
import { type WatchBatch, type WatchEvent, watchTask } from "../runner/watch_task.ts";
import { formatBytes, formatDuration } from "./_format.ts";
import { type CliIo, EXIT_INTERRUPTED, withInterrupt } from "./_io.ts";
import { startOutput } from "./_job.ts";
import { printable } from "./_printable.ts";

/** The options of `ferry watch`. */
export interface WatchFlags {
  quiet: boolean;
  verbose: boolean;
  json: boolean;
  parallel?: number;
  debounceMs?: number;
  maxWaitMs?: number;
  keepAliveMs?: number;
}

/** Paths named in a batch line before "and N more" (all with --verbose). */
const NAMED = 3;

function names(actions: ActionReport[], all: boolean): string {
  const shown = (all ? actions : actions.slice(0, NAMED)).map((a) => printable(a.path));
  const more = actions.length - shown.length;
  return `(${shown.join(", ")}${more > 0 ? `, and ${more} more` : ""})`;
}

function clock(iso: string): string {
  const d = new Date(iso);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0"))
    .join(":");
}

/** A batch as one line (and its warnings after it). Pure, for tests. */
export function batchLines(batch: WatchBatch, verbose: boolean): string[] {
  const actions = batch.steps.flatMap((s) => s.actions);
  const done = (kinds: string[]) =>
    actions.filter((a) => a.result === "ok" && kinds.includes(a.action));
  const uploaded = done(["upload"]);
  const deleted = done(["delete", "rmdir"]);
  const upToDate = actions.filter((a) => a.result === "skipped" || a.action === "skip");
  const failed = actions.filter((a) => a.result === "failed");
  const parts: string[] = [];
  if (uploaded.length > 0) parts.push(`↑ ${uploaded.length} uploaded ${names(uploaded, verbose)}`);
  if (deleted.length > 0) parts.push(`- ${deleted.length} deleted ${names(deleted, verbose)}`);
  if (upToDate.length > 0) parts.push(`${upToDate.length} up to date`);
  const stepErrors = batch.steps.filter((s) => s.error && s.actions.length === 0);
  if (failed.length > 0 || stepErrors.length > 0) {
    const first = failed[0]
      ? `${printable(failed[0].path)}: ${printable(failed[0].error?.message ?? "unknown error")}`
      : printable(stepErrors[0].error!.message);
    const count = failed.length + stepErrors.length;
    parts.push(`✗ ${count} failed (${first}${count > 1 ? `, and ${count - 1} more` : ""})`);
  }
  if (parts.length === 0) parts.push("nothing to do");
  const verdict = batch.interrupted ? " interrupted" : batch.ok ? "" : " FAILED";
  const lines = [
    `${clock(batch.startedAt)} batch ${batch.batch}${verdict}: ${parts.join(", ")} · ` +
    `${formatBytes(batch.totals.bytes)} in ${formatDuration(batch.durationMs)}`,
  ];
  if (verbose) {
    for (const a of failed.slice(1)) {
      lines.push(`  ✗ ${printable(a.path)}: ${printable(a.error?.message ?? "unknown error")}`);
    }
  }
  for (const step of batch.steps) {
    for (const warning of step.warnings) lines.push(`  warning: ${printable(warning)}`);
  }
  return lines;
}

/** Runs `ferry watch` until Ctrl-C and returns its exit code (130). */
export async function watchJob(task: Task, flags: WatchFlags, io: CliIo): Promise<number> {
  const { human, renderer } = startOutput(task, flags, io, {
    listPlan: false,
    suffix: ": a first run, then watching for changes",
  });
  let watching = false;
  const onEvent = (event: RunEvent) => {
    if (!watching) return renderer.onEvent(event);
    // Batches are one line each; only the trace and warnings outside a step show on their own.
    if (event.type === "debug" && flags.verbose) {
      human(`  [${event.connection}] ${printable(event.line)}\n`);
    } else if (event.type === "warning" && event.step === undefined) {
      human(`  warning: ${printable(event.message)}\n`);
    }
  };
  const onWatch = (event: WatchEvent) => {
    if (flags.json) io.stdout(JSON.stringify(event) + "\n");
    switch (event.type) {
      case "run":
        watching = true;
        renderer.close();
        break;
      case "watching":
        if (!flags.quiet) {
          human(
            `ferry: watching ${event.folders.map(printable).join(", ")} ` +
              `(batches after ${formatDuration(event.settings.debounceMs)} of quiet; ` +
              `Ctrl-C to stop)\n`,
          );
        }
        break;
      case "batch":
        if (!flags.quiet || !event.ok) {
          for (const line of batchLines(event, flags.verbose)) human(`${line}\n`);
        }
        break;
      case "dropped":
        if (!flags.quiet) {
          human(
            `ferry: the server had closed ${event.connections} idle connection(s); ` +
              `new ones open when needed\n`,
          );
        }
        break;
      case "stopped":
        human(
          `ferry: stopped watching after ${event.batches} batch${event.batches === 1 ? "" : "es"}${
            event.failedBatches > 0 ? ` (${event.failedBatches} failed)` : ""
          }\n`,
        );
        break;
    }
  };
  try {
    await withInterrupt(io, (signal) =>
      watchTask(task, {
        signal,
        onEvent,
        onWatch,
        trace: flags.verbose,
        parallel: flags.parallel,
        debounceMs: flags.debounceMs,
        maxWaitMs: flags.maxWaitMs,
        keepAliveMs: flags.keepAliveMs,
      }));
    return EXIT_INTERRUPTED;
  } finally {
    renderer.close();
  }
}
