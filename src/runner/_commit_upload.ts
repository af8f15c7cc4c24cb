// Moving an atomic upload's temporary file into place.

import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import type { TransferContext } from "./_transfer_context.ts";

/**
 * Moves an uploaded temporary file into place. Servers that refuse to
 * rename over an existing file get the old one removed first: the new one
 * is complete by then, so nothing is lost.
 */
export async function commitUpload(
  client: FtpClient,
  from: string,
  to: string,
  size: number,
  ctx: TransferContext,
): Promise<void> {
  try {
    await client.rename(from, to, { signal: ctx.signal });
  } catch (error) {
    if (!(error instanceof FtpPermanentError)) throw error;
    // Remove the old file only when the new one is there and whole.
    const held = await client.size(from, { signal: ctx.signal }).catch(() => undefined);
    if (held !== size) throw error;
    await client.remove(to, { signal: ctx.signal });
    ctx.warn(`The server would not rename over ${to}; removed it first, then renamed`);
    await client.rename(from, to, { signal: ctx.signal });
  }
}
