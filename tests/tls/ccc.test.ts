// CCC (RFC 4217 section 6; ftplib's FTP_TLS.ccc()): after the 200, TLS
// comes off the control connection and the session goes on in plain text on
// the same TCP connection, while data connections keep PROT P. A tap between
// client and server records the control connection's bytes, so the tests
// see the login encrypted and the commands after CCC in plain text. On the
// embedded server (which Python's ftplib checks too) and on ProFTPD (which
// supports CCC); vsftpd refuses it.

import assert from "node:assert/strict";
import {
  FtpClient,
  type FtpClientOptions,
  FtpConnectionError,
  FtpInputError,
  FtpPermanentError,
  FtpTimeoutError,
  FtpTlsError,
} from "../../mod.ts";
import { FtpTestServer, type FtpTestServerOptions } from "../../src/testing/mod.ts";
import { peer, runPeer } from "../_peers.ts";
import { pseudoRandomBytes, readAll, sha256, tempDir } from "../_helpers.ts";
import { ferry, writeTask } from "../cli/_ferry.ts";
import { join } from "node:path";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { isRoot, type ServerTlsFiles } from "../_servers/_common.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";

const pki = await makeTestPki();
const python = peer("python3");

/**
 * A TCP relay in front of a server's control port that records what the
 * client sent, as text (Latin-1, so TLS records stay unreadable bytes).
 */
function tap(serverPort: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sent: string[] = [];
  const relays: Promise<void>[] = [];
  const pipe = async (from: Deno.Conn, to: Deno.Conn, record?: string[]) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      // Bounded by the connections: ends when either side closes.
      for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
        record?.push(new TextDecoder("latin1").decode(buffer.subarray(0, n)));
        await to.write(buffer.slice(0, n));
      }
      await to.closeWrite();
    } catch {
      // Closed under us.
    }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      const server = await Deno.connect({ hostname: "127.0.0.1", port: serverPort });
      relays.push(
        Promise.all([pipe(client, server, sent), pipe(server, client)]).then(() => {
          client.close();
          server.close();
        }),
      );
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    /** Everything the client sent on its control connections. */
    sent: () => sent.join(""),
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting;
      await Promise.all(relays);
    },
  };
}

function embedded(options: FtpTestServerOptions = {}): Promise<FtpTestServer> {
  return FtpTestServer.start({
    users: { alice: "ccc-secret-pw" },
    anonymous: false,
    tls: { cert: pki.server.certPem, key: pki.server.keyPem },
    ...options,
  });
}

function clientOptions(port: number, tls: FtpClientOptions["tls"] = {}): FtpClientOptions {
  return {
    host: "localhost",
    port,
    user: "alice",
    password: "ccc-secret-pw",
    secure: "explicit",
    tls: { caCerts: [pki.caPem], sessionReuse: "always", ...tls },
  };
}

/** Distinct bytes per file name. */
function payload(name: string): Uint8Array {
  return pseudoRandomBytes(250_000, [...name].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7));
}

/** Upload, download and list through a client: bytes compared by hash. */
async function transfers(client: FtpClient, name: string): Promise<void> {
  const data = payload(name);
  await client.upload(name, data);
  assert.equal(sha256(await readAll(await client.download(name))), sha256(data));
  assert.ok((await client.list()).some((entry) => entry.name === name));
}

for (const transferMode of ["passive", "active"] as const) {
  Deno.test(`ccc() on the embedded server (${transferMode}): the login is encrypted, every command after CCC is plain text, data connections keep PROT P (and resume the session)`, async () => {
    await using server = await embedded({ requireSessionReuse: true });
    await using wire = tap(server.port);
    await using client = await FtpClient.connect({
      ...clientOptions(wire.port),
      transferMode,
    });
    const before = wire.sent();
    await client.ccc();
    await transfers(client, "after-ccc.bin");
    assert.equal(await client.pwd(), "/");
    await client.close();
    // Before CCC nothing was readable; after it, the commands are.
    assert.doesNotMatch(before, /USER|PASS|ccc-secret-pw|PROT/);
    const after = wire.sent().slice(before.length);
    const verb = transferMode === "passive" ? "EPSV" : "EPRT";
    for (
      // TYPE I went with the login's set-up, encrypted (pipelining).
      const line of [
        verb,
        "STOR after-ccc.bin",
        "RETR after-ccc.bin",
        "MLSD",
        "PWD",
        "QUIT",
      ]
    ) {
      assert.ok(after.includes(`${line}`), `${line} in plain text:\n${after}`);
    }
    assert.doesNotMatch(after, /ccc-secret-pw/);
    const sent = server.commands;
    assert.deepEqual(sent.slice(sent.indexOf("PBSZ 0"), sent.indexOf("CCC") + 1), [
      "PBSZ 0",
      "PROT P",
      "CCC",
    ]);
  });
}

