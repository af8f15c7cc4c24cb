// downloadAllTo on FTPS, where the batch's first file is the process's first
// transfer to a server that requires data connections to resume the control
// connection's TLS session (the login's listing said nothing: refused with a
// 550 here). Each file must end as downloadTo ends there: whole, after the
// client moves to Node's TLS. And the policy must learn "reuse required",
// never "not required", so a second client starts on Node's TLS.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpAbortError, FtpClient, FtpTlsError } from "../../mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { countedTlsClient, pki, startTlsServer } from "../testing/_tls.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";

const counted = countedTlsClient;

Deno.test("downloadAllTo as the first transfer to a server that requires TLS session reuse: the refusal moves the client to Node's TLS, every file arrives whole, and the next client starts on Node's TLS", async () => {
  await using dir = await tempDir();
  await using server = await startTlsServer({ requireSessionReuse: true, users: { bob: "pw" } });
  const hashes: string[] = [];
  for (let i = 0; i < 5; i++) {
    const bytes = pseudoRandomBytes(20_000 + i * 1000, i + 11);
    await Deno.writeFile(join(server.root, `f${i}.bin`), bytes);
    hashes.push(sha256(bytes));
  }
  // The login's listing says nothing about TLS: the batch finds out.
  server.faults.onCommand = (c) =>
    c.verb === "LIST" ? { reply: "550 No listing today.\r\n" } : undefined;
  const first = await counted(server);
  await first.client.connect();
  assert.deepEqual({ logins: first.seen.logins, refusals: first.seen.refusals }, {
    logins: 1,
    refusals: 0,
  });
  const files = hashes.map((_, i) => ({
    path: `f${i}.bin`,
    destination: join(dir.path, `f${i}.bin`),
  }));
  const ended: number[] = [];
  const outcomes = await first.client.downloadAllTo(files, {
    onFileEnd: (i) => void ended.push(i),
  });
  for (const [i, hash] of hashes.entries()) {
    const outcome = outcomes[i];
    assert.ok(outcome.ok, `f${i}: ${!outcome.ok && outcome.error.message}`);
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hash, `f${i}`);
  }
  assert.deepEqual(ended, [0, 1, 2, 3, 4], "each file ended once, in order");
  // One refused data connection, one login more (on Node's TLS), said once as news.
  assert.deepEqual({ logins: first.seen.logins, refusals: first.seen.refusals }, {
    logins: 2,
    refusals: 1,
  });
  assert.equal(
    first.seen.infos.filter((m) => /requires data connections to resume/.test(m)).length,
    1,
  );
  assert.deepEqual(first.seen.warnings, []);
  const names = [...Deno.readDirSync(dir.path)].map((e) => e.name);
  assert.deepEqual(names.filter((n) => n.endsWith(".ferry-part")), []);
  await first.client.close();

  // What the process learnt: reuse is required. The next client starts on Node's TLS.
  const second = await counted(server);
  await second.client.connect();
  const again = await second.client.downloadAllTo([{
    path: "f0.bin",
    destination: join(dir.path, "again.bin"),
  }]);
  assert.ok(again[0].ok, !again[0].ok ? again[0].error.message : "");
  assert.equal(await sha256File(join(dir.path, "again.bin")), hashes[0]);
  assert.deepEqual({ logins: second.seen.logins, refusals: second.seen.refusals }, {
    logins: 1,
    refusals: 0,
  });
  await second.client.close();
});

Deno.test("downloadAllTo as the first transfer to a server that requires reuse, with sessionReuse 'never': each file fails with the FtpTlsError that explains reuse, and the client does not conclude that reuse is not required", async () => {
  await using dir = await tempDir();
  await using server = await startTlsServer({ requireSessionReuse: true, users: { bob: "pw" } });
  for (let i = 0; i < 3; i++) {
    await Deno.writeFile(join(server.root, `f${i}.bin`), pseudoRandomBytes(5000, i + 1));
  }
  server.faults.onCommand = (c) =>
    c.verb === "LIST" ? { reply: "550 No listing today.\r\n" } : undefined;
  const { client, seen } = await counted(server, "never");
  await client.connect();
  assert.equal(seen.refusals, 0, "the login's listing found nothing out");
  const outcomes = await client.downloadAllTo(
    [0, 1, 2].map((i) => ({ path: `f${i}.bin`, destination: join(dir.path, `f${i}.bin`) })),
  );
  for (const [i, outcome] of outcomes.entries()) {
    assert.ok(!outcome.ok, `f${i}`);
    assert.ok(outcome.error instanceof FtpTlsError, `f${i}: ${outcome.error}`);
    assert.equal(outcome.error.kind, "session-reuse", `f${i}`);
    assert.match(outcome.error.message, /sessionReuse/);
  }
  // Refused once: the later files are failed from what the first one taught.
  assert.equal(seen.refusals, 1);
  // The call's end taught nothing false: the next download is still told why.
  const error = await client.downloadTo("f0.bin", join(dir.path, "single.bin")).catch((e) => e);
  assert.ok(error instanceof FtpTlsError, String(error));
  assert.equal(error.kind, "session-reuse");
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
  await client.close();
});

