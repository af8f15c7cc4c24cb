// The runner against servers that stop answering, with every timeout T =
// 1 s and default retries: a step costs at most about 2 x T (asserted:
// 2.5 x T + 1 s), because a timeout is retried once (timeoutRetries) and
// two timeouts in a row, with nothing succeeding between them, end the
// step's waiting: files not yet started are not attempted. Other transient
// failures keep their retries. timeoutRetries asks for more.
//
// The same cases through the CLI: tests/cli/waits.test.ts.

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTask, type RunEvent, type RunReport, runTask } from "../../src/runner/mod.ts";
import { pseudoRandomBytes, sha256, tempDir } from "../_helpers.ts";
import { hostileServer, type HostileSession } from "../hardening/_hostile_server.ts";
import { SECRET } from "../hardening/_helpers.ts";
import { BOUND_MS, ignore, rawServer, T } from "../hardening/_waits.ts";

const KiB = 1024;

interface Run {
  report: RunReport;
  events: RunEvent[];
  ms: number;
}

/** Runs `steps` against 127.0.0.1:port with every timeout T; `connection` adds keys. */
async function runAgainst(port: number, steps: string, connection = ""): Promise<Run> {
  await using dir = await tempDir();
  const file = join(dir.path, "task.yaml");
  await Deno.writeTextFile(
    file,
    `version: 1
connection: { url: "ftp://127.0.0.1:${port}", user: alice, password: "\${PW}", connectTimeout: ${T}ms, replyTimeout: ${T}ms, dataTimeout: ${T}ms${connection} }
steps:
${steps}`,
  );
  const events: RunEvent[] = [];
  const task = await loadTask(file, { env: { PW: SECRET } });
  const start = performance.now();
  const report = await runTask(task, { onEvent: (e) => events.push(e) });
  return { report, events, ms: performance.now() - start };
}

function assertBounded(run: Run, bound = BOUND_MS): void {
  assert.ok(run.ms <= bound, `the run took ${Math.round(run.ms)} ms, more than ${bound} ms`);
  assert.ok(run.report.durationMs <= bound, `report: ${run.report.durationMs} ms`);
}

const retries = (run: Run) => run.events.filter((e) => e.type === "retry").length;

Deno.test("silent greeting: the step fails within 2.5 x T + 1 s, one retry, a greeting timeout", async () => {
  await using server = rawServer(ignore);
  const run = await runAgainst(server.port, `  - { get: { from: f.txt, to: out/ } }\n`);
  assertBounded(run);
  const step = run.report.steps[0];
  assert.equal(step.result, "failed");
  assert.equal(step.error?.name, "FtpTimeoutError");
  assert.equal(step.error?.code, "greeting");
  assert.match(step.error!.message, /greeting \(220\).*`connectTimeout`/);
  assert.equal(retries(run), 1, "a timeout is retried once, not three times");
  const retry = run.events.find((e) => e.type === "retry");
  assert.equal(retry?.type === "retry" && retry.delayMs, 0, "no back-off after a whole timeout");
});

Deno.test("silent EPSV while planning a directory download: one retry, a reply timeout naming EPSV", async () => {
  await using server = hostileServer({
    files: { "/d/f.txt": "abc" },
    script: (line, session) => {
      if (line !== "EPSV") return false;
      session.mute();
      return true;
    },
  });
  const run = await runAgainst(server.port, `  - { get: { from: d/, to: out/ } }\n`);
  assertBounded(run);
  const step = run.report.steps[0];
  assert.equal(step.result, "failed");
  assert.equal(step.error?.code, "reply");
  assert.match(step.error!.message, /reply to "EPSV"/);
  assert.equal(retries(run), 1);
});

/** A server whose transfers stall after the 150 and that is silent after ABOR. */
function stallingServer(verb: "RETR" | "STOR", stalls = Infinity) {
  let seen = 0;
  return hostileServer({
    files: { "/f.bin": pseudoRandomBytes(64 * KiB, 3) },
    script: async (line: string, session: HostileSession) => {
      if (line === "ABOR") {
        session.mute();
        return true;
      }
      if (!line.startsWith(verb) || ++seen > stalls) return false;
      await session.write("150 Here it comes (or not)\r\n");
      await session.data(); // accepted, then nothing either way
      return true;
    },
  });
}

for (const verb of ["RETR", "STOR"] as const) {
  Deno.test(`${verb} stalls after 150, silent after ABOR: two attempts, a data timeout, within 2.5 x T + 1 s`, async () => {
    await using local = await tempDir();
    // Larger than the socket buffers: the upload's writes stall, not only its final reply.
    await Deno.writeFile(join(local.path, "f.bin"), pseudoRandomBytes(32 * 1024 * KiB, 4));
    await using server = stallingServer(verb);
    const step = verb === "RETR"
      ? `  - { get: { from: f.bin, to: ${JSON.stringify(join(local.path, "out") + "/")} } }\n`
      : `  - { put: { from: ${JSON.stringify(join(local.path, "f.bin"))}, to: up/ } }\n`;
    const run = await runAgainst(server.port, step);
    assertBounded(run);
    const action = run.report.steps[0].actions.find((a) => a.result === "failed")!;
    assert.ok(action, JSON.stringify(run.report.steps[0]));
    assert.equal(action.attempts, 2, "a timeout is retried once");
    assert.equal(action.error?.name, "FtpTimeoutError");
    assert.equal(action.error?.code, "data");
    assert.match(action.error!.message, new RegExp(`data connection of "${verb} `));
  });
}

