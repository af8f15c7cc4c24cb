// Exact remote times where the listing gave approximate ones. LIST shows
// times to the minute, in an unknown zone; MDTM gives the instant. Asked
// only for the files that need one, many to a round trip
// (FtpClient.lastModifiedAll pipelines them): on the planning connection,
// or, for many files, in shares over the pool's connections too.

import { FtpPermanentError } from "../errors.ts";
import type { PlanContext } from "./_plan_context.ts";
import type { RemoteEntry } from "./_remote_tree.ts";

/**
 * The most MDTMs a share of a spread plan holds: fewer go on the planning
 * connection alone. Each share is one flight on a connection of its own,
 * whose first batch also carries that connection's first EPSV (see
 * Session.mdtmAll).
 */
const SHARE = 128;

/**
 * Fills in exact times (MDTM) for remote files whose listing gave only an
 * approximate one. A file the server gives no time for (550, or no MDTM)
 * gets none: a LIST time's zone is unknown, so only sizes are compared.
 * With `spread` (a plan that warmed the pool: its connections are logged in,
 * or logging in, for the transfers), more than `SHARE` files are asked in
 * shares, no more than the pool is wide, over the planning connection and
 * the free pooled ones at once
 * (1000 files over 8 connections: 8 flights at once, not 2 in a row on one
 * connection, and each connection's first EPSV goes with them).
 */
export async function exactTimes(
  entries: RemoteEntry[],
  ctx: PlanContext,
  spread = false,
): Promise<void> {
  const inexact = entries.filter((e) => !e.exact && e.type === "file");
  if (inexact.length === 0) return;
  // A share pays only on a connection of its own: shares beyond the pool's
  // width would wait for one another, a flight each, where the planning
  // connection alone sends 512 MDTMs a flight.
  const count = Math.min(ctx.spread?.width ?? 1, Math.ceil(inexact.length / SHARE));
  if (!spread || count <= 1) {
    return fill(
      inexact,
      await ctx.client.lastModifiedAll(inexact.map((e) => e.path), {
        signal: ctx.signal,
      }),
    );
  }
  const size = Math.ceil(inexact.length / count);
  const shares: RemoteEntry[][] = [];
  for (let at = 0; at < inexact.length; at += size) shares.push(inexact.slice(at, at + size));
  await ctx.pooled(shares, async (client, share) => {
    fill(share, await client.lastModifiedAll(share.map((e) => e.path), { signal: ctx.signal }));
  });
}

/** Each entry's time from its MDTM's answer; an error other than a permanent one is thrown. */
function fill(entries: RemoteEntry[], times: (Date | Error)[]): void {
  entries.forEach((entry, i) => {
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
