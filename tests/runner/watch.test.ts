// Watch mode in-process (watchTask) against the embedded server: local
// edits, new files and folders, and deletions reach the server's disk
// within a bounded time, each batch planned for its changed paths only;
// deletions only with delete: true; atomic steps commit a batch together;
// idle connections are kept alive, and replaced when the server dropped
// them; a failed batch is retried with the next change. Every wait is an
// upper bound (WAIT_MS), polled.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { treeOf, writeTree } from "../cli/_ferry.ts";
import { startWatch, waitUntil, type WatchSession } from "./_watch.ts";

const SYNC = "  - sync: { direction: up, local: site, remote: www, delete: true }\n";

/** A whole second, for files whose versions must fall within it. */
const SECOND = Date.UTC(2026, 0, 1, 12);

/** Waits until the server's copy matches the local folder. */
async function follows(local: string, remote: string, what: string): Promise<void> {
  let last = "";
  await waitUntil(async () => {
    const [l, r] = [await treeOf(local), await treeOf(remote).catch(() => ({}))];
    last = `local ${JSON.stringify(Object.keys(l))}\nremote ${JSON.stringify(Object.keys(r))}`;
    return JSON.stringify(l) === JSON.stringify(r);
  }, `${what}\n${last}`);
}

/** The actions of the batches after the first `from`. */
function actionsSince(watch: WatchSession, from: number) {
  return watch.batches().slice(from).flatMap((b) => b.steps.flatMap((s) => s.actions));
}

Deno.test("watch: edits, new files, a new folder and deletions reach the server; each batch plans its changed paths only", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, {
    "site/index.html": "<h1>v1</h1>",
    "site/css/a.css": "a{}",
    "site/css/b.css": "b{}",
    "site/img/logo.svg": "<svg/>",
    "site/old/x.txt": "x",
    "site/old/y.txt": "y",
  });
  const site = join(dir.path, "site");
  const www = join(server.root, "www");
  await using watch = await startWatch(dir.path, `url: "${server.url}", parallel: 2`, SYNC);
  assert.deepEqual(await treeOf(www), await treeOf(site), "the initial run");

  // An edit: one upload, and the listings of the directories on its way only.
  const commands = server.commands.length;
  await Deno.writeTextFile(join(site, "css/a.css"), "a{color:red}");
  const batch = await watch.nextBatch(0);
  assert.ok(batch.ok, JSON.stringify(batch));
  assert.deepEqual(
    batch.steps[0].actions.map((a) => [a.action, a.path, a.result]),
    [["upload", "www/css/a.css", "ok"]],
  );
  const listed = server.commands.slice(commands).filter((c) => /^(MLSD|LIST|NLST)/.test(c));
  assert.deepEqual(listed.sort(), ["MLSD www", "MLSD www/css"]);
  await follows(site, www, "the edit");

  // New files, and a new folder whose files were written before any watch on it.
  const before = watch.batches().length;
  await writeTree(site, { "fresh.html": "f", "new/m.txt": "m", "new/deep/n.txt": "n" });
  await follows(site, www, "the new files and folders");
  const uploads = () => actionsSince(watch, before).filter((a) => a.action === "upload");
  await waitUntil(() => uploads().length >= 3, "the batch reported");
  const made = uploads();
  assert.deepEqual(
    made.map((a) => a.path).sort(),
    ["www/fresh.html", "www/new/deep/n.txt", "www/new/m.txt"],
  );

  // A removed file and a removed folder: deleted (delete: true).
  await Deno.remove(join(site, "old"), { recursive: true });
  await Deno.remove(join(site, "css/b.css"));
  const deletedFrom = watch.batches().length;
  await follows(site, www, "the deletions");
  const deletions = () =>
    actionsSince(watch, deletedFrom).filter((a) => a.action === "delete" || a.action === "rmdir");
  await waitUntil(() => deletions().length === 4, "the deletions reported");
  const summary = await watch.stop();
  assert.equal(summary.batches, watch.batches().length);
  assert.equal(summary.failedBatches, 0);
  assert.ok(watch.batches().every((b) => b.ok));
  assert.equal(watch.events.at(-1)?.type, "stopped");
});

