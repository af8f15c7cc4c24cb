// The report never claims what did not happen (issue 11, point 4): every
// step kind runs through the CLI, and its --json report (each uploaded,
// downloaded, deleted, renamed line and every count) is compared with what
// both disks hold afterwards, by one shared check (_report_check.ts): on a
// run that does everything (empty files, replaced files, atomic steps), on
// its re-run, on a run where some actions fail, and on a run stopped with
// Ctrl-C mid-transfer.

import assert from "node:assert/strict";
import { join } from "node:path";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { spawnFerry, treeOf, writeServerTask, writeTree } from "./_ferry.ts";
import { LAB, lab, type LabServer } from "./_lab.ts";
import { assertReportMatches, checkedFerry, snapshot } from "./_report_check.ts";
import type { RunReport } from "../../src/runner/report.ts";

const EVERY_STEP = `  - mkdir: [made/a/b, made2]
  - put: { from: "up/*", to: put-dir/, overwrite: always }
  - put: { from: up/, to: atomic-dir/, atomic: true, overwrite: always }
  - get: { from: "down-src/*", to: got/, overwrite: always }
  - sync: { direction: up, local: site, remote: www, delete: true }
  - sync: { direction: down, remote: mirror-src, local: mirror, delete: true }
  - rm: "trash/*.tmp"
  - rmdir: old
  - rename: { from: pub/draft.txt, to: pub/final.txt }
`;

for (const spec of LAB) {
  Deno.test(
    `${spec.name}: every step kind's --json report matches both disks, on the run and its re-run`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start();
      await writeTree(dir.path, {
        "up/new.txt": "new\n",
        "up/empty": "",
        "up/replace.txt": "version 2, longer than version 1\n",
        "site/index.html": "<h1>home</h1>\n",
        "site/empty.txt": "",
        "site/sub/page.html": pseudoRandomBytes(300_000, 4),
        "got/replace-me.txt": "an old local copy\n",
        "mirror/stale": "deleted by sync down\n",
      });
      await writeTree(server.dir, {
        "put-dir/replace.txt": "version 1\n",
        "atomic-dir/replace.txt": "version 1 (atomic)\n",
        "www/index.html": "an old home page\n",
        "www/stale.html": "deleted by sync up\n",
        "down-src/a.txt": "a\n",
        "down-src/empty.log": "",
        "down-src/replace-me.txt": "the server's copy\n",
        "mirror-src/x": "x\n",
        "mirror-src/e": "",
        "mirror-src/deep/y": pseudoRandomBytes(200_000, 8),
        "trash/1.tmp": "1",
        "trash/2.tmp": "2",
        "trash/keep.dat": "kept",
        "old/x/y.txt": "gone with its directory",
        "pub/draft.txt": "draft\n",
      });
      await server.settle();
      const task = await writeServerTask(dir.path, server.connection, EVERY_STEP);

      const run = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(run.result.code, 0, run.result.stdout + run.result.stderr);
      const kinds = new Set(run.report.steps.flatMap((s) => s.actions.map((a) => a.action)));
      for (const kind of ["mkdir", "upload", "download", "delete", "rmdir", "rename"]) {
        assert.ok(kinds.has(kind as never), `no ${kind} action ran`);
      }
      // What the disks hold, said without the shared check.
      const remote = await treeOf(server.dir);
      const local = await treeOf(dir.path);
      assert.equal(remote["put-dir/empty"], sha256(new Uint8Array()));
      assert.equal(remote["atomic-dir/replace.txt"], local["up/replace.txt"]);
      assert.equal(local["got/replace-me.txt"], remote["down-src/replace-me.txt"]);
      assert.deepEqual(await treeOf(join(server.dir, "www")), await treeOf(join(dir.path, "site")));
      assert.deepEqual(
        await treeOf(join(dir.path, "mirror")),
        await treeOf(join(server.dir, "mirror-src")),
      );
      assert.ok(remote["pub/final.txt"] && !remote["pub/draft.txt"] && !remote["old/"]);
      assert.deepEqual(Object.keys(await treeOf(join(server.dir, "trash"))), ["keep.dat"]);

      // The re-run: the rename finds it done, `overwrite: always` sends the
      // same bytes again, the rest is up to date; the report is just as true.
      const again = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(again.result.code, 0, again.result.stdout + again.result.stderr);
      assert.equal(again.report.steps.at(-1)!.actions[0].reason, "already renamed");
    },
  );
}

