/**
 * `deno task bench:peers`: ferry against the FTP clients people pick instead
 * (curl, lftp, Python's ftplib, basic-ftp on Node), in one run, on the same
 * vsftpd on loopback with files on tmpfs. Every scenario runs each client as
 * fresh processes (start-up and login included), takes the median of the
 * runs, checks every transferred file's hash, and writes the table of
 * medians and ratios to docs/performance.md.
 *
 * Needs root (vsftpd, apt) and takes about ten minutes on two cores. Not part
 * of CI's test run. FERRY_BENCH_RUNS sets the runs per cell (default 5).
 *
 * @module
 */

import { join } from "node:path";
import { makeTestPki } from "../tests/_servers/certs.ts";
import { startVsftpd } from "../tests/_servers/vsftpd.ts";
import {
  assertLftpEncrypts,
  installPeers,
  lftpFtpsSettings,
  makeFile,
  median,
  sha256File,
  timed,
} from "./_bench_kit.ts";
import { type Measure, type Scenario, writeReport } from "./_peers_report.ts";

/** FERRY_BENCH_QUICK=1: small sizes and one run, to check the script itself (no report). */
const QUICK = Deno.env.get("FERRY_BENCH_QUICK") === "1";
const RUNS = QUICK ? 1 : Number(Deno.env.get("FERRY_BENCH_RUNS") ?? 5);
const GiB = QUICK ? 32 << 20 : 1 << 30;
const SMALL_FILES = QUICK ? 100 : 1000;
const SMALL_BYTES = 4096;
const LIST_ENTRIES = QUICK ? 2000 : 20_000;
const repo = new URL("..", import.meta.url).pathname;
const work = "/dev/shm/ferry-bench";
const ferry = ["run", "-A", join(repo, "src/cli/mod.ts")];

// ---- Timing ----------------------------------------------------------------

/** One client in one scenario: how to prepare, run and check a fresh process. */
interface Cell {
  client: string;
  scenario: string;
  prepare: () => Promise<void>;
  command: string[];
  check: () => Promise<void>;
}

function cell(
  client: string,
  scenario: string,
  prepare: () => Promise<void>,
  command: string[],
  check: () => Promise<void>,
): Cell {
  return { client, scenario, prepare, command, check };
}

/**
 * Measures a scenario's cells round by round (each client once per round,
 * so that a slow moment of a shared machine falls on every client alike),
 * after one unmeasured warm-up round (caches, page cache, compiled code).
 * Every measured run is checked.
 */
async function interleaved(cells: Cell[]): Promise<Measure[]> {
  const seconds = cells.map(() => [] as number[]);
  const peaks = cells.map(() => 0);
  for (let round = 0; round <= RUNS; round++) {
    for (const [i, c] of cells.entries()) {
      await c.prepare();
      const result = await timed(c.command);
      if (round === 0) continue;
      await c.check();
      seconds[i].push(result.seconds);
      peaks[i] = Math.max(peaks[i], result.peakKiB);
    }
  }
  return cells.map((c, i) => {
    const m = {
      client: c.client,
      scenario: c.scenario,
      seconds: median(seconds[i]),
      all: seconds[i],
      peakKiB: peaks[i],
    };
    console.log(
      `${c.scenario.padEnd(24)} ${c.client.padEnd(12)} ${m.seconds.toFixed(3)} s  peak ${
        (m.peakKiB / 1024).toFixed(0)
      } MiB`,
    );
    return m;
  });
}

// ---- The run ---------------------------------------------------------------

await installPeers(join(work, "node"));
await Deno.remove(work + "/root", { recursive: true }).catch(() => {});
const root = join(work, "root");
const pub = join(root, "pub");
const out = join(work, "out");
await Deno.mkdir(join(pub, "small"), { recursive: true });
await Deno.mkdir(join(pub, "list"), { recursive: true });
await Deno.mkdir(out, { recursive: true });
await Deno.chmod(root, 0o755);
await Deno.chmod(pub, 0o777);

