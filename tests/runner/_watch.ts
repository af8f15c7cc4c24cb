// Runs watchTask in-process for a test: a task against a server URL,
// started in the background, its watch events collected, with a bounded
// wait for any condition (polling, never a lower bound) and a stop that
// aborts it as Ctrl-C would.

import {
  loadTask,
  type RunEvent,
  type WatchBatch,
  type WatchEvent,
  type WatchSummary,
  watchTask,
  type WatchTaskOptions,
} from "../../src/runner/mod.ts";
import { writeServerTask } from "../cli/_ferry.ts";

/** The upper bound of every wait: a generous one, only ever a limit. */
export const WAIT_MS = 10_000;

/** Polls `ready` until it holds, failing with `what` after `ms`. */
export async function waitUntil(
  ready: () => boolean | Promise<boolean>,
  what: string,
  ms = WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + ms;
  // Bounded by the deadline.
  while (Date.now() < deadline) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}

/** A running watch. */
export interface WatchSession extends AsyncDisposable {
  /** Every watch event so far. */
  readonly events: WatchEvent[];
  /** Every run event so far (the initial run's and the batches'). */
  readonly runEvents: RunEvent[];
  /** The batches so far. */
  batches(): WatchBatch[];
  /** Waits for the batch after `count` batches (the next one), and returns it. */
  nextBatch(count: number, what?: string): Promise<WatchBatch>;
  /** Stops it (the signal) and returns its summary. */
  stop(): Promise<WatchSummary>;
}

/** Options of {@linkcode startWatch}. */
export interface StartWatchOptions {
  /** Overrides of the task's watch settings, and the like. */
  watch?: WatchTaskOptions;
  /** YAML lines after the steps (a `watch:` block). */
  yaml?: string;
  /** Values for `${VAR}` in the task. */
  env?: Record<string, string>;
}

/**
 * Writes a task (`connection` is the inside of the connection block's flow
 * map, `steps` its step lines) and watches it until the initial run is
 * done and watching has started.
 */
export async function startWatch(
  dir: string,
  connection: string,
  steps: string,
  options: StartWatchOptions = {},
): Promise<WatchSession> {
  const file = await writeServerTask(dir, connection, steps + (options.yaml ?? ""));
  const task = await loadTask(file, { envFile: false, env: options.env });
  const controller = new AbortController();
  const events: WatchEvent[] = [];
  const runEvents: RunEvent[] = [];
  const done = watchTask(task, {
    ...options.watch,
    signal: controller.signal,
    onWatch: (event) => events.push(event),
    onEvent: (event) => runEvents.push(event),
  });
  let failed: unknown;
  done.catch((error) => failed = error);
  await waitUntil(() => {
    if (failed) throw failed;
    return events.some((e) => e.type === "watching");
  }, "watching started");
  const batches = () =>
    events.filter((e): e is WatchBatch & { type: "batch" } => e.type === "batch");
  let stopped: Promise<WatchSummary> | undefined;
  const stop = () => {
    stopped ??= (controller.abort(), done);
    return stopped;
  };
  return {
    events,
    runEvents,
    batches,
    async nextBatch(count, what = "a batch") {
      await waitUntil(() => batches().length > count, what);
      return batches()[count];
    },
    stop,
    async [Symbol.asyncDispose]() {
      await stop().catch(() => {});
    },
  };
}
