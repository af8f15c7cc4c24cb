// A step whose local source is missing (a put's, a sync up's: each kind
// names its own, see steps/<kind>.ts) can do nothing. That is found before
// the run connects, for the steps that no earlier step could have
// prepared, and again when each step starts; it is reported where the path
// is written in the task file (file:line:column, as every task-file
// error), naming the step.

import { FtpInputError } from "../errors.ts";
import { type LocalSource, stepKind } from "./steps/registry.ts";
import type { Step, Task } from "./task.ts";
import { TaskFileError, type TaskFileLocation } from "./task_file_error.ts";

/** A problem with one local source, and where that source is written. */
export interface SourceProblem {
  at?: TaskFileLocation;
  message: string;
}

/** What a path is on the local disk, without following a trailing slash's rules. */
async function kindOf(path: string): Promise<"file" | "folder" | undefined> {
  try {
    return (await Deno.stat(path.replace(/(?<=.)[/\\]+$/, ""))).isDirectory ? "folder" : "file";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
}

/** The paths a step reads from: each with whether it must be a folder. */
async function sourcesOf(step: Step): Promise<LocalSource[]> {
  return await (await stepKind(step.kind)).sources?.(step) ?? [];
}

/**
 * The step's local sources that are missing, or files where a folder must
 * be. Sources for which `skip` is true (what a dry run's earlier steps
 * would create) are not checked.
 */
export async function sourceProblems(
  step: Step,
  skip: (path: string) => boolean = () => false,
): Promise<SourceProblem[]> {
  const problems: SourceProblem[] = [];
  const sources = await sourcesOf(step);
  for (const [i, { path, folder }] of sources.entries()) {
    if (skip(path.replace(/(?<=.)[/\\]+$/, ""))) continue;
    const kind = await kindOf(path);
    const what = folder ? "the local folder" : "the local path";
    const problem = kind === undefined
      ? `${what} ${path} does not exist`
      : folder && kind === "file"
      ? `${what} ${path} is a file, not a folder`
      : undefined;
    if (problem === undefined) continue;
    problems.push({
      at: step.sourcesAt?.[i],
      message: `${problem} (step ${step.index + 1}, ${JSON.stringify(step.name)})`,
    });
  }
  return problems;
}

/**
 * The error for source problems: a `TaskFileError` located at each source
 * when the task came from a file, else an `FtpInputError`.
 */
export function sourceError(problems: SourceProblem[]): FtpInputError {
  if (problems.every((p) => p.at !== undefined)) {
    return new TaskFileError(problems.map((p) => ({ ...p.at!, message: p.message })));
  }
  return new FtpInputError(problems.map((p) => p.message).join("\n"));
}

/**
 * Checks, before the run connects, the sources of the steps that no
 * earlier step could create (steps up to the first one that writes local
 * files); a step that may fail (`continueOnError`) is left to its turn.
 *
 * @throws {TaskFileError} Every problem found, located in the task file.
 * @throws {FtpInputError} The same, for a task built in code.
 */
export async function assertSourcesExist(task: Task): Promise<void> {
  const problems: SourceProblem[] = [];
  for (const step of task.steps) {
    if ((await stepKind(step.kind)).writesLocal?.(step)) break;
    if (!step.continueOnError) problems.push(...await sourceProblems(step));
  }
  if (problems.length > 0) throw sourceError(problems);
}
