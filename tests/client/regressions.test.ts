// Each test here reproduces a defect found in review and proves its fix: the
// reply sequence stays in step after local failures, deadlines cover whole
// replies, raw commands cannot desynchronise state, no password leaks.

import assert from "node:assert/strict";
import {
  FtpAbortError,
  FtpClient,
  FtpConnectionError,
  FtpInputError,
  FtpPermanentError,
  FtpProtocolError,
  type FtpState,
  FtpTimeoutError,
  FtpTransientError,
  FtpUnexpectedReplyError,
} from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, readAll, sha256, tempDir } from "../_helpers.ts";
import { scriptedServer } from "../_scripted_server.ts";
import { mayPipeline } from "../../src/client/_pipelining.ts";

const MiB = 1 << 20;

async function setup(options: Parameters<typeof FtpTestServer.start>[0] = {}) {
  const server = await FtpTestServer.start(options);
  const client = await FtpClient.connect({ port: server.port });
  return {
    server,
    client,
    async [Symbol.asyncDispose]() {
      await client.close();
      await server.close();
    },
  };
}

Deno.test("downloadTo a local path that cannot be written: nothing is sent, and the client stays in step", async () => {
  await using t = await setup();
  await using dir = await tempDir();
  await Deno.writeTextFile(`${t.server.root}/f.txt`, "content");
  const before = t.server.commands.length;
  await assert.rejects(
    t.client.downloadTo("f.txt", `${dir.path}/no/such/dir/f.txt`),
    Deno.errors.NotFound,
  );
  await assert.rejects(
    t.client.downloadTo("f.txt", `${dir.path}/absent.txt`, { offset: 3 }),
    Deno.errors.NotFound,
  );
  assert.ok(
    !t.server.commands.slice(before).some((c) => c.startsWith("RETR")),
    "RETR was never sent",
  );
  assert.equal(await t.client.pwd(), "/");
  await t.client.mkdir("sub");
  await t.client.cd("sub");
  assert.equal(await t.client.pwd(), "/sub");
});

Deno.test("downloadTo a locked WritableStream is refused before anything is sent", async () => {
  await using t = await setup();
  await Deno.writeFile(`${t.server.root}/f.bin`, pseudoRandomBytes(MiB));
  const sink = new WritableStream();
  const lock = sink.getWriter();
  await assert.rejects(t.client.downloadTo("f.bin", sink), TypeError);
  assert.ok(!t.server.commands.includes("RETR f.bin"), "refused before RETR");
  lock.releaseLock();
  assert.equal(await t.client.size("f.bin"), MiB);
  await t.client.mkdir("made");
  assert.ok((await Deno.stat(`${t.server.root}/made`)).isDirectory);
});

Deno.test("active mode: a 425 that follows the 150 is the error, promptly, and replies stay in step", async () => {
  await using t = await setup();
  t.client.transferMode = "active";
  await Deno.writeTextFile(`${t.server.root}/f.txt`, "x");
  t.server.faults.onCommand = (c) =>
    c.verb === "RETR"
      ? { reply: "150 Opening data connection\r\n425 Can't open data connection\r\n" }
      : undefined;
  const error = await t.client.download("f.txt").catch((e) => e);
  assert.ok(error instanceof FtpTransientError, String(error));
  assert.equal(error.code, 425);
  t.server.faults.onCommand = undefined;
  assert.equal(await t.client.pwd(), "/");
  assert.equal(await new Response(await t.client.download("f.txt")).text(), "x");
});

