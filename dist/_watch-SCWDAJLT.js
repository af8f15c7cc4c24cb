import {
  RunScope,
  assertSourcesExist,
  startOutput,
  totalsOf
} from "./chunk-BII4UR6P.js";
import "./chunk-W4H3KNTN.js";
import {
  formatBytes,
  formatDuration
} from "./chunk-OAUP5DGT.js";
import {
  DEFAULT_WATCH
} from "./chunk-MDAPYFKY.js";
import {
  stepKind
} from "./chunk-U3WY2XO2.js";
import {
  remoteState,
  uploadWork
} from "./chunk-QFXLK4HJ.js";
import "./chunk-MVEHBQMZ.js";
import {
  planDeletions,
  removeRemoteDir,
  removeRemoteFile
} from "./chunk-UUIWI3OP.js";
import {
  holdsFile,
  readLocalTree,
  statLocal
} from "./chunk-LZUWT6VM.js";
import "./chunk-NWFYDGVE.js";
import "./chunk-BFTUMHFL.js";
import "./chunk-MH6OJTMF.js";
import "./chunk-3CMHRS5E.js";
import "./chunk-YAX2L4F7.js";
import "./chunk-FW2PYL6C.js";
import "./chunk-GKD4NT2B.js";
import {
  compileFilter,
  globMatcher,
  joinRemote,
  remoteRelative
} from "./chunk-2IPWHU7E.js";
import "./chunk-LFXU7JLJ.js";
import {
  PARTIAL_SUFFIX
} from "./chunk-FS6M5UPR.js";
import {
  printable
} from "./chunk-S6NQWXE5.js";
import {
  EXIT_INTERRUPTED,
  withInterrupt
} from "./chunk-IGADUVIL.js";
import "./chunk-A3ZEX6XJ.js";
import "./chunk-URKZZK3P.js";
import "./chunk-KOF6ERUA.js";
import "./chunk-ZN2EVIR7.js";
import "./chunk-EWLIKXQH.js";
import "./chunk-6Y7TI5L4.js";
import "./chunk-VANQ5W6K.js";
import "./chunk-ZZKKPKQ6.js";
import "./chunk-IOE4GXSG.js";
import "./chunk-JTZGJBJ2.js";
import "./chunk-OKDFGV22.js";
import "./chunk-RK3YRUIX.js";
import "./chunk-YWCC54TA.js";
import "./chunk-AFMGHXC2.js";
import "./chunk-Q64DFV4C.js";
import "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import {
  FtpInputError
} from "./chunk-UN72SBEK.js";

