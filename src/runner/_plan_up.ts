// Planning uploads: put (files, directories, globs) and sync up. The remote
// destination is read once (a walk limited to the directories concerned),
// compared with the local files by the overwrite policy, and turned into
// mkdir, upload, commit (atomic) and delete work.

import { basename } from "node:path";
import type { FtpClient } from "../client/ftp_client.ts";
import { FtpPermanentError } from "../errors.ts";
import { decide } from "./_compare.ts";
import { DirectoryBatch, remoteParents } from "./_directory_batch.ts";
import { compileFilter, globMatcher, type PathFilter, splitGlob } from "./_filter.ts";
import { type LocalEntry, readLocalTree, statLocal } from "./_local_tree.ts";
import { joinRemote, remoteDirname, remoteRelative } from "./_paths.ts";
import { exactTimes } from "./_exact_times.ts";
import { identityOf, type PlanContext } from "./_plan_context.ts";
import { PlanError } from "./errors.ts";
import { planDeletions, removeRemoteDir, removeRemoteFile } from "./_plan_delete.ts";
import {
  hasDotSegment,
  readRemoteTree,
  type RemoteEntry,
  statRemote,
  statRemoteDirectory,
} from "./_remote_tree.ts";
import { assertDistinctTargets } from "./_targets.ts";
import { isFingerprinted, ownerOf, temporaryFor } from "./_temporaries.ts";
import { leftPartial, uploadFile, type UploadJob } from "./_upload_file.ts";
import type { TransferContext, TransferOutcome } from "./_transfer_context.ts";
import { Phase, type Work } from "./_work.ts";
import type { Step } from "./task.ts";

type PutStep = Extract<Step, { kind: "put" }>;
type SyncStep = Extract<Step, { kind: "sync" }>;

/** Local files to send, by path relative to the destination directory. */
interface Sources {
  files: LocalEntry[];
  dirs: LocalEntry[];
}

async function localSources(
  from: string,
  filter: PathFilter,
  ctx: PlanContext,
): Promise<Sources & { expanded: boolean }> {
  const { base, glob } = await splitGlob(from.replaceAll("\\", "/"));
  if (glob) {
    const info = await statLocal(base);
    if (!info?.isDirectory) throw new PlanError(`${from}: ${base} is not a directory`);
    const match = globMatcher(glob);
    const tree = await readLocalTree(base, filter, ctx.warn);
    const files = [...tree.values()].filter((e) =>
      e.type === "file" && match(e.rel) && filter.includes(e.rel)
    );
    if (files.length === 0) throw new PlanError(`${from} matches no file`);
    if (files.length > 1) ctx.warm?.();
    return { files, dirs: [], expanded: true };
  }
  const info = await statLocal(from);
  if (!info) throw new PlanError(`${from} does not exist`);
  if (info.isDirectory) {
    const tree = await readLocalTree(from, filter, ctx.warn);
    const entries = [...tree.values()];
    const files = entries.filter((e) => e.type === "file" && filter.includes(e.rel));
    if (files.length > 1) ctx.warm?.();
    return {
      files,
      dirs: entries.filter((e) => e.type === "directory"),
      expanded: true,
    };
  }
  const name = basename(from);
  const file = {
    rel: name,
    path: from,
    type: "file" as const,
    size: info.size,
    mtime: info.mtime ?? undefined,
  };
  return { files: [file], dirs: [], expanded: false };
}

/**
 * Directories to create, parents first: those the files need below
 * `toDir` (and `toDir`) with every level between, less those that exist.
 */
function missingDirs(
  needed: Set<string>,
  toDir: string,
  existing: (path: string) => boolean,
): string[] {
  const levels = new Set<string>();
  for (const dir of needed) {
    levels.add(dir);
    const rel = remoteRelative(toDir, dir);
    if (rel === "" || rel === "." || rel.startsWith("../")) continue;
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      levels.add(joinRemote(toDir, parts.slice(0, i).join("/")));
    }
  }
  return [...levels].filter((d) => d !== "" && d !== "/" && d !== "." && !existing(d)).sort();
}

