// Planning, in-process against the embedded server: what a step refuses to
// plan, and why, before anything is changed.

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { treeOf, writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

Deno.test("two sources that would land on one destination file: the step fails before any transfer", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "a/x.bin": "from a", "b/x.bin": "from b", "b/y.bin": "y" });
  await writeTree(dir.path, { "one/x.txt": "1", "two/x.txt": "2", "two/z.txt": "z" });
  const report = await runSteps(
    dir.path,
    server,
    `  - { get: { from: ["a/*.bin", "b/*.bin"], to: out/ }, continueOnError: true }
  - { put: { from: [one, two], to: up/ }, continueOnError: true }
`,
  );
  const [get, put] = report.steps;
  assert.equal(get.result, "failed");
  assert.match(
    get.error!.message,
    /a\/x\.bin and b\/x\.bin would both be written to .*out\/x\.bin/,
  );
  assert.equal(put.result, "failed");
  assert.match(
    put.error!.message,
    /one\/x\.txt and .*two\/x\.txt would both be written to up\/x\.txt/,
  );
  assert.deepEqual(get.actions, []);
  assert.ok(!server.commands.some((c) => /^(RETR|STOR|MKD)/.test(c)), server.commands.join());
  assert.deepEqual(Object.keys(await treeOf(dir.path)).filter((p) => p.startsWith("out")), []);
});
