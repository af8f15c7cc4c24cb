// The overwrite policies: whether a source file should replace what the
// destination holds. Times compare to the second (MFMT, MDTM and MLSD carry
// seconds). Where the destination's times cannot be set (a server without
// MFMT), an upload leaves the upload time there, so a destination that is
// the same size and not older than the source counts as up to date.

import type { OverwritePolicy } from "./task_file.ts";

/** What is known of one side of a transfer. */
export interface FileState {
  size?: number;
  /** Exact modification time, when known. */
  mtime?: Date;
}

/** A decision and why. */
export interface Decision {
  transfer: boolean;
  reason: string;
}

const TOLERANCE_MS = 1000;

/** Decides whether to transfer `source` over `destination`. */
export function decide(
  policy: OverwritePolicy,
  source: FileState,
  destination: FileState | undefined,
  destinationTimesSettable: boolean,
): Decision {
  if (!destination) return { transfer: true, reason: "new" };
  if (policy === "always") return { transfer: true, reason: "overwrite: always" };
  if (policy === "never") return { transfer: false, reason: "exists (overwrite: never)" };
  const s = source.mtime?.getTime();
  const d = destination.mtime?.getTime();
  if (policy === "newer") {
    if (s === undefined || d === undefined) {
      return { transfer: false, reason: "exists, times unknown (overwrite: newer)" };
    }
    return s > d + TOLERANCE_MS
      ? { transfer: true, reason: "source is newer" }
      : { transfer: false, reason: "up to date (not newer)" };
  }
  if (
    source.size !== undefined && destination.size !== undefined &&
    source.size !== destination.size
  ) {
    return { transfer: true, reason: "size differs" };
  }
  if (s === undefined || d === undefined) {
    return { transfer: false, reason: "up to date (same size)" };
  }
  if (Math.abs(s - d) < TOLERANCE_MS) return { transfer: false, reason: "up to date" };
  if (!destinationTimesSettable && d >= s) {
    return { transfer: false, reason: "up to date (same size, destination newer)" };
  }
  return { transfer: true, reason: "modified" };
}
