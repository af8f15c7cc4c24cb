/**
 * {@linkcode runTask}: plans each step (globs expanded, the remote side
 * listed, actions computed), then carries the actions out over a pool of
 * connections with retries, and reports what happened.
 *
 * @module
 */

import { assertSourcesExist } from "./_local_sources.ts";
import { RunScope } from "./_run_scope.ts";
import type { RunReport } from "./report.ts";
import type { RunEvent } from "./run_event.ts";
import type { Task } from "./task.ts";

/**
 * Options of {@linkcode runTask}.
 *
 * @example
 * ```ts
 * import { loadTask, runTask, type RunTaskOptions } from "@ferry/ftp/runner";
 * const controller = new AbortController();
 * Deno.addSignalListener("SIGINT", () => controller.abort());
 * const options: RunTaskOptions = { signal: controller.signal, onEvent: (e) => console.log(e.type) };
 * await runTask(await loadTask("deploy.yaml"), options);
 * ```
 */
export interface RunTaskOptions {
  /**
   * Plan every step and stop: nothing is changed anywhere.
   *
   * @default {false}
   */
  dryRun?: boolean;
  /**
   * Stops the run: no new work starts, running transfers are aborted (one
   * still running a second later is abandoned and its connection closed),
   * the partial upload of a new file is removed, and partial downloads and
   * uploads into temporaries stay under their names for the next run.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * Receives progress and results as they happen.
   *
   * @default {undefined}
   */
  onEvent?: (event: RunEvent) => void;
  /**
   * Emit `debug` events with every command and reply (passwords redacted).
   *
   * @default {false}
   */
  trace?: boolean;
  /**
   * Overrides the task's number of parallel connections.
   *
   * @default {the task's connection.parallel}
   */
  parallel?: number;
}

/**
 * Runs a task: each step is planned and then carried out, in order. A step
 * that fails stops the run unless it has `continueOnError`.
 *
 * @param task A task from {@linkcode loadTask}.
 * @param options Dry run, a signal to stop, an event callback.
 * @returns The report (also passed to the `end` event).
 * @throws {TaskFileError} Before connecting, when a step's local source
 * (`put`'s `from`, `sync` up's `local`) is missing and no earlier step could
 * create it, located in the task file. (A source that an earlier step might
 * create is checked when its step starts, and fails that step.)
 * @throws {FtpInputError} The same, for a task built in code.
 *
 * @example
 * ```ts
 * import { loadTask, runTask } from "@ferry/ftp/runner";
 *
 * const report = await runTask(await loadTask("tasks/mirror-down.jsonc"), { dryRun: true });
 * for (const step of report.steps) console.log(step.name, step.actions.length, "actions");
 * ```
 */
export async function runTask(task: Task, options: RunTaskOptions = {}): Promise<RunReport> {
  await assertSourcesExist(task);
  const started = performance.now();
  const scope = new RunScope(task, options);
  const report = scope.newReport(options.dryRun ?? false);
  try {
    await scope.runAll(report);
  } finally {
    await scope.close();
  }
  scope.finish(report, started);
  scope.emit({ type: "end", report });
  return report;
}
