// Every step kind at once, for the task-file schema (../_schema.ts), which
// validates any kind: loading a task file loads them all, a one-shot command
// only the kind it runs (registry.ts).

import type { StepKindDef } from "./_kind.ts";
import { chmod } from "./chmod.ts";
import { get } from "./get.ts";
import { mkdir } from "./mkdir.ts";
import { put } from "./put.ts";
import { rename } from "./rename.ts";
import { rm } from "./rm.ts";
import { rmdir } from "./rmdir.ts";
import { type Same, STEP_KIND_NAMES } from "./registry.ts";
import { sync } from "./sync.ts";
import { verify } from "./verify.ts";

const KINDS = [mkdir, rm, rmdir, rename, put, get, sync, chmod, verify] as const;

// The same kinds as the registry's.
const _sameKinds: Same<(typeof KINDS)[number]["kind"], (typeof STEP_KIND_NAMES)[number]> = true;
void _sameKinds;

/** Every step kind, in the registry's order. */
export const STEP_KINDS: readonly StepKindDef[] = STEP_KIND_NAMES.map((name) =>
  KINDS.find((kind) => kind.kind === name)!
);
