import {
  delay
} from "./chunk-W4H3KNTN.js";
import {
  FtpClient,
  fit,
  formatBytes,
  formatDuration,
  formatEta
} from "./chunk-OAUP5DGT.js";
import {
  actionStyle,
  stepKind
} from "./chunk-U3WY2XO2.js";
import {
  SEQUENTIAL_PHASES,
  idSource
} from "./chunk-LFXU7JLJ.js";
import {
  partialPath
} from "./chunk-FS6M5UPR.js";
import {
  printable
} from "./chunk-S6NQWXE5.js";
import {
  EXIT_INTERRUPTED,
  columns,
  makeRedactor,
  withInterrupt
} from "./chunk-IGADUVIL.js";
import {
  TaskFileError
} from "./chunk-A3ZEX6XJ.js";
import {
  dirname
} from "./chunk-ZN2EVIR7.js";
import {
  rateLimiterOf
} from "./chunk-VANQ5W6K.js";
import {
  startInterval,
  startTimer
} from "./chunk-WYTJSAQ3.js";
import {
  FtpAbortError,
  FtpConnectionError,
  FtpError,
  FtpInputError,
  FtpPermanentError,
  FtpReplyError,
  FtpTimeoutError,
  FtpTlsError
} from "./chunk-UN72SBEK.js";

// src/runner/_local_sources.ts
async function kindOf(path) {
  try {
    return (await Deno.stat(path.replace(/(?<=.)[/\\]+$/, ""))).isDirectory ? "folder" : "file";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return void 0;
    }
    throw error;
  }
}
async function sourcesOf(step) {
  return await (await stepKind(step.kind)).sources?.(step) ?? [];
}
async function sourceProblems(step, skip = () => false) {
  const problems = [];
  const sources = await sourcesOf(step);
  for (const [i, { path, folder }] of sources.entries()) {
    if (skip(path.replace(/(?<=.)[/\\]+$/, ""))) continue;
    const kind = await kindOf(path);
    const what = folder ? "the local folder" : "the local path";
    const problem = kind === void 0 ? `${what} ${path} does not exist` : folder && kind === "file" ? `${what} ${path} is a file, not a folder` : void 0;
    if (problem === void 0) continue;
    problems.push({
      at: step.sourcesAt?.[i],
      message: `${problem} (step ${step.index + 1}, ${JSON.stringify(step.name)})`
    });
  }
  return problems;
}
function sourceError(problems) {
  if (problems.every((p) => p.at !== void 0)) {
    return new TaskFileError(problems.map((p) => ({
      ...p.at,
      message: p.message
    })));
  }
  return new FtpInputError(problems.map((p) => p.message).join("\n"));
}
async function assertSourcesExist(task) {
  const problems = [];
  for (const step of task.steps) {
    if ((await stepKind(step.kind)).writesLocal?.(step)) break;
    if (!step.continueOnError) problems.push(...await sourceProblems(step));
  }
  if (problems.length > 0) throw sourceError(problems);
}

