/**
 * {@linkcode TaskFileError}: an invalid task file, with every problem
 * located by file, line and column.
 *
 * @module
 */

import { FtpInputError } from "../errors.ts";

/**
 * One problem in a task file.
 *
 * @example
 * ```ts
 * import type { TaskFileIssue } from "@ferry/ftp/runner";
 * const issue: TaskFileIssue = {
 *   file: "deploy.yaml", line: 7, column: 5, path: "steps[0].put.overwrite",
 *   message: 'Invalid option: expected one of "always"|"never"|"newer"|"different"',
 * };
 * ```
 */
export interface TaskFileIssue {
  /** The file, as given. */
  file: string;
  /** 1-based line, when the format has positions (not for TypeScript tasks). */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** The offending key, as a path such as `steps[2].put.to`; `""` for the file. */
  path: string;
  /** What is wrong and what is allowed. */
  message: string;
}

/**
 * Where a key is in a task file: a {@linkcode TaskFileIssue} without its
 * message.
 *
 * @example
 * ```ts
 * import type { TaskFileLocation } from "@ferry/ftp/runner";
 * const at: TaskFileLocation = { file: "deploy.yaml", line: 9, column: 14, path: "steps[1].sync.local" };
 * ```
 */
export type TaskFileLocation = Omit<TaskFileIssue, "message">;

/**
 * A task file that cannot be used: unreadable, malformed, or not valid
 * against the schema. Nothing was contacted. Its message lists every issue
 * as `file:line:column: key: problem`, one per line.
 *
 * @example
 * ```ts
 * import { loadTask, TaskFileError } from "@ferry/ftp/runner";
 *
 * try {
 *   await loadTask("deploy.yaml");
 * } catch (error) {
 *   if (error instanceof TaskFileError) for (const i of error.issues) console.error(i.line, i.message);
 * }
 * ```
 */
export class TaskFileError extends FtpInputError {
  /** Every problem found, in file order. */
  readonly issues: TaskFileIssue[];

  /**
   * Creates the error.
   *
   * @param issues The problems (at least one).
   */
  constructor(issues: TaskFileIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "TaskFileError";
    this.issues = issues;
  }
}

/**
 * Formats an issue as `file:line:column: key: message`.
 *
 * @param issue The issue.
 * @returns One line.
 *
 * @example
 * ```ts
 * import { formatIssue } from "@ferry/ftp/runner";
 * console.log(formatIssue({ file: "t.yaml", line: 3, column: 1, path: "version", message: "version must be 1" }));
 * // t.yaml:3:1: version: version must be 1
 * ```
 */
export function formatIssue(issue: TaskFileIssue): string {
  const where = issue.line === undefined
    ? issue.file
    : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path === "" ? "" : `${issue.path}: `}${issue.message}`;
}
