// `deno task cli:ftps-runs [N]`: the deploy and backup of
// ftps_reuse.test.ts, N times (10 by default) against each of ProFTPD and
// vsftpd (both requiring TLS session reuse), each time to a fresh remote
// folder, counting the runs where both succeeded with every byte in place.
// Exits 1 if any run failed. Needs root (the servers log the test user in).

import { tempDir } from "../_helpers.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import type { ServerHandle, ServerTlsFiles } from "../_servers/_common.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { startInteropVsftpd } from "../interop/_vsftpd.ts";
import { deployAndBackup, makeSite } from "./_ftps_jobs.ts";

const runs = Number(Deno.args[0] ?? 10);
const pki = await makeTestPki();
const tls: ServerTlsFiles = serverTlsFiles(pki);
const servers: [string, () => Promise<ServerHandle>][] = [
  ["ProFTPD", () => startProftpd({ tls, passivePorts: 1000 })],
  ["vsftpd (require_ssl_reuse=YES)", () => startInteropVsftpd({ tls, requireSslReuse: true })],
];

let failed = false;
for (const [name, start] of servers) {
  await using server = await start();
  await using dir = await tempDir();
  await makeSite(dir.path);
  let passed = 0;
  for (let i = 1; i <= runs; i++) {
    const started = performance.now();
    const outcome = await deployAndBackup(server, pki.caPath, dir.path, `www${i}`);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (outcome.problems.length === 0) {
      passed++;
      console.log(`${name}, run ${i}: deploy and backup ok (${seconds} s)`);
    } else {
      console.log(`${name}, run ${i}: FAILED (${seconds} s)\n  ${outcome.problems.join("\n  ")}`);
    }
  }
  console.log(`${name}: ${passed} of ${runs} runs succeeded`);
  failed ||= passed !== runs;
}
if (failed) Deno.exit(1);
