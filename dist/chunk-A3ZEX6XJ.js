import {
  FtpInputError
} from "./chunk-UN72SBEK.js";

// src/runner/task_file_error.ts
var TaskFileError = class extends FtpInputError {
  /** Every problem found, in file order. */
  issues;
  /**
   * Creates the error.
   *
   * @param issues The problems (at least one).
   */
  constructor(issues) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "TaskFileError";
    this.issues = issues;
  }
};
function formatIssue(issue) {
  const where = issue.line === void 0 ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path === "" ? "" : `${issue.path}: `}${issue.message}`;
}

export {
  TaskFileError
};
