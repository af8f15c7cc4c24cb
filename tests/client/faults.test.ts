import assert from "node:assert/strict";
import {
  FtpClient,
  FtpConnectionError,
  FtpProtocolError,
  FtpTimeoutError,
  FtpTransientError,
} from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, readAll, sha256 } from "../_helpers.ts";

const MiB = 1 << 20;

Deno.test("a server that stalls on a reply gives a reply timeout, not a hang", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port, replyTimeout: 300 });
  server.faults.onCommand = (c) => (c.verb === "NOOP" ? { stall: true } : undefined);
  const error = await client.noop().catch((e) => e);
  assert.ok(error instanceof FtpTimeoutError, String(error));
  assert.equal(error.phase, "reply");
  assert.match(error.message, /reply to "NOOP"/);
  assert.equal(client.state, "unconnected");
  await assert.rejects(client.pwd(), FtpConnectionError);
});

Deno.test("a server that never greets gives a greeting timeout, here set by the shorter reply timeout", async () => {
  await using server = await FtpTestServer.start({ faults: { replyDelayMs: 5000 } });
  const error = await FtpClient.connect({ port: server.port, replyTimeout: 200 }).catch((e) => e);
  assert.ok(error instanceof FtpTimeoutError, String(error));
  assert.equal(error.phase, "greeting");
  assert.match(error.message, /after 200 ms .*greeting.*`replyTimeout`/);
});

Deno.test("a data connection that stalls after some bytes gives a data timeout; the client recovers", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port, dataTimeout: 300 });
  await Deno.writeFile(`${server.root}/s.bin`, pseudoRandomBytes(4 * MiB));
  server.faults.dataStallAfterBytes = MiB;
  const error = await readAll(await client.download("s.bin")).catch((e) => e);
  assert.ok(error instanceof FtpTimeoutError, String(error));
  assert.equal(error.phase, "data");
  server.faults.dataStallAfterBytes = undefined;
  assert.equal((await readAll(await client.download("s.bin"))).length, 4 * MiB);
});

Deno.test("a data connection dropped mid-download: the server's 426, then a clean retry", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  const data = pseudoRandomBytes(4 * MiB, 2);
  await Deno.writeFile(`${server.root}/d.bin`, data);
  server.faults.dataDropAfterBytes = MiB;
  const error = await readAll(await client.download("d.bin")).catch((e) => e);
  assert.ok(error instanceof FtpTransientError, String(error));
  assert.equal(error.code, 426);
  server.faults.dataDropAfterBytes = undefined;
  assert.equal(sha256(await readAll(await client.download("d.bin"))), sha256(data));
});

Deno.test("a data connection dropped mid-upload is an error, not a silent success", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  server.faults.dataDropAfterBytes = MiB;
  const error = await client.upload("u.bin", pseudoRandomBytes(8 * MiB)).catch((e) => e);
  assert.ok(
    error instanceof FtpTransientError || error instanceof FtpConnectionError,
    String(error),
  );
  server.faults.dataDropAfterBytes = undefined;
  await client.noop();
});

Deno.test("the control connection dropped mid-transfer: a connection error, state unconnected", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  await Deno.writeFile(`${server.root}/c.bin`, pseudoRandomBytes(2 * MiB));
  server.faults.onCommand = (c) => (c.verb === "RETR" ? { drop: true } : undefined);
  const error = await client.download("c.bin").catch((e) => e);
  assert.ok(error instanceof FtpConnectionError, String(error));
  assert.equal(error.kind, "closed");
  assert.equal(client.state, "unconnected");
});

Deno.test("a malformed reply is a protocol error that closes the connection", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  server.faults.onCommand = (c) => (c.verb === "PWD" ? { reply: "2x7 what\r\n" } : undefined);
  await assert.rejects(client.pwd(), FtpProtocolError);
  assert.equal(client.state, "unconnected");
});

Deno.test("an overlong reply line is refused with bounded memory", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port, maxReplyLineBytes: 4096 });
  server.faults.onCommand = (
    c,
  ) => (c.verb === "NOOP" ? { reply: "200 " + "x".repeat(100_000) } : undefined);
  const error = await client.noop().catch((e) => e);
  assert.ok(error instanceof FtpProtocolError, String(error));
  assert.match(error.message, /longer than 4096 bytes/);
});

Deno.test("a 4xx reply to a transfer is a transient error carrying the code and command", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  server.faults.onCommand = (c) =>
    c.verb === "STOR" ? { reply: "452 Insufficient storage space.\r\n" } : undefined;
  const error = await client.upload("x", "data").catch((e) => e);
  assert.ok(error instanceof FtpTransientError);
  assert.equal(error.code, 452);
  assert.equal(error.command, "STOR x");
  assert.match(error.message, /out of space/);
  server.faults.onCommand = undefined;
  await client.upload("x", "data");
});
