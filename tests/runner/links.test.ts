// Local symbolic links are never written through: a download, a local
// mkdir or a local delete under a link to a directory is refused, so a
// sync down cannot reach outside its local root.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

Deno.test("sync down and get refuse to write through a local link to a directory", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, {
    "pub/docs/x.txt": "from the server\n",
    "pub/docs/deeper/y.txt": "y\n",
    "pub/top.txt": "top\n",
  });
  await writeTree(dir.path, { "outside/": "", "mirror/": "", "out/": "" });
  await Deno.symlink(join(dir.path, "outside"), join(dir.path, "mirror/docs"));
  await Deno.symlink(join(dir.path, "outside"), join(dir.path, "out/docs"));
  const report = await runSteps(
    dir.path,
    server,
    `  - { sync: { direction: down, remote: pub, local: mirror }, continueOnError: true }
  - { get: { from: pub, to: out/ }, continueOnError: true }
`,
  );
  assert.deepEqual(report.steps.map((s) => s.result), ["failed", "failed"]);
  for (const step of report.steps) {
    assert.match(
      step.error?.message ?? JSON.stringify(step.actions),
      /docs is a symbolic link: ferry does not write through links/,
    );
  }
  assert.deepEqual([...Deno.readDirSync(join(dir.path, "outside"))], []);
});

Deno.test("a link planted at a download's temporary name is not followed", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "server data\n" });
  await writeTree(dir.path, { "victim.txt": "must survive", "out/": "" });
  await Deno.symlink(join(dir.path, "victim.txt"), join(dir.path, "out/a.txt.ferry-part"));
  const report = await runSteps(dir.path, server, "  - get: { from: pub/a.txt, to: out/ }\n");
  assert.equal(await Deno.readTextFile(join(dir.path, "victim.txt")), "must survive");
  assert.equal(report.steps[0].result, "failed");
  assert.match(
    report.steps[0].actions[0].error!.message,
    /a\.txt\.ferry-part is a symbolic link: ferry does not write through links/,
  );
});
