/**
 * Data connections under PROT P, over raw sockets with Deno's client TLS:
 * both directions in passive and active mode (the server is the TLS server
 * on an active connection too), PROT C, listings, REST, ABOR, the fault
 * hooks, and a data connection that never speaks TLS.
 */

import assert from "node:assert/strict";
import type { FtpTestServer } from "../../src/testing/mod.ts";
import { clientTls, pki, startTlsServer } from "./_tls.ts";
import {
  activeListener,
  pattern,
  readAll,
  readExactly,
  sha256,
  text,
  utf8,
  Wire,
  writeAndClose,
} from "./_wire.ts";

const BLOB = pattern(2_500_000, 11);

/** A TLS server holding blob.bin, and a logged-in wire with TLS, PBSZ 0, PROT P and TYPE I. */
async function protectedSession(
  options: Parameters<typeof startTlsServer>[0] = {},
): Promise<{ server: FtpTestServer; wire: Wire } & AsyncDisposable> {
  const { caPem } = await pki();
  const server = await startTlsServer(options);
  await Deno.writeFile(`${server.root}/blob.bin`, BLOB);
  const [wire] = await Wire.open(server);
  await wire.startTls(caPem);
  await wire.expect("USER anonymous", 331);
  await wire.expect("PASS x", 230);
  await wire.expect("PBSZ 0", 200);
  await wire.expect("PROT P", 200);
  await wire.expect("TYPE I", 200);
  return {
    server,
    wire,
    async [Symbol.asyncDispose]() {
      wire.close();
      await server.close();
    },
  };
}

type Opener = (wire: Wire, command: string) => Promise<Deno.Conn>;

/** Passive: connect first, then the command; TLS as client on the data connection. */
function passive(how: "EPSV" | "PASV"): Opener {
  return async (wire, command) => {
    const raw = how === "EPSV" ? await wire.passive() : await wire.pasv();
    await wire.expect(command, 150);
    return await clientTls(raw);
  };
}

/** Active: listen, name the port, accept the server's connection, TLS as client on it. */
function active(how: "EPRT" | "PORT"): Opener {
  return async (wire, command) => {
    using listener = activeListener();
    const { port } = listener.addr as Deno.NetAddr;
    if (how === "EPRT") await wire.expect(`EPRT |1|127.0.0.1|${port}|`, 200);
    else await wire.expect(`PORT 127,0,0,1,${port >> 8},${port & 0xff}`, 200);
    await wire.expect(command, 150);
    return await clientTls(await listener.accept());
  };
}

const MODES: [string, Opener][] = [
  ["EPSV", passive("EPSV")],
  ["PASV", passive("PASV")],
  ["EPRT", active("EPRT")],
  ["PORT", active("PORT")],
];

for (const [mode, open] of MODES) {
  Deno.test(`PROT P ${mode}: download, upload and MLSD over TLS, bytes intact`, async () => {
    await using session = await protectedSession();
    const { server, wire } = session;

    const down = await open(wire, "RETR blob.bin");
    assert.equal(sha256(await readAll(down)), sha256(BLOB));
    assert.deepEqual((await wire.reply()).lines, ["226 Transfer complete"]);

    const up = await open(wire, "STOR copy.bin");
    await up.write(BLOB.subarray(0, 1));
    await writeAndClose(up, BLOB.subarray(1));
    assert.equal((await wire.reply()).code, 226);
    assert.equal(sha256(await Deno.readFile(`${server.root}/copy.bin`)), sha256(BLOB));

    const listing = await open(wire, "MLSD");
    const lines = text(await readAll(listing)).split("\r\n").filter(Boolean);
    assert.equal((await wire.reply()).code, 226);
    assert.ok(lines.some((line) => line.endsWith("; copy.bin") && line.includes("size=2500000")));
  });
}

Deno.test("PROT C after PROT P: data in the clear while the control connection stays TLS", async () => {
  await using session = await protectedSession();
  const { wire } = session;
  await wire.expect("PROT C", 200);
  const down = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  assert.equal(sha256(await readAll(down)), sha256(BLOB));
  assert.equal((await wire.reply()).code, 226);
});

