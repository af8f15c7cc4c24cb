// `ferry` against a real server, Debian's vsftpd: no MLSD, no MFMT, LIST
// times to the minute. Every step kind; a dry run changes nothing; a re-run
// transfers nothing (times from MDTM, and "not older" where times cannot be
// set); the password never shows.

import assert from "node:assert/strict";
import { join } from "node:path";
import { pseudoRandomBytes, tempDir } from "../_helpers.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";
import { ferry, reportOf, treeOf, writeServerTask, writeTask, writeTree } from "./_ferry.ts";

const PASSWORD = "vs-p4ss-Zq9";

Deno.test(
  "every step kind against vsftpd; dry run, re-run and secrets",
  { ignore: vsftpd.ignore },
  async () => {
    await using dir = await tempDir();
    await using server = await startVsftpd();
    await writeTree(dir.path, {
      "site/index.html": "<h1>home</h1>\n",
      "site/docs/guide.html": "<h1>guide</h1>\n",
      "site/assets/app.js": pseudoRandomBytes(400_000, 6),
      "site/assets/style.css": "p{}\n",
    });
    await writeTree(server.dir, {
      "www/stale.html": "removed by sync delete\n",
      "incoming/a.log": "a\n",
      "incoming/b.log": pseudoRandomBytes(100_000, 2),
      "pub-draft.txt": "draft\n",
      "trash/x.tmp": "x",
      "trash/y.tmp": "y",
      "old/deep/z.txt": "z",
      "mirror-src/one.txt": "1\n",
      "mirror-src/sub/two.bin": pseudoRandomBytes(50_000, 5),
    });
    // vsftpd runs sessions as the ftp user: let it change what the test made.
    await new Deno.Command("chmod", { args: ["-R", "a+rwX", server.dir] }).output();

    const task = await writeTask(
      dir.path,
      "task.yaml",
      `version: 1
connection:
  url: ${server.url}
  user: anonymous
  password: \${FTP_PASSWORD}
  parallel: 3
steps:
  - mkdir: [www/assets, archive/2026]
  - put: { from: "site/assets/*.css", to: www/assets/ }
  - sync: { direction: up, local: site, remote: www, delete: true, atomic: true }
  - get: { from: "incoming/*.log", to: inbox/ }
  - rename: { from: pub-draft.txt, to: published.txt }
  - rm: "trash/*.tmp"
  - rmdir: old
  - sync: { direction: down, remote: mirror-src, local: mirror, delete: true }
`,
    );
    const env = { FTP_PASSWORD: PASSWORD };
    const outputs: string[] = [];

    const localBefore = await treeOf(dir.path);
    const remoteBefore = await treeOf(server.dir);
    const plan = await ferry(["plan", task, "--verbose"], { env, cwd: dir.path });
    outputs.push(plan.stdout, plan.stderr);
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.deepEqual(await treeOf(dir.path), localBefore);
    assert.deepEqual(await treeOf(server.dir), remoteBefore);

    const run = await ferry(["run", task, "--verbose", "--report", "report.json"], {
      env,
      cwd: dir.path,
    });
    outputs.push(run.stdout, run.stderr, await Deno.readTextFile(join(dir.path, "report.json")));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const remote = await treeOf(server.dir);
    const local = await treeOf(dir.path);
    for (const [rel, hash] of Object.entries(await treeOf(join(dir.path, "site")))) {
      assert.equal(remote[`www/${rel}`], hash, rel);
    }
    assert.equal(remote["www/stale.html"], undefined);
    assert.ok(remote["archive/2026/"]);
    assert.equal(local["inbox/b.log"], remote["incoming/b.log"]);
    assert.ok(remote["published.txt"] && !remote["pub-draft.txt"]);
    assert.ok(!remote["trash/x.tmp"] && !remote["trash/y.tmp"] && remote["trash/"]);
    assert.ok(!remote["old/"]);
    assert.equal(local["mirror/sub/two.bin"], remote["mirror-src/sub/two.bin"]);
    assert.ok(!Object.keys({ ...remote, ...local }).some((p) => p.includes(".ferry-part")));

    const rerun = await ferry(["run", task, "--json"], { env, cwd: dir.path });
    outputs.push(rerun.stdout, rerun.stderr);
    assert.equal(rerun.code, 0, rerun.stderr);
    const totals = reportOf(rerun).totals;
    assert.equal(totals.bytes, 0, rerun.stdout);
    assert.equal(totals.transferred, 0);
    assert.equal(totals.changed, 0);
    for (const text of outputs) assert.ok(!text.includes(PASSWORD), text);
  },
);

Deno.test("a one-shot get and put against vsftpd", { ignore: vsftpd.ignore }, async () => {
  await using dir = await tempDir();
  await using server = await startVsftpd();
  const bytes = pseudoRandomBytes(1_000_000, 11);
  await Deno.writeFile(join(dir.path, "up.bin"), bytes);
  const put = await ferry(["put", "up.bin", `${server.url}/incoming/`], { cwd: dir.path });
  assert.equal(put.code, 0, put.stdout + put.stderr);
  const get = await ferry(["get", `${server.url}/incoming/up.bin`, "down.bin"], { cwd: dir.path });
  assert.equal(get.code, 0, get.stdout + get.stderr);
  assert.deepEqual(await Deno.readFile(join(dir.path, "down.bin")), bytes);
  // A second version replaces the first through a temporary and a rename.
  const v2 = pseudoRandomBytes(1_200_000, 12);
  await Deno.writeFile(join(dir.path, "up.bin"), v2);
  const replace = await ferry(["put", "up.bin", `${server.url}/incoming/`, "--verbose"], {
    cwd: dir.path,
  });
  assert.equal(replace.code, 0, replace.stdout + replace.stderr);
  assert.match(replace.stdout + replace.stderr, /RNTO \S*incoming\/up\.bin/);
  assert.deepEqual(await Deno.readFile(join(server.dir, "incoming/up.bin")), v2);
  assert.deepEqual(Object.keys(await treeOf(join(server.dir, "incoming"))), ["up.bin"]);
});

Deno.test(
  "vsftpd with max_per_ip=1: the pool shrinks to one connection; a run and a re-run finish",
  { ignore: vsftpd.ignore },
  async () => {
    await using dir = await tempDir();
    await using server = await startVsftpd({ maxPerIp: 1 });
    const site: Record<string, string> = {};
    for (let i = 0; i < 6; i++) site[`site/f${i}.txt`] = `file ${i}\n`;
    await writeTree(dir.path, site);
    const task = await writeServerTask(
      dir.path,
      `url: ${server.url}, parallel: 4`,
      `  - sync: { direction: up, local: site, remote: www }
`,
    );
    const first = await ferry(["run", task, "--json"], { cwd: dir.path, timeoutMs: 30_000 });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(reportOf(first).steps[0].warnings.some((w) => /going on with 1/.test(w)));
    assert.deepEqual(await treeOf(join(server.dir, "www")), await treeOf(join(dir.path, "site")));
    // The re-run asks MDTM for each same-size file over the pool while planning.
    const rerun = await ferry(["run", task, "--json"], { cwd: dir.path, timeoutMs: 30_000 });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(reportOf(rerun).totals.transferred, 0);
  },
);