/** What uploadWork compares: local files against what the remote side holds. */
export interface UploadPlan {
  toDir: string;
  files: { entry: LocalEntry; remote: string; rel: string }[];
  dirs: string[];
  existing: Map<string, RemoteEntry>;
  rootExists: boolean;
  /**
   * Whether ferry's temporaries of this remote file are this step's to
   * tidy (those of the files it uploads; in a sync, of any file it covers).
   */
  tidies(owner: string): boolean;
  /** Whether the listing of `toDir` may have left out dot-files. */
  listingMayMissDotFiles?: boolean;
}

/**
 * Whether an upload goes to a temporary and is renamed into place: in an
 * atomic step always, otherwise when it replaces a file, so that a failed
 * upload never costs the old version. `unlisted` says the file may exist
 * though the listing did not show it (a dot-file on a server that hides
 * them): it is treated as there.
 */
function writesToTemporary(
  atomic: boolean,
  there: RemoteEntry | undefined,
  unlisted = false,
): boolean {
  return atomic || there?.type === "file" || (there === undefined && unlisted);
}

/** Whether an error is the server refusing a rename (RNFR or RNTO), not the upload. */
function refusedRename(error: unknown): boolean {
  return error instanceof FtpPermanentError && /^RN(FR|TO) /.test(error.command ?? "");
}

/** Uploads into the job's temporary, which the client renames over the file it replaces. */
async function uploadAndReplace(
  client: FtpClient,
  job: UploadJob,
  run: TransferContext,
): Promise<TransferOutcome> {
  return await uploadFile(client, job, run, true).catch((error) => {
    if (refusedRename(error)) {
      run.warn(
        `${job.remote} was not replaced: the server refused to rename ${job.target} over it. ` +
          `ferry replaces a file through a temporary so that a failed upload never costs ` +
          `the old one; allow renames (RNFR/RNTO) on the server, or remove ${job.remote} first`,
      );
    }
    throw error;
  });
}