// src/runner/_pool.ts
var ConnectionPool = class {
  #options;
  #hooks;
  #idle = [];
  #all = /* @__PURE__ */ new Set();
  #waiters = [];
  #closing = [];
  /** Connections warm() is opening that no tryAcquire has claimed yet. */
  #unclaimed = /* @__PURE__ */ new Set();
  #max;
  #opening = 0;
  #nextId = 1;
  #closed = false;
  constructor(options, size, hooks) {
    this.#options = options;
    this.#max = size;
    this.#hooks = hooks;
  }
  /** How many connections may be open at once (it may shrink). */
  get size() {
    return this.#max;
  }
  /** The features of any open connection (FEAT is the same for all). */
  get features() {
    const any = this.#all.values().next().value;
    return any?.client.features ?? /* @__PURE__ */ new Map();
  }
  /** Lends an idle connection, opens a new one, or waits for one. */
  async acquire(signal) {
    for (; ; ) {
      const lease = await this.tryAcquire(signal);
      if (lease) return lease;
      const released = await this.#wait(signal);
      if (released) return released;
    }
  }
  /**
   * Lends an idle connection or opens a new one, but never waits: returns
   * `undefined` when every connection the pool may open is in use (or the
   * server just refused one more). For extra helpers of a caller that
   * already holds a connection: waiting there could wait for itself.
   */
  async tryAcquire(signal) {
    signal.throwIfAborted();
    if (this.#closed) throw new Error("The connection pool is closed");
    const idle = this.#idle.pop();
    if (idle) return idle;
    const warming = this.#unclaimed.values().next().value;
    if (warming) {
      this.#unclaimed.delete(warming);
      warming.claimed = true;
      const opened = await warming.lease;
      if ("client" in opened) return opened;
      if (opened.refused) return this.#idle.pop();
      throw opened.error;
    }
    if (this.#all.size + this.#opening >= this.#max) return void 0;
    this.#opening++;
    try {
      const lease = await this.#open(signal);
      this.#all.add(lease);
      return lease;
    } catch (error) {
      if (this.#refused(signal)) return this.#idle.pop();
      throw error;
    } finally {
      this.#opening--;
    }
  }
  /**
   * Opens connections up to the pool's size in the background, so that
   * their logins overlap the planning of a step that will have work for
   * them (a directory's files) instead of following it. One still opening
   * is claimed by the next tryAcquire that finds none idle, which waits for
   * it rather than passing it by; one no one claimed goes to a waiter or
   * idle once logged in. A refusal shrinks the pool as in tryAcquire, and
   * any other failure is left for the next open to meet.
   */
  warm(signal) {
    if (this.#closed || signal.aborted) return;
    const missing = this.#max - this.#all.size - this.#opening;
    for (let i = 0; i < missing; i++) {
      this.#opening++;
      const slot = {
        claimed: false
      };
      slot.lease = this.#open(signal).then((lease) => {
        this.#opening--;
        this.#unclaimed.delete(slot);
        this.#all.add(lease);
        if (!slot.claimed) this.release(lease);
        return lease;
      }, (error) => {
        this.#opening--;
        this.#unclaimed.delete(slot);
        const refused = this.#refused(signal);
        if (refused && !slot.claimed) {
          const idle = this.#idle.pop();
          if (idle) this.release(idle);
        }
        return {
          error,
          refused
        };
      });
      this.#unclaimed.add(slot);
      this.#closing.push(slot.lease.then(() => {
      }));
    }
  }
  /**
   * After a failed open: whether it was the server refusing one more
   * connection while others work (a limit: 421, or 530 as ProFTPD words
   * it, since the same login works on the others), which shrinks the pool.
   * Otherwise a caller waiting for this slot opens its own instead.
   */
  #refused(signal) {
    if (this.#all.size > 0 && !signal.aborted) {
      const allowed = Math.max(1, this.#all.size);
      if (allowed < this.#max) {
        this.#max = allowed;
        this.#hooks.warn(`The server refused connection ${allowed + 1}; going on with ${allowed}`);
      }
      return true;
    }
    this.#waiters.shift()?.(void 0);
    return false;
  }
  /**
   * Returns a connection. A broken one (or one that is no longer logged in)
   * is closed, and a waiter then opens a fresh one.
   */
  release(lease, broken = false) {
    if (broken || lease.client.state !== "loggedIn" || this.#closed) {
      this.#all.delete(lease);
      this.#closing.push(lease.client.close().catch(() => {
      }));
      this.#waiters.shift()?.(void 0);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter(lease);
    else this.#idle.push(lease);
  }
  /**
   * Sends NOOP on every idle connection, so that the server's idle timeout
   * does not close it (watch mode, between batches). One that fails (the
   * server dropped it, or answers 421) is closed, and the next acquire
   * opens a fresh one. Connections on loan are left alone.
   *
   * @returns How many answered, and how many were found dropped.
   */
  async keepAlive(signal) {
    const leases = this.#idle.splice(0);
    let alive = 0;
    let dropped = 0;
    await Promise.all(leases.map(async (lease) => {
      try {
        await lease.client.noop({
          signal
        });
        alive++;
        this.release(lease);
      } catch {
        if (!signal.aborted) dropped++;
        this.release(lease, true);
      }
    }));
    return {
      alive,
      dropped
    };
  }
  /** Closes every connection (QUIT where possible). */
  async close() {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(void 0);
    const clients = [
      ...this.#all
    ].map((lease) => lease.client.close().catch(() => {
    }));
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.all(clients);
    while (this.#closing.length > 0) await Promise.all(this.#closing.splice(0));
  }
  #wait(signal) {
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(signal.reason);
      };
      const waiter = (lease) => {
        signal.removeEventListener("abort", onAbort);
        resolve(lease);
      };
      this.#waiters.push(waiter);
      signal.addEventListener("abort", onAbort, {
        once: true
      });
    });
  }
  async #open(signal) {
    const id = this.#nextId++;
    const debug = this.#hooks.debug;
    const client = new FtpClient({
      ...this.#options,
      cancelPendingOnError: false,
      debug: debug && ((m) => debug(id, `${m.direction === "send" ? ">" : "<"} ${m.line}`))
    });
    client.addEventListener("warning", (event) => this.#hooks.warn(event.message));
    client.addEventListener("info", (event) => this.#hooks.info?.(event.message));
    try {
      await client.connect({
        signal
      });
    } catch (error) {
      this.#closing.push(client.close().catch(() => {
      }));
      throw error;
    }
    return {
      client,
      id
    };
  }
};

