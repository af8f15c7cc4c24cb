import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { FtpAbortError, FtpClient, FtpPermanentError, type FtpProgressEvent } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, readAll, sha256, sha256File, tempDir, text } from "../_helpers.ts";

async function setup() {
  const server = await FtpTestServer.start();
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

const MiB = 1024 * 1024;

Deno.test("upload and download every source and sink kind, bytes intact", async () => {
  await using t = await setup();
  await using dir = await tempDir();
  const data = pseudoRandomBytes(3 * MiB + 17, 3);
  const root = t.server.root;

  assert.equal((await t.client.upload("bytes.bin", data)).bytes, data.length);
  assert.equal(sha256(await Deno.readFile(`${root}/bytes.bin`)), sha256(data));

  await t.client.upload("text.txt", "Grüße\n");
  assert.equal(await Deno.readTextFile(`${root}/text.txt`), "Grüße\n");

  const chunks = [data.subarray(0, 5), data.subarray(5, 70_000), data.subarray(70_000)];
  await t.client.upload("stream.bin", ReadableStream.from(chunks));
  assert.equal(sha256(await Deno.readFile(`${root}/stream.bin`)), sha256(data));

  await Deno.writeFile(`${dir.path}/local.bin`, data);
  await t.client.uploadFrom(`${dir.path}/local.bin`, "from file.bin");
  await t.client.upload("from url.bin", new URL(`file://${dir.path}/local.bin`));
  assert.equal(sha256(await Deno.readFile(`${root}/from file.bin`)), sha256(data));
  assert.equal(sha256(await Deno.readFile(`${root}/from url.bin`)), sha256(data));

  const writable = await t.client.upload("writable.bin");
  const writer = writable.getWriter();
  for (let i = 0; i < data.length; i += 1000) await writer.write(data.subarray(i, i + 1000));
  await writer.close();
  assert.equal(sha256(await Deno.readFile(`${root}/writable.bin`)), sha256(data));

  assert.equal(sha256(await readAll(await t.client.download("bytes.bin"))), sha256(data));
  const result = await t.client.downloadTo("bytes.bin", `${dir.path}/down.bin`);
  assert.equal(result.bytes, data.length);
  assert.match(result.reply, /\S/);
  assert.equal(await sha256File(`${dir.path}/down.bin`), sha256(data));
  const hash = createHash("sha256");
  await t.client.downloadTo("bytes.bin", new WritableStream({ write: (c) => void hash.update(c) }));
  assert.equal(hash.digest("hex"), sha256(data));
});

Deno.test("empty files both ways", async () => {
  await using t = await setup();
  await t.client.upload("empty", new Uint8Array(0));
  assert.equal((await Deno.stat(`${t.server.root}/empty`)).size, 0);
  assert.equal((await readAll(await t.client.download("empty"))).length, 0);
});

Deno.test("downloadTo a local path never leaves a partial file at the final path", async () => {
  await using t = await setup();
  await using dir = await tempDir();
  await Deno.writeFile(`${t.server.root}/big.bin`, pseudoRandomBytes(4 * MiB));
  t.server.faults.dataDropAfterBytes = MiB;
  await assert.rejects(t.client.downloadTo("big.bin", `${dir.path}/big.bin`));
  t.server.faults.dataDropAfterBytes = undefined;
  assert.deepEqual(
    [...Deno.readDirSync(dir.path)],
    [],
    "neither the file nor its temporary remains",
  );
  await assert.rejects(
    t.client.downloadTo("missing.bin", `${dir.path}/missing.bin`),
    FtpPermanentError,
  );
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
  await t.client.downloadTo("big.bin", `${dir.path}/big.bin`);
  assert.equal((await Deno.stat(`${dir.path}/big.bin`)).size, 4 * MiB);
});

Deno.test("resume a download with offset, from a stream and into a local file", async () => {
  await using t = await setup();
  await using dir = await tempDir();
  const data = pseudoRandomBytes(2 * MiB + 5, 9);
  await Deno.writeFile(`${t.server.root}/r.bin`, data);
  const tail = await readAll(await t.client.download("r.bin", { offset: 1000 }));
  assert.equal(sha256(tail), sha256(data.subarray(1000)));
  assert.ok(t.server.commands.includes("REST 1000"));
  // A partial local file, followed by stale bytes that must not survive the resume.
  const partial = new Uint8Array(data.length + 4096).fill(0xee);
  partial.set(data.subarray(0, MiB));
  await Deno.writeFile(`${dir.path}/r.bin`, partial);
  await t.client.downloadTo("r.bin", `${dir.path}/r.bin`, { offset: MiB });
  assert.equal(await sha256File(`${dir.path}/r.bin`), sha256(data));
});

Deno.test("resume an upload with offset (REST+STOR) and append (APPE)", async () => {
  await using t = await setup();
  const data = pseudoRandomBytes(MiB + 3, 4);
  await Deno.writeFile(`${t.server.root}/u.bin`, data.subarray(0, 4000));
  await t.client.upload("u.bin", data.subarray(4000), { offset: 4000 });
  assert.equal(sha256(await Deno.readFile(`${t.server.root}/u.bin`)), sha256(data));
  await t.client.upload("log.txt", "one\n");
  await t.client.upload("log.txt", "two\n", { append: true });
  assert.equal(await Deno.readTextFile(`${t.server.root}/log.txt`), "one\ntwo\n");
  assert.ok(t.server.commands.includes("APPE log.txt"));
});

Deno.test("ASCII type converts LF <-> CRLF both ways; binary leaves bytes alone", async () => {
  await using t = await setup();
  await t.client.upload("a.txt", "line 1\nline 2\r\nline 3\n", { type: "ascii" });
  assert.ok(t.server.commands.includes("TYPE A"));
  // The server stores its local form (LF), having received CRLF on the wire.
  assert.equal(await Deno.readTextFile(`${t.server.root}/a.txt`), "line 1\nline 2\nline 3\n");
  const ascii = await new Response(await t.client.download("a.txt", { type: "ascii" })).text();
  assert.equal(ascii, "line 1\nline 2\nline 3\n");
  const binary = await new Response(await t.client.download("a.txt")).text();
  assert.equal(binary, "line 1\nline 2\nline 3\n");
  assert.ok(t.server.commands.includes("TYPE I"));
});

Deno.test("progress events count every byte, with the announced total", async () => {
  await using t = await setup();
  const data = pseudoRandomBytes(3 * MiB, 5);
  await Deno.writeFile(`${t.server.root}/p.bin`, data);
  const events: FtpProgressEvent[] = [];
  t.client.addEventListener("progress", (e) => events.push(e));
  await readAll(await t.client.download("p.bin"));
  assert.equal(events[0].bytes, 0);
  assert.equal(events.at(-1)!.bytes, data.length);
  assert.ok(events.every((e) => e.total === data.length));
  assert.ok(events.every((e, i) => i === 0 || e.bytes >= events[i - 1].bytes));
  events.length = 0;
  await t.client.upload("q.bin", data);
  assert.equal(events.at(-1)!.bytes, data.length);
  assert.equal(events.at(-1)!.total, data.length);
});

Deno.test("cancelling a download mid-way sends ABOR and the client stays usable", async () => {
  await using t = await setup();
  await Deno.writeFile(`${t.server.root}/big.bin`, pseudoRandomBytes(16 * MiB));
  const stream = await t.client.download("big.bin");
  const reader = stream.getReader();
  const first = await reader.read();
  assert.ok(!first.done && first.value.length > 0);
  await reader.cancel();
  assert.ok(t.server.commands.includes("ABOR"));
  assert.equal(await t.client.pwd(), "/");
  await t.client.upload("after.txt", "still fine");
  assert.equal(await Deno.readTextFile(`${t.server.root}/after.txt`), "still fine");
});

Deno.test("an AbortSignal stops a running transfer with ABOR; the client stays usable", async () => {
  await using t = await setup();
  await using dir = await tempDir();
  await Deno.writeFile(`${t.server.root}/big.bin`, pseudoRandomBytes(64 * MiB));
  const controller = new AbortController();
  t.client.addEventListener("progress", (e) => {
    if (e.bytes > 2 * MiB) controller.abort();
  });
  const error = await t.client.downloadTo("big.bin", `${dir.path}/big.bin`, {
    signal: controller.signal,
  })
    .catch((e) => e);
  assert.ok(error instanceof FtpAbortError, String(error));
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
  assert.ok(t.server.commands.includes("ABOR"));
  assert.equal(await t.client.size("big.bin"), 64 * MiB);
});

Deno.test("aborting an upload stream sends ABOR and keeps the client usable", async () => {
  await using t = await setup();
  const writable = await t.client.upload("partial.bin");
  const writer = writable.getWriter();
  await writer.write(pseudoRandomBytes(MiB));
  await writer.abort(new Error("changed my mind"));
  assert.ok(t.server.commands.includes("ABOR"));
  await t.client.noop();
});

Deno.test("a failing upload source aborts the transfer and surfaces the source's error", async () => {
  await using t = await setup();
  const broken = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(text("some bytes"));
      controller.error(new Error("disk on fire"));
    },
  });
  await assert.rejects(t.client.upload("x.bin", broken), /disk on fire/);
  assert.ok(t.server.commands.includes("ABOR"));
  await t.client.noop();
});