Deno.test("a server that stops answering mid-step: the step stops waiting after two timeouts in a row; the rest is not attempted", async () => {
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 20; i++) {
    files[`/d/f${String(i).padStart(2, "0")}.bin`] = pseudoRandomBytes(KiB, i + 1);
  }
  let retrs = 0;
  let dead = false;
  await using server = hostileServer({
    files,
    script: (line, session) => {
      if (line.startsWith("RETR") && ++retrs > 3) dead = true;
      if (!dead) return false;
      session.mute(); // every connection, old and new, from now on
      return true;
    },
  });
  await using local = await tempDir();
  const out = JSON.stringify(join(local.path, "out") + "/");
  const run = await runAgainst(
    server.port,
    `  - { get: { from: d/, to: ${out} } }\n`,
    ", parallel: 2",
  );
  assertBounded(run);
  const step = run.report.steps[0];
  assert.equal(step.result, "failed");
  const downloads = step.actions.filter((a) => a.action === "download");
  const count = (result: string) => downloads.filter((a) => a.result === result).length;
  assert.equal(count("ok"), 3);
  assert.ok(count("failed") >= 1 && count("failed") <= 2, JSON.stringify(step.actions));
  assert.equal(count("ok") + count("failed") + count("cancelled"), 20);
  assert.ok(count("cancelled") >= 15, "the files not started were not attempted");
  assert.ok(
    step.warnings.some((w) => /stopped answering.*not attempted/.test(w)),
    JSON.stringify(step.warnings),
  );
});

for (const alive of [true, false]) {
  Deno.test(`a server that stalls the upload of a new file and ${alive ? "still takes new connections" : "then dies"}: the partial upload is removed if it can be, within a second`, async () => {
    await using local = await tempDir();
    await Deno.writeFile(join(local.path, "new.bin"), pseudoRandomBytes(32 * 1024 * KiB, 8));
    let dead = false;
    await using server = hostileServer({
      script: async (line, session) => {
        if (line.startsWith("STOR")) {
          if (!alive) dead = true;
          await session.write("150 Send it\r\n");
          const data = await session.data(); // read a little, then never again
          await data.read(new Uint8Array(64 * KiB)).catch(() => null);
          server.files.set("/up/new.bin", new Uint8Array(64 * KiB)); // a partial file
          session.mute();
          return true;
        }
        if (!dead) return false;
        session.mute(); // every later connection too
        return true;
      },
    });
    const from = JSON.stringify(join(local.path, "new.bin"));
    const run = await runAgainst(server.port, `  - { put: { from: ${from}, to: up/ } }\n`);
    // Two tries of T + grace, and at most a second to clean up.
    assertBounded(run, BOUND_MS + 1000);
    const step = run.report.steps[0];
    assert.equal(step.result, "failed");
    if (alive) {
      assert.ok(!server.files.has("/up/new.bin"), "the partial upload was removed");
      assert.ok(step.warnings.some((w) => /Removed the partial upload at up\/new\.bin/.test(w)));
    } else {
      assert.ok(
        step.warnings.some((w) => /Could not remove the partial upload.*up\/new\.bin/.test(w)),
        JSON.stringify(step.warnings),
      );
    }
  });
}

Deno.test("timeoutRetries asks for more: 3 stalls then a working transfer succeed with 3; the default gives up after 2 attempts", async () => {
  const content = pseudoRandomBytes(64 * KiB, 3);
  await using local = await tempDir();
  for (const [timeoutRetries, ok, attempts] of [[3, true, 4], [undefined, false, 2]] as const) {
    await using server = stallingServer("RETR", 3);
    const out = JSON.stringify(join(local.path, `out${timeoutRetries}`) + "/");
    const extra = timeoutRetries === undefined ? "" : `, timeoutRetries: ${timeoutRetries}`;
    const run = await runAgainst(
      server.port,
      `  - { get: { from: f.bin, to: ${out} }${extra} }\n`,
    );
    const action = run.report.steps[0].actions.find((a) => a.action === "download")!;
    assert.equal(run.report.ok, ok, JSON.stringify(run.report.steps[0]));
    assert.equal(action.attempts, attempts);
    if (ok) {
      const got = await Deno.readFile(join(local.path, `out${timeoutRetries}`, "f.bin"));
      assert.equal(sha256(got), sha256(content));
    }
  }
});

Deno.test("a timeout between successes is retried: a server that stalls once on each of two files still delivers both", async () => {
  const stalled = new Set<string>();
  await using server = hostileServer({
    files: { "/d/a.bin": pseudoRandomBytes(KiB, 1), "/d/b.bin": pseudoRandomBytes(KiB, 2) },
    script: async (line, session) => {
      if (line === "ABOR") {
        session.mute();
        return true;
      }
      if (!line.startsWith("RETR") || stalled.has(line)) return false;
      stalled.add(line);
      await session.write("150 Here it comes (or not)\r\n");
      await session.data();
      return true;
    },
  });
  await using local = await tempDir();
  const out = JSON.stringify(join(local.path, "out") + "/");
  const run = await runAgainst(
    server.port,
    `  - { get: { from: d/, to: ${out} } }\n`,
    ", parallel: 1",
  );
  assert.ok(run.report.ok, JSON.stringify(run.report.steps[0]));
  const downloads = run.report.steps[0].actions.filter((a) => a.action === "download");
  assert.deepEqual(downloads.map((a) => a.attempts), [2, 2]);
});
