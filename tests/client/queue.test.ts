import assert from "node:assert/strict";
import { FtpAbortError, FtpClient, FtpPermanentError, FtpTransientError } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { readAll, tempDir } from "../_helpers.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";

/** Records the QFtp-visible events in the notation of the QFtp documentation. */
function record(client: FtpClient): string[] {
  const log: string[] = [];
  client.addEventListener("commandStarted", (e) => log.push(`start(${e.id})`));
  client.addEventListener("commandFinished", (e) => log.push(`finished(${e.id}, ${!!e.error})`));
  client.addEventListener("stateChanged", (e) => log.push(`stateChanged(${e.state})`));
  client.addEventListener("done", (e) => log.push(`done(${e.error})`));
  return log;
}

Deno.test("queued calls made without awaiting run in order, with events in QFtp's order", async () => {
  await using server = await FtpTestServer.start();
  await Deno.mkdir(`${server.root}/qt`);
  await Deno.writeTextFile(`${server.root}/qt/INSTALL`, "install notes\n".repeat(300));
  const client = new FtpClient({ port: server.port });
  const log = record(client);
  const connected = client.connect(); // ids 1 (connect) and 2 (login)
  const cd = client.cd("qt");
  const get = client.download("INSTALL");
  const text = get.then((stream) => new Response(stream).text());
  const quit = client.quit();
  assert.deepEqual([connected.id, cd.id, get.id, quit.id], [1, 3, 4, 5]);
  assert.equal(client.pending, 5, "nothing starts before the caller yields");
  await Promise.all([connected, cd, quit]);
  assert.equal(await text, "install notes\n".repeat(300));
  assert.deepEqual(log, [
    "start(1)",
    "stateChanged(connecting)",
    "stateChanged(connected)",
    "finished(1, false)",
    "start(2)",
    "stateChanged(loggedIn)",
    "finished(2, false)",
    "start(3)",
    "finished(3, false)",
    "start(4)",
    "finished(4, false)",
    "start(5)",
    "stateChanged(closing)",
    "stateChanged(unconnected)",
    "finished(5, false)",
    "done(false)",
  ]);
  const sent = server.commands.filter((c) => !/^(FEAT|OPTS|TYPE|EPSV|PASV|PWD)/.test(c));
  assert.deepEqual(sent, ["USER anonymous", "PASS ***", "CWD qt", "RETR INSTALL", "QUIT"]);
  await client.close();
});

Deno.test("a failed login ends the batch with done(true) and clears the queue, as QFtp", async () => {
  await using server = await FtpTestServer.start({ anonymous: false });
  const client = new FtpClient({ port: server.port });
  const log = record(client);
  const connected = client.connect();
  const cd = client.cd("x");
  await assert.rejects(connected, FtpPermanentError);
  const error = await cd.catch((e) => e);
  assert.ok(error instanceof FtpAbortError);
  assert.match(error.message, /command #2 \(login\) failed/);
  assert.deepEqual(log, [
    "start(1)",
    "stateChanged(connecting)",
    "stateChanged(connected)",
    "finished(1, false)",
    "start(2)",
    "finished(2, true)",
    "done(true)",
  ]);
  await client.close();
});

Deno.test("with cancelPendingOnError off, a failure does not cancel later calls", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port, cancelPendingOnError: false });
  const results = await Promise.allSettled([
    client.cd("missing"),
    client.mkdir("made"),
    client.pwd(),
  ]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "fulfilled", "fulfilled"]);
  assert.ok((await Deno.stat(`${server.root}/made`)).isDirectory);
});

Deno.test("many calls fired at once reach the server in call order", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  const calls = [];
  for (let i = 0; i < 20; i++) {
    calls.push(client.mkdir(`d${i}`));
    calls.push(client.upload(`d${i}/f`, `file ${i}`));
  }
  const ids = calls.map((c) => c.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  await Promise.all(calls);
  const mkds = server.commands.filter((c) => c.startsWith("MKD ") || c.startsWith("STOR "));
  assert.deepEqual(
    mkds,
    Array.from({ length: 20 }, (_, i) => [`MKD d${i}`, `STOR d${i}/f`]).flat(),
  );
  for (let i = 0; i < 20; i++) {
    assert.equal(await Deno.readTextFile(`${server.root}/d${i}/f`), `file ${i}`);
  }
});

