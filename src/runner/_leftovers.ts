// After a step's work: what actions that did not finish left at a final
// path is removed, so a failed or interrupted run leaves no partial file
// there. That is the partial upload of a new file (nothing was there
// before, so removing it loses nothing).
// It runs after Ctrl-C too, on its own short deadline: the run's signal is
// aborted by then. Temporaries (atomic uploads, and uploads that replace a
// file) stay, to be continued by the next run (see _temporaries.ts).

import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import type { Lease } from "./_pool.ts";
import type { StepEnv } from "./_step_env.ts";
import type { Work } from "./_work.ts";
import type { ActionReport } from "./report.ts";

/** How long removing leftovers may take, Ctrl-C or not. */
const CLEANUP_MS = 5_000;
/** The same, once the step gave up on a server that stopped answering. */
const CLEANUP_AFTER_SILENCE_MS = 1_000;

/** Removes the remote leftovers of actions that failed or were cancelled (best effort). */
export async function removeLeftovers(
  work: readonly Work[],
  actions: ReadonlyMap<number, ActionReport>,
  env: StepEnv,
): Promise<void> {
  const leftovers = work.flatMap((w) => {
    const result = actions.get(w.id)?.result;
    const path = result === "failed" || result === "cancelled" ? w.leftover?.() : undefined;
    return path === undefined ? [] : [path];
  });
  if (leftovers.length === 0) return;
  // After the step gave up on a silent server, one short try: a server
  // that still takes new connections lets the partial file go; a dead one
  // costs a second, not another timeout.
  const signal = AbortSignal.timeout(env.silence.gaveUp ? CLEANUP_AFTER_SILENCE_MS : CLEANUP_MS);
  let lease: Lease | undefined;
  try {
    lease = await env.pool.acquire(signal);
    for (const path of leftovers) {
      // A store the server accepted (1xx) may still have created nothing
      // (it failed before opening the file): nothing to remove, nothing to say.
      if (await storedNothing(lease.client, path, signal)) continue;
      const error = await lease.client.remove(path, { signal }).then(() => undefined, (e) => e);
      if (error === undefined) env.warn(`Removed the partial upload at ${path}`);
      else if (error instanceof FtpPermanentError) {
        env.warn(`Could not remove the partial upload at ${path}: ${error.message}`);
      } else throw error;
    }
    env.pool.release(lease);
  } catch (error) {
    if (lease) env.pool.release(lease, true);
    env.warn(
      `Could not remove the partial upload(s) at ${leftovers.join(", ")}: ` +
        (error as Error).message,
    );
  }
}

/**
 * Whether the server holds no file at `path`: SIZE answers 550. A server
 * without SIZE (502), or any other answer, counts as "maybe": then DELE is
 * tried and its failure reported.
 */
async function storedNothing(
  client: FtpClient,
  path: string,
  signal: AbortSignal,
): Promise<boolean> {
  const error = await client.size(path, { signal }).then(() => undefined, (e) => e);
  if (error === undefined) return false;
  if (error instanceof FtpPermanentError && error.code === 550) return true;
  if (error instanceof FtpPermanentError) return false;
  throw error;
}