console.log("making files on tmpfs");
const bigHash = await makeFile(join(pub, "big.bin"), GiB, 7);
await Deno.copyFile(join(pub, "big.bin"), join(work, "upload.bin"));
const smallHashes = new Map<string, string>();
for (let i = 1; i <= SMALL_FILES; i++) {
  const name = `f${String(i).padStart(4, "0")}.bin`;
  smallHashes.set(name, await makeFile(join(pub, "small", name), SMALL_BYTES, i));
}
for (let i = 0; i < LIST_ENTRIES; i++) {
  await Deno.writeFile(
    join(pub, "list", `entry-${String(i).padStart(5, "0")}.txt`),
    new Uint8Array(0),
  );
}

const pki = await makeTestPki();
const vsftpd = await startVsftpd({
  maxPerIp: 64,
  tls: { certPath: pki.server.certPath, keyPath: pki.server.keyPath, requireSslReuse: false },
  config: { anon_root: root, pasv_min_port: "30000", pasv_max_port: "30999" },
});
const base = `ftp://127.0.0.1:${vsftpd.port}`;
const host = "127.0.0.1";
const port = String(vsftpd.port);
console.log(`vsftpd on ${base}, serving ${root}`);

const nodeDir = join(work, "node");
const python = (script: string) => ["python3", "-c", script];
const node = (script: string) => ["node", "-e", script];
const basicFtp = `const ftp=require(${JSON.stringify(join(nodeDir, "node_modules/basic-ftp"))});`;
const clean = (path: string) => () => Deno.remove(path, { recursive: true }).catch(() => {});
const expectHash = (path: string, hash: string) => async () => {
  const actual = await sha256File(path);
  if (actual !== hash) throw new Error(`${path}: hash ${actual}, expected ${hash}`);
};
const expectSmall = (dir: string) => async () => {
  for (const [name, hash] of smallHashes) await expectHash(join(dir, name), hash)();
};

const measures: Measure[] = [];
const got = join(out, "big.bin");
const putName = "put.bin";
const putPath = join(pub, putName);
const upload = join(work, "upload.bin");
const caPath = pki.caPath;
// Before any cell runs, so that a peer that would not encrypt loses no measurements.
await assertLftpEncrypts(`ftp://localhost:${port}`, caPath);

// get 1 GiB
measures.push(
  ...await interleaved([
    cell("ferry", "get 1 GiB", clean(got), [
      "deno",
      ...ferry,
      "get",
      `${base}/pub/big.bin`,
      got,
      "-q",
      "--overwrite",
      "always",
    ], expectHash(got, bigHash)),
    cell(
      "curl",
      "get 1 GiB",
      clean(got),
      ["curl", "-s", "-o", got, `${base}/pub/big.bin`],
      expectHash(got, bigHash),
    ),
    cell("lftp", "get 1 GiB", clean(got), [
      "lftp",
      "-e",
      `set ftp:ssl-allow no; get pub/big.bin -o ${got}; bye`,
      base,
    ], expectHash(got, bigHash)),
    cell(
      "ftplib",
      "get 1 GiB",
      clean(got),
      python(
        `import ftplib\nf=ftplib.FTP();f.connect('${host}',${port});f.login()\nwith open('${got}','wb') as o: f.retrbinary('RETR pub/big.bin',o.write)\nf.quit()`,
      ),
      expectHash(got, bigHash),
    ),
    cell(
      "basic-ftp",
      "get 1 GiB",
      clean(got),
      node(
        `${basicFtp}(async()=>{const c=new ftp.Client();await c.access({host:'${host}',port:${port}});await c.downloadTo('${got}','pub/big.bin');c.close()})()`,
      ),
      expectHash(got, bigHash),
    ),
  ]),
);

// put 1 GiB
measures.push(
  ...await interleaved([
    cell("ferry", "put 1 GiB", clean(putPath), [
      "deno",
      ...ferry,
      "put",
      upload,
      `${base}/pub/${putName}`,
      "-q",
      "--overwrite",
      "always",
    ], expectHash(putPath, bigHash)),
    cell("curl", "put 1 GiB", clean(putPath), [
      "curl",
      "-s",
      "-T",
      upload,
      `${base}/pub/${putName}`,
    ], expectHash(putPath, bigHash)),
    cell("lftp", "put 1 GiB", clean(putPath), [
      "lftp",
      "-e",
      `set ftp:ssl-allow no; put ${upload} -o pub/${putName}; bye`,
      base,
    ], expectHash(putPath, bigHash)),
    cell(
      "ftplib",
      "put 1 GiB",
      clean(putPath),
      python(
        `import ftplib\nf=ftplib.FTP();f.connect('${host}',${port});f.login()\nwith open('${upload}','rb') as i: f.storbinary('STOR pub/${putName}',i)\nf.quit()`,
      ),
      expectHash(putPath, bigHash),
    ),
    cell(
      "basic-ftp",
      "put 1 GiB",
      clean(putPath),
      node(
        `${basicFtp}(async()=>{const c=new ftp.Client();await c.access({host:'${host}',port:${port}});await c.uploadFrom('${upload}','pub/${putName}');c.close()})()`,
      ),
      expectHash(putPath, bigHash),
    ),
  ]),
);

