/**
 * `deno task bench:startup`: ferry's own work in a one-file get, the bar of
 * issue 15 (the time above `deno run` of an empty script, at most 20 ms on
 * loopback).
 *
 * Against vsftpd on loopback (one 4 KiB file), as fresh processes
 * in interleaved rounds (the order rotates each round; the machine is shared,
 * so medians), it times:
 *
 * - (a) `deno run` of an empty script with the CLI's permissions and config;
 * - (b) `ferry get ftp://…/file.bin out.bin` through the shim that `deno
 *   install --global … --config deno.json dist/cli/mod.js` writes, with the
 *   flags of the README's default install line, read from the checkout's
 *   README (tests/_install_line.ts): the README's way to run the CLI from a
 *   checkout, the bundle `deno task build` makes, which this script runs
 *   first; a checkout without the build, such as a baseline from before it,
 *   installs src/cli/mod.ts;
 * - (b fast) the same with the flags of the README's opt-in "Faster start"
 *   line (`--v8-flags=--no-lazy`), against (a fast), the empty script with
 *   the same V8 flags; these two run with a DENO_DIR of their own, since Deno
 *   keeps one code cache entry per file for one set of V8 flags and runs
 *   with other flags loading the same files (Deno's `node:` modules) would
 *   compile them again at every switch;
 * - (b′) the same get through a shim of src/cli/mod.ts, the sources the bundle
 *   is made from, when the checkout has a bundle, with the default flags;
 * - (c) the same get by a minimal script using the library
 *   (`FtpClient.connect`, `downloadTo`: bench/_startup_get.ts);
 * - (d) the platform's floor: the same get hand-written in one file with no
 *   ferry code (bench/_startup_floor.ts: connect, USER/PASS, TYPE, EPSV, RETR,
 *   write, QUIT), what any Deno program pays for the job;
 *
 * and prints (b) − (a) and (c) − (a), ferry's own work, against the bar, and
 * (d) − (a), how low a one-file get in Deno can go. It
 * then breaks the time down with performance.now() marks taken inside the
 * process (bench/_startup_probe.ts) and counts the modules each path loads
 * (`deno info --json`, static imports plus the dynamic ones the path takes).
 * Prints the load average before and after. Needs root (vsftpd).
 *
 * FERRY_BENCH_RUNS sets the rounds (default 21, at least 15 for the record).
 * FERRY_BENCH_BASELINE=DIR (another checkout of ferry, the code before a
 * change) adds its (b) and (c), through shims of its own with the flags of
 * its README's default install line (the permissions alone for a README
 * from before that line), to the same rounds, and prints the per-round
 * differences after − before.
 *
 * @module
 */

import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startVsftpd } from "../tests/_servers/vsftpd.ts";
import { moduleGraph } from "../tests/_module_graph.ts";
import { readmeInstallFlags } from "../tests/_install_line.ts";
import { cpuMsFrom, cpuTimedArgs, makeFile, median, run, sha256File } from "./_bench_kit.ts";

const ROUNDS = Number(Deno.env.get("FERRY_BENCH_RUNS") ?? 21);
/** Another checkout of ferry (the code before a change) to run in the same rounds. */
const BASELINE = Deno.env.get("FERRY_BENCH_BASELINE");
/** Unmeasured rounds first: the first runs after a change compile and fill Deno's caches. */
const WARM_UP = 3;
const BAR_MS = 20;
const repo = fileURLToPath(new URL("..", import.meta.url));
/** The README's install line: the permissions of `deno task ferry`. */
const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env", "--allow-sys"];

/**
 * The CLI entry the README installs from `checkout`: the bundle, built first
 * (dist/ is not committed) when the checkout has the build; else its sources.
 */
const cliEntry = async (checkout: string) => {
  const hasBuild = await Deno.stat(join(checkout, "tasks/build.ts")).then(() => true, () => false);
  if (!hasBuild) return "src/cli/mod.ts";
  await run([Deno.execPath(), "task", "build"], { cwd: checkout });
  return "dist/cli/mod.js";
};
const CLI_ENTRY = await cliEntry(repo);
const BUNDLED = CLI_ENTRY !== "src/cli/mod.ts";

const loadAverage = async () => (await Deno.readTextFile("/proc/loadavg")).split(" ", 3).join(" ");
const ms = (value: number) => `${value.toFixed(1)} ms`;

// Not below /dev/shm: Deno wants --allow-all to write below /dev.
const work = await Deno.makeTempDir({ prefix: "ferry-startup-" });
await using vsftpd = await startVsftpd();
const hash = await makeFile(join(vsftpd.dir, "file.bin"), 4096, 15);
const url = `${vsftpd.url.replace(/\/$/, "")}/file.bin`;
const out = join(work, "out.bin");

