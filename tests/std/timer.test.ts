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
    args: ["eval", `import { startTimer } from ${JSON.stringify(TIMER_MODULE)};\n${body}`],
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
