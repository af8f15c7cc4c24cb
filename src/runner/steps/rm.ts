/**
 * The `rm` step: remote files, or globs of files. Absent files are
 * skipped; a directory is refused (that is what rmdir is for).
 *
 * @module
 */

import { globMatcher, splitGlob } from "../_filter.ts";
import type { PlanContext } from "../_plan_context.ts";
import { removeRemoteFile } from "../_plan_delete.ts";
import { readRemoteTree, statRemote, statRemoteAll } from "../_remote_tree.ts";
import { Phase, type Work } from "../_work.ts";
import { PlanError } from "../errors.ts";
import type { PathList } from "../task_file.ts";
import { pathListAction, type StepKindDef } from "./_kind.ts";

/**
 * A loaded `rm` step's own fields.
 *
 * @example
 * ```ts
 * import type { RmFields } from "@ferry/ftp/runner";
 * const fields: RmFields = { paths: ["trash/*.tmp"] };
 * ```
 */
export interface RmFields {
  /** The remote files or globs to delete, as written. */
  paths: string[];
}

function deleteWork(path: string, reason: string, ctx: PlanContext): Work {
  return { id: ctx.id(), reason, phase: Phase.transfer, ...removeRemoteFile(path) };
}

function skip(path: string, reason: string, ctx: PlanContext): Work {
  return { id: ctx.id(), action: "skip", path, reason, phase: Phase.transfer };
}

/** The rm step kind. */
export const rm: StepKindDef<"rm", PathList, RmFields> = {
  kind: "rm",
  article: "an",
  ...pathListAction("rm"),
  async plan(step, ctx) {
    const work: Work[] = [];
    const split = await Promise.all(step.paths.map((path) => splitGlob(path)));
    // The named paths (no glob) are stat-ed together.
    const named = step.paths.filter((_, i) => !split[i].glob);
    const stats = await statRemoteAll(ctx.client, named, ctx.signal);
    const foundAt = new Map(named.map((path, i) => [path, stats[i]]));
    for (const [i, path] of step.paths.entries()) {
      const { base, glob } = split[i];
      if (glob) {
        const match = globMatcher(glob);
        const root = await statRemote(ctx.client, base || ".", ctx.signal);
        const tree = root?.type === "directory"
          ? await readRemoteTree(
            ctx.client,
            base,
            () => glob.includes("**") || glob.includes("/"),
            ctx.signal,
          )
          : new Map();
        const hits = [...tree.values()].filter((e) => e.type !== "directory" && match(e.rel));
        if (hits.length === 0) work.push(skip(path, "nothing matches", ctx));
        for (const hit of hits) work.push(deleteWork(hit.path, `matches ${glob}`, ctx));
        continue;
      }
      const found = foundAt.get(path);
      if (!found) {
        work.push(
          ctx.planned.remote.has(path)
            ? deleteWork(path, "created by an earlier step", ctx)
            : skip(path, "absent", ctx),
        );
      } else if (found.type === "directory") {
        throw new PlanError(`${path} is a directory: use an rmdir step`);
      } else {
        work.push(deleteWork(path, "exists", ctx));
      }
    }
    return work;
  },
};