// src/runner/_plan_changes.ts
import { dirname, join } from "node:path";
function sourceRoot(source) {
  return source.type === "file" ? dirname(source.path) : source.path;
}
function within(rel, root) {
  return root === "" || rel === root || rel.startsWith(`${root}/`);
}
function below(filter, prefix) {
  return {
    includes: (rel) => filter.includes(`${prefix}/${rel}`),
    prunes: (rel) => filter.prunes(`${prefix}/${rel}`)
  };
}
function excluded(rel, filter) {
  const parts = rel.split("/");
  return parts.some((_, i) => filter.prunes(parts.slice(0, i + 1).join("/")));
}
async function see(root, rel) {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    const dir = join(root, ...parts.slice(0, i));
    const info2 = await lstat(dir);
    if (!info2 || !info2.isDirectory && !info2.isSymlink) return void 0;
    if (info2.isSymlink) {
      return {
        kind: "skipped",
        why: `below ${dir}, a symbolic link (not followed)`
      };
    }
  }
  const path = join(root, ...parts);
  let info = await lstat(path);
  if (!info) return void 0;
  if (info.isSymlink) {
    const target = await statLocal(path).catch(() => void 0);
    if (!target) return {
      kind: "skipped",
      why: "a broken symbolic link"
    };
    if (target.isDirectory) {
      return {
        kind: "skipped",
        why: "a symbolic link to a directory (not followed)"
      };
    }
    info = target;
  }
  if (info.isDirectory) return {
    kind: "directory"
  };
  if (info.isFile) return {
    kind: "file",
    info
  };
  return {
    kind: "skipped",
    why: "not a regular file"
  };
}
async function lstat(path) {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return void 0;
    }
    throw error;
  }
}
async function readChanges(spec, changed, filter, warn) {
  const found = {
    entries: /* @__PURE__ */ new Map(),
    removed: /* @__PURE__ */ new Set(),
    trees: /* @__PURE__ */ new Set(),
    hidden: /* @__PURE__ */ new Map(),
    considered: /* @__PURE__ */ new Set()
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
      if (seen === void 0) {
        found.removed.add(rel);
      } else if (seen.kind === "skipped") {
        warn(`Skipped ${path}: ${seen.why}`);
        found.hidden.set(rel, `${path} is ${seen.why}`);
      } else if (seen.kind === "file") {
        if (!filter.includes(rel) || !match(rel)) continue;
        const { size, mtime } = seen.info;
        found.entries.set(rel, {
          rel,
          path,
          type: "file",
          size,
          mtime: mtime ?? void 0
        });
      } else {
        found.trees.add(rel);
        if (!source.glob) found.entries.set(rel, {
          rel,
          path,
          type: "directory",
          size: 0
        });
        const skipped = /* @__PURE__ */ new Map();
        const tree = await readLocalTree(path, below(filter, rel), warn, skipped);
        for (const [sub, why] of skipped) found.hidden.set(`${rel}/${sub}`, why);
        for (const entry of tree.values()) {
          const full = {
            ...entry,
            rel: `${rel}/${entry.rel}`
          };
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
async function planChanges(spec, changed, ctx) {
  const filter = await compileFilter(spec.filter);
  const local = await readChanges(spec, changed, filter, ctx.warn);
  if (local.entries.size === 0 && (!spec.delete || local.removed.size === 0)) return [];
  const remote = spec.remote ?? ".";
  const toDir = remote === "/" ? "/" : remote.replace(/\/+$/, "");
  const parents = /* @__PURE__ */ new Set();
  for (const rel of local.considered) {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) parents.add(parts.slice(0, i).join("/"));
  }
  const trees = [
    ...local.trees,
    ...spec.delete ? local.removed : []
  ];
  const inTree = (rel) => trees.some((root) => within(rel, root));
  const state = await remoteState(toDir, (rel) => parents.has(rel) || inTree(rel) && !filter.prunes(rel), ctx);
  const files = [
    ...local.entries.values()
  ].filter((e) => e.type === "file").map((entry) => ({
    entry,
    rel: entry.rel,
    remote: joinRemote(toDir, entry.rel)
  }));
  const sent = new Set(files.map((f) => f.remote));
  const work = await uploadWork({
    toDir,
    files,
    dirs: [
      ...local.entries.values()
    ].filter((e) => e.type === "directory").map((e) => joinRemote(toDir, e.rel)),
    existing: state.existing,
    rootExists: state.rootExists,
    // Temporaries of the files this batch covers; others are another batch's business.
    tidies: (owner) => {
      const rel = remoteRelative(toDir, owner);
      return sent.has(owner) || (local.considered.has(rel) || inTree(rel)) && filter.includes(rel);
    },
    listingMayMissDotFiles: state.listingMayMissDotFiles
  }, spec.overwrite, spec.atomic, ctx);
  if (!spec.delete || trees.length === 0) return work;
  const destination = new Map([
    ...(state.tree ?? /* @__PURE__ */ new Map()).entries()
  ].filter(([rel]) => inTree(rel)));
  if (destination.size === 0) return work;
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
    hidden: {
      paths: local.hidden,
      unreadable: /* @__PURE__ */ new Map()
    },
    destination,
    filter,
    from: folders.map((f) => f.path).join(", "),
    to: remote,
    removeFile: (e) => removeRemoteFile(e.path),
    removeDir: (e) => removeRemoteDir(e.path),
    sourceHasFiles
  }, ctx));
}

