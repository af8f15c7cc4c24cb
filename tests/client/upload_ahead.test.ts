// The next transfer's EPSV sent ahead of an upload's final reply (issue 15),
// against servers that answer it out of turn: a scripted server that calls
// itself vsftpd (so ferry sends the EPSV ahead) and then behaves as Pure-FTPd
// (500, the EPSV dropped, then the upload's 226), ProFTPD (450, then 226) or
// pyftpdlib (a 229 at once, the upload cut short, no final reply) do when an
// EPSV arrives while an upload's data is still being read. The upload is
// reported by its own reply, or as failed, never the other way round; later
// uploads work; that server gets no EPSV ahead of an upload any more. The
// delay proxy in front counts the round trips.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, FtpPermanentError, FtpTimeoutError } from "../../mod.ts";
import { mayEpsvDuringTransfer, resetPipelining } from "../../src/client/_pipelining.ts";
import { loadTask, runTask } from "../../src/runner/mod.ts";
import { DelayProxy } from "../../bench/_delay_proxy.ts";
import { hostileServer, type HostileSession } from "../hardening/_hostile_server.ts";
import { readAll, tempDir } from "../_helpers.ts";
import { writeServerTask, writeTree } from "../cli/_ferry.ts";

const VSFTPD_GREETING = "220 (vsFTPd 3.0.3)\r\n";
const decoder = new TextDecoder();

/** The upload's bytes, read until the client closes the data connection. */
const receive = async (conn: Deno.Conn) => await readAll(conn.readable);

/** What the server does with the command that comes after an upload's data. */
type OutOfTurn = "500" | "450" | "229, upload cut";

/**
 * A server greeting as vsftpd that answers out of turn the command that
 * follows the first upload of its first session (its 226 held until then,
 * as if the data were still being read); other uploads are answered in turn.
 */
function outOfTurnServer(how: OutOfTurn) {
  const held = new Map<HostileSession, string>();
  const done = new Set<HostileSession>();
  const server = hostileServer({
    greeting: VSFTPD_GREETING,
    script: async (line, session) => {
      if (line.startsWith("STOR ") && session.number === 1 && !done.has(session)) {
        done.add(session);
        const path = session.resolve(line.slice(5));
        await session.write("150 Ok to send data.\r\n");
        const bytes = await receive(await session.data());
        // pyftpdlib drops the data connection on the EPSV: what arrived by then stays.
        server.files.set(path, how === "229, upload cut" ? bytes.subarray(0, 3) : bytes);
        held.set(session, path);
        return true;
      }
      if (!held.has(session)) return false;
      held.delete(session);
      if (how === "500") await session.write("500 Unknown command.\r\n226 Transfer complete.\r\n");
      if (how === "450") {
        await session.write("450 EPSV: data transfer in progress\r\n226 Transfer complete\r\n");
      }
      if (how === "229, upload cut") await session.handle(line); // And no final reply, ever.
      return true;
    },
  });
  return server;
}

/** The delay proxy in front of `port`, counting round trips (50 ms each way). */
function proxyTo(port: number): DelayProxy {
  return DelayProxy.start({ target: { hostname: "127.0.0.1", port }, delayMs: 50 });
}

for (const how of ["500", "450"] as const) {
  Deno.test(`an EPSV sent ahead of an upload's end answered "${how}" before the 226: the put succeeds, files intact, later uploads wait for the 226`, async () => {
    resetPipelining();
    await using dir = await tempDir();
    await using server = outOfTurnServer(how);
    await using proxy = proxyTo(server.port);
    const site: Record<string, string> = {};
    for (let i = 0; i < 6; i++) site[`f${i}.txt`] = `file ${i}\n`.repeat(100 * (i + 1));
    await writeTree(join(dir.path, "site"), site);
    const task = await writeServerTask(
      dir.path,
      `url: "ftp://${proxy.hostname}:${proxy.port}", parallel: 1`,
      `  - put: { from: ${join(dir.path, "site")}/, to: www/ }\n`,
    );
    const report = await runTask(await loadTask(task, { envFile: false }));
    assert.ok(report.ok, JSON.stringify(report, null, 2));
    for (const [name, text] of Object.entries(site)) {
      assert.equal(decoder.decode(server.files.get(`/www/${name}`)), text, name);
    }
    assert.equal(server.sessions, 1, "no new login was needed");
    assert.equal(mayEpsvDuringTransfer(`127.0.0.2:${proxy.port}`, VSFTPD_GREETING.slice(4)), false);
    // The first upload sent an EPSV ahead, which the server dropped: every
    // later upload asks for its address in turn, after the 226.
    const uploading = server.received.slice(server.received.findIndex((l) => l.startsWith("STOR")));
    const stors = uploading.filter((l) => l.startsWith("STOR")).length;
    const epsvs = uploading.filter((l) => l === "EPSV").length;
    assert.equal(stors, 6);
    assert.equal(
      epsvs,
      stors,
      `one ahead (dropped), then one per later upload:\n${uploading.join("\n")}`,
    );
    const perFlight = proxy.stats().connections[0].commandsPerFlight;
    const last = perFlight.slice(-6, -1);
    assert.ok(last.every((n) => n === 1), `later uploads: EPSV | STOR: ${perFlight}`);
  });
}