// src/runner/_concurrent.ts
async function runConcurrent(items, limit, fn) {
  let next = 0;
  let failure;
  const worker = async (n) => {
    while (next < items.length && !failure) {
      try {
        await fn(items[next++], n);
      } catch (error) {
        failure ??= {
          error
        };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({
    length: workers
  }, (_, n) => worker(n)));
  if (failure) throw failure.error;
}

// src/runner/_retry.ts
function isTransient(error) {
  return error instanceof FtpError && error.retryable;
}
function breaksConnection(error, attempt = 1) {
  if (error instanceof FtpTlsError && error.retryable) return attempt > 1;
  return error instanceof FtpError && error.breaksConnection;
}
function backoffMs(attempt) {
  const base = Math.min(1e4, 250 * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
function retryDelayMs(error, attempt) {
  return error instanceof FtpTimeoutError ? 0 : backoffMs(attempt);
}
function errorInfo(error, redact) {
  if (!(error instanceof Error)) return {
    name: "Error",
    message: redact(String(error))
  };
  const info = {
    name: error.name,
    message: redact(error.message)
  };
  if (error instanceof FtpReplyError) info.code = error.code;
  else if (error instanceof FtpConnectionError) info.code = error.kind;
  else if (error instanceof FtpTimeoutError) info.code = error.phase;
  else if (error instanceof Deno.errors.NotFound) info.code = "ENOENT";
  else if (error instanceof Deno.errors.PermissionDenied) info.code = "EACCES";
  else if (error instanceof FtpError && typeof error.code === "string") {
    info.code = error.code;
  }
  return info;
}

// src/runner/_plan_step.ts
async function plan(step, ctx) {
  return await (await stepKind(step.kind)).plan(step, ctx);
}
async function planStep(step, ref, env, planner = plan) {
  let timeouts = 0;
  for (let attempt = 1; ; attempt++) {
    let lease;
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
        spread: spreadListing(planning, env)
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
      env.emit({
        type: "retry",
        step: ref,
        attempt,
        delayMs,
        error: errorInfo(error, env.redact)
      });
      await delay(delayMs, {
        signal: env.signal
      });
    }
  }
}
function pooled(items, planning, env, fn) {
  return runConcurrent(items, env.pool.size, async (item, worker) => {
    const lease = worker === 0 ? void 0 : await env.pool.tryAcquire(env.signal);
    try {
      await fn(lease?.client ?? planning, item);
    } catch (error) {
      if (lease) env.pool.release(lease, breaksConnection(error));
      throw error;
    }
    if (lease) env.pool.release(lease);
  });
}
function spreadListing(planning, env) {
  const used = /* @__PURE__ */ new Set([
    planning
  ]);
  let planningFree = true;
  const waiting = [];
  const ended = () => waiting.shift()?.();
  const listOn = (client, path) => {
    used.add(client);
    return client.list(path || void 0, {
      signal: env.signal
    });
  };
  return {
    width: env.pool.size,
    async list(path) {
      for (; ; ) {
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
        await new Promise((resolve) => waiting.push(resolve));
      }
    },
    mayMissDotFiles: () => [
      ...used
    ].some((client) => client.listingsMayMissDotFiles)
  };
}

// src/runner/_leftovers.ts
var CLEANUP_MS = 5e3;
var CLEANUP_AFTER_SILENCE_MS = 1e3;
async function removeLeftovers(work, actions, env) {
  const leftovers = work.flatMap((w) => {
    const result = actions.get(w.id)?.result;
    const path = result === "failed" || result === "cancelled" ? w.leftover?.() : void 0;
    return path === void 0 ? [] : [
      path
    ];
  });
  if (leftovers.length === 0) return;
  const signal = AbortSignal.timeout(env.silence.gaveUp ? CLEANUP_AFTER_SILENCE_MS : CLEANUP_MS);
  let lease;
  try {
    lease = await env.pool.acquire(signal);
    for (const path of leftovers) {
      if (await storedNothing(lease.client, path, signal)) continue;
      const error = await lease.client.remove(path, {
        signal
      }).then(() => void 0, (e) => e);
      if (error === void 0) env.warn(`Removed the partial upload at ${path}`);
      else if (error instanceof FtpPermanentError) {
        env.warn(`Could not remove the partial upload at ${path}: ${error.message}`);
      } else throw error;
    }
    env.pool.release(lease);
  } catch (error) {
    if (lease) env.pool.release(lease, true);
    env.warn(`Could not remove the partial upload(s) at ${leftovers.join(", ")}: ` + error.message);
  }
}
async function storedNothing(client, path, signal) {
  const error = await client.size(path, {
    signal
  }).then(() => void 0, (e) => e);
  if (error === void 0) return false;
  if (error instanceof FtpPermanentError && error.code === 550) return true;
  if (error instanceof FtpPermanentError) return false;
  throw error;
}

// src/runner/_run_work.ts
function publicAction(work) {
  const action = {
    id: work.id,
    action: work.action,
    path: work.path,
    reason: work.reason
  };
  if (work.from !== void 0) action.from = work.from;
  if (work.size !== void 0) action.size = work.size;
  return action;
}
var STOP_GRACE_MS = 1e3;
function stoppable(work, signal, onAbandon) {
  return new Promise((resolve, reject) => {
    let timer;
    const onAbort = () => {
      timer = startTimer(STOP_GRACE_MS, () => {
        onAbandon();
        reject(signal.reason);
      });
    };
    const done = () => {
      timer?.clear();
      signal.removeEventListener("abort", onAbort);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, {
      once: true
    });
    work.then((value) => {
      done();
      resolve(value);
    }, (error) => {
      done();
      reject(error);
    });
  });
}
var waitingSignals = /* @__PURE__ */ new WeakMap();
function waitingSignal(env) {
  let signal = waitingSignals.get(env.silence);
  if (!signal) {
    signal = AbortSignal.any([
      env.signal,
      env.silence.signal
    ]);
    waitingSignals.set(env.silence, signal);
  }
  return signal;
}
async function runWork(w, entry, step, ref, env) {
  const t0 = performance.now();
  const action = publicAction(entry);
  let timeouts = 0;
  let previous;
  for (let attempt = 1; ; attempt++) {
    if (previous !== void 0 && env.silence.gaveUp) {
      entry.result = "failed";
      entry.error = errorInfo(previous, env.redact);
      break;
    }
    entry.attempts = attempt;
    let lease;
    let abandoned = false;
    let startOffset = 0;
    let reached = 0;
    try {
      env.signal.throwIfAborted();
      const waiting = waitingSignal(env);
      if (!w.local) lease = await env.pool.acquire(waiting);
      const running = w.run(lease?.client, {
        signal: env.signal,
        attempt,
        started: (offset) => {
          startOffset = reached = offset;
          env.emit({
            type: "actionStart",
            step: ref,
            action,
            offset
          });
        },
        progress: (bytes) => {
          reached = bytes;
          env.emit({
            type: "progress",
            step: ref,
            action,
            bytes
          });
        },
        warn: env.warn
      });
      const outcome = await stoppable(running, env.signal, () => {
        abandoned = true;
        running.catch(() => {
        });
      });
      if (lease?.client.state === "loggedIn") env.silence.answered();
      if (lease) env.pool.release(lease);
      entry.result = "ok";
      entry.bytes += outcome.bytes;
      if (outcome.resumedFrom !== void 0) entry.resumedFrom = outcome.resumedFrom;
      break;
    } catch (error) {
      if (lease) env.pool.release(lease, abandoned || breaksConnection(error, attempt));
      entry.bytes += Math.max(0, reached - startOffset);
      if (!env.signal.aborted && env.silence.cutShort(error)) {
        entry.attempts = attempt - 1;
        entry.result = previous === void 0 ? "cancelled" : "failed";
        if (previous !== void 0) entry.error = errorInfo(previous, env.redact);
        break;
      }
      const tolerated = w.tolerate?.(error, attempt);
      if (tolerated) {
        entry.result = "skipped";
        entry.reason = tolerated;
        break;
      }
      if (env.signal.aborted) {
        entry.result = "cancelled";
        break;
      }
      if (error instanceof FtpTimeoutError) timeouts++;
      const again = env.silence.mayRetry(error, timeouts);
      if (!isTransient(error) || attempt > step.retries || !again) {
        entry.result = "failed";
        entry.error = errorInfo(error, env.redact);
        break;
      }
      previous = error;
      const delayMs = retryDelayMs(error, attempt);
      const info = errorInfo(error, env.redact);
      env.emit({
        type: "retry",
        step: ref,
        action,
        attempt,
        delayMs,
        error: info
      });
      try {
        await delay(delayMs, {
          signal: env.signal
        });
      } catch {
        entry.result = "cancelled";
        break;
      }
    }
  }
  entry.durationMs = Math.round(performance.now() - t0);
  env.emit({
    type: "actionEnd",
    step: ref,
    action: entry
  });
}

// src/runner/_run_step.ts
async function runStep(step, ref, report, env, planner) {
  let work;
  try {
    const problems = await sourceProblems(step, (path) => env.planned.local.has(path));
    if (problems.length > 0) throw sourceError(problems);
    work = await planStep(step, ref, env, planner);
  } catch (error) {
    report.result = env.signal.aborted ? "cancelled" : "failed";
    report.error = errorInfo(error, env.redact);
    return;
  }
  const actions = /* @__PURE__ */ new Map();
  for (const w of work) {
    const base = publicAction(w);
    base.path = env.redact(base.path);
    if (base.from !== void 0) base.from = env.redact(base.from);
    const result = !w.run ? "skipped" : env.dryRun ? "planned" : "cancelled";
    const entry = {
      ...base,
      result,
      bytes: 0,
      durationMs: 0,
      attempts: 0
    };
    actions.set(w.id, entry);
    report.actions.push(entry);
  }
  env.emit({
    type: "plan",
    step: ref,
    actions: report.actions.map((a) => publicAction(a))
  });
  if (env.dryRun) {
    report.result = "planned";
    return;
  }
  const phases = [
    ...new Set(work.filter((w) => w.run).map((w) => w.phase))
  ].sort((a, b) => a - b);
  let failed = false;
  for (const phase of phases) {
    if (failed || env.signal.aborted) break;
    const items = work.filter((w) => w.phase === phase && w.run);
    const limit = SEQUENTIAL_PHASES.has(phase) ? 1 : env.pool.size;
    await runConcurrent(items, limit, async (w) => {
      if (env.signal.aborted || env.silence.gaveUp) return;
      const entry = actions.get(w.id);
      await runWork(w, entry, step, ref, env);
      if (entry.result === "failed") failed = true;
    });
  }
  await removeLeftovers(work, actions, env);
  report.result = env.signal.aborted ? "cancelled" : failed ? "failed" : "ok";
  const silent = env.silence.gaveUp;
  if (silent && !env.signal.aborted) {
    const skipped = report.actions.filter((a) => a.result === "cancelled").length;
    env.warn(`The server stopped answering (${env.silence.inRow} timeouts in a row, the last: ${silent.message}); ${skipped} action(s) not attempted. If the server is just slow, raise the timeout; to wait through more timeouts, raise the step's timeoutRetries`);
  }
}

// src/runner/_silence.ts
var Silence = class {
  #allowed;
  #stop = new AbortController();
  #inRow = 0;
  #last;
  /** @param timeoutRetries Retries of a timeout (the step's `timeoutRetries`). */
  constructor(timeoutRetries) {
    this.#allowed = timeoutRetries;
  }
  /** Aborts when the step gives up on the server. */
  get signal() {
    return this.#stop.signal;
  }
  /** The timeout that made the step give up, once it has. */
  get gaveUp() {
    return this.#stop.signal.aborted ? this.#last : void 0;
  }
  /** How many timeouts came in a row. */
  get inRow() {
    return this.#inRow;
  }
  /** A try succeeded: the server is there. */
  answered() {
    if (!this.#stop.signal.aborted) this.#inRow = 0;
  }
  /**
   * Records a failed try and says whether, as far as timeouts go, another
   * may follow: not once the step gave up, nor after more than
   * `timeoutRetries` timeouts of the same work.
   *
   * @param error Why the try failed.
   * @param timeouts The timeouts this work (a file, the planning) met so far, this one included.
   */
  mayRetry(error, timeouts) {
    if (error instanceof FtpTimeoutError) {
      this.#inRow++;
      this.#last = error;
      if (this.#inRow > this.#allowed) this.#stop.abort(error);
    } else if (error instanceof FtpReplyError) {
      this.answered();
    }
    return !this.#stop.signal.aborted && timeouts <= this.#allowed;
  }
  /** Whether `error` only says that a wait was cut short because the step gave up. */
  cutShort(error) {
    return this.#stop.signal.aborted && (error === this.#stop.signal.reason || error instanceof FtpAbortError);
  }
};

// src/runner/_totals.ts
function totalsOf(steps) {
  const totals = {
    transferred: 0,
    skipped: 0,
    failed: 0,
    changed: 0,
    bytes: 0
  };
  for (const step of steps) {
    if (step.result === "failed" && !step.actions.some((a) => a.result === "failed")) {
      totals.failed++;
    }
    for (const action of step.actions) {
      totals.bytes += action.bytes;
      if (action.result === "failed") totals.failed++;
      else if (action.result === "skipped") totals.skipped++;
      else if (action.result === "ok") {
        const counts = actionStyle(action.action).counts;
        if (counts === "transferred") totals.transferred++;
        else if (counts === "unchanged") totals.skipped++;
        else totals.changed++;
      }
    }
  }
  return totals;
}

// src/runner/_run_scope.ts
var RunScope = class {
  task;
  redact;
  signal;
  pool;
  id = idSource();
  #onEvent;
  #current;
  #said = /* @__PURE__ */ new Set();
  constructor(task, options) {
    this.task = task;
    this.redact = makeRedactor(task.secrets);
    this.signal = options.signal ?? new AbortController().signal;
    this.#onEvent = options.onEvent;
    const redact = this.redact;
    const connection = task.connection.options;
    const rateLimit = rateLimiterOf(connection.rateLimit, "rateLimit");
    this.pool = new ConnectionPool(rateLimit ? {
      ...connection,
      rateLimit
    } : connection, options.parallel ?? task.connection.parallel, {
      warn: (message) => this.warn(message),
      info: (message) => this.info(message),
      debug: options.trace ? (connection2, line) => this.emit({
        type: "debug",
        connection: connection2,
        line: redact(line)
      }) : void 0
    });
  }
  /** Passes an event on. */
  emit(event) {
    this.#onEvent?.(event);
  }
  /**
   * News from the connections (a server that needs Node's TLS), redacted,
   * passed on once per run however many connections bring it.
   */
  info(message) {
    const text = this.redact(message);
    if (this.#said.has(text)) return;
    this.#said.add(text);
    this.emit({
      type: "info",
      step: this.#current?.ref,
      message: text
    });
  }
  /** A warning, redacted, kept in the report of the step running (if any). */
  warn(message) {
    const text = this.redact(message);
    this.#current?.report.warnings.push(text);
    this.emit({
      type: "warning",
      step: this.#current?.ref,
      message: text
    });
  }
  /** A fresh report of the task, with no step yet. */
  newReport(dryRun) {
    return {
      version: 1,
      task: this.task.file,
      server: this.redact(this.task.connection.display),
      dryRun,
      ok: true,
      interrupted: false,
      startedAt: (/* @__PURE__ */ new Date()).toISOString(),
      durationMs: 0,
      totals: {
        transferred: 0,
        skipped: 0,
        failed: 0,
        changed: 0,
        bytes: 0
      },
      steps: []
    };
  }
  /** An empty report of a step. */
  stepReport(step) {
    const ref = {
      index: step.index,
      name: this.redact(step.name),
      kind: step.kind
    };
    const report = {
      index: step.index,
      name: ref.name,
      kind: step.kind,
      result: "ok",
      durationMs: 0,
      bytes: 0,
      warnings: [],
      actions: []
    };
    return {
      ref,
      report
    };
  }
  /** Runs one step into its report, between its stepStart and stepEnd events. */
  async runStep(step, ref, report, run) {
    this.#current = {
      ref,
      report
    };
    this.emit({
      type: "stepStart",
      step: ref
    });
    const t0 = performance.now();
    try {
      await runStep(step, ref, report, {
        pool: this.pool,
        signal: this.signal,
        emit: (event) => this.emit(event),
        redact: this.redact,
        warn: (message) => this.warn(message),
        id: this.id,
        dryRun: run.dryRun,
        planned: run.planned,
        silence: new Silence(step.timeoutRetries)
      }, run.planner);
    } finally {
      report.durationMs = Math.round(performance.now() - t0);
      report.bytes = report.actions.reduce((sum, a) => sum + a.bytes, 0);
      this.#current = void 0;
    }
    this.emit({
      type: "stepEnd",
      step: report
    });
  }
  /**
   * Runs the whole task once into `report`, as `ferry run` does: a failed
   * step stops the steps after it unless it has `continueOnError`.
   */
  async runAll(report, plannerFor) {
    const dryRun = report.dryRun;
    const planned = {
      remote: /* @__PURE__ */ new Map(),
      local: /* @__PURE__ */ new Set()
    };
    let stopped = false;
    for (const step of this.task.steps) {
      const { ref, report: stepReport } = this.stepReport(step);
      report.steps.push(stepReport);
      if (this.signal.aborted || stopped) {
        stepReport.result = this.signal.aborted ? "cancelled" : "skipped";
        this.emit({
          type: "stepEnd",
          step: stepReport
        });
        continue;
      }
      await this.runStep(step, ref, stepReport, {
        dryRun,
        planned: dryRun ? planned : {
          remote: /* @__PURE__ */ new Map(),
          local: /* @__PURE__ */ new Set()
        },
        planner: plannerFor?.(step)
      });
      if (stepReport.result === "failed" && !step.continueOnError) stopped = true;
    }
  }
  /** Fills in a report's verdict, totals and duration. */
  finish(report, started) {
    report.interrupted = this.signal.aborted;
    report.ok = !this.signal.aborted && report.steps.every((s) => s.result !== "failed");
    report.totals = totalsOf(report.steps);
    report.durationMs = Math.round(performance.now() - started);
    return report;
  }
  /** Closes every connection. */
  close() {
    return this.pool.close();
  }
};

// src/runner/run_task.ts
async function runTask(task, options = {}) {
  await assertSourcesExist(task);
  const started = performance.now();
  const scope = new RunScope(task, options);
  const report = scope.newReport(options.dryRun ?? false);
  try {
    await scope.runAll(report);
  } finally {
    await scope.close();
  }
  scope.finish(report, started);
  scope.emit({
    type: "end",
    report
  });
  return report;
}

// src/cli/_render.ts
var isTransfer = (action) => actionStyle(action.action).counts === "transferred";
function renderFrame(active, total, columns2) {
  const width = Math.max(10, columns2 - 1);
  const lines = [];
  const bars = width >= 60;
  for (const item of active) {
    const percent = item.size ? Math.min(100, Math.floor(item.bytes / item.size * 100)) : void 0;
    const amount = item.size !== void 0 ? `${formatBytes(item.bytes)}/${formatBytes(item.size)}` : formatBytes(item.bytes);
    let right = `${percent === void 0 ? "" : `${String(percent).padStart(3)}% `}${amount}`;
    if (bars && percent !== void 0) {
      const barWidth = Math.min(20, Math.floor(width / 5));
      const filled = Math.round(percent / 100 * barWidth);
      right = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${right}`;
    }
    const labelWidth = Math.max(4, width - right.length - 3);
    lines.push(fit(`  ${fit(item.label, labelWidth).padEnd(labelWidth)} ${right}`, width));
  }
  const rate = total.elapsedMs > 0 ? total.bytes / (total.elapsedMs / 1e3) : 0;
  const remaining = Math.max(0, total.bytesPlanned - total.bytes);
  const parts = [
    `${total.files}/${total.filesPlanned} files`,
    `${formatBytes(total.bytes)} of ${formatBytes(total.bytesPlanned)}`,
    `${formatBytes(Math.round(rate))}/s`,
    `ETA ${rate > 0 ? formatEta(remaining / rate) : "--:--"}`
  ];
  lines.push(fit(`  ${parts.join(" \xB7 ")}`, width));
  return lines;
}
var Renderer = class {
  #o;
  #active = /* @__PURE__ */ new Map();
  #drawn = 0;
  /** The live line's redraw (not setInterval: its first use loads Deno's Node timers). */
  #timer;
  #total = {
    files: 0,
    filesPlanned: 0,
    bytes: 0,
    bytesPlanned: 0,
    startedAt: 0
  };
  #doneBytes = 0;
  constructor(options) {
    this.#o = options;
  }
  #paint(code, text) {
    return this.#o.color ? `\x1B[${code}m${text}\x1B[0m` : text;
  }
  /** A path as shown: relative to the working directory, control characters escaped. */
  #show(path) {
    const cwd = this.#o.cwd.endsWith("/") ? this.#o.cwd : `${this.#o.cwd}/`;
    return printable(path.startsWith(cwd) ? path.slice(cwd.length) : path);
  }
  #describe(action) {
    const from = action.from === void 0 ? "" : `${this.#show(action.from)} \u2192 `;
    return `${actionStyle(action.action).symbol} ${action.action} ${from}${this.#show(action.path)}`;
  }
  /** Prints a permanent line above the live block. */
  line(text) {
    this.#clear();
    this.#o.write(`${text}
`);
    this.#draw();
  }
  /** Handles one event. */
  onEvent(event) {
    const o = this.#o;
    switch (event.type) {
      case "stepStart":
        if (!o.quiet) {
          this.line(this.#paint("1", `step ${event.step.index + 1}/${o.steps}: ${printable(event.step.name)}`));
        }
        break;
      case "plan":
        this.#plan(event.step, event.actions);
        break;
      case "actionStart":
        if (isTransfer(event.action)) {
          this.#active.set(event.action.id, {
            action: event.action,
            bytes: event.offset
          });
          this.#startLive();
        }
        break;
      case "progress": {
        const active = this.#active.get(event.action.id);
        if (active) active.bytes = event.bytes;
        break;
      }
      case "actionEnd":
        this.#actionEnd(event.action);
        break;
      case "retry":
        if (!o.quiet) {
          const what = event.action ? `${this.#describe(event.action)}: ` : "planning: ";
          this.line(this.#paint("33", `  retry ${event.attempt} in ${formatDuration(event.delayMs)}: ${what}${printable(event.error.message)}`));
        }
        break;
      case "warning":
        this.line(this.#paint("33", `  warning: ${printable(event.message)}`));
        break;
      case "info":
        if (!o.quiet) this.line(`  ${printable(event.message)}`);
        break;
      case "debug":
        if (o.verbose) this.line(`  [${event.connection}] ${printable(event.line)}`);
        break;
      case "stepEnd":
        if (event.step.error) {
          this.line(this.#paint("31", `  step failed: ${printable(event.step.error.message)}`));
        } else if (event.step.result === "skipped" && !o.quiet) {
          this.line(`step ${event.step.index + 1}/${o.steps}: ${printable(event.step.name)}: not run (an earlier step failed)`);
        }
        break;
      case "end":
        this.#end(event.report);
        break;
    }
  }
  #plan(step, actions) {
    const o = this.#o;
    const counts = /* @__PURE__ */ new Map();
    for (const a of actions) {
      const c = counts.get(a.action) ?? {
        n: 0,
        bytes: 0
      };
      c.n++;
      c.bytes += a.size ?? 0;
      counts.set(a.action, c);
      if (isTransfer(a)) {
        this.#total.filesPlanned++;
        this.#total.bytesPlanned += a.size ?? 0;
      }
    }
    if (o.quiet) return;
    const summary = [
      ...counts
    ].map(([kind, c]) => `${kind === "skip" ? "up to date" : kind} ${c.n}${c.bytes > 0 ? ` (${formatBytes(c.bytes)})` : ""}`);
    this.line(`  plan: ${summary.length > 0 ? summary.join(", ") : "nothing to do"}`);
    if (!o.listPlan) return;
    for (const a of actions) {
      if (a.action === "skip" && !o.verbose) continue;
      const size = a.size !== void 0 ? ` ${formatBytes(a.size)}` : "";
      this.line(`  ${this.#describe(a)}${size} (${printable(a.reason)})`);
    }
    void step;
  }
  #actionEnd(a) {
    const o = this.#o;
    if (this.#active.delete(a.id) && this.#active.size === 0) this.#stopLive();
    if (isTransfer(a)) {
      if (a.result === "ok") this.#total.files++;
      this.#doneBytes += a.bytes;
    }
    if (a.result === "failed") {
      this.line(this.#paint("31", `  ${this.#describe(a)}: FAILED: ${printable(a.error?.message ?? "unknown error")}`));
      return;
    }
    if (o.quiet || a.result === "cancelled" || a.result === "planned") return;
    const unchanged = a.result === "skipped" || actionStyle(a.action).counts === "unchanged";
    if (unchanged && !o.verbose) return;
    const details = [
      printable(a.reason)
    ];
    if (isTransfer(a)) {
      details.unshift(formatBytes(a.bytes));
      if (a.resumedFrom !== void 0) details.push(`resumed at ${formatBytes(a.resumedFrom)}`);
      if (a.attempts > 1) details.push(`${a.attempts} attempts`);
    }
    this.line(`  ${this.#describe(a)} (${details.join(", ")})`);
  }
  #end(report) {
    this.#stopLive();
    const t = report.totals;
    if (report.dryRun) {
      if (!this.#o.quiet) this.#o.write(`ferry: plan complete (dry run: nothing was changed)
`);
      return;
    }
    const verdict = report.interrupted ? "interrupted" : report.ok ? "done" : "failed";
    const text = `ferry: ${verdict} in ${formatDuration(report.durationMs)}: ${t.transferred} transferred (${formatBytes(t.bytes)}), ${t.changed} other changes, ${t.skipped} up to date, ${t.failed} failed`;
    if (!this.#o.quiet || !report.ok) {
      this.line(report.ok ? text : this.#paint(report.interrupted ? "33" : "31", text));
    }
  }
  #startLive() {
    if (!this.#o.live || this.#timer !== void 0) return;
    if (this.#total.startedAt === 0) this.#total.startedAt = performance.now();
    this.#timer = startInterval(100, () => {
      this.#clear();
      this.#draw();
    });
  }
  #stopLive() {
    if (this.#timer === void 0) return;
    this.#timer.clear();
    this.#timer = void 0;
    this.#clear();
  }
  #clear() {
    if (this.#drawn === 0) return;
    this.#o.write(`\x1B[${this.#drawn}A\x1B[0J`);
    this.#drawn = 0;
  }
  #draw() {
    if (this.#timer === void 0 || this.#o.quiet) return;
    const active = [
      ...this.#active.values()
    ].map((a) => ({
      label: `${actionStyle(a.action.action).symbol} ${this.#show(a.action.from ?? a.action.path)}`,
      bytes: a.bytes,
      size: a.action.size
    }));
    const running = [
      ...this.#active.values()
    ].reduce((sum, a) => sum + a.bytes, 0);
    const lines = renderFrame(active, {
      files: this.#total.files,
      filesPlanned: this.#total.filesPlanned,
      bytes: this.#doneBytes + running,
      bytesPlanned: this.#total.bytesPlanned,
      elapsedMs: performance.now() - this.#total.startedAt
    }, this.#o.columns());
    this.#o.write(lines.join("\n") + "\n");
    this.#drawn = lines.length;
  }
  /** Stops the live block (on exit). */
  close() {
    this.#stopLive();
  }
};

// src/cli/_job.ts
async function writeWhole(path, text) {
  const temporary = partialPath(path);
  await Deno.mkdir(dirname(path), {
    recursive: true
  });
  await Deno.writeTextFile(temporary, text);
  await Deno.rename(temporary, path);
}
function startOutput(task, flags, io, options) {
  io.hide(task.secrets);
  const human = flags.json ? io.stderr : io.stdout;
  const terminal = !flags.json && Deno.stdout.isTerminal();
  const renderer = new Renderer({
    write: human,
    live: terminal && !flags.quiet,
    color: terminal && !Deno.noColor,
    columns,
    quiet: flags.quiet,
    verbose: flags.verbose,
    cwd: Deno.cwd(),
    steps: task.steps.length,
    listPlan: options.listPlan
  });
  if (!flags.quiet) {
    const parallel = flags.parallel ?? task.connection.parallel;
    const connections = `up to ${parallel} connection${parallel === 1 ? "" : "s"}`;
    human(`ferry: ${task.connection.display} (${connections})${options.suffix}
`);
  }
  return {
    human,
    renderer
  };
}
async function runJob(task, flags, io) {
  const { renderer } = startOutput(task, flags, io, {
    listPlan: flags.dryRun,
    suffix: flags.dryRun ? ", dry run: nothing will be changed" : ""
  });
  try {
    const report = await withInterrupt(io, (signal) => runTask(task, {
      dryRun: flags.dryRun,
      signal,
      onEvent: (event) => renderer.onEvent(event),
      trace: flags.verbose,
      parallel: flags.parallel
    }));
    const json = flags.report || flags.json ? JSON.stringify(report, null, 2) + "\n" : "";
    if (flags.report) await writeWhole(flags.report, io.redact(json));
    if (flags.json) io.stdout(json);
    return report.interrupted ? EXIT_INTERRUPTED : report.ok ? 0 : 1;
  } finally {
    renderer.close();
  }
}

export {
  assertSourcesExist,
  totalsOf,
  RunScope,
  startOutput,
  runJob
};
