// `ferry watch` as users run it: a first run, then one line (or with
// --json one JSON line) per batch as local files change; Ctrl-C stops it
// with exit code 130 and no partial file at a final path; bad input exits
// 2 before anything starts; `ferry permissions --watch` gives enough to
// run it. Against the embedded server and vsftpd. Every wait is an upper
// bound, polled.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import type { WatchEvent } from "../../src/runner/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";
import { waitUntil } from "../runner/_watch.ts";
import {
  ferry,
  type FerryOptions,
  spawnFerry,
  treeOf,
  writeServerTask,
  writeTree,
} from "./_ferry.ts";

/** A `ferry watch` running in the background, its output collected as it comes. */
class Watching implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #pumps: Promise<void>[];
  stdout = "";
  stderr = "";

  constructor(args: string[], options: FerryOptions) {
    this.#child = spawnFerry(["watch", ...args], options);
    const pump = async (stream: ReadableStream<Uint8Array>, into: "stdout" | "stderr") => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) this[into] += text;
    };
    this.#pumps = [pump(this.#child.stdout, "stdout"), pump(this.#child.stderr, "stderr")];
  }

  /** The JSON lines printed so far (with --json). */
  get events(): WatchEvent[] {
    return this.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
  }

  /** Waits until the output holds `pattern`. */
  async sees(pattern: RegExp, what = String(pattern)): Promise<void> {
    await waitUntil(() => pattern.test(this.stdout), `${what}\n${this.stdout}\n${this.stderr}`);
  }

  /** Sends Ctrl-C and waits for the exit. */
  async interrupt(): Promise<number> {
    this.#child.kill("SIGINT");
    const { code } = await this.#child.status;
    await Promise.all(this.#pumps);
    return code;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already ended.
    }
    await this.#child.status;
    await Promise.all(this.#pumps).catch(() => {});
  }
}

const SYNC = "  - sync: { direction: up, local: site, remote: www, delete: true }\n";

Deno.test("ferry watch --json: a burst of 500 new files is a few batches, not 500, and every file arrives", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/index.html": "home" });
  const task = await writeServerTask(dir.path, `url: "${server.url}", parallel: 4`, SYNC);
  await using watch = new Watching([task, "--json"], { cwd: dir.path });
  await watch.sees(/"type":"watching"/);
  // Written as a tool writes them, ten at a time with a breath between: each
  // pause is far shorter than the quiet time, and longer than a batch needs.
  for (let i = 0; i < 500; i += 10) {
    const files = Array.from(
      { length: 10 },
      (_, j) => [`site/burst/f${i + j}.txt`, `file ${i + j}\n`],
    );
    await writeTree(dir.path, Object.fromEntries(files));
    await new Promise((r) => setTimeout(r, 20));
  }
  const www = join(server.root, "www/burst");
  const count = async () => (await Array.fromAsync(Deno.readDir(www)).catch(() => [])).length;
  await waitUntil(async () => await count() === 500, "500 files on the server", 30_000);
  await waitUntil(
    () =>
      watch.events.filter((e) => e.type === "batch").reduce(
        (n, e) => n + (e.type === "batch" ? e.totals.transferred : 0),
        0,
      ) === 500,
    "the batches' lines",
  );
  assert.equal(await watch.interrupt(), 130, watch.stderr);
  const events = watch.events;
  const batches = events.filter((e) => e.type === "batch");
  assert.ok(batches.length >= 1 && batches.length <= 5, `${batches.length} batches`);
  assert.ok(batches.every((b) => b.type === "batch" && b.ok));
  assert.deepEqual(
    events.map((e) => e.type).filter((t) => t !== "batch"),
    ["run", "watching", "stopped"],
  );
  assert.deepEqual(await treeOf(join(server.root, "www")), await treeOf(join(dir.path, "site")));
});

Deno.test("ferry watch: one line per batch naming what was uploaded and deleted; Ctrl-C while idle exits 130", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/a.txt": "a1", "site/b.txt": "b" });
  const task = await writeServerTask(dir.path, `url: "${server.url}"`, SYNC);
  await using watch = new Watching([task], { cwd: dir.path });
  await watch.sees(/^ferry: watching .*site/m);
  assert.match(watch.stdout, /^ferry: done in .*: 2 transferred/m, "the first run, as ferry run");
  await Deno.writeTextFile(join(dir.path, "site/a.txt"), "a2");
  await watch.sees(/^\d\d:\d\d:\d\d batch 1: ↑ 1 uploaded \(www\/a\.txt\) · 2 B in /m);
  await Deno.remove(join(dir.path, "site/b.txt"));
  await watch.sees(/^\d\d:\d\d:\d\d batch 2: - 1 deleted \(www\/b\.txt\) · 0 B in /m);
  assert.equal(await watch.interrupt(), 130);
  assert.match(watch.stdout, /^ferry: stopped watching after 2 batches$/m);
  assert.deepEqual(await treeOf(join(server.root, "www")), await treeOf(join(dir.path, "site")));
});

