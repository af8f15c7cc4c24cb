/**
 * Mutual TLS (`tls.clientCa`): the control connection requires a client
 * certificate signed by the CA; data connections do not ask for one.
 * Deno's `connectTls` can present a certificate (implicit FTPS), but
 * `Deno.startTls` cannot (explicit FTPS), so explicit FTPS with a client
 * certificate is driven here with `node:tls`, curl and Python's ftplib.
 */

import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import type { FtpTestServer } from "../../src/testing/mod.ts";
import { peer, runPeer } from "../_peers.ts";
import type { TestCertificate } from "../_servers/certs.ts";
import { clientTls, pki, startTlsServer } from "./_tls.ts";
import { pattern, readAll, sha256, Wire } from "./_wire.ts";

const curl = peer("curl");
const python = peer("python3");
const BLOB = pattern(400_000, 17);

async function mutualServer(implicitTls: boolean): Promise<FtpTestServer> {
  const { caPem, server: identity } = await pki();
  const server = await startTlsServer({
    implicitTls,
    tls: { cert: identity.certPem, key: identity.keyPem, clientCa: caPem },
  });
  await Deno.writeFile(`${server.root}/blob.bin`, BLOB);
  return server;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), "condition never became true");
}

/** Implicit FTPS with Deno.connectTls, optionally presenting a certificate. */
async function connectImplicit(
  server: FtpTestServer,
  certificate: TestCertificate | undefined,
): Promise<Deno.TlsConn> {
  const { caPem } = await pki();
  return await Deno.connectTls({
    hostname: "localhost",
    port: server.port,
    caCerts: [caPem],
    ...(certificate ? { cert: certificate.certPem, key: certificate.keyPem } : {}),
  });
}

Deno.test("mutual TLS, implicit: a CA-signed client certificate logs in; PROT P data needs none", async () => {
  await using server = await mutualServer(true);
  const { client } = await pki();
  const conn = await connectImplicit(server, client);
  const [wire, greeting] = await Wire.adopt(conn);
  using _ = wire;
  assert.equal(greeting.code, 220);
  await wire.expect("USER anonymous", 331);
  await wire.expect("PASS x", 230);
  await wire.expect("PBSZ 0", 200);
  await wire.expect("PROT P", 200);
  await wire.expect("TYPE I", 200);
  const raw = await Deno.connect({ hostname: "127.0.0.1", port: await epsvPort(wire) });
  await wire.expect("RETR blob.bin", 150);
  assert.equal(sha256(await readAll(await clientTls(raw))), sha256(BLOB));
  assert.equal((await wire.reply()).code, 226);
  await wire.expect("QUIT", 221);
});

for (const which of ["none", "selfSigned", "expired", "server"] as const) {
  Deno.test(`mutual TLS, implicit: ${which === "none" ? "no" : `a ${which}`} client certificate is refused`, async () => {
    await using server = await mutualServer(true);
    const certificates = await pki();
    const certificate = which === "none" ? undefined : certificates[which];
    const conn = await connectImplicit(server, certificate);
    try {
      // TLS 1.3 finishes the client's side of the handshake before the server
      // has judged the certificate: the refusal shows on the first read.
      const outcome = await conn.read(new Uint8Array(100)).then(
        (n) => n === null ? "closed" : `read ${n} bytes`,
        (error: Error) => error.message,
      );
      assert.match(outcome, /CertificateRequired|certificate|closed|close_notify|reset/i);
    } finally {
      conn.close();
    }
    await waitFor(() => server.sessionCount === 0);
  });
}

/** EPSV on a wire, returning the port. */
async function epsvPort(wire: Wire): Promise<number> {
  const reply = await wire.expect("EPSV", 229);
  return Number(/\(\|\|\|(\d+)\|\)/.exec(reply.lines[0])![1]);
}