// src/runner/_watch_batch.ts
var Sent = class {
  #known = /* @__PURE__ */ new Map();
  #planned = /* @__PURE__ */ new Map();
  /** A planner (the step kind's by default) that compares with, and records, identities. */
  planner(plan = async (step, ctx) => await (await stepKind(step.kind)).plan(step, ctx)) {
    const identities = {
      known: this.#known,
      planned: this.#planned
    };
    return (step, ctx) => plan(step, {
      ...ctx,
      identities
    });
  }
  /**
   * Keeps the identities of the files whose upload (or skip) succeeded:
   * in an atomic step, an upload counts once its rename into place did.
   */
  keep(steps) {
    for (const step of steps) {
      const uncommitted = new Set(step.actions.filter((a) => a.action === "rename" && a.result !== "ok").map((a) => a.path));
      for (const action of step.actions) {
        if (action.from === void 0 || uncommitted.has(action.path)) continue;
        if (action.action !== "upload" && action.action !== "skip") continue;
        const identity = this.#planned.get(action.from);
        if (identity !== void 0 && (action.result === "ok" || action.result === "skipped")) {
          this.#known.set(action.from, identity);
        }
      }
    }
    this.#planned.clear();
  }
};
async function runBatch(scope, watched, queue, sent, changes, number) {
  const started = performance.now();
  const startedAt = (/* @__PURE__ */ new Date()).toISOString();
  const steps = [];
  let count = 0;
  let stopped = false;
  for (const { step, spec } of watched) {
    const changed = changes.get(step.index);
    if (!changed) continue;
    if (changed !== "whole") {
      for (const rels of changed.values()) count += rels.size;
    }
    if (changed !== "whole" && spec.remote === void 0 && !await statLocal(spec.sources[0].path)) {
      continue;
    }
    const { ref, report } = scope.stepReport(step);
    steps.push(report);
    if (scope.signal.aborted || stopped) {
      report.result = scope.signal.aborted ? "cancelled" : "skipped";
      scope.emit({
        type: "stepEnd",
        step: report
      });
      queue.carry(step.index, changed);
      continue;
    }
    await scope.runStep(step, ref, report, {
      dryRun: false,
      planned: {
        remote: /* @__PURE__ */ new Map(),
        local: /* @__PURE__ */ new Set()
      },
      planner: sent.planner(changed === "whole" || spec.remote === void 0 ? void 0 : (_, ctx) => planChanges(spec, changed, ctx))
    });
    sent.keep([
      report
    ]);
    if (report.result !== "ok") {
      queue.carry(step.index, changed);
      if (report.result === "failed" && !step.continueOnError) stopped = true;
    }
  }
  const interrupted = scope.signal.aborted;
  const ok = !interrupted && steps.every((s) => s.result === "ok");
  const idle = ok && steps.every((s) => s.actions.length === 0 && s.warnings.length === 0);
  if (idle) return void 0;
  return {
    batch: number,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    ok,
    interrupted,
    changes: count,
    totals: totalsOf(steps),
    steps
  };
}

