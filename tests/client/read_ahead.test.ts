// A download's command sent with the next transfer's EPSV, its data
// connection closed for writing first (issue 15: one round trip a file over
// one connection), where the greeting names software that answers that EPSV
// after the transfer's final reply. What must hold around it: a refused
// RETR leaves the session in step and its EPSV serves the next download; an
// aborted download leaves the session in step; a server that answers the
// EPSV out of turn (as pyftpdlib does, cutting the download short) fails the
// download as out of step, never as done, and gets no EPSV during a transfer
// again; other servers get neither. The delay proxy counts the round trips.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpAbortError, FtpClient, FtpPermanentError, FtpProtocolError } from "../../mod.ts";
import {
  mayEpsvDuringTransfer,
  mayPipeline,
  resetPipelining,
} from "../../src/client/_pipelining.ts";
import { DelayProxy } from "../../bench/_delay_proxy.ts";
import { hostileServer } from "../hardening/_hostile_server.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { delayRig } from "../_delay_rig.ts";
import { sha256 } from "../_helpers.ts";

const VSFTPD_GREETING = "220 (vsFTPd 3.0.3)\r\n";

/** The delay proxy in front of `port`, counting round trips (50 ms each way). */
function proxyTo(port: number): DelayProxy {
  return DelayProxy.start({ target: { hostname: "127.0.0.1", port }, delayMs: 50 });
}

Deno.test("a refused RETR that went with the next EPSV: the error is its 550 naming RETR, and the next download uses that EPSV (one round trip)", async () => {
  resetPipelining();
  await using r = await delayRig();
  await Deno.writeTextFile(join(r.server.root, "here.txt"), "here\n".repeat(100));
  await using client = await r.connect();
  await new Response(await client.download("here.txt")).text(); // EPSV known to work.
  const error = await client.download("missing.txt").catch((e) => e);
  assert.ok(error instanceof FtpPermanentError, String(error));
  assert.equal(error.code, 550);
  assert.match(error.message, /RETR missing\.txt/);
  const before = r.flights();
  const epsvs = r.verbs().EPSV;
  const text = await new Response(await client.download("here.txt")).text();
  assert.equal(text, "here\n".repeat(100));
  assert.equal(r.flights() - before, 1, "RETR with the next EPSV: the address was ready");
  assert.equal(r.verbs().EPSV - epsvs, 1, "only the EPSV sent with it");
  assert.equal(await client.size("here.txt"), 500, "the session is in step");
});

Deno.test("a download aborted while its EPSV for the next is unanswered: the session stays in step and the next download is whole", async () => {
  resetPipelining();
  await using r = await delayRig();
  const big = crypto.getRandomValues(new Uint8Array(64 * 1024)).slice();
  const large = new Uint8Array(32 * 1024 * 1024);
  for (let i = 0; i < large.length; i += big.length) large.set(big, i);
  await Deno.writeFile(join(r.server.root, "large.bin"), large);
  await Deno.writeTextFile(join(r.server.root, "small.txt"), "small\n");
  await using client = await r.connect();
  await new Response(await client.download("small.txt")).text(); // EPSV known to work.
  const controller = new AbortController();
  const stream = await client.download("large.bin", { signal: controller.signal });
  const reader = stream.getReader();
  await reader.read();
  controller.abort();
  const error = await reader.read().then(() => undefined, (e) => e);
  assert.ok(error === undefined || error instanceof FtpAbortError, String(error));
  const copy = new Uint8Array(await new Response(await client.download("large.bin")).arrayBuffer());
  assert.equal(sha256(copy), sha256(large));
  assert.equal(await new Response(await client.download("small.txt")).text(), "small\n");
  assert.equal(await client.size("small.txt"), 6);
});