Deno.test("watch: without delete: true a removed file stays on the server (sync and put)", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, {
    "site/a.txt": "a",
    "site/b.txt": "b1",
    "assets/p.css": "p",
    "assets/q.css": "q1",
  });
  await using watch = await startWatch(
    dir.path,
    `url: "${server.url}", parallel: 2`,
    "  - sync: { direction: up, local: site, remote: www }\n" +
      "  - put: { from: assets, to: static/ }\n",
  );
  await Deno.remove(join(dir.path, "site/a.txt"));
  await Deno.remove(join(dir.path, "assets/p.css"));
  await Deno.writeTextFile(join(dir.path, "site/b.txt"), "b2");
  await Deno.writeTextFile(join(dir.path, "assets/q.css"), "q2");
  await waitUntil(async () => {
    const b = await Deno.readTextFile(join(server.root, "www/b.txt"));
    const q = await Deno.readTextFile(join(server.root, "static/q.css"));
    return b === "b2" && q === "q2";
  }, "the edits");
  assert.equal(await Deno.readTextFile(join(server.root, "www/a.txt")), "a");
  assert.equal(await Deno.readTextFile(join(server.root, "static/p.css")), "p");
  assert.ok(!server.commands.some((c) => c.startsWith("DELE")), server.commands.join("\n"));
  assert.ok(!actionsSince(watch, 0).some((a) => a.action === "delete"), "no delete planned");
});

Deno.test("watch: an atomic step renames a batch's files into place only after all are uploaded; a failed upload commits none, and the next change retries it", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const names = ["f1", "f2", "f3", "f4", "f5"].map((n) => `${n}.txt`);
  let versions = 0;
  const write = async (version: string, which = names) => {
    await writeTree(
      join(dir.path, "site"),
      Object.fromEntries(which.map((n) => [n, `${n} ${version}`])),
    );
    // Every version the same size and within one second: only what watch
    // mode remembers of each upload tells them apart, not the server's times.
    const time = new Date(SECOND + 100 * ++versions);
    for (const n of which) await Deno.utime(join(dir.path, "site", n), time, time);
  };
  await write("v1");
  const www = join(server.root, "www");
  const onServer = async () => {
    const out: Record<string, string> = {};
    for (const n of names) out[n] = await Deno.readTextFile(join(www, n));
    return out;
  };
  await using watch = await startWatch(
    dir.path,
    `url: "${server.url}", parallel: 3`,
    "  - sync: { direction: up, local: site, remote: www, atomic: true }\n",
  );

  // Every upload of the batch comes before its first rename.
  let mark = server.commands.length;
  await write("v2");
  assert.ok((await watch.nextBatch(0)).ok);
  await follows(join(dir.path, "site"), www, "v2");
  let log = server.commands.slice(mark);
  const lastStore = log.findLastIndex((c) => c.startsWith("STOR"));
  const firstRename = log.findIndex((c) => c.startsWith("RNTO"));
  assert.ok(lastStore !== -1 && firstRename > lastStore, log.join("\n"));
  assert.equal(log.filter((c) => c.startsWith("RNTO")).length, names.length, log.join("\n"));

  // One upload refused: the batch fails and renames nothing; v2 stays whole.
  server.faults.onCommand = (c) =>
    c.verb === "STOR" && c.argument.startsWith("www/f3.txt")
      ? { reply: "553 Could not create file.\r\n" }
      : undefined;
  const failedAt = watch.batches().length;
  mark = server.commands.length;
  await write("v3");
  const failed = await watch.nextBatch(failedAt, "the failing batch");
  assert.equal(failed.ok, false);
  assert.equal(failed.totals.failed, 1, JSON.stringify(failed.steps[0].actions));
  log = server.commands.slice(mark);
  assert.ok(!log.some((c) => /^RN(FR|TO)/.test(c)), log.join("\n"));
  assert.deepEqual(
    await onServer(),
    Object.fromEntries(names.map((n) => [n, `${n} v2`])),
    "no file of the batch replaced",
  );

  // The next change (of another file only) retries the failed batch's files too.
  server.faults = {};
  await write("v4", ["f1.txt"]);
  const retry = await watch.nextBatch(failedAt + 1, "the retry");
  assert.ok(retry.ok, JSON.stringify(retry));
  await follows(join(dir.path, "site"), www, "the retry");
  assert.equal((await watch.stop()).failedBatches, 1);
});

