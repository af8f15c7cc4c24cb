/**
 * The pieces under the server's TLS: the record scanner and the relay
 * (end of stream both ways, holding the server's bytes on uploads, and
 * teardown), over real loopback sockets.
 */

import assert from "node:assert/strict";
import { Relay } from "../../src/testing/_relay.ts";
import { RecordScanner } from "../../src/testing/_tls_records.ts";
import { pattern, readAll, readExactly, sha256, utf8, writeAndClose } from "./_wire.ts";

/** A connected pair of loopback TCP connections. */
async function socketPair(): Promise<[Deno.TcpConn, Deno.TcpConn]> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const near = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  return [near, (await accepted) as Deno.TcpConn];
}

/** Closes a connection that may be closed already. */
function close(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Closed by readAll or writeAndClose.
  }
}

/** client <-> [outer | relay | inner] <-> server */
async function relayed(holdAfterHandshake = false) {
  const [client, outer] = await socketPair();
  const [inner, server] = await socketPair();
  const relay = new Relay(outer, inner, { holdAfterHandshake });
  return { client, server, relay };
}

function record(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out.set([type, 3, 3, body.length >> 8, body.length & 0xff]);
  out.set(body, 5);
  return out;
}

Deno.test("RecordScanner finds the first application_data record across any split", () => {
  const stream = new Uint8Array([
    ...record(22, pattern(300, 1)), // ClientHello
    ...record(20, Uint8Array.of(1)), // ChangeCipherSpec
    ...record(23, pattern(40, 2)), // Finished, encrypted
  ]);
  /** Where the header of the first encrypted record ends. */
  const headerEnd = 305 + 6 + 5;
  for (const size of [1, 2, 5, 7, 100, stream.length]) {
    const scanner = new RecordScanner();
    let foundAt = -1;
    for (let i = 0; i < stream.length; i += size) {
      const end = Math.min(i + size, stream.length);
      if (scanner.push(stream.subarray(i, end)) && foundAt === -1) foundAt = end;
    }
    assert.ok(foundAt >= headerEnd, `found early with chunks of ${size}`);
    assert.ok(foundAt - size < headerEnd, `found late with chunks of ${size}`);
  }
  // A record type 23 inside a body is not a header.
  const scanner = new RecordScanner();
  assert.equal(scanner.push(record(22, Uint8Array.of(23, 3, 3, 0, 1))), false);
});

Deno.test("Relay carries bytes and end of stream both ways, then closes everything", async () => {
  const { client, server, relay } = await relayed();
  const up = pattern(1_000_000, 4);
  const down = pattern(700_000, 5);
  const [atServer, atClient] = await Promise.all([
    (async () => {
      const received = await readExactly(server, up.length);
      assert.equal(await server.read(new Uint8Array(1)), null, "the client's EOF arrives");
      await writeAndClose(server, down);
      return received;
    })(),
    (async () => {
      await client.write(up.subarray(0, 10));
      let offset = 10;
      while (offset < up.length) offset += await client.write(up.subarray(offset));
      await client.closeWrite();
      return await readAll(client);
    })(),
  ]);
  assert.equal(sha256(atServer), sha256(up));
  assert.equal(sha256(atClient), sha256(down));
  await relay.done;
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), "condition never became true");
}

Deno.test("Relay with holdAfterHandshake holds the server's bytes after the client's first encrypted record", async () => {
  const { client, server, relay } = await relayed(true);
  try {
    // The handshake flights pass both ways.
    const hello = record(22, utf8("client hello"));
    await client.write(hello);
    await readExactly(server, hello.length);
    const flight = record(22, utf8("server flight"));
    await server.write(flight);
    assert.equal(sha256(await readExactly(client, flight.length)), sha256(flight));
    // The client's Finished: from here on, what the server sends is held.
    const finished = record(23, utf8("finished"));
    await client.write(finished);
    await readExactly(server, finished.length);
    const tickets = record(23, utf8("session tickets"));
    await server.write(tickets);
    await waitFor(() => relay.heldBytes === tickets.length);
    // Client data still flows while the server's bytes are held.
    const data = record(23, pattern(200_000, 6));
    const writing = (async () => {
      let offset = 0;
      while (offset < data.length) offset += await client.write(data.subarray(offset));
    })();
    assert.equal(sha256(await readExactly(server, data.length)), sha256(data));
    await writing;
    // Released, the held bytes arrive first, then the rest in order.
    relay.releaseHeld();
    assert.equal(relay.heldBytes, 0);
    const closing = record(21, utf8("close_notify"));
    await writeAndClose(server, closing);
    const rest = await readAll(client);
    assert.equal(sha256(rest), sha256(new Uint8Array([...tickets, ...closing])));
  } finally {
    close(client);
    close(server);
    await relay.done;
  }
});

Deno.test("Relay: held bytes are sent at the server's end of stream even without a release", async () => {
  const { client, server, relay } = await relayed(true);
  try {
    await client.write(record(23, utf8("finished")));
    await readExactly(server, 13);
    await writeAndClose(server, utf8("tickets"));
    assert.equal(new TextDecoder().decode(await readAll(client)), "tickets");
  } finally {
    close(client);
    close(server);
    await relay.done;
  }
});

Deno.test("Relay.destroy ends a relay whose peers never close; release() ends an idle one", async () => {
  {
    const { client, server, relay } = await relayed();
    relay.destroy();
    await relay.done;
    assert.equal(await client.read(new Uint8Array(1)).catch(() => null), null);
    close(client);
    close(server);
  }
  const { client, server, relay } = await relayed();
  relay.release(50);
  await relay.done; // nothing moves, so the watchdog ends it
  close(client);
  close(server);
});