// src/runner/_watch_changes.ts
import { basename, isAbsolute, relative, sep } from "node:path";
async function watchedSteps(task) {
  const watched = [];
  for (const step of task.steps) {
    const spec = await (await stepKind(step.kind)).watch?.(step);
    if (spec) watched.push({
      step,
      spec
    });
  }
  return watched;
}
function below2(root, path) {
  const rel = relative(root, path);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return void 0;
  return sep === "/" ? rel : rel.replaceAll(sep, "/");
}
function merge(into, from) {
  for (const [index, changes] of from) {
    const there = into.get(index);
    if (changes === "whole" || there === "whole") {
      into.set(index, "whole");
      continue;
    }
    const target = there ?? /* @__PURE__ */ new Map();
    for (const [source, rels] of changes) {
      const set = target.get(source) ?? /* @__PURE__ */ new Set();
      for (const rel of rels) set.add(rel);
      target.set(source, set);
    }
    into.set(index, target);
  }
}
var ChangeQueue = class {
  #watched;
  #timing;
  /** Each source's root under every name it has (as written, and resolved). */
  #roots = /* @__PURE__ */ new Map();
  #pending = /* @__PURE__ */ new Map();
  #carried = /* @__PURE__ */ new Map();
  #firstAt = 0;
  #lastAt = 0;
  #wake;
  constructor(watched, timing) {
    this.#watched = watched;
    this.#timing = timing;
  }
  /**
   * Learns the resolved name of each source's root, so that events named
   * through it (a root that is a link) are recognised.
   */
  async resolveRoots() {
    for (const { spec } of this.#watched) {
      for (const source of spec.sources) {
        for (const path of [
          sourceRoot(source),
          source.path
        ]) {
          const names2 = /* @__PURE__ */ new Set([
            path
          ]);
          await Deno.realPath(path).then((real) => names2.add(real), () => {
          });
          this.#roots.set(path, [
            ...names2
          ]);
        }
      }
    }
  }
  /**
   * Takes the steps as they are now: a source an earlier step made (a
   * folder a get filled) is known for what it is only once it exists.
   */
  async rewatch(watched) {
    this.#watched = watched;
    await this.resolveRoots();
  }
  #namesOf(path) {
    return this.#roots.get(path) ?? [
      path
    ];
  }
  /** Records the paths of one file-system event; `rescan` (events were lost) marks every step whole. */
  note(paths, rescan = false) {
    const found = /* @__PURE__ */ new Map();
    for (const { step, spec } of this.#watched) {
      if (rescan) {
        found.set(step.index, "whole");
        continue;
      }
      const changes = /* @__PURE__ */ new Map();
      spec.sources.forEach((source, i) => {
        for (const path of paths) {
          const rel = this.#relOf(source, path);
          if (rel === void 0 || rel.endsWith(PARTIAL_SUFFIX)) continue;
          const set = changes.get(i) ?? /* @__PURE__ */ new Set();
          set.add(rel);
          changes.set(i, set);
        }
      });
      if (changes.size > 0) found.set(step.index, changes);
    }
    if (found.size === 0) return;
    const now = performance.now();
    if (this.#pending.size === 0) this.#firstAt = now;
    this.#lastAt = now;
    merge(this.#pending, found);
    this.#wake?.();
  }
  #relOf(source, path) {
    if (source.type === "file") {
      const name = basename(source.path);
      const dirs = this.#namesOf(sourceRoot(source));
      return dirs.some((dir) => below2(dir, path) === name) ? name : void 0;
    }
    for (const root of this.#namesOf(source.path)) {
      const rel = below2(root, path);
      if (rel !== void 0) return rel;
    }
    return void 0;
  }
  /**
   * Keeps a step's changes (a failed batch's, or a step that failed in the
   * initial run) for the next batch, without starting one.
   */
  carry(index, changes) {
    merge(this.#carried, /* @__PURE__ */ new Map([
      [
        index,
        changes
      ]
    ]));
  }
  /** When the pending changes are due as a batch, or `undefined` when there are none. */
  dueAt() {
    if (this.#pending.size === 0) return void 0;
    return Math.min(this.#lastAt + this.#timing.debounceMs, this.#firstAt + this.#timing.maxWaitMs);
  }
  /** Resolves at the next change noted. */
  changed() {
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = void 0;
        resolve();
      };
    });
  }
  /** Takes the pending changes, with those carried from before. */
  take() {
    const batch = this.#carried;
    merge(batch, this.#pending);
    this.#carried = /* @__PURE__ */ new Map();
    this.#pending = /* @__PURE__ */ new Map();
    return batch;
  }
};
var FolderWatch = class {
  #queue;
  #warn;
  #watchers = [];
  #pumps = [];
  #watching = /* @__PURE__ */ new Set();
  #closed = false;
  /** `warn` hears of a watcher that failed. */
  constructor(queue, warn) {
    this.#queue = queue;
    this.#warn = warn;
  }
  /** The folders watched so far. */
  get folders() {
    return [
      ...this.#watching
    ];
  }
  /**
   * Starts watching what exists of the steps' sources, and returns the
   * folders that do not exist (yet).
   */
  async open(watched) {
    const trees = /* @__PURE__ */ new Set();
    const flat = /* @__PURE__ */ new Set();
    const missing = [];
    for (const { spec } of watched) {
      for (const source of spec.sources) {
        if (source.type === "folder") trees.add(source.path);
        else if (await statLocal(source.path)) flat.add(sourceRoot(source));
        else missing.push(source.path);
      }
    }
    const start = async (paths, recursive) => {
      const present = [];
      for (const path of paths) {
        if (this.#watching.has(path)) continue;
        const info = await Deno.stat(path).catch((error) => {
          if (error instanceof Deno.errors.NotFound) return void 0;
          if (error instanceof Deno.errors.NotADirectory) return void 0;
          throw error;
        });
        if (info?.isDirectory) present.push(path);
        else missing.push(path);
      }
      if (present.length === 0) return;
      const watcher = Deno.watchFs(present, {
        recursive
      });
      this.#watchers.push(watcher);
      for (const path of present) this.#watching.add(path);
      this.#pumps.push((async () => {
        for await (const event of watcher) {
          this.#queue.note(event.paths, event.flag === "rescan");
        }
      })().catch((error) => {
        if (!this.#closed) {
          this.#warn(`Stopped watching ${present.join(", ")}: ${error.message}`);
        }
      }));
    };
    await start(trees, true);
    await start(flat, false);
    return missing;
  }
  /** Stops every watcher. */
  async close() {
    this.#closed = true;
    for (const watcher of this.#watchers) {
      try {
        watcher.close();
      } catch {
      }
    }
    await Promise.all(this.#pumps);
  }
};

