// Round trips of whole runs (issue 15), counted by the benchmark's delay
// proxy in front of the embedded server, with LIST only (no MLSD), as on
// vsftpd: the exact times the plan needs are asked together, each download
// costs one round trip (its command goes with the next EPSV), and the directories of a tree are listed over the
// pool, several at once. A change that adds round trips fails here; no time
// is asserted.

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTask, runTask } from "../../src/runner/mod.ts";
import { DelayProxy } from "../../bench/_delay_proxy.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { delayRig } from "../_delay_rig.ts";
import { tempDir } from "../_helpers.ts";
import { writeServerTask, writeTree } from "../cli/_ferry.ts";

/** LIST only (no MLSD), as on vsftpd. */
const behindProxy = () => delayRig({ disabledCommands: ["MLSD", "MLST"] });

async function run(dir: string, connection: string, steps: string) {
  const file = await writeServerTask(dir, connection, steps);
  return await runTask(await loadTask(file, { envFile: false }));
}

/** Puts a local folder of `count` small files into `www/` and checks the server's copies. */
async function putSite(
  dir: string,
  r: { url: string; server: { root: string } },
  count: number,
  parallel: number,
) {
  const site: Record<string, string> = {};
  for (let i = 0; i < count; i++) site[`f${i}.txt`] = `upload ${i}\n`.repeat(i + 1);
  await writeTree(join(dir, "site"), site);
  const report = await run(
    dir,
    `url: "${r.url}", parallel: ${parallel}`,
    `  - put: { from: ${join(dir, "site")}/, to: www/ }\n`,
  );
  assert.ok(report.ok, JSON.stringify(report, null, 2));
  for (let i = 0; i < count; i++) {
    assert.equal(
      await Deno.readTextFile(join(r.server.root, "www", `f${i}.txt`)),
      site[`f${i}.txt`],
    );
  }
}

Deno.test("get of a directory over one connection: its MDTMs in one round trip, then one round trip per file", async () => {
  await using dir = await tempDir();
  await using r = await behindProxy();
  const count = 8;
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`pub/f${i}.txt`] = `file ${i}\n`;
  await writeTree(r.server.root, files);
  const report = await run(
    dir.path,
    `url: "${r.url}", parallel: 1`,
    `  - get: { from: pub, to: ${join(dir.path, "out")}/ }\n`,
  );
  assert.ok(report.ok, JSON.stringify(report, null, 2));
  for (let i = 0; i < count; i++) {
    assert.equal(await Deno.readTextFile(join(dir.path, "out", `f${i}.txt`)), `file ${i}\n`);
  }
  const stats = r.proxy.stats();
  assert.equal(stats.controlConnections, 1);
  const perFlight = stats.connections[0].commandsPerFlight;
  // The files' MDTMs (and the stat's) went in one flight, none after a download.
  assert.ok(perFlight.some((n) => n >= count), `flights: ${perFlight}`);
  assert.equal(stats.verbs.MDTM, count + 1, "one MDTM per file, and the stat's");
  // Login 2, the stat of pub 1 and is-it-a-directory 1 (the CWD back goes with
  // the CWD in: the login's PWD said where back is), the listing 4 (LIST -a,
  // then LIST: this server's listings show no dot-file to tell them apart),
  // the MDTMs 1 (with the EPSV the first download takes), QUIT 1, and 1 a
  // file: RETR with the next EPSV, its data connection closed for writing,
  // so the data, the 226 and the 229 come back together.
  assert.ok(stats.flights <= 10 + count, `${stats.flights} flights: ${perFlight}`);
  // The stat's (kept through the CWDs), the listings' (the last kept
  // through the MDTMs for the first download), each download's.
  assert.equal(stats.verbs.EPSV, 3 + count, "no download asks EPSV on its own");
});

for (
  const { server, mfmt, perFile } of [
    { server: "no MFMT (as vsftpd)", mfmt: false, perFile: 1 },
    { server: "MFMT (the time set after each upload)", mfmt: true, perFile: 2 },
  ]
) {
  Deno.test(`put of a directory over one connection, ${server}: ${perFile} round trip(s) per file (the next EPSV goes with each upload's end)`, async () => {
    await using dir = await tempDir();
    await using r = await delayRig({
      disabledCommands: ["MLSD", "MLST", ...(mfmt ? [] : ["MFMT"])],
    });
    const count = 20;
    await putSite(dir.path, r, count, 1);
    const stats = r.proxy.stats();
    assert.equal(stats.controlConnections, 1);
    assert.equal(stats.verbs.STOR, count);
    assert.equal(stats.verbs.MFMT ?? 0, mfmt ? count : 0);
    // Login 2, the plan (the destination's probes, MKD) about 12, QUIT 1;
    // then per file: STOR, its data, the data's close and the next EPSV in
    // one flight (and MFMT, which waits for the 226, in another). Waiting
    // for each 226 before the next EPSV would take one more a file.
    const perFlight = stats.connections[0].commandsPerFlight;
    assert.ok(
      stats.flights <= perFile * count + 16,
      `${stats.flights} flights for ${count} files: ${perFlight}\n${r.server.commands.join("\n")}`,
    );
  });
}

