// The QFtp-style command queue: calls run one at a time in FIFO order, each
// with an id; events mark start, finish and the queue running dry.

import { FtpAbortError } from "../errors.ts";
import type { FtpCommandKind } from "./events.ts";
import type { FtpRequest } from "./request.ts";

/**
 * Commands that react to their signal themselves (ABOR, cleanup) before
 * rejecting; the others reject at once and run on to keep the connection in
 * step.
 */
export const OWNS_ABORT: ReadonlySet<FtpCommandKind> = new Set<FtpCommandKind>([
  "download",
  "upload",
  "list",
  "nlst",
]);

/** What a running command can use. */
export interface JobContext {
  /** The command's id. */
  id: number;
  /** Fires when the call's signal aborts, or on `abort()` or `close()`. */
  signal: AbortSignal;
  /**
   * Keeps the queue on this command until `work` settles, after the call's
   * promise has resolved (a download's stream is still being read).
   */
  hold(work: Promise<unknown>): void;
}

/** Receives the queue's events. */
export interface QueueListener {
  started(id: number, kind: FtpCommandKind): void;
  finished(id: number, kind: FtpCommandKind, error?: Error): void;
  done(error: boolean): void;
}

interface Job {
  id: number;
  kind: FtpCommandKind;
  run: (context: JobContext) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  controller: AbortController;
  ownsAbort: boolean;
  detach?: () => void;
  /** Settles when the job has finished running. */
  settled?: Promise<void>;
}

/**
 * Runs commands one at a time, in the order they were queued.
 *
 * A command's end is booked synchronously, in the reaction to its work (and
 * to its holds) settling: the queue is updated, calls that were queued
 * behind a failure are cancelled, `finished` (then `done` when the queue ran
 * dry) fires, and only then does the call's promise settle. So whatever runs
 * on a rejection (a `catch`, a `.then`, the next line after `await`) sees the
 * final state, and a call it makes is new: it was not pending when the
 * error happened and is not cancelled by it (QFtp's rule covers only what
 * was pending).
 */
export class CommandQueue {
  readonly #listener: QueueListener;
  readonly #cancelPendingOnError: boolean;
  readonly #waiting: Job[] = [];
  #current?: Job;
  #nextId = 1;
  #startScheduled = false;
  #batchFailed = false;

  constructor(listener: QueueListener, cancelPendingOnError: boolean) {
    this.#listener = listener;
    this.#cancelPendingOnError = cancelPendingOnError;
  }

  /** Commands queued and not yet started. */
  get pending(): number {
    return this.#waiting.length;
  }

  /** The running command, if any. */
  get current(): { id: number; kind: FtpCommandKind } | undefined {
    const job = this.#current;
    return job && { id: job.id, kind: job.kind };
  }

