// The unit the runner executes: a planned action plus how to carry it out.
// A step's work runs phase by phase; a phase starts only when the one
// before it fully succeeded (so an atomic step renames nothing, and a sync
// deletes nothing, after a failed transfer).

import type { FtpClient } from "../client/ftp_client.ts";
import type { PlannedAction } from "./report.ts";
import type { TransferContext, TransferOutcome } from "./_transfer_context.ts";
import type { DownloadJob } from "./_download_file.ts";

/** Phases, in order. */
export const Phase = {
  /** Directories, parents first, one at a time. */
  mkdir: 0,
  /** Transfers, single deletes and renames, over the whole pool. */
  transfer: 1,
  /** Atomic uploads moved into place. */
  commit: 2,
  /** Extraneous files removed (sync). */
  delete: 3,
  /** Directories removed, deepest first, one at a time. */
  rmdir: 4,
} as const;

/** Phases that run one action at a time. */
export const SEQUENTIAL_PHASES: ReadonlySet<number> = new Set([Phase.mkdir, Phase.rmdir]);

/** A planned action and its execution. */
export interface Work extends PlannedAction {
  phase: number;
  /** Runs the action; absent for skips. `client` is absent for local actions. */
  run?(client: FtpClient | undefined, ctx: TransferContext): Promise<TransferOutcome>;
  /** Local actions need no connection. */
  local?: boolean;
  /**
   * Turns a failure into a skip with this reason when it matches (a
   * directory that is not empty because it holds protected files).
   */
  tolerate?(error: unknown, attempt: number): string | undefined;
  /**
   * A remote file the action leaves behind when it fails or is cancelled,
   * to be removed then: the partial upload of a new file.
   */
  leftover?(): string | undefined;
  /** A download's job: the runner may carry it out in a batch (src/runner/_run_batch.ts). */
  download?: DownloadJob;
}

/** Creates work ids unique within a run. */
export function idSource(): () => number {
  let next = 1;
  return () => next++;
}

/**
 * The `run` of an action that is one command on the server and moves no
 * bytes (a delete, a rename, a directory made or removed, a mode set).
 */
export function serverCommand(
  command: (client: FtpClient, signal: AbortSignal) => Promise<unknown>,
): NonNullable<Work["run"]> {
  return async (client, run) => {
    await command(client!, run.signal);
    return { bytes: 0 };
  };
}
