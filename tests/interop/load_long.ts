// The long version of the matrix's concurrency run, outside CI:
// `deno task interop:load`. Eight explicit-FTPS clients at once in one
// process, 1,000 operations each, against ProFTPD and vsftpd, both
// requiring TLS session reuse. Fails (exit 1) on any failed operation or
// check, and when the memory alive after forced collections (this isolate
// plus every TLS worker, sampled 40 times) grows or climbs past its bound;
// peak RSS is recorded, not judged. Writes its result into docs/interop.md
// between the markers the matrix keeps.
//
// Needs root (the servers log the test user in) and
// --v8-flags=--expose-gc (the task passes it).

import { flatness } from "../_live_memory.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { REPO_ROOT, type ServerHandle, type ServerTlsFiles } from "../_servers/_common.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { type LoadResult, runLoad } from "./_load.ts";
import { LONG_RUN_END, LONG_RUN_START } from "./_report.ts";
import { startInteropVsftpd } from "./_vsftpd.ts";

const MiB = 1024 * 1024;
const LOAD = { clients: 8, operations: 1000, seed: 2, memorySamples: 40 };
/** Live memory: a few MiB of buffers per client and worker, flat over the run. */
const BOUNDS = { growth: 32 * MiB, level: 192 * MiB };
const REPORT = `${REPO_ROOT}/docs/interop.md`;

const pki = await makeTestPki();
const tls: ServerTlsFiles = serverTlsFiles(pki);
const servers: [string, () => Promise<ServerHandle>][] = [
  ["ProFTPD (mod_tls), session reuse required", () => startProftpd({ tls, passivePorts: 1000 })],
  ["vsftpd, require_ssl_reuse=YES", () => startInteropVsftpd({ tls, requireSslReuse: true })],
];

const rows: string[] = [];
let failed = false;
for (const [title, start] of servers) {
  const server = await start();
  let result: LoadResult;
  try {
    result = await runLoad({ ...server, caCertPem: pki.caPem }, LOAD);
  } finally {
    await server.close();
  }
  const memory = flatness(result.memory, BOUNDS);
  const ok = result.failures.length === 0 && memory.ok;
  failed ||= !ok;
  console.log(
    `${title}: ${result.operations} operations, ${result.failures.length} failed, ` +
      `${(result.bytes / MiB).toFixed(0)} MiB moved in ${(result.durationMs / 1000).toFixed(0)} s`,
  );
  console.log(`  ${memory.message}`);
  for (const failure of result.failures.slice(0, 20)) console.log(`  ${failure}`);
  const mib = (n: number) => (n / MiB).toFixed(0);
  const live = result.memory.slice(1);
  rows.push(
    `| ${title} | ${result.clients} × ${LOAD.operations} | ${result.uploads} / ${result.downloads} / ` +
      `${result.listings} | ${mib(result.bytes)} MiB | ${result.failures.length} | ` +
      `${mib(Math.min(...live))}–${mib(Math.max(...live))} MiB | ` +
      `${result.peakRss === undefined ? "n/a" : `${mib(result.peakRss)} MiB`} | ` +
      `${(result.durationMs / 1000).toFixed(0)} s |`,
  );
}

const section = [
  LONG_RUN_START,
  "",
  "### The long run (`deno task interop:load`, outside CI)",
  "",
  `Run on ${new Date().toISOString().slice(0, 10)}, Deno ${Deno.version.deno}: ${LOAD.clients} ` +
  `explicit-FTPS clients at once in one process, ${LOAD.operations} operations each, the same ` +
  "mix as above. Live memory is what stays alive after forced collections (this isolate plus " +
  "every TLS worker), sampled 40 times during the run; the bound is " +
  `${BOUNDS.level / MiB} MiB and at most ${BOUNDS.growth / MiB} MiB of growth. Peak RSS is the ` +
  "process's high-water mark at the end of the row's run (the rows share one process), recorded " +
  "for reference.",
  "",
  "| server | clients × operations | uploads / downloads / listings | moved | failures | live memory | peak RSS | time |",
  "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ...rows,
  "",
  LONG_RUN_END,
].join("\n");

const previous = await Deno.readTextFile(REPORT);
const start = previous.indexOf(LONG_RUN_START);
const end = previous.indexOf(LONG_RUN_END);
if (start === -1 || end < start) {
  throw new Error(`${REPORT} has no ${LONG_RUN_START} section: run the matrix once first`);
}
const updated = previous.slice(0, start) + section + previous.slice(end + LONG_RUN_END.length);
const temp = `${REPORT}.tmp.md`;
await Deno.writeTextFile(temp, updated);
const fmt = await new Deno.Command(Deno.execPath(), {
  args: ["fmt", "--quiet", temp],
  cwd: REPO_ROOT,
})
  .output();
if (!fmt.success) throw new Error("deno fmt failed on the report");
await Deno.rename(temp, REPORT);
console.log(`wrote the result into ${REPORT}`);
if (failed) Deno.exit(1);
