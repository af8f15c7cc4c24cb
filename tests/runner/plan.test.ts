// Planning, in-process against the embedded server: what a step refuses to
// plan, and why, before anything is changed.

import assert from "node:assert/strict";
import { FtpInputError } from "../../mod.ts";
import { loadTask, runTask, TaskFileError } from "../../src/runner/mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { treeOf, writeServerTask, writeTree } from "../cli/_ferry.ts";
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

Deno.test("runTask: a missing local source throws a located TaskFileError before connecting", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const file = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - mkdir: www
  - sync: { direction: up, local: absent, remote: www }
`,
  );
  const task = await loadTask(file, { envFile: false });
  const error = await runTask(task).catch((e) => e);
  assert.ok(error instanceof TaskFileError, String(error));
  assert.deepEqual(
    error.issues.map((i) => [i.line, i.column, i.path]),
    [[5, 35, "steps[1].sync.local"]],
  );
  assert.match(error.issues[0].message, /the local folder \S*absent does not exist \(step 2,/);
  assert.equal(server.sessionCount, 0);
  // Built in code, the same check names the step without a place in a file.
  const { file: _, ...inCode } = task;
  inCode.steps = inCode.steps.map(({ sourcesAt: _, ...step }) => step);
  const plain = await runTask(inCode).catch((e) => e);
  assert.ok(plain instanceof FtpInputError && !(plain instanceof TaskFileError), String(plain));
  assert.match(plain.message, /^the local folder \S*absent does not exist \(step 2,/);
});

Deno.test("a destination or sync root that is a remote file: the step fails naming it, before anything is sent (with MLST and without)", async () => {
  for (const disabledCommands of [[], ["MLST", "MLSD"]]) {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start({ disabledCommands });
    await writeTree(server.root, { "www": "a file, not a directory\n" });
    await writeTree(dir.path, { "site/a.txt": "a\n", "site/b.txt": "b\n" });
    const report = await runSteps(
      dir.path,
      server,
      `  - { put: { from: site/, to: www/ }, continueOnError: true }
  - { sync: { direction: up, local: site, remote: www }, continueOnError: true }
  - { sync: { direction: down, local: down, remote: www }, continueOnError: true }
`,
    );
    const [put, up, down] = report.steps;
    const without = `without ${disabledCommands}`;
    assert.equal(put.result, "failed", without);
    assert.match(put.error!.message, /www exists and is not a directory/, without);
    assert.equal(up.result, "failed", without);
    assert.match(up.error!.message, /www exists and is not a directory/, without);
    assert.equal(down.result, "failed", without);
    assert.match(down.error!.message, /www is not a remote directory/, without);
    assert.ok(
      !server.commands.some((c) => /^(STOR|MKD|DELE|RETR)/.test(c)),
      server.commands.join(),
    );
    assert.equal(await Deno.readTextFile(`${server.root}/www`), "a file, not a directory\n");
  }
});

Deno.test("a get of many files into an empty, a missing and a partly filled directory: only the files there are kept (overwrite: never)", async () => {
  // 40 files to a directory: enough that planning looks at the directory
  // once instead of each missing target (see statLocalAll).
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`src/f${String(i).padStart(2, "0")}.txt`] = `remote ${i}`;
  await writeTree(server.root, files);
  await Deno.mkdir(`${dir.path}/empty`);
  await writeTree(dir.path, { "filled/f07.txt": "local 7", "filled/other.txt": "x" });
  // Stats of targets, by directory: a missing target's stat costs an error.
  const stats: Record<string, number> = {};
  const stat = Deno.stat;
  (Deno as { stat: typeof Deno.stat }).stat = (path) => {
    const target = String(path).match(/\/(empty|missing|filled)\/f\d+\.txt$/);
    if (target) stats[target[1]] = (stats[target[1]] ?? 0) + 1;
    return stat(path);
  };
  let report;
  try {
    report = await runSteps(
      dir.path,
      server,
      `  - get: { from: src/, to: empty/, overwrite: never }
  - get: { from: src/, to: missing/, overwrite: never }
  - get: { from: src/, to: filled/, overwrite: never }
`,
    );
  } finally {
    (Deno as { stat: typeof Deno.stat }).stat = stat;
  }
  assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error)));
  assert.deepEqual(stats, { filled: 40 });
  const downloads = (step: number) =>
    report.steps[step].actions.filter((a) => a.action === "download").length;
  assert.deepEqual([downloads(0), downloads(1), downloads(2)], [40, 40, 39]);
  const read = (path: string) => Deno.readTextFile(`${dir.path}/${path}`);
  assert.equal(await read("empty/f07.txt"), "remote 7");
  assert.equal(await read("missing/f39.txt"), "remote 39");
  assert.equal(await read("filled/f07.txt"), "local 7");
  assert.equal(await read("filled/f08.txt"), "remote 8");
});
