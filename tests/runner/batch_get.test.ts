// A get step's downloads in batches (src/runner/_run_batch.ts): what each
// file guaranteed when it was a call of its own still holds per file in a
// batch: its error with the server's code, its retries, its report entry and
// events, nothing partial at a final path when the run stops.

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTask, type RunEvent, type RunReport, runTask } from "../../src/runner/mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { writeServerTask } from "../cli/_ferry.ts";

const FILES = 40;

/** Runs `steps` against the server over four connections. */
async function runSteps(
  dir: string,
  server: FtpTestServer,
  steps: string,
  options: { signal?: AbortSignal; onEvent?: (event: RunEvent) => void; parallel?: number } = {},
): Promise<RunReport> {
  const parallel = options.parallel ?? 4;
  const file = await writeServerTask(dir, `url: "${server.url}", parallel: ${parallel}`, steps);
  return await runTask(await loadTask(file, { envFile: false }), options);
}

async function serverWithFiles() {
  const server = await FtpTestServer.start();
  const hashes = new Map<string, string>();
  await Deno.mkdir(join(server.root, "src"));
  for (let i = 0; i < FILES; i++) {
    const bytes = pseudoRandomBytes(500 + i * 331, i + 7);
    await Deno.writeFile(join(server.root, "src", `f${i}.bin`), bytes);
    hashes.set(`f${i}.bin`, sha256(bytes));
  }
  return { server, hashes };
}

Deno.test("batched get: a 550 on one file mid-batch fails that file only (code kept, one try); a 450 on another is retried; the rest arrive whole", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await serverWithFiles();
  await using _server = server;
  let busy = 0;
  server.faults.onCommand = (c) => {
    if (c.verb !== "RETR") return undefined;
    if (c.argument === "src/f17.bin") return { reply: "550 src/f17.bin: Permission denied.\r\n" };
    if (c.argument === "src/f5.bin" && ++busy === 1) {
      return { reply: "450 src/f5.bin: file busy.\r\n" };
    }
    return undefined;
  };
  const events: RunEvent[] = [];
  const report = await runSteps(
    dir.path,
    server,
    `  - { get: { from: src/, to: out/ }, retries: 2 }\n`,
    { onEvent: (e) => events.push(e) },
  );
  const step = report.steps[0];
  assert.equal(step.result, "failed");
  const byPath = new Map(step.actions.map((a) => [a.path, a]));
  const failed = byPath.get(join(dir.path, "out", "f17.bin"))!;
  assert.equal(failed.result, "failed");
  assert.equal(failed.attempts, 1);
  assert.equal(failed.error?.code, 550);
  assert.match(failed.error!.message, /f17\.bin/);
  assert.equal(server.commands.filter((c) => c === "RETR src/f17.bin").length, 1);
  await assert.rejects(Deno.stat(join(dir.path, "out", "f17.bin")), Deno.errors.NotFound);
  const retried = byPath.get(join(dir.path, "out", "f5.bin"))!;
  assert.equal(retried.result, "ok");
  assert.equal(retried.attempts, 2);
  assert.equal(
    events.filter((e) => e.type === "retry" && e.action?.path === retried.path).length,
    1,
  );
  for (const [name, hash] of hashes) {
    if (name === "f17.bin") continue;
    const entry = byPath.get(join(dir.path, "out", name))!;
    assert.equal(entry.result, "ok", name);
    assert.equal(entry.bytes, 500 + Number(name.slice(1, -4)) * 331, name);
    assert.equal(await sha256File(join(dir.path, "out", name)), hash, name);
  }
  const leftovers = [...Deno.readDirSync(join(dir.path, "out"))]
    .map((e) => e.name).filter((n) => n.endsWith(".ferry-part") && n !== "f17.bin.ferry-part");
  assert.deepEqual(leftovers, []);
});

Deno.test("batched get: each file has its actionStart, progress and one actionEnd, as one call per file gave", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await serverWithFiles();
  await using _server = server;
  const events: RunEvent[] = [];
  const report = await runSteps(dir.path, server, `  - get: { from: src/, to: out/ }\n`, {
    onEvent: (e) => events.push(e),
  });
  assert.ok(report.ok);
  for (const name of hashes.keys()) {
    const path = join(dir.path, "out", name);
    const mine = events.filter((e) => "action" in e && e.action?.path === path);
    const kinds = mine.map((e) => e.type);
    assert.equal(kinds[0], "actionStart", name);
    assert.equal(kinds.at(-1), "actionEnd", name);
    assert.equal(kinds.filter((k) => k === "actionEnd").length, 1, name);
    assert.ok(kinds.includes("progress"), name);
    const end = mine.at(-1)!;
    assert.ok(end.type === "actionEnd" && end.action.result === "ok" && end.action.attempts === 1);
  }
});

