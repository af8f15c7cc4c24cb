// src/std/timer.ts: the connections' timers, on AbortSignal.timeout
// instead of setTimeout (whose first use loads Deno's Node layer). They must
// behave as setTimeout's do where the client relies on it: fire once unless
// cleared, keep the process alive unless unref'd, and not lose a deadline that
// came due while unref'd.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startInterval, startTimer } from "../../src/std/timer.ts";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TIMER_MODULE = fileURLToPath(new URL("../../src/std/timer.ts", import.meta.url));

Deno.test("a timer fires once, after its delay; a cleared one does not", async () => {
  const fired: number[] = [];
  const started = performance.now();
  startTimer(30, () => fired.push(performance.now() - started));
  const cleared = startTimer(10, () => fired.push(-1));
  cleared.clear();
  await wait(120);
  assert.equal(fired.length, 1);
  assert.ok(fired[0] >= 29, `fired after ${fired[0]} ms`);
});

Deno.test("an unref'd timer that came due runs its callback when ref'd again, once", async () => {
  let runs = 0;
  const timer = startTimer(10, () => runs++);
  timer.unref();
  await wait(50);
  assert.equal(runs, 0, "not run while unref'd");
  timer.ref();
  assert.equal(runs, 1, "run within ref()");
  timer.ref();
  await wait(20);
  assert.equal(runs, 1);
});

Deno.test("an interval runs until cleared, also when cleared from its callback", async () => {
  let runs = 0;
  const interval = startInterval(10, () => {
    if (++runs === 3) interval.clear();
  });
  await wait(150);
  assert.equal(runs, 3);
});

/** Runs a script that imports timer.ts; returns its output and how long the process lived. */
async function script(body: string) {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { startInterval, startTimer } from ${JSON.stringify(TIMER_MODULE)};\n${body}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return { stdout: new TextDecoder().decode(output.stdout), ms: performance.now() - started };
}

Deno.test("a running timer keeps the process alive; an unref'd or cleared one does not", async () => {
  const kept = await script(`startTimer(300, () => console.log("fired"));`);
  assert.equal(kept.stdout, "fired\n");
  // Generous bounds: a process start is well under 5 s, these timers are 20 s.
  const unrefd = await script(`startTimer(20_000, () => console.log("fired")).unref();`);
  assert.equal(unrefd.stdout, "");
  assert.ok(unrefd.ms < 10_000, `lived ${unrefd.ms} ms`);
  const cleared = await script(`startTimer(20_000, () => console.log("fired")).clear();`);
  assert.equal(cleared.stdout, "");
  assert.ok(cleared.ms < 10_000, `lived ${cleared.ms} ms`);
});

Deno.test("the process lives until its last ref'd timer, then exits with unref'd ones pending", async () => {
  const mixed = await script(`
    startTimer(20_000, () => console.log("unref'd fired")).unref();
    startInterval(20_000, () => console.log("unref'd interval fired")).unref();
    startTimer(25_000, () => console.log("cleared fired")).clear();
    startTimer(200, () => console.log("short"));
    const again = startTimer(400, () => console.log("ref'd again"));
    again.unref();
    again.ref();
  `);
  assert.equal(mixed.stdout, "short\nref'd again\n");
  assert.ok(mixed.ms < 10_000, `lived ${mixed.ms} ms`);
  // Cleared from a callback: the last ref'd timer goes while the deadlines run.
  const fromCallback = await script(`
    const watchdog = startInterval(50, () => {});
    const late = startTimer(20_000, () => console.log("late fired"));
    startTimer(100, () => { watchdog.clear(); late.clear(); console.log("done"); });
  `);
  assert.equal(fromCallback.stdout, "done\n");
  assert.ok(fromCallback.ms < 10_000, `lived ${fromCallback.ms} ms`);
});

Deno.test("a callback that throws is an uncaught error, and the timers due with it still run", async () => {
  const { stdout } = await script(`
    globalThis.addEventListener("error", (event) => {
      event.preventDefault();
      console.log("uncaught:", event.error.message);
    });
    startTimer(20, () => { throw new Error("boom"); });
    startTimer(20, () => console.log("after"));
    startTimer(60, () => console.log("later"));
  `);
  assert.equal(stdout, "uncaught: boom\nafter\nlater\n");
});