// Every command through a shim that `deno install --global` wrote with the
// same permissions and config, so that (a), (b) and (c) differ only in the
// script.
const bin = join(work, "bin");
const env = {
  PATH: [bin, dirname(Deno.execPath()), Deno.env.get("PATH") ?? ""].join(delimiter),
  NO_COLOR: "1",
};
/** The V8 flags (`--v8-flags=…`) of a line's flags. */
const v8Flags = (flags: readonly string[]) =>
  flags.filter((flag) => flag.startsWith("--v8-flags="));
// The current checkout's lines must parse: a bench of the wrong flags
// measures nothing the README says.
const CLI_FLAGS = await readmeInstallFlags(repo);
const FAST_FLAGS = await readmeInstallFlags(repo, "fast-start");
const FAST_RUN_FLAGS = [...PERMISSIONS, ...v8Flags(FAST_FLAGS)];
/**
 * A DENO_DIR for each set of V8 flags but V8's defaults (which use the
 * user's): Deno keeps one code cache entry per file for one set of flags.
 */
const denoDirs = new Map<string, string>();
const denoDirFor = async (flags: readonly string[]) => {
  const key = v8Flags(flags).join(" ");
  if (key === "") return undefined;
  if (!denoDirs.has(key)) denoDirs.set(key, await Deno.makeTempDir({ dir: work, prefix: "deno-" }));
  return denoDirs.get(key);
};
const shims: [string, string, string, readonly string[]][] = [
  ["ferry", repo, CLI_ENTRY, CLI_FLAGS],
  ["empty", repo, "bench/_startup_empty.ts", [...PERMISSIONS, ...v8Flags(CLI_FLAGS)]],
  ["ferry-fast", repo, CLI_ENTRY, FAST_FLAGS],
  ["empty-fast", repo, "bench/_startup_empty.ts", FAST_RUN_FLAGS],
  ["lib-get", repo, "bench/_startup_get.ts", [...PERMISSIONS, ...v8Flags(CLI_FLAGS)]],
  ["floor", repo, "bench/_startup_floor.ts", [...PERMISSIONS, ...v8Flags(CLI_FLAGS)]],
  // Deno reads /proc/thread-self (the probe's CPU marks) only with --allow-all.
  ["probe", repo, "bench/_startup_probe.ts", ["--allow-all", ...v8Flags(CLI_FLAGS)]],
];
if (BUNDLED) shims.push(["ferry-src", repo, "src/cli/mod.ts", CLI_FLAGS]);
if (BASELINE) {
  // A baseline's README may be from before the install line: its permissions then.
  const flags = await readmeInstallFlags(BASELINE).catch(() => PERMISSIONS);
  shims.push(["ferry-before", BASELINE, await cliEntry(BASELINE), flags]);
  shims.push([
    "lib-get-before",
    BASELINE,
    "bench/_startup_get.ts",
    [...PERMISSIONS, ...v8Flags(flags)],
  ]);
}
/** The DENO_DIR each shim runs with (its V8 flags'), when not the user's. */
const shimDenoDir = new Map<string, string>();
for (const [name, checkout, script, permissions] of shims) {
  const denoDir = await denoDirFor(permissions);
  if (denoDir) shimDenoDir.set(name, denoDir);
  await run([
    Deno.execPath(),
    "install",
    "--global",
    "--quiet",
    "--root",
    work,
    "--name",
    name,
    ...permissions,
    "--config",
    join(checkout, "deno.json"),
    join(checkout, script),
  ], { cwd: checkout, env: denoDir ? { ...Deno.env.toObject(), DENO_DIR: denoDir } : undefined });
}

interface Job {
  name: string;
  args: string[];
  /** A get: out.bin is removed before and checked after. */
  get: boolean;
  walls: number[];
  /** User + system CPU time of the process (`os.wait4`), less sensitive to a busy machine. */
  cpus: number[];
  /** The probe's marks (epoch ms) with `spawned` and `exited` as the parent saw them. */
  marks: Record<string, number>[];
  /** The probe's main-thread CPU time at each mark (ms). */
  cpuMarks: Record<string, number>[];
}

const jobs: Job[] = [
  { name: "empty", args: [], get: false },
  { name: "ferry", args: ["get", url, out], get: true },
  { name: "empty-fast", args: [], get: false },
  { name: "ferry-fast", args: ["get", url, out], get: true },
  { name: "lib-get", args: [url, out], get: true },
  { name: "floor", args: [url, out], get: true },
  { name: "probe", args: ["empty"], get: false },
  { name: "probe", args: ["cli", url, out], get: true },
  { name: "probe", args: ["lib", url, out], get: true },
  ...(BUNDLED ? [{ name: "ferry-src", args: ["get", url, out], get: true }] : []),
  ...(BASELINE
    ? [
      { name: "ferry-before", args: ["get", url, out], get: true },
      { name: "lib-get-before", args: [url, out], get: true },
    ]
    : []),
].map((job) => ({ ...job, walls: [], cpus: [], marks: [], cpuMarks: [] }));

