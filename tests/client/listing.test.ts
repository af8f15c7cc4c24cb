import assert from "node:assert/strict";
import {
  FtpAbortError,
  FtpClient,
  FtpInputError,
  FtpLimitError,
  type WalkEntry,
} from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { flatness, LIVE_MEMORY_FLAGS } from "../_live_memory.ts";

const MiB = 1024 * 1024;

/** `count` MLSD lines with 100-character names, produced lazily. */
function* hugeMlsd(count: number): Generator<string> {
  const pad = "x".repeat(90);
  for (let i = 0; i < count; i++) {
    yield `type=file;size=${i % 1000};modify=20260102030405;perm=r; ${pad}${
      String(i).padStart(10, "0")
    }`;
  }
}

async function streamInChild(
  port: number,
  keepEvery = 0,
): Promise<{ entries: number; bytes: number; kept: number; samples: number[] }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...LIVE_MEMORY_FLAGS,
      new URL("./_listing_child.ts", import.meta.url).pathname,
      String(port),
      String(keepEvery),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/**
 * Kept as entries, the 2,000,000-line listing (286 MiB of text) would take
 * gigabytes; streamed, what stays alive is the stream's small buffers. The
 * bounds are on memory alive after forced collections every 100,000 entries,
 * so the collector's timing cannot move them.
 */
const LISTING_BOUNDS = { growth: 8 * MiB, level: 48 * MiB };

Deno.test("listStream: 2,000,000 entries in constant memory, not growing with the listing", async () => {
  await using server = await FtpTestServer.start();
  const count = 2_000_000;
  server.faults.listing = (r) => (r.path === "/huge" ? hugeMlsd(count) : undefined);
  const result = await streamInChild(server.port);
  assert.equal(result.entries, count);
  assert.equal(result.bytes, (999 * 1000 / 2) * (count / 1000), "every size parsed");
  assert.equal(result.samples.length, 21);
  const { ok, message } = flatness(result.samples, LISTING_BOUNDS);
  assert.ok(ok, message);
});

Deno.test("listStream memory measurement: a reader that keeps entries is seen growing", async () => {
  // The control for the test above: the same measurement, with every 10th
  // entry kept alive, must fail the same bounds.
  await using server = await FtpTestServer.start();
  const count = 300_000;
  server.faults.listing = (r) => (r.path === "/huge" ? hugeMlsd(count) : undefined);
  const result = await streamInChild(server.port, 10);
  assert.equal(result.kept, count / 10);
  const { ok, message } = flatness(result.samples, LISTING_BOUNDS);
  assert.ok(!ok, `kept ${result.kept} entries, yet ${message}`);
});

Deno.test("a listing over the byte cap stops with FtpLimitError and ABOR; the client stays usable", async () => {
  await using server = await FtpTestServer.start();
  server.faults.listing = () => hugeMlsd(100_000);
  await using client = await FtpClient.connect({ port: server.port, maxListingBytes: MiB });
  const error = await client.list().catch((e) => e);
  assert.ok(error instanceof FtpLimitError, String(error));
  assert.equal(error.limit, "maxListingBytes");
  assert.match(error.message, /raise maxListingBytes/);
  const streamed = await client.listStream("/", { maxBytes: 2 * MiB });
  let seen = 0;
  await assert.rejects(async () => {
    for await (const _ of streamed) seen++;
  }, FtpLimitError);
  assert.ok(seen > 1000 && seen < 100_000);
  server.faults.listing = undefined;
  assert.deepEqual(await client.list(), []);
  assert.ok(server.commands.includes("ABOR"));
  await assert.rejects(client.list("/", { maxBytes: 0 }), FtpInputError);
});

