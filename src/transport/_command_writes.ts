// How commands sent together (pipelined) are cut into writes: whole lines,
// no write longer than a server reads at once.

/**
 * The most bytes of commands sent together in one write. Over TLS a write is
 * a record of its own, and Pure-FTPd reads a record into a 4 KiB buffer and
 * drops the rest of a longer one: commands past it would never be answered.
 */
export const MAX_WRITE_BYTES = 2048;

/** Whole lines joined into writes of at most MAX_WRITE_BYTES (a longer line alone). */
export function writesOf(lines: Uint8Array[]): Uint8Array[] {
  const writes: Uint8Array[] = [];
  let parts: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (parts.length === 0) return;
    // A line alone in its write goes as encoded.
    if (parts.length === 1) {
      writes.push(parts[0]);
      parts = [];
      size = 0;
      return;
    }
    const joined = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    writes.push(joined);
    parts = [];
    size = 0;
  };
  for (const line of lines) {
    if (size + line.length > MAX_WRITE_BYTES) flush();
    parts.push(line);
    size += line.length;
  }
  flush();
  return writes;
}