  /**
   * Queues a command.
   *
   * @param kind Its name in events.
   * @param run The work, started when its turn comes.
   * @param signal Cancels it while queued or running.
   * @param ownsAbort Whether the work reacts to its signal itself (a
   * transfer sends ABOR and cleans up, then rejects); otherwise the call
   * rejects at once and the command runs on to keep the connection in step.
   * @returns The call's promise with the command id.
   */
  enqueue<T>(
    kind: FtpCommandKind,
    run: (context: JobContext) => Promise<T>,
    signal?: AbortSignal,
    ownsAbort = false,
  ): FtpRequest<T> {
    const id = this.#nextId++;
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res as (value: unknown) => void;
      reject = rej;
    });
    const request = Object.assign(promise, { id });
    if (signal?.aborted) {
      reject(abortError(signal));
      return request;
    }
    const job: Job = {
      id,
      kind,
      run,
      resolve,
      reject,
      signal,
      controller: new AbortController(),
      ownsAbort,
    };
    if (signal) {
      const onAbort = () => this.#abortJob(job, abortError(signal));
      signal.addEventListener("abort", onAbort, { once: true });
      job.detach = () => signal.removeEventListener("abort", onAbort);
    }
    this.#waiting.push(job);
    // Calls made in one go form one batch: the first starts once the caller
    // yields, so `pending` counts them all until then.
    if (!this.#current && !this.#startScheduled) {
      this.#startScheduled = true;
      queueMicrotask(() => {
        this.#startScheduled = false;
        this.#startNext();
      });
    }
    return request;
  }

  /**
   * Rejects every queued command that has not started. No events are sent
   * for them, as in QFtp.
   *
   * @param reason The rejection.
   */
  clearPending(reason: Error): void {
    for (const job of this.#takePending()) job.reject(reason);
  }

  /**
   * Cancels the running command: its promise rejects at once and its signal
   * fires so that a transfer sends ABOR.
   *
   * @param reason The rejection.
   */
  abortCurrent(reason: Error): void {
    if (this.#current) this.#abortJob(this.#current, reason);
  }

  /** Resolves when the command running now (if any) has finished. */
  currentSettled(): Promise<void> {
    return this.#current?.settled ?? Promise.resolve();
  }

  #takePending(): Job[] {
    const jobs = this.#waiting.splice(0);
    for (const job of jobs) job.detach?.();
    return jobs;
  }

  #abortJob(job: Job, reason: Error): void {
    const index = this.#waiting.indexOf(job);
    const queued = index !== -1;
    if (queued) this.#waiting.splice(index, 1);
    job.detach?.();
    if (queued || !job.ownsAbort) job.reject(reason);
    job.controller.abort(reason);
  }

  /** Starts the next queued command, unless one is running or none waits. */
  #startNext(): void {
    if (this.#current) return;
    const job = this.#waiting.shift();
    if (!job) return;
    this.#current = job;
    let markSettled!: () => void;
    job.settled = new Promise((resolve) => markSettled = resolve);
    this.#listener.started(job.id, job.kind);
    // Holds the call's promise until the command is over, or until the work
    // resolved while a hold keeps the command running (a stream being read).
    let resolvedEarly = false;
    let holds = 0;
    let workDone = false;
    let over = false;
    let value: unknown;
    let failure: Error | undefined;
    const settleIfOver = () => {
      if (over || !workDone || holds > 0) return;
      over = true;
      // Cancelled while it ran, and its caller was told so: say so in events too.
      const signal = job.controller.signal;
      if (!failure && signal.aborted && !job.ownsAbort) failure = signal.reason;
      this.#finish(job, failure, resolvedEarly ? undefined : () => job.resolve(value));
      markSettled();
    };
    const context: JobContext = {
      id: job.id,
      signal: job.controller.signal,
      hold: (work) => {
        holds++;
        // Reacts directly to the hold, before a stream's reader learns how
        // it ended (the streams settle their hold first), so the command is
        // booked as over by the time the reader sees the end.
        work.then(
          () => {
            holds--;
            settleIfOver();
          },
          (error) => {
            holds--;
            failure ??= asError(error);
            settleIfOver();
          },
        );
      },
    };
    let running: Promise<unknown>;
    try {
      running = job.run(context);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (result) => {
        value = result;
        workDone = true;
        // The caller needs what the work returned (a stream) to end the
        // hold: hand it over now.
        if (holds > 0) {
          resolvedEarly = true;
          job.resolve(result);
        }
        settleIfOver();
      },
      (error) => {
        // The work failed: the command is over, whatever it still holds.
        failure = asError(error);
        workDone = true;
        holds = 0;
        settleIfOver();
      },
    );
  }

  /**
   * Books a command's end: cancels what was queued behind a failure, sends
   * `finished` (and `done` when nothing waits), settles the call, then starts
   * the next command. All synchronous, so the call's handlers see it done.
   */
  #finish(job: Job, error: Error | undefined, resolve?: () => void): void {
    job.detach?.();
    this.#current = undefined;
    let cancelled: Job[] = [];
    if (error) {
      this.#batchFailed = true;
      if (this.#cancelPendingOnError && !(error instanceof FtpAbortError)) {
        cancelled = this.#takePending();
      }
    }
    this.#listener.finished(job.id, job.kind, error);
    // A listener may have queued a call (and may have started it).
    if (!this.#current && this.#waiting.length === 0) {
      const failed = this.#batchFailed;
      this.#batchFailed = false;
      this.#listener.done(failed);
    }
    if (error) job.reject(error);
    else resolve?.();
    if (cancelled.length > 0) {
      const reason = new FtpAbortError(
        `Cancelled because command #${job.id} (${job.kind}) failed before it: ${error!.message}`,
        { cause: error },
      );
      for (const other of cancelled) other.reject(reason);
    }
    this.#startNext();
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function abortError(signal: AbortSignal): FtpAbortError {
  const reason = signal.reason;
  if (reason instanceof FtpAbortError) return reason;
  return new FtpAbortError("The call was aborted by its signal", { cause: reason });
}