/** Turns a comparison into mkdir, upload and commit work. */
export async function uploadWork(
  plan: UploadPlan,
  policy: PutStep["overwrite"],
  atomic: boolean,
  ctx: PlanContext,
): Promise<Work[]> {
  assertDistinctTargets(
    plan.files.map((f) => ({ source: f.entry.path, target: f.remote })),
    plan.dirs,
    false,
  );
  const work: Work[] = [];
  const settable = ctx.client.features.has("MFMT");
  const candidates = plan.files.map((f) => plan.existing.get(f.remote)).filter((
    e,
  ): e is RemoteEntry => e !== undefined);
  if (policy === "newer" || policy === "different") {
    // Only files whose sizes agree need a time to decide.
    await exactTimes(
      candidates.filter((e) =>
        policy === "newer" || plan.files.some((f) => f.remote === e.path && f.entry.size === e.size)
      ),
      ctx,
    );
  }
  const needed = new Set<string>(plan.dirs);
  for (const file of plan.files) needed.add(remoteDirname(file.remote));
  if (!plan.rootExists) needed.add(plan.toDir);
  const isDir = (path: string) =>
    plan.existing.get(path)?.type === "directory" || (plan.rootExists && path === plan.toDir);
  const missing = missingDirs(needed, plan.toDir, isDir);
  const inTheWay = missing.find((dir) => plan.existing.get(dir)?.type === "file");
  if (inTheWay !== undefined) {
    throw new PlanError(
      `${inTheWay} is a file on the server, where the upload needs a directory: ` +
        `remove or rename it on the server, or leave that directory out of the step (filter)`,
    );
  }
  // Made together, in one round trip (see DirectoryBatch); a destination
  // that does not exist may lack its parents too.
  const batch = new DirectoryBatch(missing, plan.rootExists ? [] : remoteParents(plan.toDir));
  for (const dir of missing) {
    ctx.planned.remote.set(dir, "directory");
    work.push({
      id: ctx.id(),
      action: "mkdir",
      path: dir,
      reason: "missing",
      phase: Phase.mkdir,
      run: async (client, run) => {
        await batch.make(client!, dir, run.signal);
        return { bytes: 0 };
      },
    });
  }
  const targets = new Set<string>();
  for (const { entry, remote, rel } of plan.files) {
    const there = plan.existing.get(remote);
    if (there?.type === "directory") {
      throw new PlanError(`${remote} is a directory; ${entry.path} is a file`);
    }
    const identity = identityOf(entry);
    ctx.identities?.planned.set(entry.path, identity);
    const known = ctx.identities?.known.get(entry.path);
    const decision = policy === "different" && there?.type === "file" && known !== undefined &&
        known !== identity
      ? { transfer: true, reason: "changed since sent" }
      : decide(
        policy,
        { size: entry.size, mtime: entry.mtime },
        there && { size: there.size, mtime: there.modified },
        settable,
      );
    if (!decision.transfer) {
      work.push({
        id: ctx.id(),
        action: "skip",
        from: entry.path,
        path: remote,
        reason: decision.reason,
        phase: Phase.transfer,
      });
      continue;
    }
    ctx.planned.remote.set(remote, "file");
    const unlisted = plan.listingMayMissDotFiles === true && hasDotSegment(rel);
    const viaTemporary = writesToTemporary(atomic, there, unlisted);
    const target = viaTemporary ? await temporaryFor(remote, entry) : remote;
    targets.add(target);
    const job: UploadJob = {
      local: entry.path,
      remote,
      target,
      size: entry.size,
      mtime: entry.mtime,
    };
    if (isFingerprinted(target) && plan.existing.get(target)?.type === "file") {
      // An earlier run's temporary of this very file: it may be continued.
      job.written = { size: entry.size, mtime: entry.mtime?.getTime() };
    }
    work.push({
      id: ctx.id(),
      action: "upload",
      from: entry.path,
      path: remote,
      size: entry.size,
      reason: decision.reason,
      phase: Phase.transfer,
      // Atomic steps commit every temporary at the end (below); a lone
      // replacement is committed as soon as it is whole.
      run: viaTemporary && !atomic
        ? (client, run) => uploadAndReplace(client!, job, run)
        : (client, run) => uploadFile(client!, job, run),
      leftover: () => leftPartial(job),
    });
    if (atomic) {
      work.push({
        id: ctx.id(),
        action: "rename",
        from: target,
        path: remote,
        reason: "atomic commit",
        phase: Phase.commit,
        run: async (client, run) => {
          await client!.rename(target, remote, { replace: true, signal: run.signal });
          return { bytes: 0 };
        },
      });
    }
  }
  for (const entry of plan.existing.values()) {
    const owner = ownerOf(entry.path);
    if (entry.type !== "file" || owner === undefined || targets.has(entry.path)) continue;
    if (plan.tidies(owner)) {
      work.push({
        id: ctx.id(),
        reason: "stale temporary (another version, or a finished upload)",
        phase: Phase.transfer,
        ...removeRemoteFile(entry.path),
      });
    }
  }
  return work;
}

/** Reads the remote destination directory, limited to the directories named. */
export async function remoteState(
  toDir: string,
  descend: (rel: string) => boolean,
  ctx: PlanContext,
) {
  const root = toDir === "" || toDir === "." || toDir === "/"
    ? { type: "directory" }
    : await statRemoteDirectory(ctx.client, toDir, ctx.signal);
  if (root && root.type !== "directory") {
    throw new PlanError(`${toDir} exists and is not a directory`);
  }
  if (!root) return { rootExists: false, existing: new Map<string, RemoteEntry>() };
  const tree = await readRemoteTree(ctx.client, toDir, descend, ctx.signal, undefined, ctx.spread);
  const existing = new Map<string, RemoteEntry>();
  for (const entry of tree.values()) existing.set(entry.path, entry);
  return {
    rootExists: true,
    existing,
    tree,
    listingMayMissDotFiles: ctx.spread?.mayMissDotFiles() ?? ctx.client.listingsMayMissDotFiles,
  };
}

function parentsOf(rel: string, into: Set<string>): void {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) into.add(parts.slice(0, i).join("/"));
}

