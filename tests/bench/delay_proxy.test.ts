// The benchmark's delay proxy (bench/_delay_proxy.ts) against the embedded
// server and plain sockets: what it counts (flights, commands, data
// connections) for a scripted session, that clients (ferry, curl) work
// through it in EPSV and PASV mode with their bytes intact, that it delays,
// paces and bounds what it holds, and that closes pass through. Timing is
// asserted only as "at least the delay the proxy must add" (a loaded machine
// only makes that longer) and as generous upper bounds.

import assert from "node:assert/strict";
import { DelayProxy } from "../../bench/_delay_proxy.ts";
import { FtpClient } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { peer, runPeer } from "../_peers.ts";
import { pseudoRandomBytes, readAll, sha256, tempDir, text } from "../_helpers.ts";

const decoder = new TextDecoder();
const curl = peer("curl");

/** Reads FTP replies (multi-line ones whole) from a control connection. */
class Replies {
  #buffer = "";
  constructor(readonly conn: Deno.Conn) {}

  async next(): Promise<string> {
    const chunk = new Uint8Array(4096);
    // Bounded by the connection: each pass reads more or fails at its end.
    for (;;) {
      const lines = this.#buffer.split("\r\n");
      const first = lines[0];
      const end = lines.findIndex((line, i) =>
        i < lines.length - 1 && line.startsWith(first.slice(0, 3)) && line[3] === " "
      );
      if (end !== -1) {
        const reply = lines.slice(0, end + 1).join("\r\n");
        this.#buffer = lines.slice(end + 1).join("\r\n");
        return reply;
      }
      const n = await this.conn.read(chunk);
      if (n === null) throw new Error(`control connection closed; had ${this.#buffer}`);
      this.#buffer += decoder.decode(chunk.subarray(0, n));
    }
  }

  async expect(code: string): Promise<string> {
    const reply = await this.next();
    assert.equal(reply.slice(0, 3), code, reply);
    return reply;
  }

  send(line: string): Promise<number> {
    return this.conn.write(text(line));
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) offset += await conn.write(bytes.subarray(offset));
}

/** Reads to the end of the stream through `conn.readable`, which then closes `conn`. */
async function readToEnd(conn: Deno.Conn): Promise<Uint8Array> {
  return await readAll(conn.readable);
}

/** Reads to the end of the stream, leaving `conn` open. */
async function readUntilEnd(conn: Deno.Conn): Promise<Uint8Array> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const buffer = new Uint8Array(65536);
  // Bounded by the stream's end.
  for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
    chunks.push(buffer.slice(0, n));
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/** Waits (bounded, 5 s) until the proxy has no connection open. */
async function drained(proxy: DelayProxy): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (proxy.stats().openConnections > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(proxy.stats().openConnections, 0, "connections left open");
}

Deno.test("delay proxy: a scripted session's flights, commands and data connections are counted, bytes intact", async () => {
  await using server = await FtpTestServer.start();
  const data = pseudoRandomBytes(300_000, 5);
  await Deno.writeFile(`${server.root}/down.bin`, data);
  await using proxy = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: server.port },
    delayMs: 5,
  });
  const conn = await Deno.connect({ hostname: proxy.hostname, port: proxy.port });
  const control = new Replies(conn);
  await control.expect("220");
  await control.send("USER anonymous\r\n");
  await control.expect("331");
  // Two commands in one write: one flight.
  await control.send("PASS guest\r\nTYPE I\r\n");
  await control.expect("230");
  await control.expect("200");

  await control.send("EPSV\r\n");
  const epsv = await control.expect("229");
  const epsvPort = Number(/\|\|\|(\d+)\|/.exec(epsv)![1]);
  const down = await Deno.connect({ hostname: proxy.hostname, port: epsvPort });
  await control.send("RETR down.bin\r\n");
  await control.expect("150");
  const got = await readUntilEnd(down);
  await control.expect("226");
  // Closed after the 226 (which this server sends without waiting for it), so the close
  // shares a flight with the next command.
  down.close();
  assert.equal(sha256(got), sha256(data));

  await control.send("PASV\r\n");
  const pasv = await control.expect("227");
  const [h1, h2, h3, h4, p1, p2] = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(pasv)!
    .slice(1).map(Number);
  // The PASV address is the proxy's, so that a client trusting it still comes through.
  assert.equal(`${h1}.${h2}.${h3}.${h4}`, proxy.hostname);
  const up = await Deno.connect({ hostname: proxy.hostname, port: p1 * 256 + p2 });
  await control.send("STOR up.bin\r\n");
  await control.expect("150");
  await writeAll(up, data);
  up.close();
  await control.expect("226");
  await control.send("QUIT\r\n");
  await control.expect("221");
  conn.close();
  await drained(proxy);

  assert.equal(sha256(await Deno.readFile(`${server.root}/up.bin`)), sha256(data));
  const stats = proxy.stats();
  assert.equal(stats.controlConnections, 1);
  assert.equal(stats.dataConnections, 2);
  // USER | PASS TYPE | EPSV | RETR | (close of the download) PASV | STOR | (upload) | QUIT
  assert.deepEqual(stats.connections[0].commandsPerFlight, [1, 2, 1, 1, 1, 1, 0, 1]);
  assert.equal(stats.flights, 8);
  assert.equal(stats.commands, 8);
  assert.deepEqual(stats.verbs, {
    USER: 1,
    PASS: 1,
    TYPE: 1,
    EPSV: 1,
    RETR: 1,
    PASV: 1,
    STOR: 1,
    QUIT: 1,
  });

  proxy.resetStats();
  assert.equal(proxy.stats().flights, 0);
  assert.equal(proxy.stats().controlConnections, 0);
});

