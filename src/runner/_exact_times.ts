// Exact remote times where the listing gave approximate ones. LIST shows
// times to the minute, in an unknown zone; MDTM gives the instant. Asked
// only for the files that need one, on the planning connection, many to a
// round trip (FtpClient.lastModifiedAll pipelines them).

import { FtpPermanentError } from "../errors.ts";
import type { PlanContext } from "./_plan_context.ts";
import type { RemoteEntry } from "./_remote_tree.ts";

/**
 * Fills in exact times (MDTM) for remote files whose listing gave only an
 * approximate one. A file the server gives no time for (550, or no MDTM)
 * gets none: a LIST time's zone is unknown, so only sizes are compared.
 */
export async function exactTimes(entries: RemoteEntry[], ctx: PlanContext): Promise<void> {
  const inexact = entries.filter((e) => !e.exact && e.type === "file");
  if (inexact.length === 0) return;
  const times = await ctx.client.lastModifiedAll(inexact.map((e) => e.path), {
    signal: ctx.signal,
  });
  inexact.forEach((entry, i) => {
    const time = times[i];
    if (time instanceof Date) {
      entry.modified = time;
      entry.exact = true;
      return;
    }
    if (!(time instanceof FtpPermanentError)) throw time;
    entry.modified = undefined;
  });
}
