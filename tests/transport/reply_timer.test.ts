// The control connection's reply deadlines (src/transport/_reply_timer.ts):
// one timer for the replies read one after another. A read still waiting at
// its deadline fails with its own error; an idle connection (no read
// waiting) or a closed one must not keep the process alive, as a CLI run
// would otherwise hang for the reply timeout after its last command.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FtpTimeoutError } from "../../src/errors.ts";
import { ReplyTimer } from "../../src/transport/_reply_timer.ts";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const late = (what: string) => () => new FtpTimeoutError("reply", 0, what);
const TIMER_MODULE = fileURLToPath(
  new URL("../../src/transport/_reply_timer.ts", import.meta.url),
);

/** A reply timer that records the errors it expires with, and when (ms after `started`). */
function recorded() {
  const started = performance.now();
  const expired: { message: string; at: number }[] = [];
  const timer = new ReplyTimer((error) =>
    expired.push({ message: error.message, at: performance.now() - started })
  );
  return { timer, expired, started };
}

Deno.test("a read still waiting at its deadline expires once, with its error, not before", async () => {
  const { timer, expired, started } = recorded();
  timer.wait(started + 40, late("the reply to NOOP"));
  await wait(150);
  assert.deepEqual(expired.map((e) => e.message), [
    (late("the reply to NOOP"))().message,
  ]);
  assert.ok(expired[0].at >= 39, `expired after ${expired[0].at} ms`);
  timer.clear();
});

Deno.test("a read that ended before its deadline does not expire", async () => {
  const { timer, expired, started } = recorded();
  timer.wait(started + 30, late("the reply to NOOP"));
  timer.ended();
  await wait(100);
  assert.deepEqual(expired, []);
  timer.clear();
});

Deno.test("a later read's deadline: the timer armed for the earlier one re-arms for it, and fails that read", async () => {
  const { timer, expired, started } = recorded();
  timer.wait(started + 30, late("first"));
  timer.ended();
  timer.wait(started + 150, late("second"));
  await wait(80);
  assert.equal(expired.length, 0, "the first deadline passed with no read waiting for it");
  await wait(170);
  assert.deepEqual(expired.map((e) => e.message), [late("second")().message]);
  assert.ok(expired[0].at >= 149, `expired after ${expired[0].at} ms`);
  timer.clear();
});

Deno.test("an earlier read's deadline after a later one: the timer is armed for the earlier", async () => {
  const { timer, expired, started } = recorded();
  timer.wait(started + 20_000, late("first"));
  timer.ended();
  timer.wait(started + 30, late("second"));
  await wait(150);
  assert.deepEqual(expired.map((e) => e.message), [late("second")().message]);
  timer.clear();
});

/** Runs a script given `timer` (a ReplyTimer that prints what it expires with); returns its output and how long it lived. */
async function script(body: string) {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { ReplyTimer } from ${JSON.stringify(TIMER_MODULE)};
const timer = new ReplyTimer((error) => console.log("expired:", error.message));
const error = (message) => () => new Error(message);
${body}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return { stdout: new TextDecoder().decode(output.stdout), ms: performance.now() - started };
}

Deno.test("a waiting read keeps the process alive until its deadline; an ended or cleared one does not", async () => {
  const waiting = await script(`timer.wait(performance.now() + 200, error("late"));`);
  assert.equal(waiting.stdout, "expired: late\n");
  // Generous bounds: a process start is well under 5 s, these deadlines are 20 s.
  const ended = await script(`
    timer.wait(performance.now() + 20_000, error("late"));
    timer.ended();
  `);
  assert.equal(ended.stdout, "");
  assert.ok(ended.ms < 10_000, `lived ${ended.ms} ms after ended()`);
  const cleared = await script(`
    timer.wait(performance.now() + 20_000, error("late"));
    timer.clear();
  `);
  assert.equal(cleared.stdout, "");
  assert.ok(cleared.ms < 10_000, `lived ${cleared.ms} ms after clear()`);
  // Re-armed for the later read: alive until that read's deadline, not the first one's.
  const rearmed = await script(`
    timer.wait(performance.now() + 50, error("first"));
    timer.ended();
    timer.wait(performance.now() + 300, error("second"));
  `);
  assert.equal(rearmed.stdout, "expired: second\n");
});
