// The bundle the README installs from a checkout (dist/, `deno task build`):
// `ferry permissions` run from it must print read access to the bundle's
// folder, where its lazily loaded chunks are. (`deno task build`, then
// `FERRY_TEST_CLI=dist deno test -A tests/cli/`, runs every CLI test on it.)

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleBuilt } from "../_bundle.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { run } from "../_servers/_common.ts";
import { writeServerTask, writeTree } from "./_ferry.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** `deno run --config deno.json PERMISSIONS dist/cli/mod.js ARGS`, as the README's shim runs it. */
const bundled = (dist: string, args: string[], permissions: string[], cwd: string) =>
  run(Deno.execPath(), [
    "run",
    "--quiet",
    "--config",
    join(REPO, "deno.json"),
    ...permissions,
    join(dist, "cli/mod.js"),
    ...args,
  ], { cwd, env: { NO_COLOR: "1" } });

Deno.test("ferry permissions from the bundle grants reading dist/, and the job runs under exactly those flags", async () => {
  const dist = await bundleBuilt();
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "hello\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}", netrc: false`,
    "  - get: { from: pub/a.txt, to: out/ }\n",
  );
  const printed = await bundled(dist, ["permissions", task], ["-A"], dir.path);
  assert.equal(printed.code, 0, printed.stderr);
  const flags = printed.stdout.trim().split(" ");
  const read = flags.find((flag) => flag.startsWith("--allow-read="))!;
  assert.ok(read.slice("--allow-read=".length).split(",").includes(dist), read);
  const ran = await bundled(dist, ["run", task], flags, dir.path);
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  assert.equal(await Deno.readTextFile(join(dir.path, "out/a.txt")), "hello\n");
  // Without it the first chunk loaded late (the task-file loader) is denied.
  const narrowed = flags.map((flag) =>
    flag === read
      ? "--allow-read=" + read.slice("--allow-read=".length).split(",").filter((p) => p !== dist)
        .join(",")
      : flag
  );
  const denied = await bundled(dist, ["run", task], narrowed, dir.path);
  assert.equal(denied.code, 1, denied.stdout + denied.stderr);
  assert.match(denied.stderr, /Requires read access to .*dist\/load_task-/);
});