Deno.test("REST and APPE over TLS", async () => {
  await using session = await protectedSession();
  const { server, wire } = session;
  await wire.expect("REST 2000000", 350);
  const tail = await passive("EPSV")(wire, "RETR blob.bin");
  assert.equal(sha256(await readAll(tail)), sha256(BLOB.subarray(2_000_000)));
  assert.equal((await wire.reply()).code, 226);
  const more = await passive("EPSV")(wire, "APPE blob.bin");
  await writeAndClose(more, utf8("tail"));
  assert.equal((await wire.reply()).code, 226);
  assert.equal((await Deno.stat(`${server.root}/blob.bin`)).size, BLOB.length + 4);
});

Deno.test("a data connection that never speaks TLS: 425, and the session carries on", async () => {
  await using session = await protectedSession();
  const { wire } = session;
  const raw = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  await writeAndClose(raw, utf8("this is not a TLS ClientHello\r\n"));
  assert.deepEqual((await wire.reply()).lines, [
    "425 Cannot open data connection: TLS negotiation failed",
  ]);
  const down = await passive("EPSV")(wire, "RETR blob.bin");
  assert.equal(sha256(await readAll(down)), sha256(BLOB));
  assert.equal((await wire.reply()).code, 226);
});

Deno.test("ABOR during a stalled TLS download: 426 then 226, and TLS transfers go on", async () => {
  await using session = await protectedSession({ faults: { dataStallAfterBytes: 100_000 } });
  const { server, wire } = session;
  const down = await passive("EPSV")(wire, "RETR blob.bin");
  assert.equal(sha256(await readExactly(down, 100_000)), sha256(BLOB.subarray(0, 100_000)));
  await wire.send("ABOR");
  assert.equal((await wire.reply()).code, 426);
  assert.deepEqual((await wire.reply()).lines, ["226 Abort successful"]);
  down.close();
  server.faults = {};
  const again = await passive("EPSV")(wire, "RETR blob.bin");
  assert.equal(sha256(await readAll(again)), sha256(BLOB));
  assert.equal((await wire.reply()).code, 226);
});

Deno.test("dataDropAfterBytes over TLS: the stream is cut (no close_notify) and 426 follows", async () => {
  await using session = await protectedSession({ faults: { dataDropAfterBytes: 300_000 } });
  const { wire } = session;
  const down = await passive("EPSV")(wire, "RETR blob.bin");
  const received: Uint8Array[] = [];
  const buffer = new Uint8Array(65536);
  let failed = false;
  try {
    for (let n = await down.read(buffer); n !== null; n = await down.read(buffer)) {
      received.push(buffer.slice(0, n));
    }
  } catch {
    failed = true; // rustls reports the missing close_notify as an error
  } finally {
    down.close();
  }
  const total = received.reduce((sum, chunk) => sum + chunk.length, 0);
  assert.ok(failed || total < BLOB.length, "the client can tell the stream was cut");
  assert.equal(total, 300_000);
  assert.deepEqual((await wire.reply()).lines, ["426 Connection closed; transfer aborted."]);
});

Deno.test("fault hooks act over TLS: onCommand reply and controlDropAfterBytes", async () => {
  await using session = await protectedSession();
  const { server, wire } = session;
  server.faults.onCommand = ({ verb }) => verb === "SIZE" ? { reply: "450 Busy\r\n" } : undefined;
  assert.deepEqual((await wire.command("SIZE blob.bin")).lines, ["450 Busy"]);
  server.faults = { controlDropAfterBytes: 0 };
  await wire.send("NOOP");
  assert.deepEqual(await wire.untilClosed(), []);
});

Deno.test("close() during TLS transfers in both directions leaves nothing running", async () => {
  const { caPem } = await pki();
  const session = await protectedSession({ faults: { dataStallAfterBytes: 50_000 } });
  const { server, wire } = session;
  const [other] = await Wire.open(server);
  try {
    const down = await passive("EPSV")(wire, "RETR blob.bin");
    await readExactly(down, 50_000);
    await other.startTls(caPem);
    await other.expect("USER anonymous", 331);
    await other.expect("PASS x", 230);
    await other.expect("PBSZ 0", 200);
    await other.expect("PROT P", 200);
    const up = await passive("EPSV")(other, "STOR up.bin");
    await up.write(BLOB.subarray(0, 10_000));
    await server.close();
    assert.equal(server.sessionCount, 0);
    // Both clients see their data connections end.
    await readAll(down).catch(() => {});
    await readAll(up).catch(() => {});
  } finally {
    other.close();
    await session[Symbol.asyncDispose]();
  }
});
