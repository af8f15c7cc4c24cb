/**
 * The `get` step: remote files, directories or globs down to a local file
 * or directory. Planning is shared with sync down (../_plan_down.ts).
 *
 * @module
 */

import { dirname } from "../../std/path.ts";
import { planGet } from "../_plan_down.ts";
import type { SchemaParts } from "../_schema_parts.ts";
import type { FilterRule, OverwritePolicy, PathList } from "../task_file.ts";
import { actionSchema, list, localPath, type StepKindDef } from "./_kind.ts";

/**
 * Downloads remote files: `from` names remote files, directories (their
 * content) or globs; `to` is the local destination, relative to the task
 * file.
 *
 * @example
 * ```ts
 * import type { GetAction } from "@ferry/ftp/runner";
 * const get: GetAction = { from: "logs/*.log*", to: "./logs/", resume: true };
 * ```
 */
export interface GetAction {
  /** Remote files, directories or globs. */
  from: PathList;
  /** The local destination (directory rules as for `put`). */
  to: string;
  /**
   * When to replace an existing local file.
   *
   * @default {"different"}
   */
  overwrite?: OverwritePolicy;
  /**
   * Continue a local file that is shorter than the remote one from its
   * size (REST), for files that only grow, such as logs. Interrupted
   * downloads (`.ferry-part` files) are always resumed.
   *
   * @default {false}
   */
  resume?: boolean;
  /**
   * Fetch each file over this many connections at once, each a byte range
   * (REST) into its place in the one `.ferry-part` temporary: for links
   * where one connection cannot fill the pipe, and servers that cap each
   * connection. The extra connections are opened beside the run's
   * `connection.parallel` ones, and closed after the file. Files under
   * 8 MiB, and servers without REST, use one connection. An interrupted
   * run continues each segment where it stopped. 1 to 16.
   *
   * @default {1}
   */
  segments?: number;
  /**
   * Which files to take, by their path relative to the directory or glob base.
   *
   * @default {[]}
   */
  filter?: FilterRule[];
}

/**
 * A loaded `get` step's own fields: the local destination absolute,
 * defaults filled in.
 *
 * @example
 * ```ts
 * import type { GetFields } from "@ferry/ftp/runner";
 * const fields: GetFields = {
 *   from: ["logs/*.log"],
 *   to: "/srv/logs/",
 *   overwrite: "different",
 *   resume: true,
 *   segments: 1,
 *   filter: [],
 * };
 * ```
 */
export interface GetFields {
  /** Remote files, directories or globs, as written. */
  from: string[];
  /** The local destination, absolute (a trailing slash kept). */
  to: string;
  /** When to replace an existing local file. */
  overwrite: OverwritePolicy;
  /** Continue shorter local files from their size. */
  resume: boolean;
  /** Connections per file (1: no segments). */
  segments: number;
  /** Which files to take. */
  filter: FilterRule[];
}

const schema = actionSchema<GetAction>()((s: SchemaParts) =>
  s.strict({
    from: s.paths,
    to: s.z.string().min(1),
    overwrite: s.overwrite.optional(),
    resume: s.z.boolean().optional(),
    segments: s.z.number().int().min(1).max(16).optional(),
    filter: s.filter.optional(),
  }, "get")
);

/** The get step kind. */
export const get: StepKindDef<"get", GetAction, GetFields> = {
  kind: "get",
  schema,
  resolve: (g, at) => ({
    name: `get ${list(g.from).join(" ")} → ${g.to}`,
    fields: {
      from: list(g.from),
      to: localPath(at.baseDir, g.to),
      overwrite: g.overwrite ?? "different",
      resume: g.resume ?? false,
      segments: g.segments ?? 1,
      filter: g.filter ?? [],
    },
  }),
  plan: planGet,
  writesLocal: () => true,
  permissions: (step) => {
    // Destinations are compared (read) and written as <name>.ferry-part
    // beside the final name, then renamed: the directory is needed.
    const to = step.to.replace(/[/\\]$/, "");
    const target = /[/\\]$/.test(step.to) || step.from.length > 1 ? to : dirname(to);
    return Promise.resolve({ read: [target], write: [target] });
  },
};
