// Watch mode's planning: only the local paths that changed, against only
// the remote directories they are in, through the same comparison,
// upload, atomic commit and deletion rules as a run (_plan_up.ts,
// _plan_delete.ts). A changed path that is a file is uploaded if it
// differs; a directory brings its files (and, with delete, the removal of
// what the remote copy of it holds beyond them); a path that is gone is
// deleted on the server only when the step has `delete: true`. Local
// links are read as a run reads them (_local_tree.ts): a link to a file is
// that file, a link to a directory is not followed, and what is not
// followed is never deleted on the server.

import { dirname, join } from "node:path";
import { compileFilter, globMatcher, type PathFilter } from "./_filter.ts";
import { holdsFile, type LocalEntry, readLocalTree, statLocal } from "./_local_tree.ts";
import { joinRemote, remoteRelative } from "./_paths.ts";
import type { PlanContext } from "./_plan_context.ts";
import { planDeletions, removeRemoteDir, removeRemoteFile } from "./_plan_delete.ts";
import { remoteState, uploadWork } from "./_plan_up.ts";
import type { Work } from "./_work.ts";
import type { WatchSpec } from "./steps/registry.ts";

/** Changed paths, by the index of their source in the spec, relative to it ("/"-separated). */
export type ChangedPaths = ReadonlyMap<number, ReadonlySet<string>>;

/** The directory a source's relative paths start from. */
export function sourceRoot(source: WatchSpec["sources"][number]): string {
  return source.type === "file" ? dirname(source.path) : source.path;
}

/** Whether `rel` is `root` or below it (`""` holds everything). */
function within(rel: string, root: string): boolean {
  return root === "" || rel === root || rel.startsWith(`${root}/`);
}

/** A filter for a subtree's own relative paths, applying the step's rules to the full ones. */
function below(filter: PathFilter, prefix: string): PathFilter {
  return {
    includes: (rel) => filter.includes(`${prefix}/${rel}`),
    prunes: (rel) => filter.prunes(`${prefix}/${rel}`),
  };
}

/** Whether the filter excludes `rel` or a directory it is in. */
function excluded(rel: string, filter: PathFilter): boolean {
  const parts = rel.split("/");
  return parts.some((_, i) => filter.prunes(parts.slice(0, i + 1).join("/")));
}

/** What a path is, as a run's walk would see it; `undefined` when it is gone. */
type Seen =
  | { kind: "file"; info: Deno.FileInfo }
  | { kind: "directory" }
  | { kind: "skipped"; why: string }
  | undefined;

async function see(root: string, rel: string): Promise<Seen> {
  const parts = rel.split("/");
  // A run never enters a link to a directory, so nothing below one is a source.
  for (let i = 1; i < parts.length; i++) {
    const dir = join(root, ...parts.slice(0, i));
    const info = await lstat(dir);
    if (!info || !info.isDirectory && !info.isSymlink) return undefined;
    if (info.isSymlink) {
      return { kind: "skipped", why: `below ${dir}, a symbolic link (not followed)` };
    }
  }
  const path = join(root, ...parts);
  let info = await lstat(path);
  if (!info) return undefined;
  if (info.isSymlink) {
    const target = await statLocal(path).catch(() => undefined);
    if (!target) return { kind: "skipped", why: "a broken symbolic link" };
    if (target.isDirectory) {
      return { kind: "skipped", why: "a symbolic link to a directory (not followed)" };
    }
    info = target;
  }
  if (info.isDirectory) return { kind: "directory" };
  if (info.isFile) return { kind: "file", info };
  return { kind: "skipped", why: "not a regular file" };
}

async function lstat(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw error;
  }
}

/** The local side of the changes: what is there now, what is gone, what was passed over. */
interface LocalChanges {
  /** Files and directories to send, by path relative to the remote directory. */
  entries: Map<string, LocalEntry>;
  /** Paths that are gone. */
  removed: Set<string>;
  /** Changed paths that are directories: their remote copies are read whole. */
  trees: Set<string>;
  /** Paths not followed (links to directories and the like), with why: never deleted. */
  hidden: Map<string, string>;
  /** Every changed path the filter leaves in. */
  considered: Set<string>;
}

