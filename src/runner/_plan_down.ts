// Planning downloads: get (remote files, directories, globs) and sync down.
// The remote side is read with walk(), whose name checks keep a hostile
// listing from steering a download (or a delete) outside the destination.

import { dirname, join } from "../std/path.ts";
import { decide } from "./_compare.ts";
import { compileFilter, globMatcher, type PathFilter, splitGlob } from "./_filter.ts";
import { type LocalEntry, readLocalTree, statLocal, statLocalAll } from "./_local_tree.ts";
import { refuseLinksBelow } from "./_no_links.ts";
import { baseName } from "./_paths.ts";
import type { PlanContext } from "./_plan_context.ts";
import { LocalLinkError, PlanError } from "./errors.ts";
import { exactTimes } from "./_exact_times.ts";
import { planDeletions } from "./_plan_delete.ts";
import {
  nothingHidden,
  readRemoteTree,
  type RemoteEntry,
  statRemote,
  statRemoteAll,
  statRemoteDirectory,
} from "./_remote_tree.ts";
import { assertDistinctTargets, LOCAL_CASE_INSENSITIVE } from "./_targets.ts";
import { downloadFile } from "./_download_file.ts";
import { Phase, type Work } from "./_work.ts";
import type { Step } from "./task.ts";

type GetStep = Extract<Step, { kind: "get" }>;
type SyncStep = Extract<Step, { kind: "sync" }>;

interface RemoteSources {
  files: RemoteEntry[];
  dirs: RemoteEntry[];
  expanded: boolean;
}

function notFollowed(entries: Iterable<RemoteEntry>, ctx: PlanContext): void {
  for (const e of entries) {
    if (e.type === "symlink") ctx.warn(`Skipped ${e.path}: a symbolic link (not followed)`);
    else if (e.type === "unknown") ctx.warn(`Skipped ${e.path}: its type could not be read`);
  }
}

/**
 * A get step's named paths (its sources, and its globs' bases) stat-ed
 * together, when it has more than one: one or two round trips for all. A
 * single source is stat-ed alone, with the next transfer's EPSV.
 */
async function statSources(
  from: readonly string[],
  ctx: PlanContext,
): Promise<Map<string, RemoteEntry | undefined>> {
  if (from.length < 2) return new Map();
  const named = [
    ...new Set(
      await Promise.all(from.map(async (path) => {
        const { base, glob } = await splitGlob(path);
        return glob ? base : path;
      })),
    ),
  ].filter((path) => path !== "");
  const found = await statRemoteAll(ctx.client, named, ctx.signal);
  return new Map(named.map((path, i) => [path, found[i]]));
}

async function remoteSources(
  from: string,
  filter: PathFilter,
  ctx: PlanContext,
  known: Map<string, RemoteEntry | undefined>,
): Promise<RemoteSources> {
  const stat = (path: string) =>
    known.has(path) ? known.get(path) : statRemote(ctx.client, path, ctx.signal);
  const { base, glob } = await splitGlob(from);
  if (glob) {
    const root = base === "" ? { type: "directory" } : await stat(base);
    if (root?.type !== "directory") {
      throw new PlanError(`${from}: ${base} is not a remote directory`);
    }
    const match = globMatcher(glob);
    const crosses = glob.includes("/") || glob.includes("**");
    const tree = await readRemoteTree(
      ctx.client,
      base,
      (rel) => crosses && !filter.prunes(rel),
      ctx.signal,
    );
    const hits = [...tree.values()].filter((e) => match(e.rel) && filter.includes(e.rel));
    notFollowed(hits, ctx);
    const files = hits.filter((e) => e.type === "file");
    if (files.length === 0) throw new PlanError(`${from} matches no remote file`);
    if (files.length > 1) ctx.warm?.();
    return { files, dirs: [], expanded: true };
  }
  const found = await stat(from);
  if (!found) {
    if (ctx.planned.remote.get(from) === "directory") {
      ctx.warn(`${from} is made by an earlier step: a dry run cannot know its content`);
      return { files: [], dirs: [], expanded: true };
    }
    if (ctx.planned.remote.has(from)) {
      const rel = baseName(from);
      return {
        files: [{ rel, path: from, type: "file", exact: false }],
        dirs: [],
        expanded: false,
      };
    }
    throw new PlanError(`${from} does not exist on the server`);
  }
  if (found.type === "directory") {
    // Its files, or its subdirectories' listings, will have work for the pool.
    ctx.warm?.();
    const tree = await readRemoteTree(
      ctx.client,
      from,
      (rel) => !filter.prunes(rel),
      ctx.signal,
      undefined,
      ctx.spread,
    );
    const entries = [...tree.values()];
    notFollowed(entries, ctx);
    return {
      files: entries.filter((e) => e.type === "file" && filter.includes(e.rel)),
      dirs: entries.filter((e) => e.type === "directory"),
      expanded: true,
    };
  }
  // A single named file (or link to one: RETR follows it on the server).
  return { files: [{ ...found, rel: baseName(from), path: from }], dirs: [], expanded: false };
}

