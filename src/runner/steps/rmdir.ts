/**
 * The `rmdir` step: remote directories with everything in them, through
 * the client's safe walk. An absent directory is skipped.
 *
 * @module
 */

import { statRemote } from "../_remote_tree.ts";
import { Phase, type Work } from "../_work.ts";
import { PlanError } from "../errors.ts";
import type { PathList } from "../task_file.ts";
import { pathListAction, type StepKindDef } from "./_kind.ts";

/**
 * A loaded `rmdir` step's own fields.
 *
 * @example
 * ```ts
 * import type { RmdirFields } from "@ferry/ftp/runner";
 * const fields: RmdirFields = { paths: ["www/old"] };
 * ```
 */
export interface RmdirFields {
  /** The remote directories to remove, as written. */
  paths: string[];
}

/** The rmdir step kind. */
export const rmdir: StepKindDef<"rmdir", PathList, RmdirFields> = {
  kind: "rmdir",
  article: "an",
  ...pathListAction("rmdir"),
  async plan(step, ctx) {
    const work: Work[] = [];
    for (const path of step.paths) {
      const found = await statRemote(ctx.client, path, ctx.signal);
      if (!found) {
        work.push({ id: ctx.id(), action: "skip", path, reason: "absent", phase: Phase.rmdir });
      } else if (found.type !== "directory") {
        throw new PlanError(`${path} is not a directory: use an rm step`);
      } else {
        work.push({
          id: ctx.id(),
          action: "rmdir",
          path,
          reason: "exists",
          phase: Phase.rmdir,
          run: async (client, run) => {
            await client!.rmdir(path, { recursive: true, signal: run.signal });
            return { bytes: 0 };
          },
        });
      }
    }
    return work;
  },
};
