// Runs a task (a verify by download) in its own process and reports the
// memory alive after forced collections every 20 MiB verified, so that the
// parent test can check it stays flat however large the file is.
//
// Usage: deno run -A --v8-flags=--expose-gc _verify_memory_child.ts TASK

import { loadTask, runTask } from "../../src/runner/mod.ts";
import { LiveMemorySampler } from "../_live_memory.ts";

const task = await loadTask(Deno.args[0], { envFile: false });
const sampler = new LiveMemorySampler(20 * 1024 * 1024);
const report = await runTask(task, {
  onEvent: (event) => {
    if (event.type === "progress") sampler.at(event.bytes);
  },
});
console.log(
  JSON.stringify({ ok: report.ok, bytes: report.totals.bytes, samples: sampler.samples }),
);
