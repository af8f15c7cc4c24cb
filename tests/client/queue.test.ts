import assert from "node:assert/strict";
import { FtpAbortError, FtpClient, FtpPermanentError } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { readAll } from "../_helpers.ts";

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
  const sent = server.commands.filter((c) => !/^(FEAT|OPTS|TYPE|EPSV|PASV)/.test(c));
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