for (const atomic of [false, true]) {
  Deno.test(`ferry watch: Ctrl-C during a batch (atomic: ${atomic}) exits 130 with no partial file at a final path`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    await writeTree(dir.path, { "site/old.bin": "old" });
    const task = await writeServerTask(
      dir.path,
      `url: "${server.url}", dataTimeout: 60s`,
      `  - sync: { direction: up, local: site, remote: www, atomic: ${atomic} }\n`,
    );
    await using watch = new Watching([task], { cwd: dir.path });
    await watch.sees(/^ferry: watching /m);
    server.faults.dataStallAfterBytes = 300_000;
    await writeTree(dir.path, {
      "site/new.bin": pseudoRandomBytes(1_000_000, 3),
      "site/old.bin": pseudoRandomBytes(1_000_000, 4),
    });
    // Bytes arrive: at the final path for a new file (not atomic), else in temporaries.
    await waitUntil(async () => {
      const names = Object.keys(await treeOf(join(server.root, "www")).catch(() => ({})));
      return names.some((n) => n.endsWith(".ferry-part")) ||
        (await Deno.stat(join(server.root, "www/new.bin")).catch(() => undefined))?.size! > 0;
    }, "an upload under way");
    assert.equal(await watch.interrupt(), 130, watch.stdout + watch.stderr);
    assert.match(watch.stdout, /batch 1 interrupted/);
    assert.match(watch.stdout, /^ferry: stopped watching after 1 batch$/m);
    const names = Object.keys(await treeOf(join(server.root, "www")));
    assert.ok(!names.includes("new.bin"), names.join());
    assert.equal(await Deno.readTextFile(join(server.root, "www/old.bin")), "old");
  });
}

Deno.test("ferry watch: Ctrl-C during the first run stops it as ferry run stops: exit 130, the partial new file removed", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/big.bin": pseudoRandomBytes(1_000_000, 5) });
  server.faults.dataStallAfterBytes = 300_000;
  const task = await writeServerTask(dir.path, `url: "${server.url}", dataTimeout: 60s`, SYNC);
  await using watch = new Watching([task, "--json"], { cwd: dir.path });
  const big = join(server.root, "www/big.bin");
  await waitUntil(
    async () => ((await Deno.stat(big).catch(() => undefined))?.size ?? 0) > 0,
    "bytes",
  );
  assert.equal(await watch.interrupt(), 130, watch.stderr);
  await assert.rejects(Deno.stat(big), Deno.errors.NotFound);
  const events = watch.events;
  assert.deepEqual(events.map((e) => e.type), ["run", "stopped"]);
  assert.ok(events[0].type === "run" && events[0].report.interrupted);
  assert.match(watch.stderr, /Removed the partial upload at www\/big\.bin/);
});

Deno.test("ferry watch: bad input exits 2 before anything starts", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/a.txt": "a" });
  const cases: [string, string, RegExp][] = [
    [
      "bad watch block",
      `version: 1\nconnection: { url: "${server.url}" }\nsteps:\n${SYNC}watch: { debounce: soon }\n`,
      /task\.yaml:5:\d+: watch\.debounce: expected a duration/,
    ],
    [
      "unknown key",
      `version: 1\nconnection: { url: "${server.url}" }\nsteps:\n${SYNC}watch: { keepalive: 10s }\n`,
      /unknown key "keepalive" in watch \(did you mean "keepAlive"\?\)/,
    ],
    [
      "missing source",
      `version: 1\nconnection: { url: "${server.url}" }\nsteps:\n  - put: { from: nowhere/, to: www/ }\n`,
      /the local folder .*nowhere\/? does not exist/,
    ],
    [
      "nothing to watch",
      `version: 1\nconnection: { url: "${server.url}" }\nsteps:\n  - get: { from: a.txt, to: ./ }\n`,
      /Nothing to watch: the task has no upload step/,
    ],
  ];
  for (const [what, text, message] of cases) {
    await Deno.writeTextFile(join(dir.path, "task.yaml"), text);
    const result = await ferry(["watch", "task.yaml"], { cwd: dir.path });
    assert.equal(result.code, 2, `${what}: ${result.stdout}${result.stderr}`);
    assert.match(result.stderr, message, what);
  }
  const flag = await ferry(["watch", "task.yaml", "--debounce", "fast"], { cwd: dir.path });
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--debounce must be 0 or a duration with its unit/);
  assert.deepEqual(server.commands, [], "nothing was sent");
});

