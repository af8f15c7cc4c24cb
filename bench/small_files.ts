/**
 * `deno task bench:small-files`: the CPU floor of many small downloads on
 * loopback. vsftpd serves 1000 files of 4 KiB from tmpfs; in interleaved
 * rounds (one unmeasured warm-up round first), `ferry get URL/ DIR/
 * --parallel N` (the CLI from src, a fresh process as bench/peers.ts runs
 * it) and lftp's `mirror --parallel=N` fetch them all, for N = 8 and N = 1.
 * Prints the median files per second of each and the ratio lftp's time /
 * ferry's (above 1: ferry is faster), with the load average before and
 * after. Every run's files are hash-checked.
 *
 * Options (environment): FERRY_BENCH_RUNS (measured rounds, default 7),
 * FERRY_BENCH_FILES (default 1000), FERRY_BENCH_PARALLEL (default "8,1"),
 * FERRY_BENCH_BASELINE=DIR (another checkout of ferry, the code before a
 * change, run in the same rounds as "before"), FERRY_BENCH_PROFILE=DIR (also one run of
 * ferry at `--parallel 8` under `--cpu-prof`, the profile written to DIR and
 * summarised: self time by function and by source file), FERRY_BENCH_FLOOR=1
 * (also bench/_small_files_floor.ts in the same rounds, twice: "floor", a
 * hand-written Deno getter with no ferry code doing per file what the runner
 * does over the wire and to the file, and "floor+", which adds the runner's
 * MDTMs, link check, partial file, mtime and rename: Deno's own cost of the
 * job, start-up included). FERRY_BENCH_FLOOR=2 adds the two-isolate
 * experiment (bench/_split_kit.ts): floor+ split over the main thread and
 * one Worker ("floor+2t") and ferry's library (`FtpClient.downloadAllTo`,
 * no runner) likewise ("lib-2t"), each beside the same script in one
 * isolate ("floor+1t", "lib-1t"); then each script's own times (process
 * start to each thread's first login, listing, end; RSS) over as many runs.
 * Line order per N: ferry, lftp, then the other cells in the order added.
 *
 * When the checkout has the build (tasks/build.ts), "installed" also runs in
 * the same rounds: the same get from the bundle `deno task build` makes, with
 * the V8 flags of the README's default install line (none), which is what a
 * user who installed the CLI runs (with -A, as the other cells, for the files
 * below /dev/shm), and "installed-fast" with those of its opt-in "Faster
 * start" line (`--v8-flags=--no-lazy`); each gets a DENO_DIR of its own,
 * since Deno keeps one code cache entry per file for one set of V8 flags.
 *
 * Needs root (vsftpd) and lftp. Not part of CI's test run.
 *
 * @module
 */

import { join } from "node:path";
import { startVsftpd } from "../tests/_servers/vsftpd.ts";
import { makeFile, median, run, timed } from "./_bench_kit.ts";
import { type InstallLine, readmeInstallFlags } from "../tests/_install_line.ts";

const RUNS = Number(Deno.env.get("FERRY_BENCH_RUNS") ?? 7);
const FILES = Number(Deno.env.get("FERRY_BENCH_FILES") ?? 1000);
const PROFILE = Deno.env.get("FERRY_BENCH_PROFILE");
const PARALLEL = (Deno.env.get("FERRY_BENCH_PARALLEL") ?? "8,1").split(",").map(Number);
/** Another checkout of ferry (the code before a change) to run in the same rounds. */
const BASELINE = Deno.env.get("FERRY_BENCH_BASELINE");
/** Also run the hand-written Deno floor (bench/_small_files_floor.ts) in the same rounds. */
const FLOOR = ["1", "2"].includes(Deno.env.get("FERRY_BENCH_FLOOR") ?? "");
/** Also the two-isolate experiment's cells (bench/_split_kit.ts), in one isolate and in two. */
const SPLIT = Deno.env.get("FERRY_BENCH_FLOOR") === "2";
const BYTES = 4096;
const repo = new URL("..", import.meta.url).pathname;
const work = `/dev/shm/ferry-small-files-${Deno.pid}`;
const root = join(work, "root");
const pub = join(root, "pub");
const out = join(work, "out");

