/**
 * The `mkdir` step: remote directories, with their parents. A directory
 * that exists is skipped, so a re-run has nothing to do.
 *
 * @module
 */

import { statRemote } from "../_remote_tree.ts";
import { Phase, type Work } from "../_work.ts";
import { PlanError } from "../errors.ts";
import type { PathList } from "../task_file.ts";
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
  async plan(step, ctx) {
    const work: Work[] = [];
    for (const path of step.paths) {
      const found = await statRemote(ctx.client, path, ctx.signal);
      if (found?.type === "directory") {
        work.push({ id: ctx.id(), action: "skip", path, reason: "exists", phase: Phase.mkdir });
      } else if (found) {
        throw new PlanError(`${path} exists and is not a directory`);
      } else {
        ctx.planned.remote.set(path, "directory");
        work.push({
          id: ctx.id(),
          action: "mkdir",
          path,
          reason: "missing",
          phase: Phase.mkdir,
          run: async (client, run) => {
            await client!.mkdir(path, { recursive: true, signal: run.signal });
            return { bytes: 0 };
          },
        });
      }
    }
    return work;
  },
};