Deno.test("a no-change sync up of a tree: its directories are listed over the pool, several at once", async () => {
  await using dir = await tempDir();
  await using r = await behindProxy();
  const site: Record<string, string> = {};
  const dirs = 8;
  for (let d = 0; d < dirs; d++) {
    for (let f = 0; f < 3; f++) site[`d${d}/f${f}.txt`] = `${d}.${f}\n`;
  }
  await writeTree(join(dir.path, "site"), site);
  const steps = `  - sync: { direction: up, local: ${join(dir.path, "site")}, remote: www }\n`;
  const first = await run(dir.path, `url: "${r.server.url}", parallel: 4`, steps);
  assert.ok(first.ok, JSON.stringify(first, null, 2));
  // The re-run through the proxy changes nothing...
  const again = await run(dir.path, `url: "${r.url}", parallel: 4`, steps);
  assert.ok(again.ok, JSON.stringify(again, null, 2));
  assert.ok(again.steps[0].actions.every((a) => a.action === "skip"));
  const stats = r.proxy.stats();
  // Each directory: LIST -a, then LIST where the connection has not yet seen
  // whether it shows dot-files (none here tells them apart); at least once.
  assert.ok(
    stats.verbs.LIST >= dirs + 1 && stats.verbs.LIST <= 2 * (dirs + 1),
    `${stats.verbs.LIST} LIST commands for ${dirs + 1} directories`,
  );
  assert.equal(stats.verbs.MDTM, dirs * 3, "each file's time (LIST gives minutes)");
  // The destination, a directory when it exists, is probed as one: no SIZE, no MDTM of it.
  assert.equal(stats.verbs.SIZE ?? 0, 0);
  // ...and spreads the 9 listings over the 4 connections: the root on the
  // planning connection (logged in, its EPSV ready), the 8 below on all four
  // at once, so none lists more than 3 of them. Listed one after another on
  // the planning connection they would take about 36 flights; here the
  // busiest takes login 2, the stat 1, 3 directories' listings (LIST -a,
  // LIST, each with its data's end) 12, the MDTMs 1.
  assert.equal(stats.controlConnections, 4);
  for (const connection of stats.connections) {
    const lists = connection.verbs.LIST ?? 0;
    assert.ok(
      lists >= 1 && lists <= 6,
      `LIST per connection: ${stats.connections.map((c) => c.verbs.LIST)}`,
    );
  }
  const longest = Math.max(...stats.connections.map((c) => c.commandsPerFlight.length));
  assert.ok(
    longest <= 17,
    `the busiest connection waited ${longest} round trips: ${
      JSON.stringify(stats.connections.map((c) => c.commandsPerFlight))
    }`,
  );
});

/** Indexes in the server's command log of the lines that start with `verb `. */
function indexesOf(commands: readonly string[], verb: string): number[] {
  return commands.flatMap((line, i) => line.startsWith(`${verb} `) ? [i] : []);
}

Deno.test("get of a directory over four connections: the other three log in while the plan runs, not after it", async () => {
  await using dir = await tempDir();
  await using r = await behindProxy();
  const count = 12;
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`pub/f${i}.txt`] = `file ${i}\n`.repeat(i + 1);
  await writeTree(r.server.root, files);
  const report = await run(
    dir.path,
    `url: "${r.url}", parallel: 4`,
    `  - get: { from: pub/, to: ${join(dir.path, "out")}/ }\n`,
  );
  assert.ok(report.ok, JSON.stringify(report, null, 2));
  for (let i = 0; i < count; i++) {
    assert.equal(
      await Deno.readTextFile(join(dir.path, "out", `f${i}.txt`)),
      `file ${i}\n`.repeat(i + 1),
    );
  }
  const commands = r.server.commands;
  const logins = indexesOf(commands, "PASS");
  const firstRetr = indexesOf(commands, "RETR")[0];
  assert.equal(logins.length, 4, commands.join("\n"));
  // Opened when the plan found a directory: logged in before any download began.
  assert.ok(logins.every((i) => i < firstRetr), commands.join("\n"));
  // A directory named with a slash is no file: no SIZE or MDTM asked of it.
  assert.ok(!commands.some((line) => /^(SIZE|MDTM) pub\/$/.test(line)), commands.join("\n"));
  assert.equal(r.proxy.stats().controlConnections, 4);
});