async function readChanges(
  spec: WatchSpec,
  changed: ChangedPaths,
  filter: PathFilter,
  warn: (message: string) => void,
): Promise<LocalChanges> {
  const found: LocalChanges = {
    entries: new Map(),
    removed: new Set(),
    trees: new Set(),
    hidden: new Map(),
    considered: new Set(),
  };
  for (const [index, rels] of changed) {
    const source = spec.sources[index];
    const root = sourceRoot(source);
    const match = source.glob ? globMatcher(source.glob) : () => true;
    for (const rel of rels) {
      if (excluded(rel, filter)) continue;
      found.considered.add(rel);
      const path = join(root, ...rel.split("/"));
      const seen = await see(root, rel);
      if (seen === undefined) {
        found.removed.add(rel);
      } else if (seen.kind === "skipped") {
        warn(`Skipped ${path}: ${seen.why}`);
        found.hidden.set(rel, `${path} is ${seen.why}`);
      } else if (seen.kind === "file") {
        if (!filter.includes(rel) || !match(rel)) continue;
        const { size, mtime } = seen.info;
        found.entries.set(rel, { rel, path, type: "file", size, mtime: mtime ?? undefined });
      } else {
        // A new (or renamed) directory: its files may predate the watch on it.
        found.trees.add(rel);
        if (!source.glob) found.entries.set(rel, { rel, path, type: "directory", size: 0 });
        const skipped = new Map<string, string>();
        const tree = await readLocalTree(path, below(filter, rel), warn, skipped);
        for (const [sub, why] of skipped) found.hidden.set(`${rel}/${sub}`, why);
        for (const entry of tree.values()) {
          const full = { ...entry, rel: `${rel}/${entry.rel}` };
          if (entry.type === "directory") {
            if (!source.glob) found.entries.set(full.rel, full);
          } else if (filter.includes(full.rel) && match(full.rel)) {
            found.entries.set(full.rel, full);
          }
        }
      }
    }
  }
  return found;
}

/**
 * Plans the uploads (and, with `delete`, the deletions) that the changed
 * paths of a watched step call for.
 */
export async function planChanges(
  spec: WatchSpec,
  changed: ChangedPaths,
  ctx: PlanContext,
): Promise<Work[]> {
  const filter = await compileFilter(spec.filter);
  const local = await readChanges(spec, changed, filter, ctx.warn);
  // Nothing to send or delete (excluded paths, a removal without delete): nothing to list.
  if (local.entries.size === 0 && (!spec.delete || local.removed.size === 0)) return [];
  const remote = spec.remote ?? ".";
  const toDir = remote === "/" ? "/" : remote.replace(/\/+$/, "");
  // The directories the changed paths are in, and every changed directory whole.
  const parents = new Set<string>();
  for (const rel of local.considered) {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) parents.add(parts.slice(0, i).join("/"));
  }
  const trees = [...local.trees, ...(spec.delete ? local.removed : [])];
  const inTree = (rel: string) => trees.some((root) => within(rel, root));
  const state = await remoteState(
    toDir,
    (rel) => parents.has(rel) || (inTree(rel) && !filter.prunes(rel)),
    ctx,
  );
  const files = [...local.entries.values()].filter((e) => e.type === "file")
    .map((entry) => ({ entry, rel: entry.rel, remote: joinRemote(toDir, entry.rel) }));
  const sent = new Set(files.map((f) => f.remote));
  const work = await uploadWork(
    {
      toDir,
      files,
      dirs: [...local.entries.values()].filter((e) => e.type === "directory")
        .map((e) => joinRemote(toDir, e.rel)),
      existing: state.existing,
      rootExists: state.rootExists,
      // Temporaries of the files this batch covers; others are another batch's business.
      tidies: (owner) => {
        const rel = remoteRelative(toDir, owner);
        return sent.has(owner) ||
          ((local.considered.has(rel) || inTree(rel)) && filter.includes(rel));
      },
      listingMayMissDotFiles: state.listingMayMissDotFiles,
    },
    spec.overwrite,
    spec.atomic,
    ctx,
  );
  if (!spec.delete || trees.length === 0) return work;
  const destination = new Map(
    [...(state.tree ?? new Map()).entries()].filter(([rel]) => inTree(rel)),
  );
  if (destination.size === 0) return work;
  // A run refuses to delete when the source holds no file at all (an
  // emptied or unmounted folder); so does a batch.
  const folders = spec.sources.filter((s) => s.type === "folder");
  let sourceHasFiles = false;
  for (const folder of folders) {
    if (await statLocal(folder.path) && await holdsFile(folder.path, filter)) {
      sourceHasFiles = true;
      break;
    }
  }
  return work.concat(planDeletions({
    source: local.entries,
    hidden: { paths: local.hidden, unreadable: new Map() },
    destination,
    filter,
    from: folders.map((f) => f.path).join(", "),
    to: remote,
    removeFile: (e) => removeRemoteFile(e.path),
    removeDir: (e) => removeRemoteDir(e.path),
    sourceHasFiles,
  }, ctx));
}
