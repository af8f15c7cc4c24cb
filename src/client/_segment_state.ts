// The progress of a segmented download, kept beside its temporary as
// `<name>.ferry-segments.ferry-part` (JSON), so that an interrupted run
// continues each segment where it stopped. The name ends in the temporary
// suffix, so that everything that skips ferry's temporaries (sync, watch,
// a mirror script) skips it too.
//
// A segment's `done` counts only bytes already written to the temporary:
// the file is saved after writes, never before. A saved state that lags
// behind the temporary costs bytes fetched again, never a hole.
//
// It is trusted only for the same remote file: the same path, size and
// server time (MDTM). A server that gives no time gives no way to tell a
// replaced file of the same size, and the download starts over.

import { segmentStatePath } from "./temporary_names.ts";
import { localPathExists } from "./_local_file.ts";

export { segmentStatePath };

/** One byte range of the file: `[from, to)`, of which `done` bytes are held. */
export interface Segment {
  from: number;
  to: number;
  done: number;
}

/** What a saved state must match to be continued. */
export interface SegmentedFile {
  remote: string;
  size: number;
  /** The server's time of the file, as an ISO string. */
  mtime: string;
}

interface SavedState extends SegmentedFile {
  version: 1;
  segments: Segment[];
}

/** Splits `size` bytes into `count` ranges, each a whole number of 64 KiB blocks but the last. */
export function splitRanges(size: number, count: number): Segment[] {
  const block = 64 * 1024;
  const step = Math.max(block, Math.ceil(size / count / block) * block);
  const segments: Segment[] = [];
  for (let from = 0; from < size && segments.length < count; from += step) {
    const to = segments.length === count - 1 ? size : Math.min(size, from + step);
    segments.push({ from, to, done: 0 });
  }
  segments[segments.length - 1].to = size;
  return segments;
}

/**
 * The saved segments of `file`, when the state file names the same remote
 * file and its ranges are sound; otherwise `undefined` (start over).
 */
export function loadSegments(path: string, file: SegmentedFile): Segment[] | undefined {
  let saved: SavedState;
  try {
    saved = JSON.parse(Deno.readTextFileSync(path));
  } catch {
    return undefined;
  }
  if (
    saved?.version !== 1 || saved.remote !== file.remote || saved.size !== file.size ||
    saved.mtime !== file.mtime || !Array.isArray(saved.segments)
  ) {
    return undefined;
  }
  let expected = 0;
  for (const s of saved.segments) {
    const sound = Number.isSafeInteger(s?.from) && Number.isSafeInteger(s.to) &&
      Number.isSafeInteger(s.done) && s.from === expected && s.to > s.from && s.done >= 0 &&
      s.done <= s.to - s.from;
    if (!sound) return undefined;
    expected = s.to;
  }
  if (expected !== file.size) return undefined;
  return saved.segments.map((s) => ({ from: s.from, to: s.to, done: s.done }));
}

/** Saves the segments' progress (through a temporary and a rename: never half a file). */
export function saveSegments(path: string, file: SegmentedFile, segments: Segment[]): void {
  const state: SavedState = { version: 1, ...file, segments };
  const writing = `${path}.new`;
  Deno.writeTextFileSync(writing, JSON.stringify(state));
  Deno.renameSync(writing, path);
}

/** Removes the progress file, if any. */
export function removeSegments(path: string): void {
  for (const name of [path, `${path}.new`]) {
    try {
      Deno.removeSync(name);
    } catch {
      // Not there.
    }
  }
}

/**
 * Removes a temporary that a segmented download left, with its progress
 * file: its holes would pass for bytes if one connection continued it from
 * its size. A temporary without a progress file beside it is left alone.
 */
export function discardSegmented(part: string, statePath = segmentStatePath(part)): void {
  if (!localPathExists(statePath)) return;
  try {
    Deno.removeSync(part);
  } catch {
    // Not there.
  }
  removeSegments(statePath);
}
