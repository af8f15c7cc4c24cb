// Rates in task files and flags: the units a user writes, read as curl,
// lftp and rclone read them, and a clear error, located in the file, for
// anything else.

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTask, TaskFileError } from "../../src/runner/mod.ts";
import { bytesPerSecond, RATE_PATTERN } from "../../src/runner/byte_rate.ts";
import { tempDir } from "../_helpers.ts";

const MiB = 1024 * 1024;

Deno.test("rates: K, M, G and KiB, MiB, GiB are powers of 1024; kB, MB, GB of 1000; /s optional", () => {
  const cases: [number | string, number][] = [
    [2097152, 2 * MiB],
    ["2097152", 2 * MiB],
    ["2M", 2 * MiB],
    ["2m", 2 * MiB],
    ["2MiB", 2 * MiB],
    ["2 MiB", 2 * MiB],
    ["2MiB/s", 2 * MiB],
    ["500K", 500 * 1024],
    ["500k", 500 * 1024],
    ["1.5MB/s", 1_500_000],
    ["10kB", 10_000],
    ["1G", 1024 * MiB],
    ["1GB", 1e9],
    ["100B", 100],
    ["1.4", 1],
  ];
  for (const [text, expected] of cases) assert.equal(bytesPerSecond(text), expected, String(text));
  for (
    const bad of ["0", "0M", "0.0", "0.4", "-1", "fast", "2 MiB/h", "2MB/h", "1e6", "M", "", "2 mb"]
  ) {
    assert.equal(bytesPerSecond(bad), undefined, bad);
  }
  for (const bad of [0, -1, 0.4, NaN, Infinity]) assert.equal(bytesPerSecond(bad), undefined);
  // The published pattern refuses zero itself.
  assert.ok(!RATE_PATTERN.test("0"));
  assert.ok(!RATE_PATTERN.test("000.000K"));
  assert.ok(RATE_PATTERN.test("0.5M"));
});

Deno.test('connection.rateLimit: 2MiB and "2M" both give 2 MiB/s to the connections', async () => {
  await using dir = await tempDir();
  for (const value of ["2MiB", '"2M"', "2097152"]) {
    const file = join(dir.path, "task.yaml");
    await Deno.writeTextFile(
      file,
      `version: 1\nconnection: { host: 127.0.0.1, rateLimit: ${value} }\nsteps:\n  - mkdir: a\n`,
    );
    const task = await loadTask(file, { envFile: false });
    assert.equal(task.connection.options.rateLimit, 2 * MiB, value);
  }
});

Deno.test("a bad connection.rateLimit is a TaskFileError at its place, saying what to write", async () => {
  await using dir = await tempDir();
  for (const value of ["0", "-1", '"fast"', '"2 MiB/h"', "0.4", '"0.4"']) {
    const file = join(dir.path, "task.yaml");
    await Deno.writeTextFile(
      file,
      `version: 1\nconnection: { host: 127.0.0.1, rateLimit: ${value} }\nsteps:\n  - mkdir: a\n`,
    );
    const error = await loadTask(file, { envFile: false }).catch((e) => e);
    assert.ok(error instanceof TaskFileError, `${value}: ${error}`);
    assert.match(error.message, /rateLimit/, value);
    assert.match(error.message, /bytes per second above 0, such as/, value);
  }
});
