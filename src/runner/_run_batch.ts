// A step's downloads in batches (issue 15's 1000 small files): each worker
// holds one pooled connection for a run of files and hands the run to the
// client's downloadAllTo, one queued call for all of them, so that the
// per-call machinery (queue entry, abort controller, pool lease, the stop
// grace wrapper) is paid per run instead of per file. What the user sees per
// file is what runWork gives: the same report entry, the same actionStart,
// progress and actionEnd events, the same partial file renamed into place.
//
// Only a fresh download goes in a batch: no `resume`, one segment, and no
// `<name>.ferry-part` or segmented progress file beside it when the phase
// starts (one directory read per directory instead of two failed stats per
// file). The client opens its partial file create-new, which is also the
// link check a stat gave: a link (or a partial file made since) fails the
// open before anything is sent, and the file goes the ordinary way.
//
// A file that fails in a batch continues in runWork from its failed first
// try: the same retries, back-off and error entry as ever. A file a batch
// did not start (the connection closed, a local open failed) runs in runWork
// from the start. A stopped run leaves the file in flight as `cancelled`
// (its partial file is never renamed) and the rest unstarted, as runWork's
// loop does.

import { dirname, SEPARATOR } from "../std/path.ts";
import type { DownloadAllOutcome } from "../client/options.ts";
import { partialPath, segmentStatePath } from "../client/temporary_names.ts";
import { runConcurrent } from "./_concurrent.ts";
import { refuseLinksBelow } from "./_no_links.ts";
import type { Lease } from "./_pool.ts";
import { breaksConnection } from "./_retry.ts";
import { publicAction, stoppable, waitingSignal } from "./_run_work.ts";
import type { StepEnv } from "./_step_env.ts";
import { runError } from "./_transfer_context.ts";
import type { Work } from "./_work.ts";
import type { ActionReport } from "./report.ts";
import type { StepRef } from "./run_event.ts";

/** Runs one action the ordinary way (runWork), after a failed first try if given. */
export type RunOne = (w: Work, firstFailure?: { error: unknown }) => Promise<void>;

/** Most files handed to one call. */
const MOST_PER_BATCH = 64;

/**
 * Runs a phase's actions: fresh downloads in batches, the rest (and what a
 * batch hands back) through `one`, over at most `limit` connections.
 */
export async function runBatches(
  items: readonly Work[],
  limit: number,
  actions: ReadonlyMap<number, ActionReport>,
  ref: StepRef,
  env: StepEnv,
  one: RunOne,
): Promise<void> {
  const fresh = freshDownloads(items);
  const others = items.filter((w) => !fresh.has(w));
  const batched = items.filter((w) => fresh.has(w));
  let next = 0;
  const workers = Math.max(1, Math.min(limit, batched.length));
  const worker = async () => {
    // Bounded: each pass takes at least one file.
    while (next < batched.length && !env.signal.aborted && !env.silence.gaveUp) {
      let lease: Lease;
      try {
        lease = await env.pool.acquire(waitingSignal(env));
      } catch {
        // No connection to be had: the next file, if the other workers left
        // one while this waited, meets that the ordinary way (its error
        // entry, its retries).
        if (next < batched.length) await one(batched[next++]);
        continue;
      }
      if (next >= batched.length) {
        // The other workers took every file while this waited.
        env.pool.release(lease);
        break;
      }
      const take = Math.min(
        MOST_PER_BATCH,
        Math.max(1, Math.ceil((batched.length - next) / (workers * 2))),
      );
      const run = batched.slice(next, next + take);
      next += run.length;
      const later = await runOnLease(lease, run, actions, ref, env);
      for (const { w, firstFailure } of later) await one(w, firstFailure);
    }
  };
  await Promise.all([
    runConcurrent(others, limit, (w) => one(w)),
    ...Array.from({ length: workers }, worker),
  ]);
}

/** What a batch hands back: to run the ordinary way, after a failed first try if given. */
interface HandedBack {
  w: Work;
  firstFailure?: { error: unknown };
}

/** Per file of a batch: its report entry, public action, and where its bytes stand. */
interface Slot {
  w: Work;
  entry: ActionReport;
  action: ReturnType<typeof publicAction>;
  start: number;
  reached: number;
}

