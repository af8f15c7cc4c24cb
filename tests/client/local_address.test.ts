// The localAddress option (ftplib's source_address): the control connection
// and every data connection come from the address asked for, in passive and
// active mode, with plain FTP and FTPS (explicit and implicit), for several
// clients at once; the embedded server lists where each connection came
// from. Bad addresses fail before anything is sent, with a typed error.

import assert from "node:assert/strict";
import { FtpClient, type FtpClientOptions, FtpConnectionError, FtpInputError } from "../../mod.ts";
import {
  type FtpTestConnection,
  FtpTestServer,
  type FtpTestServerOptions,
} from "../../src/testing/mod.ts";
import { makeTestPki } from "../_servers/certs.ts";
import { pseudoRandomBytes, readAll, sha256 } from "../_helpers.ts";

const pki = await makeTestPki();

function start(options: FtpTestServerOptions = {}): Promise<FtpTestServer> {
  return FtpTestServer.start({ users: { alice: "pw" }, anonymous: false, ...options });
}

function tlsServer(options: FtpTestServerOptions = {}): Promise<FtpTestServer> {
  return start({ tls: { cert: pki.server.certPem, key: pki.server.keyPem }, ...options });
}

/** Uploads, lists and downloads one file: one control and three data connections. */
async function exercise(client: FtpClient, name: string): Promise<void> {
  const data = pseudoRandomBytes(300_000, name.length);
  await client.upload(name, data);
  assert.ok((await client.list()).some((entry) => entry.name === name));
  assert.equal(sha256(await readAll(await client.download(name))), sha256(data));
}

/** The connections of each session, by the session's control connection's client address. */
function bySession(connections: readonly FtpTestConnection[]) {
  const sessions = new Map<number, FtpTestConnection[]>();
  for (const c of connections) sessions.set(c.session, [...sessions.get(c.session) ?? [], c]);
  return [...sessions.values()];
}

const modes = ["passive", "active"] as const;
const secures = ["none", "explicit", "implicit"] as const;

for (const secure of secures) {
  for (const transferMode of modes) {
    Deno.test(`localAddress, ${secure === "none" ? "plain FTP" : `${secure} FTPS`}, ${transferMode}: two clients at once, from 127.0.0.2 and 127.0.0.3, make every connection from their own address`, async () => {
      await using server = secure === "none"
        ? await start()
        : await tlsServer({ implicitTls: secure === "implicit" });
      const options = (localAddress: string): FtpClientOptions => ({
        host: "127.0.0.1",
        port: server.port,
        user: "alice",
        password: "pw",
        secure,
        tls: { caCerts: [pki.caPem], serverName: "localhost" },
        transferMode,
        localAddress,
      });
      const infos: string[] = [];
      const connect = async (localAddress: string) => {
        const client = new FtpClient(options(localAddress));
        client.addEventListener(
          "info",
          (e) => infos.push((e as Event & { message: string }).message),
        );
        await client.connect();
        return client;
      };
      await using two = await connect("127.0.0.2");
      await using three = await connect("127.0.0.3");
      await Promise.all([exercise(two, "two.bin"), exercise(three, "three.bin")]);
      const sessions = bySession(server.connections);
      assert.equal(sessions.length, 2, JSON.stringify(server.connections));
      const seen = new Set<string>();
      for (const connections of sessions) {
        const from = connections[0].client.hostname;
        seen.add(from);
        assert.equal(connections[0].kind, "control");
        const data = connections.filter((c) => c.kind === "data");
        // The upload, the listing and the download: each its own data connection.
        assert.equal(data.length, 3, JSON.stringify(connections));
        for (const c of connections) {
          assert.equal(c.client.hostname, from, JSON.stringify(c));
          if (c.kind === "data") assert.equal(c.mode, transferMode);
        }
      }
      assert.deepEqual([...seen].sort(), ["127.0.0.2", "127.0.0.3"]);
      if (transferMode === "active") {
        // The address announced is the local address: EPRT |1|127.0.0.2|port|.
        const announced = server.commands.filter((line) => /^(EPRT|PORT) /.test(line));
        assert.ok(announced.some((line) => line.includes("127.0.0.2")), announced.join("\n"));
        assert.ok(announced.some((line) => line.includes("127.0.0.3")), announced.join("\n"));
      }
      assert.deepEqual(infos, [], "no engine switch was needed or announced");
    });
  }
}