Deno.test("watch: a same-size edit within the second of the last upload is sent, where size and time cannot tell it", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const page = join(dir.path, "site/index.html");
  await writeTree(dir.path, { "site/index.html": "<h1>v1</h1>" });
  await Deno.utime(page, new Date(SECOND + 100), new Date(SECOND + 100));
  await using watch = await startWatch(dir.path, `url: "${server.url}", parallel: 2`, SYNC);
  await Deno.writeTextFile(page, "<h1>v2</h1>");
  await Deno.utime(page, new Date(SECOND + 600), new Date(SECOND + 600));
  const batch = await watch.nextBatch(0);
  assert.deepEqual(
    batch.steps[0].actions.map((a) => [a.action, a.reason, a.result]),
    [["upload", "changed since sent", "ok"]],
  );
  assert.equal(await Deno.readTextFile(join(server.root, "www/index.html")), "<h1>v2</h1>");
  // A touch that changes nothing is up to date: the identity is the one sent.
  await Deno.utime(page, new Date(SECOND + 600), new Date(SECOND + 600));
  const touched = await watch.nextBatch(1);
  assert.deepEqual(touched.steps[0].actions.map((a) => [a.action, a.result]), [[
    "skip",
    "skipped",
  ]]);
});

Deno.test("watch: NOOPs keep idle connections past the server's idle timeout", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ idleTimeoutMs: 1_000 });
  await writeTree(dir.path, { "site/a.txt": "a1" });
  await using watch = await startWatch(dir.path, `url: "${server.url}", parallel: 2`, SYNC, {
    watch: { keepAliveMs: 250 },
  });
  const open = server.sessionCount;
  const logins = server.commands.filter((c) => c.startsWith("USER")).length;
  assert.ok(open >= 1);
  // Idle for more than twice the server's idle timeout.
  await new Promise((r) => setTimeout(r, 2_500));
  // The server timed none of them out.
  assert.equal(server.sessionCount, open, "every connection still open");
  await Deno.writeTextFile(join(dir.path, "site/a.txt"), "a2");
  const batch = await watch.nextBatch(0);
  assert.ok(batch.ok, JSON.stringify(batch));
  assert.equal(await Deno.readTextFile(join(server.root, "www/a.txt")), "a2");
  // A batch may open the pool's second connection (directories are listed
  // over the pool), never a replacement for one the server dropped.
  const after = server.commands.filter((c) => c.startsWith("USER")).length;
  assert.ok(after - logins <= 2 - open, `${after - logins} new logins with ${open} kept open`);
  assert.ok(server.commands.filter((c) => c === "NOOP").length >= 4);
  assert.ok(!watch.events.some((e) => e.type === "dropped"));
});

Deno.test("watch: a connection the server drops on NOOP is found, and the next batch opens a fresh one", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/a.txt": "a1" });
  await using watch = await startWatch(dir.path, `url: "${server.url}", parallel: 2`, SYNC, {
    watch: { keepAliveMs: 200 },
  });
  server.faults.onCommand = (c) => c.verb === "NOOP" ? { drop: true } : undefined;
  await waitUntil(() => watch.events.some((e) => e.type === "dropped"), "a drop found");
  server.faults = {};
  const logins = server.commands.filter((c) => c.startsWith("USER")).length;
  await Deno.writeTextFile(join(dir.path, "site/a.txt"), "a2");
  const batch = await watch.nextBatch(0);
  assert.ok(batch.ok, JSON.stringify(batch));
  assert.ok(batch.steps[0].actions.every((a) => a.attempts <= 1), "no retry needed");
  assert.equal(await Deno.readTextFile(join(server.root, "www/a.txt")), "a2");
  assert.ok(server.commands.filter((c) => c.startsWith("USER")).length > logins, "logged in again");
});

Deno.test("watch: with keep-alive off, connections the server's idle timeout closed are replaced before the batch, which needs no retry", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ idleTimeoutMs: 500 });
  await writeTree(dir.path, { "site/a.txt": "a1", "site/b.txt": "b1" });
  await using watch = await startWatch(dir.path, `url: "${server.url}", parallel: 2`, SYNC, {
    watch: { keepAliveMs: 0 },
  });
  await new Promise((r) => setTimeout(r, 1_500));
  const mark = watch.runEvents.length;
  await Deno.writeTextFile(join(dir.path, "site/a.txt"), "a2");
  await Deno.writeTextFile(join(dir.path, "site/b.txt"), "b2");
  await follows(join(dir.path, "site"), join(server.root, "www"), "the edits");
  const sent = () => watch.batches().reduce((n, b) => n + b.totals.transferred, 0);
  await waitUntil(() => sent() === 2, "the batches reported");
  assert.ok(watch.batches().every((b) => b.ok), JSON.stringify(watch.batches()));
  assert.ok(!watch.runEvents.slice(mark).some((e) => e.type === "retry"), "no retry");
  assert.ok(watch.events.some((e) => e.type === "dropped"), "the drop is reported");
});

