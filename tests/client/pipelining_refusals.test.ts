// Refusals among commands sent together (issue 15): a wrong password, a
// server that closes or goes silent after refusing the login, a 421 in the
// middle of a flight. The error is the refusal, naming its command (the
// 530 of the login, the 421 of the command it answered), not a timeout or
// "connection closed" about a command sent with it; a wrong password is
// tried once, never again on a new connection; and a refusal is not taken
// for a server that mishandles pipelining.

import assert from "node:assert/strict";
import {
  FtpClient,
  FtpConnectionError,
  FtpPermanentError,
  FtpTransientError,
  type FtpWarningEvent,
} from "../../mod.ts";
import { mayPipeline } from "../../src/client/_pipelining.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { hostileServer, type HostileSession } from "../hardening/_hostile_server.ts";

/** Connects with a wrong password; the error, the warnings, how many PASS went out. */
async function wrongLogin(
  server: { port: number; received: string[]; sessions: number },
  replyTimeout = 5_000,
) {
  const client = new FtpClient({
    port: server.port,
    user: "alice",
    password: "wrong-secret",
    replyTimeout,
  });
  const warnings: string[] = [];
  client.addEventListener("warning", (e) => warnings.push((e as FtpWarningEvent).message));
  const error = await client.connect().catch((e) => e);
  await client.close().catch(() => {});
  return {
    error,
    warnings,
    passes: server.received.filter((l) => l.startsWith("PASS")).length,
  };
}

function assertLoginRefused(error: unknown, text: RegExp) {
  assert.ok(error instanceof FtpPermanentError, String(error));
  assert.equal(error.code, 530);
  assert.match(error.message, text);
  assert.match(error.message, /PASS \*\*\*/);
  assert.doesNotMatch(error.message, /wrong-secret/);
}

Deno.test("a wrong password where the server answers the commands sent with PASS before its delayed 530 (as pyftpdlib does): the 530, one attempt, pipelining kept", async () => {
  const refusing = new Set<HostileSession>();
  await using server = hostileServer({
    script: async (line, session) => {
      if (line.startsWith("PASS")) {
        // pyftpdlib sleeps before it refuses, reading on meanwhile.
        refusing.add(session);
        setTimeout(() => {
          refusing.delete(session);
          session.write("530 Authentication failed.\r\n");
        }, 300);
        return true;
      }
      if (!refusing.has(session) || line === "FEAT") return false;
      await session.write("530 Log in with USER and PASS first.\r\n");
      return true;
    },
  });
  const { error, warnings, passes } = await wrongLogin(server);
  assertLoginRefused(error, /Authentication failed/);
  assert.equal(passes, 1, "the wrong password is sent once");
  assert.equal(server.sessions, 1);
  assert.deepEqual(warnings, []);
  assert.equal(
    mayPipeline(`127.0.0.1:${server.port}`),
    true,
    "a refused login is no pipelining fault",
  );
});

Deno.test("a wrong password where the server closes the connection after its 530 (as Pure-FTPd may): the 530, one attempt", async () => {
  await using server = hostileServer({
    script: async (line, session) => {
      if (!line.startsWith("PASS")) return false;
      await session.write("530 Login authentication failed\r\n");
      session.drop();
      return true;
    },
  });
  const { error, warnings, passes } = await wrongLogin(server);
  assertLoginRefused(error, /Login authentication failed/);
  assert.equal(passes, 1);
  assert.deepEqual(warnings, []);
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
});

Deno.test("a wrong password where the server answers nothing after its 530: the 530, one attempt, pipelining kept", async () => {
  await using server = hostileServer({
    script: async (line, session) => {
      if (!line.startsWith("PASS")) return false;
      await session.write("530 Login incorrect.\r\n");
      session.mute();
      return true;
    },
  });
  const { error, warnings, passes } = await wrongLogin(server, 400);
  assertLoginRefused(error, /Login incorrect/);
  assert.equal(passes, 1);
  assert.deepEqual(warnings, []);
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
});