Deno.test({
  name:
    "vsftpd requiring TLS session reuse: downloadAllTo on a client that found out at its login gets every file whole on Node's TLS",
  ignore: vsftpd.ignore,
  async fn() {
    await using dir = await tempDir();
    const { caPem, server: cert } = await pki();
    await using server = await startVsftpd({
      tls: { certPath: cert.certPath, keyPath: cert.keyPath, requireSslReuse: true },
      config: { force_anon_logins_ssl: "YES", force_anon_data_ssl: "YES" },
    });
    const hashes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const bytes = pseudoRandomBytes(30_000 + i * 777, i + 21);
      await Deno.writeFile(join(server.dir, `v${i}.bin`), bytes, { mode: 0o644 });
      hashes.push(sha256(bytes));
    }
    await using client = await FtpClient.connect(
      `ftpes://anonymous:ferry%40example.com@localhost:${server.port}/pub`,
      { tls: { caCerts: [caPem] } },
    );
    const outcomes = await client.downloadAllTo(
      hashes.map((_, i) => ({ path: `v${i}.bin`, destination: join(dir.path, `v${i}.bin`) })),
    );
    for (const [i, hash] of hashes.entries()) {
      const outcome = outcomes[i];
      assert.ok(outcome.ok, `v${i}: ${!outcome.ok && outcome.error.message}`);
      assert.equal(await sha256File(join(dir.path, `v${i}.bin`)), hash, `v${i}`);
    }
  },
});

/** f1..f3 on the embedded server requiring reuse (f0 missing); the login's listing refused. */
async function midBatchServer(refuseReloginFrom?: number) {
  const server = await startTlsServer({ requireSessionReuse: true, users: { bob: "pw" } });
  const hashes: string[] = [];
  for (let i = 1; i < 4; i++) {
    const bytes = pseudoRandomBytes(20_000 + i * 500, i + 31);
    await Deno.writeFile(join(server.root, `f${i}.bin`), bytes);
    hashes[i] = sha256(bytes);
  }
  server.faults.onCommand = (c) => {
    // The login's listing says nothing about TLS: a file of the batch finds out.
    if (c.verb === "LIST") return { reply: "550 No listing today.\r\n" };
    if (refuseReloginFrom !== undefined && c.verb === "PASS" && c.session >= refuseReloginFrom) {
      return { reply: "530 Logins closed for now.\r\n" };
    }
    return undefined;
  };
  return { server, hashes };
}

const batchFiles = (dir: string) =>
  [0, 1, 2, 3].map((i) => ({ path: `f${i}.bin`, destination: join(dir, `f${i}.bin`) }));

/** downloadAllTo of f0-f3 with the runner's options; and the order onFileEnd saw them end in. */
async function runnerBatch(client: FtpClient, dir: string) {
  const ended: number[] = [];
  const outcomes = await client.downloadAllTo(batchFiles(dir), {
    keepTemporary: true,
    exclusive: true,
    onFileEnd: (i) => void ended.push(i),
  });
  return { ended, outcomes };
}

Deno.test("downloadAllTo with the runner's options (keepTemporary, exclusive), a missing first file, and a server requiring reuse found out at the second file: the batch moves to Node's TLS there and retries that file, each file ends once", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await midBatchServer();
  await using _server = server;
  const { client, seen } = await counted(server);
  await client.connect();
  const { ended, outcomes } = await runnerBatch(client, dir.path);
  assert.deepEqual(ended, [0, 1, 2, 3]);
  const first = outcomes[0];
  assert.ok(!first.ok && /^550 /.test(first.error.message), String(!first.ok && first.error));
  for (let i = 1; i < 4; i++) {
    const outcome = outcomes[i];
    assert.ok(outcome.ok, `f${i}: ${!outcome.ok && outcome.error.message}`);
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i], `f${i}`);
  }
  // f1's refused data connection, then one login more on Node's TLS.
  assert.deepEqual({ logins: seen.logins, refusals: seen.refusals }, { logins: 2, refusals: 1 });
  // f0's empty partial file is kept (keepTemporary); f1's, made before its refusal, is not.
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name).sort(), [
    "f0.bin.ferry-part",
    "f1.bin",
    "f2.bin",
    "f3.bin",
  ]);
  await client.close();
});

