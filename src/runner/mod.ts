/**
 * The task runner as a library: load a task file (YAML, JSON, JSONC or a
 * module), plan it, run it over a pool of connections, and read its report.
 * The `ferry` CLI is built on these calls. It is an entry point of its own so
 * that scripts using only the client (`@ferry/ftp`) do not load the runner.
 *
 * @example Run a task file from code
 * ```ts
 * import { loadTask, runTask } from "@ferry/ftp/runner";
 *
 * const task = await loadTask("tasks/deploy-site.yaml");
 * const report = await runTask(task, { dryRun: true });
 * console.log(report.ok, report.totals.bytes);
 * ```
 *
 * @module
 */

export * from "./task_file.ts";
export * from "./task.ts";
export * from "./task_file_error.ts";
export * from "./load_task.ts";
export * from "./run_task.ts";
export * from "./run_event.ts";
export * from "./report.ts";
export * from "./permissions.ts";
export * from "./task_schema.ts";
export * from "./errors.ts";
export * from "./steps/mod.ts";
export * from "./watch_task.ts";
export * from "./redact.ts";
export * from "./byte_rate.ts";
export * from "./duration.ts";
export * from "./limits.ts";
export * from "./whole_number_pattern.ts";