// src/runner/watch_task.ts
var FRESH_MS = 1e3;
async function watchTask(task, options = {}) {
  let watched = await watchedSteps(task);
  if (watched.length === 0) {
    throw new FtpInputError("Nothing to watch: the task has no upload step (put, or sync with direction up). Use ferry run for a task that only downloads or changes the server");
  }
  await assertSourcesExist(task);
  const base = task.watch ?? DEFAULT_WATCH;
  const settings = {
    debounceMs: options.debounceMs ?? base.debounceMs,
    maxWaitMs: options.maxWaitMs ?? base.maxWaitMs,
    keepAliveMs: options.keepAliveMs ?? base.keepAliveMs
  };
  const signal = options.signal ?? new AbortController().signal;
  const notify = (event) => options.onWatch?.(event);
  const scope = new RunScope(task, {
    ...options,
    signal
  });
  const queue = new ChangeQueue(watched, settings);
  const folders = new FolderWatch(queue, (message) => scope.warn(message));
  const sent = new Sent();
  let batches = 0;
  let failedBatches = 0;
  let initial;
  try {
    await queue.resolveRoots();
    await folders.open(watched);
    const started = performance.now();
    initial = scope.newReport(false);
    const isWatched = new Set(watched.map(({ step }) => step.index));
    await scope.runAll(initial, (step) => isWatched.has(step.index) ? sent.planner() : void 0);
    sent.keep(initial.steps);
    scope.finish(initial, started);
    scope.emit({
      type: "end",
      report: initial
    });
    notify({
      type: "run",
      report: initial
    });
    for (const { step } of watched) {
      const result = initial.steps[step.index].result;
      if (result !== "ok") queue.carry(step.index, "whole");
    }
    if (!signal.aborted) {
      watched = await watchedSteps(task);
      await queue.rewatch(watched);
      for (const missing of await folders.open(watched)) {
        scope.warn(`Not watching ${missing}: it does not exist`);
      }
      notify({
        type: "watching",
        folders: folders.folders.map(scope.redact),
        settings
      });
    }
    let lastActive = performance.now();
    const keepAlive = async () => {
      const { dropped } = await scope.pool.keepAlive(signal);
      lastActive = performance.now();
      if (dropped > 0 && !signal.aborted) notify({
        type: "dropped",
        connections: dropped
      });
    };
    while (!signal.aborted) {
      const now = performance.now();
      const due = queue.dueAt();
      if (due !== void 0 && now >= due) {
        if (now - lastActive >= FRESH_MS) await keepAlive();
        if (signal.aborted) break;
        const batch = await runBatch(scope, watched, queue, sent, queue.take(), batches + 1);
        lastActive = performance.now();
        if (batch) {
          batches++;
          if (!batch.ok && !batch.interrupted) failedBatches++;
          notify({
            type: "batch",
            ...batch
          });
        }
        continue;
      }
      const keepAliveAt = settings.keepAliveMs > 0 ? lastActive + settings.keepAliveMs : Infinity;
      if (now >= keepAliveAt) {
        await keepAlive();
        continue;
      }
      await wake(Math.min(due ?? Infinity, keepAliveAt) - now, queue.changed(), signal);
    }
  } finally {
    await folders.close();
    await scope.close();
  }
  notify({
    type: "stopped",
    batches,
    failedBatches
  });
  return {
    initial,
    batches,
    failedBatches,
    interrupted: true
  };
}
function wake(ms, changed, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : void 0;
    signal.addEventListener("abort", done, {
      once: true
    });
    changed.then(done);
  });
}

