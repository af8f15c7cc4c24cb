// The interop scenario (scenario.ts) against the embedded server, in plain
// FTP and in explicit and implicit FTPS: the same steps the matrix runs
// against vsftpd, pure-ftpd, ProFTPD and pyftpdlib, pipelined commands
// included, so that every server ferry is tested with proves them.

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { makeTestPki } from "../_servers/certs.ts";
import { type Mode, prepareLocalFiles, runScenario } from "./scenario.ts";

const pki = await makeTestPki();

for (const mode of ["plain", "explicit", "implicit"] as const satisfies readonly Mode[]) {
  Deno.test(`embedded server, ${mode}: every scenario step passes`, async () => {
    await using files = await prepareLocalFiles(4 << 20);
    await using server = await FtpTestServer.start({
      users: { alice: "embedded-secret" },
      tls: mode === "plain" ? undefined : { cert: pki.server.certPem, key: pki.server.keyPem },
      implicitTls: mode === "implicit",
    });
    const { results, trace } = await runScenario(
      {
        host: "localhost",
        port: server.port,
        user: "alice",
        password: "embedded-secret",
        mode,
        caCertPem: pki.caPem,
      },
      files,
      `embedded-${mode}`,
    );
    const failed = results.filter((r) => r.outcome.status === "fail");
    assert.deepEqual(failed, [], trace.slice(-40).join("\n"));
    const pipelined = results.find((r) => r.step === "pipelined");
    assert.equal(pipelined?.outcome.status, "pass");
  });
}