const timeFile = join(work, "time.txt");

async function once(job: Job, record: boolean) {
  if (job.get) await Deno.remove(out).catch(() => {});
  const spawned = performance.timeOrigin + performance.now();
  const output = await new Deno.Command("python3", {
    args: cpuTimedArgs(timeFile, [join(bin, job.name), ...job.args]),
    cwd: work,
    env: shimDenoDir.has(job.name) ? { ...env, DENO_DIR: shimDenoDir.get(job.name)! } : env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const exited = performance.timeOrigin + performance.now();
  const wall = exited - spawned;
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) {
    const stdout = new TextDecoder().decode(output.stdout);
    throw new Error(`${job.name} ${job.args.join(" ")} failed:\n${stdout}${stderr}`);
  }
  if (job.get && await sha256File(out) !== hash) throw new Error(`${job.name}: out.bin differs`);
  if (!record) return;
  job.walls.push(wall);
  job.cpus.push(cpuMsFrom(timeFile));
  if (job.name === "probe") {
    const { marks, cpuMarks } = JSON.parse(stderr.trim().split("\n").at(-1)!);
    job.marks.push({ spawned, ...marks, exited });
    job.cpuMarks.push(cpuMarks);
  }
}

const loadBefore = await loadAverage();
console.log(`vsftpd on ${vsftpd.url}; ${ROUNDS} rounds (+${WARM_UP} warm-up), load ${loadBefore}`);
for (let round = 0; round < WARM_UP + ROUNDS; round++) {
  for (let i = 0; i < jobs.length; i++) {
    await once(jobs[(round + i) % jobs.length], round >= WARM_UP);
  }
}
const loadAfter = await loadAverage();

const [empty, cli, emptyFast, cliFast, lib, floor, probeEmpty, probeCli, probeLib] = jobs;
const byName = (name: string) => jobs.find((job) => job.name === name)!;
const cliSources = BUNDLED ? byName("ferry-src") : undefined;
// Only read when BASELINE is set.
const cliBefore = byName("ferry-before");
const libBefore = byName("lib-get-before");
/** The median of the per-round differences (pairs from the same round). */
const paired = (a: number[], b: number[]) => median(a.map((value, i) => value - b[i]));

console.log(
  `\na fresh process, median of ${ROUNDS}; differences are medians of the per-round ` +
    `differences (load ${loadBefore} → ${loadAfter})`,
);
const row = (label: string, job: Job) =>
  console.log(`  ${label.padEnd(38)}${ms(median(job.walls))} wall, ${ms(median(job.cpus))} CPU`);
row("(a) deno run, empty script", empty);
row(`(b) ferry get (shim of ${BUNDLED ? "dist/" : "src/"})`, cli);
row("(a fast) empty script, --no-lazy", emptyFast);
row("(b fast) ferry get, opt-in line", cliFast);
if (cliSources) row("(b′) ferry get (shim of src/)", cliSources);
row("(c) FtpClient script", lib);
row("(d) floor: one-file hand-written get", floor);
const own: [string, Job, Job][] = [
  ["(b) − (a) ferry get", cli, empty],
  ["(b fast) − (a fast) opt-in line", cliFast, emptyFast],
  ["(c) − (a) library", lib, empty],
  ["(d) − (a) floor, no ferry code", floor, empty],
];
if (cliSources) own.splice(2, 0, ["(b′) − (a) ferry get from src/", cliSources, empty]);
if (BASELINE) {
  row("(b) before", cliBefore);
  row("(c) before", libBefore);
  own.push(["(b) − (a) before", cliBefore, empty], ["(c) − (a) before", libBefore, empty]);
}
for (const [label, job, empty] of own) {
  const own = paired(job.walls, empty.walls);
  const ownCpu = paired(job.cpus, empty.cpus);
  // Both: on a loaded machine the wall-time difference can even come out negative.
  console.log(
    `  ${label.padEnd(34)}${ms(own)} wall (difference of medians ${
      ms(median(job.walls) - median(empty.walls))
    }), ${ms(ownCpu)} CPU; bar ${BAR_MS} ms: ${
      own <= BAR_MS && ownCpu <= BAR_MS ? "met" : "not met"
    }`,
  );
}
// Above the floor: the part of (b) and (c) that is ferry's and not the platform's.
for (const [label, job] of [["(b) − (d) ferry get", cli], ["(c) − (d) library", lib]] as const) {
  console.log(
    `  ${label.padEnd(34)}${ms(paired(job.walls, floor.walls))} wall, ${
      ms(paired(job.cpus, floor.cpus))
    } CPU above the floor`,
  );
}

// The opt-in line's gain, paired: both gets ran in every round.
console.log(
  `  (b fast) − (b) opt-in − default      ${ms(paired(cliFast.cpus, cli.cpus))} CPU, ${
    ms(paired(cliFast.walls, cli.walls))
  } wall`,
);
if (cliSources) {
  console.log(
    `  (b) − (b′) bundle − sources         ${ms(paired(cli.cpus, cliSources.cpus))} CPU, ${
      ms(paired(cli.walls, cliSources.walls))
    } wall`,
  );
}

if (BASELINE) {
  console.log(`\nagainst ${BASELINE} in the same rounds (medians of per-round differences)`);
  for (
    const [label, after, before] of [
      ["(b) ferry get", cli, cliBefore],
      ["(c) library", lib, libBefore],
    ] as const
  ) {
    console.log(
      `  ${label.padEnd(20)}before ${ms(median(before.cpus))} CPU, ${
        ms(median(before.walls))
      } wall; after − before: ${ms(paired(after.cpus, before.cpus))} CPU, ${
        ms(paired(after.walls, before.walls))
      } wall`,
    );
  }
}

/** Median of the time between two marks (`spawned` and `exited` as the parent saw them). */
function span(job: Job, from: string, to: string) {
  const wall = median(job.marks.map((m) => m[to] - m[from]));
  const inside = from in job.cpuMarks[0] && to in job.cpuMarks[0];
  const cpu = inside ? median(job.cpuMarks.map((m) => m[to] - m[from])) : undefined;
  return `${ms(wall).padStart(9)}${cpu === undefined ? "" : `  ${ms(cpu).padStart(9)}`}`;
}
const spans = (title: string, job: Job, rows: [string, string, string][]) => {
  console.log(`  ${title}`);
  for (const [label, from, to] of rows) {
    console.log(`    ${label.padEnd(46)}${span(job, from, to)}`);
  }
};
console.log(
  `\nwhere the time goes: medians of wall time, and of the main thread's CPU time ` +
    `(/proc/thread-self/schedstat) inside the process`,
);
spans("empty script", probeEmpty, [
  ["spawn to its first line", "spawned", "start"],
  ["its first line to exit seen", "start", "exited"],
]);
spans("ferry get, through main()", probeCli, [
  ["spawn to the probe's first line", "spawned", "start"],
  ["load src/cli/mod.ts (graph of every command)", "start", "cliModule"],
  ["load _oneshot.ts, _job.ts", "cliModule", "getModules"],
  ["main: task, connect, login, get, close", "getModules", "done"],
  ["returned to exit seen", "done", "exited"],
]);
spans("FtpClient script", probeLib, [
  ["spawn to the probe's first line", "spawned", "start"],
  ["load mod.ts (graph and evaluation)", "start", "clientModule"],
  ["connect + login", "clientModule", "connected"],
  ["downloadTo", "connected", "downloaded"],
  ["close (QUIT)", "downloaded", "done"],
  ["closed to exit seen", "done", "exited"],
]);

const graph = async (entry: string, dynamic: string[]) => {
  const modules = await moduleGraph(join(repo, entry), dynamic.map((path) => join(repo, path)));
  const local = modules.filter((m) => m.startsWith("file:")).length;
  return `${modules.length} modules (${local} of the project's, ${
    modules.length - local
  } node:/npm:)`;
};
console.log(`\nmodules loaded (deno info --json: static imports, plus the dynamic ones taken)`);
console.log(
  `  ferry get   ${await graph("src/cli/mod.ts", [
    "src/cli/_oneshot.ts",
    "src/cli/_job.ts",
    "src/runner/steps/get.ts",
  ])}`,
);
console.log(`  FtpClient   ${await graph("mod.ts", [])}`);
if (BUNDLED) {
  // The bundle's files a get loads, and their bytes (what V8 reads and keeps).
  const dist = join(repo, "dist");
  const lazy = (name: string) =>
    join(
      dist,
      [...Deno.readDirSync(dist)].find((e) =>
        /^[A-Z0-9]+\.js$/.test(e.name.slice(name.length + 1)) && e.name.startsWith(`${name}-`)
      )!.name,
    );
  const files = await moduleGraph(join(dist, "cli/mod.js"), ["_oneshot", "_job", "get"].map(lazy));
  let bytes = 0;
  for (const file of files) bytes += (await Deno.stat(new URL(file))).size;
  console.log(`  ferry get from dist/: ${files.length} files, ${(bytes / 1000).toFixed(0)} KB`);
}

await Deno.remove(work, { recursive: true });
