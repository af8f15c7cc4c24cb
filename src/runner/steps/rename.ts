/**
 * The `rename` step: one remote path to another. It is done when `from`
 * exists, and already done when only `to` does, so a re-run has nothing
 * to do.
 *
 * @module
 */

import { statRemote } from "../_remote_tree.ts";
import type { SchemaParts } from "../_schema_parts.ts";
import { Phase, serverCommand } from "../_work.ts";
import { PlanError } from "../errors.ts";
import { actionSchema, type StepKindDef } from "./_kind.ts";

/**
 * Renames a remote file or directory.
 *
 * @example
 * ```ts
 * import type { RenameAction } from "@ferry/ftp/runner";
 * const rename: RenameAction = { from: "www/draft.html", to: "www/index.html" };
 * ```
 */
export interface RenameAction {
  /** The remote path to rename. */
  from: string;
  /** Its new path. */
  to: string;
}

/**
 * A loaded `rename` step's own fields.
 *
 * @example
 * ```ts
 * import type { RenameFields } from "@ferry/ftp/runner";
 * const fields: RenameFields = { from: "www/draft.html", to: "www/index.html" };
 * ```
 */
export interface RenameFields {
  /** The remote path to rename. */
  from: string;
  /** Its new path. */
  to: string;
}

const schema = actionSchema<RenameAction>()((s: SchemaParts) =>
  s.strict({ from: s.z.string().min(1), to: s.z.string().min(1) }, "rename")
);

/** The rename step kind. */
export const rename: StepKindDef<"rename", RenameAction, RenameFields> = {
  kind: "rename",
  schema,
  resolve: ({ from, to }) => ({ name: `rename ${from} → ${to}`, fields: { from, to } }),
  async plan({ from, to }, ctx) {
    const source = await statRemote(ctx.client, from, ctx.signal);
    if (!source && !ctx.planned.remote.has(from)) {
      if (await statRemote(ctx.client, to, ctx.signal)) {
        return [{
          id: ctx.id(),
          action: "skip",
          from,
          path: to,
          reason: "already renamed",
          phase: Phase.transfer,
        }];
      }
      throw new PlanError(`${from} does not exist (and neither does ${to})`);
    }
    ctx.planned.remote.set(
      to,
      ctx.planned.remote.get(from) ?? (source?.type === "directory" ? "directory" : "file"),
    );
    return [{
      id: ctx.id(),
      action: "rename",
      from,
      path: to,
      reason: source ? "exists" : "created by an earlier step",
      phase: Phase.transfer,
      run: serverCommand((client, signal) => client.rename(from, to, { signal })),
    }];
  },
};
