// `ferry permissions` prints flags that are enough to run the job, and no
// more than it needs: for a host name (data connections go to its
// addresses), in active mode (ferry listens for the server), and for a
// TypeScript task (the module and what it imports are read). A permission
// denied is final, not retried as a dropped connection.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { ferry, reportOf, writeServerTask, writeTask, writeTree } from "./_ferry.ts";

const MOD = fileURLToPath(new URL("../../src/runner/mod.ts", import.meta.url));

async function flagsFor(task: string, cwd: string): Promise<string[]> {
  const perms = await ferry(["permissions", task], { cwd });
  assert.equal(perms.code, 0, perms.stderr);
  return perms.stdout.trim().split(" ");
}

/** Runs the task under exactly these flags; it must fetch pub/a.txt. */
async function assertRunsWith(flags: string[], task: string, cwd: string): Promise<void> {
  const run = await ferry(["run", task], { cwd, permissions: flags });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(await Deno.readTextFile(join(cwd, "out/a.txt")), "hello\n");
}

for (const mode of ["passive", "active"]) {
  Deno.test(`flags for a host name in ${mode} mode are enough`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    await writeTree(server.root, { "pub/a.txt": "hello\n" });
    const task = await writeServerTask(
      dir.path,
      `url: "ftp://localhost:${server.port}", mode: ${mode}, netrc: false`,
      `  - get: { from: pub/a.txt, to: out/ }
`,
    );
    const flags = await flagsFor(task, dir.path);
    const net = flags.find((f) => f.startsWith("--allow-net="))!;
    assert.match(net, /localhost/);
    assert.match(net, /127\.0\.0\.1/);
    if (mode === "active") assert.match(net, /127\.0\.0\.1:0/);
    await assertRunsWith(flags, task, dir.path);
  });
}

Deno.test("flags for a TypeScript task let it load its module and imports", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "hello\n" });
  await writeTree(dir.path, {
    "helpers/paths.ts": `export const target = "out/";\n`,
  });
  const task = await writeTask(
    dir.path,
    "task.ts",
    `import { defineTask } from ${JSON.stringify(MOD)};
import { target } from "./helpers/paths.ts";
export default defineTask({
  version: 1,
  connection: { url: "${server.url}", netrc: false },
  steps: [{ get: { from: "pub/a.txt", to: target } }],
});
`,
  );
  await assertRunsWith(await flagsFor(task, dir.path), task, dir.path);
});

Deno.test("a permission denied is final: one try, not retried as a dropped connection", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "hello\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://localhost:${server.port}", netrc: false`,
    `  - get: { from: pub/a.txt, to: out/ }
`,
  );
  // The host name alone: the control connection works, data connections to its address do not.
  const flags = (await flagsFor(task, dir.path)).map((f) =>
    f.startsWith("--allow-net=") ? `--allow-net=localhost:${server.port}` : f
  );
  const run = await ferry(["run", task, "--json"], { cwd: dir.path, permissions: flags });
  assert.equal(run.code, 1, run.stderr);
  const download = reportOf(run).steps[0].actions.find((a) => a.action === "download")!;
  assert.equal(download.attempts, 1);
  assert.doesNotMatch(run.stderr, /retry/);
});