/**
 * What to undo at the end, last first: run also when a run fails (a
 * failed hash check, a missing lftp), so that no folder is left below
 * /dev/shm and no vsftpd running.
 */
const cleanups: (() => Promise<void>)[] = [];
cleanups.push(() => Deno.remove(work, { recursive: true }));
try {
  await Deno.mkdir(join(pub, "small"), { recursive: true });
  await Deno.mkdir(out, { recursive: true });
  await Deno.chmod(root, 0o755);
  await Deno.chmod(pub, 0o777);
  const hashes = new Map<string, string>();
  for (let i = 1; i <= FILES; i++) {
    const name = `f${String(i).padStart(4, "0")}.bin`;
    hashes.set(name, await makeFile(join(pub, "small", name), BYTES, i));
  }

  const vsftpd = await startVsftpd({
    maxPerIp: 64,
    config: { anon_root: root, pasv_min_port: "31000", pasv_max_port: "31999" },
  });
  cleanups.push(() => vsftpd.close());
  const base = `ftp://127.0.0.1:${vsftpd.port}`;

  /** What every ferry cell asks of its CLI. */
  const getArgs = (parallel: number) => [
    "get",
    `${base}/pub/small/`,
    `${out}/`,
    "--parallel",
    String(parallel),
    "-q",
  ];
  const ferry = (parallel: number, extra: string[] = [], checkout = repo) => [
    Deno.execPath(),
    "run",
    "-A",
    ...extra,
    join(checkout, "src/cli/mod.ts"),
    ...getArgs(parallel),
  ];
  const floor = (parallel: number, mode: string) => [
    Deno.execPath(),
    "run",
    "-A",
    join(repo, "bench/_small_files_floor.ts"),
    `${base}/pub/small/`,
    out,
    String(parallel),
    mode,
  ];
  /** A two-isolate experiment's script (bench/_split_kit.ts) on `threads` isolates. */
  const split = (script: string, parallel: number, threads: number, trace = false) => [
    Deno.execPath(),
    "run",
    "-A",
    join(repo, "bench", script),
    `${base}/pub/small/`,
    out,
    String(parallel),
    String(threads),
    ...(trace ? ["trace"] : []),
  ];
  /**
   * The installed CLI's command (the README's bundle, with the flags of its
   * default or its opt-in "Faster start" install line), or undefined before
   * the build.
   */
  const installed = await Deno.stat(join(repo, "tasks/build.ts")).then(async () => {
    await run([Deno.execPath(), "task", "build"], { cwd: repo });
    const command = async (line: InstallLine) => {
      // The line's V8 flags; -A for its permissions, as the other cells: the
      // files are below /dev/shm, where Deno wants --allow-all.
      const v8Flags = (await readmeInstallFlags(repo, line))
        .filter((flag) => flag.startsWith("--v8-flags="));
      // Not below /dev/shm with the rest: Deno wants --allow-all to write below /dev.
      const denoDir = await Deno.makeTempDir({ prefix: "ferry-deno-dir-" });
      cleanups.push(() => Deno.remove(denoDir, { recursive: true }));
      return (parallel: number) => [
        "env",
        `DENO_DIR=${denoDir}`,
        Deno.execPath(),
        "run",
        "-A",
        ...v8Flags,
        "--config",
        join(repo, "deno.json"),
        join(repo, "dist/cli/mod.js"),
        ...getArgs(parallel),
      ];
    };
    return { installed: await command("default"), fast: await command("fast-start") };
  }, () => undefined);
  const lftp = (parallel: number) => [
    "lftp",
    "-e",
    `set ftp:ssl-allow no; mirror --parallel=${parallel} pub/small ${out}; bye`,
    base,
  ];

  const clean = async () => {
    await Deno.remove(out, { recursive: true }).catch(() => {});
    await Deno.mkdir(out, { recursive: true });
  };

  const check = async () => {
    const entries = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    const expected = [...hashes.keys()].sort();
    if (entries.join() !== expected.join()) {
      throw new Error(`${out} holds ${entries.length} entries, expected ${expected.length} files`);
    }
    // One sha256sum for all of them: a process per file would take longer than the runs.
    const sums = await run(["sha256sum", "--", ...expected.map((name) => join(out, name))]);
    for (const line of sums.trim().split("\n")) {
      const [actual, path] = line.split("  ");
      const name = path.slice(out.length + 1);
      if (actual !== hashes.get(name)) throw new Error(`${name}: hash ${actual}, expected another`);
    }
  };

  /**
   * vsftpd's CPU seconds so far, its reaped sessions' included (a session's
   * processes are counted once they have ended and been waited for), from
   * /proc: the bench's child whose name is vsftpd.
   */
  const serverCpu = () => {
    const children = [...Deno.readDirSync(`/proc/${Deno.pid}/task`)].flatMap((t) =>
      Deno.readTextFileSync(`/proc/${Deno.pid}/task/${t.name}/children`).trim().split(" ")
    ).filter((pid) => pid !== "");
    const pid = children.find((pid) => {
      try {
        return Deno.readTextFileSync(`/proc/${pid}/comm`).trim() === "vsftpd";
      } catch {
        return false;
      }
    });
    if (pid === undefined) return NaN;
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
    // utime, stime, cutime, cstime: fields 14-17 of stat(5), in ticks of 1/100 s.
    return fields.slice(11, 15).map(Number).reduce((a, b) => a + b, 0) / 100;
  };

  const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");

  interface Result {
    client: string;
    parallel: number;
    seconds: number[];
    /** CPU seconds (user + system) of the process and its children. */
    cpu: number[];
    /** Peak resident set (KiB). */
    peakKiB: number[];
    /** vsftpd's CPU seconds in the run (with FERRY_BENCH_FLOOR=2). */
    server: number[];
  }

  const interleaved = async (parallel: number): Promise<Result[]> => {
    const cells = [
      { client: "ferry", command: ferry(parallel) },
      { client: "lftp", command: lftp(parallel) },
    ];
    if (BASELINE) cells.push({ client: "before", command: ferry(parallel, [], BASELINE) });
    if (installed) {
      cells.push({ client: "installed", command: installed.installed(parallel) });
      cells.push({ client: "installed-fast", command: installed.fast(parallel) });
    }
    if (FLOOR) {
      cells.push({ client: "floor", command: floor(parallel, "plain") });
      cells.push({ client: "floor+", command: floor(parallel, "full") });
    }
    if (SPLIT) {
      for (const threads of [1, 2]) {
        cells.push({
          client: `floor+${threads}t`,
          command: split("_small_files_floor_split.ts", parallel, threads),
        });
        cells.push({
          client: `lib-${threads}t`,
          command: split("_small_files_library.ts", parallel, threads),
        });
      }
    }
    const seconds = cells.map(() => [] as number[]);
    const cpu = cells.map(() => [] as number[]);
    const peakKiB = cells.map(() => [] as number[]);
    const server = cells.map(() => [] as number[]);
    for (let round = 0; round <= RUNS; round++) {
      for (const [i, c] of cells.entries()) {
        await clean();
        const serverBefore = SPLIT ? serverCpu() : NaN;
        const result = await timed(c.command);
        // vsftpd reaps each ended session's processes as their SIGCHLD comes.
        if (SPLIT) await new Promise((resolve) => setTimeout(resolve, 100));
        if (SPLIT) server[i].push(serverCpu() - serverBefore);
        if (round === 0) continue;
        await check();
        seconds[i].push(result.seconds);
        cpu[i].push(result.cpu);
        peakKiB[i].push(result.peakKiB);
      }
    }
    return cells.map((c, i) => ({
      client: c.client,
      parallel,
      seconds: seconds[i],
      cpu: cpu[i],
      peakKiB: peakKiB[i],
      server: server[i].slice(1),
    }));
  };

  console.log(`vsftpd on ${base}; ${FILES} × ${BYTES} B; ${RUNS} rounds; load ${load()}`);
  for (const parallel of PARALLEL) {
    const before = load();
    const [f, l, ...others] = await interleaved(parallel);
    const b = others.find((r) => r.client === "before");
    const fs = median(f.seconds);
    const ls = median(l.seconds);
    const line = (r: Result, s: number) =>
      `  ${r.client.padEnd(6)} ${s.toFixed(3)} s  ${(FILES / s).toFixed(0).padStart(5)} files/s  ` +
      `CPU ${median(r.cpu).toFixed(2)} s  RSS ${(median(r.peakKiB) / 1024).toFixed(0)} MiB  ` +
      (SPLIT ? `vsftpd CPU ${median(r.server).toFixed(2)} s  ` : "") + `(runs ${
        r.seconds.map((x) => x.toFixed(2)).join(" ")
      }; ` +
      `CPU ${r.cpu.map((x) => x.toFixed(2)).join(" ")})`;
    console.log(`--parallel ${parallel} (load before ${before}, after ${load()})`);
    console.log(line(f, fs));
    console.log(line(l, ls));
    console.log(`  ratio lftp/ferry ${(ls / fs).toFixed(2)}`);
    if (b) {
      console.log(line(b, median(b.seconds)));
      console.log(`  ratio lftp/before ${(ls / median(b.seconds)).toFixed(2)}`);
      // Paired: the same round ran both, under the same load.
      const fewer = f.cpu.filter((cpu, i) => cpu < b.cpu[i]).length;
      console.log(`  ferry used less CPU than before in ${fewer} of ${f.cpu.length} rounds`);
    }
    for (const r of others.filter((r) => r.client !== "before")) {
      console.log(line(r, median(r.seconds)));
      if (r.client.startsWith("installed") || SPLIT) {
        console.log(`  ratio lftp/${r.client} ${(ls / median(r.seconds)).toFixed(2)}`);
      }
    }
    if (SPLIT) {
      // Paired: one isolate and two ran in the same rounds.
      for (const [one, two] of [["floor+1t", "floor+2t"], ["lib-1t", "lib-2t"]]) {
        const a = others.find((r) => r.client === one)!;
        const b = others.find((r) => r.client === two)!;
        const faster = b.seconds.filter((s, i) => s < a.seconds[i]).length;
        console.log(
          `  ${two} took less wall time than ${one} in ${faster} of ${a.seconds.length} rounds`,
        );
      }
    }
  }

  if (SPLIT) {
    // Where each split script's time goes, from its own clock (one JSON line a run).
    const parallel = PARALLEL[0];
    console.log(`split start-up, --parallel ${parallel}, ${RUNS} runs each (load ${load()})`);
    const kinds = ["_small_files_floor_split.ts", "_small_files_library.ts"].flatMap((script) =>
      [1, 2].map((threads) => ({ script, threads, traces: [] as Record<string, number>[] }))
    );
    // Interleaved, as the rounds above.
    for (let i = 0; i < RUNS; i++) {
      for (const { script, threads, traces } of kinds) {
        await clean();
        traces.push(JSON.parse(await run(split(script, parallel, threads, true))));
        await check();
      }
    }
    for (const { script, threads, traces } of kinds) {
      const keys = Object.keys(traces[0]).filter((k) => Number.isFinite(traces[0][k]));
      console.log(
        `  ${script} ${threads}t: ` +
          keys.map((k) => `${k} ${median(traces.map((t) => t[k])).toFixed(1)}`).join(", "),
      );
    }
    console.log(`  (load after ${load()})`);
  }

  if (PROFILE) {
    await Deno.mkdir(PROFILE, { recursive: true });
    await clean();
    await timed(ferry(8, [`--cpu-prof`, `--cpu-prof-dir=${PROFILE}`]));
    await check();
    for (const entry of Deno.readDirSync(PROFILE)) {
      if (entry.name.endsWith(".cpuprofile")) summarise(join(PROFILE, entry.name));
    }
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
}

/** Prints a V8 CPU profile's self time by function and by file (the top ones). */
function summarise(path: string) {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }
  const profile = JSON.parse(Deno.readTextFileSync(path)) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^.*\/(src|ext|node_modules)\//, "$1/") || "(native)";
    const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) =>
      `  ${(100 * us / total).toFixed(1).padStart(5)}%  ${k}`
    ).join("\n");
  console.log(`profile ${path}: ${(total / 1000).toFixed(0)} ms sampled`);
  console.log(`by function:\n${top(byFunction, 30)}`);
  console.log(`by file:\n${top(byFile, 20)}`);
}
