// What ferry prints, in-process: names and messages that come from a server
// (or a task file) never reach the terminal with control characters in
// them, whatever the event; escape sequences stay visible as text.

import assert from "node:assert/strict";
import { join } from "node:path";
import { Renderer } from "../../src/cli/_render.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { ferry, writeServerTask, writeTree } from "./_ferry.ts";
import type { ActionReport, RunReport, StepReport } from "../../src/runner/report.ts";
import type { RunEvent } from "../../src/runner/run_event.ts";

/** ESC, CSI, OSC with BEL, a C1 CSI, DEL, CR, a bidi override. */
const HOSTILE = "a\x1b[31mRED\x1b]0;title\x07\x9b2J\x7f\r\u202eb.txt";

/** Control characters other than the newline ending each line. */
// deno-lint-ignore no-control-regex -- what must not be printed
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function eventsNaming(name: string): RunEvent[] {
  const step = { index: 0, name: `get ${name}`, kind: "get" };
  const action = {
    id: 1,
    action: "download" as const,
    path: `out/${name}`,
    from: name,
    reason: name,
  };
  const error = { name: "FtpPermanentError", code: 550, message: `550 ${name}: no` };
  const ended: ActionReport = {
    ...action,
    result: "failed",
    bytes: 0,
    durationMs: 1,
    attempts: 1,
    error,
  };
  const done: ActionReport = {
    ...action,
    id: 2,
    result: "ok",
    bytes: 3,
    durationMs: 1,
    attempts: 2,
  };
  const stepReport: StepReport = {
    ...step,
    result: "failed",
    durationMs: 1,
    bytes: 0,
    warnings: [],
    error,
    actions: [ended],
  };
  const report: RunReport = {
    version: 1,
    server: `ftp://${name}`,
    dryRun: false,
    ok: false,
    interrupted: false,
    startedAt: "",
    durationMs: 1,
    totals: { transferred: 0, skipped: 0, failed: 1, changed: 0, bytes: 0 },
    steps: [stepReport],
  };
  return [
    { type: "stepStart", step },
    { type: "plan", step, actions: [action, { ...action, id: 3, action: "skip" }] },
    { type: "actionStart", step, action, offset: 0 },
    { type: "progress", step, action, bytes: 1 },
    { type: "retry", step, action, attempt: 1, delayMs: 250, error },
    { type: "retry", step, attempt: 1, delayMs: 250, error },
    { type: "warning", step, message: `Skipped ${name}` },
    { type: "debug", connection: 1, line: `< 150 ${name}` },
    { type: "actionEnd", step, action: ended },
    { type: "actionEnd", step, action: done },
    { type: "stepEnd", step: stepReport },
    { type: "stepEnd", step: { ...stepReport, result: "skipped", error: undefined } },
    { type: "end", report },
  ];
}

Deno.test("server-supplied names and messages are printed with control characters escaped", () => {
  for (const listPlan of [false, true]) {
    let out = "";
    const renderer = new Renderer({
      write: (text) => out += text,
      live: false,
      color: false,
      columns: () => 100,
      quiet: false,
      verbose: true,
      cwd: "/nowhere",
      steps: 2,
      listPlan,
    });
    for (const event of eventsNaming(HOSTILE)) renderer.onEvent(event);
    renderer.close();
    for (const line of out.split("\n")) assert.doesNotMatch(line, CONTROL, JSON.stringify(line));
    assert.match(out, /a\\x1b\[31mRED\\x1b\]0;title\\x07\\x9b2J\\x7f\\r\\u202eb\.txt/);
  }
});

Deno.test("ferry plan, run and ls print a file named with escape sequences as text (NO_COLOR)", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const name = "a\x1b[31mRED\x1b]0;title\x07.txt";
  await writeTree(server.root, { [`pub/${name}`]: "x\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    "  - get: { from: pub, to: out/ }\n",
  );
  for (const args of [["plan", task], ["run", task, "--verbose"], ["ls", `${server.url}/pub/`]]) {
    const result = await ferry(args, { cwd: dir.path });
    assert.equal(result.code, 0, result.stderr);
    const printed = result.stdout + result.stderr;
    assert.ok(!printed.includes("\x1b") && !printed.includes("\x07"), JSON.stringify(printed));
    assert.match(result.stdout, /a\\x1b\[31mRED\\x1b\]0;title\\x07\.txt/);
  }
  assert.equal(
    await Deno.readTextFile(join(dir.path, "out", name)),
    "x\n",
    "the file itself keeps its name",
  );
});

Deno.test("the live progress line redraws without setInterval and stops at the end (setInterval's first use loads Deno's Node timers)", async () => {
  const sleep = globalThis.setTimeout;
  const wait = (ms: number) => new Promise((resolve) => sleep(resolve, ms));
  const started: string[] = [];
  const originals = {
    setInterval: globalThis.setInterval,
    setTimeout: globalThis.setTimeout,
    clearInterval: globalThis.clearInterval,
    clearTimeout: globalThis.clearTimeout,
  };
  // Clearing loads the Node timers too, even of no timer.
  for (const name of ["setInterval", "setTimeout", "clearInterval", "clearTimeout"] as const) {
    // deno-lint-ignore no-explicit-any -- a recording wrapper of either timer
    (globalThis as any)[name] = (...args: unknown[]) => {
      started.push(name);
      // deno-lint-ignore no-explicit-any -- forwarded as given
      return (originals[name] as any)(...args);
    };
  }
  try {
    let out = "";
    const renderer = new Renderer({
      write: (text) => out += text,
      live: true,
      color: false,
      columns: () => 100,
      quiet: false,
      verbose: false,
      cwd: "/nowhere",
      steps: 1,
      listPlan: false,
    });
    const events = eventsNaming("big.bin");
    for (const event of events.slice(0, 4)) renderer.onEvent(event); // up to a first progress
    // The live block is drawn every 100 ms: wait (bounded) for two frames.
    for (let i = 0; i < 50 && out.split("big.bin").length < 3; i++) await wait(20);
    assert.ok(out.split("big.bin").length >= 3, `no live frames: ${JSON.stringify(out)}`);
    for (const event of events.slice(4)) renderer.onEvent(event);
    renderer.close();
    const ended = out;
    await wait(300);
    assert.equal(out, ended, "the live block was drawn after the run ended");
  } finally {
    Object.assign(globalThis, originals);
  }
  assert.deepEqual(started, []);
});