/** put: local files, directories or globs to a remote file or directory. */
export async function planPut(step: PutStep, ctx: PlanContext): Promise<Work[]> {
  const filter = await compileFilter(step.filter);
  const sources = await Promise.all(step.from.map((f) => localSources(f, filter, ctx)));
  let toIsDir = step.to.endsWith("/") || sources.length > 1 || sources.some((s) => s.expanded);
  if (!toIsDir) {
    const there = await statRemote(ctx.client, step.to, ctx.signal);
    toIsDir = there?.type === "directory";
    if (!toIsDir) {
      // One file to a file name: no listing, just the name and its parent.
      const entry = sources[0].files[0];
      const parent = remoteDirname(step.to);
      const parentInfo = parent === "" || parent === "/"
        ? { type: "directory" }
        : await statRemote(ctx.client, parent, ctx.signal);
      if (parentInfo && parentInfo.type !== "directory") {
        throw new PlanError(`${parent} exists and is not a directory`);
      }
      const existing = new Map<string, RemoteEntry>();
      if (there) existing.set(step.to, there);
      if (writesToTemporary(step.atomic, there) && parentInfo) {
        // Not listed: only this file's own temporary is looked for.
        const temporary = await temporaryFor(step.to, entry);
        const found = await statRemote(ctx.client, temporary, ctx.signal);
        if (found) existing.set(temporary, found);
      }
      return await uploadWork(
        {
          toDir: parent,
          files: [{ entry, remote: step.to, rel: entry.rel }],
          dirs: [],
          existing,
          rootExists: parentInfo !== undefined,
          tidies: () => false,
        },
        step.overwrite,
        step.atomic,
        ctx,
      );
    }
  }
  const toDir = step.to === "/" ? "/" : step.to.replace(/\/+$/, "");
  const files = sources.flatMap((s) =>
    s.files.map((entry) => ({ entry, rel: entry.rel, remote: joinRemote(toDir, entry.rel) }))
  );
  const dirRels = new Set<string>();
  for (const f of files) parentsOf(f.rel, dirRels);
  for (const s of sources) for (const d of s.dirs) dirRels.add(d.rel);
  const state = await remoteState(toDir, (rel) => dirRels.has(rel), ctx);
  const uploaded = new Set(files.map((f) => f.remote));
  return await uploadWork(
    {
      toDir,
      files,
      dirs: [...dirRels].map((rel) => joinRemote(toDir, rel)),
      existing: state.existing,
      rootExists: state.rootExists,
      tidies: (owner) => uploaded.has(owner),
      listingMayMissDotFiles: state.listingMayMissDotFiles,
    },
    step.overwrite,
    step.atomic,
    ctx,
  );
}

/** sync up: the local directory onto the remote one, optionally deleting extras. */
export async function planSyncUp(step: SyncStep, ctx: PlanContext): Promise<Work[]> {
  const filter = await compileFilter(step.filter);
  const info = await statLocal(step.local);
  if (!info?.isDirectory) throw new PlanError(`${step.local} is not a directory`);
  const skipped = new Map<string, string>();
  const tree = await readLocalTree(step.local, filter, ctx.warn, skipped);
  const entries = [...tree.values()];
  const toDir = step.remote === "/" ? "/" : step.remote.replace(/\/+$/, "");
  const files = entries.filter((e) => e.type === "file" && filter.includes(e.rel))
    .map((entry) => ({ entry, rel: entry.rel, remote: joinRemote(toDir, entry.rel) }));
  const dirs = entries.filter((e) => e.type === "directory");
  // The remote tree is listed over the pool, and the files may all be new.
  ctx.warm?.();
  const state = await remoteState(toDir, (rel) => !filter.prunes(rel), ctx);
  // The walk prunes what the filter excludes, so excluded remote trees are never touched.
  const remoteTree = state.tree ?? new Map<string, RemoteEntry>();
  const work = await uploadWork(
    {
      toDir,
      files,
      dirs: dirs.map((d) => joinRemote(toDir, d.rel)),
      existing: state.existing,
      rootExists: state.rootExists,
      tidies: (owner) => filter.includes(remoteRelative(toDir, owner)),
      listingMayMissDotFiles: state.listingMayMissDotFiles,
    },
    step.overwrite,
    step.atomic,
    ctx,
  );
  if (!step.delete) return work;
  return work.concat(planDeletions({
    source: tree,
    hidden: { paths: skipped, unreadable: new Map() },
    destination: remoteTree,
    filter,
    from: step.local,
    to: step.remote,
    removeFile: (e) => removeRemoteFile(e.path),
    removeDir: (e) => removeRemoteDir(e.path),
  }, ctx));
}
