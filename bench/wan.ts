/**
 * `deno task bench:wan`: ferry against curl, lftp, Python's ftplib and
 * basic-ftp over an emulated long link: vsftpd on loopback behind
 * bench/_delay_proxy.ts (RTT 40 ms by default, no bandwidth cap), every tool
 * through it in the same run, as fresh processes. Jobs: 200 files of 4 KiB
 * fetched over one connection and over eight, put over eight, one small file
 * from a cold start, and a no-change re-run of a 300-file, 20-directory
 * deploy. Each cell is the median of its runs (run round by round, so that a
 * slow moment of the shared machine falls on every tool alike); every file's
 * hash is checked after every run; the proxy counts each run's flights
 * (round trips the client waited for), commands and connections. Last, the
 * proxy's own cost: one job direct and through the proxy at RTT 0.
 *
 * Writes the "Over a real link" section of docs/performance.md (the rest of
 * the file is left alone). Needs root (vsftpd, apt).
 *
 *   FERRY_BENCH_RTT_MS=40     round trip, milliseconds
 *   FERRY_BENCH_RUNS=3        runs per cell
 *   FERRY_BENCH_RATE=N        cap each connection at N bytes/s per direction
 *   FERRY_BENCH_QUICK=1       20 files, 1 run, no report: checks the script
 *
 * @module
 */

import { join } from "node:path";
import { startVsftpd } from "../tests/_servers/vsftpd.ts";
import { installPeers, makeFile, median, run } from "./_bench_kit.ts";
import { DelayProxy } from "./_delay_proxy.ts";
import {
  type Cell,
  expectTree,
  loadAverage,
  loads,
  measure,
  pingMs,
  runJob,
  statTree,
} from "./_wan_measure.ts";
import {
  type OverheadMeasure,
  renderWanSection,
  type WanMeasure,
  writeWanReport,
} from "./_wan_report.ts";

const env = (name: string) => Deno.env.get(name);
const QUICK = env("FERRY_BENCH_QUICK") === "1";
const RUNS = QUICK ? 1 : Number(env("FERRY_BENCH_RUNS") ?? 3);
const RTT_MS = Number(env("FERRY_BENCH_RTT_MS") ?? 40);
const RATE = env("FERRY_BENCH_RATE") ? Number(env("FERRY_BENCH_RATE")) : undefined;
const FILES = QUICK ? 20 : 200;
const FILE_BYTES = 4096;
const DEPLOY_DIRS = QUICK ? 3 : 20;
const DEPLOY_FILES_PER_DIR = 15;
const DEPLOY_FILES = DEPLOY_DIRS * DEPLOY_FILES_PER_DIR;
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("FERRY_BENCH_RUNS must be 1 or more");
if (!(RTT_MS >= 0)) throw new Error("FERRY_BENCH_RTT_MS must be 0 or more (milliseconds)");
if (RATE !== undefined && !(RATE > 0)) {
  throw new Error("FERRY_BENCH_RATE must be a positive number of bytes per second");
}

const repo = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();
const ferryCli = [deno, "run", "-A", join(repo, "src/cli/mod.ts")];
const nodeDir = join(repo, ".ci/work/bench-node");

const remove = (path: string) => Deno.remove(path, { recursive: true }).catch(() => {});

// ---- Setup -------------------------------------------------------------------

await installPeers(nodeDir);
const python = (await run(["python3", "-c", "import sys; print(sys.executable)"])).trim();
const work = await Deno.makeTempDir({ dir: "/dev/shm", prefix: "ferry-bench-wan-" });
await Deno.chmod(work, 0o755);
const root = join(work, "root");
const pub = join(root, "pub");
const out = join(work, "out");
const upload = join(work, "upload");
const site = join(work, "site");
await Deno.mkdir(join(pub, "small"), { recursive: true });
await Deno.mkdir(out, { recursive: true });
await Deno.mkdir(upload, { recursive: true });
await Deno.chmod(root, 0o755);
await Deno.chmod(pub, 0o777);

