// The runner's work per file besides the transfer (issue 15, the CPU floor
// of 1000 small files), counted rather than timed.

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

Deno.test("a step of 40 downloads combines its signals once, not once per file", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`src/f${i}.txt`] = `file ${i}`;
  await writeTree(server.root, files);
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
