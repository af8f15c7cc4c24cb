// Planning mkdir, rm, rmdir and rename steps. Each looks at the remote side
// first, so a re-run has nothing to do: an existing directory is not made
// again, an absent file is not deleted again, a done rename is not redone.

import { FtpPermanentError } from "../errors.ts";
import { globMatcher, splitGlob } from "./_filter.ts";
import type { PlanContext } from "./_plan_context.ts";
import { PlanError } from "./errors.ts";
import { readRemoteTree, statRemote } from "./_remote_tree.ts";
import { Phase, type Work } from "./_work.ts";

const NOTHING = { bytes: 0 };

/** mkdir: each path and its parents. */
export async function planMkdir(paths: string[], ctx: PlanContext): Promise<Work[]> {
  const work: Work[] = [];
  for (const path of paths) {
    const found = await statRemote(ctx.client, path, ctx.signal);
    if (found?.type === "directory") {
      work.push({ id: ctx.id(), action: "skip", path, reason: "exists", phase: Phase.mkdir });
    } else if (found) {
      throw new PlanError(`${path} exists and is not a directory`);
    } else {
      ctx.planned.remote.set(path, "directory");
      work.push({
        id: ctx.id(),
        action: "mkdir",
        path,
        reason: "missing",
        phase: Phase.mkdir,
        run: async (client, run) => {
          await client!.mkdir(path, { recursive: true, signal: run.signal });
          return NOTHING;
        },
      });
    }
  }
  return work;
}

/** Deleting a remote file, without id, phase and reason. */
export function removeRemoteFile(path: string): Pick<Work, "action" | "path" | "run" | "tolerate"> {
  return {
    action: "delete",
    path,
    run: async (client, run) => {
      await client!.remove(path, { signal: run.signal });
      return NOTHING;
    },
    // A retry that finds the file gone: the lost reply was a success.
    tolerate: (error, attempt) =>
      attempt > 1 && error instanceof FtpPermanentError && error.code === 550
        ? "already absent"
        : undefined,
  };
}

function deleteWork(path: string, reason: string, ctx: PlanContext): Work {
  return { id: ctx.id(), reason, phase: Phase.transfer, ...removeRemoteFile(path) };
}

/** rm: files, or globs of files; absent files are skipped. */
export async function planRm(paths: string[], ctx: PlanContext): Promise<Work[]> {
  const work: Work[] = [];
  for (const path of paths) {
    const { base, glob } = await splitGlob(path);
    if (glob) {
      const match = globMatcher(glob);
      const root = await statRemote(ctx.client, base || ".", ctx.signal);
      const tree = root?.type === "directory"
        ? await readRemoteTree(
          ctx.client,
          base,
          () => glob.includes("**") || glob.includes("/"),
          ctx.signal,
        )
        : new Map();
      const hits = [...tree.values()].filter((e) => e.type !== "directory" && match(e.rel));
      if (hits.length === 0) {
        work.push({
          id: ctx.id(),
          action: "skip",
          path,
          reason: "nothing matches",
          phase: Phase.transfer,
        });
      }
      for (const hit of hits) work.push(deleteWork(hit.path, `matches ${glob}`, ctx));
      continue;
    }
    const found = await statRemote(ctx.client, path, ctx.signal);
    if (!found) {
      const reason = ctx.planned.remote.has(path) ? "created by an earlier step" : undefined;
      if (reason) work.push(deleteWork(path, reason, ctx));
      else {work.push({
          id: ctx.id(),
          action: "skip",
          path,
          reason: "absent",
          phase: Phase.transfer,
        });}
    } else if (found.type === "directory") {
      throw new PlanError(`${path} is a directory: use an rmdir step`);
    } else {
      work.push(deleteWork(path, "exists", ctx));
    }
  }
  return work;
}

/** rmdir: directories with everything in them (through the client's safe walk). */
export async function planRmdir(paths: string[], ctx: PlanContext): Promise<Work[]> {
  const work: Work[] = [];
  for (const path of paths) {
    const found = await statRemote(ctx.client, path, ctx.signal);
    if (!found) {
      work.push({ id: ctx.id(), action: "skip", path, reason: "absent", phase: Phase.rmdir });
    } else if (found.type !== "directory") {
      throw new PlanError(`${path} is not a directory: use an rm step`);
    } else {
      work.push({
        id: ctx.id(),
        action: "rmdir",
        path,
        reason: "exists",
        phase: Phase.rmdir,
        run: async (client, run) => {
          await client!.rmdir(path, { recursive: true, signal: run.signal });
          return NOTHING;
        },
      });
    }
  }
  return work;
}

/** rename: done when `from` exists; already done when only `to` does. */
export async function planRename(from: string, to: string, ctx: PlanContext): Promise<Work[]> {
  const source = await statRemote(ctx.client, from, ctx.signal);
  if (!source && !ctx.planned.remote.has(from)) {
    if (await statRemote(ctx.client, to, ctx.signal)) {
      return [{
        id: ctx.id(),
        action: "skip",
        from,
        path: to,
        reason: "already renamed",
        phase: Phase.transfer,
      }];
    }
    throw new PlanError(`${from} does not exist (and neither does ${to})`);
  }
  ctx.planned.remote.set(
    to,
    ctx.planned.remote.get(from) ?? (source?.type === "directory" ? "directory" : "file"),
  );
  return [{
    id: ctx.id(),
    action: "rename",
    from,
    path: to,
    reason: source ? "exists" : "created by an earlier step",
    phase: Phase.transfer,
    run: async (client, run) => {
      await client!.rename(from, to, { signal: run.signal });
      return NOTHING;
    },
  }];
}
