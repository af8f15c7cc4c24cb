// What a step kind is: everything the runner, the schema, `ferry
// permissions` and the CLI need to know about one kind, in one object that
// its module (steps/<kind>.ts) exports and registry.ts lists. The rest of
// the runner loops over the registry and never names a kind.

import type { z } from "zod";
import { resolve } from "../../std/path.ts";
import { splitGlob } from "../_filter.ts";
import type { PlanContext } from "../_plan_context.ts";
import type { SchemaParts } from "../_schema_parts.ts";
import type { KeyPath } from "../_source.ts";
import type { Work } from "../_work.ts";
import type { StepBase } from "../task.ts";
import type { FilterRule, OverwritePolicy, PathList } from "../task_file.ts";
import type { TaskFileLocation } from "../task_file_error.ts";

/** A loaded step of kind `K` with its own fields `F`. */
export type StepOf<K extends string, F> = StepBase & { kind: K } & F;

/** What resolving a step's action can use. */
export interface ResolveAt {
  /** The directory relative local paths start from (the task file's). */
  baseDir: string;
  /**
   * Where a key below the step's action is in the task file (`["from", 1]`
   * for a put step's second source); absent for tasks built in code.
   */
  locate?(path: KeyPath): TaskFileLocation;
}

/** A step's action, resolved: its own fields, and a name for when the task gives none. */
export interface Resolved<F> {
  /** The name made from the kind and its paths. */
  name: string;
  /** The loaded step's own fields. */
  fields: F;
  /** Where each local source is written (see `StepBase.sourcesAt`). */
  sourcesAt?: TaskFileLocation[];
}

/** A local path a step reads, which must exist when the step starts. */
export interface LocalSource {
  path: string;
  /** Whether it must be a folder (a glob's base, a synced directory). */
  folder: boolean;
}

/** The local paths a step reads and writes, for `ferry permissions`. */
export interface LocalAccess {
  read?: string[];
  write?: string[];
}

/** A local folder or file whose changes concern a step in watch mode. */
export interface WatchSource {
  /** Absolute, without a trailing slash. */
  path: string;
  /** A folder is watched with everything below it; a file through its folder. */
  type: "folder" | "file";
  /** For a glob: the pattern below `path` that a file must match. */
  glob?: string;
}

/**
 * What watch mode watches of a step, and how it uploads the changes: each
 * changed path, relative to its source, goes to the same path below
 * `remote`, planned like the step's run (`overwrite`, `atomic`, `filter`),
 * and a removed one is deleted there only with `delete`.
 */
export interface WatchSpec {
  sources: WatchSource[];
  /**
   * The remote directory changed paths go to; absent when a change is
   * planned as the whole step (a put of one file to a file name).
   */
  remote?: string;
  filter: FilterRule[];
  overwrite: OverwritePolicy;
  atomic: boolean;
  delete: boolean;
}

/**
 * How the CLI shows an action and how the totals count it: `transferred`
 * (a file moved), `changed` (anything else the action changes), or
 * `unchanged` (a check that changed nothing, counted with "up to date",
 * and listed one by one only with --verbose when it succeeds).
 */
export interface ActionStyle {
  /** The character before the action in output lines. */
  symbol: string;
  counts: "transferred" | "changed" | "unchanged";
}

/** One step kind. */
export interface StepKindDef<K extends string = string, A = unknown, F = unknown> {
  /** The key that holds the action in a task file, and the loaded step's `kind`. */
  readonly kind: K;
  /** "a" or "an", for messages such as "unknown key in an rm step". */
  readonly article?: "a" | "an";
  /**
   * The action's schema (the value under the kind's key), built from the
   * shared parts; no transforms, so that the JSON Schema says all it checks.
   */
  schema(parts: SchemaParts): z.ZodType<A>;
  /** Turns a validated action into the loaded step's fields. */
  resolve(action: A, at: ResolveAt): Resolved<F>;
  /** Looks at both sides and returns the step's work (see _work.ts). */
  plan(step: StepOf<K, F>, ctx: PlanContext): Promise<Work[]>;
  /** Local paths that must exist when the step starts (put's sources). */
  sources?(step: StepOf<K, F>): Promise<LocalSource[]>;
  /**
   * Whether the step may write local files: a later step's missing source
   * may be its output, so sources after it are checked only when their
   * step starts.
   */
  writesLocal?(step: StepOf<K, F>): boolean;
  /** The local paths it reads and writes. */
  permissions?(step: StepOf<K, F>): Promise<LocalAccess>;
  /**
   * What `ferry watch` watches of the step (uploads only: put, sync up);
   * steps without it run in the initial run only.
   */
  watch?(step: StepOf<K, F>): Promise<WatchSpec | undefined>;
  /** Action kinds it introduces, with how they are shown and counted. */
  readonly actions?: Readonly<Record<string, ActionStyle>>;
}

/** Whether two types are the same (for build-time checks that a schema matches its type). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Whether a step kind's schema validates exactly the objects of its action type. */
export type SchemaMatches<S extends (parts: SchemaParts) => z.ZodType, A> = Same<
  z.output<ReturnType<S>>,
  A
>;

/**
 * A step kind's schema, checked at build time ({@linkcode SchemaMatches})
 * to validate exactly the objects of its action type `A`:
 * `const schema = actionSchema<GetAction>()((s) => s.strict({ ... }, "get"))`.
 * A schema that accepts more or less than `A` does not compile.
 */
export function actionSchema<A>() {
  return <S extends (parts: SchemaParts) => z.ZodType>(
    schema: S & (SchemaMatches<S, A> extends true ? unknown : never),
  ): S => schema;
}

/** One path, or a list, as a list. */
export function list(value: string | string[]): string[] {
  return typeof value === "string" ? [value] : value;
}

const pathListSchema = actionSchema<PathList>()((s: SchemaParts) => s.paths);

/**
 * The schema and resolution of a step kind whose action is a list of remote
 * paths (`mkdir`, `rmdir`, `rm`): `{ rm: ["a.txt", "old/*.log"] }`.
 */
export function pathListAction(kind: string): {
  schema(parts: SchemaParts): z.ZodType<PathList>;
  resolve(action: PathList): Resolved<{ paths: string[] }>;
} {
  return {
    schema: pathListSchema,
    resolve: (paths) => ({
      name: `${kind} ${list(paths).join(" ")}`,
      fields: { paths: list(paths) },
    }),
  };
}

/** A local path made absolute; a trailing slash (meaning "a directory") is kept. */
export function localPath(baseDir: string, path: string): string {
  const absolute = resolve(baseDir, path);
  return /[/\\]$/.test(path) && !absolute.endsWith("/") ? `${absolute}/` : absolute;
}

/** The directory a local path or glob lives in (what reading it needs). */
export async function localBase(path: string): Promise<string> {
  const { base, glob } = await splitGlob(path.replaceAll("\\", "/"));
  return glob ? (base === "" ? "." : base) : path.replace(/[/\\]$/, "");
}

/** A local source as a put names it: a glob's base is a folder, a trailing slash asks for one. */
export async function sourceOf(path: string): Promise<LocalSource> {
  const { base, glob } = await splitGlob(path.replaceAll("\\", "/"));
  if (glob) return { path: base === "" ? "." : base, folder: true };
  return { path, folder: /[/\\]$/.test(path) };
}
