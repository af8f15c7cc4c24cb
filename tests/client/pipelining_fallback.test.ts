// Pipelining's safety net (issue 15): a server that drops commands sent
// together, or answers them out of step, fails one operation at most, with
// an error that says so, and gets one command at a time from then on; the
// login falls back by itself. Errors of commands sent together still name
// their own command, and the session stays in step after them.

import assert from "node:assert/strict";
import { FtpClient, FtpPermanentError, FtpProtocolError, type FtpWarningEvent } from "../../mod.ts";
import { mayPipeline } from "../../src/client/_pipelining.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { hostileServer } from "../hardening/_hostile_server.ts";

const encoder = new TextEncoder();

/**
 * A server that handles only the first command line of each read and drops
 * the rest, as some old servers and firewalls do: commands sent together
 * lose all but the first.
 */
function droppingServer() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const received: string[] = [];
  let sessions = 0;
  const conns = new Set<Deno.Conn>();
  const serve = async (conn: Deno.Conn) => {
    const write = (text: string) => conn.write(encoder.encode(text)).catch(() => 0);
    await write("220 dropping server\r\n");
    const buffer = new Uint8Array(4096);
    try {
      // Bounded by the client: it ends when the connection closes.
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        const line = new TextDecoder().decode(buffer.subarray(0, n)).split("\r\n")[0];
        received.push(line);
        const [verb, argument] = [line.split(" ")[0].toUpperCase(), line.slice(5)];
        if (verb === "USER") await write("331 Password please\r\n");
        else if (verb === "PASS") await write("230 Logged in\r\n");
        else if (verb === "FEAT") await write("211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n");
        else if (verb === "TYPE") await write("200 OK\r\n");
        else if (verb === "MDTM") {
          await write(argument === "missing" ? "550 No such file\r\n" : "213 20260102030405\r\n");
        } else if (verb === "QUIT") {
          await write("221 Bye\r\n");
          break;
        } else await write("502 Not implemented\r\n");
      }
    } catch {
      // Closed by the client or by dispose.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        sessions++;
        conns.add(conn);
        serve(conn);
      }
    } catch {
      // Closed.
    }
  })();
  return {
    port,
    received,
    get sessions() {
      return sessions;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await accepting;
    },
  };
}

Deno.test("a server that drops commands sent together: the login falls back to one at a time by itself", async () => {
  await using server = droppingServer();
  const client = new FtpClient({ port: server.port, replyTimeout: 400 });
  const warnings: string[] = [];
  client.addEventListener("warning", (e) => warnings.push((e as FtpWarningEvent).message));
  await client.connect();
  try {
    assert.equal(client.state, "loggedIn");
    assert.equal(server.sessions, 2, "one login more, on a new connection");
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /sent together with other commands/);
    assert.match(warnings[0], /one command at a time/);
    assert.equal(mayPipeline(`127.0.0.1:${server.port}`), false);
    // From now on every command goes alone, and every one is answered.
    const times = await client.lastModifiedAll(["a", "missing", "b"]);
    assert.equal((times[0] as Date).toISOString(), "2026-01-02T03:04:05.000Z");
    assert.ok(times[1] instanceof FtpPermanentError && /MDTM missing/.test(times[1].message));
    assert.equal((times[2] as Date).toISOString(), "2026-01-02T03:04:05.000Z");
    assert.deepEqual(server.received.slice(-3), ["MDTM a", "MDTM missing", "MDTM b"]);
  } finally {
    await client.close();
  }
});

Deno.test("a server that answers commands sent together out of step: the error says so, then one at a time", async () => {
  let session1Mdtms = 0;
  await using server = hostileServer({
    files: { "/a": "a", "/b": "b", "/c": "c" },
    script: async (line, session) => {
      // The first connection answers its second MDTM with an EPSV reply.
      if (session.number !== 1 || !line.startsWith("MDTM")) return false;
      if (++session1Mdtms !== 2) return false;
      await session.write("229 Entering Extended Passive Mode (|||40000|)\r\n");
      return true;
    },
  });
  {
    await using client = await FtpClient.connect(server.url);
    const error = await client.lastModifiedAll(["a", "b", "c"]).catch((e) => e);
    assert.ok(error instanceof FtpProtocolError, String(error));
    assert.match(error.message, /"MDTM b"/);
    assert.match(error.message, /out of step/);
    assert.match(error.message, /one command at a time to this server from now on/);
    assert.equal(client.state, "unconnected", "the connection whose replies went astray is closed");
  }
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), false);
  await using again = await FtpClient.connect(server.url);
  const times = await again.lastModifiedAll(["a", "b", "c"]);
  assert.ok(times.every((t) => t instanceof Date), String(times));
});

Deno.test("an EPSV sent ahead answered before the transfer's 226: the download fails naming RETR, later ones work", async () => {
  const content = "held back\n";
  let held = false;
  await using server = hostileServer({
    files: { "/f.txt": content, "/g.txt": "g\n" },
    script: async (line, session) => {
      if (session.number !== 1) return false;
      if (line === "RETR f.txt") {
        await session.write("150 Here it comes\r\n");
        const data = await session.data();
        await data.write(encoder.encode(content));
        data.close();
        held = true; // The 226 waits for the next command.
        return true;
      }
      if (line === "EPSV" && held) {
        held = false;
        await session.handle("EPSV");
        await session.write("226 Transfer complete\r\n");
        return true;
      }
      return false;
    },
  });
  {
    await using client = await FtpClient.connect(server.url);
    const error = await new Response(await client.download("f.txt")).text().catch((e) => e);
    assert.ok(error instanceof FtpProtocolError, String(error));
    assert.match(error.message, /"RETR f\.txt"/);
    assert.match(error.message, /out of step/);
  }
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), false);
  await using again = await FtpClient.connect(server.url);
  assert.equal(await new Response(await again.download("f.txt")).text(), content);
  assert.equal(await new Response(await again.download("g.txt")).text(), "g\n");
  const secondSession = server.received.slice(server.received.lastIndexOf("USER anonymous"));
  assert.equal(
    secondSession.filter((l) => l === "EPSV").length,
    2,
    "no EPSV goes ahead any more: one per transfer",
  );
});

Deno.test("a refused login sent with FEAT and TYPE: the error names PASS, and the session stays in step", async () => {
  await using server = await FtpTestServer.start({ users: { alice: "right" } });
  await using client = await FtpClient.connect({ port: server.port, login: false });
  const refused = await client.login("alice", "wrong").catch((e) => e);
  assert.ok(refused instanceof FtpPermanentError, String(refused));
  assert.equal(refused.code, 530);
  assert.match(refused.message, /PASS \*\*\*/);
  assert.doesNotMatch(refused.message, /wrong/);
  await client.login("alice", "right");
  assert.equal(client.state, "loggedIn");
  assert.equal(await client.pwd(), "/");
  assert.ok(client.features.size > 0);
});

Deno.test("a reply nobody asked for is still refused when commands go together", async () => {
  await using server = hostileServer({
    files: { "/a": "a", "/b": "b" },
    script: async (line, session) => {
      if (line !== "NOOP") return false;
      await session.write("200 OK\r\n213 20260101000000\r\n"); // One reply too many.
      return true;
    },
  });
  await using client = await FtpClient.connect(server.url);
  await client.noop();
  const error = await client.lastModifiedAll(["a", "b"]).catch((e) => e);
  assert.ok(error instanceof FtpProtocolError, String(error));
  assert.match(error.message, /reply nobody asked for/);
});