// 1000 × 4 KiB get
const smallOut = join(out, "small");
const smallTask = join(work, "small.yaml");
await Deno.writeTextFile(
  smallTask,
  `version: 1\nconnection:\n  url: ${base}/\n  parallel: 8\nsteps:\n  - get: { from: "pub/small/*.bin", to: ${smallOut}/, overwrite: always }\n`,
);
measures.push(
  ...await interleaved([
    cell("ferry", "1000 × 4 KiB get", clean(smallOut), [
      "deno",
      ...ferry,
      "run",
      smallTask,
      "-q",
    ], expectSmall(smallOut)),
    cell("curl", "1000 × 4 KiB get", clean(smallOut), [
      "curl",
      "-s",
      "--create-dirs",
      "-o",
      `${smallOut}/f#1.bin`,
      `${base}/pub/small/f[0001-${String(SMALL_FILES).padStart(4, "0")}].bin`,
    ], expectSmall(smallOut)),
    cell("lftp", "1000 × 4 KiB get", clean(smallOut), [
      "lftp",
      "-e",
      `set ftp:ssl-allow no; mirror --parallel=8 pub/small ${smallOut}; bye`,
      base,
    ], expectSmall(smallOut)),
    cell(
      "ftplib",
      "1000 × 4 KiB get",
      async () => {
        await clean(smallOut)();
        await Deno.mkdir(smallOut, { recursive: true });
      },
      python(
        `import ftplib\nf=ftplib.FTP();f.connect('${host}',${port});f.login()\nfor n in f.nlst('pub/small'):\n  name=n.split('/')[-1]\n  with open('${smallOut}/'+name,'wb') as o: f.retrbinary('RETR pub/small/'+name,o.write)\nf.quit()`,
      ),
      expectSmall(smallOut),
    ),
    cell(
      "basic-ftp",
      "1000 × 4 KiB get",
      clean(smallOut),
      node(
        `${basicFtp}(async()=>{const c=new ftp.Client();await c.access({host:'${host}',port:${port}});await c.downloadToDir('${smallOut}','pub/small');c.close()})()`,
      ),
      expectSmall(smallOut),
    ),
  ]),
);

// one small file from a cold start
const one = join(out, "one.bin");
const oneHash = smallHashes.get("f0001.bin")!;
measures.push(
  ...await interleaved([
    cell("ferry", "cold start, 1 small get", clean(one), [
      "deno",
      ...ferry,
      "get",
      `${base}/pub/small/f0001.bin`,
      one,
      "-q",
      "--overwrite",
      "always",
    ], expectHash(one, oneHash)),
    cell("curl", "cold start, 1 small get", clean(one), [
      "curl",
      "-s",
      "-o",
      one,
      `${base}/pub/small/f0001.bin`,
    ], expectHash(one, oneHash)),
    cell("lftp", "cold start, 1 small get", clean(one), [
      "lftp",
      "-e",
      `set ftp:ssl-allow no; get pub/small/f0001.bin -o ${one}; bye`,
      base,
    ], expectHash(one, oneHash)),
  ]),
);