Deno.test("batched get: a run stopped mid-batch leaves no partial file at a final path; what the report calls ok is whole", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await serverWithFiles();
  await using _server = server;
  let retrs = 0;
  // The tenth transfer onwards is slow: the stop lands inside batches.
  server.faults.onCommand = (c) =>
    c.verb === "RETR" && ++retrs >= 10 ? { delayMs: 200 } : undefined;
  const stop = new AbortController();
  let ended = 0;
  const events: RunEvent[] = [];
  const report = await runSteps(dir.path, server, `  - get: { from: src/, to: out/ }\n`, {
    signal: stop.signal,
    onEvent: (e) => {
      events.push(e);
      if (e.type === "actionEnd" && e.action.action === "download" && ++ended === 9) stop.abort();
    },
  });
  const step = report.steps[0];
  assert.equal(step.result, "cancelled");
  const downloads = step.actions.filter((a) => a.action === "download");
  const ok = downloads.filter((a) => a.result === "ok");
  assert.ok(ok.length >= 9 && ok.length < FILES, `${ok.length} ok`);
  let unstarted = 0;
  let openedOnly = 0;
  for (const entry of downloads) {
    const name = entry.path.slice(entry.path.lastIndexOf("/") + 1);
    const kinds = events.filter((e) => "action" in e && e.action?.path === entry.path)
      .map((e) => e.type);
    // As runWork: a file tried once ends with one actionEnd (after its
    // actionStart, if it began); a file never tried has no events.
    assert.equal(
      kinds.filter((k) => k === "actionEnd").length,
      entry.attempts,
      `${name}: ${kinds}`,
    );
    assert.ok(entry.attempts <= 1, name);
    if (kinds.length > 0) assert.equal(kinds.at(-1), "actionEnd", `${name}: ${kinds}`);
    assert.ok(!kinds.includes("actionStart") || kinds[0] === "actionStart", `${name}: ${kinds}`);
    if (!server.commands.includes(`RETR src/${name}`)) {
      // Never asked for: no actionStart; no attempt (and no event) unless
      // its partial file was opened as the stop came.
      assert.ok(!kinds.includes("actionStart"), name);
      assert.equal(entry.result, "cancelled", name);
      if (entry.attempts === 0) unstarted++;
      else openedOnly++;
    }
    if (entry.result === "ok") {
      assert.equal(await sha256File(entry.path), hashes.get(name), name);
    } else {
      assert.equal(entry.result, "cancelled", name);
      await assert.rejects(Deno.stat(entry.path), Deno.errors.NotFound, name);
    }
  }
  assert.ok(unstarted > 0, "the stop came before some files started");
  // Only a file whose partial file was opened when the stop came (its RETR
  // waiting on the EPSV before it) counts its try without a RETR: one per
  // connection at most.
  assert.ok(openedOnly <= 4, `${openedOnly} tried without a RETR`);
});