for (const mode of ["EPSV", "PASV"] as const) {
  Deno.test(`delay proxy: ferry's client gets and puts through it (${mode}), bytes intact`, async () => {
    await using server = await FtpTestServer.start({
      disabledCommands: mode === "PASV" ? ["EPSV"] : [],
    });
    const data = pseudoRandomBytes(1_000_000, 9);
    await Deno.writeFile(`${server.root}/a.bin`, data);
    await using proxy = DelayProxy.start({
      target: { hostname: "127.0.0.1", port: server.port },
      delayMs: 2,
    });
    {
      await using client = await FtpClient.connect({
        host: proxy.hostname,
        port: proxy.port,
        // Connect where the 227 says: the rewritten address must be the proxy's.
        trustPasvHost: true,
      });
      assert.equal(sha256(await readAll(await client.download("a.bin"))), sha256(data));
      await client.upload("b.bin", data);
    }
    await drained(proxy);
    assert.equal(sha256(await Deno.readFile(`${server.root}/b.bin`)), sha256(data));
    const stats = proxy.stats();
    assert.equal(stats.dataConnections, 2, "both transfers came through the proxy");
    // With EPSV, the upload's end sends the next one too, which nothing uses here.
    assert.equal(stats.verbs[mode], mode === "EPSV" ? 3 : 2);
    assert.ok(stats.flights >= 4, `${stats.flights} flights`);
  });
}

Deno.test("delay proxy: curl gets through it with EPSV and with PASV", {
  ignore: curl.ignore,
}, async () => {
  await using server = await FtpTestServer.start();
  const data = pseudoRandomBytes(200_000, 11);
  await Deno.writeFile(`${server.root}/c.bin`, data);
  await using proxy = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: server.port },
    delayMs: 2,
  });
  await using dir = await tempDir();
  for (const [flag, verb] of [["--epsv", "EPSV"], ["--disable-epsv", "PASV"]]) {
    proxy.resetStats();
    const out = `${dir.path}/${verb}.bin`;
    const result = await runPeer(curl.require(), [
      "-s",
      "-S",
      flag,
      "-o",
      out,
      `ftp://${proxy.hostname}:${proxy.port}/c.bin`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(sha256(await Deno.readFile(out)), sha256(data));
    await drained(proxy);
    assert.equal(proxy.stats().verbs[verb], 1);
    assert.equal(proxy.stats().dataConnections, 1);
  }
});

/** A plain TCP server on 127.0.0.1 that runs `serve` for its one connection. */
function tcpServer(serve: (conn: Deno.Conn) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    try {
      await serve(conn);
    } finally {
      try {
        conn.close();
      } catch {
        // closed by `serve`
      }
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    served,
    async [Symbol.asyncDispose]() {
      listener.close();
      await served.catch(() => {});
    },
  };
}

