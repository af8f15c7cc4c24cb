/**
 * `deno task bench:tls-memory`: one 1 GiB FTPS download (or upload) per run, through
 * each of ferry's TLS paths, with its peak RSS and its time, against lftp
 * in the same rounds. vsftpd 3.0.3 on 127.0.0.1, the file on tmpfs:
 *
 * - `node`: Node's TLS in a worker (the path for servers that require TLS
 *   session reuse; this vsftpd has `require_ssl_reuse=YES`);
 * - `native`: Deno's TLS (a second vsftpd on the same files without that
 *   requirement);
 * - `lftp`: `lftp -e 'get'` against the server without the requirement.
 *
 * Each run is a fresh process; rounds are interleaved (every path once per
 * round, after one unmeasured warm-up round), every file's SHA-256 is
 * checked, and the 1-minute load average is read before each round (the
 * machine is shared). `FERRY_BENCH_RUNS` sets the rounds (default 5);
 * `FERRY_BENCH_BASELINE=DIR` adds the `node` and `native` paths of another
 * checkout of ferry (say, `git archive` of an older commit) as "before";
 * `FERRY_BENCH_DIRECTION=put` measures uploads (`uploadFrom`, lftp `put`)
 * instead of downloads, and `FERRY_BENCH_PATHS=node,lftp` runs only the
 * paths named (default: all).
 * Prints a Markdown table; docs/performance.md keeps the numbers by hand.
 * (Commit 0470438 also measured Deno's TLS run in a worker, issue 15's
 * experiment for FTPS get; docs/performance.md has why it was not kept.)
 *
 * @module
 */

import { join } from "node:path";
import { makeTestPki } from "../tests/_servers/certs.ts";
import { startVsftpd } from "../tests/_servers/vsftpd.ts";
import {
  assertLftpEncrypts,
  lftpFtpsSettings,
  makeFile,
  median,
  sha256File,
  timed,
} from "./_bench_kit.ts";

const RUNS = Number(Deno.env.get("FERRY_BENCH_RUNS") ?? 5);
const SIZE = Number(Deno.env.get("FERRY_BENCH_BYTES") ?? 1 << 30);
const baseline = Deno.env.get("FERRY_BENCH_BASELINE");
const put = Deno.env.get("FERRY_BENCH_DIRECTION") === "put";
const paths = Deno.env.get("FERRY_BENCH_PATHS")?.split(",");
const repo = new URL("..", import.meta.url);
const child = new URL("./_tls_memory_child.ts", import.meta.url).pathname;
const work = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "ferry-tls-memory-" });
const MiB = 1 << 20;

interface Cell {
  label: string;
  run(): Promise<{ wall: number; transfer?: number; peakRss: number }>;
}

function loadAverage(): number {
  return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
}

async function ferry(
  mod: URL,
  path: string,
  url: string,
  caPath: string,
  local: string,
): Promise<{ wall: number; transfer: number; peakRss: number }> {
  const started = performance.now();
  const [remote, direction] = put ? ["up.bin", "put"] : ["big.bin", "get"];
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", child, mod.href, url, caPath, path, remote, local, direction],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wall = (performance.now() - started) / 1000;
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr).slice(-2000));
  const result = JSON.parse(new TextDecoder().decode(output.stdout));
  return { wall, transfer: result.seconds, peakRss: result.peakRss };
}

async function lftp(port: number, caPath: string, local: string) {
  const job = put ? `put ${local} -o pub/up.bin` : `get pub/big.bin -o ${local}`;
  const { seconds, peakKiB } = await timed([
    "lftp",
    "-e",
    `${lftpFtpsSettings(caPath)}; ${job}; bye`,
    `ftp://localhost:${port}`,
  ]);
  return { wall: seconds, peakRss: peakKiB * 1024 };
}