console.log(`making files in ${work}`);
const smallHashes = new Map<string, string>();
for (let i = 1; i <= FILES; i++) {
  const name = `f${String(i).padStart(4, "0")}.bin`;
  smallHashes.set(name, await makeFile(join(pub, "small", name), FILE_BYTES, i));
  await Deno.copyFile(join(pub, "small", name), join(upload, name));
}
const siteHashes = new Map<string, string>();
for (let d = 0; d < DEPLOY_DIRS; d++) {
  const dir = `d${String(d).padStart(2, "0")}`;
  await Deno.mkdir(join(site, dir), { recursive: true });
  for (let f = 0; f < DEPLOY_FILES_PER_DIR; f++) {
    const name = `${dir}/page${String(f).padStart(2, "0")}.html`;
    const size = 1024 + ((d * DEPLOY_FILES_PER_DIR + f) * 517) % 7168;
    siteHashes.set(name, await makeFile(join(site, name), size, 1000 + d * 100 + f));
  }
}

const vsftpd = await startVsftpd({ maxPerIp: 64, config: { anon_root: root } });
const version = (await run(["dpkg-query", "-W", "-f=${Version}", "vsftpd"]).catch(() => ""))
  .trim();
const proxy = DelayProxy.start({
  target: { hostname: "127.0.0.1", port: vsftpd.port },
  delayMs: RTT_MS / 2,
  rateBytesPerSecond: RATE,
});
const base = `ftp://${proxy.hostname}:${proxy.port}`;
console.log(`vsftpd on 127.0.0.1:${vsftpd.port}, through the proxy at ${base} (RTT ${RTT_MS} ms)`);

const pings = [await pingMs(RTT_MS)];
const measures: WanMeasure[] = [];
const noop = () => Promise.resolve();
const basicFtp = `const ftp=require(${JSON.stringify(join(nodeDir, "node_modules/basic-ftp"))});`;
const pythonFtp = (host: string, port: number, body: string) => [
  python,
  "-c",
  `import ftplib\nf=ftplib.FTP();f.connect('${host}',${port});f.login()\n${body}\nf.quit()`,
];
const nodeFtp = (host: string, port: number, body: string) => [
  "node",
  "-e",
  `${basicFtp}(async()=>{const c=new ftp.Client();await c.access({host:'${host}',port:${port}});${body};c.close()})()`,
];

// ---- One small file, cold ----------------------------------------------------

const one = join(out, "one.bin");
const oneFile = new Map([["one.bin", smallHashes.get("f0001.bin")!]]);
const oneDir = async () => {
  await remove(out);
  await Deno.mkdir(out, { recursive: true });
};
const checkOne = () => expectTree(out, oneFile);
const coldJob = "one small file, cold start";
measures.push(
  ...await runJob(
    coldJob,
    1,
    [
      {
        tool: "ferry",
        how: "ferry get URL FILE",
        prepare: oneDir,
        command: [
          ...ferryCli,
          "get",
          `${base}/pub/small/f0001.bin`,
          one,
          "-q",
          "--overwrite",
          "always",
        ],
        check: checkOne,
      },
      {
        tool: "curl",
        how: "curl -o FILE URL",
        prepare: oneDir,
        command: ["curl", "-s", "-o", one, `${base}/pub/small/f0001.bin`],
        check: checkOne,
      },
      {
        tool: "lftp",
        how: "lftp -e 'get'",
        prepare: oneDir,
        command: [
          "lftp",
          "-e",
          `set ftp:ssl-allow no; get pub/small/f0001.bin -o ${one}; bye`,
          base,
        ],
        check: checkOne,
      },
      {
        tool: "ftplib",
        how: "retrbinary",
        prepare: oneDir,
        command: pythonFtp(
          proxy.hostname,
          proxy.port,
          `with open('${one}','wb') as o: f.retrbinary('RETR pub/small/f0001.bin',o.write)`,
        ),
        check: checkOne,
      },
      {
        tool: "basic-ftp",
        how: "downloadTo",
        prepare: oneDir,
        command: nodeFtp(
          proxy.hostname,
          proxy.port,
          `await c.downloadTo('${one}','pub/small/f0001.bin')`,
        ),
        check: checkOne,
      },
    ],
    proxy,
    RUNS,
    true,
  ),
);

// ---- Get N files over one connection, then over eight --------------------------