Deno.test("endless 1xx chatter still times out: one deadline per reply", async () => {
  let ticking = true;
  await using server = scriptedServer(async (line, io) => {
    if (line !== "NOOP") return false;
    // Bounded: stops when the client goes or the test ends.
    while (ticking && await io.write("100 still working\r\n")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  });
  await using client = await FtpClient.connect({ port: server.port, replyTimeout: 300 });
  const error = await client.noop().catch((e) => e);
  ticking = false;
  assert.ok(error instanceof FtpTimeoutError, String(error));
  assert.equal(error.phase, "reply");
});

Deno.test("endless blank lines are a protocol error, not a hang", async () => {
  await using server = scriptedServer(async (line, io) => {
    if (line !== "NOOP") return false;
    await io.write("\r\n".repeat(600_000));
    return true;
  });
  await using client = await FtpClient.connect({ port: server.port });
  await assert.rejects(client.noop(), FtpProtocolError);
});

Deno.test("a flood of unsolicited replies is a protocol error that closes the connection", async () => {
  await using t = await setup();
  t.server.faults.onCommand = (
    c,
  ) => (c.verb === "NOOP" ? { reply: "200 ok\r\n".repeat(200) } : undefined);
  const error = await t.client.noop().catch((e) => e);
  assert.ok(error instanceof FtpProtocolError, String(error));
  assert.match(error.message, /replies nobody asked for/);
  assert.equal(t.client.state, "unconnected");
  const after = await t.client.pwd().catch((e) => e);
  assert.ok(after instanceof FtpConnectionError);
  assert.equal(after.kind, "not-connected");
});

Deno.test("a raw TYPE or REST sent with send() cannot corrupt the next transfer", async () => {
  await using t = await setup();
  const data = pseudoRandomBytes(4000, 5).map((b) => (b === 13 ? 10 : b));
  await Deno.writeFile(`${t.server.root}/f.bin`, data);
  await t.client.download("f.bin").then(readAll); // caches TYPE I
  assert.equal((await t.client.send("TYPE A")).code, 200);
  assert.equal(sha256(await readAll(await t.client.download("f.bin"))), sha256(data));
  assert.equal((await t.client.send("REST 100")).code, 350);
  assert.equal(sha256(await readAll(await t.client.download("f.bin"))), sha256(data));
});

Deno.test("a refused raw command never quotes a password", async () => {
  await using t = await setup();
  const error = await t.client.send("PASS hunter2\r\nDELE x").catch((e) => e);
  assert.ok(error instanceof FtpInputError);
  assert.ok(!error.message.includes("hunter2"), error.message);
});

// A debug hook (or an onEvent in a runner's trace) that throws on a reply
// fails the call that read it; the replies after it must still be matched to
// their own commands. One behind, a 530 to PASS was redacted as NOOP's
// reply, and a password under six characters (hidden only in the replies to
// USER, PASS and ACCT) went into the error, the reply event and the trace.
/** The error a call gets when the debug hook threw: the connection closed, the hook's error kept. */
function assertHookClosed(error: unknown): void {
  assert.ok(error instanceof FtpConnectionError, String(error));
  assert.equal(error.kind, "closed");
  assert.match(error.message, /debug hook threw .*a logger that failed.*Fix the hook/);
  assert.equal((error.cause as Error)?.message, "a logger that failed");
}

/** The error of a call after that: at once, the client no longer connected. */
function assertNotConnected(error: unknown): void {
  assert.ok(error instanceof FtpConnectionError, String(error));
  assert.equal(error.kind, "not-connected");
}

Deno.test("a debug hook that throws on a reply closes the connection with its error: no later reply reaches another command, no password leaks, the client connects again", async () => {
  const password = "abc12";
  let passes = 0;
  await using server = scriptedServer(async (line, io) => {
    const verb = line.split(" ")[0].toUpperCase();
    if (verb === "USER") return await io.write("331 Password please\r\n");
    if (verb === "PASS") {
      passes++;
      return await io.write(
        passes === 1 || passes === 3
          ? "230 Logged in\r\n"
          : `530 Password ${password} is wrong\r\n`,
      );
    }
    if (verb === "NOOP") return await io.write("200 NOOP ok\r\n");
    return false;
  });
  const trace: string[] = [];
  let thrown = false;
  const debug = ({ line }: { line: string }) => {
    trace.push(line);
    if (!thrown && line.includes("NOOP ok")) {
      thrown = true;
      throw new Error("a logger that failed");
    }
  };
  await using client = await FtpClient.connect(
    `ftp://user:${password}@127.0.0.1:${server.port}`,
    { debug, replyTimeout: 5_000 },
  );
  const events: string[] = [];
  client.addEventListener("reply", (event) => events.push(event.reply.text));
  assertHookClosed(await client.send("NOOP").catch((e) => e));
  // At once, not after a reply timeout: the connection is closed, and says why.
  const started = performance.now();
  assertNotConnected(await client.command(`PASS ${password}`).catch((e) => e));
  assert.ok(performance.now() - started < 2_500);
  // Connecting again gives a working session (the server's third PASS is accepted).
  passes = 2;
  await client.connect();
  const refused = await client.command(`PASS ${password}`).catch((e) => e);
  assert.ok(refused instanceof FtpPermanentError, String(refused));
  assert.equal(refused.code, 530);
  assert.equal((await client.send("NOOP")).text, "NOOP ok");
  const leaks = [
    ...(refused.message.includes(password) ? [`error: ${refused.message}`] : []),
    ...events.filter((text) => text.includes(password)).map((text) => `event: ${text}`),
    ...trace.filter((line) => line.includes(password)).map((line) => `trace: ${line}`),
  ];
  assert.deepEqual(leaks, []);
});

Deno.test("a debug hook that throws on the first of several replies read at once closes the connection: the call fails with the hook's error, and the next call fails at once, not out of step", async () => {
  // The MDTMs of lastModifiedAll go together; this server answers the three in one write, so
  // their replies are parsed from one read.
  const held: string[] = [];
  await using server = scriptedServer(async (line, io) => {
    const [verb, path] = line.split(" ");
    if (verb === "USER") return await io.write("331 Password please\r\n");
    if (verb === "PASS") return await io.write("230 Logged in\r\n");
    if (verb === "MDTM") {
      const day = { "a.txt": "01", "b.txt": "02", "c.txt": "03" }[path] ?? "09";
      held.push(`213 202601${day}000000\r\n`);
      return held.length < 3 || await io.write(held.splice(0).join(""));
    }
    if (verb === "NOOP") return await io.write("200 NOOP ok\r\n");
    return false;
  });
  let thrown = 0;
  const debug = ({ line }: { line: string }) => {
    if (line.startsWith("213 20260101")) {
      thrown++;
      throw new Error("a logger that failed");
    }
  };
  await using client = await FtpClient.connect(`ftp://user:pw@127.0.0.1:${server.port}`, {
    debug,
    replyTimeout: 5_000,
  });
  assertHookClosed(await client.lastModifiedAll(["a.txt", "b.txt", "c.txt"]).catch((e) => e));
  assert.equal(thrown, 1);
  const started = performance.now();
  assertNotConnected(await client.send("NOOP").catch((e) => e));
  assert.ok(performance.now() - started < 2_500);
  // Not taken for a server that answers out of turn: pipelining to it stays on.
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
  await client.connect();
  assert.equal((await client.send("NOOP")).text, "NOOP ok");
});

Deno.test("a debug hook that throws on a download's 226, read with the 229 of the EPSV sent ahead: the download fails with the hook's error, and the next call neither waits for the dropped 229 nor stops pipelining", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/a.txt`, "aaa");
  await Deno.writeTextFile(`${server.root}/b.txt`, "bbb");
  let armed = false;
  const debug = ({ direction, line }: { direction: string; line: string }) => {
    if (armed && direction === "receive" && line.startsWith("226")) {
      armed = false;
      throw new Error("a logger that failed");
    }
  };
  await using client = await FtpClient.connect({ port: server.port, debug, replyTimeout: 5_000 });
  assert.equal(await readAll(await client.download("a.txt")).then((b) => b.length), 3);
  armed = true;
  const failed = await client.download("b.txt").then(readAll).catch((e) => e);
  assertHookClosed(failed);
  const started = performance.now();
  assertNotConnected(await client.send("NOOP").catch((e) => e));
  assert.ok(performance.now() - started < 2_500);
  assert.equal(mayPipeline(`127.0.0.1:${server.port}`), true);
  await client.connect();
  assert.equal(new TextDecoder().decode(await readAll(await client.download("b.txt"))), "bbb");
});

Deno.test("abort() interrupts a large upload at once, even when the server stops reading", async () => {
  await using t = await setup({ faults: { dataStallAfterBytes: MiB } });
  const client = t.client;
  // Bounded: the first megabyte moves before the server stops reading.
  const moving = new Promise<void>((resolve) => {
    client.addEventListener("progress", (e) => e.bytes > 0 && resolve());
  });
  const upload = client.upload("big.bin", pseudoRandomBytes(64 * MiB)).catch((e) => e);
  await moving;
  client.abort();
  const error = await upload;
  assert.ok(error instanceof FtpAbortError, String(error));
  t.server.faults.dataStallAfterBytes = undefined;
  await client.noop();
});

Deno.test("close() then connect() reconnects the same client", async () => {
  await using server = await FtpTestServer.start();
  const client = new FtpClient({ port: server.port });
  await client.connect();
  const closing = client.close();
  await client.connect();
  await closing;
  assert.equal(client.state, "loggedIn");
  assert.equal(await client.pwd(), "/");
  await client.close();
});

Deno.test("a signal that fires while a simple command runs rejects it, and events say so", async () => {
  await using t = await setup();
  await Deno.mkdir(`${t.server.root}/d`);
  t.server.faults.onCommand = (c) => (c.verb === "RMD" ? { delayMs: 200 } : undefined);
  const finished: (Error | undefined)[] = [];
  t.client.addEventListener("commandFinished", (e) => finished.push(e.error));
  const controller = new AbortController();
  const removal = t.client.rmdir("d", { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  assert.ok((await removal.catch((e) => e)) instanceof FtpAbortError);
  await t.client.noop(); // runs after RMD's reply was read: in step
  assert.ok(finished[0] instanceof FtpAbortError, String(finished[0]));
});

Deno.test("a server that wants an account when none was given: 332 with the command", async () => {
  await using server = await FtpTestServer.start({
    users: { bob: { password: "pw", account: "acc" } },
  });
  const error = await FtpClient.connect({ port: server.port, user: "bob", password: "pw" }).catch((
    e,
  ) => e);
  assert.ok(error instanceof FtpUnexpectedReplyError, String(error));
  assert.equal(error.code, 332);
  assert.equal(error.command, "PASS ***");
  assert.match(error.message, /pass the `account` option/);
});

Deno.test("trustPasvHost: off, the PASV host is ignored; on, it is used", async () => {
  // Nothing listens on 127.0.0.3: reaching it proves the announced host was used.
  await using server = await FtpTestServer.start({
    disabledCommands: ["EPSV"],
    faults: { pasvAddress: "127.0.0.3" },
  });
  await Deno.writeTextFile(`${server.root}/f.txt`, "x");
  {
    await using client = await FtpClient.connect({ port: server.port });
    assert.equal(await new Response(await client.download("f.txt")).text(), "x");
  }
  await using trusting = await FtpClient.connect({ port: server.port, trustPasvHost: true });
  const error = await trusting.download("f.txt").catch((e) => e);
  assert.ok(error instanceof FtpConnectionError, String(error));
  assert.equal(error.kind, "refused");
});

Deno.test("ASCII uploads send CRLF on the wire", async () => {
  await using t = await setup();
  const result = await t.client.upload("a.txt", "a\nb\n", { type: "ascii" });
  assert.equal(result.bytes, 6, "two LFs became two CRLFs on the data connection");
  const binary = await t.client.upload("b.txt", "a\nb\n");
  assert.equal(binary.bytes, 4);
});

Deno.test("host names go through hostLookup; every reply is an event", async () => {
  await using server = await FtpTestServer.start();
  const client = new FtpClient({ host: "localhost", port: server.port });
  const states: FtpState[] = [];
  const codes: number[] = [];
  client.addEventListener("stateChanged", (e) => states.push(e.state));
  client.addEventListener("reply", (e) => codes.push(e.reply.code));
  await client.connect();
  await client.noop();
  await client.close();
  assert.deepEqual(states.slice(0, 4), ["hostLookup", "connecting", "connected", "loggedIn"]);
  assert.equal(codes[0], 220);
  assert.ok(codes.includes(230) && codes.includes(211) && codes.includes(200));
  assert.equal(codes.at(-1), 221);
});

Deno.test("aborting an upload stream whose write is stuck (server not reading): prompt, and later calls stay in step", async () => {
  await using t = await setup({ faults: { dataStallAfterBytes: MiB } });
  for (const how of ["signal", "writer", "client"] as const) {
    const controller = new AbortController();
    const writable = await t.client.upload(`stuck-${how}.bin`, { signal: controller.signal });
    const writer = writable.getWriter();
    const stuck = writer.write(pseudoRandomBytes(16 * MiB)).catch((e) => e);
    // Bounded: the first megabyte moves before the server stops reading.
    await new Promise<void>((resolve) => {
      const check = () => (t.server.commands.includes(`STOR stuck-${how}.bin`)
        ? resolve()
        : setTimeout(check, 10));
      check();
    });
    if (how === "signal") controller.abort();
    else if (how === "writer") await writer.abort(new Error("changed my mind")).catch(() => {});
    else t.client.abort();
    assert.ok((await stuck) instanceof Error);
    // Each of these reads its own reply: the ABOR's replies were all drained first.
    assert.equal(await t.client.pwd(), "/");
    await t.client.noop();
    assert.equal((await t.client.send("SYST")).code, 215);
  }
});

Deno.test("aborting while an upload waits for its final reply (all bytes in socket buffers, server not reading) is prompt", async () => {
  await using t = await setup({ faults: { dataStallAfterBytes: 700_000 } });
  await using dir = await tempDir();
  await Deno.writeFile(`${dir.path}/small.bin`, new Uint8Array(2_000_000).fill(7));
  for (const how of ["client", "signal", "writer"] as const) {
    const controller = new AbortController();
    let outcome: Promise<unknown>;
    if (how === "writer") {
      const writer = (await t.client.upload(`w-${how}.bin`)).getWriter();
      outcome = (async () => {
        for (let i = 0; i < 20; i++) await writer.write(new Uint8Array(100_000));
        await writer.close();
      })().catch((e) => e);
      setTimeout(() => writer.abort(new Error("stop")).catch(() => {}), 300);
    } else {
      outcome = t.client.uploadFrom(`${dir.path}/small.bin`, `w-${how}.bin`, {
        signal: controller.signal,
      })
        .catch((e) => e);
      setTimeout(() => (how === "signal" ? controller.abort() : t.client.abort()), 300);
    }
    // The reply timeout is 30 s: settling at all within the test's time proves it did not wait.
    const error = await outcome;
    assert.ok(error instanceof Error, String(error));
    if (how !== "writer") assert.ok(error instanceof FtpAbortError, String(error));
    assert.equal(await t.client.pwd(), "/");
    assert.equal((await t.client.send("SYST")).code, 215);
  }
});

// Active mode: the server connects, sends a small file, closes, and says
// 226; the client can read that 226 before its accept() returns the data
// connection (seen under load with --local-address, where the control
// connection runs on node:net). The 226 says the connection was made: the
// bytes must be read, not reported as an unexpected reply. The script sends
// 226 before it connects, which makes that order certain.
for (const localAddress of [undefined, "127.0.0.2"]) {
  Deno.test(`active mode${localAddress ? " from a local address" : ""}: a 226 read before the data connection is accepted still delivers the file; a 226 with no connection at all is FtpUnexpectedReplyError`, async () => {
    const body = "late but whole\n";
    let target: { host: string; port: number } | undefined;
    let connect = true;
    await using server = scriptedServer(async (line, io) => {
      const [verb, arg] = line.split(" ");
      if (verb === "EPRT") {
        const [, , host, port] = arg.split("|");
        target = { host, port: Number(port) };
        await io.write("200 EPRT ok\r\n");
        return true;
      }
      if (verb === "TYPE") return await io.write("200 Type set\r\n");
      if (verb === "RETR") {
        await io.write("150 Opening data connection\r\n226 Transfer complete\r\n");
        if (!connect) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
        const data = await Deno.connect({ hostname: target!.host, port: target!.port });
        await data.write(new TextEncoder().encode(body));
        data.close();
        return true;
      }
      return false;
    });
    await using client = await FtpClient.connect({
      port: server.port,
      transferMode: "active",
      localAddress,
      connectTimeout: 2_000,
    });
    assert.equal(await new Response(await client.download("f.txt")).text(), body);
    connect = false;
    const error = await client.download("g.txt").catch((e) => e);
    assert.ok(error instanceof FtpUnexpectedReplyError, String(error));
    assert.equal(error.code, 226);
    // The session is still in step.
    connect = true;
    assert.equal(await new Response(await client.download("f.txt")).text(), body);
  });
}
