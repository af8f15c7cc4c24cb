/**
 * In-process, warm: a 1000-file get over 8 connections against vsftpd, run
 * ROUNDS times with the runner (loadTask/runTask), printing each round's CPU
 * (user + system) and wall time. Run under `--cpu-prof` or
 * `--v8-flags=--trace-gc` to see where the warm per-file work goes (the CLI
 * run of bench/small_files.ts is mostly cold code).
 *
 * `deno run -A bench/_per_file_profile.ts [rounds] [parallel]`
 *
 * @module
 */

import { join } from "node:path";
import process from "node:process";
import { startVsftpd } from "../tests/_servers/vsftpd.ts";
import { loadTask, runTask } from "../src/runner/mod.ts";

const ROUNDS = Number(Deno.args[0] ?? 6);
const PARALLEL = Number(Deno.args[1] ?? 8);
const FILES = 1000;
const work = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "ferry-per-file-" });
const root = join(work, "root");
const small = join(root, "pub", "small");
await Deno.mkdir(small, { recursive: true });
await Deno.chmod(root, 0o755);
await Deno.chmod(join(root, "pub"), 0o777);
const body = new Uint8Array(4096).fill(7);
for (let i = 1; i <= FILES; i++) {
  await Deno.writeFile(join(small, `f${String(i).padStart(4, "0")}.bin`), body);
}
await using vsftpd = await startVsftpd({
  maxPerIp: 64,
  config: { anon_root: root, pasv_min_port: "32000", pasv_max_port: "32999" },
});
const task = join(work, "task.yaml");
await Deno.writeTextFile(
  task,
  `version: 1\nconnection: { url: "ftp://127.0.0.1:${vsftpd.port}", parallel: ${PARALLEL} }\n` +
    `steps:\n  - get: { from: /pub/small/, to: ${join(work, "out")}/ }\n`,
);
const loaded = await loadTask(task, { envFile: false });
/** FERRY_HEAP=FILE: sample the allocations of the rounds after the first two (warm) into FILE. */
const HEAP = Deno.env.get("FERRY_HEAP");
const inspector = HEAP ? new (await import("node:inspector")).Session() : undefined;
inspector?.connect();
const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) =>
    inspector!.post(
      method,
      params ?? {},
      (error: Error | null, result: unknown) => error ? reject(error) : resolve(result),
    )
  );
for (let round = 0; round < ROUNDS; round++) {
  if (inspector && round === 2) {
    await post("HeapProfiler.startSampling", {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  await Deno.remove(join(work, "out"), { recursive: true }).catch(() => {});
  const cpu = process.cpuUsage();
  const t = performance.now();
  const report = await runTask(loaded, {});
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  if (!report.ok) throw new Error(JSON.stringify(report.steps.map((s) => s.error)));
  const ok = report.steps[0].actions.filter((a) => a.result === "ok").length;
  console.log(
    `round ${round}: ${ok} ok, wall ${wall.toFixed(0)} ms, CPU ${
      ((used.user + used.system) / 1000).toFixed(0)
    } ms (user ${(used.user / 1000).toFixed(0)}, system ${(used.system / 1000).toFixed(0)})`,
  );
}
if (inspector) {
  const { profile } = await post("HeapProfiler.stopSampling") as { profile: unknown };
  Deno.writeTextFileSync(HEAP!, JSON.stringify(profile));
}
await Deno.remove(work, { recursive: true });
