// The WAN benchmark's measuring (bench/wan.ts): a tool's fresh process timed
// with the proxy's counts and CPU, jobs run round by round, a ping through
// the proxy, and the checks that every file arrived whole or, for a no-change
// run, that nothing changed.

import { createHash } from "node:crypto";
import { join } from "node:path";
import { median, run, timed } from "./_bench_kit.ts";
import { DelayProxy, type ProxyStats } from "./_delay_proxy.ts";
import type { WanMeasure } from "./_wan_report.ts";

/** One tool in one job: how to prepare, run and check a fresh process. */
export interface Cell {
  tool: string;
  how: string;
  prepare: () => Promise<void>;
  command: string[];
  check: () => Promise<void>;
}

/** One measured run. */
export interface Sample {
  seconds: number;
  stats: ProxyStats;
  cpuSeconds: number;
}

const ticksPerSecond = Number((await run(["getconf", "CLK_TCK"])).trim()) || 100;

/** CPU seconds this process (the proxy; the script idles while a tool runs) has used. */
function cpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** The machine's 1-minute load average, as /proc/loadavg gives it. */
export function loadAverage(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ")[0];
}

/** Waits (bounded) until every connection through the proxy has closed. */
async function settle(proxy: DelayProxy): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (proxy.stats().openConnections > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Prepares, runs and checks one fresh process of `cell`, through `proxy`
 * (whose counts it resets first and reads once every connection is closed)
 * or direct (`undefined`). Fails if the tool's data bypassed the proxy.
 */
export async function measure(cell: Cell, proxy: DelayProxy | undefined): Promise<Sample> {
  await cell.prepare();
  proxy?.resetStats();
  const cpu = cpuSeconds();
  const result = await timed(cell.command);
  const cpuSpent = cpuSeconds() - cpu;
  if (proxy) await settle(proxy);
  await cell.check();
  const stats = proxy?.stats() ?? emptyStats();
  if (proxy) {
    const active = Object.keys(stats.verbs).filter((v) => v === "PORT" || v === "EPRT");
    if (active.length > 0 || stats.dataConnections === 0) {
      throw new Error(
        `${cell.tool}: its data did not come through the proxy (${active.join(", ")}, ` +
          `${stats.dataConnections} data connections); only passive mode can be proxied`,
      );
    }
  }
  return { seconds: result.seconds, stats, cpuSeconds: cpuSpent };
}

function emptyStats(): ProxyStats {
  return {
    controlConnections: 0,
    flights: 0,
    commands: 0,
    dataConnections: 0,
    verbs: {},
    openConnections: 0,
    maxQueuedBytes: 0,
    connections: [],
  };
}

/** The 1-minute load averages read at the start and end of each job. */
export const loads: string[] = [];

/**
 * Runs a job's cells round by round (each tool once per round, `runs`
 * rounds), after an unmeasured warm-up round if asked, and summarizes each
 * tool's runs.
 */
export async function runJob(
  name: string,
  files: number,
  cells: Cell[],
  proxy: DelayProxy,
  runs: number,
  warmUp = false,
): Promise<WanMeasure[]> {
  loads.push(loadAverage());
  const samples = cells.map(() => [] as Sample[]);
  for (let round = warmUp ? 0 : 1; round <= runs; round++) {
    for (const [i, cell] of cells.entries()) {
      const sample = await measure(cell, proxy);
      if (round > 0) samples[i].push(sample);
    }
  }
  loads.push(loadAverage());
  return cells.map((cell, i) => {
    const done = samples[i];
    const byFlights = [...done].sort((a, b) => a.stats.flights - b.stats.flights);
    const middle = byFlights[(byFlights.length - 1) >> 1];
    const m: WanMeasure = {
      job: name,
      tool: cell.tool,
      how: cell.how,
      files,
      seconds: median(done.map((r) => r.seconds)),
      all: done.map((r) => r.seconds),
      flights: median(done.map((r) => r.stats.flights)),
      commands: median(done.map((r) => r.stats.commands)),
      controlConnections: median(done.map((r) => r.stats.controlConnections)),
      dataConnections: median(done.map((r) => r.stats.dataConnections)),
      verbs: middle.stats.verbs,
      proxyCpuSeconds: middle.cpuSeconds,
    };
    console.log(
      `${name.padEnd(44)} ${cell.tool.padEnd(10)} ${m.seconds.toFixed(2).padStart(7)} s  ` +
        `${(m.flights / files).toFixed(2)} flights/file  (${m.flights} flights, ` +
        `${m.controlConnections}+${m.dataConnections} connections)`,
    );
    return m;
  });
}

// ---- Files -------------------------------------------------------------------

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Fails unless `dir` holds exactly `expected` (name → SHA-256), recursively. */
export async function expectTree(dir: string, expected: Map<string, string>): Promise<void> {
  const found = await hashTree(dir);
  for (const [name, hash] of expected) {
    const actual = found.get(name);
    if (actual !== hash) {
      throw new Error(`${join(dir, name)}: ${actual ? `hash ${actual}` : "missing"}`);
    }
  }
  const extra = [...found.keys()].filter((name) => !expected.has(name));
  if (extra.length > 0) throw new Error(`${dir}: unexpected files ${extra.slice(0, 5).join(", ")}`);
}

/** Relative path → SHA-256 of every file under `dir` (none when it is missing). */
async function hashTree(dir: string, prefix = ""): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(join(dir, prefix))];
  } catch {
    return hashes;
  }
  for (const entry of entries) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) {
      for (const [p, h] of await hashTree(dir, path)) hashes.set(p, h);
    } else {
      hashes.set(path, sha256(await Deno.readFile(join(dir, path))));
    }
  }
  return hashes;
}

/** Relative path → size and modification time, to show that a re-run changed nothing. */
export function statTree(dir: string, prefix = ""): Map<string, string> {
  const stats = new Map<string, string>();
  for (const entry of Deno.readDirSync(join(dir, prefix))) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) {
      for (const [p, s] of statTree(dir, path)) stats.set(p, s);
    } else {
      const info = Deno.statSync(join(dir, path));
      stats.set(path, `${info.size} ${info.mtime?.getTime()}`);
    }
  }
  return stats;
}

/**
 * The median round trip of 20 small pings through a proxy with the
 * benchmark's delay, to an echo server: what a round trip really cost.
 */
export async function pingMs(rttMs: number): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const echo = (async () => {
    using conn = await listener.accept();
    const buffer = new Uint8Array(64);
    // Bounded by the pinging side, which closes after its pings.
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      await conn.write(buffer.subarray(0, n));
    }
  })();
  await using ping = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port },
    delayMs: rttMs / 2,
  });
  const times: number[] = [];
  {
    using conn = await Deno.connect({ hostname: ping.hostname, port: ping.port });
    const buffer = new Uint8Array(64);
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      await conn.write(new TextEncoder().encode("NOOP\r\n"));
      await conn.read(buffer);
      times.push(performance.now() - start);
    }
  }
  await echo.catch(() => {});
  listener.close();
  return median(times);
}
