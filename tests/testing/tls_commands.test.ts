/**
 * FTPS on the control connection, over raw sockets: AUTH TLS, PBSZ, PROT
 * and CCC replies, FEAT, requireTls refusals, implicit TLS, and failed
 * handshakes.
 */

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pki, startTlsServer } from "./_tls.ts";
import { readAll, text, utf8, Wire } from "./_wire.ts";

async function features(wire: Wire): Promise<string[]> {
  const reply = await wire.expect("FEAT", 211);
  return reply.lines.slice(1, -1).map((line) => line.trim());
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), "condition never became true");
}

Deno.test("FEAT lists AUTH TLS, PBSZ and PROT only on a server with a certificate", async () => {
  {
    await using plain = await FtpTestServer.start();
    assert.equal(plain.secure, "none");
    assert.match(plain.url, /^ftp:\/\//);
    const [wire] = await Wire.open(plain);
    using _ = wire;
    const feat = await features(wire);
    for (const line of ["AUTH TLS", "PBSZ", "PROT"]) assert.ok(!feat.includes(line), line);
    const help = await wire.expect("HELP", 214);
    assert.ok(!help.lines.join(" ").includes("AUTH"));
  }
  await using server = await startTlsServer();
  assert.equal(server.secure, "explicit");
  assert.match(server.url, /^ftpes:\/\/127\.0\.0\.1:\d+$/);
  const [wire] = await Wire.open(server);
  using _ = wire;
  const feat = await features(wire);
  for (const line of ["AUTH TLS", "PBSZ", "PROT"]) assert.ok(feat.includes(line), line);
  assert.deepEqual(feat, [...feat].sort(), "FEAT lines stay sorted");
  assert.match((await wire.expect("HELP", 214)).lines.join(" "), /AUTH .*CCC|CCC .*AUTH/);
});

Deno.test("without tls, AUTH, PBSZ, PROT and CCC answer 502", async () => {
  await using server = await FtpTestServer.start();
  const [wire] = await Wire.open(server);
  using _ = wire;
  for (const command of ["AUTH TLS", "PBSZ 0", "PROT P", "CCC"]) {
    const reply = await wire.expect(command, 502);
    assert.match(reply.lines[0], /not implemented on this server \(no TLS certificate\)$/);
  }
  // The connection is still plain and usable.
  await wire.expect("USER anonymous", 331);
  await wire.expect("PASS x", 230);
});

Deno.test('disabledCommands: ["AUTH"] refuses AUTH TLS with 502 and drops it from FEAT', async () => {
  await using server = await startTlsServer({ disabledCommands: ["AUTH"] });
  const [wire] = await Wire.open(server);
  using _ = wire;
  assert.ok(!(await features(wire)).includes("AUTH TLS"));
  assert.equal(
    (await wire.expect("AUTH TLS", 502)).lines[0],
    "502 AUTH is not implemented on this server",
  );
  await wire.expect("NOOP", 200);
});

Deno.test("before AUTH TLS: unknown mechanisms 504, no mechanism 501, PBSZ/PROT/CCC 503", async () => {
  await using server = await startTlsServer();
  const [wire] = await Wire.open(server);
  using _ = wire;
  assert.equal(
    (await wire.expect("AUTH KERBEROS_V4", 504)).lines[0],
    "504 AUTH KERBEROS_V4 is not supported; use AUTH TLS",
  );
  await wire.expect("AUTH", 501);
  assert.equal((await wire.expect("PBSZ 0", 503)).lines[0], "503 PBSZ needs AUTH TLS first");
  assert.equal((await wire.expect("PROT P", 503)).lines[0], "503 PROT needs AUTH TLS first");
  await wire.expect("CCC", 503);
  // A refused AUTH leaves the connection in plain text, with what followed it.
  await wire.send("NOOP\r\nAUTH XYZ\r\nNOOP\r\n");
  assert.equal((await wire.reply()).code, 200);
  assert.equal((await wire.reply()).code, 504);
  assert.equal((await wire.reply()).code, 200);
});

Deno.test("AUTH TLS: 234, a verified handshake, then PBSZ and PROT replies", async () => {
  const { caPem } = await pki();
  await using server = await startTlsServer();
  const [wire] = await Wire.open(server);
  using _ = wire;
  const reply = await wire.startTls(caPem);
  assert.deepEqual(reply.lines, ["234 AUTH TLS successful; start the TLS handshake"]);
  assert.equal((await wire.expect("PROT P", 503)).lines[0], "503 PROT needs PBSZ first");
  await wire.expect("PBSZ x", 501);
  assert.deepEqual((await wire.expect("PBSZ 0", 200)).lines, ["200 PBSZ=0"]);
  assert.deepEqual((await wire.expect("PBSZ 1048576", 200)).lines, ["200 PBSZ=0"]);
  assert.deepEqual((await wire.expect("PROT S", 536)).lines, [
    "536 PROT S is not supported with TLS; use P or C",
  ]);
  await wire.expect("PROT E", 536);
  await wire.expect("PROT X", 504);
  assert.deepEqual((await wire.expect("PROT C", 200)).lines, [
    "200 Protection level set to C (Clear)",
  ]);
  assert.deepEqual((await wire.expect("PROT P", 200)).lines, [
    "200 Protection level set to P (Private)",
  ]);
  assert.equal((await wire.expect("AUTH TLS", 503)).lines[0], "503 TLS is already active");
  await wire.expect("USER anonymous", 331);
  await wire.expect("PASS x", 230);
  await wire.expect("QUIT", 221);
  // The server ends TLS cleanly (close_notify): a clean end of stream.
  assert.equal(await wire.line(), null);
  assert.ok(server.commands.includes("AUTH TLS"));
});

// CCC accepted (200, then plain text) is tested with ferry's client and
// Python's ftplib in tests/tls/ccc.test.ts.
Deno.test("CCC under requireTls: 534, and the session goes on under TLS", async () => {
  const { caPem } = await pki();
  await using server = await startTlsServer({ requireTls: true });
  const [wire] = await Wire.open(server);
  using _ = wire;
  await wire.startTls(caPem);
  assert.deepEqual((await wire.expect("CCC", 534)).lines, [
    "534 CCC refused: the control connection stays protected",
  ]);
  await wire.expect("NOOP", 200);
});

Deno.test("AUTH SSL and AUTH tls-c are TLS too", async () => {
  const { caPem } = await pki();
  await using server = await startTlsServer();
  for (const command of ["AUTH SSL", "auth tls-c"]) {
    const [wire] = await Wire.open(server);
    using _ = wire;
    await wire.startTls(caPem, command);
    await wire.expect("NOOP", 200);
  }
});

Deno.test("AUTH TLS after login starts the login afresh, as RFC 2228 asks", async () => {
  const { caPem } = await pki();
  await using server = await startTlsServer({ users: { bob: "pw" } });
  using wire = await Wire.login(server, "bob", "pw");
  await wire.startTls(caPem);
  await wire.expect("PWD", 530);
  await wire.expect("USER bob", 331);
  await wire.expect("PASS pw", 230);
  await wire.expect("PWD", 257);
});

Deno.test("implicit TLS: PROT needs PBSZ first there too", async () => {
  const { caPem } = await pki();
  await using server = await startTlsServer({ implicitTls: true });
  const [wire] = await Wire.openTls(server, caPem);
  using _ = wire;
  await wire.expect("PROT P", 503);
  await wire.expect("PBSZ 0", 200);
  await wire.expect("PROT P", 200);
});

Deno.test("requireTls: login and unprotected transfers are refused until TLS and PROT P", async () => {
  const { caPem } = await pki();
  await using server = await startTlsServer({ requireTls: true, users: { bob: "pw" } });
  const [wire] = await Wire.open(server);
  using _ = wire;
  const refusal = "530 This server requires TLS: send AUTH TLS before logging in";
  assert.deepEqual((await wire.expect("USER bob", 530)).lines, [refusal]);
  assert.deepEqual((await wire.expect("PASS pw", 530)).lines, [refusal]);
  await wire.expect("ACCT x", 530);
  await wire.expect("FEAT", 211);
  await wire.startTls(caPem);
  await wire.expect("USER bob", 331);
  await wire.expect("PASS pw", 230);
  await wire.expect("EPSV", 229);
  assert.deepEqual((await wire.expect("LIST", 521)).lines, [
    "521 Data connections must be protected: send PBSZ 0 and PROT P",
  ]);
  await wire.expect("PBSZ 0", 200);
  assert.deepEqual((await wire.expect("PROT C", 534)).lines, [
    "534 PROT C refused: this server requires PROT P",
  ]);
  await wire.expect("EPSV", 229);
  await wire.expect("RETR missing.txt", 550); // refused for its own reason, before 521
  await wire.expect("EPSV", 229);
  await wire.expect("STOR x.txt", 521);
  await wire.expect("PROT P", 200);
  assert.match((await wire.expect("STAT", 211)).lines.join("\n"), /Data connection: none/);
});

Deno.test("implicitTls and requireTls need tls; an unusable certificate fails start()", async () => {
  await assert.rejects(FtpTestServer.start({ implicitTls: true }), TypeError);
  await assert.rejects(FtpTestServer.start({ requireTls: true }), /requireTls needs tls/);
  const { server, caPem } = await pki();
  await assert.rejects(
    FtpTestServer.start({ tls: { cert: "not a certificate", key: server.keyPem } }),
  );
  await assert.rejects(FtpTestServer.start({ tls: { cert: server.certPem, key: caPem } }));
});

Deno.test("implicit TLS: the 220 greeting arrives over Deno.connectTls; AUTH TLS is 503", async () => {
  const { caPem } = await pki();
  await using server = await startTlsServer({ implicitTls: true, greeting: "implicit\nhello" });
  assert.equal(server.secure, "implicit");
  assert.match(server.url, /^ftps:\/\/127\.0\.0\.1:\d+$/);
  const [wire, greeting] = await Wire.openTls(server, caPem);
  using _ = wire;
  assert.deepEqual(greeting.lines, ["220-implicit", "220 hello"]);
  const feat = await features(wire);
  assert.ok(!feat.includes("AUTH TLS"));
  assert.ok(feat.includes("PBSZ") && feat.includes("PROT"));
  await wire.expect("AUTH TLS", 503);
  await wire.expect("USER anonymous", 331);
  await wire.expect("PASS x", 230);
  await wire.expect("QUIT", 221);
});

Deno.test("implicit TLS: a plain-text client gets no greeting and is disconnected", async () => {
  await using server = await startTlsServer({ implicitTls: true, dataTimeoutMs: 2_000 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  await conn.write(utf8("USER anonymous\r\n"));
  // At most a TLS alert comes back, then the end of the connection.
  const received = await readAll(conn);
  assert.ok(!text(received).includes("220"), "no plain-text greeting");
  await waitFor(() => server.sessionCount === 0);
});

Deno.test("a client that rejects the certificate ends the session; the server carries on", async () => {
  const { wrongHost, caPem } = await pki();
  await using server = await startTlsServer({
    tls: { cert: wrongHost.certPem, key: wrongHost.keyPem },
  });
  const [wire] = await Wire.open(server);
  using _ = wire;
  await assert.rejects(wire.startTls(caPem), /not valid for name|certificate/i);
  await waitFor(() => server.sessionCount === 0);
  const [next] = await Wire.open(server);
  using __ = next;
  await next.expect("NOOP", 200);
});

Deno.test("idle timeout and server close work over TLS", async () => {
  const { caPem } = await pki();
  {
    await using server = await startTlsServer({ idleTimeoutMs: 300 });
    const [wire] = await Wire.open(server);
    using _ = wire;
    await wire.startTls(caPem);
    assert.equal((await wire.reply()).code, 421);
    assert.equal(await wire.line(), null);
  }
  const server = await startTlsServer();
  const [wire] = await Wire.open(server);
  using _ = wire;
  await wire.startTls(caPem);
  await wire.expect("NOOP", 200);
  // Closing with a TLS client connected (not reading, not closing) ends promptly.
  await server.close();
  assert.equal(server.sessionCount, 0);
});