// src/cli/_watch.ts
var NAMED = 3;
function names(actions, all) {
  const shown = (all ? actions : actions.slice(0, NAMED)).map((a) => printable(a.path));
  const more = actions.length - shown.length;
  return `(${shown.join(", ")}${more > 0 ? `, and ${more} more` : ""})`;
}
function clock(iso) {
  const d = new Date(iso);
  return [
    d.getHours(),
    d.getMinutes(),
    d.getSeconds()
  ].map((n) => String(n).padStart(2, "0")).join(":");
}
function batchLines(batch, verbose) {
  const actions = batch.steps.flatMap((s) => s.actions);
  const done = (kinds) => actions.filter((a) => a.result === "ok" && kinds.includes(a.action));
  const uploaded = done([
    "upload"
  ]);
  const deleted = done([
    "delete",
    "rmdir"
  ]);
  const upToDate = actions.filter((a) => a.result === "skipped" || a.action === "skip");
  const failed = actions.filter((a) => a.result === "failed");
  const parts = [];
  if (uploaded.length > 0) parts.push(`\u2191 ${uploaded.length} uploaded ${names(uploaded, verbose)}`);
  if (deleted.length > 0) parts.push(`- ${deleted.length} deleted ${names(deleted, verbose)}`);
  if (upToDate.length > 0) parts.push(`${upToDate.length} up to date`);
  const stepErrors = batch.steps.filter((s) => s.error && s.actions.length === 0);
  if (failed.length > 0 || stepErrors.length > 0) {
    const first = failed[0] ? `${printable(failed[0].path)}: ${printable(failed[0].error?.message ?? "unknown error")}` : printable(stepErrors[0].error.message);
    const count = failed.length + stepErrors.length;
    parts.push(`\u2717 ${count} failed (${first}${count > 1 ? `, and ${count - 1} more` : ""})`);
  }
  if (parts.length === 0) parts.push("nothing to do");
  const verdict = batch.interrupted ? " interrupted" : batch.ok ? "" : " FAILED";
  const lines = [
    `${clock(batch.startedAt)} batch ${batch.batch}${verdict}: ${parts.join(", ")} \xB7 ${formatBytes(batch.totals.bytes)} in ${formatDuration(batch.durationMs)}`
  ];
  if (verbose) {
    for (const a of failed.slice(1)) {
      lines.push(`  \u2717 ${printable(a.path)}: ${printable(a.error?.message ?? "unknown error")}`);
    }
  }
  for (const step of batch.steps) {
    for (const warning of step.warnings) lines.push(`  warning: ${printable(warning)}`);
  }
  return lines;
}
async function watchJob(task, flags, io) {
  const { human, renderer } = startOutput(task, flags, io, {
    listPlan: false,
    suffix: ": a first run, then watching for changes"
  });
  let watching = false;
  const onEvent = (event) => {
    if (!watching) return renderer.onEvent(event);
    if (event.type === "debug" && flags.verbose) {
      human(`  [${event.connection}] ${printable(event.line)}
`);
    } else if (event.type === "warning" && event.step === void 0) {
      human(`  warning: ${printable(event.message)}
`);
    }
  };
  const onWatch = (event) => {
    if (flags.json) io.stdout(JSON.stringify(event) + "\n");
    switch (event.type) {
      case "run":
        watching = true;
        renderer.close();
        break;
      case "watching":
        if (!flags.quiet) {
          human(`ferry: watching ${event.folders.map(printable).join(", ")} (batches after ${formatDuration(event.settings.debounceMs)} of quiet; Ctrl-C to stop)
`);
        }
        break;
      case "batch":
        if (!flags.quiet || !event.ok) {
          for (const line of batchLines(event, flags.verbose)) human(`${line}
`);
        }
        break;
      case "dropped":
        if (!flags.quiet) {
          human(`ferry: the server had closed ${event.connections} idle connection(s); new ones open when needed
`);
        }
        break;
      case "stopped":
        human(`ferry: stopped watching after ${event.batches} batch${event.batches === 1 ? "" : "es"}${event.failedBatches > 0 ? ` (${event.failedBatches} failed)` : ""}
`);
        break;
    }
  };
  try {
    await withInterrupt(io, (signal) => watchTask(task, {
      signal,
      onEvent,
      onWatch,
      trace: flags.verbose,
      parallel: flags.parallel,
      debounceMs: flags.debounceMs,
      maxWaitMs: flags.maxWaitMs,
      keepAliveMs: flags.keepAliveMs
    }));
    return EXIT_INTERRUPTED;
  } finally {
    renderer.close();
  }
}
export {
  batchLines,
  watchJob
};