const got = join(out, "small");
const fresh = async () => {
  await remove(got);
  await Deno.mkdir(out, { recursive: true });
};
const checkGot = () => expectTree(got, smallHashes);
const last = String(FILES).padStart(4, "0");
const ferryGet = (parallel: number): Cell => ({
  tool: "ferry",
  how: `ferry get URL/ DIR/ --parallel ${parallel}`,
  prepare: fresh,
  command: [
    ...ferryCli,
    "get",
    `${base}/pub/small/`,
    `${got}/`,
    "-q",
    "--overwrite",
    "always",
    "--parallel",
    String(parallel),
  ],
  check: checkGot,
});
const lftpMirror = (args: string): Cell => ({
  tool: "lftp",
  how: `lftp -e 'mirror${args === "" ? "" : ` ${args}`}'`,
  prepare: fresh,
  command: ["lftp", "-e", `set ftp:ssl-allow no; mirror ${args} pub/small ${got}; bye`, base],
  check: checkGot,
});
const getOne = `get ${FILES} × 4 KiB, 1 connection`;
measures.push(
  ...await runJob(
    getOne,
    FILES,
    [
      ferryGet(1),
      {
        tool: "curl",
        how: "curl URL-glob (one connection, reused)",
        prepare: fresh,
        command: [
          "curl",
          "-s",
          "--create-dirs",
          "-o",
          `${got}/f#1.bin`,
          `${base}/pub/small/f[0001-${last}].bin`,
        ],
        check: checkGot,
      },
      lftpMirror(""),
      {
        tool: "ftplib",
        how: "nlst, then retrbinary each",
        prepare: async () => {
          await fresh();
          await Deno.mkdir(got);
        },
        command: pythonFtp(
          proxy.hostname,
          proxy.port,
          `for n in f.nlst('pub/small'):\n  name=n.split('/')[-1]\n  with open('${got}/'+name,'wb') as o: f.retrbinary('RETR pub/small/'+name,o.write)`,
        ),
        check: checkGot,
      },
      {
        tool: "basic-ftp",
        how: "downloadToDir",
        prepare: fresh,
        command: nodeFtp(proxy.hostname, proxy.port, `await c.downloadToDir('${got}','pub/small')`),
        check: checkGot,
      },
    ],
    proxy,
    RUNS,
  ),
);
const getEight = `get ${FILES} × 4 KiB, 8 connections`;
measures.push(...await runJob(getEight, FILES, [ferryGet(8), lftpMirror("-P8")], proxy, RUNS));

// ---- Put N files over eight connections ----------------------------------------

const putJob = `put ${FILES} × 4 KiB, 8 connections`;
const putTarget = (tool: string) => join(pub, `put-${tool}`);
measures.push(
  ...await runJob(
    putJob,
    FILES,
    [
      {
        tool: "ferry",
        how: "ferry put DIR/ URL/ --parallel 8",
        prepare: () => remove(putTarget("ferry")),
        command: [
          ...ferryCli,
          "put",
          `${upload}/`,
          `${base}/pub/put-ferry/`,
          "-q",
          "--parallel",
          "8",
        ],
        check: () => expectTree(putTarget("ferry"), smallHashes),
      },
      {
        tool: "lftp",
        how: "lftp -e 'mirror -R -P8 --no-perms'",
        prepare: () => remove(putTarget("lftp")),
        command: [
          "lftp",
          "-e",
          `set ftp:ssl-allow no; mirror -R -P8 --no-perms ${upload} pub/put-lftp; bye`,
          base,
        ],
        check: () => expectTree(putTarget("lftp"), smallHashes),
      },
    ],
    proxy,
    RUNS,
  ),
);

// ---- A no-change re-run of a deploy ----------------------------------------------