try {
  const root = join(work, "root");
  await Deno.mkdir(join(root, "pub"), { recursive: true });
  await Deno.chmod(root, 0o755);
  console.log(`making ${SIZE} bytes on tmpfs`);
  const hash = await makeFile(join(root, "pub", "big.bin"), SIZE, 21);
  await Deno.chmod(join(root, "pub", "big.bin"), 0o644);
  // Uploads land in pub, as the anonymous user vsftpd runs them as.
  if (put) await Deno.chmod(join(root, "pub"), 0o777);
  const pki = await makeTestPki();
  const tls = { certPath: pki.server.certPath, keyPath: pki.server.keyPath };
  await using reuse = await startVsftpd({
    tls: { ...tls, requireSslReuse: true },
    config: { anon_root: root },
  });
  await using noReuse = await startVsftpd({
    tls: { ...tls, requireSslReuse: false },
    config: { anon_root: root },
  });
  // A download's local file; an upload's is the served file itself, and its result up.bin.
  const out = put ? join(root, "pub", "big.bin") : join(work, "out.bin");
  const landed = put ? join(root, "pub", "up.bin") : out;
  const urlOf = (port: number) => `ftpes://anonymous@localhost:${port}/pub`;
  const trees: [string, URL][] = [["", new URL("mod.ts", repo)]];
  if (baseline) trees.unshift([" (before)", new URL(`file://${join(baseline, "mod.ts")}`)]);
  const cells: Cell[] = [];
  for (const [suffix, mod] of trees) {
    cells.push({
      label: `node${suffix}`,
      run: () => ferry(mod, "node", urlOf(reuse.port), pki.caPath, out),
    });
    cells.push({
      label: `native${suffix}`,
      run: () => ferry(mod, "native", urlOf(noReuse.port), pki.caPath, out),
    });
  }
  await assertLftpEncrypts(`ftp://localhost:${noReuse.port}`, pki.caPath);
  cells.push({ label: "lftp", run: () => lftp(noReuse.port, pki.caPath, out) });
  if (paths) {
    cells.splice(
      0,
      cells.length,
      ...cells.filter((c) => paths.includes(c.label.split(" ")[0])),
    );
  }

  const results = new Map(cells.map((c) => [c.label, [] as Awaited<ReturnType<Cell["run"]>>[]]));
  const loads: number[] = [];
  for (let round = 0; round <= RUNS; round++) {
    loads.push(loadAverage());
    for (const cell of cells) {
      await Deno.remove(landed).catch(() => {});
      const result = await cell.run();
      const actual = await sha256File(landed);
      if (actual !== hash) throw new Error(`${cell.label}: SHA-256 ${actual}, expected ${hash}`);
      if (round === 0) continue;
      results.get(cell.label)!.push(result);
      console.log(
        `round ${round} ${cell.label.padEnd(16)} ${result.wall.toFixed(2)} s` +
          `${result.transfer ? ` (transfer ${result.transfer.toFixed(2)} s)` : ""}` +
          `  peak RSS ${(result.peakRss / MiB).toFixed(0)} MiB`,
      );
    }
  }
  loads.push(loadAverage());
  const lftpRuns = results.get("lftp");
  const lftpWall = lftpRuns ? median(lftpRuns.map((r) => r.wall)) : undefined;
  const lines = [
    `${(SIZE / MiB).toFixed(0)} MiB FTPS ${put ? "put" : "get"}, ${RUNS} interleaved rounds, ${
      new Date().toISOString().slice(0, 10)
    }; ` +
    `1-minute load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
    "",
    "| path | process, median | MB/s | / lftp | transfer only, median | peak RSS, median (range) |",
    "| ---- | --------------- | ---- | ------ | --------------------- | ------------------------ |",
  ];
  for (const [label, runs] of results) {
    const wall = median(runs.map((r) => r.wall));
    const transfers = runs.flatMap((r) => r.transfer === undefined ? [] : [r.transfer]);
    const rss = runs.map((r) => r.peakRss / MiB);
    lines.push(
      `| ${label} | ${wall.toFixed(2)} s | ${(SIZE / wall / 1e6).toFixed(0)} | ${
        lftpWall ? (lftpWall / wall).toFixed(2) : "—"
      } | ${transfers.length ? `${median(transfers).toFixed(2)} s` : "—"} | ${
        median(rss).toFixed(0)
      } MiB (${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)}) |`,
    );
  }
  lines.push("", "Every run (process seconds):");
  for (const [label, runs] of results) {
    lines.push(`- ${label}: ${runs.map((r) => r.wall.toFixed(2)).join(", ")}`);
  }
  console.log(lines.join("\n"));
  await Deno.remove(pki.dir, { recursive: true }).catch(() => {});
} finally {
  await Deno.remove(work, { recursive: true }).catch(() => {});
}