Deno.test("clearPending rejects queued calls without events; the running one finishes", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  await Deno.writeTextFile(`${server.root}/f.txt`, "hello");
  const started: number[] = [];
  client.addEventListener("commandStarted", (e) => started.push(e.id));
  const stream = await client.download("f.txt"); // holds the queue until read
  const queued = [client.noop(), client.pwd(), client.mkdir("never")];
  assert.equal(client.pending, 3);
  assert.equal(client.currentCommand?.command, "download");
  client.clearPending();
  for (const call of queued) assert.ok((await call.catch((e) => e)) instanceof FtpAbortError);
  assert.equal(new TextDecoder().decode(await readAll(stream)), "hello");
  await client.noop();
  assert.ok(!started.some((id) => queued.some((q) => q.id === id)));
  await assert.rejects(Deno.stat(`${server.root}/never`));
});

Deno.test("abort() stops the running transfer with ABOR, clears the queue, keeps the connection", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  await Deno.writeFile(`${server.root}/big.bin`, new Uint8Array(32 << 20));
  const stream = await client.download("big.bin");
  const queued = client.noop();
  const reader = stream.getReader();
  await reader.read();
  client.abort();
  await assert.rejects(reader.read(), FtpAbortError);
  assert.ok((await queued.catch((e) => e)) instanceof FtpAbortError);
  assert.equal(client.state, "loggedIn");
  assert.equal(await client.pwd(), "/");
  assert.ok(server.commands.includes("ABOR"));
});

Deno.test("an AbortSignal removes a queued call before it runs", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  await Deno.writeTextFile(`${server.root}/f.txt`, "x");
  const stream = await client.download("f.txt");
  const controller = new AbortController();
  const removal = client.remove("f.txt", { signal: controller.signal });
  controller.abort();
  assert.ok((await removal.catch((e) => e)) instanceof FtpAbortError);
  await readAll(stream);
  await client.noop();
  assert.ok(!server.commands.includes("DELE f.txt"));
  assert.equal(await Deno.readTextFile(`${server.root}/f.txt`), "x");
});

Deno.test("a transfer whose signal aborts as it starts sends nothing (its module may still be loading)", async () => {
  await using server = await FtpTestServer.start();
  await using dir = await tempDir();
  await Deno.writeTextFile(`${server.root}/f.txt`, "x".repeat(1000));
  await using client = await FtpClient.connect({ port: server.port });
  const calls: [string, (signal: AbortSignal) => Promise<unknown>][] = [
    ["download", (signal) => client.download("f.txt", { signal })],
    ["downloadTo", (signal) => client.downloadTo("f.txt", `${dir.path}/f.txt`, { signal })],
    ["upload", (signal) => client.upload("up.txt", "data", { signal })],
    ["uploadCommand", (signal) => client.uploadCommand("STOR up2.txt", { signal })],
    ["downloadCommand", (signal) => client.downloadCommand("RETR f.txt", { signal })],
    ["list", (signal) => client.list("", { signal })],
  ];
  for (const [name, call] of calls) {
    const controller = new AbortController();
    const onStart = () => controller.abort();
    client.addEventListener("commandStarted", onStart, { once: true });
    const sentBefore = server.commands.length;
    const error = await call(controller.signal).catch((e) => e);
    assert.ok(error instanceof FtpAbortError, `${name}: ${error}`);
    await client.noop(); // Still in step.
    const sent = server.commands.slice(sentBefore).filter((c) => c !== "NOOP");
    assert.deepEqual(sent, [], `${name} sent ${sent.join(", ")}`);
  }
  assert.equal(await Deno.stat(`${dir.path}/f.txt`).then(() => true, () => false), false);
  assert.equal(await Deno.stat(`${server.root}/up.txt`).then(() => true, () => false), false);
});

Deno.test("close() with a transfer in progress rejects what is queued and drops the connection", async () => {
  await using server = await FtpTestServer.start();
  const client = await FtpClient.connect({ port: server.port });
  await Deno.writeFile(`${server.root}/big.bin`, new Uint8Array(8 << 20));
  const stream = await client.download("big.bin");
  const queued = client.pwd().catch((e) => e);
  await client.close();
  assert.ok((await queued) instanceof FtpAbortError);
  await assert.rejects(readAll(stream));
  assert.equal(client.state, "unconnected");
});

// ---- A call made after a caught failure runs (issue 11, point 3) ----------
//
// QFtp's rule cancels what was queued when a command failed, nothing more:
// the caller who handled the error may go on with the same client. These run
// with the default options (cancelPendingOnError on).