Deno.test("listStream: breaking out early aborts the listing and frees the queue", async () => {
  await using server = await FtpTestServer.start();
  server.faults.listing = () => hugeMlsd(200_000);
  await using client = await FtpClient.connect({ port: server.port });
  let seen = 0;
  for await (const _ of await client.listStream()) {
    if (++seen === 10) break;
  }
  assert.equal(await client.pwd(), "/");
  assert.ok(server.commands.includes("ABOR"));
  const controller = new AbortController();
  const stream = await client.listStream("/", { signal: controller.signal });
  const reader = stream.getReader();
  await reader.read();
  controller.abort();
  await assert.rejects(reader.read());
  assert.equal(await client.pwd(), "/");
});

async function tree(root: string): Promise<void> {
  await Deno.mkdir(`${root}/a/b/c`, { recursive: true });
  await Deno.writeTextFile(`${root}/a/one.txt`, "1");
  await Deno.writeTextFile(`${root}/a/b/two.txt`, "22");
  await Deno.writeTextFile(`${root}/a/b/c/three.txt`, "333");
  await Deno.mkdir(`${root}/a/.hidden`);
  await Deno.mkdir(`${root}/elsewhere`);
  await Deno.writeTextFile(`${root}/elsewhere/linked.txt`, "l");
  await Deno.symlink("../elsewhere", `${root}/a/link-dir`);
  await Deno.symlink("..", `${root}/a/b/loop`);
}

const paths = (entries: WalkEntry[]) => entries.map((e) => `${e.depth}:${e.path}:${e.type}`);

Deno.test("walk: depth first, each entry before its content, with maxDepth and filter", async () => {
  for (const disabledCommands of [[], ["MLSD", "MLST"]]) {
    await using server = await FtpTestServer.start({ disabledCommands });
    await tree(server.root);
    await using client = await FtpClient.connect({ port: server.port });
    const all = (await Array.fromAsync(client.walk("a"))).sort((x, y) =>
      x.path.localeCompare(y.path)
    );
    assert.deepEqual(paths(all), [
      "0:a/.hidden:directory",
      "0:a/b:directory",
      "1:a/b/c:directory",
      "2:a/b/c/three.txt:file",
      "1:a/b/loop:symlink",
      "1:a/b/two.txt:file",
      "0:a/link-dir:symlink",
      "0:a/one.txt:file",
    ], String(disabledCommands));
    const walked = await Array.fromAsync(client.walk("a"));
    const index = (p: string) => walked.findIndex((e) => e.path === p);
    assert.ok(index("a/b") < index("a/b/c") && index("a/b/c") < index("a/b/c/three.txt"));
    const shallow = await Array.fromAsync(client.walk("/a", { maxDepth: 0 }));
    assert.ok(shallow.every((e) => e.depth === 0 && e.path.startsWith("/a/")));
    const visible = await Array.fromAsync(
      client.walk("a", { filter: (e) => !e.name.startsWith(".") && e.name !== "b" }),
    );
    assert.deepEqual(visible.map((e) => e.name).sort(), ["link-dir", "one.txt"]);
  }
});

Deno.test("walk: followSymlinks enters linked directories and stops at loops", async () => {
  await using server = await FtpTestServer.start({ disabledCommands: ["MLSD", "MLST"] });
  await tree(server.root);
  await using client = await FtpClient.connect({ port: server.port });
  const warnings: string[] = [];
  client.addEventListener("warning", (e) => warnings.push(e.message));
  const walked = await Array.fromAsync(client.walk("/a", { followSymlinks: true }));
  const found = walked.map((e) => e.path);
  assert.ok(found.includes("/a/link-dir/linked.txt"), found.join(" "));
  assert.ok(!found.some((p) => p.startsWith("/a/b/loop/")), "the loop back to /a is not entered");
  assert.ok(warnings.some((w) => w.includes("/a/b/loop")), warnings.join("\n"));
});

const HOSTILE = [
  "../escape.txt",
  "/etc/passwd",
  "a/../../b",
  "..\\win.txt",
  "C:boot.ini",
  "nul\0byte",
  "cr\ronly",
  "..",
  ".",
];