/** Explicit FTPS with node:tls: AUTH TLS in plain text, then TLS with a client certificate. */
async function explicitWithNodeTls(
  server: FtpTestServer,
  certificate: TestCertificate | undefined,
): Promise<string[]> {
  const { caPem } = await pki();
  const socket = net.connect(server.port, "127.0.0.1");
  const lines: string[] = [];
  let pending = "";
  let wake: (() => void) | undefined;
  const onData = (data: Uint8Array) => {
    pending += new TextDecoder().decode(data);
    for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n")) {
      lines.push(pending.slice(0, end).trimEnd());
      pending = pending.slice(end + 1);
    }
    wake?.();
  };
  let closed = false;
  const onClose = () => {
    closed = true;
    wake?.();
  };
  socket.on("data", onData);
  socket.on("close", onClose);
  socket.on("error", () => {});
  const next = async (): Promise<string> => {
    for (let i = 0; i < 1000 && lines.length === 0 && !closed; i++) {
      await new Promise<void>((resolve) => wake = resolve);
    }
    return lines.shift() ?? "<closed>";
  };
  const seen: string[] = [];
  let secure: tls.TLSSocket | undefined;
  try {
    seen.push(await next());
    socket.write("AUTH TLS\r\n");
    seen.push(await next());
    socket.off("data", onData);
    secure = tls.connect({
      socket,
      servername: "localhost",
      ca: [caPem],
      ...(certificate ? { cert: certificate.certPem, key: certificate.keyPem } : {}),
    });
    secure.on("data", onData);
    secure.on("close", onClose);
    secure.on("error", () => {});
    secure.write("NOOP\r\n");
    seen.push(await next());
    if (!closed) {
      secure.write("QUIT\r\n");
      seen.push(await next());
    }
  } finally {
    secure?.destroy();
    socket.destroy();
  }
  return seen;
}

Deno.test("mutual TLS, explicit (node:tls client): with a certificate the session works", async () => {
  await using server = await mutualServer(false);
  const { client } = await pki();
  const seen = await explicitWithNodeTls(server, client);
  assert.deepEqual(seen.map((line) => line.slice(0, 3)), ["220", "234", "200", "221"]);
  await waitFor(() => server.sessionCount === 0);
});

Deno.test("mutual TLS, explicit (node:tls client): without a certificate the server hangs up", async () => {
  await using server = await mutualServer(false);
  const seen = await explicitWithNodeTls(server, undefined);
  assert.deepEqual(seen, ["220 ferry test server ready", seen[1], "<closed>"]);
  await waitFor(() => server.sessionCount === 0);
});

Deno.test("mutual TLS, explicit: Deno.startTls cannot present a certificate, so it is refused", async () => {
  await using server = await mutualServer(false);
  const { caPem } = await pki();
  const [wire] = await Wire.open(server);
  using _ = wire;
  await wire.startTls(caPem).catch(() => {});
  const outcome = await wire.command("NOOP").then(
    (reply) => `${reply.code}`,
    (error: Error) => error.message,
  );
  assert.match(outcome, /CertificateRequired|closed/);
  await waitFor(() => server.sessionCount === 0);
});

Deno.test("mutual TLS: curl with --cert/--key lists; without them it fails", {
  ignore: curl.ignore,
}, async () => {
  const bin = curl.require();
  await using server = await mutualServer(false);
  const { caPath, client } = await pki();
  const base = ["-sS", "--max-time", "20", "--ssl-reqd", "--cacert", caPath];
  const url = `ftp://localhost:${server.port}/`;
  const listing = await runPeer(bin, [
    ...base,
    "--cert",
    client.certPath,
    "--key",
    client.keyPath,
    url,
  ]);
  assert.match(listing.stdout, /blob\.bin/);
  const failure = await runPeer(bin, [...base, url]).then(
    () => "",
    (error: Error) => error.message,
  );
  assert.match(failure, /exited with \d+/);
});

Deno.test(
  "mutual TLS: Python ftplib FTP_TLS with load_cert_chain",
  { ignore: python.ignore },
  async () => {
    const bin = python.require();
    await using server = await mutualServer(false);
    const { caPath, client } = await pki();
    const script = `
import ftplib, hashlib, io, ssl, sys
context = ssl.create_default_context(cafile=sys.argv[2])
context.load_cert_chain(sys.argv[3], sys.argv[4])
ftp = ftplib.FTP_TLS(context=context)
ftp.connect("localhost", int(sys.argv[1]), timeout=20)
ftp.login()
ftp.prot_p()
data = io.BytesIO()
ftp.retrbinary("RETR blob.bin", data.write)
print(hashlib.sha256(data.getvalue()).hexdigest())
ftp.quit()
`;
    const result = await runPeer(bin, [
      "-c",
      script,
      String(server.port),
      caPath,
      client.certPath,
      client.keyPath,
    ], { timeoutMs: 60_000 });
    assert.equal(result.stdout.trim(), sha256(BLOB));
    assert.ok(server.commands.includes("PROT P"));
  },
);