Deno.test("watch: a server restarted on the same port is reconnected for the next batch", async () => {
  await using dir = await tempDir();
  await using root = await tempDir();
  const first = await FtpTestServer.start({ root: root.path });
  const port = first.port;
  await writeTree(dir.path, { "site/a.txt": "a1" });
  await using watch = await startWatch(dir.path, `url: "${first.url}", parallel: 2`, SYNC);
  await first.close();
  await using second = await FtpTestServer.start({ root: root.path, port });
  await Deno.writeTextFile(join(dir.path, "site/a.txt"), "a2");
  const batch = await watch.nextBatch(0);
  assert.ok(batch.ok, JSON.stringify(batch));
  assert.equal(await Deno.readTextFile(join(root.path, "www/a.txt")), "a2");
  assert.ok(second.commands.some((c) => c.startsWith("STOR")));
});

Deno.test("watch: files the filter excludes, pruned folders and .ferry-part files start no batch and are never sent", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/index.html": "i1", "site/cache/.keep": "" });
  await using watch = await startWatch(
    dir.path,
    `url: "${server.url}", parallel: 2`,
    '  - sync: { direction: up, local: site, remote: www, delete: true, filter: [{ exclude: "*.log" }, { exclude: cache }] }\n',
  );
  const mark = server.commands.length;
  await writeTree(join(dir.path, "site"), {
    "app.log": "log",
    "cache/x.bin": "x",
    "draft.ferry-part": "partial",
  });
  // Quiet for well over the debounce time: no batch, and nothing listed or sent.
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(watch.batches().length, 0, JSON.stringify(watch.batches()));
  const quiet = server.commands.slice(mark).filter((c) => c !== "NOOP");
  assert.deepEqual(quiet, []);
  await Deno.writeTextFile(join(dir.path, "site/index.html"), "i2");
  await watch.nextBatch(0);
  assert.equal(await Deno.readTextFile(join(server.root, "www/index.html")), "i2");
  const log = server.commands.slice(mark).join("\n");
  assert.doesNotMatch(log, /app\.log|cache|draft/);
});

Deno.test("watch: an editor's save through a temporary and a rename uploads the file, never the temporary", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/index.html": "v1", "config.json": '{"v":1}' });
  await using watch = await startWatch(
    dir.path,
    `url: "${server.url}", parallel: 2`,
    SYNC + "  - put: { from: config.json, to: etc/config.json }\n",
  );
  const mark = server.commands.length;
  for (const [path, content] of [["site/index.html", "v2"], ["config.json", '{"v":2}']]) {
    const temporary = join(dir.path, `${path}.swp~`);
    await Deno.writeTextFile(temporary, content);
    await Deno.rename(temporary, join(dir.path, path));
  }
  await waitUntil(async () => {
    const page = await Deno.readTextFile(join(server.root, "www/index.html"));
    const config = await Deno.readTextFile(join(server.root, "etc/config.json"));
    return page === "v2" && config === '{"v":2}';
  }, "both saves");
  assert.deepEqual(Object.keys(await treeOf(join(server.root, "www"))), ["index.html"]);
  const log = server.commands.slice(mark).join("\n");
  assert.doesNotMatch(log, /swp/);
  assert.ok(watch.batches().every((b) => b.ok));
});

Deno.test("watch: a put of a glob sends only the matching files that changed", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "assets/a.css": "a1", "assets/b.css": "b1", "assets/a.js": "js1" });
  await using watch = await startWatch(
    dir.path,
    `url: "${server.url}", parallel: 2`,
    '  - put: { from: "assets/*.css", to: static/ }\n',
  );
  await Deno.writeTextFile(join(dir.path, "assets/a.css"), "a2");
  await Deno.writeTextFile(join(dir.path, "assets/a.js"), "js2");
  await waitUntil(
    async () => await Deno.readTextFile(join(server.root, "static/a.css")) === "a2",
    "a.css",
  );
  assert.deepEqual(Object.keys(await treeOf(join(server.root, "static"))), ["a.css", "b.css"]);
  const actions = actionsSince(watch, 0);
  assert.deepEqual(actions.map((a) => [a.action, a.path]), [["upload", "static/a.css"]]);
});

