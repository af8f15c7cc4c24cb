// The QFtp-style command queue: calls run one at a time in FIFO order, each
// with an id; events mark start, finish and the queue running dry.

import { FtpAbortError } from "../errors.ts";
import type { FtpCommandKind } from "./events.ts";

/**
 * A call's promise, carrying the id its queued command has in events
 * (QFtp returns the same id from each call).
 *
 * @example
 * ```ts
 * import { FtpClient, type FtpRequest } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const request: FtpRequest<string> = client.pwd();
 * console.log(request.id, await request);
 * ```
 */
export type FtpRequest<T> = Promise<T> & { readonly id: number };

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

/** Runs commands one at a time, in the order they were queued. */
export class CommandQueue {
  readonly #listener: QueueListener;
  readonly #cancelPendingOnError: boolean;
  readonly #waiting: Job[] = [];
  #current?: Job;
  #nextId = 1;
  #pumping = false;
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
    if (!this.#pumping) {
      this.#pumping = true;
      queueMicrotask(() => this.#pump());
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
    for (const job of this.#waiting.splice(0)) {
      job.detach?.();
      job.reject(reason);
    }
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

  #abortJob(job: Job, reason: Error): void {
    const index = this.#waiting.indexOf(job);
    const queued = index !== -1;
    if (queued) this.#waiting.splice(index, 1);
    job.detach?.();
    if (queued || !job.ownsAbort) job.reject(reason);
    job.controller.abort(reason);
  }

  async #pump(): Promise<void> {
    // Bounded by the queue: every pass removes one job.
    while (this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      this.#current = job;
      this.#listener.started(job.id, job.kind);
      const running = this.#run(job);
      job.settled = running.then(() => {});
      const error = await running;
      job.detach?.();
      this.#current = undefined;
      if (error) {
        this.#batchFailed = true;
        if (this.#cancelPendingOnError && !(error instanceof FtpAbortError)) {
          this.clearPending(
            new FtpAbortError(
              `Cancelled because command #${job.id} (${job.kind}) failed before it: ${error.message}`,
              { cause: error },
            ),
          );
        }
      }
      this.#listener.finished(job.id, job.kind, error);
    }
    this.#pumping = false;
    const failed = this.#batchFailed;
    this.#batchFailed = false;
    this.#listener.done(failed);
  }

  async #run(job: Job): Promise<Error | undefined> {
    const holds: Promise<unknown>[] = [];
    try {
      const value = await job.run({
        id: job.id,
        signal: job.controller.signal,
        hold: (work) => {
          // Awaited below, maybe after it settles: mark it handled now.
          work.catch(() => {});
          holds.push(work);
        },
      });
      job.resolve(value);
      // A hold may be added while another is awaited; index, do not iterate a copy.
      for (let i = 0; i < holds.length; i++) await holds[i];
      // Cancelled while it ran, and its caller was told so: say so in events too.
      const signal = job.controller.signal;
      return signal.aborted && !job.ownsAbort ? signal.reason : undefined;
    } catch (error) {
      job.reject(error);
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}

function abortError(signal: AbortSignal): FtpAbortError {
  const reason = signal.reason;
  if (reason instanceof FtpAbortError) return reason;
  return new FtpAbortError("The call was aborted by its signal", { cause: reason });
}