Deno.test("put of a directory over four connections: the other three log in while the plan runs, not after it", async () => {
  await using dir = await tempDir();
  await using r = await behindProxy();
  await putSite(dir.path, r, 12, 4);
  const commands = r.server.commands;
  const logins = indexesOf(commands, "PASS");
  const firstStor = indexesOf(commands, "STOR")[0];
  assert.equal(logins.length, 4, commands.join("\n"));
  assert.ok(logins.every((i) => i < firstStor), commands.join("\n"));
  assert.equal(r.proxy.stats().controlConnections, 4);
});

Deno.test("get of one file with parallel 4: no other connection is opened", async () => {
  await using dir = await tempDir();
  await using r = await behindProxy();
  await writeTree(r.server.root, { "pub/one.txt": "one\n" });
  const report = await run(
    dir.path,
    `url: "${r.url}", parallel: 4`,
    `  - get: { from: pub/one.txt, to: ${join(dir.path, "one.txt")} }\n`,
  );
  assert.ok(report.ok, JSON.stringify(report, null, 2));
  assert.equal(await Deno.readTextFile(join(dir.path, "one.txt")), "one\n");
  assert.equal(r.proxy.stats().controlConnections, 1);
});

Deno.test("rm step with named paths: every path stat-ed together in the plan (two round trips, not two a path)", async () => {
  await using dir = await tempDir();
  await using r = await behindProxy();
  const files = ["a.txt", "b.txt", "www/c.txt", "www/d.txt", "e.txt"];
  await writeTree(r.server.root, {
    ...Object.fromEntries(files.map((f) => [f, `${f}\n`])),
    "www/keep.txt": "kept\n",
  });
  const flights = async (paths: string[]) => {
    const before = r.proxy.stats();
    const report = await run(
      dir.path,
      `url: "${r.url}", parallel: 1`,
      `  - rm: [${paths.join(", ")}]\n`,
    );
    const after = r.proxy.stats();
    return { report, flights: after.flights - before.flights, dele: after.verbs.DELE ?? 0 };
  };
  const missing = ["gone.txt", "www/gone.txt", "x/y.txt", "nope", "www/nope"];
  // The plan's stats of five missing paths cost what one costs.
  const one = await flights(["gone.txt"]);
  const five = await flights(missing);
  assert.ok(five.report.ok, JSON.stringify(five.report, null, 2));
  assert.equal(five.flights, one.flights);
  assert.ok(five.report.steps[0].actions.every((a) => a.action === "skip"));
  // Five files: the same plan, then a DELE each.
  const deleted = await flights(files);
  assert.ok(deleted.report.ok, JSON.stringify(deleted.report, null, 2));
  assert.equal(deleted.flights, one.flights + files.length - 1);
  for (const f of files) {
    assert.equal(await Deno.stat(join(r.server.root, f)).then(() => true, () => false), false, f);
  }
  assert.equal(await Deno.readTextFile(join(r.server.root, "www/keep.txt")), "kept\n");
});

Deno.test("get step with several named files: their stats go together in the plan, then one round trip per file", async () => {
  await using dir = await tempDir();
  await using r = await behindProxy();
  const names = ["a.txt", "b.txt", "www/c.txt", "www/d.txt", "e.txt"];
  await writeTree(r.server.root, Object.fromEntries(names.map((f) => [f, `${f}\n`.repeat(50)])));
  const get = async (from: string[], to: string) => {
    const before = r.proxy.stats();
    const report = await run(
      dir.path,
      `url: "${r.url}", parallel: 1`,
      `  - get: { from: [${from.join(", ")}], to: ${join(dir.path, to)}/ }\n`,
    );
    assert.ok(report.ok, JSON.stringify(report, null, 2));
    return r.proxy.stats().flights - before.flights;
  };
  const one = await get(["a.txt"], "one");
  const five = await get(names, "five");
  for (const name of names) {
    assert.equal(
      await Deno.readTextFile(join(dir.path, "five", name.split("/").pop()!)),
      `${name}\n`.repeat(50),
    );
  }
  // Four more files: one round trip each; the plan's stats cost no more than one.
  assert.equal(five, one + 4);
});

