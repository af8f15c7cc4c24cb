/**
 * The task-file and loaded types of every step kind, and the map that ties
 * each kind's name to them ({@linkcode StepKinds}). `TaskStep`, `Step` and
 * `ActionKind` are built from that map, so a new kind appears in them by
 * its line here.
 *
 * @module
 */

import type { PathList } from "../task_file.ts";
import type { ChmodAction, ChmodFields } from "./chmod.ts";
import type { GetAction, GetFields } from "./get.ts";
import type { MkdirFields } from "./mkdir.ts";
import type { PutAction, PutFields } from "./put.ts";
import type { RenameAction, RenameFields } from "./rename.ts";
import type { RmFields } from "./rm.ts";
import type { RmdirFields } from "./rmdir.ts";
import type { SyncAction, SyncFields } from "./sync.ts";
import type { VerifyAction, VerifyFields } from "./verify.ts";

export type { ChmodAction, ChmodFields } from "./chmod.ts";
export type { GetAction, GetFields } from "./get.ts";
export type { MkdirFields } from "./mkdir.ts";
export type { PutAction, PutFields } from "./put.ts";
export type { RenameAction, RenameFields } from "./rename.ts";
export type { RmFields } from "./rm.ts";
export type { RmdirFields } from "./rmdir.ts";
export type { SyncAction, SyncFields } from "./sync.ts";
export type { VerifyAction, VerifyBy, VerifyDifference, VerifyFields } from "./verify.ts";
export { VerifyError } from "./verify.ts";

/**
 * Each step kind: `action`, what its key holds in a task file; `fields`,
 * what a loaded step of the kind has besides {@linkcode StepBase}; and
 * `actions`, the action kinds it adds to the report (besides uploads,
 * downloads, directories, deletes, renames and skips, which every kind may
 * use).
 *
 * @example Reading a kind's types
 * ```ts
 * import type { StepKinds } from "@ferry/ftp/runner";
 *
 * const put: StepKinds["put"]["action"] = { from: "dist", to: "www/" };
 * ```
 */
export interface StepKinds {
  /** Remote directories, with their parents. */
  mkdir: { action: PathList; fields: MkdirFields };
  /** Remote files or globs deleted. */
  rm: { action: PathList; fields: RmFields };
  /** Remote directories removed with their content. */
  rmdir: { action: PathList; fields: RmdirFields };
  /** A remote path renamed. */
  rename: { action: RenameAction; fields: RenameFields };
  /** Local files uploaded. */
  put: { action: PutAction; fields: PutFields };
  /** Remote files downloaded. */
  get: { action: GetAction; fields: GetFields };
  /** A tree made to match another. */
  sync: { action: SyncAction; fields: SyncFields };
  /** Permissions set on remote paths (SITE CHMOD). */
  chmod: { action: ChmodAction; fields: ChmodFields; actions: "chmod" };
  /** Local and remote files compared; nothing changed. */
  verify: { action: VerifyAction; fields: VerifyFields; actions: "verify" };
}

/**
 * The action kinds a step kind adds to the report, if any.
 *
 * @example
 * ```ts
 * import type { StepKindActions } from "@ferry/ftp/runner";
 *
 * type FromPut = StepKindActions<"put">; // never: put uses the shared actions
 * ```
 */
export type StepKindActions<K extends keyof StepKinds> = StepKinds[K] extends
  { actions: infer A extends string } ? A : never;