Deno.test("a missing file: 550 with the command, and the queue continues", async () => {
  await using t = await setup();
  const error = await t.client.download("nope.bin").catch((e) => e);
  assert.ok(error instanceof FtpPermanentError);
  assert.equal(error.code, 550);
  assert.equal(error.command, "RETR nope.bin");
  await t.client.noop();
});

Deno.test("downloadTo with resume keeps an interrupted attempt's .ferry-part and continues it", async () => {
  await using t = await setup();
  await using dir = await tempDir();
  const data = pseudoRandomBytes(6 * MiB, 17);
  await Deno.writeFile(`${t.server.root}/r.bin`, data);
  const local = `${dir.path}/r.bin`;
  t.server.faults.dataDropAfterBytes = 2 * MiB;
  await assert.rejects(t.client.downloadTo("r.bin", local, { resume: true }));
  const partial = (await Deno.stat(`${local}.ferry-part`)).size;
  assert.ok(partial > 0 && partial <= 2 * MiB, `kept ${partial} bytes`);
  await assert.rejects(Deno.stat(local), Deno.errors.NotFound, "nothing at the final path yet");
  t.server.faults.dataDropAfterBytes = undefined;
  const result = await t.client.downloadTo("r.bin", local, { resume: true });
  assert.equal(result.bytes, data.length - partial, "only the rest moved");
  assert.ok(t.server.commands.includes(`REST ${partial}`));
  assert.equal(await sha256File(local), sha256(data));
  await assert.rejects(Deno.stat(`${local}.ferry-part`), Deno.errors.NotFound);
  await assert.rejects(
    t.client.downloadTo("r.bin", local, { resume: true, offset: 5 }),
    /either resume/,
  );
});
