// The directories a put or a sync up must create (issue 15): the plan knows
// which are missing, so their MKDs go together, parents first, in one round
// trip (counted by the delay rig), and the report names each directory made.
// A file where a directory must go is a clear error, and nothing is uploaded.

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTask, type RunReport, runTask } from "../../src/runner/mod.ts";
import { type DelayRig, delayRig } from "../_delay_rig.ts";
import { tempDir } from "../_helpers.ts";
import { treeOf, writeServerTask, writeTree } from "../cli/_ferry.ts";

async function run(dir: string, r: DelayRig, parallel: number, steps: string) {
  const file = await writeServerTask(dir, `url: "${r.url}", parallel: ${parallel}`, steps);
  return await runTask(await loadTask(file, { envFile: false }));
}

/** 20 directories, nested up to 4 deep, a file in each of the deepest and a few others. */
function nestedSite(): Record<string, string> {
  const site: Record<string, string> = {};
  for (let a = 0; a < 2; a++) {
    site[`s${a}/index.html`] = `section ${a}\n`;
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 2; c++) site[`s${a}/p${b}/q${c}/page.html`] = `${a}.${b}.${c}\n`;
    }
  }
  return site; // s0, s1; s*/p0..2 (6); s*/p*/q0..1 (12): 20 directories.
}

function mkdirs(report: RunReport): string[] {
  return report.steps.flatMap((s) => s.actions).filter((a) => a.action === "mkdir").map((a) => {
    assert.equal(a.result, "ok", JSON.stringify(a));
    return a.path;
  });
}

/** The directories under `root` (relative, no slash), from a tree listing. */
function directoriesIn(tree: Record<string, string>, prefix = ""): string[] {
  return Object.keys(tree).filter((k) => k.endsWith("/")).map((k) => prefix + k.slice(0, -1));
}

Deno.test("put of a 20-directory tree into a missing folder: every MKD in one round trip, each directory reported", async () => {
  await using dir = await tempDir();
  await using r = await delayRig({ disabledCommands: ["MLSD", "MLST"] });
  await writeTree(join(dir.path, "site"), nestedSite());
  const report = await run(
    dir.path,
    r,
    1,
    `  - put: { from: ${join(dir.path, "site")}/, to: deploy/www/ }\n`,
  );
  assert.ok(report.ok, JSON.stringify(report, null, 2));
  const local = await treeOf(join(dir.path, "site"));
  assert.deepEqual(await treeOf(join(r.server.root, "deploy/www")), local, "hashes of every file");
  // Each directory made is an entry, parents first: the destination and the 20 below.
  const expected = ["deploy/www", ...directoriesIn(local, "deploy/www/")].sort();
  assert.deepEqual(mkdirs(report), expected);
  const stats = r.proxy.stats();
  // deploy, deploy/www and the 20: each MKD'd once, all in one flight.
  assert.equal(stats.verbs.MKD, 22);
  const flights = stats.connections[0].commandsPerFlight;
  assert.ok(flights.some((n) => n >= 22), `flights: ${flights}`);
  // No walk down and back: the only CWDs are the plan's probes of the destination
  // (in and back, as "deploy/www/" and as "deploy/www": it has no MLST).
  assert.ok((stats.verbs.CWD ?? 0) <= 4, `${stats.verbs.CWD} CWD`);
});

Deno.test("sync up into a partly existing tree: only the missing directories, in one round trip", async () => {
  await using dir = await tempDir();
  await using r = await delayRig({ disabledCommands: ["MLSD", "MLST"] });
  await writeTree(join(dir.path, "site"), {
    "a/b/c/d/deep.txt": "deep\n",
    "a/x/x.txt": "x\n",
    "a/b/b.txt": "b\n",
    "e/f/f.txt": "f\n",
  });
  await writeTree(r.server.root, { "www/a/b/old.txt": "stays\n" });
  const steps = `  - sync: { direction: up, local: ${join(dir.path, "site")}, remote: www }\n`;
  const before = r.proxy.stats();
  const report = await run(dir.path, r, 1, steps);
  assert.ok(report.ok, JSON.stringify(report, null, 2));
  const stats = r.proxy.stats();
  assert.deepEqual(mkdirs(report), ["www/a/b/c", "www/a/b/c/d", "www/a/x", "www/e", "www/e/f"]);
  assert.equal((stats.verbs.MKD ?? 0) - (before.verbs.MKD ?? 0), 5, "no MKD of what exists");
  assert.ok(stats.connections[0].commandsPerFlight.some((n) => n >= 5));
  const tree = await treeOf(join(r.server.root, "www"));
  const local = await treeOf(join(dir.path, "site"));
  for (const [path, hash] of Object.entries(local)) assert.equal(tree[path], hash, path);
  assert.equal(await Deno.readTextFile(join(r.server.root, "www/a/b/old.txt")), "stays\n");
  // A re-run makes nothing.
  const again = await run(dir.path, r, 1, steps);
  assert.deepEqual(mkdirs(again), []);
});

