// FTPS against the embedded server: explicit and implicit TLS, both TLS
// engines, PROT P and C, passive and active, and every certificate failure.

import assert from "node:assert/strict";
import {
  FtpClient,
  type FtpClientOptions,
  FtpConnectionError,
  FtpPermanentError,
  FtpTimeoutError,
  FtpTlsError,
  type TlsFailure,
} from "../../mod.ts";
import { FtpTestServer, type FtpTestServerOptions } from "../../src/testing/mod.ts";
import { makeTestPki, type TestCertificate } from "../_servers/certs.ts";
import { pseudoRandomBytes, readAll, sha256 } from "../_helpers.ts";

const pki = await makeTestPki();

async function tlsServer(
  options: Partial<FtpTestServerOptions> = {},
  certificate: TestCertificate = pki.server,
) {
  return await FtpTestServer.start({
    users: { alice: "tls-secret" },
    tls: { cert: certificate.certPem, key: certificate.keyPem },
    ...options,
  });
}

function url(server: FtpTestServer, scheme = "ftpes"): string {
  return `${scheme}://alice:tls-secret@localhost:${server.port}/`;
}

const engines = ["auto", "always"] as const;
const modes = ["passive", "active"] as const;

for (const sessionReuse of engines) {
  for (const transferMode of modes) {
    Deno.test(`explicit FTPS (${sessionReuse === "auto" ? "Deno TLS" : "Node TLS"}, ${transferMode}): upload, list, download`, async () => {
      await using server = await tlsServer();
      await using client = await FtpClient.connect(url(server), {
        tls: { caCerts: [pki.caPem], sessionReuse },
        transferMode,
      });
      const data = pseudoRandomBytes(3 << 20, 21);
      await client.mkdir("secure/dir", { recursive: true });
      await client.upload("secure/dir/file.bin", data);
      assert.equal(sha256(await Deno.readFile(`${server.root}/secure/dir/file.bin`)), sha256(data));
      assert.equal(
        sha256(await readAll(await client.download("secure/dir/file.bin"))),
        sha256(data),
      );
      assert.deepEqual((await client.list("secure/dir")).map((e) => [e.name, e.size]), [[
        "file.bin",
        data.length,
      ]]);
      await client.upload("secure/dir/file.bin", "tail", { append: true });
      assert.equal(await client.size("secure/dir/file.bin"), data.length + 4);
      const sent = server.commands;
      assert.equal(sent[0], "AUTH TLS", "TLS comes before anything else");
      assert.ok(sent.indexOf("PBSZ 0") > sent.indexOf("PASS ***"));
      assert.ok(sent.includes("PROT P"));
    });
  }
}

Deno.test("implicit FTPS (ftps://): TLS from the first byte", async () => {
  await using server = await tlsServer({ implicitTls: true });
  for (const sessionReuse of engines) {
    await using client = await FtpClient.connect(url(server, "ftps").replace(":990", ""), {
      tls: { caCerts: [pki.caPem], sessionReuse },
    });
    await client.upload("i.txt", "implicit");
    assert.equal(await new Response(await client.download("i.txt")).text(), "implicit");
  }
  assert.ok(!server.commands.includes("AUTH TLS"));
  assert.ok(server.commands.includes("PROT P"));
});

Deno.test("dataProtection 'clear' sends PROT C: the control connection stays encrypted", async () => {
  await using server = await tlsServer();
  await using client = await FtpClient.connect(url(server), {
    tls: { caCerts: [pki.caPem], dataProtection: "clear" },
  });
  await client.upload("c.txt", "clear data");
  assert.equal(await new Response(await client.download("c.txt")).text(), "clear data");
  assert.ok(server.commands.includes("PROT C"));
  assert.ok(!server.commands.includes("PROT P"));
});

Deno.test("a server that refuses AUTH TLS: FtpTlsError, and nothing is sent in plain text", async () => {
  await using server = await tlsServer({ disabledCommands: ["AUTH"] });
  const error = await FtpClient.connect(url(server), { tls: { caCerts: [pki.caPem] } }).catch((e) =>
    e
  );
  assert.ok(error instanceof FtpTlsError, String(error));
  assert.equal(error.kind, "auth-refused");
  assert.match(error.message, /does not continue in plain text/);
  assert.deepEqual(server.commands, ["AUTH TLS"], "no USER or PASS went out unencrypted");
});

