// `ferry` as a subprocess against the embedded server: every step kind in
// one task; a dry run changes nothing on either side; a re-run transfers
// nothing; the password never shows in stdout, stderr or the report.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, tempDir } from "../_helpers.ts";
import { ferry, reportOf, treeOf, writeServerTask, writeTask, writeTree } from "./_ferry.ts";

const PASSWORD = "s3cr3t-Pässwörd@:/%";

const TASK = `
version: 1
connection:
  url: \${URL}
  user: alice
  password: \${FTP_PASSWORD}
  parallel: 3
steps:
  - mkdir: [www/assets, archive]
  - name: styles first
    put: { from: "site/assets/*.css", to: www/assets/ }
  - sync:
      direction: up
      local: site
      remote: www
      delete: true
      atomic: true
      filter: [{ exclude: "**/*.tmp" }]
  - get: { from: "incoming/*.txt", to: inbox/ }
  - rename: { from: pub/draft.txt, to: pub/final.txt }
  - rm: "trash/*.tmp"
  - rmdir: old
  - sync: { direction: down, remote: mirror-src, local: mirror, delete: true }
`;

async function setUp(local: string, remote: string) {
  await writeTree(local, {
    "site/index.html": "<h1>home</h1>\n",
    "site/about/index.html": "<h1>about</h1>\n",
    "site/assets/style.css": "body { color: red }\n",
    "site/assets/app.js": pseudoRandomBytes(300_000, 3),
    "site/scratch.tmp": "not published\n",
    "mirror/stale.txt": "deleted by sync down\n",
  });
  await writeTree(remote, {
    "www/old.html": "removed by sync delete\n",
    "www/keep.tmp": "excluded, so protected from delete\n",
    "incoming/a.txt": "a\n",
    "incoming/b.txt": "b\n",
    "incoming/c.bin": "not a txt\n",
    "pub/draft.txt": "draft\n",
    "trash/1.tmp": "1",
    "trash/2.tmp": "2",
    "trash/keep.dat": "kept",
    "old/x/y.txt": "gone with its directory",
    "mirror-src/one.txt": "one\n",
    "mirror-src/deep/two.bin": pseudoRandomBytes(200_000, 9),
    "mirror-src/empty/": "",
  });
}

function assertNoSecret(...texts: string[]) {
  for (const text of texts) {
    assert.ok(!text.includes(PASSWORD), `the password leaked into:\n${text}`);
    assert.ok(!text.includes(encodeURIComponent(PASSWORD)), "the URL-encoded password leaked");
  }
}

Deno.test("every step kind: plan changes nothing, run does it all, a re-run transfers nothing", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { alice: PASSWORD }, anonymous: false });
  await setUp(dir.path, server.root);
  const task = await writeTask(dir.path, "task.yaml", TASK);
  const env = { URL: server.url, FTP_PASSWORD: PASSWORD };

  // Dry run: both trees are the same before and after.
  const localBefore = await treeOf(dir.path);
  const remoteBefore = await treeOf(server.root);
  const plan = await ferry(["plan", task, "--verbose"], { env, cwd: dir.path });
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.deepEqual(await treeOf(dir.path), localBefore);
  assert.deepEqual(await treeOf(server.root), remoteBefore);
  assert.match(plan.stdout, /upload site\/index\.html → www\/index\.html/);
  assert.match(plan.stdout, /delete www\/old\.html/);
  assert.match(plan.stdout, /dry run: nothing was changed/);
  assert.ok(!server.commands.some((c) => /^(STOR|DELE|RNFR|MKD|RMD|APPE|MFMT)/.test(c)));
  assertNoSecret(plan.stdout, plan.stderr);

  // The run.
  const reportFile = join(dir.path, "report.json");
  const run = await ferry(["run", task, "--verbose", "--report", reportFile], {
    env,
    cwd: dir.path,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const remote = await treeOf(server.root);
  const local = await treeOf(dir.path);
  const site = await treeOf(join(dir.path, "site"));
  for (const [rel, hash] of Object.entries(site)) {
    if (rel.endsWith(".tmp")) assert.equal(remote[`www/${rel}`], undefined);
    else assert.equal(remote[`www/${rel}`], hash, rel);
  }
  assert.equal(remote["www/old.html"], undefined, "sync delete removed the extraneous file");
  assert.ok(remote["www/keep.tmp"], "an excluded file is protected from delete");
  assert.ok(remote["archive/"]);
  assert.ok(local["inbox/a.txt"] && local["inbox/b.txt"] && !local["inbox/c.bin"]);
  assert.ok(remote["pub/final.txt"] && !remote["pub/draft.txt"]);
  assert.ok(!remote["trash/1.tmp"] && !remote["trash/2.tmp"] && remote["trash/keep.dat"]);
  assert.ok(!remote["old/"]);
  assert.equal(local["mirror/one.txt"], remote["mirror-src/one.txt"]);
  assert.equal(local["mirror/deep/two.bin"], remote["mirror-src/deep/two.bin"]);
  assert.ok(local["mirror/empty/"], "empty directories are synced too");
  assert.equal(local["mirror/stale.txt"], undefined);
  assert.ok(!Object.keys({ ...remote, ...local }).some((p) => p.includes(".ferry-part")));
  const report = await Deno.readTextFile(reportFile);
  assertNoSecret(run.stdout, run.stderr, report);
  assert.equal(JSON.parse(report).ok, true);

  // A re-run finds everything done.
  const rerun = await ferry(["run", task, "--json"], { env, cwd: dir.path });
  assert.equal(rerun.code, 0, rerun.stderr);
  const totals = reportOf(rerun).totals;
  assert.deepEqual({ ...totals, skipped: 0 }, {
    transferred: 0,
    skipped: 0,
    failed: 0,
    changed: 0,
    bytes: 0,
  });
  assert.ok(totals.skipped > 0);
  assertNoSecret(rerun.stdout, rerun.stderr);
});

Deno.test("a failing step stops the run unless continueOnError; exit code 1", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - { name: first, get: { from: missing.txt, to: out/ }, continueOnError: true }
  - { name: second, mkdir: made }
  - { name: third, rename: { from: nothing, to: else } }
  - { name: fourth, mkdir: never }
`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(result.code, 1, result.stderr);
  const report = reportOf(result);
  assert.deepEqual(report.steps.map((s) => s.result), ["failed", "ok", "failed", "skipped"]);
  // Steps that failed while planning count as failures, though they had no action.
  assert.equal(report.totals.failed, 2);
  const human = await ferry(["run", task], { cwd: dir.path });
  assert.match(human.stdout, /^ferry: failed in .*, 2 failed$/m);
  assert.match(report.steps[0].error!.message, /missing\.txt does not exist/);
  assert.ok((await Deno.stat(join(server.root, "made"))).isDirectory);
  await assert.rejects(Deno.stat(join(server.root, "never")));
});

Deno.test("ferry check lists every step with its kind, and contacts no server", async () => {
  await using dir = await tempDir();
  // Port 1 on loopback: nothing listens, and check must not try.
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://127.0.0.1:1/"`,
    `  - mkdir: [www/assets, archive]
  - { name: upload styles, put: { from: "site/*.css", to: www/ } }
  - sync: { direction: down, remote: www, local: mirror }
`,
  );
  const result = await ferry(["check", task], { cwd: dir.path });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `${task}: valid (3 steps, ftp://127.0.0.1:1/)\n` +
      "  step 1: mkdir www/assets archive\n" +
      "  step 2: upload styles (put)\n" +
      "  step 3: sync www → mirror\n",
  );
});
