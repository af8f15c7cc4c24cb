// `ferry run` over explicit FTPS against the servers that require data
// connections to resume the control connection's TLS session, ProFTPD and
// vsftpd: a deploy of 300 nested files on 8 connections (atomic) and a
// backup of it (recursive get), bytes compared on both sides. The server's
// need for Node's TLS is found once per run: one refused data connection,
// one extra login, one line of information (none with --quiet), no warning.
// `deno task cli:ftps-runs` runs the same jobs ten times.

import assert from "node:assert/strict";
import { tempDir } from "../_helpers.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { isRoot, type ServerHandle, type ServerTlsFiles } from "../_servers/_common.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { vsftpd } from "../_servers/vsftpd.ts";
import { startInteropVsftpd } from "../interop/_vsftpd.ts";
import { deployAndBackup, makeSite } from "./_ftps_jobs.ts";

const pki = await makeTestPki();
const tls: ServerTlsFiles = serverTlsFiles(pki);

const SERVERS: [string, () => Promise<ServerHandle>, boolean][] = [
  ["ProFTPD", () => startProftpd({ tls, passivePorts: 200 }), !isRoot()],
  [
    "vsftpd (require_ssl_reuse=YES)",
    () => startInteropVsftpd({ tls, requireSslReuse: true }),
    !isRoot() || vsftpd.ignore,
  ],
];

for (const [name, start, ignore] of SERVERS) {
  Deno.test({
    name: `ferry run over FTPS, ${name} requiring TLS session reuse: a deploy of 300 files ` +
      `(parallel 8, atomic) and a backup succeed; the switch to Node's TLS happens once`,
    ignore,
    async fn() {
      await using dir = await tempDir();
      await using server = await start();
      await makeSite(dir.path);
      const outcome = await deployAndBackup(server, pki.caPath, dir.path, "www");
      assert.deepEqual(outcome.problems, []);
      // One decision for the run: the planning connection meets the refusal and
      // logs in again; every other connection starts on Node's TLS.
      assert.equal(outcome.refusals, 1, outcome.deploy.stdout);
      const logins = [...outcome.loginsPerConnection.values()];
      assert.ok(logins.length >= 2, `connections: ${logins}`);
      assert.equal(logins.filter((n) => n === 2).length, 1, `logins per connection: ${logins}`);
      assert.equal(logins.filter((n) => n === 1).length, logins.length - 1);
      // Said once per run, as information, never as a warning.
      assert.equal(outcome.infoLines.length, 2, outcome.infoLines.join("\n")); // deploy + backup
      assert.doesNotMatch(outcome.deploy.stdout + outcome.deploy.stderr, /warning/i);
      assert.doesNotMatch(outcome.backup.stdout + outcome.backup.stderr, /warning/i);

      // --quiet hides it; a re-run transfers nothing and still succeeds.
      const quiet = await deployAndBackup(server, pki.caPath, dir.path, "www", ["--quiet"]);
      assert.deepEqual(quiet.problems, []);
      assert.deepEqual(quiet.infoLines, []);
    },
  });
}
