/**
 * The `sync` step: one directory tree made to match another, in one
 * direction, optionally deleting what the source lacks. Planning is shared
 * with put (../_plan_up.ts) and get (../_plan_down.ts).
 *
 * @module
 */

import { planSyncDown } from "../_plan_down.ts";
import { planSyncUp } from "../_plan_up.ts";
import type { SchemaParts } from "../_schema_parts.ts";
import type { FilterRule, OverwritePolicy } from "../task_file.ts";
import { actionSchema, localPath, type StepKindDef } from "./_kind.ts";

/**
 * Makes one directory tree match another, in one direction.
 *
 * @example
 * ```ts
 * import type { SyncAction } from "@ferry/ftp/runner";
 * const sync: SyncAction = { direction: "up", local: "dist", remote: "www", delete: true };
 * ```
 */
export interface SyncAction {
  /** `up` copies local to remote; `down` remote to local. */
  direction: "up" | "down";
  /** The local directory, relative to the task file. */
  local: string;
  /** The remote directory. */
  remote: string;
  /**
   * Delete destination files and directories that the source lacks
   * (files a filter excludes are kept). Refused when the source is empty.
   *
   * @default {false}
   */
  delete?: boolean;
  /**
   * When to replace an existing destination file.
   *
   * @default {"different"}
   */
  overwrite?: OverwritePolicy;
  /**
   * Upward: upload to temporary names and rename into place at the end.
   *
   * @default {false}
   */
  atomic?: boolean;
  /**
   * Downward: continue shorter local files from their size.
   *
   * @default {false}
   */
  resume?: boolean;
  /**
   * Which paths to consider, relative to the synced directories.
   *
   * @default {[]}
   */
  filter?: FilterRule[];
}

/**
 * A loaded `sync` step's own fields: the local directory absolute,
 * defaults filled in.
 *
 * @example
 * ```ts
 * import type { SyncFields } from "@ferry/ftp/runner";
 * const fields: SyncFields = {
 *   direction: "up",
 *   local: "/srv/site/dist",
 *   remote: "www",
 *   delete: true,
 *   overwrite: "different",
 *   atomic: false,
 *   resume: false,
 *   filter: [],
 * };
 * ```
 */
export interface SyncFields {
  /** `up` copies local to remote; `down` remote to local. */
  direction: "up" | "down";
  /** The local directory, absolute. */
  local: string;
  /** The remote directory, as written. */
  remote: string;
  /** Delete what the source lacks. */
  delete: boolean;
  /** When to replace an existing destination file. */
  overwrite: OverwritePolicy;
  /** Upward: upload to temporaries and rename them into place at the end. */
  atomic: boolean;
  /** Downward: continue shorter local files from their size. */
  resume: boolean;
  /** Which paths to consider. */
  filter: FilterRule[];
}

const schema = actionSchema<SyncAction>()((s: SchemaParts) =>
  s.strict({
    direction: s.z.enum(["up", "down"]),
    local: s.z.string().min(1),
    remote: s.z.string().min(1),
    delete: s.z.boolean().optional(),
    overwrite: s.overwrite.optional(),
    atomic: s.z.boolean().optional(),
    resume: s.z.boolean().optional(),
    filter: s.filter.optional(),
  }, "sync")
);

/** The sync step kind. */
export const sync: StepKindDef<"sync", SyncAction, SyncFields> = {
  kind: "sync",
  schema,
  resolve: (s, at) => {
    const localAt = s.direction === "up" ? at.locate?.(["local"]) : undefined;
    return {
      name: `sync ${
        s.direction === "up" ? `${s.local} → ${s.remote}` : `${s.remote} → ${s.local}`
      }`,
      sourcesAt: localAt && [localAt],
      fields: {
        direction: s.direction,
        local: localPath(at.baseDir, s.local),
        remote: s.remote,
        delete: s.delete ?? false,
        overwrite: s.overwrite ?? "different",
        atomic: s.atomic ?? false,
        resume: s.resume ?? false,
        filter: s.filter ?? [],
      },
    };
  },
  plan: (step, ctx) => step.direction === "up" ? planSyncUp(step, ctx) : planSyncDown(step, ctx),
  sources: (step) =>
    Promise.resolve(step.direction === "up" ? [{ path: step.local, folder: true }] : []),
  writesLocal: (step) => step.direction === "down",
  permissions: (step) => {
    const local = step.local.replace(/[/\\]$/, "");
    return Promise.resolve({ read: [local], write: step.direction === "down" ? [local] : [] });
  },
  // Only upward: watch mode keeps the server in step with local changes.
  watch: (step) =>
    Promise.resolve(
      step.direction === "up"
        ? {
          sources: [{ path: step.local.replace(/(?<=.)[/\\]+$/, ""), type: "folder" }],
          remote: step.remote,
          filter: step.filter,
          overwrite: step.overwrite,
          atomic: step.atomic,
          delete: step.delete,
        }
        : undefined,
    ),
};
