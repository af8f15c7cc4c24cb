/**
 * TLS session resumption on data connections: the server resumes sessions
 * across its connections, and `requireSessionReuse` refuses data
 * connections that do not resume one (vsftpd's `require_ssl_reuse=YES`).
 * Clients: Deno's `node:tls` with the control connection's `session`,
 * `Deno.startTls` (never resumes), curl and lftp (resume), Python's ftplib
 * (does not).
 */

import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import type { FtpTestServer } from "../../src/testing/mod.ts";
import { ResumptionProbe } from "../../src/testing/_tls_hello.ts";
import { peer, runPeer } from "../_peers.ts";
import { clientTls, pki, startTlsServer } from "./_tls.ts";
import { pattern, readAll, sha256, Wire } from "./_wire.ts";

const curl = peer("curl");
const lftp = peer("lftp");
const python = peer("python3");
const BLOB = pattern(500_000, 23);
const REFUSAL = "522 SSL connection failed: session reuse required";

async function reuseServer(): Promise<FtpTestServer> {
  const server = await startTlsServer({ requireSessionReuse: true, users: { bob: "pw" } });
  await Deno.writeFile(`${server.root}/blob.bin`, BLOB);
  return server;
}

// --- The probe, on hand-made hellos ------------------------------------------

function handshakeRecord(type: number, body: number[]): Uint8Array {
  const message = [type, 0, body.length >> 8, body.length & 0xff, ...body];
  return Uint8Array.from([22, 3, 3, message.length >> 8, message.length & 0xff, ...message]);
}

function clientHello(id: number[], extensions: number[] = []): Uint8Array {
  const ext = extensions.flatMap((type) => [type >> 8, type & 0xff, 0, 1, 0]);
  const fixed = [3, 3, ...new Array(32).fill(7), id.length, ...id];
  const suitesAndCompression = [0, 2, 0x13, 1, 1, 0];
  return handshakeRecord(1, [
    ...fixed,
    ...suitesAndCompression,
    ...[ext.length >> 8, ext.length & 0xff, ...ext],
  ]);
}

function serverHello(id: number[], extensions: number[], random = new Array(32).fill(9)) {
  const ext = extensions.flatMap((type) => [type >> 8, type & 0xff, 0, 2, 3, 4]);
  return handshakeRecord(2, [
    3,
    3,
    ...random,
    id.length,
    ...id,
    0x13,
    1,
    0,
    ext.length >> 8,
    ext.length & 0xff,
    ...ext,
  ]);
}

const RETRY = Array.from(
  "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c".match(/../g)!,
  (h) => parseInt(h, 16),
);

async function probe(client: Uint8Array, server: Uint8Array[], chunk: number) {
  const p = new ResumptionProbe();
  for (let i = 0; i < client.length; i += chunk) p.pushClient(client.subarray(i, i + chunk));
  const stream = Uint8Array.from(server.flatMap((r) => [...r]));
  for (let i = 0; i < stream.length && !p.settled; i += chunk) {
    p.pushServer(stream.subarray(i, i + chunk));
  }
  p.abandon();
  return await p.reuse;
}

Deno.test("ResumptionProbe reads TLS 1.3 PSK, TLS 1.2 session ids and skips HelloRetryRequest", async () => {
  const id = new Array(32).fill(5);
  for (const chunk of [1, 3, 1000]) {
    // TLS 1.3 (supported_versions = 43): the echoed id means nothing; pre_shared_key (41) does.
    const plain13 = clientHello(id, [43]);
    const offering13 = clientHello(id, [43, 41]);
    assert.equal(await probe(plain13, [serverHello(id, [43, 51])], chunk), "none");
    assert.equal(await probe(offering13, [serverHello(id, [43, 51])], chunk), "offered");
    assert.equal(await probe(offering13, [serverHello(id, [43, 51, 41])], chunk), "resumed");
    // TLS 1.2: the same non-empty id echoed is a resumption; another or none is not.
    assert.equal(await probe(clientHello(id), [serverHello(id, [])], chunk), "resumed");
    assert.equal(await probe(clientHello(id), [serverHello([1, 2], [])], chunk), "none");
    assert.equal(await probe(clientHello([]), [serverHello([], [])], chunk), "none");
    // A HelloRetryRequest first: the ServerHello after it decides.
    const retried = [serverHello(id, [43], RETRY), serverHello(id, [43, 41])];
    assert.equal(await probe(offering13, retried, chunk), "resumed");
  }
  // Not a handshake at all: unknown.
  const noise = Uint8Array.of(23, 3, 3, 0, 1, 0);
  assert.equal(await probe(Uint8Array.of(1, 2, 3), [noise], 10), undefined);
});

