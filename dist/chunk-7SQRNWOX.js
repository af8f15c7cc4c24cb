import {
  LOCAL_CASE_INSENSITIVE,
  assertDistinctTargets,
  transferOutcome
} from "./chunk-MVEHBQMZ.js";
import {
  planDeletions
} from "./chunk-UUIWI3OP.js";
import {
  decide,
  exactTimes,
  readLocalTree,
  statLocal,
  statLocalAll
} from "./chunk-LZUWT6VM.js";
import {
  nothingHidden,
  readRemoteTree,
  statRemote,
  statRemoteAll,
  statRemoteDirectory
} from "./chunk-GKD4NT2B.js";
import {
  LocalLinkError,
  PlanError,
  baseName,
  compileFilter,
  globMatcher,
  splitGlob
} from "./chunk-2IPWHU7E.js";
import {
  Phase
} from "./chunk-LFXU7JLJ.js";
import {
  partialPath,
  segmentStatePath
} from "./chunk-FS6M5UPR.js";
import {
  SEPARATOR,
  dirname,
  isAbsolute,
  join,
  relative
} from "./chunk-ZN2EVIR7.js";

// src/runner/_no_links.ts
function lstatLocal(path) {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return void 0;
    throw error;
  }
}
function refuseLinksBelow(root, dir) {
  const rel = relative(root, dir);
  if (rel === "") return;
  if (rel === ".." || rel.startsWith(`..${SEPARATOR}`) || isAbsolute(rel)) {
    throw new Error(`${dir} is not inside ${root}`);
  }
  let current = root;
  for (const part of rel.split(SEPARATOR)) {
    current = join(current, part);
    const info = lstatLocal(current);
    if (!info) return;
    if (info.isSymlink) throw new LocalLinkError(current);
    if (!info.isDirectory) throw new Error(`${current} exists and is not a directory`);
  }
}
function refuseLinksTo(root, file) {
  refuseLinksBelow(root, dirname(file));
  const info = lstatLocal(file);
  if (info?.isSymlink) throw new LocalLinkError(file);
  return info;
}

