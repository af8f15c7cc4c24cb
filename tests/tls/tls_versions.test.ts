// TLS version bounds (tls.minVersion, tls.maxVersion; ftplib's ssl_version):
// bad values are refused before anything is sent; against ProFTPD, whose TLS
// log names the version of every handshake, a bound is what is negotiated
// on the control connection and on every data connection, a server outside
// the bound fails with an FtpTlsError (handshake) that names the bound, and
// a bound the user set is never widened for a server that refuses it.

import assert from "node:assert/strict";
import { FtpClient, type FtpClientOptions, FtpInputError, FtpTlsError } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, readAll, sha256 } from "../_helpers.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { isRoot, type ServerTlsFiles } from "../_servers/_common.ts";
import { type ProftpdStartOptions, startProftpd } from "../_servers/proftpd.ts";
import { ferry } from "../cli/_ferry.ts";

const pki = await makeTestPki();
const files: ServerTlsFiles = serverTlsFiles(pki);
const ignore = !isRoot();

function proftpd(options: Omit<ProftpdStartOptions, "tls"> = {}) {
  return startProftpd({ tls: files, ...options });
}

type Server = Awaited<ReturnType<typeof proftpd>>;

function options(server: Server, tls: FtpClientOptions["tls"]): FtpClientOptions {
  return {
    host: "localhost",
    port: server.port,
    user: server.user,
    password: server.password,
    secure: "explicit",
    tls: { caCerts: [pki.caPem], ...tls },
  };
}

/**
 * What ProFTPD's TLS log says of the handshakes: the versions it names (the
 * control connection's, and the first data connection's of each login; it
 * says only "reused" for later ones, which resume that session and so keep
 * its version), and how many data connections resumed. Waits (5 s at most)
 * until `dataConnections` are logged: ProFTPD may log after the reply.
 */
