// The example task files in tasks/, each run against the embedded server.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, tempDir } from "../_helpers.ts";
import { ferry, reportOf, treeOf, writeTree } from "./_ferry.ts";

const example = (name: string) => fileURLToPath(new URL(`../../tasks/${name}`, import.meta.url));

Deno.test("tasks/deploy-site.yaml publishes, deletes extras, keeps drafts and maps local", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({
    users: { deploy: "pw-deploy-1" },
    anonymous: false,
  });
  await writeTree(dir.path, {
    "dist/index.html": "<h1>v2</h1>\n",
    "dist/js/app.js": pseudoRandomBytes(120_000, 2),
    "dist/js/app.js.map": "{}",
    "dist/drafts/next.html": "not yet",
  });
  await writeTree(server.root, { "www/index.html": "<h1>v1</h1>\n", "www/old.html": "gone" });
  // The deployed version is older (same size: only the time tells them apart).
  const lastDeploy = new Date("2025-06-01T12:00:00Z");
  await Deno.utime(join(server.root, "www/index.html"), lastDeploy, lastDeploy);
  const env = {
    FTP_URL: `ftp://deploy@127.0.0.1:${server.port}/`,
    FTP_PASSWORD: "pw-deploy-1",
    SITE_DIR: join(dir.path, "dist"),
  };
  const run = await ferry(["run", example("deploy-site.yaml")], { env });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const remote = await treeOf(join(server.root, "www"));
  const local = await treeOf(join(dir.path, "dist"));
  assert.deepEqual(Object.keys(remote), ["index.html", "js/", "js/app.js"]);
  assert.equal(remote["js/app.js"], local["js/app.js"]);
  assert.equal(remote["index.html"], local["index.html"]);
  const rerun = await ferry(["run", example("deploy-site.yaml"), "--json"], { env });
  assert.equal(reportOf(rerun).totals.bytes, 0);
});

Deno.test("tasks/pull-logs.yaml resumes grown logs, skips unchanged rotations, refetches a rotated log", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, {
    "logs/app.log": "line 1\n",
    "logs/app.log.1": "yesterday\n",
    "logs/app.log.2.gz": pseudoRandomBytes(50_000, 8),
    "logs/app.log.12.gz": "very old",
    "logs/other.txt": "not a log",
  });
  const env = { FTP_URL: server.url + "/", LOG_DIR: join(dir.path, "logs") };
  const first = await ferry(["run", example("pull-logs.yaml"), "--json"], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(Object.keys(await treeOf(join(dir.path, "logs"))).sort(), [
    "app.log",
    "app.log.1",
    "app.log.12.gz",
    "app.log.2.gz",
  ]);
  await assert.rejects(Deno.stat(join(server.root, "logs/app.log.12.gz")));

  await Deno.writeTextFile(join(server.root, "logs/app.log"), "line 2\nline 3\n", { append: true });
  const second = await ferry(["run", example("pull-logs.yaml"), "--json"], { env });
  assert.equal(second.code, 0, second.stderr);
  const actions = reportOf(second).steps[0].actions;
  const grown = actions.find((a) => a.path.endsWith("/app.log"))!;
  assert.equal(grown.action, "download");
  assert.equal(grown.resumedFrom, 7);
  assert.equal(grown.bytes, 7 + 14, "the local file's last bytes are read again, to compare");
  assert.equal(await Deno.readTextFile(join(dir.path, "logs/app.log")), "line 1\nline 2\nline 3\n");
  assert.ok(actions.filter((a) => a.action === "skip").length >= 2);

  // A nightly rotation: app.log becomes app.log.1, and a fresh app.log is
  // soon longer than the old one. It is fetched whole, not appended.
  await Deno.rename(join(server.root, "logs/app.log"), join(server.root, "logs/app.log.1"));
  await Deno.writeTextFile(
    join(server.root, "logs/app.log"),
    "tue 1\ntue 2\ntue 3\ntue 4\ntue 5\n",
  );
  const third = await ferry(["run", example("pull-logs.yaml"), "--json"], { env });
  assert.equal(third.code, 0, third.stderr);
  const local = await treeOf(join(dir.path, "logs"));
  const remote = await treeOf(join(server.root, "logs"));
  assert.equal(local["app.log"], remote["app.log"]);
  assert.equal(local["app.log.1"], remote["app.log.1"]);
});

Deno.test("tasks/mirror-down.jsonc mirrors a tree and removes what the server dropped", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, {
    "pub/readme.txt": "read me\n",
    "pub/releases/v1.tar": pseudoRandomBytes(300_000, 1),
    "pub/releases/v2.tar": pseudoRandomBytes(200_000, 2),
    "pub/.hidden": "excluded",
  });
  await writeTree(dir.path, {
    "mirror/removed-upstream.txt": "x",
    "mirror/.keep": "local only, excluded",
  });
  const env = { FTP_URL: server.url + "/", MIRROR_DIR: join(dir.path, "mirror") };
  const run = await ferry(["run", example("mirror-down.jsonc")], { env });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const local = await treeOf(join(dir.path, "mirror"));
  const remote = await treeOf(join(server.root, "pub"));
  delete remote[".hidden"];
  const { [".keep"]: kept, ...mirrored } = local;
  assert.ok(kept);
  assert.deepEqual(mirrored, remote);
});