Deno.test("ccc() with four clients at once on one embedded server (requiring session reuse): each clears its own control connection and moves distinct files intact", async () => {
  await using server = await embedded({ requireSessionReuse: true });
  await using wire = tap(server.port);
  const clients = await Promise.all(
    [0, 1, 2, 3].map(() => FtpClient.connect(clientOptions(wire.port))),
  );
  try {
    await Promise.all(clients.map((client) => client.ccc()));
    await Promise.all(clients.map((client, i) => transfers(client, `parallel-${i}.bin`)));
    // The server's disk holds what each client sent.
    for (let i = 0; i < clients.length; i++) {
      const stored = await Deno.readFile(`${server.root}/parallel-${i}.bin`);
      assert.equal(sha256(stored), sha256(payload(`parallel-${i}.bin`)));
    }
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
  assert.equal(server.commands.filter((line) => line === "CCC").length, 4);
  for (let i = 0; i < 4; i++) assert.ok(wire.sent().includes(`STOR parallel-${i}.bin`));
  assert.doesNotMatch(wire.sent(), /ccc-secret-pw|PASS/);
});

Deno.test("tls.clearControl: CCC after every login (PBSZ and PROT first), reconnections included; on a server that refuses it, FtpTlsError 'ccc-refused' and the connection closed", async () => {
  await using server = await embedded();
  await using wire = tap(server.port);
  const client = new FtpClient(
    clientOptions(wire.port, { clearControl: true, sessionReuse: "auto" }),
  );
  await client.connect();
  await transfers(client, "one.bin");
  await client.close();
  await client.connect();
  await transfers(client, "two.bin");
  await client.close();
  const sent = server.commands;
  assert.equal(sent.filter((line) => line === "CCC").length, 2);
  assert.ok(sent.indexOf("CCC") > sent.indexOf("PROT P"));
  assert.match(wire.sent(), /STOR one\.bin[\s\S]*STOR two\.bin/);
  assert.doesNotMatch(wire.sent(), /ccc-secret-pw|PASS/);

  // requireTls: the embedded server, as ProFTPD under TLSRequired, answers 534.
  await using strict = await embedded({ requireTls: true });
  const refusing = new FtpClient(clientOptions(strict.port, { clearControl: true }));
  const error = await refusing.connect().catch((e) => e);
  assert.ok(error instanceof FtpTlsError, String(error));
  assert.equal(error.kind, "ccc-refused");
  assert.equal(error.connection, "control");
  assert.match(error.message, /534 CCC refused/);
  assert.match(error.message, /leave tls\.clearControl off/);
  assert.equal(refusing.state, "unconnected");
  await refusing.close();
});

Deno.test("ccc() refusals: plain FTP and implicit FTPS (FtpInputError, id 0, nothing sent); Deno's TLS (FtpInputError naming the options, nothing sent); before login (FtpInputError, then login and CCC work); twice; a server's 534 (FtpPermanentError, the session stays encrypted and usable)", async () => {
  await using plain = await FtpTestServer.start({ users: { alice: "ccc-secret-pw" } });
  await using plainClient = await FtpClient.connect({
    port: plain.port,
    user: "alice",
    password: "ccc-secret-pw",
  });
  const request = plainClient.ccc();
  assert.equal(request.id, 0);
  const notTls = await request.catch((e) => e);
  assert.ok(notTls instanceof FtpInputError, String(notTls));
  assert.match(notTls.message, /needs explicit FTPS/);

  await using implicit = await embedded({ implicitTls: true });
  await using implicitClient = await FtpClient.connect({
    ...clientOptions(implicit.port),
    secure: "implicit",
  });
  assert.ok(await implicitClient.ccc().catch((e) => e) instanceof FtpInputError);

  await using server = await embedded();
  await using native = await FtpClient.connect(
    clientOptions(server.port, { sessionReuse: "auto" }),
  );
  const onDeno = await native.ccc().catch((e) => e);
  assert.ok(onDeno instanceof FtpInputError, String(onDeno));
  assert.match(onDeno.message, /needs Node's TLS.*tls\.clearControl: true.*sessionReuse: "always"/);
  // Before login (login: false): refused, so that USER and PASS go encrypted; then login works.
  await using early = new FtpClient({ ...clientOptions(server.port), login: false });
  await early.connect();
  const beforeLogin = await early.ccc().catch((e) => e);
  assert.ok(beforeLogin instanceof FtpInputError, String(beforeLogin));
  assert.match(beforeLogin.message, /only after login.*call login\(\) first/);
  assert.equal(early.state, "connected");
  await early.login("alice", "ccc-secret-pw");
  await early.ccc();
  assert.equal(await early.pwd(), "/");
  assert.equal(server.commands.filter((line) => line === "CCC").length, 1);
  const passLine = server.commands.find((line) => line.startsWith("PASS"))!;
  assert.ok(server.commands.indexOf("CCC") > server.commands.lastIndexOf(passLine));

  await using node = await FtpClient.connect(clientOptions(server.port));
  await node.ccc();
  const twice = await node.ccc().catch((e) => e);
  assert.ok(twice instanceof FtpInputError, String(twice));
  assert.match(twice.message, /already clear/);
  assert.equal(server.commands.filter((line) => line === "CCC").length, 2);

  await using strict = await embedded({ requireTls: true });
  await using kept = await FtpClient.connect(clientOptions(strict.port));
  const refused = await kept.ccc().catch((e) => e);
  assert.ok(refused instanceof FtpPermanentError, String(refused));
  assert.equal(refused.code, 534);
  await transfers(kept, "still-encrypted.bin");
  // And the raw form stays refused, pointing at ccc().
  const raw = await kept.send("CCC").catch((e) => e);
  assert.ok(raw instanceof FtpInputError, String(raw));
  assert.match(raw.message, /ccc\(\), or the tls\.clearControl option/);
});

Deno.test("ccc() is queued like every call: list, ccc, upload and pwd issued at once run in order", async () => {
  await using server = await embedded();
  await using client = await FtpClient.connect(clientOptions(server.port));
  const started: string[] = [];
  client.addEventListener("commandStarted", (e) => started.push(e.command));
  const [listing, , , where] = await Promise.all([
    client.list(),
    client.ccc(),
    client.upload("queued.bin", "queued"),
    client.pwd(),
  ]);
  assert.deepEqual(listing, []);
  assert.equal(where, "/");
  assert.deepEqual(started, ["list", "ccc", "upload", "pwd"]);
  assert.equal(await Deno.readTextFile(`${server.root}/queued.bin`), "queued");
  const sent = server.commands;
  assert.ok(sent.indexOf("CCC") < sent.indexOf("STOR queued.bin"));
});

/**
 * A minimal explicit-FTPS server in Python that answers CCC with 200 and
 * then, as `after` says, keeps TLS up and reads nothing ("silent"), or
 * closes the connection without close_notify ("close").
 */
const BROKEN_CCC_SERVER = `
import socket, ssl, sys, time
cert, key, after = sys.argv[1], sys.argv[2], sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
io = conn
io.sendall(b"220 ready\\r\\n")
buffer = b""
while True:
    data = io.recv(4096)
    if not data:
        break
    buffer += data
    while b"\\r\\n" in buffer:
        line, buffer = buffer.split(b"\\r\\n", 1)
        verb = line.split(b" ")[0].upper()
        if verb == b"AUTH":
            io.sendall(b"234 go\\r\\n")
            io = ctx.wrap_socket(conn, server_side=True)
        elif verb == b"USER":
            io.sendall(b"331 password\\r\\n")
        elif verb == b"PASS":
            io.sendall(b"230 in\\r\\n")
        elif verb == b"FEAT":
            io.sendall(b"211 no features\\r\\n")
        elif verb == b"PWD":
            io.sendall(b'257 "/" is the current directory\\r\\n')
        elif verb == b"CCC":
            io.sendall(b"200 Clearing control channel protection\\r\\n")
            if after == "close":
                conn.close()
            else:
                time.sleep(30)
            sys.exit(0)
        else:
            io.sendall(b"200 ok\\r\\n")
`;

for (const after of ["silent", "close"] as const) {
  Deno.test({
    name: after === "silent"
      ? "a server that answers 200 to CCC but does not end TLS: FtpTimeoutError after the reply timeout, naming CCC; the client is unconnected"
      : "a server that closes the connection after CCC's 200 without close_notify: FtpConnectionError; the client is unconnected",
    ignore: python.ignore,
    async fn() {
      const child = new Deno.Command(python.require(), {
        args: ["-c", BROKEN_CCC_SERVER, pki.server.certPath, pki.server.keyPath, after],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      try {
        const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
        const port = Number((await reader.read()).value?.trim());
        reader.releaseLock();
        await using client = await FtpClient.connect({
          ...clientOptions(port),
          replyTimeout: 1000,
        });
        const started = performance.now();
        const error = await client.ccc().catch((e) => e);
        if (after === "silent") {
          assert.ok(error instanceof FtpTimeoutError, String(error));
          assert.equal(error.phase, "reply");
          assert.match(error.message, /end TLS after CCC/);
        } else {
          assert.ok(error instanceof FtpConnectionError, String(error));
          assert.match(error.message, /ending TLS after CCC/);
        }
        assert.ok(performance.now() - started < 10_000);
        assert.equal(client.state, "unconnected");
      } finally {
        child.kill();
        await child.output().catch(() => {});
      }
    },
  });
}

Deno.test({
  name:
    "Python ftplib's FTP_TLS.ccc() against the embedded server: nlst, retrbinary and storbinary in plain text over PROT P",
  ignore: python.ignore,
  async fn() {
    await using server = await embedded();
    await Deno.writeTextFile(`${server.root}/x.txt`, "hello over a clear control connection\n");
    const script = `
import ftplib, io, ssl, sys
ftp = ftplib.FTP_TLS(context=ssl.create_default_context(cafile=sys.argv[2]))
ftp.connect("localhost", int(sys.argv[1]), timeout=20)
ftp.login("alice", "ccc-secret-pw")
ftp.prot_p()
print(ftp.ccc())
print(ftp.nlst())
b = io.BytesIO()
ftp.retrbinary("RETR x.txt", b.write)
print(b.getvalue().decode())
ftp.storbinary("STOR y.txt", io.BytesIO(b"stored after ccc"))
print(ftp.quit())
`;
    const result = await runPeer(
      python.require(),
      ["-c", script, String(server.port), pki.caPath],
      {
        timeoutMs: 60_000,
      },
    );
    assert.match(result.stdout, /^200 Clearing control channel protection/m);
    assert.match(result.stdout, /\['x\.txt'\]/);
    assert.match(result.stdout, /hello over a clear control connection/);
    assert.match(result.stdout, /^221/m);
    assert.equal(await Deno.readTextFile(`${server.root}/y.txt`), "stored after ccc");
  },
});

const files: ServerTlsFiles = serverTlsFiles(pki);

for (const transferMode of ["passive", "active"] as const) {
  Deno.test({
    name:
      `ProFTPD (${transferMode}): two clients at once, one with ccc(), one with tls.clearControl: plain text after CCC, data connections still TLS (resumed), bytes intact`,
    ignore: !isRoot(),
    async fn() {
      await using server = await startProftpd({ tls: files });
      await using wire = tap(server.port);
      const options = {
        ...clientOptions(wire.port),
        user: server.user,
        password: server.password,
        transferMode,
      };
      await using manual = await FtpClient.connect(options);
      await manual.ccc();
      await using automatic = await FtpClient.connect({
        ...options,
        tls: { ...options.tls, clearControl: true, sessionReuse: "auto" },
      });
      await Promise.all([transfers(manual, "manual.bin"), transfers(automatic, "automatic.bin")]);
      await manual.close();
      await automatic.close();
      const sent = wire.sent();
      assert.doesNotMatch(sent, new RegExp(`PASS|${server.password}`));
      for (const line of ["STOR manual.bin", "RETR automatic.bin", "MLSD", "QUIT"]) {
        assert.ok(sent.includes(line), `${line} in plain text`);
      }
      const log = server.logs();
      assert.equal(
        [...log.matchAll(/received CCC, clearing control channel protection/g)].length,
        2,
      );
      // Every data connection after CCC was TLS, resuming the control connection's session.
      assert.equal(
        [...log.matchAll(/data connection accepted|renegotiation accepted/g)].length >= 6,
        true,
        log,
      );
      assert.doesNotMatch(log, /unable to accept TLS|SSL_accept/i);
    },
  });
}

Deno.test({
  name:
    "vsftpd has no CCC: tls.clearControl fails with FtpTlsError 'ccc-refused' naming the reply; ccc() with an FtpPermanentError, and the session goes on encrypted",
  ignore: vsftpd.ignore,
  async fn() {
    await using server = await startVsftpd({
      tls: { certPath: pki.server.certPath, keyPath: pki.server.keyPath },
    });
    const options: FtpClientOptions = {
      host: "localhost",
      port: server.port,
      user: "anonymous",
      password: "ferry@example.com",
      path: "pub",
      secure: "explicit",
      tls: { caCerts: [pki.caPem], sessionReuse: "always" },
    };
    const error = await FtpClient.connect({
      ...options,
      tls: { ...options.tls, clearControl: true },
    })
      .catch((e) => e);
    assert.ok(error instanceof FtpTlsError, String(error));
    assert.equal(error.kind, "ccc-refused");
    await using client = await FtpClient.connect(options);
    const refused = await client.ccc().catch((e) => e);
    assert.ok(refused instanceof FtpPermanentError, String(refused));
    await transfers(client, "vs.bin");
  },
});

Deno.test("ferry run with connection.tls.clearControl: CCC after login on every connection, files intact on the server; with ftp:// a located error before anything is sent", async () => {
  await using server = await embedded();
  await using dir = await tempDir();
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 6; i++) files[`f${i}.bin`] = payload(`task-${i}.bin`);
  await Deno.mkdir(join(dir.path, "site"));
  for (const [name, data] of Object.entries(files)) {
    await Deno.writeFile(join(dir.path, "site", name), data);
  }
  const task = (url: string) =>
    writeTask(
      dir.path,
      "ccc.yaml",
      `version: 1
connection:
  url: ${url}
  password: \${FTP_PASSWORD}
  parallel: 3
  tls: { caFile: ${pki.caPath}, clearControl: true }
steps:
  - put: { from: "site/*.bin", to: up/ }
`,
    );
  const env = { FTP_PASSWORD: "ccc-secret-pw" };
  const ok = await ferry(["run", await task(`ftpes://alice@localhost:${server.port}/`)], {
    env,
    cwd: dir.path,
    timeoutMs: 120_000,
  });
  assert.equal(ok.code, 0, ok.stderr);
  for (const [name, data] of Object.entries(files)) {
    assert.equal(sha256(await Deno.readFile(`${server.root}/up/${name}`)), sha256(data), name);
  }
  const logins = server.commands.filter((line) => line.startsWith("PASS")).length;
  assert.ok(logins >= 1);
  assert.equal(server.commands.filter((line) => line === "CCC").length, logins);
  assert.doesNotMatch(ok.stdout + ok.stderr, /ccc-secret-pw/);

  const before = server.connections.length;
  const bad = await ferry(["run", await task(`ftp://alice@localhost:${server.port}/`)], {
    env,
    cwd: dir.path,
    timeoutMs: 60_000,
  });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /connection\.tls\.clearControl.*needs explicit FTPS/);
  assert.equal(server.connections.length, before);
});

Deno.test("tls.clearControl without explicit FTPS (plain FTP, implicit FTPS): FtpInputError before anything is sent", async () => {
  await using server = await embedded();
  for (const secure of ["none", "implicit"] as const) {
    const error = await FtpClient.connect({
      ...clientOptions(server.port, { clearControl: true }),
      secure,
    }).catch((e) => e);
    assert.ok(error instanceof FtpInputError, String(error));
    assert.match(error.message, /tls\.clearControl needs explicit FTPS/);
  }
  assert.equal(server.connections.length, 0);
});
