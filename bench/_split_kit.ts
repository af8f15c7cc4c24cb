/**
 * What the two-isolate cells of bench/small_files.ts (FERRY_BENCH_FLOOR=2)
 * share: one process whose connections are split over the main thread and
 * one Worker, started first thing so that the worker loads its modules and
 * logs in while the main thread loads, logs in, lists and plans. An
 * experiment (issue 15's last loopback bar), not ferry's design.
 *
 * The main thread lists; both threads then take the MDTM shares and the
 * files from counters in shared memory (Atomics), so a thread that runs
 * ahead takes more, as the runner's pool hands the next file to whichever
 * connection comes free. Every MDTM is answered before any transfer, as in
 * the runner's plan. With one thread the same code runs with no worker.
 *
 * @module
 */

/** One side of the split: the main thread, or the worker ("share"). */
export const isShare = (globalThis as { name?: string }).name === "share";

/** Milliseconds on a clock both threads share (each has its own time origin). */
export const now = (): number => performance.timeOrigin + performance.now();

/**
 * This thread's time on a CPU and its time runnable but waiting for one
 * (ms), from the scheduler's own counts (/proc/thread-self/schedstat).
 */
export function threadTimes(path = "/proc/thread-self/schedstat"): { run: number; wait: number } {
  const [run, wait] = Deno.readTextFileSync(path).split(" ").map(Number);
  return { run: run / 1e6, wait: wait / 1e6 };
}

/** The calling thread's id (its entry below /proc/PID/task). */
const threadId = () => Deno.readLinkSync("/proc/thread-self").split("/").at(-1)!;

/** The listing, handed to the worker. */
export interface Listing {
  names: string[];
  sizes: number[];
}

/** Counters and the MDTM times, in memory both threads see. */
export class Shared {
  readonly counters: Int32Array;
  readonly times: Float64Array;
  constructor(readonly buffer: SharedArrayBuffer, readonly files: number) {
    this.counters = new Int32Array(buffer, 0, 4);
    this.times = new Float64Array(buffer, 16, files);
  }

  static create(files: number): Shared {
    return new Shared(new SharedArrayBuffer(16 + 8 * files), files);
  }

  /** The next MDTM share's index. */
  nextShare(): number {
    return Atomics.add(this.counters, 0, 1);
  }

  /** Records that `count` files have their time. */
  timed(count: number): void {
    Atomics.add(this.counters, 1, count);
    Atomics.notify(this.counters, 1);
  }

  /** Resolves once every file has its time (the other thread's too). */
  async allTimed(): Promise<void> {
    // Bounded: each pass sees the count grow, by one file at least.
    for (let pass = 0; pass <= this.files; pass++) {
      const done = Atomics.load(this.counters, 1);
      if (done >= this.files) return;
      const wait = Atomics.waitAsync(this.counters, 1, done);
      if (wait.async) await wait.value;
    }
  }

  /** Where the next run of files starts; `wanted(left)` sizes the run. */
  takeFiles(wanted: (left: number) => number): { from: number; to: number } {
    const take = Math.max(1, wanted(this.files - Atomics.load(this.counters, 2)));
    const from = Atomics.add(this.counters, 2, take);
    return { from, to: Math.min(this.files, from + take) };
  }
}

/** What the main thread and the worker say to each other. */
type Message =
  | { type: "work"; listing: Listing; buffer: SharedArrayBuffer }
  | { type: "login"; at: number; run: number }
  | { type: "done"; files: number; run: number; wait: number; tid: string }
  | { type: "error"; message: string };

/** One level's work (the floor's or ferry's), on one thread's connections. */
export interface Level<C> {
  login(): Promise<C>;
  /** Lists the directory (main thread, first connection). */
  list(control: C): Promise<Listing>;
  /** MDTM shares and the transfers on this thread's connections; the files it got. */
  share(controls: C[], listing: Listing, shared: Shared): Promise<number>;
}

/**
 * Started first thing in a split script: in the main thread with `threads`
 * 2, the worker (the same script, which the worker runs as "share").
 */
export function startSplit(url: string, threads: number): Worker | undefined {
  if (isShare || threads === 1) return undefined;
  return new Worker(url, { type: "module", name: "share" });
}