Deno.test("a 421 in answer to PASS, then the connection closed: the error is the 421, naming PASS", async () => {
  await using server = hostileServer({
    script: async (line, session) => {
      if (!line.startsWith("PASS")) return false;
      await session.write("421 Too many users, try later\r\n");
      session.drop();
      return true;
    },
  });
  const { error, passes } = await wrongLogin(server);
  assert.ok(error instanceof FtpTransientError, String(error));
  assert.equal(error.code, 421);
  assert.match(error.message, /Too many users/);
  assert.match(error.message, /PASS \*\*\*/);
  assert.equal(passes, 1);
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
});

Deno.test("a 421 in the middle of MDTMs sent together: the error is the 421, naming its MDTM", async () => {
  await using server = hostileServer({
    files: { "/a": "a", "/b": "b", "/c": "c" },
    script: async (line, session) => {
      if (line !== "MDTM b") return false;
      await session.write("421 Server shutting down\r\n");
      session.drop();
      return true;
    },
  });
  await using client = await FtpClient.connect(server.url);
  const error = await client.lastModifiedAll(["a", "b", "c"]).catch((e) => e);
  assert.ok(error instanceof FtpTransientError, String(error));
  assert.equal(error.code, 421);
  assert.match(error.message, /shutting down/);
  assert.match(error.message, /MDTM b/);
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
});

Deno.test("a 421 in answer to an EPSV sent ahead: the next download says the server closed the session, and pipelining is kept", async () => {
  let epsvs = 0;
  await using server = hostileServer({
    files: { "/f.txt": "f\n", "/g.txt": "g\n" },
    script: async (line, session) => {
      if (line !== "EPSV" || ++epsvs !== 2) return false;
      await session.write("421 Idle too long, bye\r\n");
      session.drop();
      return true;
    },
  });
  await using client = await FtpClient.connect(server.url);
  assert.equal(await new Response(await client.download("f.txt")).text(), "f\n");
  const error = await client.download("g.txt").catch((e) => e);
  assert.ok(error instanceof FtpConnectionError, String(error));
  assert.match(error.message, /421 Idle too long/);
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true, "a 421 is no pipelining fault");
});

/**
 * A server that, like pyftpdlib, times out a passive listener nobody
 * connected to with an unasked "421 Passive data channel timed out." and
 * keeps the session: here the listener of the second EPSV (the one sent
 * ahead with the first download's end), `after` the given command.
 */
function passiveTimeoutServer(when: "idle" | "during PWD") {
  let epsvs = 0;
  let listenerTimedOut = false;
  return hostileServer({
    files: { "/f.txt": "f\n", "/g.txt": "g\n" },
    script: async (line, session) => {
      if (line === "EPSV" && ++epsvs === 2) {
        await session.handle(line);
        if (when === "idle") {
          setTimeout(() => session.write("421 Passive data channel timed out.\r\n"), 100);
        } else listenerTimedOut = true;
        return true;
      }
      if (line === "PWD" && listenerTimedOut) {
        listenerTimedOut = false;
        await session.write("421 Passive data channel timed out.\r\n");
      }
      return false;
    },
  });
}

for (const when of ["idle", "during PWD"] as const) {
  Deno.test(`an EPSV sent ahead whose listener the server times out (421, session kept; ${when}): the session goes on`, async () => {
    await using server = passiveTimeoutServer(when);
    await using client = await FtpClient.connect(server.url);
    assert.equal(await new Response(await client.download("f.txt")).text(), "f\n");
    await new Promise((resolve) => setTimeout(resolve, 300)); // Past the listener's timeout.
    assert.equal(await client.pwd(), "/");
    assert.equal(await new Response(await client.download("g.txt")).text(), "g\n");
    assert.equal(await client.pwd(), "/");
    assert.equal(server.sessions, 1, "no reconnect");
    assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
  });
}

