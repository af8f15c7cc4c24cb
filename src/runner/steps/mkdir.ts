/**
 * The `mkdir` step: remote directories, with their parents. A directory
 * that exists is skipped, so a re-run has nothing to do. The paths are
 * stat-ed together, and the missing ones made together (one flight each
 * where the server takes commands sent together).
 *
 * @module
 */

import { DirectoryBatch } from "../_directory_batch.ts";
import { PlanError } from "../errors.ts";
import type { PathList } from "../task_file.ts";
import { planDirectories } from "./_directories.ts";
import { pathListAction, type StepKindDef } from "./_kind.ts";

/**
 * A loaded `mkdir` step's own fields.
 *
 * @example
 * ```ts
 * import type { MkdirFields } from "@ferry/ftp/runner";
 * const fields: MkdirFields = { paths: ["www/assets", "www/img"] };
 * ```
 */
export interface MkdirFields {
  /** The remote directories to make, as written. */
  paths: string[];
}

/** The mkdir step kind. */
export const mkdir: StepKindDef<"mkdir", PathList, MkdirFields> = {
  kind: "mkdir",
  ...pathListAction("mkdir"),
  plan(step, ctx) {
    // The missing directories are made together by the first action to run.
    const missing: string[] = [];
    let batch: DirectoryBatch | undefined;
    return planDirectories(step.paths, ctx, {
      action: "mkdir",
      decide(path, found) {
        if (found?.type === "directory") return { skip: "exists" };
        if (found) throw new PlanError(`${path} exists and is not a directory`);
        ctx.planned.remote.set(path, "directory");
        missing.push(path);
        return { change: "missing" };
      },
      run: (client, path, signal) =>
        (batch ??= new DirectoryBatch(missing, [], true)).make(client, path, signal),
    });
  },
};
