// tls.clientCertificate against vsftpd and ProFTPD configured to require a
// client certificate. Where the server also requires data connections to
// resume the control connection's TLS session, Deno 2.9 cannot comply: a
// connection that presents a client certificate never resumes a session
// (node:tls gives it a certificate resolver of its own, and rustls resumes
// only sessions made with the same one). Then the first refused data
// connection fails with an FtpTlsError that says so, and every later call,
// on any client of the process, fails at once without opening one. Where
// fresh sessions are accepted, client certificates work, explicit and
// implicit.

import assert from "node:assert/strict";
import { FtpClient, FtpTlsError } from "../../mod.ts";
import { pseudoRandomBytes, readAll, sha256 } from "../_helpers.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { isRoot, type ServerHandle, type ServerTlsFiles } from "../_servers/_common.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { vsftpd } from "../_servers/vsftpd.ts";
import { startInteropVsftpd } from "../interop/_vsftpd.ts";

const pki = await makeTestPki();
const tls: ServerTlsFiles = serverTlsFiles(pki);

const SERVERS: [string, (reuse: boolean) => Promise<ServerHandle>, boolean][] = [
  [
    "vsftpd",
    (reuse) =>
      startInteropVsftpd({ tls, requireSslReuse: reuse, clientCaPath: pki.caPath, implicit: true }),
    !isRoot() || vsftpd.ignore,
  ],
  [
    "ProFTPD",
    (reuse) =>
      startProftpd({
        tls,
        noSessionReuseRequired: !reuse,
        clientCaPath: pki.caPath,
        implicit: true,
      }),
    !isRoot(),
  ],
];

function client(server: ServerHandle, secure: "explicit" | "implicit", seen: string[] = []) {
  return FtpClient.connect({
    host: server.host,
    port: secure === "implicit" ? server.implicitPort : server.port,
    user: server.user,
    password: server.password,
    secure,
    tls: {
      caCerts: [pki.caPem],
      clientCertificate: { cert: pki.client.certPem, key: pki.client.keyPem },
    },
    debug: ({ direction, line }) => {
      if (direction === "send") seen.push(line.split(" ")[0]);
    },
  });
}

for (const [name, start, ignore] of SERVERS) {
  Deno.test({
    name: `${name} requiring a client certificate and TLS session reuse: an FtpTlsError that ` +
      `says why, and then at once, without a data connection`,
    ignore,
    async fn() {
      await using server = await start(true);
      await using first = await client(server, "explicit");
      const error = await first.upload("x.bin", "x").catch((e) => e);
      assert.ok(error instanceof FtpTlsError, String(error));
      assert.equal(error.kind, "session-reuse");
      assert.equal(error.connection, "data");
      assert.match(error.message, /client certificate/);
      assert.match(error.message, /cannot resume/);
      // The next call, and another client's, fail before any data connection.
      const commands: string[] = [];
      await using second = await client(server, "explicit", commands);
      const started = commands.length;
      const again = await second.list().catch((e) => e);
      assert.ok(again instanceof FtpTlsError, String(again));
      assert.equal(again.kind, "session-reuse");
      const sent = commands.slice(started);
      assert.ok(!sent.some((c) => /^(EPSV|PASV|LIST|MLSD|NLST)$/.test(c)), sent.join(" "));
    },
  });

  Deno.test({
    name: `${name} requiring a client certificate, fresh TLS sessions allowed: explicit and ` +
      `implicit FTPS with tls.clientCertificate move bytes intact`,
    ignore,
    async fn() {
      await using server = await start(false);
      for (const secure of ["explicit", "implicit"] as const) {
        await using c = await client(server, secure);
        const data = pseudoRandomBytes(200_000, secure.length);
        await c.upload(`${secure}.bin`, data);
        assert.equal(sha256(await readAll(await c.download(`${secure}.bin`))), sha256(data));
        assert.ok((await c.list()).some((e) => e.name === `${secure}.bin`));
      }
    },
  });
}
