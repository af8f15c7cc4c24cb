/**
 * `deno run -A bench/directories.ts`: fresh deploys into a missing remote
 * folder over an emulated long link (vsftpd on loopback behind
 * bench/_delay_proxy.ts, RTT 40 ms by default), where creating the
 * directories is most of the round trips: 20 nested directories (3 levels,
 * 14 files) over one connection and over four, and 20 directories of 15
 * files over eight. The runner runs in this process (no start-up counted);
 * each job runs into a new folder, its files' hashes checked after every
 * run. Prints, per job, the median time, the flights (round trips the
 * clients waited for; they do not depend on the machine's load), the
 * busiest connection's flights and the commands that make directories.
 * The numbers in docs/performance.md ("Creating directories") come from it,
 * run on the code before and after. Needs root (vsftpd).
 *
 *   FERRY_BENCH_RTT_MS=40     round trip, milliseconds
 *   FERRY_BENCH_RUNS=3        runs per job
 *
 * @module
 */

import { join } from "node:path";
import { loadTask, runTask } from "../src/runner/mod.ts";
import { startVsftpd } from "../tests/_servers/vsftpd.ts";
import { median, sha256File } from "./_bench_kit.ts";
import { DelayProxy } from "./_delay_proxy.ts";

const RUNS = Number(Deno.env.get("FERRY_BENCH_RUNS") ?? 3);
const RTT_MS = Number(Deno.env.get("FERRY_BENCH_RTT_MS") ?? 40);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("FERRY_BENCH_RUNS must be 1 or more");
if (!(RTT_MS >= 0)) throw new Error("FERRY_BENCH_RTT_MS must be 0 or more (milliseconds)");

/** Writes `files` (relative path to content) under `root`. */
async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await Deno.mkdir(join(root, rel, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, rel), content);
  }
}

const nested: Record<string, string> = {};
for (let a = 0; a < 2; a++) {
  nested[`s${a}/index.html`] = `section ${a}\n`;
  for (let b = 0; b < 3; b++) {
    for (let c = 0; c < 2; c++) nested[`s${a}/p${b}/q${c}/page.html`] = `${a}.${b}.${c}\n`;
  }
}
const flat: Record<string, string> = {};
for (let d = 0; d < 20; d++) {
  for (let f = 0; f < 15; f++) flat[`d${d}/p${f}.html`] = `${d}.${f}\n`.repeat(100 + f);
}
const JOBS = [
  { name: "20 nested directories, 14 files, 1 connection", files: nested, parallel: 1 },
  { name: "20 nested directories, 14 files, 4 connections", files: nested, parallel: 4 },
  { name: "20 directories of 15 files, 8 connections", files: flat, parallel: 8 },
];

const local = await Deno.makeTempDir({ prefix: "ferry-bench-dirs-" });
await using vsftpd = await startVsftpd({ maxPerIp: 64 });
await using proxy = DelayProxy.start({
  target: { hostname: "127.0.0.1", port: vsftpd.port },
  delayMs: RTT_MS / 2,
});
try {
  let folder = 0;
  for (const [j, job] of JOBS.entries()) {
    const source = join(local, `site${j}`);
    await writeFiles(source, job.files);
    const seconds: number[] = [];
    let last = "";
    for (let i = 0; i < RUNS; i++) {
      const remote = `pub/run${folder++}/www`;
      const task = join(local, "task.yaml");
      await Deno.writeTextFile(
        task,
        `version: 1\nconnection: { url: "ftp://${proxy.hostname}:${proxy.port}", ` +
          `parallel: ${job.parallel} }\nsteps:\n` +
          `  - sync: { direction: up, local: ${source}, remote: ${remote} }\n`,
      );
      const before = proxy.stats();
      const t0 = performance.now();
      const report = await runTask(await loadTask(task, { envFile: false }));
      seconds.push((performance.now() - t0) / 1000);
      if (!report.ok) throw new Error(`${job.name}: ${JSON.stringify(report.steps[0])}`);
      for (const rel of Object.keys(job.files)) {
        const [sent, arrived] = await Promise.all([
          sha256File(join(source, rel)),
          sha256File(join(vsftpd.dir, "..", remote, rel)),
        ]);
        if (sent !== arrived) throw new Error(`${job.name}: ${rel} arrived changed`);
      }
      const after = proxy.stats();
      const count = (verb: string) => (after.verbs[verb] ?? 0) - (before.verbs[verb] ?? 0);
      const connections = after.connections.slice(before.connections.length);
      const busiest = Math.max(...connections.map((c) => c.commandsPerFlight.length));
      last = `flights ${after.flights - before.flights}, busiest connection ${busiest}, ` +
        `MKD ${count("MKD")}, CWD ${count("CWD")}, PWD ${count("PWD")}`;
    }
    console.log(`${job.name}: ${median(seconds).toFixed(2)} s (median of ${RUNS}), ${last}`);
  }
} finally {
  await Deno.remove(local, { recursive: true });
}