// src/runner/_download_file.ts
var RESUME_CHECK_BYTES = 64 * 1024;
async function regularFile(path) {
  const info = await Deno.lstat(path).catch(() => void 0);
  return info?.isFile ? info : void 0;
}
async function remoteTime(client, job, signal) {
  if (job.mtime) return job.mtime;
  if (!client.features.has("MDTM")) return void 0;
  return await client.lastModified(job.remote, {
    signal
  }).catch(() => void 0);
}
async function resumePlan(client, job, part, partInfo, ctx) {
  const size = job.size;
  const fresh = {
    resume: false,
    check: 0
  };
  if (!client.features.has("REST") || size === void 0) return fresh;
  if ((job.segments ?? 1) > 1 && regularFileSync(segmentStatePath(part))) {
    return {
      resume: true,
      check: job.wrote ? 0 : RESUME_CHECK_BYTES
    };
  }
  const shorter = (info) => info !== void 0 && info.size > 0 && info.size < size;
  const partial = partInfo?.isFile ? partInfo : void 0;
  if (shorter(partial) && job.wrote) return {
    resume: true,
    check: 0
  };
  if (shorter(partial)) {
    const changed = await remoteTime(client, job, ctx.signal);
    if (changed && partial.mtime && partial.mtime.getTime() < changed.getTime()) {
      ctx.warn(`${part} is older than ${job.remote} on the server: starting over`);
      return fresh;
    }
    return {
      resume: true,
      check: RESUME_CHECK_BYTES
    };
  }
  if (job.resume) {
    const existing = await regularFile(job.local);
    if (shorter(existing)) {
      await Deno.copyFile(job.local, part);
      return {
        resume: true,
        check: RESUME_CHECK_BYTES
      };
    }
  }
  return fresh;
}
async function downloadFile(client, job, ctx) {
  const part = partialPath(job.local);
  const partInfo = refuseLinksTo(job.root, part);
  const plan = await resumePlan(client, job, part, partInfo, ctx);
  const onProgress = (progress) => {
    if (progress.bytes !== progress.offset) return ctx.progress(progress.bytes);
    job.wrote = true;
    ctx.started(progress.offset);
  };
  const download = () => client.downloadTo(job.remote, job.local, {
    size: job.size,
    resume: plan.resume,
    resumeCheck: plan.check,
    keepTemporary: true,
    mtime: job.mtime ?? "remote",
    segments: job.segments,
    onProgress,
    signal: ctx.signal
  });
  return await transferOutcome(download().catch((error) => {
    if (!(error instanceof Deno.errors.NotFound) || exists(dirname(part))) throw error;
    Deno.mkdirSync(dirname(part), {
      recursive: true
    });
    return download();
  }));
}
function regularFileSync(path) {
  try {
    return Deno.lstatSync(path).isFile;
  } catch {
    return false;
  }
}
function exists(path) {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

// src/runner/_plan_down.ts
function notFollowed(entries, ctx) {
  for (const e of entries) {
    if (e.type === "symlink") ctx.warn(`Skipped ${e.path}: a symbolic link (not followed)`);
    else if (e.type === "unknown") ctx.warn(`Skipped ${e.path}: its type could not be read`);
  }
}
async function statSources(from, ctx) {
  if (from.length < 2) return /* @__PURE__ */ new Map();
  const named = [
    ...new Set(await Promise.all(from.map(async (path) => {
      const { base, glob } = await splitGlob(path);
      return glob ? base : path;
    })))
  ].filter((path) => path !== "");
  const found = await statRemoteAll(ctx.client, named, ctx.signal);
  return new Map(named.map((path, i) => [
    path,
    found[i]
  ]));
}
async function remoteSources(from, filter, ctx, known) {
  const stat = (path) => known.has(path) ? known.get(path) : statRemote(ctx.client, path, ctx.signal);
  const { base, glob } = await splitGlob(from);
  if (glob) {
    const root = base === "" ? {
      type: "directory"
    } : await stat(base);
    if (root?.type !== "directory") {
      throw new PlanError(`${from}: ${base} is not a remote directory`);
    }
    const match = globMatcher(glob);
    const crosses = glob.includes("/") || glob.includes("**");
    const tree = await readRemoteTree(ctx.client, base, (rel) => crosses && !filter.prunes(rel), ctx.signal);
    const hits = [
      ...tree.values()
    ].filter((e) => match(e.rel) && filter.includes(e.rel));
    notFollowed(hits, ctx);
    const files = hits.filter((e) => e.type === "file");
    if (files.length === 0) throw new PlanError(`${from} matches no remote file`);
    if (files.length > 1) ctx.warm?.();
    return {
      files,
      dirs: [],
      expanded: true
    };
  }
  const found = await stat(from);
  if (!found) {
    if (ctx.planned.remote.get(from) === "directory") {
      ctx.warn(`${from} is made by an earlier step: a dry run cannot know its content`);
      return {
        files: [],
        dirs: [],
        expanded: true
      };
    }
    if (ctx.planned.remote.has(from)) {
      const rel = baseName(from);
      return {
        files: [
          {
            rel,
            path: from,
            type: "file",
            exact: false
          }
        ],
        dirs: [],
        expanded: false
      };
    }
    throw new PlanError(`${from} does not exist on the server`);
  }
  if (found.type === "directory") {
    ctx.warm?.();
    const tree = await readRemoteTree(ctx.client, from, (rel) => !filter.prunes(rel), ctx.signal, void 0, ctx.spread);
    const entries = [
      ...tree.values()
    ];
    notFollowed(entries, ctx);
    return {
      files: entries.filter((e) => e.type === "file" && filter.includes(e.rel)),
      dirs: entries.filter((e) => e.type === "directory"),
      expanded: true
    };
  }
  return {
    files: [
      {
        ...found,
        rel: baseName(from),
        path: from
      }
    ],
    dirs: [],
    expanded: false
  };
}
async function downloadWork(files, dirs, root, step, ctx) {
  assertDistinctTargets(files.map(({ entry, local }) => ({
    source: entry.path,
    target: local
  })), dirs, LOCAL_CASE_INSENSITIVE);
  for (const dir of /* @__PURE__ */ new Set([
    ...dirs,
    ...files.map((f) => dirname(f.local))
  ])) {
    try {
      refuseLinksBelow(root, dir);
    } catch (error) {
      throw error instanceof LocalLinkError ? new PlanError(error.message) : error;
    }
  }
  const work = [];
  const existing = await statLocalAll(files.map((f) => f.local));
  if (step.overwrite === "newer" || step.overwrite === "different") {
    await exactTimes(files.filter(({ entry, local }) => {
      const there = existing.get(local);
      return there && (step.overwrite === "newer" || there.size === entry.size);
    }).map((f) => f.entry), ctx);
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
        await Deno.mkdir(dir, {
          recursive: true
        });
        return {
          bytes: 0
        };
      }
    });
  }
  const decisions = files.map(({ entry, local }) => {
    const there = existing.get(local);
    if (there?.isDirectory) throw new PlanError(`${local} is a directory; ${entry.path} is a file`);
    const mtime = entry.exact ? entry.modified : void 0;
    return decide(step.overwrite, {
      size: entry.size,
      mtime
    }, there && {
      size: there.size,
      mtime: there.mtime ?? void 0
    }, true);
  });
  if (ctx.client.features.has("MDTM")) {
    await exactTimes(files.filter((_, i) => decisions[i].transfer).map((f) => f.entry), ctx);
  }
  for (const [i, { entry, local }] of files.entries()) {
    const decision = decisions[i];
    const mtime = entry.exact ? entry.modified : void 0;
    if (!decision.transfer) {
      work.push({
        id: ctx.id(),
        action: "skip",
        from: entry.path,
        path: local,
        reason: decision.reason,
        phase: Phase.transfer
      });
      continue;
    }
    ctx.planned.local.add(local);
    const job = {
      remote: entry.path,
      local,
      root,
      size: entry.size,
      mtime,
      resume: step.resume,
      segments: step.segments ?? 1
    };
    work.push({
      id: ctx.id(),
      action: "download",
      from: entry.path,
      path: local,
      size: entry.size,
      reason: decision.reason,
      phase: Phase.transfer,
      run: (client, run) => downloadFile(client, job, run)
    });
  }
  return work;
}
async function planGet(step, ctx) {
  const filter = await compileFilter(step.filter);
  const sources = [];
  const known = await statSources(step.from, ctx);
  for (const from of step.from) sources.push(await remoteSources(from, filter, ctx, known));
  const endsWithSlash = /[/\\]$/.test(step.to);
  const to = endsWithSlash ? step.to.slice(0, -1) : step.to;
  const toInfo = await statLocal(to);
  const toIsDir = endsWithSlash || sources.length > 1 || sources.some((s) => s.expanded) || toInfo?.isDirectory === true;
  if (!toIsDir) {
    const file = {
      entry: sources[0].files[0],
      local: to
    };
    return await downloadWork([
      file
    ], [], dirname(to), step, ctx);
  }
  const files = sources.flatMap((s) => s.files.map((entry) => ({
    entry,
    local: join(to, entry.rel)
  })));
  const dirs = sources.flatMap((s) => s.dirs.map((d) => join(to, d.rel)));
  if (!toInfo) dirs.unshift(to);
  return await downloadWork(files, dirs, to, step, ctx);
}
async function planSyncDown(step, ctx) {
  const filter = await compileFilter(step.filter);
  const root = await statRemoteDirectory(ctx.client, step.remote, ctx.signal);
  if (!root && ctx.planned.remote.get(step.remote) === "directory") {
    ctx.warn(`${step.remote} is made by an earlier step: a dry run cannot know its content`);
    return [];
  }
  if (root?.type !== "directory") throw new PlanError(`${step.remote} is not a remote directory`);
  ctx.warm?.();
  const hidden = nothingHidden();
  const remote = await readRemoteTree(ctx.client, step.remote, (rel) => !filter.prunes(rel), ctx.signal, hidden, ctx.spread);
  notFollowed(remote.values(), ctx);
  const localRoot = step.local.replace(/[/\\]$/, "");
  const info = await statLocal(localRoot);
  if (info && !info.isDirectory) throw new PlanError(`${localRoot} is not a directory`);
  const local = info ? await readLocalTree(localRoot, filter, ctx.warn) : /* @__PURE__ */ new Map();
  const entries = [
    ...remote.values()
  ];
  const files = entries.filter((e) => e.type === "file" && filter.includes(e.rel)).map((entry) => ({
    entry,
    local: join(localRoot, entry.rel)
  }));
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
        return {
          bytes: 0
        };
      }
    }),
    removeDir: (e) => ({
      action: "rmdir-local",
      path: e.path,
      local: true,
      run: async () => {
        refuseLinksBelow(localRoot, e.path);
        await Deno.remove(e.path);
        return {
          bytes: 0
        };
      },
      tolerate: (error) => error instanceof LocalLinkError ? void 0 : "kept: not empty (holds excluded files)"
    })
  }, ctx));
}

export {
  planGet,
  planSyncDown
};
