// Committing atomic uploads, in-process: a server that will not rename over
// an existing file gets the old one moved aside, the new one renamed into
// place, and the old one removed; if the new one still cannot go into
// place, the old one is put back. The final path is never left empty.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { treeOf, writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

const STEP = "  - sync: { direction: up, local: site, remote: www, atomic: true }\n";

async function setUp(dir: string, server: FtpTestServer) {
  await writeTree(server.root, { "www/index.html": "<h1>v1 live site</h1>\n" });
  await writeTree(dir, { "site/index.html": "<h1>v2 of the site, longer</h1>\n" });
}

Deno.test("a server that will not rename over a file: the old one is moved aside, then removed", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await setUp(dir.path, server);
  server.faults.onCommand = async (c) => {
    if (c.verb !== "RNTO") return undefined;
    const exists = await Deno.stat(join(server.root, c.argument)).then(() => true, () => false);
    return exists ? { reply: "550 Cannot rename: file exists.\r\n" } : undefined;
  };
  const report = await runSteps(dir.path, server, STEP);
  assert.ok(report.ok, JSON.stringify(report.steps[0]));
  assert.deepEqual(await treeOf(join(server.root, "www")), await treeOf(join(dir.path, "site")));
  assert.match(report.steps[0].warnings.join("\n"), /would not rename over www\/index\.html/);
  assert.ok(!server.commands.includes("DELE www/index.html"), "the live file is never deleted");
});

Deno.test("when the new file cannot go into place at all, the old one is put back and kept", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await setUp(dir.path, server);
  let from = "";
  server.faults.onCommand = (c) => {
    if (c.verb === "RNFR") from = c.argument;
    // The upload may never become www/index.html; anything else may be renamed.
    return c.verb === "RNTO" && c.argument === "www/index.html" && from.endsWith(".ferry-part") &&
        !from.includes(".ferry-old")
      ? { reply: "553 Could not rename: permission denied.\r\n" }
      : undefined;
  };
  const report = await runSteps(dir.path, server, STEP);
  assert.equal(report.steps[0].result, "failed");
  assert.equal(
    await Deno.readTextFile(join(server.root, "www/index.html")),
    "<h1>v1 live site</h1>\n",
  );
  const names = Object.keys(await treeOf(join(server.root, "www")));
  assert.ok(!names.some((n) => n.includes("ferry-old")), names.join());
  assert.ok(!server.commands.includes("DELE www/index.html"), server.commands.join("\n"));
});