type FailingCall = (client: FtpClient, dir: string) => Promise<unknown>;

const FAILING_CALLS: Record<string, FailingCall> = {
  cd: (client) => client.cd("no-such-dir"),
  size: (client) => client.size("no-such-file"),
  download: (client) => client.download("no-such-file"),
  downloadTo: (client, dir) => client.downloadTo("no-such-file", `${dir}/out.bin`),
};

/** What the caller can see about the client at one moment. */
function snapshot(client: FtpClient) {
  return {
    lastError: client.lastError,
    currentCommand: client.currentCommand,
    pending: client.pending,
  };
}

for (const [name, fail] of Object.entries(FAILING_CALLS)) {
  Deno.test(`after a failed ${name}: a call from its catch, its .then and the next line runs`, async () => {
    await using server = await FtpTestServer.start();
    await using dir = await tempDir();
    await using client = await FtpClient.connect({ port: server.port });

    // 1. From the catch block, with the state checked there.
    let seen: ReturnType<typeof snapshot> | undefined;
    let caught: unknown;
    let fromCatch: string | undefined;
    try {
      await fail(client, dir.path);
    } catch (error) {
      caught = error;
      seen = snapshot(client);
      fromCatch = await client.pwd();
    }
    assert.ok(caught instanceof FtpPermanentError, String(caught));
    assert.equal(fromCatch, "/");
    assert.equal(seen?.lastError, caught, "lastError is the failure inside the catch");
    assert.equal(seen?.currentCommand, undefined, "the failed call is no longer current");
    assert.equal(seen?.pending, 0);

    // 2. From a .then on the rejection.
    const fromThen = await fail(client, dir.path).then(() => "resolved?", () => client.pwd());
    assert.equal(fromThen, "/");

    // 3. The next line after an await that swallowed the error.
    await fail(client, dir.path).catch(() => {});
    assert.equal(await client.pwd(), "/");
    await client.mkdir("made");
    assert.ok((await Deno.stat(`${server.root}/made`)).isDirectory);
    assert.equal(client.lastError, undefined);
    await assert.rejects(Deno.stat(`${dir.path}/out.bin`), Deno.errors.NotFound);
  });
}

Deno.test("a failure still cancels the calls that were queued when it happened", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  const failing = client.cd("no-such-dir");
  const queued = [client.mkdir("never"), client.pwd()].map((call) => call.catch((e) => e));
  await failing.catch(() => client.mkdir("after"));
  for (const call of queued) {
    const error = await call;
    assert.ok(error instanceof FtpAbortError, String(error));
    assert.match(error.message, new RegExp(`command #${failing.id} \\(cd\\) failed`));
  }
  assert.ok((await Deno.stat(`${server.root}/after`)).isDirectory);
  await assert.rejects(Deno.stat(`${server.root}/never`), Deno.errors.NotFound);
  assert.ok(!server.commands.includes("MKD never"));
});

Deno.test("a download stream that fails mid-transfer: a call from the reader's catch runs", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  await Deno.writeFile(`${server.root}/d.bin`, new Uint8Array(4 << 20));
  server.faults.dataDropAfterBytes = 1 << 20;
  const downloading = client.download("d.bin");
  // Queued behind the stream, so pending when it fails: cancelled.
  const queued = client.pwd().catch((e) => e);
  const reader = (await downloading).getReader();
  let seen: ReturnType<typeof snapshot> | undefined;
  let fromCatch: string | undefined;
  try {
    // Bounded: the server cuts the transfer after 1 MiB.
    while (!(await reader.read()).done);
    assert.fail("the stream should fail");
  } catch (error) {
    assert.ok(error instanceof FtpTransientError, String(error));
    seen = snapshot(client);
    fromCatch = await client.pwd();
  }
  assert.equal(fromCatch, "/");
  assert.ok(seen?.lastError instanceof FtpTransientError);
  assert.equal(seen?.currentCommand, undefined);
  assert.equal(seen?.pending, 0);
  assert.ok((await queued) instanceof FtpAbortError);
});

