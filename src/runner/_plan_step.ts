// Planning a step: its kind's planner (steps/<kind>.ts), on one pooled connection, with
// the step's retries (a listing cut by a dropped connection is read again).
// Planners may spread lookups over more connections (`pooled`); those are
// borrowed only when free, never waited for, since the planning connection
// is held meanwhile and the pool may have shrunk to it.

import type { FtpClient } from "../client/ftp_client.ts";
import { FtpTimeoutError } from "../errors.ts";
import { runConcurrent } from "./_concurrent.ts";
import type { PlanContext } from "./_plan_context.ts";
import type { SpreadListing } from "./_remote_tree.ts";
import type { Lease } from "./_pool.ts";
import { delay } from "../std/delay.ts";
import { breaksConnection, errorInfo, isTransient, retryDelayMs } from "./_retry.ts";
import type { StepEnv } from "./_step_env.ts";
import type { Work } from "./_work.ts";
import { stepKind } from "./steps/registry.ts";
import type { StepRef } from "./run_event.ts";
import type { Step } from "./task.ts";

async function plan(step: Step, ctx: PlanContext): Promise<Work[]> {
  return await (await stepKind(step.kind)).plan(step, ctx);
}

/**
 * Plans a step, retrying transient failures with back-off, with its kind's
 * planner or the one given (watch mode's, of changed paths only).
 */
export async function planStep(
  step: Step,
  ref: StepRef,
  env: StepEnv,
  planner: (step: Step, ctx: PlanContext) => Promise<Work[]> = plan,
): Promise<Work[]> {
  let timeouts = 0;
  // Bounded by step.retries.
  for (let attempt = 1;; attempt++) {
    let lease: Lease | undefined;
    try {
      lease = await env.pool.acquire(env.signal);
      const planning = lease.client;
      const work = await planner(step, {
        client: planning,
        signal: env.signal,
        warn: env.warn,
        id: env.id,
        planned: env.planned,
        pooled: (items, fn) => pooled(items, planning, env, fn),
        warm: () => env.pool.warm(env.signal),
        spread: spreadListing(planning, env),
      });
      if (planning.state === "loggedIn") env.silence.answered();
      env.pool.release(lease);
      return work;
    } catch (error) {
      if (lease) env.pool.release(lease, breaksConnection(error, attempt));
      if (error instanceof FtpTimeoutError) timeouts++;
      const again = env.silence.mayRetry(error, timeouts);
      if (env.signal.aborted || !isTransient(error) || attempt > step.retries || !again) {
        throw error;
      }
      const delayMs = retryDelayMs(error, attempt);
      env.emit({ type: "retry", step: ref, attempt, delayMs, error: errorInfo(error, env.redact) });
      await delay(delayMs, { signal: env.signal });
    }
  }
}

/**
 * Runs `fn` over the items on the planning connection and on as many
 * free pooled ones as there are; an item that finds none free goes through
 * the planning connection's queue.
 */
function pooled<T>(
  items: T[],
  planning: FtpClient,
  env: StepEnv,
  fn: (client: FtpClient, item: T) => Promise<void>,
): Promise<void> {
  return runConcurrent(items, env.pool.size, async (item, worker) => {
    const lease = worker === 0 ? undefined : await env.pool.tryAcquire(env.signal);
    try {
      await fn(lease?.client ?? planning, item);
    } catch (error) {
      if (lease) env.pool.release(lease, breaksConnection(error));
      throw error;
    }
    if (lease) env.pool.release(lease);
  });
}

/**
 * Lists directories on the planning connection while it is free (a tree's
 * root: it is logged in, often with an EPSV ready) and on free pooled
 * connections (opening them up to the pool's size, or claiming one warm()
 * is opening). A listing that finds none free waits for one of this
 * tree's listings to end, never for a pooled connection that may not come
 * (the pool may have shrunk to the planning connection). Remembers the
 * connections used, whose listings say whether dot-files may be missing.
 */
function spreadListing(planning: FtpClient, env: StepEnv): SpreadListing {
  const used = new Set<FtpClient>([planning]);
  let planningFree = true;
  const waiting: (() => void)[] = [];
  const ended = () => waiting.shift()?.();
  const listOn = (client: FtpClient, path: string) => {
    used.add(client);
    return client.list(path || undefined, { signal: env.signal });
  };
  return {
    width: env.pool.size,
    async list(path) {
      // Bounded: each pass lists, or waits for a listing in flight (one
      // is, on the planning connection) to end.
      for (;;) {
        if (planningFree) {
          planningFree = false;
          try {
            return await listOn(planning, path);
          } finally {
            planningFree = true;
            ended();
          }
        }
        const lease = await env.pool.tryAcquire(env.signal);
        if (lease) {
          try {
            const entries = await listOn(lease.client, path);
            env.pool.release(lease);
            return entries;
          } catch (error) {
            env.pool.release(lease, breaksConnection(error));
            throw error;
          } finally {
            ended();
          }
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    mayMissDotFiles: () => [...used].some((client) => client.listingsMayMissDotFiles),
  };
}
