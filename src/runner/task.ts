/**
 * A task after loading: validated, interpolated, with local paths made
 * absolute and the connection turned into {@linkcode FtpClientOptions}.
 * This is what {@linkcode runTask} runs.
 *
 * @module
 */

import type { FtpClientOptions } from "../client/options.ts";
import type { StepKinds } from "./steps/mod.ts";
import type { TaskFileLocation } from "./task_file_error.ts";

/**
 * The connection of a loaded task.
 *
 * @example
 * ```ts
 * import { loadTask } from "@ferry/ftp/runner";
 * const task = await loadTask("deploy.yaml");
 * console.log(task.connection.display, task.connection.parallel);
 * ```
 */
export interface TaskConnectionSettings {
  /** Options for each `FtpClient` of the pool (the password included). */
  options: FtpClientOptions;
  /** How many connections carry a step's transfers. */
  parallel: number;
  /** The server as it may be shown: `ftp://user@host:port/path`, no password. */
  display: string;
}

/**
 * What every loaded step has.
 *
 * @example
 * ```ts
 * import type { StepBase } from "@ferry/ftp/runner";
 * const describe = (step: StepBase) => `${step.index + 1}. ${step.name}`;
 * ```
 */
export interface StepBase {
  /** 0-based position in the task. */
  index: number;
  /** The step's name, or one made from its kind and paths. */
  name: string;
  /** Go on with the next steps when this one fails. */
  continueOnError: boolean;
  /** Retries of a transient failure, per file. */
  retries: number;
  /**
   * Where the step's local sources are written in its task file, one per
   * source (`put`'s `from` paths; `sync` up's `local`), so that a missing
   * one is reported at its place. Absent for tasks built in code.
   */
  sourcesAt?: TaskFileLocation[];
  /** Retries of a timeout, per file; as many plus one in a row stop the step. */
  timeoutRetries: number;
}

/**
 * A loaded step: {@linkcode StepBase}, its `kind`, and the kind's own
 * fields (see {@linkcode StepKinds}). Local paths are absolute; remote
 * paths are as written (relative ones are relative to the login directory
 * or the URL's path).
 *
 * @example
 * ```ts
 * import type { Step } from "@ferry/ftp/runner";
 * const isTransfer = (step: Step) => step.kind === "put" || step.kind === "get" || step.kind === "sync";
 * ```
 */
export type Step = {
  [K in keyof StepKinds]: StepBase & { kind: K } & StepKinds[K]["fields"];
}[keyof StepKinds];

/**
 * The kinds of step.
 *
 * @example
 * ```ts
 * import type { StepKind } from "@ferry/ftp/runner";
 * const kind: StepKind = "sync";
 * ```
 */
export type StepKind = Step["kind"];

/**
 * The watch settings of a loaded task, in milliseconds (see
 * {@linkcode TaskWatch} for what each means).
 *
 * @example
 * ```ts
 * import type { WatchSettings } from "@ferry/ftp/runner";
 * const watch: WatchSettings = { debounceMs: 300, maxWaitMs: 5_000, keepAliveMs: 30_000 };
 * ```
 */
export interface WatchSettings {
  /** Quiet time before a batch. */
  debounceMs: number;
  /** The longest a change waits for the quiet time. */
  maxWaitMs: number;
  /** NOOP interval of idle connections; 0 for none. */
  keepAliveMs: number;
}

/**
 * A loaded task, ready to run.
 *
 * @example
 * ```ts
 * import { loadTask, runTask } from "@ferry/ftp/runner";
 * const task = await loadTask("deploy.yaml");
 * const report = await runTask(task, { dryRun: true });
 * ```
 */
export interface Task {
  /** The task file, absolute; `undefined` for a task built in code. */
  file?: string;
  /** The directory relative local paths were resolved against. */
  baseDir: string;
  /** The server. */
  connection: TaskConnectionSettings;
  /** The steps, in order. */
  steps: Step[];
  /**
   * Settings of watch mode (`ferry watch`, {@linkcode watchTask}); a
   * loaded task file always has them, defaults filled in.
   *
   * @default {the defaults of TaskWatch}
   */
  watch?: WatchSettings;
  /**
   * Strings never to show (passwords, wherever they came from), for
   * redacting output, reports and errors.
   */
  secrets: string[];
  /** What the task reads besides its paths, for `ferry permissions`. */
  reads: {
    /** Environment variables referenced. */
    env: string[];
    /** Files read while loading: the task, the .env, the CA file, the netrc. */
    files: string[];
  };
}
