/**
 * `deno task bench:tls-ceiling`: how fast can any Deno program download over
 * FTPS here, against lftp? Issue 15 asks for ferry's FTPS get of 1 GiB at
 * 0.8× lftp's speed or better; this bench tells ferry's own cost from the
 * platform's. vsftpd (explicit TLS, no session reuse, as bench/peers.ts)
 * serves 1 GiB from tmpfs; in interleaved rounds (one unmeasured warm-up
 * round first; every file's hash checked) it times, as fresh processes:
 *
 * - ferry: the CLI from src running a one-step task file (as bench/peers.ts);
 * - deno-bare: bench/_tls_ceiling_deno.ts, a hand-written download over
 *   `Deno.startTls` with no ferry code (1 MiB reads, synchronous writes);
 * - deno-node-tls: bench/_tls_ceiling_node.mjs under Deno (Deno's `node:tls`);
 * - node-bare: the same file under Node.js (`node:tls` on OpenSSL), to tell
 *   a JavaScript runtime's cost from Deno's TLS;
 * - lftp and curl (GnuTLS and OpenSSL, C); lftp's trace is checked first for
 *   AUTH TLS and PROT P (`assertLftpEncrypts`: it skips TLS for anonymous
 *   logins unless told otherwise).
 *
 * Prints each one's median MB/s, its ratio to lftp, its CPU seconds, and
 * for the hand-written ones the mean bytes a read returned (Deno's TLS hands
 * back one TLS record, at most 16 KiB, per read). Needs root (vsftpd), lftp,
 * curl and node. FERRY_BENCH_RUNS sets the measured rounds (default 5),
 * FERRY_BENCH_MIB the file's size (default 1024). Not part of CI.
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
const BYTES = Number(Deno.env.get("FERRY_BENCH_MIB") ?? 1024) * (1 << 20);
const repo = new URL("..", import.meta.url).pathname;
const work = `/dev/shm/ferry-tls-ceiling-${Deno.pid}`;
const root = join(work, "root");
const pub = join(root, "pub");
const got = join(work, "got.bin");
const stats = join(work, "stats.json");

const pki = await makeTestPki();
await Deno.mkdir(pub, { recursive: true });
// A failed run (a hash, lftp without TLS) must not leave 1 GiB on tmpfs.
try {
  await Deno.chmod(root, 0o755);
  await Deno.chmod(pub, 0o777);
  console.log(`making ${BYTES >> 20} MiB on tmpfs`);
  const hash = await makeFile(join(pub, "big.bin"), BYTES, 7);
  await using vsftpd = await startVsftpd({
    tls: { certPath: pki.server.certPath, keyPath: pki.server.keyPath, requireSslReuse: false },
    config: { anon_root: root, pasv_min_port: "32000", pasv_max_port: "32999" },
  });
  const port = String(vsftpd.port);
  const task = join(work, "ftps.yaml");
  await Deno.writeTextFile(
    task,
    `version: 1\nconnection:\n  url: ftpes://127.0.0.1:${port}/\n  tls: { caFile: ${pki.caPath}, serverName: localhost }\nsteps:\n  - get: { from: pub/big.bin, to: ${got}, overwrite: always }\n`,
  );
  await assertLftpEncrypts(`ftp://localhost:${port}`, pki.caPath);
  const bare = [port, pki.caPath, "pub/big.bin", got, stats];

  interface Cell {
    name: string;
    command: string[];
    /** Whether the command writes the read statistics file. */
    counts: boolean;
  }

  const cells: Cell[] = [
    {
      name: "ferry",
      command: ["deno", "run", "-A", join(repo, "src/cli/mod.ts"), "run", task, "-q"],
      counts: false,
    },
    {
      name: "deno-bare",
      command: ["deno", "run", "-A", join(repo, "bench/_tls_ceiling_deno.ts"), ...bare],
      counts: true,
    },
    {
      name: "deno-node-tls",
      command: ["deno", "run", "-A", join(repo, "bench/_tls_ceiling_node.mjs"), ...bare],
      counts: true,
    },
    {
      name: "node-bare",
      command: ["node", join(repo, "bench/_tls_ceiling_node.mjs"), ...bare],
      counts: true,
    },
    {
      name: "lftp",
      command: [
        "lftp",
        "-e",
        `${lftpFtpsSettings(pki.caPath)}; get pub/big.bin -o ${got}; bye`,
        `ftp://localhost:${port}`,
      ],
      counts: false,
    },
    {
      name: "curl",
      command: [
        "curl",
        "-s",
        "--ssl-reqd",
        "--cacert",
        pki.caPath,
        "-o",
        got,
        `ftp://localhost:${port}/pub/big.bin`,
      ],
      counts: false,
    },
  ];

  const seconds = cells.map(() => [] as number[]);
  const cpu = cells.map(() => [] as number[]);
  const perRead = cells.map(() => [] as number[]);
  console.log(`load before: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (let round = 0; round <= RUNS; round++) {
    for (const [i, cell] of cells.entries()) {
      await Deno.remove(got).catch(() => {});
      await Deno.remove(stats).catch(() => {});
      const result = await timed(cell.command);
      if (round === 0) continue;
      const actual = await sha256File(got);
      if (actual !== hash) throw new Error(`${cell.name}: hash ${actual}, expected ${hash}`);
      seconds[i].push(result.seconds);
      cpu[i].push(result.cpu);
      if (cell.counts) {
        const { reads, bytes } = JSON.parse(await Deno.readTextFile(stats));
        perRead[i].push(bytes / reads);
      }
    }
  }
  console.log(`load after: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

  const lftp = median(seconds[cells.findIndex((c) => c.name === "lftp")]);
  console.log(
    `\nFTPS get ${BYTES >> 20} MiB, medians of ${RUNS} rounds (ratio = lftp's time / this one's)`,
  );
  for (const [i, cell] of cells.entries()) {
    const s = median(seconds[i]);
    const read = perRead[i].length ? `  ${(median(perRead[i]) / 1024).toFixed(1)} KiB a read` : "";
    console.log(
      `${cell.name.padEnd(14)} ${(BYTES / s / 1e6).toFixed(0).padStart(5)} MB/s  ${
        (lftp / s).toFixed(2)
      }× lftp  CPU ${median(cpu[i]).toFixed(2)} s  (${
        seconds[i].map((x) => x.toFixed(2)).join(" ")
      })${read}`,
    );
  }
} finally {
  await Deno.remove(work, { recursive: true }).catch(() => {});
  await Deno.remove(pki.dir, { recursive: true }).catch(() => {});
}