Deno.test("a server greeting as vsftpd that answers the EPSV sent with RETR first, cutting the download short (as pyftpdlib does): the download fails as out of step naming RETR, and the server gets one command at a time from then on", async () => {
  resetPipelining();
  let cut = false;
  const held = new Set<number>();
  await using server = hostileServer({
    greeting: VSFTPD_GREETING,
    files: { "/a.txt": "a\n", "/b.txt": "b\n" },
    script: async (line, session) => {
      if (line === "RETR b.txt" && !cut) {
        cut = true;
        held.add(session.number); // No 150, no data, no final reply: the EPSV is answered first.
        return true;
      }
      if (line === "EPSV" && held.has(session.number)) {
        held.delete(session.number);
        await session.handle(line);
        return true;
      }
      return false;
    },
  });
  const url = `ftp://127.0.0.1:${server.port}`;
  {
    await using client = await FtpClient.connect(url, { replyTimeout: 5000 });
    assert.equal(await new Response(await client.download("a.txt")).text(), "a\n");
    const error = await client.download("b.txt").catch((e) => e);
    assert.ok(error instanceof FtpProtocolError, String(error));
    assert.match(error.message, /RETR b\.txt/);
    assert.match(error.message, /out of step/);
  }
  assert.equal(mayEpsvDuringTransfer(`127.0.0.1:${server.port}`, VSFTPD_GREETING.slice(4)), false);
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), false, "one command at a time from now on");
  await using again = await FtpClient.connect(url);
  assert.equal(await new Response(await again.download("b.txt")).text(), "b\n");
  assert.equal(await new Response(await again.download("a.txt")).text(), "a\n");
});

Deno.test("a server whose greeting names no software known to answer in turn: no EPSV with RETR, two round trips a file", async () => {
  resetPipelining();
  const files: Record<string, string> = {};
  for (let i = 0; i < 3; i++) files[`/f${i}.txt`] = `file ${i}\n`;
  await using server = hostileServer({ greeting: "220 FTP server ready\r\n", files });
  await using proxy = proxyTo(server.port);
  await using client = await FtpClient.connect(`ftp://${proxy.hostname}:${proxy.port}`);
  assert.equal(await new Response(await client.download("f0.txt")).text(), "file 0\n");
  const before = proxy.stats().flights;
  for (let i = 1; i < 3; i++) {
    assert.equal(await new Response(await client.download(`f${i}.txt`)).text(), `file ${i}\n`);
  }
  // RETR | the data connection's close with the next EPSV, for each file.
  assert.equal(proxy.stats().flights - before, 4);
});

Deno.test("a server greeting as vsftpd: RETR goes with the next EPSV, one round trip a file, bytes intact", async () => {
  resetPipelining();
  const files: Record<string, Uint8Array> = {};
  for (let i = 0; i < 4; i++) {
    files[`/f${i}.bin`] = crypto.getRandomValues(new Uint8Array(4096 * (i + 1)));
  }
  await using server = hostileServer({ greeting: VSFTPD_GREETING, files });
  await using proxy = proxyTo(server.port);
  await using client = await FtpClient.connect(`ftp://${proxy.hostname}:${proxy.port}`);
  await new Response(await client.download("f0.bin")).arrayBuffer();
  const before = proxy.stats().flights;
  for (let i = 1; i < 4; i++) {
    const copy = new Uint8Array(
      await new Response(await client.download(`f${i}.bin`)).arrayBuffer(),
    );
    assert.equal(sha256(copy), sha256(files[`/f${i}.bin`]));
  }
  assert.equal(proxy.stats().flights - before, 3);
  const lines = server.received;
  assert.equal(lines[lines.indexOf("RETR f1.bin") + 1], "EPSV");
});

