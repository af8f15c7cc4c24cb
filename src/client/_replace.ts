// Renaming a file over another on servers that will not rename over an
// existing file (`rename(from, to, { replace: true })`, and an atomic
// upload's last step). The old file is moved aside first, the new one
// renamed into place, and only then the old one removed; if the new one
// still cannot go into place, the old one is renamed back. So the final
// path always holds the old file or the new one (short of the connection
// dying between two renames, which leaves the old one under
// <name>.ferry-old.ferry-part, never removed by ferry). Once begun, the
// renames run to their end whatever the call's signal says: stopping in
// between is what could leave the final path empty.

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { FtpPermanentError } from "../errors.ts";
import type { Session } from "./_session.ts";
import { ASIDE_SUFFIX } from "./temporary_names.ts";

/** The error of a call, or `undefined` when it succeeded. */
function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(() => undefined, (error) => error ?? new Error("failed"));
}

/**
 * Renames `from` over `to`, moving the old `to` aside when the server
 * refuses (see the module comment). `size`, when given, is what `from`
 * must hold for the way round to be taken: only a whole upload replaces
 * a file. Any other refusal is thrown as the server gave it.
 */
export async function replaceFile(
  session: Session,
  from: string,
  to: string,
  warn: (message: string) => void,
  size?: number,
): Promise<void> {
  const refused = await failure(session.rename(from, to));
  if (refused === undefined) return;
  if (!(refused instanceof FtpPermanentError)) throw refused;
  // The way round applies only to a whole new file and an existing old one.
  const held = await session.size(from).catch(() => undefined);
  const old = await session.size(to).catch(() => undefined);
  if (held === undefined || (size !== undefined && held !== size) || old === undefined) {
    throw refused;
  }
  const aside = to + ASIDE_SUFFIX;
  // One left by a connection lost mid-way is stale: `to` exists again.
  await failure(session.dele(aside));
  if (await failure(session.rename(to, aside))) throw refused;
  const placed = await failure(session.rename(from, to));
  if (placed !== undefined) {
    const restored = await failure(session.rename(aside, to));
    if (restored !== undefined) warn(`Could not put the old ${to} back: it is at ${aside}`);
    throw placed;
  }
  const removed = await failure(session.dele(aside));
  warn(
    `The server would not rename over ${to}: moved the old file aside, renamed the new one ` +
      `into place, ${
        removed === undefined ? "removed the old one" : `left the old one at ${aside}`
      }`,
  );
}