/** Makes directories refuse changes: a fault hook on the embedded server, permissions elsewhere. */
async function readOnly(server: LabServer, ...paths: string[]): Promise<void> {
  if (server.embedded) {
    server.embedded.faults.onCommand = (c) =>
      /^(STOR|APPE|DELE|RNFR|RNTO|MKD|RMD)$/.test(c.verb) &&
        paths.some((path) => c.argument.startsWith(`${path}/`))
        ? { reply: "553 Permission denied.\r\n" }
        : undefined;
    return;
  }
  // The session's user is not root: a root-owned directory it may not write.
  for (const path of paths) {
    await new Deno.Command("chown", { args: ["-R", "root:root", join(server.dir, path)] })
      .output();
    await Deno.chmod(join(server.dir, path), 0o555);
  }
}

for (const spec of lab("embedded", "vsftpd", "pure-ftpd", "proftpd")) {
  Deno.test(
    `${spec.name}: a run where some actions fail reports them failed, and their targets are as they were`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start();
      await writeTree(dir.path, {
        "site/ok.txt": "goes up\n",
        "site/ro/page.html": "cannot go up\n",
        "site/ro/empty": "",
        "site/ro/old.html": "replaces nothing\n",
      });
      await writeTree(server.dir, {
        "www/ro/old.html": "the old page stays\n",
        "www/ro/extra.html": "cannot be deleted\n",
        "www/ok-old.txt": "deleted\n",
        "rm-me/ro/a.tmp": "stays",
      });
      await server.settle();
      await readOnly(server, "www/ro", "rm-me/ro");
      const task = await writeServerTask(
        dir.path,
        server.connection,
        `  - { sync: { direction: up, local: site, remote: www, delete: true }, retries: 0, continueOnError: true }
  - { rm: "rm-me/ro/*.tmp", retries: 0, continueOnError: true }
  - { rename: { from: www/ro/old.html, to: www/moved.html }, retries: 0, continueOnError: true }
`,
      );
      const run = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(run.result.code, 1, run.result.stdout + run.result.stderr);
      assert.ok(run.report.totals.failed >= 4, JSON.stringify(run.report.totals));
      assert.ok(run.report.totals.transferred >= 1, JSON.stringify(run.report.totals));
      assert.equal(
        await Deno.readTextFile(join(server.dir, "www/ro/old.html")),
        "the old page stays\n",
      );
    },
  );
}

/** Waits (bounded) until a file matching `name` in `dir` holds at least one byte. */
async function waitForBytes(dir: string, name: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Bounded by the deadline.
  while (Date.now() < deadline) {
    for (const entry of await Array.fromAsync(Deno.readDir(dir)).catch(() => [])) {
      if (!name.test(entry.name)) continue;
      if ((await Deno.stat(join(dir, entry.name)).catch(() => undefined))?.size) return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no file like ${name} in ${dir} received bytes`);
}

for (const spec of lab("embedded", "vsftpd", "pure-ftpd")) {
  Deno.test(
    `${spec.name}: a run stopped with Ctrl-C mid-transfer reports what it did, and the next run finishes`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start({}, { slow: true });
      const big = pseudoRandomBytes(1_200_000, 17);
      await writeTree(dir.path, { "site/small.txt": "small\n", "site/big.bin": big });
      await writeTree(server.dir, { "www/big.bin": "the old version\n" });
      await server.settle();
      // The embedded server stops sending mid-way; vsftpd and Pure-FTPd are slow.
      if (server.embedded) server.embedded.faults.dataStallAfterBytes = 500_000;
      const task = await writeServerTask(
        dir.path,
        `${server.connection}, parallel: 1`,
        `  - put: { from: site/small.txt, to: www/ }
  - put: { from: site/big.bin, to: www/big.bin }
  - mkdir: later
`,
      );
      const sides = { remoteDir: server.dir, localDir: dir.path };
      const before = await snapshot(sides);
      const child = spawnFerry(["run", task, "--report", "report.json"], {
        cwd: dir.path,
        env: server.env,
      });
      await waitForBytes(join(server.dir, "www"), /^big\.bin\..*ferry-part$/);
      child.kill("SIGINT");
      const output = await child.output();
      assert.equal(output.code, 130, new TextDecoder().decode(output.stdout));
      const report: RunReport = JSON.parse(await Deno.readTextFile(join(dir.path, "report.json")));
      await Deno.remove(join(dir.path, "report.json"));
      assert.ok(report.interrupted);
      assertReportMatches(report, before, await snapshot(sides), sides, server.name);
      assert.equal(report.totals.transferred, 1, JSON.stringify(report.totals));
      assert.equal(report.steps[1].actions[0].result, "cancelled");
      assert.equal(
        await Deno.readTextFile(join(server.dir, "www/big.bin")),
        "the old version\n",
      );

      if (server.embedded) server.embedded.faults = {};
      const next = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(next.result.code, 0, next.result.stdout + next.result.stderr);
      assert.equal(await sha256File(join(server.dir, "www/big.bin")), sha256(big));
    },
  );
}
