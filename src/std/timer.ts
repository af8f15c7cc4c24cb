/**
 * Timers that do not start Deno's Node layer: the connections' deadlines and
 * the CLI's live progress line (in std/ so that every layer may use them).
 * Deno 2.9.6 loads `node:timers` and about twenty modules of its Node
 * compatibility on the first `setTimeout` or `setInterval` (10–15 ms of CPU);
 * `AbortSignal.timeout` does not, and a one-file `ferry get` needs no other
 * `node:` module (docs/performance.md, "Cold start"). Like `setTimeout`, a
 * running timer keeps the process alive until it fires or is cleared, unless
 * it is unref'd.
 *
 * All timers share one deadline heap and at most one armed
 * `AbortSignal.timeout` at a time, set for the earliest deadline. A signal
 * per timer cost an insert into Deno's timer heap each, and a cleared one
 * could not be taken back out: it fired later anyway and made a
 * `DOMException` with its stack (a small-file download runs about five
 * timers per file; docs/performance.md, "Batches").
 *
 * @module
 */

const MAX_DELAY = 2 ** 31 - 1;

/** A running timer: see {@linkcode startTimer} and {@linkcode startInterval}. */
export interface Timer {
  /** Stops it: the callback does not run (again). */
  clear(): void;
  /** Lets the process exit while it runs; a callback that comes due meanwhile is not run. */
  unref(): void;
  /**
   * Keeps the process alive again until it fires. If it came due while
   * unref'd, its callback runs now, within this call.
   */
  ref(): void;
}

/** A pending deadline; in the heap (`index >= 0`) while ref'd and waiting. */
class Deadline implements Timer {
  /** Where it sits in `heap`, or -1 when it is not there (unref'd, fired or cleared). */
  index = -1;
  done = false;
  constructor(
    readonly due: number,
    /** Orders deadlines that fall on the same time: the one started first runs first. */
    readonly order: number,
    readonly callback: () => void,
  ) {}

  clear(): void {
    this.done = true;
    if (this.index >= 0) remove(this);
  }

  unref(): void {
    if (this.index >= 0) remove(this);
  }

  ref(): void {
    if (this.done || this.index >= 0) return;
    if (performance.now() >= this.due) {
      this.done = true;
      this.callback();
    } else {
      insert(this);
    }
  }
}

/** The ref'd, waiting deadlines: a binary min-heap by `due`, then `order`. */
const heap: Deadline[] = [];
let started = 0;
/** The one signal armed, and the deadline it was armed for. */
let armed: AbortSignal | undefined;
let armedFor = 0;
/** Whether `wake` listens on `armed` (a listener is what keeps the process alive for it). */
let listening = false;
/** While `wake` runs callbacks: they may start and clear timers, `wake` arms once at the end. */
let waking = false;

function before(a: Deadline, b: Deadline): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}

function place(deadline: Deadline, index: number): void {
  heap[index] = deadline;
  deadline.index = index;
}

function siftUp(deadline: Deadline, index: number): void {
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (!before(deadline, heap[parent])) break;
    place(heap[parent], index);
    index = parent;
  }
  place(deadline, index);
}

function siftDown(deadline: Deadline, index: number): void {
  const length = heap.length;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= length) break;
    if (child + 1 < length && before(heap[child + 1], heap[child])) child++;
    if (!before(heap[child], deadline)) break;
    place(heap[child], index);
    index = child;
  }
  place(deadline, index);
}

function insert(deadline: Deadline): void {
  heap.push(deadline);
  siftUp(deadline, heap.length - 1);
  if (deadline.index === 0) arm();
}

function remove(deadline: Deadline): void {
  const index = deadline.index;
  deadline.index = -1;
  const last = heap.pop()!;
  if (last !== deadline) {
    if (index > 0 && before(last, heap[(index - 1) >> 1])) siftUp(last, index);
    else siftDown(last, index);
  }
  // Only the earliest deadline decides the armed signal; and with none left
  // the listener must go, so that the process may exit.
  if (index === 0) arm();
}

/**
 * Makes the armed signal fire no later than the earliest deadline. A signal
 * that fires earlier is kept (`wake` then arms again for what is left):
 * moving a deadline later, or clearing it, costs no new signal. A signal is
 * dropped only for an earlier deadline; it then fires unheard.
 */