Deno.test("an EPSV sent ahead of an upload's end answered with a 229 at once and the upload cut short (as pyftpdlib does): the upload fails naming STOR, never reported done", async () => {
  resetPipelining();
  await using server = outOfTurnServer("229, upload cut");
  const url = `ftp://127.0.0.1:${server.port}`;
  {
    await using client = await FtpClient.connect(url, { replyTimeout: 1500 });
    const error = await client.upload("cut.txt", "the whole file\n").catch((e) => e);
    assert.ok(error instanceof FtpTimeoutError, String(error));
    assert.match(error.message, /STOR cut\.txt/);
  }
  assert.equal(
    mayEpsvDuringTransfer(`127.0.0.1:${server.port}`, VSFTPD_GREETING.slice(4)),
    false,
  );
  // A new login: uploads work, and wait for their 226 before the next EPSV.
  await using again = await FtpClient.connect(url);
  await again.upload("cut.txt", "the whole file\n");
  await again.upload("next.txt", "next\n");
  assert.equal(decoder.decode(server.files.get("/cut.txt")), "the whole file\n");
  assert.equal(decoder.decode(server.files.get("/next.txt")), "next\n");
});

Deno.test("an upload refused after its data (552), in turn, with the EPSV sent ahead answered behind it: the error is the 552 naming STOR, the next upload uses that EPSV", async () => {
  resetPipelining();
  let refused = false;
  await using server = hostileServer({
    greeting: VSFTPD_GREETING,
    script: async (line, session) => {
      if (line !== "STOR full.bin" || refused) return false;
      refused = true;
      await session.write("150 Ok to send data.\r\n");
      await receive(await session.data());
      await session.write("552 Quota exceeded.\r\n");
      return true;
    },
  });
  await using proxy = proxyTo(server.port);
  await using client = await FtpClient.connect(`ftp://${proxy.hostname}:${proxy.port}`);
  const error = await client.upload("full.bin", "too much\n").catch((e) => e);
  assert.ok(error instanceof FtpPermanentError, String(error));
  assert.equal(error.code, 552);
  assert.match(error.message, /STOR full\.bin/);
  const before = proxy.stats().flights;
  await client.upload("small.txt", "fits\n");
  assert.equal(proxy.stats().flights - before, 1, "STOR with its data: the EPSV was ready");
  assert.equal(decoder.decode(server.files.get("/small.txt")), "fits\n");
  assert.equal(server.received.filter((l) => l === "EPSV").length, 3);
  assert.ok(mayEpsvDuringTransfer(`127.0.0.2:${proxy.port}`, VSFTPD_GREETING.slice(4)));
});

Deno.test("an EPSV sent ahead answered out of turn with a refusal (450), then the upload refused (452): the error is the upload's 452 naming STOR, not the EPSV's 450", async () => {
  resetPipelining();
  let state: "before" | "held" | "after" = "before";
  await using server = hostileServer({
    greeting: VSFTPD_GREETING,
    script: async (line, session) => {
      if (state === "before" && line === "STOR full.bin") {
        state = "held";
        await session.write("150 Ok to send data.\r\n");
        await receive(await session.data());
        return true;
      }
      if (state !== "held") return false;
      // The EPSV that came during the upload: what ProFTPD says to it (and
      // drops it), then the upload's own refusal.
      state = "after";
      await session.write(
        "450 EPSV: data transfer in progress\r\n452 Insufficient storage space\r\n",
      );
      return true;
    },
  });
  const url = `ftp://127.0.0.1:${server.port}`;
  await using client = await FtpClient.connect(url);
  const error = await client.upload("full.bin", "too much\n").catch((e) => e);
  assert.equal(error?.code, 452, String(error));
  assert.match(error.message, /STOR full\.bin/);
  assert.equal(mayEpsvDuringTransfer(`127.0.0.1:${server.port}`, VSFTPD_GREETING.slice(4)), false);
  await client.upload("small.txt", "fits\n");
  assert.equal(decoder.decode(server.files.get("/small.txt")), "fits\n");
});

Deno.test("a server whose greeting names no software known to answer in turn gets no EPSV ahead of an upload's end", async () => {
  resetPipelining();
  await using server = hostileServer({ greeting: "220 FTP server ready\r\n" });
  await using proxy = proxyTo(server.port);
  await using client = await FtpClient.connect(`ftp://${proxy.hostname}:${proxy.port}`);
  const before = proxy.stats().flights;
  for (let i = 0; i < 3; i++) await client.upload(`f${i}.txt`, `file ${i}\n`);
  // EPSV | STOR with its data, for each file.
  assert.equal(proxy.stats().flights - before, 6);
  assert.equal(server.received.filter((l) => l === "EPSV").length, 3);
});