// --- Raw clients ---------------------------------------------------------------

Deno.test("requireSessionReuse: a fresh TLS session on the data connection gets 522; the session goes on", async () => {
  const { caPem } = await pki();
  await using server = await reuseServer();
  const [wire] = await Wire.open(server);
  using _ = wire;
  await wire.startTls(caPem);
  await wire.expect("USER bob", 331);
  await wire.expect("PASS pw", 230);
  await wire.expect("PBSZ 0", 200);
  await wire.expect("PROT P", 200);
  const raw = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  const data = await clientTls(raw); // Deno.startTls: always a new session
  await readAll(data).catch(() => new Uint8Array(0));
  assert.deepEqual((await wire.reply()).lines, [REFUSAL]);
  await wire.expect("NOOP", 200);
  // PROT C transfers are not TLS, so nothing is there to resume.
  await wire.expect("PROT C", 200);
  await wire.expect("TYPE I", 200);
  const clear = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  assert.equal(sha256(await readAll(clear)), sha256(BLOB));
  assert.equal((await wire.reply()).code, 226);
});

/** Explicit FTPS with node:tls; the data connection resumes the control session when asked. */
async function nodeTlsRetr(
  server: FtpTestServer,
  resume: boolean,
  maxVersion: "TLSv1.2" | "TLSv1.3",
  perConnectionCa = false,
): Promise<{ reused: boolean; bytes: Uint8Array; reply: string }> {
  const { caPem } = await pki();
  // In Deno 2.9.6 a per-connection `ca` turns resumption off; the tests that
  // are about resumption skip verification instead (it is not what they test).
  const trust = perConnectionCa ? { ca: [caPem] } : { rejectUnauthorized: false };
  const socket = net.connect(server.port, "127.0.0.1");
  socket.on("error", () => {});
  let pending = "";
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  const onData = (data: Uint8Array) => {
    pending += new TextDecoder().decode(data);
    for (let end = pending.indexOf("\n"); end !== -1; end = pending.indexOf("\n")) {
      lines.push(pending.slice(0, end).trimEnd());
      pending = pending.slice(end + 1);
    }
    wake?.();
  };
  const next = async () => {
    for (let i = 0; i < 1000 && lines.length === 0; i++) {
      await new Promise<void>((resolve) => wake = resolve);
    }
    return lines.shift()!;
  };
  socket.on("data", onData);
  const sockets: net.Socket[] = [socket];
  try {
    await next();
    socket.write("AUTH TLS\r\n");
    assert.match(await next(), /^234 /);
    socket.off("data", onData);
    const control = tls.connect({ socket, servername: "localhost", ...trust, maxVersion });
    sockets.push(control);
    control.on("error", () => {});
    await new Promise((resolve) => control.once("secureConnect", resolve));
    control.on("data", onData);
    const command = async (line: string) => {
      control.write(`${line}\r\n`);
      return await next();
    };
    await command("USER bob");
    await command("PASS pw");
    await command("PBSZ 0");
    await command("PROT P");
    await command("TYPE I");
    const port = Number(/\|\|\|(\d+)\|/.exec(await command("EPSV"))![1]);
    const raw = net.connect(port, "127.0.0.1");
    sockets.push(raw);
    await new Promise((resolve) => raw.once("connect", resolve));
    assert.match(await command("RETR blob.bin"), /^150 /);
    const data = tls.connect({
      socket: raw,
      servername: "localhost",
      ...trust,
      maxVersion,
      ...(resume ? { session: control.getSession() } : {}),
    });
    sockets.push(data);
    const chunks: Uint8Array[] = [];
    // Flowing and never paused: Deno's node:tls may lose 'end' on a paused socket.
    data.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    const ended = new Promise<void>((resolve) => {
      data.once("end", resolve);
      data.once("close", resolve);
      data.once("error", () => resolve());
    });
    const reused = await new Promise<boolean>((resolve) => {
      data.once("secureConnect", () => resolve(data.isSessionReused()));
      data.once("error", () => resolve(false));
      data.once("close", () => resolve(false));
    });
    const reply = await next();
    await ended;
    control.write("QUIT\r\n");
    await next();
    const bytes = Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
    return { reused, bytes, reply };
  } finally {
    for (const s of sockets.reverse()) s.destroy();
  }
}