Deno.test("a refusal of an EPSV sent ahead after the server timed out its listener: the next download asks again, and pipelining is kept", async () => {
  // A refusal of an EPSV sent ahead, where EPSV worked before, is read as
  // the server answering it out of turn, which ends pipelining to the server
  // for the process. But here the server said first that it timed out the
  // listener (the 421, dropped where it arrives): its word explains the
  // refusal, which says nothing of turns, and a 4xx with it is stale like
  // the listener. So the expired listener is judged before the refusal
  // (EpsvAhead.judge): the next transfer asks for another address in turn,
  // and pipelining stays on.
  let epsvs = 0;
  await using server = hostileServer({
    files: { "/f.txt": "f\n", "/g.txt": "g\n" },
    script: async (line, session) => {
      // The second EPSV is the one sent ahead with the first download's end.
      if (line !== "EPSV" || ++epsvs !== 2) return false;
      await session.write("421 Passive data channel timed out.\r\n");
      await session.write("425 Can't open passive connection.\r\n");
      return true;
    },
  });
  await using client = await FtpClient.connect(server.url);
  assert.equal(await new Response(await client.download("f.txt")).text(), "f\n");
  assert.equal(await new Response(await client.download("g.txt")).text(), "g\n");
  assert.ok(epsvs >= 3, `${epsvs} EPSVs: the second download asked in turn`);
  assert.equal(server.sessions, 1, "no reconnect");
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
});

Deno.test("an EPSV sent ahead whose 229 was read over a second before its transfer is not used: the transfer asks for a new address", async () => {
  // A server may give up a listener nobody connected to (pyftpdlib: an
  // unasked 421, after 30 s by default) and hand its port to another
  // session's EPSV. Its 421 is read with the 229 when the client reads the
  // connection only at the transfer; but a 229 read earlier (here with a
  // stat's reply) says nothing of what came since.
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/f.txt`, "f\n");
  await Deno.writeTextFile(`${server.root}/g.txt`, "g\n");
  await using client = await FtpClient.connect(server.url);
  const epsvs = () => server.commands.filter((line) => line === "EPSV").length;
  const epsvsReach = async (n: number) => {
    // The server logs an EPSV sent ahead once it reads it, after the reply
    // the call returned on: wait for it (bounded).
    for (let i = 0; i < 100 && epsvs() < n; i++) await new Promise((r) => setTimeout(r, 10));
    return epsvs();
  };
  assert.equal(await new Response(await client.download("f.txt")).text(), "f\n");
  // The stat reads the 229 of the EPSV sent with the download's end, and keeps it.
  assert.equal((await client.stat("g.txt")).size, 2);
  assert.equal(await epsvsReach(2), 2);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.equal(await new Response(await client.download("g.txt")).text(), "g\n");
  // A new EPSV for this download, then one ahead with its end.
  assert.equal(await epsvsReach(4), 4);
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
});

Deno.test("an EPSV sent ahead whose 229 is read at the transfer is used after a pause: the read takes what the server sent before it", async () => {
  // A greeting that names no software known to answer an EPSV sent during a
  // transfer in turn: the EPSV goes with the download's end, and its 229 is
  // left unread until the next transfer (here, the 229 comes with the 226).
  await using server = await FtpTestServer.start({ greeting: "FTP server ready" });
  await Deno.writeTextFile(`${server.root}/f.txt`, "f\n");
  await using client = await FtpClient.connect(server.url);
  assert.equal(await new Response(await client.download("f.txt")).text(), "f\n");
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.equal(await new Response(await client.download("f.txt")).text(), "f\n");
  const epsvs = () => server.commands.filter((line) => line === "EPSV").length;
  for (let i = 0; i < 100 && epsvs() < 3; i++) await new Promise((r) => setTimeout(r, 10));
  // The first download's own, then one ahead with each download's end.
  assert.equal(epsvs(), 3);
});

Deno.test("a slow 229 to an EPSV sent ahead is fresh when it comes: one EPSV a download, not two", async () => {
  await using server = await FtpTestServer.start();
  for (const name of ["a", "b", "c"]) await Deno.writeTextFile(`${server.root}/${name}.txt`, name);
  await using client = await FtpClient.connect(server.url);
  // Each EPSV answered after 1.1 s: the age of a listener runs from its 229.
  server.faults.onCommand = (command) => command.verb === "EPSV" ? { delayMs: 1_100 } : undefined;
  for (const name of ["a", "b", "c"]) {
    assert.equal(await new Response(await client.download(`${name}.txt`)).text(), name);
  }
  const epsvs = () => server.commands.filter((line) => line === "EPSV").length;
  for (let i = 0; i < 300 && epsvs() < 4; i++) await new Promise((r) => setTimeout(r, 10));
  // The first download's own, then one ahead with each download's end.
  assert.equal(epsvs(), 4);
});