Deno.test("a server that requires TLS refuses a plain login with 530", async () => {
  await using server = await tlsServer({ requireTls: true });
  const error = await FtpClient.connect(`ftp://alice:tls-secret@127.0.0.1:${server.port}/`).catch((
    e,
  ) => e);
  assert.ok(error instanceof FtpPermanentError, String(error));
  assert.ok([530, 534].includes(error.code));
  assert.ok(!error.message.includes("tls-secret"));
});

const badCertificates: [string, TestCertificate, TlsFailure][] = [
  ["self-signed", pki.selfSigned, "certificate"],
  ["expired", pki.expired, "expired"],
  ["issued for another host", pki.wrongHost, "hostname"],
];

for (const [what, certificate, kind] of badCertificates) {
  for (const sessionReuse of engines) {
    for (const secure of ["explicit", "implicit"] as const) {
      Deno.test(`a ${what} certificate is refused (${secure}, ${sessionReuse}): FtpTlsError ${kind}`, async () => {
        await using server = await tlsServer({ implicitTls: secure === "implicit" }, certificate);
        const options: FtpClientOptions = {
          host: "localhost",
          port: server.port,
          user: "alice",
          password: "tls-secret",
          secure,
          tls: { caCerts: [pki.caPem], sessionReuse },
        };
        const error = await FtpClient.connect(options).catch((e) => e);
        assert.ok(error instanceof FtpTlsError, String(error));
        assert.equal(error.kind, kind, error.message);
        assert.ok(
          !server.commands.some((c) => c.startsWith("USER")),
          "no login over an untrusted connection",
        );
        assert.ok(!error.message.includes("tls-secret"));
      });
    }
  }
}

Deno.test("tls.verify: false accepts a self-signed certificate, and says so with a warning", async () => {
  await using server = await tlsServer({}, pki.selfSigned);
  const client = new FtpClient({
    host: "localhost",
    port: server.port,
    secure: "explicit",
    user: "alice",
    password: "tls-secret",
    tls: { verify: false },
  });
  const warnings: string[] = [];
  client.addEventListener("warning", (e) => warnings.push(e.message));
  await client.connect();
  await client.upload("v.txt", "unverified");
  assert.equal(await new Response(await client.download("v.txt")).text(), "unverified");
  await client.close();
  assert.ok(warnings.some((w) => /verification is off/.test(w)), warnings.join("\n"));
});

Deno.test("tls.serverName verifies another name than the host connected to", async () => {
  await using server = await tlsServer({}, pki.wrongHost);
  for (const sessionReuse of engines) {
    await using client = await FtpClient.connect(
      `ftpes://alice:tls-secret@127.0.0.1:${server.port}/`,
      {
        tls: { caCerts: [pki.caPem], serverName: "wrong.example", sessionReuse },
      },
    );
    await client.upload("n.txt", "named");
    assert.equal(await new Response(await client.download("n.txt")).text(), "named");
  }
});

Deno.test("the debug hook sees the encrypted session's lines, the password still redacted", async () => {
  await using server = await tlsServer();
  const lines: string[] = [];
  {
    await using client = await FtpClient.connect(url(server), {
      tls: { caCerts: [pki.caPem] },
      debug: (m) => lines.push(`${m.direction} ${m.line}`),
    });
    await client.noop();
  }
  assert.ok(lines.includes("send AUTH TLS"));
  assert.ok(lines.includes("send PASS ***"));
  assert.ok(lines.includes("send PROT P"));
  assert.ok(!lines.join("\n").includes("tls-secret"));
});

// The reply timeout ends a read by closing the connection, which must end the
// read pending on each transport's stream (Deno's TLS, Node's in its worker).
for (const sessionReuse of engines) {
  Deno.test(`explicit FTPS (${sessionReuse === "auto" ? "Deno TLS" : "Node TLS"}): a stalled reply gives a reply timeout and closes the session, no hang`, async () => {
    await using server = await tlsServer();
    await using client = await FtpClient.connect(url(server), {
      tls: { caCerts: [pki.caPem], sessionReuse },
      replyTimeout: 300,
    });
    server.faults.onCommand = (c) => (c.verb === "NOOP" ? { stall: true } : undefined);
    const started = performance.now();
    const error = await client.noop().catch((e) => e);
    assert.ok(error instanceof FtpTimeoutError, String(error));
    assert.equal(error.phase, "reply");
    assert.match(error.message, /reply to "NOOP"/);
    assert.ok(performance.now() - started < 300 + 5_000, "ended within the timeout and slack");
    assert.equal(client.state, "unconnected");
    await assert.rejects(client.pwd(), FtpConnectionError);
  });
}