function hostileListing(verb: string): string[] {
  const mlsd = HOSTILE.map((name) => `type=file;size=1; ${name}`);
  const list = HOSTILE.map((name) => `-rw-r--r-- 1 u g 1 Jan 01 2026 ${name}`);
  const lines = verb === "MLSD" ? mlsd : list;
  return [
    ...lines,
    verb === "MLSD" ? "type=file;size=4; good.txt" : "-rw-r--r-- 1 u g 4 Jan 01 2026 good.txt",
  ];
}

Deno.test("walk never yields a name that could escape its directory; each is a warning", async () => {
  for (const disabledCommands of [[], ["MLSD", "MLST"]]) {
    await using server = await FtpTestServer.start({ disabledCommands });
    server.faults.listing = (r) => (r.path === "/evil" ? hostileListing(r.verb) : undefined);
    await Deno.mkdir(`${server.root}/evil`);
    await using client = await FtpClient.connect({ port: server.port });
    const warnings: string[] = [];
    client.addEventListener("warning", (e) => warnings.push(e.message));
    const walked = await Array.fromAsync(client.walk("/evil"));
    assert.deepEqual(walked.map((e) => e.path), ["/evil/good.txt"], String(disabledCommands));
    // "." and ".." are not entries at all; every other hostile name is reported.
    assert.ok(warnings.length >= HOSTILE.length - 2 - 1, warnings.join("\n"));
    for (const entry of walked) assert.ok(!/[\\/\0\r\n]/.test(entry.name));
  }
});

Deno.test("recursive rmdir under a hostile listing deletes nothing outside the directory", async () => {
  await using server = await FtpTestServer.start();
  const root = server.root;
  await Deno.mkdir(`${root}/evil`);
  await Deno.writeTextFile(`${root}/evil/good.txt`, "x");
  await Deno.writeTextFile(`${root}/escape.txt`, "must survive");
  await Deno.mkdir(`${root}/b`);
  server.faults.listing = (r) => (r.path === "/evil" ? hostileListing(r.verb) : undefined);
  await using client = await FtpClient.connect({ port: server.port });
  const warnings: string[] = [];
  client.addEventListener("warning", (e) => warnings.push(e.message));
  await client.rmdir("evil", { recursive: true }).catch(() => {});
  assert.equal(await Deno.readTextFile(`${root}/escape.txt`), "must survive");
  assert.ok((await Deno.stat(`${root}/b`)).isDirectory);
  assert.ok(
    !server.commands.some((c) => /^DELE .*(\.\.|\/etc|C:)/.test(c)),
    server.commands.join("\n"),
  );
  assert.ok(server.commands.includes("DELE evil/good.txt"));
  assert.ok(warnings.length > 0);
});

Deno.test("encoding: names in Latin-1 are read and sent in Latin-1", async () => {
  const latin1 = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
  await using server = await FtpTestServer.start({ disabledCommands: ["MLSD", "MLST"] });
  server.faults.listing = () => [latin1("-rw-r--r-- 1 u g 5 Jan 01 2026 café.txt")];
  await using client = await FtpClient.connect({ port: server.port, encoding: "latin1" });
  const [entry] = await client.list();
  assert.equal(entry.name, "café.txt");
  assert.equal(entry.size, 5);
  const before = server.commands.length;
  await assert.rejects(client.remove("東京.txt"), FtpInputError, "refused before sending");
  assert.equal(server.commands.length, before);
  // The embedded server reads commands as UTF-8: a Latin-1 é arrives as one invalid byte.
  await client.send("SIZE café.txt");
  assert.equal(server.commands.at(-1), "SIZE caf\ufffd.txt");
  assert.throws(() => new FtpClient({ encoding: "no-such-encoding" }), FtpInputError);
});

Deno.test("an aborted walk stops between directories", async () => {
  await using server = await FtpTestServer.start();
  await tree(server.root);
  await using client = await FtpClient.connect({ port: server.port });
  const controller = new AbortController();
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const entry of client.walk("a", { signal: controller.signal })) {
      seen.push(entry.path);
      controller.abort(new FtpAbortError("enough"));
    }
  }, FtpAbortError);
  assert.ok(seen.length < 8);
  await client.noop();
});
