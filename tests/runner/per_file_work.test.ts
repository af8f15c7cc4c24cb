// The runner's work per file besides the transfer (issue 15, the CPU floor
// of 1000 small files), counted rather than timed.

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

/** Writes src/f0.txt ... src/f39.txt on the server. */
async function writeForty(server: FtpTestServer): Promise<void> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`src/f${i}.txt`] = `file ${i}`;
  await writeTree(server.root, files);
}

Deno.test("a step of 40 downloads combines its signals once, not once per file", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeForty(server);
  const any = AbortSignal.any;
  let combined = 0;
  AbortSignal.any = (signals) => {
    combined++;
    return any.call(AbortSignal, signals);
  };
  let report;
  try {
    report = await runSteps(dir.path, server, `  - get: { from: src/, to: out/ }\n`);
  } finally {
    AbortSignal.any = any;
  }
  assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error)));
  assert.equal(report.steps[0].actions.filter((a) => a.result === "ok").length, 41);
  for (let i = 0; i < 40; i++) {
    assert.equal(await Deno.readTextFile(`${dir.path}/out/f${i}.txt`), `file ${i}`);
  }
  assert.ok(combined <= 2, `AbortSignal.any called ${combined} times for 40 files`);
});

Deno.test("a step of 40 downloads touches no setTimeout or clearTimeout (they load Deno's Node timers)", async () => {
  // Deno 2.9.6 loads node:timers and its Node layer (about 20 ms of CPU) on
  // the first setTimeout, setInterval, clearTimeout or clearInterval; the
  // runner's deadlines use src/std/timer.ts instead. The embedded
  // server runs in this process and uses them: its calls are left out.
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeForty(server);
  const names = ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] as const;
  const originals = names.map((name) => globalThis[name]);
  const calls: string[] = [];
  names.forEach((name, i) => {
    const original = originals[i] as (...args: unknown[]) => unknown;
    (globalThis as Record<string, unknown>)[name] = (...args: unknown[]) => {
      if (!new Error().stack!.includes("/src/testing/")) calls.push(name);
      return original(...args);
    };
  });
  let report;
  try {
    report = await runSteps(dir.path, server, `  - get: { from: src/, to: out/ }\n`);
  } finally {
    names.forEach((name, i) => (globalThis as Record<string, unknown>)[name] = originals[i]);
  }
  assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error)));
  for (let i = 0; i < 40; i++) {
    assert.equal(await Deno.readTextFile(`${dir.path}/out/f${i}.txt`), `file ${i}`);
  }
  assert.deepEqual(calls, []);
});

Deno.test("a step of 40 downloads makes a queued call (an AbortController) per run of files, not per file, and no failed stat per file", async () => {
  // Each queued client call makes an AbortController (counted here: those
  // of the client's command queue); a download that looks
  // for a partial file or a segmented download's progress file that is not
  // there makes a failed lstat (a Deno NotFound error, 20-30 µs). Batches
  // (src/runner/_run_batch.ts) pay the first per run of files, and read
  // each directory once instead of the second. The embedded server runs in
  // this process: its own are left out.
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeForty(server);
  const Original = globalThis.AbortController;
  const lstatSync = Deno.lstatSync;
  let controllers = 0;
  let failedStats = 0;
  const ours = () => !new Error().stack!.includes("/src/testing/");
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      if (new Error().stack!.includes("/src/client/_command_queue.ts")) controllers++;
    }
  };
  Deno.lstatSync = (path) => {
    try {
      return lstatSync(path);
    } catch (error) {
      if (ours()) failedStats++;
      throw error;
    }
  };
  let report;
  try {
    report = await runSteps(dir.path, server, `  - get: { from: src/, to: out/ }\n`);
  } finally {
    globalThis.AbortController = Original;
    Deno.lstatSync = lstatSync;
  }
  assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error)));
  assert.equal(report.steps[0].actions.filter((a) => a.result === "ok").length, 41);
  for (let i = 0; i < 40; i++) {
    assert.equal(await Deno.readTextFile(`${dir.path}/out/f${i}.txt`), `file ${i}`);
  }
  // Two connections (parallel: 2): connect, login, listing, MDTMs, and the
  // batches (a run takes at most a quarter of what is left): about 20 calls.
  assert.ok(controllers <= 25, `${controllers} AbortControllers for 40 files`);
  assert.ok(failedStats <= 4, `${failedStats} failed lstats for 40 files`);
});

Deno.test("a step of 40 downloads joins each target's path and finds its directory once, not a segment at a time", async () => {
  // Each target is the step's directory joined with a listed name: already
  // normal, so join returns it as it is; and its directory (for the link
  // check, the local stats and the run's batches) is found once in the plan.
  // At 3283650, per file: join sliced each of its five segments, and dirname
  // ran three times in the plan and twice in the run (10 slices a file).
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeForty(server);
  const slice = String.prototype.slice;
  let sliced = 0;
  String.prototype.slice = function (this: string, start?: number, end?: number) {
    // The caller is the third line: the error's, this wrapper's, then its.
    if (new Error().stack!.split("\n")[2]?.includes("/src/std/path.ts")) sliced++;
    return slice.call(this, start, end);
  };
  let report;
  try {
    report = await runSteps(dir.path, server, `  - get: { from: src/, to: out/ }\n`);
  } finally {
    String.prototype.slice = slice;
  }
  assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error)));
  assert.equal(report.steps[0].actions.filter((a) => a.result === "ok").length, 41);
  for (let i = 0; i < 40; i++) {
    assert.equal(await Deno.readTextFile(`${dir.path}/out/f${i}.txt`), `file ${i}`);
  }
  assert.ok(sliced >= 40, `${sliced} slices in std/path.ts for 40 files: are they counted?`);
  assert.ok(sliced <= 50, `${sliced} slices in std/path.ts for 40 files`);
});