async function negotiated(server: Server, dataConnections = 0) {
  const read = () => {
    const log = server.logs();
    return {
      versions: [...log.matchAll(/(TLSv1(?:\.\d)?) (?:data )?connection accepted/g)].map((m) =>
        m[1]
      ),
      resumed: [...log.matchAll(/client reused TLS session for data connection/g)].length,
    };
  };
  for (let i = 0; i < 50 && read().resumed < dataConnections; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return read();
}

for (
  const [tls, why] of [
    [
      { minVersion: "TLSv1.1" },
      /tls\.minVersion must be "TLSv1\.2" or "TLSv1\.3".*speaks only TLS 1\.2 and 1\.3/,
    ],
    [{ maxVersion: "tlsv1.3" }, /tls\.maxVersion must be "TLSv1\.2" or "TLSv1\.3", got "tlsv1\.3"/],
    [
      { minVersion: "TLSv1.3", maxVersion: "TLSv1.2" },
      /newer than tls\.maxVersion.*no version is left/,
    ],
  ] as const
) {
  Deno.test(`tls ${JSON.stringify(tls)}: FtpInputError before anything is sent`, async () => {
    await using server = await FtpTestServer.start({
      tls: { cert: pki.server.certPem, key: pki.server.keyPem },
    });
    const error = await FtpClient.connect(`ftpes://localhost:${server.port}`, {
      tls: { caCerts: [pki.caPem], ...tls } as FtpClientOptions["tls"],
    }).catch((e) => e);
    assert.ok(error instanceof FtpInputError, String(error));
    assert.match(error.message, why);
    assert.equal(server.connections.length, 0);
  });
}

Deno.test("bounds that restrict nothing (minVersion TLSv1.2, maxVersion TLSv1.3) are accepted", async () => {
  await using server = await FtpTestServer.start({
    users: { alice: "pw" },
    tls: { cert: pki.server.certPem, key: pki.server.keyPem },
  });
  await using client = await FtpClient.connect(`ftpes://alice:pw@localhost:${server.port}`, {
    tls: { caCerts: [pki.caPem], minVersion: "TLSv1.2", maxVersion: "TLSv1.3" },
  });
  const data = pseudoRandomBytes(100_000, 4);
  await client.upload("a.bin", data);
  assert.equal(sha256(await readAll(await client.download("a.bin"))), sha256(data));
});

for (const transferMode of ["passive", "active"] as const) {
  Deno.test({
    name: `ProFTPD offering TLS 1.2 and 1.3 (${transferMode}): maxVersion TLSv1.2 negotiates 1.2 ` +
      "and minVersion TLSv1.3 negotiates 1.3, on the control and every data connection",
    ignore,
    async fn() {
      await using server = await proftpd();
      const data = pseudoRandomBytes(150_000, 5);
      const infos: string[] = [];
      const twelve = new FtpClient({ ...options(server, { maxVersion: "TLSv1.2" }), transferMode });
      twelve.addEventListener("info", (e) => infos.push(e.message));
      await twelve.connect();
      await twelve.upload("twelve.bin", data);
      await twelve.upload("twelve-2.bin", data);
      assert.equal(sha256(await readAll(await twelve.download("twelve.bin"))), sha256(data));
      assert.ok((await twelve.list()).some((e) => e.name === "twelve-2.bin"));
      await twelve.close();
      // The control connection and four data connections, all resuming its session.
      assert.deepEqual(await negotiated(server, 4), {
        versions: ["TLSv1.2", "TLSv1.2"],
        resumed: 4,
      }, server.logs());

      const thirteen = new FtpClient({
        ...options(server, { minVersion: "TLSv1.3" }),
        transferMode,
      });
      thirteen.addEventListener("info", (e) => infos.push(e.message));
      await thirteen.connect();
      await thirteen.upload("thirteen.bin", data);
      assert.equal(sha256(await readAll(await thirteen.download("thirteen.bin"))), sha256(data));
      assert.ok((await thirteen.list()).some((e) => e.name === "thirteen.bin"));
      await thirteen.close();
      assert.deepEqual(await negotiated(server, 7), {
        versions: ["TLSv1.2", "TLSv1.2", "TLSv1.3", "TLSv1.3"],
        resumed: 7,
      }, server.logs());
      // A bound selects Node's TLS from the start: no refused data connection
      // on Deno's TLS, no switch to announce.
      assert.deepEqual(infos, []);
    },
  });
}

Deno.test({
  name: "ProFTPD limited to TLS 1.2: minVersion TLSv1.3 fails with FtpTlsError 'handshake' " +
    "on the control connection, naming the bound; maxVersion TLSv1.2 works",
  ignore,
  async fn() {
    await using server = await proftpd({ tlsProtocols: "TLSv1.2" });
    const error = await FtpClient.connect(options(server, { minVersion: "TLSv1.3" }))
      .catch((e) => e);
    assert.ok(error instanceof FtpTlsError, String(error));
    assert.equal(error.kind, "handshake");
    assert.equal(error.connection, "control");
    assert.match(error.message, /tls\.minVersion is TLSv1\.3, and the server does not speak it/);
    assert.deepEqual((await negotiated(server)).versions, []);

    await using client = await FtpClient.connect(options(server, { maxVersion: "TLSv1.2" }));
    const data = pseudoRandomBytes(80_000, 6);
    await client.upload("a.bin", data);
    assert.equal(sha256(await readAll(await client.download("a.bin"))), sha256(data));
    assert.deepEqual(await negotiated(server, 2), {
      versions: ["TLSv1.2", "TLSv1.2"],
      resumed: 2,
    }, server.logs());
  },
});

Deno.test({
  name: "ProFTPD speaking only TLS 1.3: maxVersion TLSv1.2 fails naming the bound, and is not " +
    "widened to 1.3 (as ferry's own TLS 1.2 preference is)",
  ignore,
  async fn() {
    await using server = await proftpd({ tlsProtocols: "TLSv1.3" });
    const error = await FtpClient.connect(options(server, { maxVersion: "TLSv1.2" }))
      .catch((e) => e);
    assert.ok(error instanceof FtpTlsError, String(error));
    assert.equal(error.kind, "handshake");
    assert.match(error.message, /tls\.maxVersion is TLSv1\.2, and the server speaks only newer/);
    assert.deepEqual((await negotiated(server)).versions, []);
    // Without the bound, the same server is reached (on TLS 1.3).
    await using client = await FtpClient.connect(options(server, {}));
    assert.equal(await client.pwd(), "/");
    const { versions } = await negotiated(server);
    assert.ok(versions.length > 0);
    assert.ok(versions.every((version) => version === "TLSv1.3"), server.logs());
  },
});

Deno.test({
  name: "ferry ls --tls-max 1.2 against ProFTPD speaking only TLS 1.3: refused naming the bound; " +
    "without it, listed on TLS 1.3",
  ignore,
  async fn() {
    await using server = await proftpd({ tlsProtocols: "TLSv1.3" });
    const url = `ftpes://${server.user}@localhost:${server.port}/`;
    const env = { FTP_PASSWORD: server.password };
    const common = ["ls", url, "--password-env", "FTP_PASSWORD", "--ca-file", pki.caPath];
    const bounded = await ferry([...common, "--tls-max", "1.2"], { env });
    assert.equal(bounded.code, 1, bounded.stdout + bounded.stderr);
    assert.match(bounded.stderr, /tls\.maxVersion is TLSv1\.2, and the server speaks only newer/);
    assert.deepEqual((await negotiated(server)).versions, []);
    const open = await ferry([...common, "--tls-min", "1.3"], { env });
    assert.equal(open.code, 0, open.stdout + open.stderr);
    const { versions } = await negotiated(server);
    assert.ok(versions.length > 0 && versions.every((v) => v === "TLSv1.3"), server.logs());
  },
});
