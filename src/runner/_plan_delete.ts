// Deleting a remote file (rm, put, sync), and sync's `delete`, in both
// directions: what the destination holds that the source does not. Three
// guards: excluded paths are never deleted (nor are directories the filter
// prunes entered); a source with no files at all refuses the whole deletion
// (an empty or unmounted source is far likelier than a wish to wipe the
// destination); and a path the source side may be hiding (a listing entry
// ferry could not read or would not trust, a link it did not follow) is
// kept, with everything below it, and said so.

import { FtpPermanentError } from "../errors.ts";
import type { PlanContext } from "./_plan_context.ts";
import { PlanError } from "./errors.ts";
import type { PathFilter } from "./_filter.ts";
import type { Hidden } from "./_remote_tree.ts";
import { Phase, serverCommand, type Work } from "./_work.ts";

/** Deleting a remote file (for rm, put's stale temporaries and sync), without id, phase and reason. */
export function removeRemoteFile(path: string): Pick<Work, "action" | "path" | "run" | "tolerate"> {
  return {
    action: "delete",
    path,
    run: serverCommand((client, signal) => client.remove(path, { signal })),
    // A retry that finds the file gone: the lost reply was a success.
    tolerate: (error, attempt) =>
      attempt > 1 && error instanceof FtpPermanentError && error.code === 550
        ? "already absent"
        : undefined,
  };
}

/** Removing an extraneous remote directory; one that is not empty stays. */
export function removeRemoteDir(path: string): Removal {
  return {
    action: "rmdir",
    path,
    run: serverCommand((client, signal) => client.rmdir(path, { signal })),
    tolerate: (error) =>
      error instanceof FtpPermanentError
        ? "kept: not empty (holds excluded or unlisted entries)"
        : undefined,
  };
}

/** An entry of the destination tree. */
export interface TreeEntry {
  rel: string;
  path: string;
  type: string;
}

/** A deletion's work, less what planDeletions fills in. */
export type Removal = Omit<Work, "id" | "phase" | "reason">;

/** What planDeletions compares, and how it deletes on the destination side. */
export interface Deletions<E extends TreeEntry> {
  /** The source tree by relative path. */
  source: ReadonlyMap<string, { type: string }>;
  /** What the source side may be hiding. */
  hidden: Hidden;
  /** The destination tree by relative path. */
  destination: ReadonlyMap<string, E>;
  filter: PathFilter;
  /** The source and destination as named in the step, for messages. */
  from: string;
  to: string;
  /** Deletes a destination file (or link): the work without id, phase and reason. */
  removeFile(entry: E): Removal;
  /** Removes an empty destination directory. */
  removeDir(entry: E): Removal;
  /**
   * Whether the whole source holds a file the filter includes, when
   * `source` is only part of it (watch mode plans changed paths only).
   *
   * @default {whether `source` holds one}
   */
  sourceHasFiles?: boolean;
}

/** The deletions a sync with `delete: true` adds after its transfers. */
export function planDeletions<E extends TreeEntry>(d: Deletions<E>, ctx: PlanContext): Work[] {
  const extraFiles = [...d.destination.values()].filter((e) =>
    e.type !== "directory" && !d.source.has(e.rel) && d.filter.includes(e.rel)
  );
  const extraDirs = [...d.destination.values()].filter((e) =>
    e.type === "directory" && d.source.get(e.rel)?.type !== "directory" && !d.filter.prunes(e.rel)
  );
  const hasFiles = d.sourceHasFiles ??
    [...d.source].some(([rel, e]) => e.type === "file" && d.filter.includes(rel));
  if (!hasFiles && extraFiles.length > 0) {
    throw new PlanError(
      `${d.from} has no files to sync, so delete would remove ` +
        `${d.sourceHasFiles === undefined ? "all " : ""}${extraFiles.length} ` +
        `files under ${d.to}; refusing. Use an rm or rmdir step if that is what you want`,
    );
  }
  const kept = new Map<string, { count: number; reason: string }>();
  const keep = (e: E) => {
    const hidden = hiddenRoot(e.rel, d.hidden, d.source);
    if (!hidden) return false;
    const note = kept.get(hidden.root) ?? { count: 0, reason: hidden.reason };
    note.count++;
    kept.set(hidden.root, note);
    return true;
  };
  const work: Work[] = [];
  for (const e of extraFiles) {
    if (!keep(e)) {
      work.push({ id: ctx.id(), phase: Phase.delete, reason: "extraneous", ...d.removeFile(e) });
    }
  }
  // Deepest first, and never recursive: a directory that still holds
  // excluded or kept entries stays.
  const deepestFirst = extraDirs.sort((a, b) => b.rel.split("/").length - a.rel.split("/").length);
  for (const e of deepestFirst) {
    if (!keep(e)) {
      work.push({ id: ctx.id(), phase: Phase.rmdir, reason: "extraneous", ...d.removeDir(e) });
    }
  }
  for (const [root, { count, reason }] of kept) {
    ctx.warn(
      `Not deleting ${count} ${count === 1 ? "entry" : "entries"} at ${d.to}` +
        `${root === "" ? "" : `/${root}`}: ${reason}`,
    );
  }
  return work;
}

/** The hidden path `rel` is at or below, and why, if any. */
function hiddenRoot(
  rel: string,
  hidden: Hidden,
  source: ReadonlyMap<string, unknown>,
): { root: string; reason: string } | undefined {
  const below = (dir: string) => dir === "" || rel === dir || rel.startsWith(`${dir}/`);
  for (const [root, reason] of hidden.paths) if (below(root)) return { root, reason };
  if (hidden.dotFiles !== undefined) {
    const segments = rel.split("/");
    const dot = segments.findIndex((segment) => segment.startsWith("."));
    if (dot !== -1) return { root: segments.slice(0, dot + 1).join("/"), reason: hidden.dotFiles };
  }
  for (const [dir, lines] of hidden.unreadable) {
    if (dir === rel || !below(dir)) continue;
    // The child of `dir` on the way to `rel`: an unreadable line may be it
    // only if the server did not list it and the line holds its name.
    const child = rel.slice(dir === "" ? 0 : dir.length + 1).split("/")[0];
    const root = dir === "" ? child : `${dir}/${child}`;
    if (!source.has(root) && lines.some((line) => line.includes(child))) {
      const line = lines.find((l) => l.includes(child))!;
      return {
        root,
        reason: `a line of the server's listing that could not be read may name it: ` +
          JSON.stringify(line),
      };
    }
  }
  return undefined;
}
