/**
 * The `rmdir` step: remote directories with everything in them, through
 * the client's safe walk. An absent directory is skipped.
 *
 * @module
 */

import { PlanError } from "../errors.ts";
import type { PathList } from "../task_file.ts";
import { planDirectories } from "./_directories.ts";
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
  plan: (step, ctx) =>
    planDirectories(step.paths, ctx, {
      action: "rmdir",
      decide(path, found) {
        if (!found) return { skip: "absent" };
        if (found.type !== "directory") {
          throw new PlanError(`${path} is not a directory: use an rm step`);
        }
        return { change: "exists" };
      },
      run: (client, path, signal) => client.rmdir(path, { recursive: true, signal }),
    }),
};