Deno.test("ferry permissions --watch gives what ferry watch needs: the folder of a single file put too", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "conf/app.json": '{"v":1}', "conf/other.txt": "not read" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}", netrc: false`,
    "  - put: { from: conf/app.json, to: etc/app.json }\n",
  );
  const flagsOf = async (extra: string[]) => {
    const result = await ferry(["permissions", task, ...extra], { cwd: dir.path });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim().split(" ");
  };
  const runFlags = await flagsOf([]);
  const watchFlags = await flagsOf(["--watch"]);
  const read = (flags: string[]) => flags.find((f) => f.startsWith("--allow-read="))!.split(/[=,]/);
  assert.ok(!read(runFlags).includes(join(dir.path, "conf")));
  assert.ok(read(watchFlags).includes(join(dir.path, "conf")));

  // Without the folder, watching it is refused; with the --watch flags, a save arrives.
  const short = await ferry(["watch", task], { cwd: dir.path, permissions: runFlags });
  assert.equal(short.code, 1, short.stdout + short.stderr);
  assert.match(short.stderr, /Requires read access to .*conf"/);
  assert.deepEqual(server.commands, [], "refused before connecting");
  await using watch = new Watching([task], { cwd: dir.path, permissions: watchFlags });
  await watch.sees(/^ferry: watching /m);
  await Deno.writeTextFile(join(dir.path, "conf/app.json"), '{"v":2}');
  await waitUntil(
    async () =>
      await Deno.readTextFile(join(server.root, "etc/app.json")).catch(() => "") === '{"v":2}',
    "the save",
  );
  assert.equal(await watch.interrupt(), 130, watch.stderr);
});

Deno.test(
  "ferry watch against vsftpd: edits, new files and deletions follow; idle connections kept alive past its idle timeout, and replaced when keep-alive is off",
  { ignore: vsftpd.ignore },
  async () => {
    await using dir = await tempDir();
    await using server = await startVsftpd({ config: { idle_session_timeout: "2" } });
    const big = pseudoRandomBytes(300_000, 9);
    await writeTree(dir.path, {
      "site/index.html": "v1",
      "site/css/a.css": "a{}",
      "site/gone.txt": "x",
    });
    const env = { FTP_PASSWORD: "watch-vsftpd-Pa55" };
    for (const keepAlive of ["500ms", "0"]) {
      const task = await writeServerTask(
        dir.path,
        `url: "${
          server.url.replace("ftp://", "ftp://anonymous@")
        }", password: "\${FTP_PASSWORD}", parallel: 3`,
        "  - sync: { direction: up, local: site, remote: www, delete: true, atomic: true }\n",
      );
      await using watch = new Watching([task, "--json", "--keep-alive", keepAlive], {
        cwd: dir.path,
        env,
      });
      await watch.sees(/"type":"watching"/);
      await new Deno.Command("chmod", { args: ["-R", "a+rwX", server.dir] }).output();
      // Idle for longer than vsftpd's idle timeout (2 s).
      await new Promise((r) => setTimeout(r, 3_500));
      const version = keepAlive === "0" ? "v3" : "v2";
      await writeTree(dir.path, {
        "site/index.html": version,
        [`site/new-${keepAlive}/big.bin`]: big,
      });
      if (keepAlive === "500ms") await Deno.remove(join(dir.path, "site/gone.txt"));
      const www = join(server.dir, "www");
      await waitUntil(async () => {
        // A temporary may be renamed away while the tree is read: then look again.
        const remote = await treeOf(www).catch(() => undefined);
        return JSON.stringify(await treeOf(join(dir.path, "site"))) === JSON.stringify(remote);
      }, `the server follows (keep-alive ${keepAlive})`);
      // And the batches that did it are reported (a Ctrl-C before would interrupt one).
      const actions = () =>
        watch.events.flatMap((e) => e.type === "batch" ? e.steps.flatMap((st) => st.actions) : []);
      const reported = (kind: string) =>
        actions().filter((a) => a.action === kind && a.result === "ok").length;
      await waitUntil(
        () => reported("upload") >= 2 && reported("delete") === (keepAlive === "0" ? 0 : 1),
        "the batches reported",
      );
      assert.equal(await sha256File(join(www, `new-${keepAlive}/big.bin`)), sha256(big));
      assert.equal(await watch.interrupt(), 130, watch.stderr);
      const batches = watch.events.filter((e) => e.type === "batch");
      assert.ok(batches.every((b) => b.type === "batch" && b.ok), watch.stdout);
      const dropped = watch.events.some((e) => e.type === "dropped");
      assert.equal(dropped, keepAlive === "0", `dropped reported: ${dropped}\n${watch.stdout}`);
      assert.doesNotMatch(watch.stdout + watch.stderr, /watch-vsftpd-Pa55/);
    }
  },
);
