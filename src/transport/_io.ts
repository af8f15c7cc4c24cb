/**
 * Writing whole buffers: `Deno.Conn.write` and `Deno.FsFile.write` may write
 * less than they were given.
 *
 * @module
 */

/** Anything with a partial `write`, such as a connection or a file. */
export interface PartialWriter {
  /** Writes some of `bytes` and resolves to how many. */
  write(bytes: Uint8Array): Promise<number>;
}

/** Writes every byte of `bytes`. */
export async function writeAll(writer: PartialWriter, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const written = await writer.write(bytes.subarray(offset));
    // A writer that accepts nothing would otherwise spin here forever.
    if (written <= 0) throw new Deno.errors.WriteZero("The writer accepted no bytes");
    offset += written;
  }
}

/** Closes a connection, listener or file that may already be closed. */
export function closeQuietly(resource: { close(): void } | undefined): void {
  try {
    resource?.close();
  } catch {
    // Already closed: closing is idempotent here by design.
  }
}