Deno.test("downloadAllTo whose move to Node's TLS mid-batch fails (the new login refused with 530): the call resolves, the refused file and the rest are not started with the 530, each file ends once", async () => {
  await using dir = await tempDir();
  const { server } = await midBatchServer(2);
  await using _server = server;
  const { client, seen } = await counted(server);
  await client.connect();
  const { ended, outcomes } = await runnerBatch(client, dir.path);
  assert.deepEqual(ended, [0, 1, 2, 3]);
  assert.equal(outcomes.length, 4);
  const first = outcomes[0];
  assert.ok(!first.ok && first.started && /^550 /.test(first.error.message));
  for (let i = 1; i < 4; i++) {
    const outcome = outcomes[i];
    assert.ok(!outcome.ok && !outcome.started, `f${i}`);
    assert.match(outcome.error.message, /530 Logins closed/, `f${i}`);
  }
  assert.deepEqual({ logins: seen.logins, refusals: seen.refusals }, { logins: 2, refusals: 1 });
  // f0's empty partial file is kept (keepTemporary); f1's, made before its refusal, is not.
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["f0.bin.ferry-part"]);
  await client.close().catch(() => {});
});

Deno.test("downloadAllTo on a client that another client of the process taught, after this one's login, that the server requires reuse: a failed move to Node's TLS before the first file resolves the call, each file not started with the 530", async () => {
  await using dir = await tempDir();
  const { server, hashes } = await midBatchServer(3);
  await using _server = server;
  const teacher = await counted(server);
  const taught = await counted(server);
  await teacher.client.connect();
  await taught.client.connect();
  // The teacher's refused transfer teaches that reuse is required (its own new login, the
  // server's third, is refused like the taught client's).
  await teacher.client.downloadTo("f1.bin", join(dir.path, "t.bin")).catch(() => {});
  const ended: number[] = [];
  const outcomes = await taught.client.downloadAllTo(batchFiles(dir.path), {
    onFileEnd: (i) => void ended.push(i),
  });
  assert.deepEqual(ended, [0, 1, 2, 3]);
  for (const [i, outcome] of outcomes.entries()) {
    assert.ok(!outcome.ok && !outcome.started, `f${i}`);
    assert.match(outcome.error.message, /530 Logins closed/, `f${i}`);
  }
  assert.equal(taught.seen.refusals, 0, "known: no data connection tried on Deno's TLS");
  assert.equal(hashes.length, 4);
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
  await teacher.client.close().catch(() => {});
  await taught.client.close().catch(() => {});
});

Deno.test("downloadAllTo whose signal aborts during the move to Node's TLS mid-batch (the new login never answered): the call resolves, the refused file and the rest are not started with the abort reason", async () => {
  await using dir = await tempDir();
  const { server } = await midBatchServer();
  await using _server = server;
  const controller = new AbortController();
  const inner = server.faults.onCommand!;
  server.faults.onCommand = (c) => {
    if (c.verb === "PASS" && c.session >= 2) {
      controller.abort(new Error("Cancelled during the move"));
      return { stall: true };
    }
    return inner(c);
  };
  const { client } = await counted(server);
  await client.connect();
  const ended: number[] = [];
  const started = performance.now();
  const outcomes = await client.downloadAllTo(batchFiles(dir.path), {
    signal: controller.signal,
    onFileEnd: (i) => void ended.push(i),
  });
  // The stalled login ends with the signal, not with the 30 s reply timeout.
  assert.ok(performance.now() - started < 15_000, `${performance.now() - started} ms`);
  assert.deepEqual(ended, [0, 1, 2, 3]);
  const first = outcomes[0];
  assert.ok(!first.ok && /^550 /.test(first.error.message));
  for (let i = 1; i < 4; i++) {
    const outcome = outcomes[i];
    assert.ok(!outcome.ok && !outcome.started, `f${i}`);
    assert.ok(outcome.error instanceof FtpAbortError, `f${i}: ${outcome.error}`);
    assert.equal((outcome.error.cause as Error).message, "Cancelled during the move", `f${i}`);
  }
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
  await client.close().catch(() => {});
});
