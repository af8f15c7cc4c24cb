/**
 * What a run planned and did, as plain data: the `--json` / `--report`
 * output of `ferry run` and the result of {@linkcode runTask}. Every
 * message in it has passwords replaced by `***`.
 *
 * @module
 */

import type { StepKindActions, StepKinds } from "./steps/mod.ts";

/**
 * What an action does. `*-local` actions change the local side. Step
 * kinds may add their own (see {@linkcode StepKinds}).
 *
 * @example
 * ```ts
 * import type { ActionKind } from "@ferry/ftp/runner";
 * const changesRemote = (k: ActionKind) => !k.endsWith("-local") && k !== "download" && k !== "skip";
 * ```
 */
export type ActionKind =
  | "mkdir"
  | "upload"
  | "download"
  | "delete"
  | "rmdir"
  | "rename"
  | "mkdir-local"
  | "delete-local"
  | "rmdir-local"
  | "skip"
  | { [K in keyof StepKinds]: StepKindActions<K> }[keyof StepKinds];

/**
 * One planned action.
 *
 * @example
 * ```ts
 * import type { PlannedAction } from "@ferry/ftp/runner";
 * const show = (a: PlannedAction) => `${a.action} ${a.from ? `${a.from} → ` : ""}${a.path} (${a.reason})`;
 * ```
 */
export interface PlannedAction {
  /** Unique within the run. */
  id: number;
  /** What it does. */
  action: ActionKind;
  /** The target: remote for remote actions, local for downloads and `*-local`. */
  path: string;
  /** The source of a transfer or rename. */
  from?: string;
  /** Bytes to move, for transfers (the whole file; less when resumed). */
  size?: number;
  /** Why: `new`, `size differs`, `up to date`, `extraneous`, ... */
  reason: string;
}

/**
 * An error as reported: its class name, the FTP reply code or failure kind
 * when there is one, and the (redacted) message.
 *
 * @example
 * ```ts
 * import type { ErrorInfo } from "@ferry/ftp/runner";
 * const info: ErrorInfo = { name: "FtpPermanentError", code: 550, message: "550 No such file" };
 * ```
 */
export interface ErrorInfo {
  /** The error class, such as `FtpPermanentError`. */
  name: string;
  /**
   * A reply code (550), a connection failure kind (`closed`), a timeout
   * phase (`data`), or the kind of a verify step's difference (`size`).
   */
  code?: number | string;
  /** What went wrong, passwords redacted. */
  message: string;
}

/**
 * How an action ended: `ok`, `failed`, `skipped` (nothing to do),
 * `planned` (a dry run), `cancelled` (Ctrl-C or an earlier failure).
 *
 * @example
 * ```ts
 * import type { ActionResult } from "@ferry/ftp/runner";
 * const done: ActionResult[] = ["ok", "skipped"];
 * ```
 */
export type ActionResult = "ok" | "failed" | "skipped" | "planned" | "cancelled";

/**
 * One action in the report.
 *
 * @example
 * ```ts
 * import type { ActionReport } from "@ferry/ftp/runner";
 * const slow = (a: ActionReport) => a.durationMs > 10_000;
 * ```
 */
export interface ActionReport extends PlannedAction {
  /** How it ended. */
  result: ActionResult;
  /** Bytes moved over the network. */
  bytes: number;
  /** Time taken, all tries included. */
  durationMs: number;
  /** Tries made (1 unless retried). */
  attempts: number;
  /** The byte a resumed transfer started from. */
  resumedFrom?: number;
  /** Why it failed. */
  error?: ErrorInfo;
}

/**
 * One step in the report.
 *
 * @example
 * ```ts
 * import type { StepReport } from "@ferry/ftp/runner";
 * const failedFiles = (s: StepReport) => s.actions.filter((a) => a.result === "failed");
 * ```
 */
export interface StepReport {
  /** 0-based position in the task. */
  index: number;
  /** The step's name. */
  name: string;
  /** The step's kind: `mkdir`, `put`, `sync`, ... (a key of {@linkcode StepKinds}). */
  kind: string;
  /** `ok`, `failed`, `planned` (dry run), or `cancelled`/`skipped` (not run). */
  result: "ok" | "failed" | "planned" | "cancelled" | "skipped";
  /** Planning and execution time. */
  durationMs: number;
  /** Bytes moved by the step's transfers. */
  bytes: number;
  /** Entries skipped as unsafe, links not followed, and the like. */
  warnings: string[];
  /** Why the step failed as a whole (planning failed, or a summary). */
  error?: ErrorInfo;
  /** Every planned action and how it ended. */
  actions: ActionReport[];
}

/**
 * The whole run.
 *
 * @example
 * ```ts
 * import { loadTask, runTask } from "@ferry/ftp/runner";
 * const report = await runTask(await loadTask("deploy.yaml"));
 * console.log(report.ok, report.totals.bytes);
 * ```
 */
export interface RunReport {
  /** The report format's version. */
  version: 1;
  /** The task file, when there is one. */
  task?: string;
  /** The server, without password. */
  server: string;
  /** Whether this was a dry run (`ferry plan`). */
  dryRun: boolean;
  /** Whether every step succeeded. */
  ok: boolean;
  /** Whether Ctrl-C (the signal) stopped the run. */
  interrupted: boolean;
  /** When the run started (ISO 8601). */
  startedAt: string;
  /** How long it took. */
  durationMs: number;
  /** Counts over all steps. */
  totals: {
    /** Files uploaded or downloaded. */
    transferred: number;
    /** Actions with nothing to do. */
    skipped: number;
    /** Actions that failed, and steps that failed before any action (planning). */
    failed: number;
    /** Other changes: directories made, files deleted or renamed. */
    changed: number;
    /** Bytes moved over the network. */
    bytes: number;
  };
  /** Each step, in order. */
  steps: StepReport[];
}
