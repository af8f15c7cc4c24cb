// Exact remote times where the listing gave approximate ones. LIST shows
// times to the minute, in an unknown zone; MDTM gives the instant. Asked
// only for the files whose comparison needs a time, over the pool.

import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import type { PlanContext } from "./_plan_context.ts";
import type { RemoteEntry } from "./_remote_tree.ts";

/** Fills in exact times (MDTM) for remote files whose listing gave only an approximate one. */
export async function exactTimes(entries: RemoteEntry[], ctx: PlanContext): Promise<void> {
  const inexact = entries.filter((e) => !e.exact && e.type === "file");
  await ctx.pooled(inexact, async (client: FtpClient, entry) => {
    try {
      entry.modified = await client.lastModified(entry.path, { signal: ctx.signal });
      entry.exact = true;
    } catch (error) {
      if (!(error instanceof FtpPermanentError)) throw error;
      entry.modified = undefined; // A LIST time's zone is unknown: compare sizes only.
    }
  });
}