Deno.test("verify where listings may hide dot-files: the dot-files are asked for by name together, not one round trip each", async () => {
  await using dir = await tempDir();
  // vsftpd-like listings that hide dot-files, and no way to ask for them (no `LIST -a`).
  await using r = await delayRig({
    disabledCommands: ["MLSD", "MLST"],
    hideDotFiles: true,
    listOptions: false,
  });
  const site: Record<string, string> = { "index.html": "home\n" };
  for (let i = 0; i < 6; i++) site[`d${i}/.htaccess`] = `deny ${i}\n`;
  await writeTree(join(dir.path, "site"), site);
  await writeTree(join(r.server.root, "www"), site);
  const verify = async (count: number) => {
    const before = r.proxy.stats();
    const local = join(dir.path, `site${count}`);
    await writeTree(local, Object.fromEntries(Object.entries(site).slice(0, count + 1)));
    const report = await run(
      dir.path,
      `url: "${r.url}", parallel: 1`,
      `  - verify: { local: ${local}, remote: www, by: size }\n`,
    );
    return { report, flights: r.proxy.stats().flights - before.flights };
  };
  // One dot-file and six: the same round trips (the six are asked together).
  const one = await verify(1);
  const six = await verify(6);
  assert.ok(one.report.ok, JSON.stringify(one.report, null, 2));
  assert.ok(six.report.ok, JSON.stringify(six.report, null, 2));
  assert.match(JSON.stringify(six.report), /d5\/\.htaccess/);
  assert.equal(six.flights, one.flights);
});

/**
 * A get of 260 files (no MLSD: LIST's minutes, so an MDTM each) over
 * `parallel` connections through a counting proxy: the run's directory,
 * the proxy's counts and the server's root, the files checked whole.
 */
async function manyFilesGet(parallel: number) {
  const dir = await tempDir();
  const server = await FtpTestServer.start({ disabledCommands: ["MLSD", "MLST"] });
  // Counted, not delayed: the shares' split does not depend on the timing.
  const proxy = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: server.port },
    delayMs: 1,
  });
  const dispose = async () => {
    await proxy[Symbol.asyncDispose]();
    await server[Symbol.asyncDispose]();
    await dir[Symbol.asyncDispose]();
  };
  try {
    const count = 260;
    const files: Record<string, string> = {};
    for (let i = 0; i < count; i++) files[`pub/f${i}.txt`] = `file ${i}\n`;
    await writeTree(server.root, files);
    const report = await run(
      dir.path,
      `url: "ftp://${proxy.hostname}:${proxy.port}", parallel: ${parallel}`,
      `  - get: { from: pub/, to: ${join(dir.path, "out")}/ }\n`,
    );
    assert.ok(report.ok, JSON.stringify(report.steps[0].error));
    for (let i = 0; i < count; i += 37) {
      const local = join(dir.path, "out", `f${i}.txt`);
      assert.equal(await Deno.readTextFile(local), `file ${i}\n`);
      // The time each file kept is the server's, which the MDTMs asked.
      const remote = await Deno.stat(join(server.root, "pub", `f${i}.txt`));
      assert.equal(
        Math.floor((await Deno.stat(local)).mtime!.getTime() / 1000),
        Math.floor(remote.mtime!.getTime() / 1000),
      );
    }
    return { count, stats: proxy.stats(), [Symbol.asyncDispose]: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

Deno.test("get of many files over four connections: the plan's MDTMs go in shares over the pool's connections at once, not all on the planning one", async () => {
  await using got = await manyFilesGet(4);
  const { count } = got;
  const mdtms = got.stats.connections.map((c) => c.verbs.MDTM ?? 0);
  assert.equal(mdtms.reduce((a, b) => a + b, 0), count, `MDTM per connection: ${mdtms}`);
  // 260 files: three shares of 87, at once on three connections (at 8651bec
  // all 260 on the planning connection).
  assert.deepEqual(
    mdtms.filter((n) => n > 0).sort(),
    [86, 87, 87],
    `MDTM per connection: ${mdtms}`,
  );
});

Deno.test("get of many files over one connection: the plan's MDTMs go in one flight, not in shares one after another", async () => {
  await using got = await manyFilesGet(1);
  const { count } = got;
  const [only, ...others] = got.stats.connections;
  assert.equal(others.length, 0);
  assert.equal(only.verbs.MDTM, count);
  // All 260 in one flight (a share is worth it only on a connection of its
  // own: three shares of 87 on this one were three round trips in a row).
  assert.ok(
    only.commandsPerFlight.some((n) => n >= count),
    `commands per flight: ${only.commandsPerFlight}`,
  );
});