/** One call of downloadAllTo on the lease; releases it. */
async function runOnLease(
  lease: Lease,
  run: readonly Work[],
  actions: ReadonlyMap<number, ActionReport>,
  ref: StepRef,
  env: StepEnv,
): Promise<HandedBack[]> {
  const later: HandedBack[] = [];
  const slots: Slot[] = [];
  let checked: string | undefined;
  for (const w of run) {
    const job = w.download!;
    const dir = job.dir ?? dirname(job.local);
    try {
      // Right before writing, as downloadFile checks: once per directory of the run.
      if (dir !== checked) refuseLinksBelow(job.root, dir);
      checked = dir;
    } catch {
      later.push({ w });
      continue;
    }
    const entry = actions.get(w.id)!;
    slots.push({ w, entry, action: publicAction(entry), start: 0, reached: 0 });
  }
  if (slots.length === 0) {
    env.pool.release(lease);
    return later;
  }
  let broken = false;
  let abandoned = false;
  let t = performance.now();
  let ended = 0;
  const onFileEnd = (index: number, outcome: DownloadAllOutcome): boolean => {
    // A call left behind after the stop grace changes nothing the run reported.
    if (abandoned) return false;
    const slot = slots[index];
    const { entry } = slot;
    const now = performance.now();
    ended = index + 1;
    if (outcome.ok) {
      entry.attempts = 1;
      entry.result = "ok";
      entry.bytes += outcome.result.bytes;
      entry.durationMs = Math.round(now - t);
      env.silence.answered();
      env.emit({ type: "actionEnd", step: ref, action: entry });
    } else if (!outcome.started) {
      // Never begun: the ordinary way runs it, or, once the run is stopped,
      // it stays unstarted (attempts 0, no events) as runWork leaves it.
      if (!env.signal.aborted) later.push({ w: slot.w });
    } else if (env.signal.aborted) {
      cancel(slot, now);
    } else {
      entry.attempts = 1;
      entry.bytes += Math.max(0, slot.reached - slot.start);
      later.push({ w: slot.w, firstFailure: { error: runError(outcome.error) } });
      broken ||= breaksConnection(outcome.error, 1);
    }
    t = now;
    return !broken;
  };
  /** The file in flight when the run stopped: cancelled after its one try, as runWork ends it. */
  const cancel = (slot: Slot, now: number) => {
    const { entry } = slot;
    entry.attempts = 1;
    entry.bytes += Math.max(0, slot.reached - slot.start);
    entry.result = "cancelled";
    entry.durationMs = Math.round(now - t);
    // As runWork: every try ends with an actionEnd, begun (actionStart) or not.
    env.emit({ type: "actionEnd", step: ref, action: entry });
  };
  const call = lease.client.downloadAllTo(
    slots.map(({ w }) => {
      const job = w.download!;
      return {
        path: job.remote,
        destination: job.local,
        size: job.size,
        mtime: job.mtime ?? "remote",
      };
    }),
    {
      signal: env.signal,
      keepTemporary: true,
      exclusive: true,
      onProgress: (index, progress) => {
        if (abandoned) return;
        const slot = slots[index];
        if (progress.bytes !== progress.offset) {
          slot.reached = progress.bytes;
          env.emit({ type: "progress", step: ref, action: slot.action, bytes: progress.bytes });
          return;
        }
        slot.w.download!.wrote = true;
        slot.start = slot.reached = progress.offset;
        env.emit({ type: "actionStart", step: ref, action: slot.action, offset: progress.offset });
      },
      onFileEnd,
    },
  );
  try {
    await stoppable(call, env.signal, () => {
      abandoned = true;
      call.catch(() => {});
      // The file the call was on when left behind; the rest stay unstarted.
      if (ended < slots.length) cancel(slots[ended], performance.now());
    });
  } catch {
    // The call never ran (bad input, or stopped before its turn), or the run
    // was stopped and the call did not end in time: the files it did not
    // end go the ordinary way, which sees the stop (or the input error).
    for (const slot of slots.slice(ended)) later.push({ w: slot.w });
  }
  env.pool.release(lease, abandoned || broken);
  return later;
}

/**
 * The downloads among `items` that a batch may carry: fresh ones (see the
 * module comment), found with one directory read per target directory.
 */
function freshDownloads(items: readonly Work[]): Set<Work> {
  const held = new Map<string, Set<string> | undefined>();
  const fresh = new Set<Work>();
  for (const w of items) {
    const job = w.download;
    if (!job || job.resume || (job.segments ?? 1) !== 1 || job.wrote) continue;
    const dir = job.dir ?? dirname(job.local);
    if (!held.has(dir)) held.set(dir, namesIn(dir));
    const names = held.get(dir);
    if (!names) continue;
    // A directory with nothing in it (a first get's) holds no partial file.
    if (names.size > 0) {
      const part = partialPath(job.local);
      if (names.has(basename(part)) || names.has(basename(segmentStatePath(part)))) continue;
    }
    fresh.add(w);
  }
  return fresh;
}

/** The last part of a local path. */
function basename(path: string): string {
  const slash = path.lastIndexOf("/");
  return path.slice(Math.max(slash, SEPARATOR === "\\" ? path.lastIndexOf("\\") : -1) + 1);
}

/** The names in a directory (none when it does not exist yet); undefined when unreadable. */
function namesIn(dir: string): Set<string> | undefined {
  const names = new Set<string>();
  try {
    for (const entry of Deno.readDirSync(dir)) names.add(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return undefined;
  }
  return names;
}
