// Four promises of the README that a mutation audit found no test holding
// (issue 11, point 7), each tested where a user meets it, and each shown to
// fail when its guard is removed (tests/hardening/mutation_check.ts, M16 to
// M19):
//
// - downloadTo without `resume` never writes to the final path before the
//   download is whole: a file already there survives a failed download;
// - an upload into a temporary is renamed over the old file only when the
//   server holds every byte: a server that keeps fewer and answers 226
//   does not get a short file put in place;
// - a sync with `delete` deletes nothing after a failed transfer: a moved
//   file keeps its old copy when the new one did not arrive;
// - a temporary is continued only while the local file is the one it holds:
//   a file changed during the run is sent again from its first byte.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { treeOf, writeTree } from "../cli/_ferry.ts";
import { runSteps } from "../runner/_run.ts";

const PRECIOUS = "the only copy of something precious\n";

Deno.test("downloadTo without resume: a file already at the destination is untouched by a failed download", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const bytes = pseudoRandomBytes(600_000, 31);
  await Deno.writeFile(join(server.root, "big.bin"), bytes);
  const destination = join(dir.path, "big.bin");
  await Deno.writeTextFile(destination, PRECIOUS);
  await using client = await FtpClient.connect(server.url);

  server.faults.dataDropAfterBytes = 200_000;
  await assert.rejects(client.downloadTo("big.bin", destination));
  assert.equal(await Deno.readTextFile(destination), PRECIOUS);
  assert.deepEqual(Object.keys(await treeOf(dir.path)), ["big.bin"], "no partial file left");

  // Whole, it replaces the file in one step.
  server.faults = {};
  await client.downloadTo("big.bin", destination);
  assert.equal(await sha256File(destination), sha256(bytes));
});

for (const atomic of [false, true]) {
  Deno.test(`a server that stores fewer bytes than sent and answers 226: the short upload is not renamed over the good file (atomic: ${atomic})`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    await writeTree(server.root, { "www/page.bin": PRECIOUS });
    await writeTree(dir.path, { "site/page.bin": pseudoRandomBytes(300_000, 32) });
    server.faults.uploadKeepBytes = 100_000;
    const report = await runSteps(
      dir.path,
      server,
      `  - { put: { from: site/page.bin, to: www/page.bin, atomic: ${atomic} }, retries: 1 }\n`,
    );
    assert.equal(report.steps[0].result, "failed");
    const upload = report.steps[0].actions.find((a) => a.action === "upload")!;
    assert.equal(upload.result, "failed");
    assert.match(upload.error!.message, /the server holds \d+ of 300000 bytes after the upload/);
    assert.equal(upload.attempts, 2);
    assert.equal(await Deno.readTextFile(join(server.root, "www/page.bin")), PRECIOUS);
    assert.ok(!server.commands.includes("RNTO www/page.bin"), server.commands.join("\n"));
  });
}

Deno.test("sync up with delete deletes nothing after a failed upload: a moved file keeps its old copy", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  // The page was moved locally; its new name cannot be written on the server.
  await writeTree(dir.path, { "site/new-name.html": "page\n", "site/other.txt": "other\n" });
  await writeTree(server.root, { "www/old-name.html": "page\n", "www/other.txt": "other\n" });
  server.faults.onCommand = (c) =>
    c.verb === "STOR" && c.argument.startsWith("www/new-name.html")
      ? { reply: "553 Could not create file.\r\n" }
      : undefined;
  const report = await runSteps(
    dir.path,
    server,
    "  - { sync: { direction: up, local: site, remote: www, delete: true }, retries: 0 }\n",
  );
  assert.equal(report.steps[0].result, "failed");
  const deletion = report.steps[0].actions.find((a) => a.action === "delete")!;
  assert.equal(deletion.path, "www/old-name.html");
  assert.equal(deletion.result, "cancelled");
  assert.equal(await Deno.readTextFile(join(server.root, "www/old-name.html")), "page\n");
  assert.ok(!server.commands.some((c) => c.startsWith("DELE ")), server.commands.join("\n"));
});

Deno.test("sync down with delete deletes nothing after a failed download: a moved file keeps its old copy", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "src/new-name.txt": "data\n", "src/other.txt": "other\n" });
  await writeTree(dir.path, { "mirror/old-name.txt": "data\n", "mirror/other.txt": "other\n" });
  server.faults.onCommand = (c) =>
    c.verb === "RETR" && c.argument === "src/new-name.txt"
      ? { reply: "550 Permission denied.\r\n" }
      : undefined;
  const report = await runSteps(
    dir.path,
    server,
    "  - { sync: { direction: down, remote: src, local: mirror, delete: true }, retries: 0 }\n",
  );
  assert.equal(report.steps[0].result, "failed");
  const deletion = report.steps[0].actions.find((a) => a.action === "delete-local")!;
  assert.equal(deletion.result, "cancelled");
  assert.equal(await Deno.readTextFile(join(dir.path, "mirror/old-name.txt")), "data\n");
});

for (const atomic of [false, true]) {
  Deno.test(`a temporary is not continued after the local file changed during the run (atomic: ${atomic})`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    const local = join(dir.path, "site/data.bin");
    await writeTree(dir.path, { "site/data.bin": pseudoRandomBytes(600_000, 33) });
    await writeTree(server.root, { "www/data.bin": "an old version\n" });
    // The same size, other bytes, a later time: a prefix of the first
    // version is no prefix of this one.
    const changed = pseudoRandomBytes(600_000, 34);
    server.faults.dataDropAfterBytes = 200_000;
    const report = await runSteps(
      dir.path,
      server,
      `  - { put: { from: site/data.bin, to: www/data.bin, atomic: ${atomic} }, retries: 2 }\n`,
      {
        onEvent: (event) => {
          if (event.type !== "retry") return;
          // Between the tries: the cut upload is over, the next has not looked yet.
          server.faults = {};
          Deno.writeFileSync(local, changed);
          const later = new Date(Date.now() + 60_000);
          Deno.utimeSync(local, later, later);
        },
      },
    );
    assert.ok(report.ok, JSON.stringify(report.steps[0]));
    const upload = report.steps[0].actions.find((a) => a.action === "upload")!;
    assert.equal(upload.attempts, 2);
    assert.equal(upload.resumedFrom, undefined, "continued a temporary of another version");
    assert.equal(await sha256File(join(server.root, "www/data.bin")), sha256(changed));
  });
}