Deno.test("batched get: a stop that outlasts the grace leaves the file in flight cancelled, and nothing changes after the run's end", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await serverWithFiles();
  await using _server = server;
  const stop = new AbortController();
  // The fourth transfer answers after 4 s, well past the 1 s stop grace.
  server.faults.onCommand = (c) => {
    if (c.verb !== "RETR" || c.argument !== "src/f3.bin") return undefined;
    setTimeout(() => stop.abort(), 100);
    return { delayMs: 4000 };
  };
  const events: RunEvent[] = [];
  const report = await runSteps(dir.path, server, `  - get: { from: src/, to: out/ }\n`, {
    signal: stop.signal,
    parallel: 1,
    onEvent: (e) => events.push(e),
  });
  const seen = JSON.stringify(report);
  const eventsSeen = events.length;
  // Past the delayed reply: the abandoned call has had every chance to go on.
  await new Promise((resolve) => setTimeout(resolve, 4500));
  assert.equal(events.at(-1)?.type, "end");
  assert.equal(events.length, eventsSeen, events.slice(eventsSeen).map((e) => e.type).join());
  assert.equal(JSON.stringify(report), seen);
  const step = report.steps[0];
  assert.equal(step.result, "cancelled");
  const path = join(dir.path, "out", "f3.bin");
  const inFlight = step.actions.find((a) => a.path === path)!;
  assert.equal(inFlight.result, "cancelled");
  assert.equal(inFlight.attempts, 1);
  const kinds = events.filter((e) => "action" in e && e.action?.path === path).map((e) => e.type);
  // Its RETR got no answer before the stop: no actionStart went; its one try
  // ends with an actionEnd, as runWork ends a try (before the run's end).
  assert.deepEqual(kinds, ["actionEnd"]);
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  for (const entry of step.actions.filter((a) => a.action === "download")) {
    const name = entry.path.slice(entry.path.lastIndexOf("/") + 1);
    if (entry.result === "ok") assert.equal(await sha256File(entry.path), hashes.get(name), name);
    else assert.equal(entry.result, "cancelled", name);
  }
  // Every file asked for before the slow one arrived; none after it was asked for.
  const retrs = server.commands.filter((c) => c.startsWith("RETR "));
  assert.equal(retrs.at(-1), "RETR src/f3.bin");
  assert.equal(
    step.actions.filter((a) => a.action === "download" && a.result === "ok").length,
    retrs.length - 1,
  );
});

Deno.test("batched get: a connection that fails to log in after the other worker took every file ends its worker, not the step", async () => {
  await using dir = await tempDir();
  const server = await FtpTestServer.start();
  await using _server = server;
  const hashes = new Map<string, string>();
  await Deno.mkdir(join(server.root, "src"));
  for (let i = 0; i < 3; i++) {
    const bytes = pseudoRandomBytes(700 + i, i + 3);
    await Deno.writeFile(join(server.root, "src", `g${i}.bin`), bytes);
    hashes.set(`g${i}.bin`, sha256(bytes));
  }
  // Every login but the first is refused, late. Meanwhile the first
  // connection takes all three files and breaks on the last, so no
  // connection is open when the second worker's login fails: a failure of
  // its own (not the server's limit), met after no file is left for it.
  server.faults.onCommand = (c) => {
    if (c.verb === "PASS" && c.session > 1) {
      return { delayMs: 1500, reply: "530 Login incorrect.\r\n" };
    }
    return c.verb === "RETR" && c.argument === "src/g2.bin" ? { drop: true } : undefined;
  };
  const events: RunEvent[] = [];
  const report = await runSteps(
    dir.path,
    server,
    `  - { get: { from: src/, to: out/ }, retries: 0 }\n`,
    { parallel: 2, onEvent: (e) => events.push(e) },
  );
  const step = report.steps[0];
  assert.equal(step.result, "failed");
  assert.equal(step.error, undefined, JSON.stringify(step.error));
  for (const name of ["g0.bin", "g1.bin"]) {
    const entry = step.actions.find((a) => a.path === join(dir.path, "out", name))!;
    assert.equal(entry.result, "ok", name);
    assert.equal(await sha256File(entry.path), hashes.get(name), name);
  }
  const lost = step.actions.find((a) => a.path === join(dir.path, "out", "g2.bin"))!;
  assert.equal(lost.result, "failed");
  assert.ok(lost.error?.message, "the failure says why");
  await assert.rejects(Deno.stat(lost.path), Deno.errors.NotFound);
  const ends = events.filter((e) => e.type === "actionEnd" && e.action.action === "download");
  assert.equal(ends.length, 3);
});

Deno.test("batched get: a partial file left by an earlier run is continued the ordinary way (REST), the others go in batches", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await serverWithFiles();
  await using _server = server;
  const full = await Deno.readFile(join(server.root, "src", "f30.bin"));
  await Deno.mkdir(join(dir.path, "out"));
  await Deno.writeFile(join(dir.path, "out", "f30.bin.ferry-part"), full.subarray(0, 4000));
  const report = await runSteps(dir.path, server, `  - get: { from: src/, to: out/ }\n`, {});
  assert.ok(report.ok, JSON.stringify(report.steps[0].error));
  const entry = report.steps[0].actions.find((a) => a.path.endsWith("/f30.bin"))!;
  assert.equal(entry.resumedFrom, 4000);
  for (const [name, hash] of hashes) {
    assert.equal(await sha256File(join(dir.path, "out", name)), hash, name);
  }
});