Deno.test("delay proxy: every round trip costs at least twice the one-way delay", async () => {
  await using echo = tcpServer(async (conn) => {
    const buffer = new Uint8Array(64);
    // Bounded by the client, which sends five pings and closes.
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      await writeAll(conn, buffer.subarray(0, n));
    }
  });
  const delayMs = 25;
  await using proxy = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: echo.port },
    delayMs,
  });
  const conn = await Deno.connect({ hostname: proxy.hostname, port: proxy.port });
  const buffer = new Uint8Array(64);
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await writeAll(conn, text(`ping ${i}`));
    const n = await conn.read(buffer);
    const elapsed = performance.now() - start;
    assert.equal(decoder.decode(buffer.subarray(0, n!)), `ping ${i}`);
    // At least the delay both ways (1 ms for clock rounding); at most a generous bound.
    assert.ok(elapsed >= 2 * delayMs - 1, `round trip ${elapsed.toFixed(1)} ms`);
    assert.ok(elapsed < 5_000, `round trip ${elapsed.toFixed(1)} ms`);
  }
  conn.close();
  await drained(proxy);
});

Deno.test("delay proxy: a client that does not read holds the proxy at its window, order kept", async () => {
  const data = pseudoRandomBytes(8 << 20, 13);
  await using source = tcpServer(async (conn) => {
    await writeAll(conn, data);
    await conn.closeWrite();
  });
  const windowBytes = 256 * 1024;
  await using proxy = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: source.port },
    delayMs: 1,
    windowBytes,
  });
  const conn = await Deno.connect({ hostname: proxy.hostname, port: proxy.port });
  // Long enough for the proxy to fill whatever it would hold.
  await new Promise((r) => setTimeout(r, 300));
  const held = proxy.stats().maxQueuedBytes;
  assert.ok(held > 0, "the proxy read something");
  assert.ok(held <= windowBytes + 64 * 1024, `the proxy held ${held} bytes`);
  const got = await readToEnd(conn);
  assert.equal(sha256(got), sha256(data));
  await source.served;
  await drained(proxy);
});

Deno.test("delay proxy: a rate cap paces each connection", async () => {
  const data = pseudoRandomBytes(256 * 1024, 17);
  await using source = tcpServer(async (conn) => {
    await writeAll(conn, data);
    await conn.closeWrite();
  });
  const rate = 1024 * 1024;
  await using proxy = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: source.port },
    delayMs: 0,
    rateBytesPerSecond: rate,
  });
  const start = performance.now();
  const conn = await Deno.connect({ hostname: proxy.hostname, port: proxy.port });
  const got = await readToEnd(conn);
  const elapsed = performance.now() - start;
  assert.equal(sha256(got), sha256(data));
  // 256 KiB at 1 MiB/s: at least 250 ms (1 ms for clock rounding), at most a generous bound.
  assert.ok(elapsed >= (data.length / rate) * 1000 - 1, `${elapsed.toFixed(0)} ms`);
  assert.ok(elapsed < 10_000, `${elapsed.toFixed(0)} ms`);
  await drained(proxy);
});

Deno.test("delay proxy: a half-close passes through after the data, and both sides end", async () => {
  const received: Uint8Array[] = [];
  await using peer = tcpServer(async (conn) => {
    await writeAll(conn, text("hello"));
    await conn.closeWrite();
    // Still reading after its own side is closed.
    received.push(await readToEnd(conn));
  });
  await using proxy = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: peer.port },
    delayMs: 3,
  });
  const conn = await Deno.connect({ hostname: proxy.hostname, port: proxy.port });
  const buffer = new Uint8Array(16);
  let got = "";
  // Bounded: the peer sends five bytes and its end.
  for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
    got += decoder.decode(buffer.subarray(0, n));
  }
  assert.equal(got, "hello");
  await writeAll(conn, text("bye"));
  await conn.closeWrite();
  await peer.served;
  assert.equal(decoder.decode(received[0]), "bye");
  conn.close();
  await drained(proxy);
});

Deno.test("delay proxy: close() ends connections still open", async () => {
  await using idle = tcpServer(async (conn) => {
    await readToEnd(conn).catch(() => new Uint8Array(0));
  });
  const proxy = DelayProxy.start({ target: { hostname: "127.0.0.1", port: idle.port } });
  const conn = await Deno.connect({ hostname: proxy.hostname, port: proxy.port });
  // Bounded: the proxy accepts at once.
  while (proxy.stats().openConnections < 2) await new Promise((r) => setTimeout(r, 5));
  await proxy.close();
  assert.equal(proxy.stats().openConnections, 0);
  assert.equal(await conn.read(new Uint8Array(8)).catch(() => null), null);
  conn.close();
});
