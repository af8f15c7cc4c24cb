// Local changes as watch mode collects them: Deno.watchFs on the folders of
// the watched steps' sources (recursive) and on the folders of single-file
// sources (not recursive, so that an editor's save through a temporary and
// a rename is still seen), each event's paths mapped to the sources they
// concern as relative paths, coalesced, and handed out as one batch once
// the folders have been quiet for the debounce time, or the first change
// has waited the longest wait. The event's kind is not trusted: planning
// looks at what each path is when the batch runs.

import { basename, isAbsolute, relative, sep } from "node:path";
import { PARTIAL_SUFFIX } from "../client/temporary_names.ts";
import { statLocal } from "./_local_tree.ts";
import { sourceRoot } from "./_plan_changes.ts";
import { stepKind, type WatchSpec } from "./steps/registry.ts";
import type { Step, Task } from "./task.ts";

/** A step watch mode watches, with what its kind says about it. */
export interface Watched {
  step: Step;
  spec: WatchSpec;
}

/** The steps watch mode watches: those whose kind says how (put, sync up). */
export async function watchedSteps(task: Task): Promise<Watched[]> {
  const watched: Watched[] = [];
  for (const step of task.steps) {
    const spec = await (await stepKind(step.kind)).watch?.(step);
    if (spec) watched.push({ step, spec });
  }
  return watched;
}

/** One step's share of a batch: changed paths by source, or the whole step. */
export type StepChanges = Map<number, Set<string>> | "whole";

/** How long changes wait before they become a batch. */
export interface Debounce {
  /** Quiet time after the last change. */
  debounceMs: number;
  /** The longest the first change of a batch waits. */
  maxWaitMs: number;
}

/** A path's form relative to a root, or `undefined` when it is not below it. */
function below(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return sep === "/" ? rel : rel.replaceAll(sep, "/");
}

/** Merges `from` into `into` (by step index). */
function merge(into: Map<number, StepChanges>, from: ReadonlyMap<number, StepChanges>): void {
  for (const [index, changes] of from) {
    const there = into.get(index);
    if (changes === "whole" || there === "whole") {
      into.set(index, "whole");
      continue;
    }
    const target = there ?? new Map<number, Set<string>>();
    for (const [source, rels] of changes) {
      const set = target.get(source) ?? new Set<string>();
      for (const rel of rels) set.add(rel);
      target.set(source, set);
    }
    into.set(index, target);
  }
}

/** The changes noted and not yet taken, with when they came. */
export class ChangeQueue {
  #watched: readonly Watched[];
  readonly #timing: Debounce;
  /** Each source's root under every name it has (as written, and resolved). */
  readonly #roots: Map<string, string[]> = new Map();
  #pending = new Map<number, StepChanges>();
  #carried = new Map<number, StepChanges>();
  #firstAt = 0;
  #lastAt = 0;
  #wake?: () => void;

  constructor(watched: readonly Watched[], timing: Debounce) {
    this.#watched = watched;
    this.#timing = timing;
  }

  /**
   * Learns the resolved name of each source's root, so that events named
   * through it (a root that is a link) are recognised.
   */
  async resolveRoots(): Promise<void> {
    for (const { spec } of this.#watched) {
      for (const source of spec.sources) {
        for (const path of [sourceRoot(source), source.path]) {
          const names = new Set([path]);
          await Deno.realPath(path).then((real) => names.add(real), () => {});
          this.#roots.set(path, [...names]);
        }
      }
    }
  }

  /**
   * Takes the steps as they are now: a source an earlier step made (a
   * folder a get filled) is known for what it is only once it exists.
   */
  async rewatch(watched: readonly Watched[]): Promise<void> {
    this.#watched = watched;
    await this.resolveRoots();
  }