Deno.test("localAddress with FTPS on a server that requires TLS session reuse: data connections resume from the local address", async () => {
  await using server = await tlsServer({ requireSessionReuse: true });
  await using client = await FtpClient.connect({
    host: "localhost",
    port: server.port,
    user: "alice",
    password: "pw",
    secure: "explicit",
    tls: { caCerts: [pki.caPem] },
    localAddress: "127.0.0.2",
  });
  await exercise(client, "reuse.bin");
  assert.ok(server.connections.length >= 4);
  for (const c of server.connections) assert.equal(c.client.hostname, "127.0.0.2");
});

Deno.test("without localAddress, connections come from the system's choice (127.0.0.1 on loopback): the listing can tell", async () => {
  await using server = await start();
  await using client = await FtpClient.connect({
    port: server.port,
    user: "alice",
    password: "pw",
  });
  await client.list();
  assert.deepEqual(server.connections.map((c) => [c.kind, c.client.hostname]), [
    ["control", "127.0.0.1"],
    ["data", "127.0.0.1"],
  ]);
});

for (const bad of ["not-an-address", "127.0.0.256", "[::1]", "", "localhost", "::1%lo"]) {
  Deno.test(`localAddress ${JSON.stringify(bad)}: FtpInputError before anything is sent`, async () => {
    await using server = await start();
    const error = await FtpClient.connect({
      port: server.port,
      user: "alice",
      password: "pw",
      localAddress: bad,
    }).catch((e) => e);
    assert.ok(error instanceof FtpInputError, String(error));
    assert.match(error.message, /localAddress must be an IP address/);
    assert.equal(server.connections.length, 0);
  });
}

Deno.test("localAddress of the other family than the server's: FtpConnectionError 'local-address' that says so", async () => {
  await using server = await start();
  for (const secure of ["none", "explicit"] as const) {
    const error = await FtpClient.connect({
      host: "127.0.0.1",
      port: server.port,
      user: "alice",
      password: "pw",
      secure,
      localAddress: "::1",
    }).catch((e) => e);
    assert.ok(error instanceof FtpConnectionError, String(error));
    assert.equal(error.kind, "local-address");
    assert.match(
      error.message,
      /from ::1: the local address and the server's are not of the same family/,
    );
  }
  assert.equal(server.connections.length, 0);
});

Deno.test("localAddress over IPv6: ::1 to a server on ::1", async () => {
  await using server = await start({ hostname: "::1" });
  await using client = await FtpClient.connect({
    host: "::1",
    port: server.port,
    user: "alice",
    password: "pw",
    localAddress: "::1",
  });
  await exercise(client, "six.bin");
  for (const c of server.connections) assert.equal(c.client.hostname, "::1");
});

Deno.test("localAddress without net permission for it: FtpConnectionError 'denied' naming the flag, not a crash", async () => {
  await using server = await start();
  const script = `
    import { FtpClient } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
    const error = await FtpClient.connect({
      port: ${server.port}, user: "alice", password: "pw", localAddress: "127.0.0.2",
    }).catch((e) => e);
    console.log(JSON.stringify({ name: error?.name, kind: error?.kind, message: error?.message }));
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-env",
      `--allow-net=127.0.0.1:${server.port}`,
      "-",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = output.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const { code, stdout, stderr } = await output.output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const result = JSON.parse(text.trim().split("\n").at(-1)!);
  assert.equal(result.name, "FtpConnectionError");
  assert.equal(result.kind, "denied");
  assert.match(result.message, /--allow-net=127\.0\.0\.2/);
  assert.equal(server.connections.length, 0);
});