/** A server greeting as vsftpd whose first RETR b.txt has the EPSV sent with it answered out of turn, `how`. */
function refusingServer(how: "500 before the 150" | "450 before the 226") {
  let done = false;
  let held: string | undefined;
  let dropEpsv = false;
  return hostileServer({
    greeting: VSFTPD_GREETING,
    files: { "/a.txt": "a\n", "/b.txt": "b\n".repeat(1000) },
    script: async (line, session) => {
      if (line === "RETR b.txt" && !done) {
        done = true;
        if (how === "500 before the 150") {
          held = line; // Answered once the EPSV behind it has been refused.
          return true;
        }
        // As ProFTPD does with a command that comes during an upload: refuse it, drop it.
        await session.write("150 Opening BINARY mode data connection.\r\n");
        const data = await session.data();
        await data.write(new TextEncoder().encode("b\n".repeat(1000)));
        data.close();
        await session.write("450 EPSV: data transfer in progress\r\n226 Transfer complete.\r\n");
        dropEpsv = true;
        return true;
      }
      if (line === "EPSV" && held) {
        const retr = held;
        held = undefined;
        // As Pure-FTPd does: "500 Unknown command", the EPSV dropped.
        await session.write("500 Unknown command.\r\n");
        await session.handle(retr);
        return true;
      }
      if (line === "EPSV" && dropEpsv) {
        dropEpsv = false;
        return true;
      }
      return false;
    },
  });
}

for (const how of ["500 before the 150", "450 before the 226"] as const) {
  Deno.test(`a server greeting as vsftpd that refuses the EPSV sent with RETR out of turn (${how}): the download is whole and reported done, the next command reads its own reply, and no EPSV goes during a transfer again`, async () => {
    resetPipelining();
    await using server = refusingServer(how);
    await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
    assert.equal(await new Response(await client.download("a.txt")).text(), "a\n");
    assert.equal(await new Response(await client.download("b.txt")).text(), "b\n".repeat(1000));
    assert.equal(await client.size("a.txt"), 2, "in step");
    assert.equal(await new Response(await client.download("a.txt")).text(), "a\n");
    assert.equal(
      mayEpsvDuringTransfer(`127.0.0.1:${server.port}`, VSFTPD_GREETING.slice(4)),
      false,
    );
    assert.equal(client.state, "loggedIn");
  });
}

Deno.test("a malformed 229 for the EPSV sent with RETR fails one file of a batch, and the next files get an EPSV of their own and come whole", async () => {
  resetPipelining();
  let epsvs = 0;
  await using server = await FtpTestServer.start({
    faults: {
      onCommand: ({ verb }) => {
        if (verb !== "EPSV") return undefined;
        epsvs++;
        // The 4th: the one sent with the batch's second RETR (the first
        // two serve the warm-up download and the batch's first file).
        return epsvs === 4
          ? { reply: "229 Entering Extended Passive Mode (|||x|)\r\n" }
          : undefined;
      },
    },
  });
  const files = Array.from({ length: 8 }, (_, i) => `f${i}.txt`);
  for (const [i, name] of files.entries()) {
    await Deno.writeTextFile(join(server.root, name), `file ${i}\n`.repeat(50));
  }
  const dir = await Deno.makeTempDir();
  try {
    await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
    await client.downloadTo("f0.txt", join(dir, "warm-up.txt"));
    const outcomes = await client.downloadAllTo(
      files.map((name) => ({ path: name, destination: join(dir, name) })),
    );
    const failed = outcomes.filter((outcome) => !outcome.ok);
    assert.equal(failed.length, 1, failed.map((outcome) => String(outcome.error)).join("\n"));
    assert.ok(failed[0].error instanceof FtpProtocolError, String(failed[0].error));
    // The file that was to use it (f2: the warm-up's EPSV served f0, f0's
    // served f1, f1's was the bad one) fails, before its RETR; f3 asks an
    // EPSV in turn, and from there each RETR goes with the next: 10 EPSVs,
    // one more than the 9 of a batch with none refused.
    assert.equal(outcomes.findIndex((outcome) => !outcome.ok), 2);
    assert.equal(epsvs, 10);
    for (const [i, name] of files.entries()) {
      if (outcomes[i].ok) {
        assert.equal(await Deno.readTextFile(join(dir, name)), `file ${i}\n`.repeat(50));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
