// Running a loaded task from the CLI: renderer, Ctrl-C, report file, exit
// code. Shared by `run`, `plan` and the one-shot get/put/mkdir/rm.

import { dirname } from "../std/path.ts";
import { partialPath } from "../client/temporary_names.ts";
import { runTask } from "../runner/run_task.ts";
import type { Task } from "../runner/task.ts";
import { type CliIo, columns, EXIT_INTERRUPTED, withInterrupt } from "./_io.ts";
import { Renderer } from "./_render.ts";

/** Output flags common to every job. */
export interface JobFlags {
  dryRun: boolean;
  quiet: boolean;
  verbose: boolean;
  json: boolean;
  report?: string;
  parallel?: number;
}

/** Writes a file whole or not at all: a temporary name, then a rename. */
async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = partialPath(path);
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(temporary, text);
  await Deno.rename(temporary, path);
}

/** The output flags `run` and `watch` share. */
export type OutputFlags = Pick<JobFlags, "quiet" | "verbose" | "json" | "parallel">;

/**
 * The start of a task's output, for `run` and `watch` alike: its secrets
 * hidden, where human-readable lines go (stderr under --json), the renderer,
 * and the line naming the server (`suffix` says what kind of run it is).
 */
export function startOutput(
  task: Task,
  flags: OutputFlags,
  io: CliIo,
  options: { listPlan: boolean; suffix: string },
): { human: (text: string) => void; renderer: Renderer } {
  io.hide(task.secrets);
  const human = flags.json ? io.stderr : io.stdout;
  const terminal = !flags.json && Deno.stdout.isTerminal();
  const renderer = new Renderer({
    write: human,
    live: terminal && !flags.quiet,
    color: terminal && !Deno.noColor,
    columns,
    quiet: flags.quiet,
    verbose: flags.verbose,
    cwd: Deno.cwd(),
    steps: task.steps.length,
    listPlan: options.listPlan,
  });
  if (!flags.quiet) {
    const parallel = flags.parallel ?? task.connection.parallel;
    const connections = `up to ${parallel} connection${parallel === 1 ? "" : "s"}`;
    human(`ferry: ${task.connection.display} (${connections})${options.suffix}\n`);
  }
  return { human, renderer };
}

/** Runs a task and returns the exit code. */
export async function runJob(task: Task, flags: JobFlags, io: CliIo): Promise<number> {
  const { renderer } = startOutput(task, flags, io, {
    listPlan: flags.dryRun,
    suffix: flags.dryRun ? ", dry run: nothing will be changed" : "",
  });
  try {
    const report = await withInterrupt(io, (signal) =>
      runTask(task, {
        dryRun: flags.dryRun,
        signal,
        onEvent: (event) => renderer.onEvent(event),
        trace: flags.verbose,
        parallel: flags.parallel,
      }));
    // Made only when asked for: a run of 1000 files has a large report.
    const json = flags.report || flags.json ? JSON.stringify(report, null, 2) + "\n" : "";
    if (flags.report) await writeWhole(flags.report, io.redact(json));
    if (flags.json) io.stdout(json);
    return report.interrupted ? EXIT_INTERRUPTED : report.ok ? 0 : 1;
  } finally {
    renderer.close();
  }
}