// LIST of 20,000 entries (ferry parses them into FileInfo; curl prints the raw listing)
const noop = () => Promise.resolve();
const listScript = join(work, "list.ts");
await Deno.writeTextFile(
  listScript,
  `import { FtpClient } from ${JSON.stringify(join(repo, "mod.ts"))};\n` +
    `await using client = await FtpClient.connect(${JSON.stringify(base + "/")});\n` +
    `const entries = await client.list("pub/list");\n` +
    `if (entries.length !== ${LIST_ENTRIES}) throw new Error(\`\${entries.length} entries\`);\n`,
);
measures.push(
  ...await interleaved([
    // The library, as the ftplib and basic-ftp cells: LIST parsed into FileInfo objects.
    cell(
      "ferry",
      "LIST 20,000 entries",
      noop,
      ["deno", "run", "-A", `--config=${join(repo, "deno.json")}`, listScript],
      noop,
    ),
    cell("curl", "LIST 20,000 entries", noop, [
      "curl",
      "-s",
      "-o",
      "/dev/null",
      `${base}/pub/list/`,
    ], noop),
    cell("lftp", "LIST 20,000 entries", noop, [
      "lftp",
      "-e",
      "set ftp:ssl-allow no; cls -1 pub/list > /dev/null; bye",
      base,
    ], noop),
    cell(
      "ftplib",
      "LIST 20,000 entries",
      noop,
      python(
        `import ftplib\nf=ftplib.FTP();f.connect('${host}',${port});f.login()\nlines=[]\nf.retrlines('LIST pub/list',lines.append)\nf.quit()`,
      ),
      noop,
    ),
    cell(
      "basic-ftp",
      "LIST 20,000 entries",
      noop,
      node(
        `${basicFtp}(async()=>{const c=new ftp.Client();await c.access({host:'${host}',port:${port}});await c.list('pub/list');c.close()})()`,
      ),
      noop,
    ),
  ]),
);

// FTPS get 1 GiB (explicit TLS, vsftpd without session reuse, as the baseline)
const ftpsTask = join(work, "ftps.yaml");
await Deno.writeTextFile(
  ftpsTask,
  `version: 1\nconnection:\n  url: ftpes://127.0.0.1:${port}/\n  tls: { caFile: ${caPath}, serverName: localhost }\nsteps:\n  - get: { from: pub/big.bin, to: ${got}, overwrite: always }\n`,
);
measures.push(
  ...await interleaved([
    cell(
      "ferry",
      "FTPS get 1 GiB",
      clean(got),
      ["deno", ...ferry, "run", ftpsTask, "-q"],
      expectHash(got, bigHash),
    ),
    cell("curl", "FTPS get 1 GiB", clean(got), [
      "curl",
      "-s",
      "--ssl-reqd",
      "--cacert",
      caPath,
      "-o",
      got,
      `ftp://localhost:${port}/pub/big.bin`,
    ], expectHash(got, bigHash)),
    cell("lftp", "FTPS get 1 GiB", clean(got), [
      "lftp",
      "-e",
      `${lftpFtpsSettings(caPath)}; get pub/big.bin -o ${got}; bye`,
      `ftp://localhost:${port}`,
    ], expectHash(got, bigHash)),
    cell(
      "ftplib",
      "FTPS get 1 GiB",
      clean(got),
      python(
        `import ftplib,ssl\nc=ssl.create_default_context(cafile='${caPath}')\nf=ftplib.FTP_TLS(context=c);f.connect('localhost',${port});f.login();f.prot_p()\nwith open('${got}','wb') as o: f.retrbinary('RETR pub/big.bin',o.write)\nf.quit()`,
      ),
      expectHash(got, bigHash),
    ),
    cell(
      "basic-ftp",
      "FTPS get 1 GiB",
      clean(got),
      node(
        `${basicFtp}const fs=require('fs');(async()=>{const c=new ftp.Client();await c.access({host:'localhost',port:${port},secure:true,secureOptions:{ca:fs.readFileSync('${caPath}')}});await c.downloadTo('${got}','pub/big.bin');c.close()})()`,
      ),
      expectHash(got, bigHash),
    ),
  ]),
);

await vsftpd.close();
await Deno.remove(pki.dir, { recursive: true }).catch(() => {});

const scenarios: Scenario[] = [
  { name: "get 1 GiB", unit: "MB/s", bytes: GiB },
  { name: "put 1 GiB", unit: "MB/s", bytes: GiB },
  { name: "1000 × 4 KiB get", unit: "files/s", count: SMALL_FILES },
  { name: "cold start, 1 small get", unit: "s" },
  { name: "LIST 20,000 entries", unit: "s" },
  { name: "FTPS get 1 GiB", unit: "MB/s", bytes: GiB },
];
if (!QUICK) {
  const report = await writeReport(join(repo, "docs/performance.md"), scenarios, measures, RUNS);
  console.log(report);
}
await Deno.remove(work, { recursive: true }).catch(() => {});