function arm(): void {
  if (waking) return;
  if (heap.length === 0) {
    if (listening) {
      armed!.removeEventListener("abort", wake);
      listening = false;
    }
    return;
  }
  const due = heap[0].due;
  if (armed !== undefined && !armed.aborted && armedFor <= due) {
    if (!listening) {
      armed.addEventListener("abort", wake);
      listening = true;
    }
    return;
  }
  if (listening) armed!.removeEventListener("abort", wake);
  // Whole milliseconds, rounded up: Deno truncates the delay, and a signal
  // that fires before the deadline only costs another one.
  const delay = Math.min(MAX_DELAY, Math.max(0, Math.ceil(due - performance.now())));
  armed = AbortSignal.timeout(delay);
  armedFor = due;
  armed.addEventListener("abort", wake);
  listening = true;
}

/**
 * The armed signal fired: runs the earliest deadline if it is due, then arms
 * for the next. One callback per wake: as with `setTimeout`, the microtasks a
 * callback queues (a promise it settles, which may clear another timer) run
 * before the next callback, even one due at the same time (it then gets a
 * signal of its own, `AbortSignal.timeout(0)`).
 */
function wake(): void {
  armed = undefined;
  listening = false;
  waking = true;
  try {
    if (heap.length > 0 && heap[0].due <= performance.now()) {
      const deadline = heap[0];
      remove(deadline);
      deadline.done = true;
      try {
        deadline.callback();
      } catch (error) {
        // As a throwing setTimeout callback, or event listener, would: an
        // uncaught error, without keeping the deadlines after it from running.
        reportError(error);
      }
    }
  } finally {
    waking = false;
    arm();
  }
}

/**
 * Runs `callback` once, after `ms` milliseconds, as `setTimeout` does.
 *
 * @param ms The delay; a negative one (or NaN) counts as 0, one over about
 * 24.8 days (2^31 - 1 ms) as that.
 * @param callback What to run.
 * @returns The timer, to clear, unref or ref.
 *
 * @example
 * ```ts
 * import { startTimer } from "./timer.ts";
 *
 * const timer = startTimer(30_000, () => console.log("no reply in 30 s"));
 * timer.clear(); // the reply came
 * ```
 */
export function startTimer(ms: number, callback: () => void): Timer {
  // Longer delays would fire at once (they overflow Deno's 32-bit timers, as setTimeout's do).
  const delay = ms > MAX_DELAY ? MAX_DELAY : ms > 0 ? ms : 0;
  const deadline = new Deadline(performance.now() + delay, started++, callback);
  insert(deadline);
  return deadline;
}

/**
 * How many timers {@linkcode startTimer} has started in this process (an
 * interval's periods one each): for tests that count the timers a piece of
 * work starts, which `AbortSignal.timeout` no longer tells since the timers
 * share one signal.
 *
 * @returns The count so far.
 *
 * @example
 * ```ts
 * import { startTimer, timersStarted } from "./timer.ts";
 *
 * const before = timersStarted();
 * startTimer(1000, () => {}).clear();
 * console.log(timersStarted() - before); // 1
 * ```
 */
export function timersStarted(): number {
  return started;
}

/**
 * Runs `callback` every `ms` milliseconds until cleared, as `setInterval`
 * does (each period starts when the previous one ended).
 *
 * @param ms The period; a negative one counts as 0.
 * @param callback What to run.
 * @returns The timer; `unref` and `ref` apply to the current period.
 *
 * @example
 * ```ts
 * import { startInterval } from "./timer.ts";
 *
 * const watchdog = startInterval(1000, () => console.log("a second went by"));
 * watchdog.clear();
 * ```
 */
export function startInterval(ms: number, callback: () => void): Timer {
  let cleared = false;
  let period: Timer;
  const next = () => {
    period = startTimer(ms, () => {
      next();
      callback();
    });
  };
  next();
  return {
    clear() {
      cleared = true;
      period.clear();
    },
    unref() {
      if (!cleared) period.unref();
    },
    ref() {
      if (!cleared) period.ref();
    },
  };
}
