// downloadAllTo on FTPS, where the batch's first file is the process's first
// transfer to a server that requires data connections to resume the control
// connection's TLS session (the login's listing said nothing: refused with a
// 550 here). Each file must end as downloadTo ends there: whole, after the
// client moves to Node's TLS. And the policy must learn "reuse required",
// never "not required", so a second client starts on Node's TLS.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, FtpTlsError } from "../../mod.ts";
import type { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { pki, startTlsServer } from "../testing/_tls.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";

/** A client with counters of its logins and refused data connections. */
async function counted(server: FtpTestServer, sessionReuse?: "never") {
  const { caPem } = await pki();
  const seen = { logins: 0, refusals: 0, infos: [] as string[], warnings: [] as string[] };
  const client = new FtpClient({
    host: "127.0.0.1",
    port: server.port,
    user: "bob",
    password: "pw",
    secure: "explicit",
    tls: { caCerts: [caPem], serverName: "localhost", sessionReuse },
    debug: ({ direction, line }) => {
      if (direction === "send" && /^USER /.test(line)) seen.logins++;
      if (direction === "receive" && /^(425|522) /.test(line)) seen.refusals++;
    },
  });
  client.addEventListener("info", (e) => seen.infos.push(e.message));
  client.addEventListener("warning", (e) => seen.warnings.push(e.message));
  return { client, seen };
}

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