  #namesOf(path: string): string[] {
    return this.#roots.get(path) ?? [path];
  }

  /** Records the paths of one file-system event; `rescan` (events were lost) marks every step whole. */
  note(paths: readonly string[], rescan = false): void {
    const found = new Map<number, StepChanges>();
    for (const { step, spec } of this.#watched) {
      if (rescan) {
        found.set(step.index, "whole");
        continue;
      }
      const changes = new Map<number, Set<string>>();
      spec.sources.forEach((source, i) => {
        for (const path of paths) {
          const rel = this.#relOf(source, path);
          // ferry's own temporaries (a download's, a report's) are never sources.
          if (rel === undefined || rel.endsWith(PARTIAL_SUFFIX)) continue;
          const set = changes.get(i) ?? new Set<string>();
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

  #relOf(source: WatchSpec["sources"][number], path: string): string | undefined {
    if (source.type === "file") {
      const name = basename(source.path);
      const dirs = this.#namesOf(sourceRoot(source));
      return dirs.some((dir) => below(dir, path) === name) ? name : undefined;
    }
    for (const root of this.#namesOf(source.path)) {
      const rel = below(root, path);
      if (rel !== undefined) return rel;
    }
    return undefined;
  }

  /**
   * Keeps a step's changes (a failed batch's, or a step that failed in the
   * initial run) for the next batch, without starting one.
   */
  carry(index: number, changes: StepChanges): void {
    merge(this.#carried, new Map([[index, changes]]));
  }

  /** When the pending changes are due as a batch, or `undefined` when there are none. */
  dueAt(): number | undefined {
    if (this.#pending.size === 0) return undefined;
    return Math.min(
      this.#lastAt + this.#timing.debounceMs,
      this.#firstAt + this.#timing.maxWaitMs,
    );
  }

  /** Resolves at the next change noted. */
  changed(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve();
      };
    });
  }

  /** Takes the pending changes, with those carried from before. */
  take(): Map<number, StepChanges> {
    const batch = this.#carried;
    merge(batch, this.#pending);
    this.#carried = new Map();
    this.#pending = new Map();
    return batch;
  }
}

/**
 * The file-system watchers: one recursive watcher over the folders, one
 * over the folders of single files. A folder that does not exist yet
 * (made by an earlier step) is left out and can be added later.
 */
export class FolderWatch {
  readonly #queue: ChangeQueue;
  readonly #warn: (message: string) => void;
  readonly #watchers: Deno.FsWatcher[] = [];
  readonly #pumps: Promise<void>[] = [];
  readonly #watching = new Set<string>();
  #closed = false;

  /** `warn` hears of a watcher that failed. */
  constructor(queue: ChangeQueue, warn: (message: string) => void) {
    this.#queue = queue;
    this.#warn = warn;
  }

  /** The folders watched so far. */
  get folders(): string[] {
    return [...this.#watching];
  }

  /**
   * Starts watching what exists of the steps' sources, and returns the
   * folders that do not exist (yet).
   */
  async open(watched: readonly Watched[]): Promise<string[]> {
    const trees = new Set<string>();
    const flat = new Set<string>();
    const missing: string[] = [];
    for (const { spec } of watched) {
      for (const source of spec.sources) {
        if (source.type === "folder") trees.add(source.path);
        // A source not there yet is not known to be a file: it waits for the first run.
        else if (await statLocal(source.path)) flat.add(sourceRoot(source));
        else missing.push(source.path);
      }
    }
    const start = async (paths: Set<string>, recursive: boolean) => {
      const present: string[] = [];
      for (const path of paths) {
        if (this.#watching.has(path)) continue;
        // Only a folder that is not there is left for later; no permission to read it is an error.
        const info = await Deno.stat(path).catch((error) => {
          if (error instanceof Deno.errors.NotFound) return undefined;
          if (error instanceof Deno.errors.NotADirectory) return undefined;
          throw error;
        });
        if (info?.isDirectory) present.push(path);
        else missing.push(path);
      }
      if (present.length === 0) return;
      const watcher = Deno.watchFs(present, { recursive });
      this.#watchers.push(watcher);
      for (const path of present) this.#watching.add(path);
      this.#pumps.push(
        (async () => {
          for await (const event of watcher) {
            this.#queue.note(event.paths, event.flag === "rescan");
          }
        })().catch((error) => {
          if (!this.#closed) {
            this.#warn(`Stopped watching ${present.join(", ")}: ${(error as Error).message}`);
          }
        }),
      );
    };
    await start(trees, true);
    await start(flat, false);
    return missing;
  }

  /** Stops every watcher. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const watcher of this.#watchers) {
      try {
        watcher.close();
      } catch {
        // Already closed.
      }
    }
    await Promise.all(this.#pumps);
  }
}
