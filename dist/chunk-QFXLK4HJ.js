import {
  assertDistinctTargets,
  transferOutcome
} from "./chunk-MVEHBQMZ.js";
import {
  planDeletions,
  removeRemoteDir,
  removeRemoteFile
} from "./chunk-UUIWI3OP.js";
import {
  decide,
  exactTimes,
  readLocalTree,
  statLocal
} from "./chunk-LZUWT6VM.js";
import {
  DirectoryBatch,
  remoteParents
} from "./chunk-FW2PYL6C.js";
import {
  hasDotSegment,
  readRemoteTree,
  statRemote,
  statRemoteDirectory
} from "./chunk-GKD4NT2B.js";
import {
  PlanError,
  compileFilter,
  globMatcher,
  joinRemote,
  remoteDirname,
  remoteRelative,
  splitGlob
} from "./chunk-2IPWHU7E.js";
import {
  Phase
} from "./chunk-LFXU7JLJ.js";
import {
  ASIDE_SUFFIX,
  PARTIAL_SUFFIX,
  partialPath
} from "./chunk-FS6M5UPR.js";
import {
  FtpPermanentError
} from "./chunk-UN72SBEK.js";

// src/runner/_plan_up.ts
import { basename } from "node:path";

// src/runner/_plan_context.ts
function identityOf(file) {
  return `${file.size}:${file.mtime?.getTime() ?? ""}`;
}