Deno.test("node:tls on TLS 1.3 resumes the control session on the data connection: accepted", async () => {
  await using server = await reuseServer();
  const result = await nodeTlsRetr(server, true, "TLSv1.3");
  assert.equal(result.reused, true);
  assert.equal(result.reply, "226 Transfer complete");
  assert.equal(sha256(result.bytes), sha256(BLOB));
});

Deno.test("node:tls with a per-connection ca does not resume in Deno 2.9.6: refused with 522", async () => {
  await using server = await reuseServer();
  const result = await nodeTlsRetr(server, true, "TLSv1.3", true);
  // If a later Deno resumes here too, the server accepts it.
  assert.equal(result.reply, result.reused ? "226 Transfer complete" : REFUSAL);
});

Deno.test("node:tls without the session: refused with 522", async () => {
  await using server = await reuseServer();
  const result = await nodeTlsRetr(server, false, "TLSv1.3");
  assert.equal(result.reused, false);
  assert.equal(result.reply, REFUSAL);
});

Deno.test("node:tls on TLS 1.2 does not resume in Deno 2.9.6: refused with 522", async () => {
  await using server = await reuseServer();
  const result = await nodeTlsRetr(server, true, "TLSv1.2");
  // If a later Deno resumes TLS 1.2 sessions, the server accepts it.
  assert.equal(result.reply, result.reused ? "226 Transfer complete" : REFUSAL);
});

// --- Real clients --------------------------------------------------------------

for (const version of ["1.3", "1.2"]) {
  Deno.test(`curl (TLS ${version}) resumes sessions: accepted by requireSessionReuse`, {
    ignore: curl.ignore,
  }, async () => {
    const bin = curl.require();
    const { caPath } = await pki();
    await using server = await reuseServer();
    const local = await Deno.makeTempFile();
    try {
      await runPeer(bin, [
        "-sS",
        "--max-time",
        "30",
        "--ssl-reqd",
        "--cacert",
        caPath,
        "--tls-max",
        version,
        ...(version === "1.3" ? ["--tlsv1.3"] : []),
        "-u",
        "bob:pw",
        "-o",
        local,
        `ftp://localhost:${server.port}/blob.bin`,
      ], { timeoutMs: 60_000 });
      assert.equal(sha256(await Deno.readFile(local)), sha256(BLOB));
    } finally {
      await Deno.remove(local);
    }
  });
}

Deno.test(
  "lftp offers the control session for every transfer: accepted by requireSessionReuse",
  { ignore: lftp.ignore },
  async () => {
    const bin = lftp.require();
    const { caPath } = await pki();
    await using server = await reuseServer();
    const local = await Deno.makeTempDir();
    try {
      await runPeer(bin, [
        "-c",
        [
          "set ftp:ssl-force true",
          "set ftp:ssl-protect-data true",
          `set ssl:ca-file "${caPath}"`,
          "set net:max-retries 1",
          "set net:timeout 10",
          "set cmd:fail-exit yes",
          `open -u bob,pw ftp://localhost:${server.port}`,
          `get blob.bin -o "${local}/blob.bin"`,
          `get blob.bin -o "${local}/again.bin"`,
          `put "${local}/blob.bin" -o copy.bin`,
        ].join("; "),
      ], { timeoutMs: 60_000 });
      assert.equal(sha256(await Deno.readFile(`${local}/blob.bin`)), sha256(BLOB));
      assert.equal(sha256(await Deno.readFile(`${server.root}/copy.bin`)), sha256(BLOB));
    } finally {
      await Deno.remove(local, { recursive: true });
    }
  },
);

Deno.test("Python ftplib does not resume sessions: refused, as vsftpd refuses it", {
  ignore: python.ignore,
}, async () => {
  const bin = python.require();
  const { caPath } = await pki();
  await using server = await reuseServer();
  const script = `
import ftplib, ssl, sys
ftp = ftplib.FTP_TLS(context=ssl.create_default_context(cafile=sys.argv[2]))
ftp.connect("localhost", int(sys.argv[1]), timeout=20)
ftp.login("bob", "pw")
ftp.prot_p()
try:
    ftp.nlst()
    print("accepted")
except Exception as error:
    print("refused:", type(error).__name__)
`;
  const result = await runPeer(bin, ["-c", script, String(server.port), caPath], {
    timeoutMs: 60_000,
  });
  assert.match(result.stdout, /^refused: /);
  assert.ok(server.commands.includes("NLST"));
});