const deployJob = `no-change re-run, ${DEPLOY_FILES}-file ${DEPLOY_DIRS}-directory deploy`;
const deployTask = join(work, "deploy.yaml");
await Deno.writeTextFile(
  deployTask,
  `version: 1\nconnection:\n  url: ${base}/\n  parallel: 8\nsteps:\n` +
    `  - sync: { direction: up, local: ${site}, remote: pub/site-ferry, delete: true }\n`,
);
const ferryDeploy = [...ferryCli, "run", deployTask, "-q"];
const lftpDeploy = (parallel: string) => [
  "lftp",
  "-e",
  `set ftp:ssl-allow no; mirror -R --delete --no-perms ${parallel} ${site} pub/site-lftp; bye`,
  base,
];
// The first deploy (unmeasured) uploads the site; the measured re-runs must change nothing.
await run(ferryDeploy);
await run(lftpDeploy(""));
const deployed = (tool: string) => join(pub, `site-${tool}`);
const snapshots = new Map(["ferry", "lftp"].map((t) => [t, statTree(deployed(t))]));
const unchanged = (tool: string) => async () => {
  await expectTree(deployed(tool), siteHashes);
  const now = statTree(deployed(tool));
  const before = snapshots.get(tool)!;
  const changed = [...now].filter(([path, stat]) => before.get(path) !== stat);
  if (changed.length > 0 || now.size !== before.size) {
    throw new Error(`${tool} changed ${changed.map(([p]) => p).slice(0, 5).join(", ")}`);
  }
};
measures.push(
  ...await runJob(
    deployJob,
    DEPLOY_FILES,
    [
      {
        tool: "ferry",
        how: "ferry run: sync up, delete, parallel 8",
        prepare: noop,
        command: ferryDeploy,
        check: unchanged("ferry"),
      },
      {
        tool: "lftp",
        how: "lftp -e 'mirror -R --delete --no-perms'",
        prepare: noop,
        command: lftpDeploy(""),
        check: unchanged("lftp"),
      },
      {
        tool: "lftp -P8",
        how: "lftp -e 'mirror -R -P8 --delete --no-perms'",
        prepare: noop,
        command: lftpDeploy("-P8"),
        check: unchanged("lftp"),
      },
    ],
    proxy,
    RUNS,
  ),
);

// ---- The proxy's own cost --------------------------------------------------------

const overhead: OverheadMeasure[] = [];
{
  const instant = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: vsftpd.port },
    delayMs: 0,
  });
  const direct = `ftp://127.0.0.1:${vsftpd.port}`;
  const through = `ftp://${instant.hostname}:${instant.port}`;
  const ferryAt = (url: string) => [
    ...ferryCli,
    "get",
    `${url}/pub/small/`,
    `${got}/`,
    "-q",
    "--overwrite",
    "always",
    "--parallel",
    "1",
  ];
  const lftpAt = (url: string) => [
    "lftp",
    "-e",
    `set ftp:ssl-allow no; mirror pub/small ${got}; bye`,
    url,
  ];
  const pairs = [
    { tool: "ferry", direct: ferryAt(direct), proxied: ferryAt(through) },
    { tool: "lftp", direct: lftpAt(direct), proxied: lftpAt(through) },
  ];
  const results = pairs.map(() => ({ direct: [] as number[], proxied: [] as number[] }));
  loads.push(loadAverage());
  for (let round = 1; round <= RUNS; round++) {
    for (const [i, pair] of pairs.entries()) {
      const cell = (command: string[]): Cell => ({
        tool: pair.tool,
        how: "",
        prepare: fresh,
        command,
        check: checkGot,
      });
      results[i].direct.push((await measure(cell(pair.direct), undefined)).seconds);
      results[i].proxied.push((await measure(cell(pair.proxied), instant)).seconds);
    }
  }
  loads.push(loadAverage());
  await instant.close();
  for (const [i, pair] of pairs.entries()) {
    overhead.push({
      job: getOne,
      tool: pair.tool,
      files: FILES,
      directSeconds: results[i].direct,
      proxySeconds: results[i].proxied,
    });
    console.log(
      `RTT 0: ${pair.tool} direct ${median(results[i].direct).toFixed(3)} s, through the proxy ${
        median(results[i].proxied).toFixed(3)
      } s`,
    );
  }
}

pings.push(await pingMs(RTT_MS));
await proxy.close();
await vsftpd.close();
await remove(work);

const numbers = loads.map(Number);
const report = {
  date: new Date().toISOString().slice(0, 10),
  rttMs: RTT_MS,
  rateBytesPerSecond: RATE,
  runs: RUNS,
  server: `vsftpd ${version}`.trim(),
  load: `1-minute load average between ${Math.min(...numbers).toFixed(1)} and ${
    Math.max(...numbers).toFixed(1)
  } while the jobs ran`,
  pingMs: pings,
  jobs: [coldJob, getOne, getEight, putJob, deployJob],
  measures,
  overhead,
};
if (QUICK) {
  console.log(renderWanSection(report));
} else {
  const path = join(repo, "docs/performance.md");
  console.log(await writeWanReport(path, report));
  // The tables as deno fmt lays them out, so that `deno task check` stays clean.
  await run([deno, "fmt", "--quiet", path]);
}
