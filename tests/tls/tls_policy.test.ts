// The data-channel TLS policy against the embedded server: whether a
// server requires data connections to resume the control connection's TLS
// session is found out once per server and process, at the first login,
// and every later connection (another FtpClient, or several at once)
// starts on the TLS engine that works: no refused data connection and no
// second login each. The news is an `info` event, once, not a warning.

import assert from "node:assert/strict";
import type { FtpClient } from "../../mod.ts";
import { pseudoRandomBytes, readAll, sha256, tempDir } from "../_helpers.ts";
import { countedTlsClient, startTlsServer } from "../testing/_tls.ts";

const counted = countedTlsClient;

async function roundTrip(client: FtpClient, name: string): Promise<void> {
  const data = pseudoRandomBytes(300_000, name.length);
  await client.upload(name, data);
  assert.equal(sha256(await readAll(await client.download(name))), sha256(data));
}

Deno.test("a server that requires TLS session reuse: found out at the first login; a second client starts on Node's TLS", async () => {
  await using server = await startTlsServer({ requireSessionReuse: true, users: { bob: "pw" } });
  const first = await counted(server);
  await first.client.connect();
  // The login's listing was refused (522), and the client logged in again, on Node's TLS.
  assert.equal(first.seen.refusals, 1);
  assert.equal(first.seen.logins, 2);
  await roundTrip(first.client, "a.bin");
  assert.equal(first.seen.refusals, 1, "no transfer was refused");
  assert.equal(first.seen.infos.length, 1);
  assert.match(first.seen.infos[0], /requires data connections to resume .* Node's TLS/);
  assert.deepEqual(first.seen.warnings, []);

  const second = await counted(server);
  await second.client.connect();
  await roundTrip(second.client, "b.bin");
  assert.deepEqual(
    { logins: second.seen.logins, refusals: second.seen.refusals, infos: second.seen.infos },
    { logins: 1, refusals: 0, infos: [] },
  );
  await first.client.close();
  await second.client.close();
});

Deno.test("four clients connecting at once to a server that requires reuse: one refusal, one extra login in all", async () => {
  await using server = await startTlsServer({ requireSessionReuse: true, users: { bob: "pw" } });
  const clients = await Promise.all([0, 1, 2, 3].map(() => counted(server)));
  await Promise.all(clients.map(({ client }) => client.connect()));
  await Promise.all(clients.map(({ client }, i) => roundTrip(client, `c${i}.bin`)));
  const sum = (pick: (s: (typeof clients)[0]["seen"]) => number) =>
    clients.reduce((total, { seen }) => total + pick(seen), 0);
  // The others waited for the first one's answer instead of each finding out.
  assert.equal(sum((s) => s.refusals), 1);
  assert.equal(sum((s) => s.logins), 5);
  assert.equal(sum((s) => s.infos.length), 1);
  await Promise.all(clients.map(({ client }) => client.close()));
});

Deno.test("a server that accepts fresh TLS sessions: found out once, later connections stay on Deno's TLS without asking", async () => {
  await using server = await startTlsServer({ users: { bob: "pw" } });
  const first = await counted(server);
  await first.client.connect();
  assert.deepEqual({ logins: first.seen.logins, listings: first.seen.listings }, {
    logins: 1,
    listings: 1,
  });
  const second = await counted(server);
  await second.client.connect();
  await roundTrip(second.client, "n.bin");
  assert.deepEqual(
    { logins: second.seen.logins, listings: second.seen.listings, infos: second.seen.infos },
    { logins: 1, listings: 0, infos: [] },
  );
  await first.client.close();
  await second.client.close();
});

Deno.test("a transfer that fails before its data connection while finding out keeps no other client waiting", async () => {
  await using dir = await tempDir();
  await using server = await startTlsServer({ users: { bob: "pw" } });
  await Deno.writeFile(`${server.root}/there.bin`, pseudoRandomBytes(1000, 1));
  // The login's listing is refused, so the first transfer is the one to find out.
  server.faults.onCommand = (c) =>
    c.verb === "LIST" ? { reply: "550 No listing today.\r\n" } : undefined;
  const first = await counted(server);
  await first.client.connect();
  // A 550 to RETR: no data connection was opened, so nothing was found out.
  await assert.rejects(
    first.client.downloadTo("missing.bin", `${dir.path}/m.bin`),
    (error: Error & { code?: number }) => error.code === 550,
  );
  // Another client of the process asks for itself instead of waiting for the
  // first one's answer, which would never come (it hung until the signal).
  const second = await counted(server);
  const signal = AbortSignal.timeout(10_000);
  await second.client.connect({ signal });
  await second.client.downloadTo("there.bin", `${dir.path}/t.bin`, { signal });
  assert.equal((await Deno.readFile(`${dir.path}/t.bin`)).length, 1000);
  // The first one can still find out with its next transfer.
  await first.client.downloadTo("there.bin", `${dir.path}/t2.bin`, { signal });
  await first.client.close();
  await second.client.close();
});