/**
 * Turns remote files and their local destinations into download work.
 * `root` is the local directory the step writes below (through no link).
 */
async function downloadWork(
  files: { entry: RemoteEntry; local: string }[],
  dirs: string[],
  root: string,
  step: { overwrite: GetStep["overwrite"]; resume: boolean; segments?: number },
  ctx: PlanContext,
): Promise<Work[]> {
  assertDistinctTargets(
    files.map(({ entry, local }) => ({ source: entry.path, target: local })),
    dirs,
    LOCAL_CASE_INSENSITIVE,
  );
  // Each target's directory once: the link check, the local stats and the
  // run's batches (DownloadJob.dir) all need it.
  const targetDirs = files.map((f) => dirname(f.local));
  for (const dir of new Set([...dirs, ...targetDirs])) {
    try {
      refuseLinksBelow(root, dir);
    } catch (error) {
      throw error instanceof LocalLinkError ? new PlanError(error.message) : error;
    }
  }
  const work: Work[] = [];
  const existing = await statLocalAll(files.map((f) => f.local), targetDirs);
  if (step.overwrite === "newer" || step.overwrite === "different") {
    await exactTimes(
      files.filter(({ entry, local }) => {
        const there = existing.get(local);
        return there && (step.overwrite === "newer" || there.size === entry.size);
      }).map((f) => f.entry),
      ctx,
    );
  }
  for (const dir of dirs) {
    const info = await statLocal(dir);
    if (info?.isDirectory) continue;
    if (info) throw new PlanError(`${dir} exists and is not a directory`);
    ctx.planned.local.add(dir);
    work.push({
      id: ctx.id(),
      action: "mkdir-local",
      path: dir,
      reason: "missing",
      phase: Phase.mkdir,
      local: true,
      run: async () => {
        refuseLinksBelow(root, dir);
        await Deno.mkdir(dir, { recursive: true });
        return { bytes: 0 };
      },
    });
  }
  const decisions = files.map(({ entry, local }) => {
    const there = existing.get(local);
    if (there?.isDirectory) throw new PlanError(`${local} is a directory; ${entry.path} is a file`);
    const mtime = entry.exact ? entry.modified : undefined;
    return decide(
      step.overwrite,
      { size: entry.size, mtime },
      there && { size: there.size, mtime: there.mtime ?? undefined },
      true,
    );
  });
  // Each downloaded file gets the server's time. Where the listing's is not
  // exact, MDTM is asked now for all of them at once (many to a round trip)
  // rather than once per file after its transfer.
  if (ctx.client.features.has("MDTM")) {
    await exactTimes(
      files.filter((_, i) => decisions[i].transfer).map((f) => f.entry),
      ctx,
      // Files of a directory or glob: the pool was warmed for them.
      files.length > 1,
    );
  }
  for (const [i, { entry, local }] of files.entries()) {
    const decision = decisions[i];
    const mtime = entry.exact ? entry.modified : undefined;
    if (!decision.transfer) {
      work.push({
        id: ctx.id(),
        action: "skip",
        from: entry.path,
        path: local,
        reason: decision.reason,
        phase: Phase.transfer,
      });
      continue;
    }
    ctx.planned.local.add(local);
    const job = {
      remote: entry.path,
      local,
      dir: targetDirs[i],
      root,
      size: entry.size,
      mtime,
      resume: step.resume,
      segments: step.segments ?? 1,
    };
    work.push({
      id: ctx.id(),
      action: "download",
      from: entry.path,
      path: local,
      size: entry.size,
      reason: decision.reason,
      phase: Phase.transfer,
      run: (client, run) => downloadFile(client!, job, run),
      download: job,
    });
  }
  return work;
}