Deno.test("a listing stream that fails: a call from the reader's catch runs", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  await Deno.mkdir(`${server.root}/d`);
  // A long listing, cut by the server after 64 KiB: the listing ends with 426.
  server.faults.listing = () =>
    Array.from({ length: 20_000 }, (_, i) => `-rw-r--r-- 1 u g 1 Jan 01 2024 file-${i}`);
  server.faults.dataDropAfterBytes = 64 << 10;
  const stream = await client.listStream("d");
  let fromCatch: string | undefined;
  let caught: unknown;
  try {
    for await (const _ of stream);
  } catch (error) {
    caught = error;
    assert.equal(client.lastError, error);
    assert.equal(client.currentCommand, undefined);
    fromCatch = await client.pwd();
  }
  assert.ok(caught instanceof Error, "the listing should fail");
  assert.equal(fromCatch, "/");
});

Deno.test("an upload stream whose server refuses the data: a call from the writer's catch runs", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  server.faults.dataDropAfterBytes = 1 << 20;
  const writer = (await client.upload("u.bin")).getWriter();
  let fromCatch: string | undefined;
  let caught: unknown;
  try {
    // Bounded: the server cuts the transfer after 1 MiB.
    for (let i = 0; i < 64; i++) await writer.write(new Uint8Array(1 << 20));
    await writer.close();
  } catch (error) {
    caught = error;
    assert.equal(client.lastError, error);
    assert.equal(client.currentCommand, undefined);
    fromCatch = await client.pwd();
  }
  assert.ok(caught instanceof Error, "the upload should fail");
  assert.equal(fromCatch, "/");
});

Deno.test("every event of a call fires before its promise settles, quit included", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/f.txt`, "hello");
  const client = new FtpClient({ port: server.port });
  const log = record(client);
  const atSettle = (request: Promise<unknown>) => request.then(() => [...log], () => [...log]);
  const connected = await atSettle(client.connect());
  assert.deepEqual(connected.slice(-2), ["finished(2, false)", "done(false)"]);
  const pwd = client.pwd();
  assert.deepEqual((await atSettle(pwd)).slice(-2), [`finished(${pwd.id}, false)`, "done(false)"]);
  const cd = client.cd("no-such-dir");
  assert.deepEqual((await atSettle(cd)).slice(-2), [`finished(${cd.id}, true)`, "done(true)"]);
  const size = client.size("f.txt");
  const noop = client.noop();
  assert.deepEqual((await atSettle(size)).slice(-2), [
    `finished(${size.id}, false)`,
    `start(${noop.id})`,
  ]);
  assert.deepEqual((await atSettle(noop)).slice(-2), [
    `finished(${noop.id}, false)`,
    "done(false)",
  ]);
  const quit = client.quit();
  assert.deepEqual((await atSettle(quit)).slice(-4), [
    "stateChanged(closing)",
    "stateChanged(unconnected)",
    `finished(${quit.id}, false)`,
    "done(false)",
  ]);
  await client.close();
});

Deno.test("with cancelPendingOnError off, the catch sees the next call running and lastError reset, as QFtp", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port, cancelPendingOnError: false });
  let atFinish: Error | undefined;
  const failing = client.cd("no-such-dir");
  client.addEventListener("commandFinished", (e) => {
    if (e.id === failing.id) atFinish = client.lastError;
  });
  const next = client.pwd();
  let seen: ReturnType<typeof snapshot> | undefined;
  const error = await failing.catch((e) => {
    seen = snapshot(client);
    return e;
  });
  assert.ok(error instanceof FtpPermanentError);
  assert.equal(atFinish, error, "commandFinished sees the error in lastError");
  // The next command started as the failed one finished (QFtp resets the error then).
  assert.deepEqual(seen, {
    lastError: undefined,
    currentCommand: { id: next.id, command: "pwd" },
    pending: 0,
  });
  assert.equal(await next, "/");
});

Deno.test({
  name: "vsftpd: after each failed cd, size, download and downloadTo, a call from the catch runs",
  ignore: vsftpd.ignore,
  async fn() {
    await using server = await startVsftpd();
    await using dir = await tempDir();
    await using client = await FtpClient.connect(server.url);
    for (const [name, fail] of Object.entries(FAILING_CALLS)) {
      let fromCatch: string | undefined;
      try {
        await fail(client, dir.path);
      } catch (error) {
        assert.ok(error instanceof FtpPermanentError, `${name}: ${error}`);
        assert.equal(client.lastError, error, name);
        assert.equal(client.currentCommand, undefined, name);
        fromCatch = await client.pwd();
      }
      assert.equal(fromCatch, "/pub", name);
    }
  },
});
