/**
 * The `put` step: local files, directories or globs up to a remote file or
 * directory. Planning is shared with sync up (../_plan_up.ts).
 *
 * @module
 */

import { splitGlob } from "../_filter.ts";
import { statLocal } from "../_local_tree.ts";
import { planPut } from "../_plan_up.ts";
import type { SchemaParts } from "../_schema_parts.ts";
import type { FilterRule, OverwritePolicy, PathList } from "../task_file.ts";
import {
  actionSchema,
  list,
  localBase,
  localPath,
  sourceOf,
  type StepKindDef,
  type StepOf,
  type WatchSource,
  type WatchSpec,
} from "./_kind.ts";

/**
 * Uploads local files: `from` names files, directories (their content) or
 * globs (`*`, `**`), relative to the task file; `to` is the remote
 * destination.
 *
 * @example
 * ```ts
 * import type { PutAction } from "@ferry/ftp/runner";
 * const put: PutAction = { from: "dist/**\/*.css", to: "www/assets/", atomic: true };
 * ```
 */
export interface PutAction {
  /** Local files, directories or globs. */
  from: PathList;
  /**
   * The remote destination: a directory when it ends in `/`, when `from` is
   * a directory, a glob or a list, or when it is an existing directory;
   * otherwise the file name.
   */
  to: string;
  /**
   * When to replace an existing remote file.
   *
   * @default {"different"}
   */
  overwrite?: OverwritePolicy;
  /**
   * Upload each file to `<name>.ferry-part` and rename all into place only
   * after every upload of the step succeeded.
   *
   * @default {false}
   */
  atomic?: boolean;
  /**
   * Which files to take, by their path relative to the directory or glob base.
   *
   * @default {[]}
   */
  filter?: FilterRule[];
}

/**
 * A loaded `put` step's own fields: local paths absolute, defaults filled in.
 *
 * @example
 * ```ts
 * import type { PutFields } from "@ferry/ftp/runner";
 * const fields: PutFields = {
 *   from: ["/srv/site/dist"],
 *   to: "www",
 *   overwrite: "different",
 *   atomic: false,
 *   filter: [],
 * };
 * ```
 */
export interface PutFields {
  /** Local files, directories or globs, absolute. */
  from: string[];
  /** The remote destination. */
  to: string;
  /** When to replace an existing remote file. */
  overwrite: OverwritePolicy;
  /** Upload to temporaries and rename them all into place at the end. */
  atomic: boolean;
  /** Which files to take. */
  filter: FilterRule[];
}

const schema = actionSchema<PutAction>()((s: SchemaParts) =>
  s.strict({
    from: s.paths,
    to: s.z.string().min(1),
    overwrite: s.overwrite.optional(),
    atomic: s.z.boolean().optional(),
    filter: s.filter.optional(),
  }, "put")
);

/**
 * What watch mode watches: each folder (a glob's base) with what is below
 * it, and each file. One file put to a file name is planned whole.
 */
async function watchSpec(step: StepOf<"put", PutFields>): Promise<WatchSpec> {
  const sources = await Promise.all(step.from.map(async (from): Promise<WatchSource> => {
    const { base, glob } = await splitGlob(from.replaceAll("\\", "/"));
    if (glob) return { path: base.replace(/(?<=.)\/+$/, ""), type: "folder", glob };
    const path = from.replace(/(?<=.)[/\\]+$/, "");
    return { path, type: (await statLocal(path))?.isDirectory ? "folder" : "file" };
  }));
  const whole = sources.length === 1 && sources[0].type === "file" && !step.to.endsWith("/");
  return {
    sources,
    remote: whole ? undefined : step.to,
    filter: step.filter,
    overwrite: step.overwrite,
    atomic: step.atomic,
    delete: false,
  };
}

/** The put step kind. */
export const put: StepKindDef<"put", PutAction, PutFields> = {
  kind: "put",
  schema,
  resolve: (p, at) => ({
    name: `put ${list(p.from).join(" ")} → ${p.to}`,
    sourcesAt: at.locate &&
      list(p.from).map((_, i) => at.locate!(Array.isArray(p.from) ? ["from", i] : ["from"])),
    fields: {
      from: list(p.from).map((f) => localPath(at.baseDir, f)),
      to: p.to,
      overwrite: p.overwrite ?? "different",
      atomic: p.atomic ?? false,
      filter: p.filter ?? [],
    },
  }),
  plan: planPut,
  sources: (step) => Promise.all(step.from.map(sourceOf)),
  permissions: async (step) => ({ read: await Promise.all(step.from.map(localBase)) }),
  watch: watchSpec,
};