/** get: remote files, directories or globs to a local file or directory. */
export async function planGet(step: GetStep, ctx: PlanContext): Promise<Work[]> {
  const filter = await compileFilter(step.filter);
  const sources: RemoteSources[] = [];
  const known = await statSources(step.from, ctx);
  for (const from of step.from) sources.push(await remoteSources(from, filter, ctx, known));
  const endsWithSlash = /[/\\]$/.test(step.to);
  const to = endsWithSlash ? step.to.slice(0, -1) : step.to;
  const toInfo = await statLocal(to);
  const toIsDir = endsWithSlash || sources.length > 1 || sources.some((s) => s.expanded) ||
    toInfo?.isDirectory === true;
  if (!toIsDir) {
    const file = { entry: sources[0].files[0], local: to };
    return await downloadWork([file], [], dirname(to), step, ctx);
  }
  const files = sources.flatMap((s) =>
    s.files.map((entry) => ({ entry, local: join(to, entry.rel) }))
  );
  const dirs = sources.flatMap((s) => s.dirs.map((d) => join(to, d.rel)));
  if (!toInfo) dirs.unshift(to);
  return await downloadWork(files, dirs, to, step, ctx);
}

/** sync down: the remote directory onto the local one, optionally deleting extras. */
export async function planSyncDown(step: SyncStep, ctx: PlanContext): Promise<Work[]> {
  const filter = await compileFilter(step.filter);
  const root = await statRemoteDirectory(ctx.client, step.remote, ctx.signal);
  if (!root && ctx.planned.remote.get(step.remote) === "directory") {
    ctx.warn(`${step.remote} is made by an earlier step: a dry run cannot know its content`);
    return [];
  }
  if (root?.type !== "directory") throw new PlanError(`${step.remote} is not a remote directory`);
  ctx.warm?.();
  const hidden = nothingHidden();
  const remote = await readRemoteTree(
    ctx.client,
    step.remote,
    (rel) => !filter.prunes(rel),
    ctx.signal,
    hidden,
    ctx.spread,
  );
  notFollowed(remote.values(), ctx);
  const localRoot = step.local.replace(/[/\\]$/, "");
  const info = await statLocal(localRoot);
  if (info && !info.isDirectory) throw new PlanError(`${localRoot} is not a directory`);
  const local = info
    ? await readLocalTree(localRoot, filter, ctx.warn)
    : new Map<string, LocalEntry>();
  const entries = [...remote.values()];
  const files = entries.filter((e) => e.type === "file" && filter.includes(e.rel))
    .map((entry) => ({ entry, local: join(localRoot, entry.rel) }));
  const dirs = entries.filter((e) => e.type === "directory").map((d) => join(localRoot, d.rel));
  if (!info) dirs.unshift(localRoot);
  const work = await downloadWork(files, dirs, localRoot, step, ctx);
  if (!step.delete) return work;
  return work.concat(planDeletions({
    source: remote,
    hidden,
    destination: local,
    filter,
    from: step.remote,
    to: localRoot,
    removeFile: (e) => ({
      action: "delete-local",
      path: e.path,
      local: true,
      run: async () => {
        refuseLinksBelow(localRoot, dirname(e.path));
        await Deno.remove(e.path);
        return { bytes: 0 };
      },
    }),
    removeDir: (e) => ({
      action: "rmdir-local",
      path: e.path,
      local: true,
      run: async () => {
        refuseLinksBelow(localRoot, e.path);
        await Deno.remove(e.path);
        return { bytes: 0 };
      },
      tolerate: (error) =>
        error instanceof LocalLinkError ? undefined : "kept: not empty (holds excluded files)",
    }),
  }, ctx));
}