// Deno.watchFs reports no event for a new link itself (nor for changes
// to what it points to): links arrive with a folder that changed.
Deno.test("watch: in a new folder, a link to a file is sent as the file, a link to a folder is not followed (and its remote copy kept)", async () => {
  await using dir = await tempDir();
  await using outside = await tempDir();
  await writeTree(outside.path, { "secret/key.txt": "k", "shared.css": "s{}" });
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/index.html": "i" });
  await using watch = await startWatch(dir.path, `url: "${server.url}", parallel: 2`, SYNC);
  // Someone else's copy of what the link points to: not the step's to delete.
  await writeTree(server.root, { "www/linked/docs/kept.txt": "kept" });
  const staging = join(dir.path, "staging");
  await Deno.mkdir(staging);
  await Deno.symlink(join(outside.path, "shared.css"), join(staging, "shared.css"));
  await Deno.symlink(join(outside.path, "secret"), join(staging, "docs"));
  await Deno.rename(staging, join(dir.path, "site/linked"));
  const batch = await watch.nextBatch(0);
  assert.ok(batch.ok, JSON.stringify(batch));
  assert.deepEqual(await treeOf(join(server.root, "www/linked")), {
    "docs/": "dir",
    "docs/kept.txt": await treeOf(join(server.root, "www/linked/docs")).then((t) => t["kept.txt"]),
    "shared.css": (await treeOf(outside.path))["shared.css"],
  });
  assert.match(
    batch.steps[0].warnings.join("\n"),
    /linked\/docs: a symbolic link to a directory \(not followed\)/,
  );
  assert.ok(!server.commands.some((c) => c.includes("key.txt")));
});

Deno.test("watch: a folder an earlier step of the first run makes (a get) is watched once it exists", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "src/page.html": "p1", "src/sub/note.txt": "n1" });
  await using watch = await startWatch(
    dir.path,
    `url: "${server.url}", parallel: 2`,
    "  - get: { from: src/, to: build/ }\n  - put: { from: build, to: www/ }\n",
  );
  const folders = watch.events.find((e) => e.type === "watching");
  assert.ok(folders?.type === "watching");
  assert.deepEqual(folders.folders, [join(dir.path, "build")]);
  await writeTree(dir.path, { "build/sub/note.txt": "n2, longer", "build/sub/new.txt": "new" });
  await follows(join(dir.path, "build"), join(server.root, "www"), "the edits in build/sub");
});

Deno.test("watch: a watched step that failed in the initial run is planned whole with the next change", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/a.txt": "a", "site/b.txt": "b", "docs/x.txt": "x1" });
  server.faults.onCommand = (c) =>
    c.verb === "STOR" && c.argument.startsWith("www/")
      ? { reply: "553 Could not create file.\r\n" }
      : undefined;
  await using watch = await startWatch(
    dir.path,
    `url: "${server.url}", parallel: 2`,
    "  - sync: { direction: up, local: site, remote: www }\n    continueOnError: true\n" +
      "  - sync: { direction: up, local: docs, remote: docs }\n",
  );
  const initial = watch.events.find((e) => e.type === "run");
  assert.ok(initial?.type === "run" && !initial.report.ok);
  server.faults = {};
  await Deno.writeTextFile(join(dir.path, "docs/x.txt"), "x2");
  const batch = await watch.nextBatch(0);
  assert.ok(batch.ok, JSON.stringify(batch));
  await follows(join(dir.path, "site"), join(server.root, "www"), "the failed step, retried");
  await follows(join(dir.path, "docs"), join(server.root, "docs"), "the change");
});

Deno.test("watch: stopping during a batch stops it as a run stops: the partial upload of a new file is removed", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/a.txt": "a" });
  await using watch = await startWatch(dir.path, `url: "${server.url}", parallel: 2`, SYNC);
  server.faults.dataStallAfterBytes = 300_000;
  await Deno.writeFile(join(dir.path, "site/big.bin"), new Uint8Array(1_000_000).fill(7));
  const big = join(server.root, "www/big.bin");
  await waitUntil(
    async () => ((await Deno.stat(big).catch(() => undefined))?.size ?? 0) > 0,
    "bytes",
  );
  const summary = await watch.stop();
  assert.equal(summary.interrupted, true);
  await assert.rejects(Deno.stat(big), Deno.errors.NotFound);
  const batch = watch.batches().at(-1)!;
  assert.equal(batch.interrupted, true);
  assert.equal(batch.ok, false);
  assert.equal(watch.events.at(-1)?.type, "stopped");
});

Deno.test("watch: a task with nothing to watch is refused before connecting", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await assert.rejects(
    startWatch(dir.path, `url: "${server.url}"`, "  - get: { from: x.txt, to: ./ }\n"),
    /Nothing to watch: the task has no upload step/,
  );
  assert.deepEqual(server.commands, []);
});
