// The step kinds, in the order task-file messages and the JSON Schema list
// them, each loaded when a task first uses it: a one-file get should not pay
// for the verify step's hashes, sync's planning or chmod's parser at start
// (docs/performance.md, "Cold start"). Everything else loops over this list:
// resolution (../resolve_task.ts), planning (../_plan_step.ts), local
// sources (../_local_sources.ts), `ferry permissions`, the totals and the
// CLI's output; the schema (../_schema.ts) takes every kind from
// all_kinds.ts. A new kind is a module beside this file, its lines here, in
// all_kinds.ts and in mod.ts (its types), and `deno task schema`: see
// docs/architecture.md.

import type { StepKind } from "../task.ts";
import type { ActionStyle, Same, StepKindDef } from "./_kind.ts";

export type {
  ActionStyle,
  LocalAccess,
  LocalSource,
  Same,
  StepKindDef,
  WatchSource,
  WatchSpec,
} from "./_kind.ts";

/** How each kind's module is loaded; a dynamic import runs once, when it is first asked for. */
const KINDS = {
  mkdir: () => import("./mkdir.ts").then((m) => m.mkdir),
  rm: () => import("./rm.ts").then((m) => m.rm),
  rmdir: () => import("./rmdir.ts").then((m) => m.rmdir),
  rename: () => import("./rename.ts").then((m) => m.rename),
  put: () => import("./put.ts").then((m) => m.put),
  get: () => import("./get.ts").then((m) => m.get),
  sync: () => import("./sync.ts").then((m) => m.sync),
  chmod: () => import("./chmod.ts").then((m) => m.chmod),
  verify: () => import("./verify.ts").then((m) => m.verify),
} satisfies { [K in StepKind]: () => Promise<StepKindDef<K>> };

// The kinds listed here and the types in mod.ts must name the same kinds.
const _sameKinds: Same<keyof typeof KINDS, StepKind> = true;
void _sameKinds;

/** Every step kind's name, in the registry's order. */
export const STEP_KIND_NAMES: readonly StepKind[] = Object.keys(KINDS) as StepKind[];

/** The kinds loaded so far, by name. */
const loaded = new Map<string, StepKindDef>();

/** The step kind called `kind`, its module loaded on first use. */
export async function stepKind(kind: string): Promise<StepKindDef> {
  const found = loaded.get(kind);
  if (found) return found;
  if (!Object.hasOwn(KINDS, kind)) throw new Error(`no step kind "${kind}"`);
  const definition: StepKindDef = await KINDS[kind as StepKind]();
  loaded.set(kind, definition);
  return definition;
}

/** The name of the step kind whose key the task-file step holds. */
export function stepKindNameOf(step: object): StepKind {
  const found = STEP_KIND_NAMES.find((kind) => kind in step);
  if (!found) throw new Error(`a step with none of ${STEP_KIND_NAMES.join(", ")}`);
  return found;
}

/** The actions every kind may use (transfers, directories, deletes, renames, skips). */
const BASIC_ACTIONS: Readonly<Record<string, ActionStyle>> = {
  upload: { symbol: "↑", counts: "transferred" },
  download: { symbol: "↓", counts: "transferred" },
  mkdir: { symbol: "+", counts: "changed" },
  "mkdir-local": { symbol: "+", counts: "changed" },
  delete: { symbol: "-", counts: "changed" },
  "delete-local": { symbol: "-", counts: "changed" },
  rmdir: { symbol: "-", counts: "changed" },
  "rmdir-local": { symbol: "-", counts: "changed" },
  rename: { symbol: "~", counts: "changed" },
  skip: { symbol: "=", counts: "unchanged" },
};

const UNKNOWN_ACTION: ActionStyle = { symbol: "?", counts: "changed" };

/**
 * How an action is shown and counted. A kind's own actions (chmod's,
 * verify's) come from its definition, which is loaded: a step of that kind
 * planned them.
 */
export function actionStyle(action: string): ActionStyle {
  if (Object.hasOwn(BASIC_ACTIONS, action)) return BASIC_ACTIONS[action];
  for (const kind of loaded.values()) {
    if (kind.actions && Object.hasOwn(kind.actions, action)) return kind.actions[action];
  }
  return UNKNOWN_ACTION;
}