Deno.test("many timers run in the order of their deadlines; equal ones in the order started", async () => {
  const ran: string[] = [];
  const delays = [40, 5, 25, 5, 0, 60, 15, 25, 3, 40, 0, 33];
  delays.forEach((ms, i) => startTimer(ms, () => ran.push(`${ms}:${i}`)));
  await wait(200);
  const expected = delays.map((ms, i) => ({ ms, i }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map(({ ms, i }) => `${ms}:${i}`);
  assert.deepEqual(ran, expected);
});

Deno.test("a cleared timer never calls back: cleared before its deadline, by a timer due at the same time, or from its own callback", async () => {
  const ran: string[] = [];
  const early = startTimer(5, () => ran.push("early"));
  early.clear();
  // Started first, so it runs first at the shared deadline, and clears the other.
  const first = startTimer(20, () => {
    ran.push("first");
    second.clear();
    first.clear();
  });
  const second = startTimer(20, () => ran.push("second"));
  const own = startTimer(10, () => {
    ran.push("own");
    own.clear();
    own.clear();
  });
  await wait(100);
  assert.deepEqual(ran, ["own", "first"]);
  early.clear();
  first.clear();
  await wait(20);
  assert.deepEqual(ran, ["own", "first"]);
});

Deno.test("timers due together run with a microtask turn between them, as setTimeout's do", async () => {
  const ran: string[] = [];
  // The first one's consequence reaches the second only through a promise
  // (as a connection's close settles a call whose end clears its timers).
  const first = startTimer(20, () => {
    ran.push("first");
    Promise.resolve().then(() => {
      ran.push("first's consequence clears second");
      second.clear();
    });
  });
  const second = startTimer(20, () => ran.push("second"));
  await wait(100);
  assert.deepEqual(ran, ["first", "first's consequence clears second"]);
  first.clear();
});

Deno.test("timers started and cleared from callbacks run on time", async () => {
  const started = performance.now();
  const ran: [string, number][] = [];
  const mark = (name: string) => ran.push([name, performance.now() - started]);
  const later = startTimer(60, () => mark("later"));
  startTimer(10, () => {
    mark("a");
    later.clear();
    startTimer(0, () => mark("a+0"));
    startTimer(20, () => mark("a+20"));
  });
  await wait(150);
  assert.deepEqual(ran.map(([name]) => name), ["a", "a+0", "a+20"]);
  assert.ok(ran[2][1] >= 29, `a+20 ran after ${ran[2][1]} ms`);
});

Deno.test("a timer unref'd and ref'd again before its deadline runs at its deadline, not before, not restarted", async () => {
  const started = performance.now();
  const ran: string[] = [];
  let ranAt = -1;
  const timer = startTimer(40, () => {
    ranAt = performance.now() - started;
    ran.push("timer");
  });
  timer.unref();
  await wait(20);
  timer.ref();
  assert.equal(ranAt, -1);
  // Due at 50 ms or later: after the timer, unless ref() restarted it (60 ms or later).
  startTimer(30, () => ran.push("marker"));
  await wait(150);
  assert.deepEqual(ran, ["timer", "marker"]);
  assert.ok(ranAt >= 39, `ran after ${ranAt} ms`);
  // A cleared timer stays cleared when ref'd; a fired one does not run again.
  let runs = 0;
  const cleared = startTimer(1, () => runs++);
  cleared.unref();
  cleared.clear();
  await wait(10);
  cleared.ref();
  timer.ref();
  await wait(10);
  assert.equal(runs, 0);
});

Deno.test("an interval's periods are each at least its period long; unref'd it skips none once ref'd", async () => {
  const times: number[] = [];
  let last = performance.now();
  const interval = startInterval(15, () => {
    const now = performance.now();
    times.push(now - last);
    last = now;
    if (times.length === 4) interval.clear();
  });
  await wait(200);
  assert.equal(times.length, 4);
  for (const gap of times) assert.ok(gap >= 14, `a period of ${gap} ms`);
  let runs = 0;
  const paused = startInterval(5, () => runs++);
  paused.unref();
  await wait(30);
  assert.equal(runs, 0);
  paused.ref();
  assert.equal(runs, 1, "the period that came due runs within ref()");
  for (let i = 0; i < 200 && runs < 3; i++) await wait(10);
  paused.clear();
  const after = runs;
  assert.ok(after >= 3, `${after} runs`);
  await wait(30);
  assert.equal(runs, after);
});

Deno.test("a huge or infinite delay waits (clamped to 2^31 - 1 ms), a negative or NaN one runs soon but not within startTimer", async () => {
  const ran: string[] = [];
  const huge = startTimer(2 ** 40, () => ran.push("huge"));
  const infinite = startTimer(Infinity, () => ran.push("infinite"));
  startTimer(-5, () => ran.push("negative"));
  startTimer(NaN, () => ran.push("nan"));
  assert.deepEqual(ran, []);
  await wait(50);
  assert.deepEqual(ran, ["negative", "nan"]);
  huge.clear();
  infinite.clear();
});

Deno.test("many timers started and cleared arm a bounded number of AbortSignal.timeout signals, not one each", () => {
  // Each AbortSignal.timeout is an insert into Deno's timer heap that a clear
  // cannot take back: it fires later and makes a DOMException with a stack.
  const timeout = AbortSignal.timeout;
  let signals = 0;
  AbortSignal.timeout = (ms: number) => {
    signals++;
    return timeout.call(AbortSignal, ms);
  };
  try {
    // The per-file pattern of a small-file download: a reply deadline, a
    // one-second stall watchdog and a transfer deadline, each cleared.
    for (let file = 0; file < 1000; file++) {
      const reply = startTimer(30_000, () => {});
      const watchdog = startInterval(1000, () => {});
      const transfer = startTimer(15_000, () => {});
      reply.clear();
      transfer.clear();
      watchdog.clear();
    }
    // And many pending at once, cleared together.
    const pending = Array.from({ length: 1000 }, (_, i) => startTimer(30_000 + i, () => {}));
    for (const timer of pending) timer.clear();
  } finally {
    AbortSignal.timeout = timeout;
  }
  assert.ok(signals <= 3, `${signals} AbortSignal.timeout signals for 5000 timers`);
});
