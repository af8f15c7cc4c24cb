// Planning a step that makes or removes remote directories (mkdir, rmdir):
// every path stat-ed together (FtpClient.statAll), then for each a skip, a
// refusal (PlanError) or the change.

import type { FtpClient } from "../../client/ftp_client.ts";
import type { PlanContext } from "../_plan_context.ts";
import { type RemoteEntry, statRemoteAll } from "../_remote_tree.ts";
import { Phase, serverCommand, type Work } from "../_work.ts";

/** What a directory step does at one path. */
export interface DirectoryChange {
  /** The action it plans, which is also its phase. */
  action: "mkdir" | "rmdir";
  /**
   * From what the server has at `path`: `{ skip }` or `{ change }` with the
   * reason the report shows. Throws a PlanError for what it must not touch.
   */
  decide(path: string, found: RemoteEntry | undefined): { skip: string } | { change: string };
  /** Makes the change. */
  run(client: FtpClient, path: string, signal: AbortSignal): Promise<void>;
}

/** The work of a directory step over its paths, in order. */
export async function planDirectories(
  paths: readonly string[],
  ctx: PlanContext,
  how: DirectoryChange,
): Promise<Work[]> {
  const phase = Phase[how.action];
  const work: Work[] = [];
  const found = await statRemoteAll(ctx.client, paths, ctx.signal);
  for (const [i, path] of paths.entries()) {
    const verdict = how.decide(path, found[i]);
    if ("skip" in verdict) {
      work.push({ id: ctx.id(), action: "skip", path, reason: verdict.skip, phase });
      continue;
    }
    work.push({
      id: ctx.id(),
      action: how.action,
      path,
      reason: verdict.change,
      phase,
      run: serverCommand((client, signal) => how.run(client, path, signal)),
    });
  }
  return work;
}
