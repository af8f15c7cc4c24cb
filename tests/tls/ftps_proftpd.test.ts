// FTPS against ProFTPD, which requires every data connection to resume the
// TLS session of its own login (it forks a process per login, and tags its
// session tickets with the login): refusals of a data connection's TLS are
// named as such, a server that speaks only TLS 1.3 is met with TLS 1.3,
// and the task runner gets past the refusals a TLS 1.3 ticket shortage
// causes on a new data connection, then a new login.

import assert from "node:assert/strict";
import { FtpClient, FtpTlsError } from "../../mod.ts";
import { runTask } from "../../src/runner/mod.ts";
import { resolveTask } from "../../src/runner/resolve_task.ts";
import {
  pseudoRandomBytes,
  readAll,
  sha256,
  sha256File,
  tempDir,
  writeRandomFile,
} from "../_helpers.ts";
import { isolatedStats } from "../../src/transport/_isolated_transport.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { isRoot, type ServerTlsFiles } from "../_servers/_common.ts";
import { type ProftpdStartOptions, startProftpd } from "../_servers/proftpd.ts";

const pki = await makeTestPki();
const tls: ServerTlsFiles = serverTlsFiles(pki);
const ignore = !isRoot();

function start(options: Omit<ProftpdStartOptions, "tls"> = {}) {
  return startProftpd({ tls, ...options });
}

Deno.test({
  name: "ProFTPD, sessionReuse 'never': the 425 after a TLS data connection is an FtpTlsError " +
    "that names TLS session reuse and the server setting, not firewalls",
  ignore,
  async fn() {
    await using server = await start();
    await using client = await FtpClient.connect({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      secure: "explicit",
      tls: { caCerts: [pki.caPem], sessionReuse: "never" },
    });
    const error = await client.list().catch((e) => e);
    assert.ok(error instanceof FtpTlsError, String(error));
    assert.equal(error.kind, "session-reuse");
    assert.equal(error.connection, "data");
    assert.match(error.message, /425 Unable to build data connection/);
    assert.match(error.message, /resume the control connection's TLS session/);
    assert.match(error.message, /NoSessionReuseRequired/);
    assert.doesNotMatch(error.message, /firewall|other transfer mode/i);
    // The session goes on: the refusal cost one data connection, not the login.
    assert.equal(await client.pwd(), "/");
  },
});

Deno.test({
  name: "ProFTPD, Node's TLS path, 4 uploads of 16 MiB at once: every file's SHA-256 intact, " +
    "each worker handed node:tls one record at a time and let no ciphertext pile up",
  ignore,
  async fn() {
    await using server = await start();
    await using dir = await tempDir();
    const MiB = 1 << 20;
    const clients = await Promise.all(
      [0, 1, 2, 3].map(() =>
        FtpClient.connect({
          host: server.host,
          port: server.port,
          user: server.user,
          password: server.password,
          secure: "explicit",
          tls: { caCerts: [pki.caPem], sessionReuse: "always" },
        })
      ),
    );
    try {
      const hashes = await Promise.all(clients.map(async (client, i) => {
        const source = `${dir.path}/up${i}.bin`;
        const hash = await writeRandomFile(source, 16 * MiB, 30 + i);
        await client.uploadFrom(source, `up${i}.bin`);
        return hash;
      }));
      for (const [i, hash] of hashes.entries()) {
        assert.equal(await sha256File(`${server.root}/up${i}.bin`), hash, `up${i}.bin`);
      }
      const stats = await isolatedStats();
      assert.equal(stats.length, 4, "one TLS worker per connection");
      for (const { largestTlsWrite, mostCiphertextQueued } of stats) {
        assert.ok(largestTlsWrite <= 16 * 1024, `largest TLS write: ${largestTlsWrite}`);
        assert.ok(mostCiphertextQueued <= 64 * 1024, `ciphertext queued: ${mostCiphertextQueued}`);
      }
    } finally {
      for (const client of clients) await client.close();
    }
  },
});

Deno.test({
  name: "ProFTPD speaking only TLS 1.3: Node's TLS offers 1.3 after the refusal of 1.2; " +
    "transfers work, and a data connection refused for want of a ticket is an FtpTlsError " +
    "'handshake' on the data connection that names TLS session reuse",
  ignore,
  async fn() {
    await using server = await start({ tlsProtocols: "TLSv1.3" });
    await using client = await FtpClient.connect({
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      secure: "explicit",
      tls: { caCerts: [pki.caPem] },
    });
    const data = pseudoRandomBytes(100_000, 9);
    await client.upload("a.bin", data);
    assert.equal(sha256(await readAll(await client.download("a.bin"))), sha256(data));
    // ProFTPD issues no TLS 1.3 ticket on upload connections, and rustls
    // spends each once: uploads in a row run out.
    let refused: unknown;
    for (let i = 0; i < 6 && refused === undefined; i++) {
      await client.upload(`u${i}.bin`, data).catch((e) => (refused = e));
    }
    assert.ok(refused instanceof FtpTlsError, String(refused));
    assert.equal(refused.kind, "handshake");
    assert.equal(refused.connection, "data");
    assert.match(refused.message, /425/);
    assert.match(refused.message, /resume the control connection's session/);
    assert.doesNotMatch(refused.message, /firewall/i);
  },
});

Deno.test({
  name: "ProFTPD speaking only TLS 1.3, task runner: uploads refused for want of a ticket " +
    "are retried (a new data connection, then a new login) and all arrive",
  ignore,
  async fn() {
    await using server = await start({ tlsProtocols: "TLSv1.3" });
    await using dir = await tempDir();
    const files: Record<string, Uint8Array> = {};
    await Deno.mkdir(`${dir.path}/up`);
    for (let i = 0; i < 8; i++) {
      files[`f${i}.bin`] = pseudoRandomBytes(50_000 + i, i + 1);
      await Deno.writeFile(`${dir.path}/up/f${i}.bin`, files[`f${i}.bin`]);
    }
    await Deno.writeTextFile(`${dir.path}/ca.pem`, pki.caPem);
    const task = await resolveTask({
      version: 1,
      connection: {
        url: `ftpes://${server.user}@${server.host}:${server.port}/`,
        password: server.password,
        parallel: 1,
        tls: { caFile: "ca.pem" },
      },
      steps: [{ put: { from: "up/", to: "in/" }, retries: 4 }],
    }, { baseDir: dir.path, error: (_path, message) => new Error(message) });
    const report = await runTask(task);
    assert.ok(report.ok, JSON.stringify(report.steps[0], null, 1));
    for (const [name, bytes] of Object.entries(files)) {
      assert.equal(sha256(await Deno.readFile(`${server.root}/in/${name}`)), sha256(bytes), name);
    }
  },
});
