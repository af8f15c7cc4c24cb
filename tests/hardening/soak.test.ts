// The soak's short version, run with the suite (the long one is `deno task
// soak`, bench/soak.ts): 500 commands and 100 transfers of mixed sizes with
// injected faults, through one client and through eight, against the
// embedded server (and vsftpd where installed). Nothing may be lost or
// corrupted, every failure must be recovered, no descriptor may be left
// open, and the memory alive after full collections must not climb.
//
// The soak runs in a child process with -A: Deno 2 lets only a fully
// permitted process read /proc/self/fd, where open descriptors are counted,
// and the child's resident set is the soak's alone.

import assert from "node:assert/strict";
import type { SoakResult } from "../../bench/soak.ts";
import { vsftpd } from "../_servers/vsftpd.ts";

async function soak(args: string[]): Promise<SoakResult[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../bench/soak.ts", import.meta.url).pathname,
      "--json",
      "--time-limit",
      "20",
      ...args,
    ],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const output = await child.output().finally(() => clearTimeout(timer));
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`soak exited ${output.code} without a report:\n${stdout}\n${stderr}`);
  }
}

function assertHealthy(result: SoakResult): void {
  const summary = JSON.stringify(result, null, 1);
  assert.ok(result.complete, `not all the work was done in time:\n${summary}`);
  assert.equal(result.unrecovered, 0, summary);
  assert.equal(result.corrupt, 0, summary);
  assert.ok(result.fds, `descriptors were not counted:\n${summary}`);
  assert.equal(result.fds.leaked, 0, summary);
  // Memory alive after full collections, at each quarter of the work, must
  // not climb (peak RSS is reported, not asserted: it follows the collector's
  // timing). A short run's first quarter still includes the JIT's warm-up.
  assert.ok(result.liveMiB.length === 5, `live memory was not measured:\n${summary}`);
  assert.ok(result.liveMiB[4] <= result.liveMiB[1] + 8, summary);
}

Deno.test("soak (short): the embedded server with faults, one client then eight", async () => {
  const results = await soak([
    "--target",
    "embedded",
    "--clients",
    "1,8",
    "--commands",
    "250",
    "--transfers",
    "50",
  ]);
  assert.equal(results.length, 2);
  for (const result of results) assertHealthy(result);
  // Faults were met, and recovered from; missing files were refused.
  assert.ok(results.every((r) => r.failures > 0 && r.recovered > 0), JSON.stringify(results));
  assert.ok(results.every((r) => r.expectedErrors > 0));
});

Deno.test("soak (short): vsftpd, eight clients, client-side faults", {
  ignore: vsftpd.ignore,
}, async () => {
  const [result] = await soak([
    "--target",
    "vsftpd",
    "--clients",
    "8",
    "--commands",
    "250",
    "--transfers",
    "50",
  ]);
  assertHealthy(result);
});