Deno.test("put where a directory must go and the server has a file: a clear error, nothing uploaded", async () => {
  await using dir = await tempDir();
  await using r = await delayRig();
  await writeTree(join(dir.path, "site"), { "top.txt": "top\n", "a/b/page.html": "page\n" });
  await writeTree(r.server.root, { "www/a": "a file in the way\n" });
  const report = await run(
    dir.path,
    r,
    2,
    `  - put: { from: ${join(dir.path, "site")}/, to: www/ }\n`,
  );
  assert.equal(report.ok, false);
  const step = report.steps[0];
  assert.equal(step.result, "failed");
  assert.match(step.error?.message ?? "", /www\/a is a file on the server/);
  assert.equal(await Deno.readTextFile(join(r.server.root, "www/a")), "a file in the way\n");
  assert.deepEqual(Object.keys(await treeOf(join(r.server.root, "www"))), ["a"]);
  assert.ok(!r.server.commands.some((c) => /^(STOR|MKD)/.test(c)), r.server.commands.join("\n"));
});

Deno.test("put into a folder below a file: the MKD in the way fails each directory, nothing uploaded", async () => {
  await using dir = await tempDir();
  await using r = await delayRig();
  await writeTree(join(dir.path, "site"), { "top.txt": "top\n", "a/page.html": "page\n" });
  await writeTree(r.server.root, { "f": "a file\n" });
  const report = await run(
    dir.path,
    r,
    2,
    `  - put: { from: ${join(dir.path, "site")}/, to: f/www/ }\n`,
  );
  assert.equal(report.ok, false);
  const actions = report.steps[0].actions;
  const made = actions.filter((a) => a.action === "mkdir");
  assert.deepEqual(made.map((a) => a.path), ["f/www", "f/www/a"]);
  for (const action of made) {
    assert.equal(action.result, "failed");
    assert.equal(action.error?.code, 550);
    assert.match(action.error?.message ?? "", /"f" is not a directory/);
  }
  assert.ok(actions.filter((a) => a.action === "upload").every((a) => a.result === "cancelled"));
  assert.equal(await Deno.readTextFile(join(r.server.root, "f")), "a file\n");
  assert.ok(!r.server.commands.some((c) => c.startsWith("STOR")), r.server.commands.join("\n"));
});

/** The flights a one-step run takes (login and QUIT included), with the report. */
async function flightsOf(dir: string, r: DelayRig, step: string) {
  const before = r.proxy.stats();
  const report = await run(dir, r, 1, `  - ${step}\n`);
  const after = r.proxy.stats();
  return {
    report,
    flights: after.flights - before.flights,
    mkd: (after.verbs.MKD ?? 0) - (before.verbs.MKD ?? 0),
  };
}

for (const mlst of [true, false]) {
  Deno.test(`mkdir step with six paths${mlst ? "" : ", no MLST"}: stat-ed together, made together; no more round trips than one path`, async () => {
    await using dir = await tempDir();
    await using r = await delayRig({ disabledCommands: mlst ? [] : ["MLSD", "MLST"] });
    await writeTree(r.server.root, { "www/old/keep.txt": "kept\n" });
    const six = ["www/a", "www/b/c", "www/old", "www/d/e/f", "logs", "www/old/g"];
    const one = await flightsOf(dir.path, r, "mkdir: one/x");
    const fresh = await flightsOf(dir.path, r, `mkdir: [${six.join(", ")}]`);
    assert.ok(fresh.report.ok, JSON.stringify(fresh.report, null, 2));
    assert.equal(fresh.flights, one.flights, "six paths, as many flights as one");
    for (const path of six) assert.ok(await isDirectory(join(r.server.root, path)), path);
    assert.equal(await Deno.readTextFile(join(r.server.root, "www/old/keep.txt")), "kept\n");
    const actions = fresh.report.steps[0].actions.map((a) => `${a.action} ${a.path} ${a.result}`);
    assert.deepEqual(actions.sort(), [
      "mkdir logs ok",
      "mkdir www/a ok",
      "mkdir www/b/c ok",
      "mkdir www/d/e/f ok",
      "mkdir www/old/g ok",
      "skip www/old skipped",
    ]);
    // A re-run finds them all: nothing made, and again no more flights than one path.
    const oneAgain = await flightsOf(dir.path, r, "mkdir: one/x");
    const again = await flightsOf(dir.path, r, `mkdir: [${six.join(", ")}]`);
    assert.ok(again.report.ok);
    assert.equal(again.mkd, 0);
    assert.equal(again.flights, oneAgain.flights);
    assert.ok(again.report.steps[0].actions.every((a) => a.action === "skip"));
  });
}

Deno.test("mkdir step where a path is a file: a plan error before anything is made", async () => {
  await using dir = await tempDir();
  await using r = await delayRig({ disabledCommands: ["MLSD", "MLST"] });
  await writeTree(r.server.root, { "www/file": "a file\n" });
  const { report, mkd } = await flightsOf(dir.path, r, "mkdir: [www/new, www/file]");
  assert.equal(report.ok, false);
  assert.match(JSON.stringify(report), /www\/file exists and is not a directory/);
  assert.equal(mkd, 0);
  assert.equal(await isDirectory(join(r.server.root, "www/new")), false);
});

async function isDirectory(path: string): Promise<boolean> {
  return await Deno.stat(path).then((info) => info.isDirectory, () => false);
}
