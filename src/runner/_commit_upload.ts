// Moving an uploaded temporary file into place (RNFR/RNTO). Some
// servers will not rename over an existing file. For them the old file is
// moved aside first, the new one renamed into place, and only then the old
// one removed; if the new one still cannot go into place, the old one is
// renamed back. So the final path always holds the old file or the new one
// (short of the connection dying between two renames, which leaves the old
// one under <name>.ferry-old.ferry-part, never removed by ferry).

import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import type { TransferContext } from "./_transfer_context.ts";
import { backupOf } from "./_temporaries.ts";

/** The error of a call, or `undefined` when it succeeded. */
function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(() => undefined, (error) => error ?? new Error("failed"));
}

/** Moves the uploaded temporary `from` (of `size` bytes) to `to`. */
export async function commitUpload(
  client: FtpClient,
  from: string,
  to: string,
  size: number,
  ctx: TransferContext,
): Promise<void> {
  const signal = ctx.signal;
  const refused = await failure(client.rename(from, to, { signal }));
  if (refused === undefined) return;
  if (!(refused instanceof FtpPermanentError)) throw refused;
  // The way round applies only to a whole upload and an existing old file;
  // any other refusal is the answer.
  const held = await client.size(from, { signal }).catch(() => undefined);
  const old = await client.size(to, { signal }).catch(() => undefined);
  if (held !== size || old === undefined) throw refused;
  const backup = backupOf(to);
  // A backup left by a connection lost mid-way is stale: `to` exists again.
  await failure(client.remove(backup, { signal }));
  if (await failure(client.rename(to, backup, { signal }))) throw refused;
  const placed = await failure(client.rename(from, to, { signal }));
  if (placed !== undefined) {
    const restored = await failure(client.rename(backup, to, { signal }));
    if (restored !== undefined) {
      ctx.warn(`Could not put the old ${to} back: it is at ${backup}`);
    }
    throw placed;
  }
  const removed = await failure(client.remove(backup, { signal }));
  ctx.warn(
    `The server would not rename over ${to}: moved the old file aside, renamed the new one ` +
      `into place, ${
        removed === undefined ? "removed the old one" : `left the old one at ${backup}`
      }`,
  );
}