// src/runner/_temporaries.ts
var FINGERPRINTED = new RegExp(`\\.[0-9a-f]{12}${PARTIAL_SUFFIX.replaceAll(".", "\\.")}$`);
async function temporaryFor(remote, local) {
  if (!local.mtime) return partialPath(remote);
  const identity = `${local.path}\0${local.size}\0${local.mtime.getTime()}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(identity));
  const hex = [
    ...new Uint8Array(digest).subarray(0, 6)
  ].map((b) => b.toString(16).padStart(2, "0")).join("");
  return partialPath(`${remote}.${hex}`);
}
function isFingerprinted(temporary) {
  return FINGERPRINTED.test(temporary);
}
function ownerOf(path) {
  if (!path.endsWith(PARTIAL_SUFFIX) || path.endsWith(ASIDE_SUFFIX)) return void 0;
  const owner = FINGERPRINTED.test(path) ? path.replace(FINGERPRINTED, "") : path.slice(0, -PARTIAL_SUFFIX.length);
  return owner === "" || owner.endsWith("/") ? void 0 : owner;
}

// src/runner/_upload_file.ts
function identityOf2(info) {
  return {
    size: info.size,
    mtime: info.mtime?.getTime()
  };
}
function sameIdentity(a, b) {
  return a !== void 0 && a.size === b.size && a.mtime === b.mtime;
}
async function uploadFile(client, job, ctx, replace = false) {
  const now = identityOf2(await Deno.stat(job.local));
  const onProgress = (progress) => {
    if (progress.bytes !== progress.offset) return ctx.progress(progress.bytes);
    job.written = now;
    ctx.started(progress.offset);
  };
  const options = {
    resume: sameIdentity(job.written, now),
    mtime: now.mtime === void 0 ? void 0 : new Date(now.mtime),
    onProgress,
    signal: ctx.signal
  };
  const viaTemporary = job.target !== job.remote;
  if (replace) Object.assign(options, {
    atomic: true,
    temporary: job.target,
    keepTemporary: true
  });
  else if (viaTemporary) options.checkSize = true;
  return await transferOutcome(client.uploadFrom(job.local, replace ? job.remote : job.target, options));
}
function leftPartial(job) {
  return job.target === job.remote && job.written ? job.target : void 0;
}

// src/runner/_plan_up.ts
async function localSources(from, filter, ctx) {
  const { base, glob } = await splitGlob(from.replaceAll("\\", "/"));
  if (glob) {
    const info2 = await statLocal(base);
    if (!info2?.isDirectory) throw new PlanError(`${from}: ${base} is not a directory`);
    const match = globMatcher(glob);
    const tree = await readLocalTree(base, filter, ctx.warn);
    const files = [
      ...tree.values()
    ].filter((e) => e.type === "file" && match(e.rel) && filter.includes(e.rel));
    if (files.length === 0) throw new PlanError(`${from} matches no file`);
    if (files.length > 1) ctx.warm?.();
    return {
      files,
      dirs: [],
      expanded: true
    };
  }
  const info = await statLocal(from);
  if (!info) throw new PlanError(`${from} does not exist`);
  if (info.isDirectory) {
    const tree = await readLocalTree(from, filter, ctx.warn);
    const entries = [
      ...tree.values()
    ];
    const files = entries.filter((e) => e.type === "file" && filter.includes(e.rel));
    if (files.length > 1) ctx.warm?.();
    return {
      files,
      dirs: entries.filter((e) => e.type === "directory"),
      expanded: true
    };
  }
  const name = basename(from);
  const file = {
    rel: name,
    path: from,
    type: "file",
    size: info.size,
    mtime: info.mtime ?? void 0
  };
  return {
    files: [
      file
    ],
    dirs: [],
    expanded: false
  };
}
function missingDirs(needed, toDir, existing) {
  const levels = /* @__PURE__ */ new Set();
  for (const dir of needed) {
    levels.add(dir);
    const rel = remoteRelative(toDir, dir);
    if (rel === "" || rel === "." || rel.startsWith("../")) continue;
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      levels.add(joinRemote(toDir, parts.slice(0, i).join("/")));
    }
  }
  return [
    ...levels
  ].filter((d) => d !== "" && d !== "/" && d !== "." && !existing(d)).sort();
}
function writesToTemporary(atomic, there, unlisted = false) {
  return atomic || there?.type === "file" || there === void 0 && unlisted;
}
function refusedRename(error) {
  return error instanceof FtpPermanentError && /^RN(FR|TO) /.test(error.command ?? "");
}
async function uploadAndReplace(client, job, run) {
  return await uploadFile(client, job, run, true).catch((error) => {
    if (refusedRename(error)) {
      run.warn(`${job.remote} was not replaced: the server refused to rename ${job.target} over it. ferry replaces a file through a temporary so that a failed upload never costs the old one; allow renames (RNFR/RNTO) on the server, or remove ${job.remote} first`);
    }
    throw error;
  });
}
async function uploadWork(plan, policy, atomic, ctx) {
  assertDistinctTargets(plan.files.map((f) => ({
    source: f.entry.path,
    target: f.remote
  })), plan.dirs, false);
  const work = [];
  const settable = ctx.client.features.has("MFMT");
  const candidates = plan.files.map((f) => plan.existing.get(f.remote)).filter((e) => e !== void 0);
  if (policy === "newer" || policy === "different") {
    await exactTimes(candidates.filter((e) => policy === "newer" || plan.files.some((f) => f.remote === e.path && f.entry.size === e.size)), ctx);
  }
  const needed = new Set(plan.dirs);
  for (const file of plan.files) needed.add(remoteDirname(file.remote));
  if (!plan.rootExists) needed.add(plan.toDir);
  const isDir = (path) => plan.existing.get(path)?.type === "directory" || plan.rootExists && path === plan.toDir;
  const missing = missingDirs(needed, plan.toDir, isDir);
  const inTheWay = missing.find((dir) => plan.existing.get(dir)?.type === "file");
  if (inTheWay !== void 0) {
    throw new PlanError(`${inTheWay} is a file on the server, where the upload needs a directory: remove or rename it on the server, or leave that directory out of the step (filter)`);
  }
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
        await batch.make(client, dir, run.signal);
        return {
          bytes: 0
        };
      }
    });
  }
  const targets = /* @__PURE__ */ new Set();
  for (const { entry, remote, rel } of plan.files) {
    const there = plan.existing.get(remote);
    if (there?.type === "directory") {
      throw new PlanError(`${remote} is a directory; ${entry.path} is a file`);
    }
    const identity = identityOf(entry);
    ctx.identities?.planned.set(entry.path, identity);
    const known = ctx.identities?.known.get(entry.path);
    const decision = policy === "different" && there?.type === "file" && known !== void 0 && known !== identity ? {
      transfer: true,
      reason: "changed since sent"
    } : decide(policy, {
      size: entry.size,
      mtime: entry.mtime
    }, there && {
      size: there.size,
      mtime: there.modified
    }, settable);
    if (!decision.transfer) {
      work.push({
        id: ctx.id(),
        action: "skip",
        from: entry.path,
        path: remote,
        reason: decision.reason,
        phase: Phase.transfer
      });
      continue;
    }
    ctx.planned.remote.set(remote, "file");
    const unlisted = plan.listingMayMissDotFiles === true && hasDotSegment(rel);
    const viaTemporary = writesToTemporary(atomic, there, unlisted);
    const target = viaTemporary ? await temporaryFor(remote, entry) : remote;
    targets.add(target);
    const job = {
      local: entry.path,
      remote,
      target,
      size: entry.size,
      mtime: entry.mtime
    };
    if (isFingerprinted(target) && plan.existing.get(target)?.type === "file") {
      job.written = {
        size: entry.size,
        mtime: entry.mtime?.getTime()
      };
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
      run: viaTemporary && !atomic ? (client, run) => uploadAndReplace(client, job, run) : (client, run) => uploadFile(client, job, run),
      leftover: () => leftPartial(job)
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
          await client.rename(target, remote, {
            replace: true,
            signal: run.signal
          });
          return {
            bytes: 0
          };
        }
      });
    }
  }
  for (const entry of plan.existing.values()) {
    const owner = ownerOf(entry.path);
    if (entry.type !== "file" || owner === void 0 || targets.has(entry.path)) continue;
    if (plan.tidies(owner)) {
      work.push({
        id: ctx.id(),
        reason: "stale temporary (another version, or a finished upload)",
        phase: Phase.transfer,
        ...removeRemoteFile(entry.path)
      });
    }
  }
  return work;
}
async function remoteState(toDir, descend, ctx) {
  const root = toDir === "" || toDir === "." || toDir === "/" ? {
    type: "directory"
  } : await statRemoteDirectory(ctx.client, toDir, ctx.signal);
  if (root && root.type !== "directory") {
    throw new PlanError(`${toDir} exists and is not a directory`);
  }
  if (!root) return {
    rootExists: false,
    existing: /* @__PURE__ */ new Map()
  };
  const tree = await readRemoteTree(ctx.client, toDir, descend, ctx.signal, void 0, ctx.spread);
  const existing = /* @__PURE__ */ new Map();
  for (const entry of tree.values()) existing.set(entry.path, entry);
  return {
    rootExists: true,
    existing,
    tree,
    listingMayMissDotFiles: ctx.spread?.mayMissDotFiles() ?? ctx.client.listingsMayMissDotFiles
  };
}
function parentsOf(rel, into) {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) into.add(parts.slice(0, i).join("/"));
}
async function planPut(step, ctx) {
  const filter = await compileFilter(step.filter);
  const sources = await Promise.all(step.from.map((f) => localSources(f, filter, ctx)));
  let toIsDir = step.to.endsWith("/") || sources.length > 1 || sources.some((s) => s.expanded);
  if (!toIsDir) {
    const there = await statRemote(ctx.client, step.to, ctx.signal);
    toIsDir = there?.type === "directory";
    if (!toIsDir) {
      const entry = sources[0].files[0];
      const parent = remoteDirname(step.to);
      const parentInfo = parent === "" || parent === "/" ? {
        type: "directory"
      } : await statRemote(ctx.client, parent, ctx.signal);
      if (parentInfo && parentInfo.type !== "directory") {
        throw new PlanError(`${parent} exists and is not a directory`);
      }
      const existing = /* @__PURE__ */ new Map();
      if (there) existing.set(step.to, there);
      if (writesToTemporary(step.atomic, there) && parentInfo) {
        const temporary = await temporaryFor(step.to, entry);
        const found = await statRemote(ctx.client, temporary, ctx.signal);
        if (found) existing.set(temporary, found);
      }
      return await uploadWork({
        toDir: parent,
        files: [
          {
            entry,
            remote: step.to,
            rel: entry.rel
          }
        ],
        dirs: [],
        existing,
        rootExists: parentInfo !== void 0,
        tidies: () => false
      }, step.overwrite, step.atomic, ctx);
    }
  }
  const toDir = step.to === "/" ? "/" : step.to.replace(/\/+$/, "");
  const files = sources.flatMap((s) => s.files.map((entry) => ({
    entry,
    rel: entry.rel,
    remote: joinRemote(toDir, entry.rel)
  })));
  const dirRels = /* @__PURE__ */ new Set();
  for (const f of files) parentsOf(f.rel, dirRels);
  for (const s of sources) for (const d of s.dirs) dirRels.add(d.rel);
  const state = await remoteState(toDir, (rel) => dirRels.has(rel), ctx);
  const uploaded = new Set(files.map((f) => f.remote));
  return await uploadWork({
    toDir,
    files,
    dirs: [
      ...dirRels
    ].map((rel) => joinRemote(toDir, rel)),
    existing: state.existing,
    rootExists: state.rootExists,
    tidies: (owner) => uploaded.has(owner),
    listingMayMissDotFiles: state.listingMayMissDotFiles
  }, step.overwrite, step.atomic, ctx);
}
async function planSyncUp(step, ctx) {
  const filter = await compileFilter(step.filter);
  const info = await statLocal(step.local);
  if (!info?.isDirectory) throw new PlanError(`${step.local} is not a directory`);
  const skipped = /* @__PURE__ */ new Map();
  const tree = await readLocalTree(step.local, filter, ctx.warn, skipped);
  const entries = [
    ...tree.values()
  ];
  const toDir = step.remote === "/" ? "/" : step.remote.replace(/\/+$/, "");
  const files = entries.filter((e) => e.type === "file" && filter.includes(e.rel)).map((entry) => ({
    entry,
    rel: entry.rel,
    remote: joinRemote(toDir, entry.rel)
  }));
  const dirs = entries.filter((e) => e.type === "directory");
  ctx.warm?.();
  const state = await remoteState(toDir, (rel) => !filter.prunes(rel), ctx);
  const remoteTree = state.tree ?? /* @__PURE__ */ new Map();
  const work = await uploadWork({
    toDir,
    files,
    dirs: dirs.map((d) => joinRemote(toDir, d.rel)),
    existing: state.existing,
    rootExists: state.rootExists,
    tidies: (owner) => filter.includes(remoteRelative(toDir, owner)),
    listingMayMissDotFiles: state.listingMayMissDotFiles
  }, step.overwrite, step.atomic, ctx);
  if (!step.delete) return work;
  return work.concat(planDeletions({
    source: tree,
    hidden: {
      paths: skipped,
      unreadable: /* @__PURE__ */ new Map()
    },
    destination: remoteTree,
    filter,
    from: step.local,
    to: step.remote,
    removeFile: (e) => removeRemoteFile(e.path),
    removeDir: (e) => removeRemoteDir(e.path)
  }, ctx));
}

export {
  uploadWork,
  remoteState,
  planPut,
  planSyncUp
};
