// The overwrite policies end to end, in-process, both directions: never,
// newer and always on files that exist on the other side.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

const OLD = new Date("2025-01-01T00:00:00Z");
const NEW = new Date("2026-01-01T00:00:00Z");

/** Source and destination trees: same names, other content, times as named. */
async function setUp(source: string, destination: string): Promise<void> {
  await writeTree(source, {
    "newer-here.txt": "source, newer",
    "older-here.txt": "source, older",
    "same.txt": "same",
  });
  await writeTree(destination, {
    "newer-here.txt": "dest, older",
    "older-here.txt": "dest, newer",
    "same.txt": "same",
  });
  const stamp = (root: string, name: string, time: Date) =>
    Deno.utime(join(root, name), time, time);
  await stamp(source, "newer-here.txt", NEW);
  await stamp(destination, "newer-here.txt", OLD);
  await stamp(source, "older-here.txt", OLD);
  await stamp(destination, "older-here.txt", NEW);
  await stamp(source, "same.txt", OLD);
  await stamp(destination, "same.txt", OLD);
}

const EXPECTED: Record<string, string[]> = {
  never: [],
  newer: ["newer-here.txt"],
  always: ["newer-here.txt", "older-here.txt", "same.txt"],
};

for (const policy of Object.keys(EXPECTED)) {
  Deno.test(`overwrite: ${policy}, uploading and downloading`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    await setUp(join(dir.path, "up"), join(server.root, "www"));
    await setUp(join(server.root, "pub"), join(dir.path, "down"));
    const report = await runSteps(
      dir.path,
      server,
      `  - put: { from: up, to: www, overwrite: ${policy} }
  - get: { from: pub, to: down, overwrite: ${policy} }
`,
    );
    assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error)));
    for (const step of report.steps) {
      const moved = step.actions
        .filter((a) => a.action === "upload" || a.action === "download")
        .map((a) => a.path.split("/").pop()!)
        .sort();
      assert.deepEqual(moved, EXPECTED[policy], `${step.kind} ${policy}`);
    }
    for (const name of EXPECTED[policy]) {
      assert.equal(
        await Deno.readTextFile(join(server.root, "www", name)),
        await Deno.readTextFile(join(dir.path, "up", name)),
      );
      assert.equal(
        await Deno.readTextFile(join(dir.path, "down", name)),
        await Deno.readTextFile(join(server.root, "pub", name)),
      );
    }
  });
}