/**
 * Runs the job: in the worker, this thread's connections' share; in the
 * main thread, its connections, the listing, its share, and (with `trace`)
 * one JSON line of times on stdout.
 */
export async function runSplit<C>(
  level: Level<C>,
  worker: Worker | undefined,
  connections: number,
  trace: boolean,
  started: number,
): Promise<void> {
  const own = worker ? connections / 2 : connections;
  if (isShare) {
    const scope = self as unknown as Worker & { close(): void };
    const post = (m: Message) => scope.postMessage(m);
    const work = new Promise<Message>((resolve) => {
      scope.onmessage = (e: MessageEvent<Message>) => resolve(e.data);
    });
    try {
      const first = level.login();
      const controls = [await first];
      post({ type: "login", at: now(), run: threadTimes().run });
      controls.push(...await Promise.all(Array.from({ length: own - 1 }, level.login)));
      const m = await work;
      if (m.type !== "work") throw new Error(`unexpected ${m.type}`);
      const files = await level.share(
        controls,
        m.listing,
        new Shared(m.buffer, m.listing.names.length),
      );
      post({ type: "done", files, ...threadTimes(), tid: threadId() });
    } catch (error) {
      post({ type: "error", message: String((error as Error)?.stack ?? error) });
    }
    scope.close();
    return;
  }
  let workerLogin = NaN;
  let workerLoginRun = NaN;
  let workerTimes = { run: NaN, wait: NaN, tid: "" };
  const workerDone = worker && new Promise<number>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Message>) => {
      const m = e.data;
      if (m.type === "login") [workerLogin, workerLoginRun] = [m.at, m.run];
      else if (m.type === "done") {
        workerTimes = m;
        resolve(m.files);
      } else if (m.type === "error") reject(new Error(`worker: ${m.message}`));
    };
    worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
  });
  workerDone?.catch(() => {});
  const first = await level.login();
  const mainLogin = now();
  const mainLoginRun = threadTimes().run;
  const controls = [first, ...await Promise.all(Array.from({ length: own - 1 }, level.login))];
  const listing = await level.list(first);
  const listed = now();
  const mainAtListed = threadTimes();
  const shared = Shared.create(listing.names.length);
  worker?.postMessage({ type: "work", listing, buffer: shared.buffer } satisfies Message);
  const mine = await level.share(controls, listing, shared);
  const mainAtEnd = threadTimes();
  const theirs = workerDone ? await workerDone : 0;
  // Every other thread of the process (V8's compiler and GC helpers, Deno's
  // runtime threads), the worker's own times aside.
  let othersRun = 0;
  for (const { name } of Deno.readDirSync("/proc/self/task")) {
    if (name === String(Deno.pid) || name === workerTimes.tid) continue;
    try {
      othersRun += threadTimes(`/proc/self/task/${name}/schedstat`).run;
    } catch {
      // Ended since the listing.
    }
  }
  worker?.terminate();
  if (mine + theirs !== listing.names.length) {
    throw new Error(`${mine} + ${theirs} files of ${listing.names.length}`);
  }
  if (trace) {
    console.log(JSON.stringify({
      // From process start (the main thread's time origin) to the worker's start.
      startedMs: started - performance.timeOrigin,
      mainLoginMs: mainLogin - started,
      workerLoginMs: workerLogin - started,
      listedMs: listed - started,
      totalMs: now() - started,
      mainFiles: mine,
      workerFiles: theirs,
      // On a CPU, and runnable but waiting for one: each thread to its first
      // login, the main thread to the listing and to its end, the worker to
      // its end, the other threads.
      mainRunLoginMs: mainLoginRun,
      workerRunLoginMs: workerLoginRun,
      mainRunListedMs: mainAtListed.run,
      mainWaitListedMs: mainAtListed.wait,
      mainRunMs: mainAtEnd.run,
      mainWaitMs: mainAtEnd.wait,
      workerRunMs: workerTimes.run,
      workerWaitMs: workerTimes.wait,
      othersRunMs: othersRun,
      rssMiB: Deno.memoryUsage().rss / 2 ** 20,
    }));
  }
}
