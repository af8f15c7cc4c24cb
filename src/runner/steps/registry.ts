// The step kinds, in the order task-file messages and the JSON Schema list
// them. Everything else loops over this list: the schema (../_schema.ts),
// resolution (../resolve_task.ts), planning (../_plan_step.ts), local sources
// (../_local_sources.ts), `ferry permissions`, the totals and the CLI's
// output. A new kind is a module beside this file, its lines here and in
// mod.ts (its types), and `deno task schema`: see docs/architecture.md.

import type { StepKind } from "../task.ts";
import type { ActionStyle, Same, StepKindDef } from "./_kind.ts";
import { chmod } from "./chmod.ts";
import { get } from "./get.ts";
import { mkdir } from "./mkdir.ts";
import { put } from "./put.ts";
import { rename } from "./rename.ts";
import { rm } from "./rm.ts";
import { rmdir } from "./rmdir.ts";
import { sync } from "./sync.ts";
import { verify } from "./verify.ts";

export type {
  ActionStyle,
  LocalAccess,
  LocalSource,
  Same,
  StepKindDef,
  WatchSource,
  WatchSpec,
} from "./_kind.ts";

const KINDS = [mkdir, rm, rmdir, rename, put, get, sync, chmod, verify] as const;

// The kinds listed here and the types in mod.ts must name the same kinds.
const _sameKinds: Same<(typeof KINDS)[number]["kind"], StepKind> = true;
void _sameKinds;

/** Every step kind. */
export const STEP_KINDS: readonly StepKindDef[] = KINDS;

const BY_KIND = new Map(STEP_KINDS.map((kind) => [kind.kind, kind]));

/** The step kind called `kind`. */
export function stepKind(kind: string): StepKindDef {
  const found = BY_KIND.get(kind);
  if (!found) throw new Error(`no step kind "${kind}"`);
  return found;
}

/** The step kind whose key the task-file step holds. */
export function stepKindOf(step: object): StepKindDef {
  const found = STEP_KINDS.find((kind) => kind.kind in step);
  if (!found) throw new Error(`a step with none of ${[...BY_KIND.keys()].join(", ")}`);
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

const ACTIONS: Readonly<Record<string, ActionStyle>> = Object.assign(
  {},
  BASIC_ACTIONS,
  ...STEP_KINDS.map((kind) => kind.actions ?? {}),
);

const UNKNOWN_ACTION: ActionStyle = { symbol: "?", counts: "changed" };

/** How an action is shown and counted. */
export function actionStyle(action: string): ActionStyle {
  return ACTIONS[action] ?? UNKNOWN_ACTION;
}
