// Retries, in-process: a 4xx is tried again after a back-off that doubles
// (with jitter), a 5xx is final after one try.

import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunEvent } from "../../src/runner/mod.ts";
import { backoffMs } from "../../src/runner/_retry.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

Deno.test("back-off: 250 ms doubling per attempt, ±25 % jitter, at most 10 s", () => {
  for (let attempt = 1; attempt <= 12; attempt++) {
    const base = Math.min(10_000, 250 * 2 ** (attempt - 1));
    for (let i = 0; i < 200; i++) {
      const delay = backoffMs(attempt);
      assert.ok(delay >= base * 0.75 && delay <= base * 1.25, `${attempt}: ${delay}`);
    }
  }
});

Deno.test("a 4xx is retried with growing delays; a 5xx is final after one try", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/busy.txt": "busy\n", "pub/gone.txt": "gone\n" });
  let busy = 0;
  server.faults.onCommand = (c) => {
    if (c.verb === "RETR" && c.argument.endsWith("busy.txt") && ++busy <= 2) {
      return { reply: "450 Requested file action not taken: file busy.\r\n" };
    }
    if (c.verb === "RETR" && c.argument.endsWith("gone.txt")) {
      return { reply: "550 Permission denied.\r\n" };
    }
    return undefined;
  };
  const events: RunEvent[] = [];
  const report = await runSteps(
    dir.path,
    server,
    `  - { get: { from: pub/busy.txt, to: out/ }, retries: 3 }
  - { get: { from: pub/gone.txt, to: out/ }, retries: 3, continueOnError: true }
`,
    { onEvent: (e) => events.push(e) },
  );
  const [ok, failed] = report.steps;
  const download = (step: typeof ok) => step.actions.find((a) => a.action === "download")!;
  assert.equal(ok.result, "ok");
  assert.equal(download(ok).attempts, 3);
  assert.equal(await Deno.readTextFile(join(dir.path, "out/busy.txt")), "busy\n");
  const delays = events.flatMap((e) => e.type === "retry" ? [e.delayMs] : []);
  assert.equal(delays.length, 2);
  assert.ok(delays[1] > delays[0], `the delay grows: ${delays}`);
  assert.equal(failed.result, "failed");
  assert.equal(download(failed).attempts, 1);
  assert.equal(download(failed).error?.code, 550);
  assert.equal(server.commands.filter((c) => c === "RETR pub/gone.txt").length, 1);
});
