// When an upload may continue what the server holds, in-process: only when
// those bytes are known to be this file's. A retry continues what an
// earlier try of this run started writing; an atomic upload's temporary
// file, named after the local file's size and time, is continued by a later
// run of the same file; anything else starts over, and stale temporaries go.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { treeOf, writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

/** The names in the server's `www`, sorted. */
async function wwwNames(server: FtpTestServer): Promise<string[]> {
  return Object.keys(await treeOf(join(server.root, "www"))).sort();
}

/** Fails the first STOR (or APPE) with a 425, before the server opens the file. */
function refuseFirstStore(server: FtpTestServer): void {
  let stores = 0;
  server.faults.onCommand = (c) =>
    (c.verb === "STOR" || c.verb === "APPE") && ++stores === 1
      ? { reply: "425 Can't open data connection.\r\n" }
      : undefined;
}

for (const atomic of [false, true]) {
  Deno.test(`a retry after a store that never started sends the whole file (atomic: ${atomic})`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    await writeTree(server.root, {
      "www/page.html": "OLD-OLD-OLD-OLD-OLD\n",
      // A temporary from another run, under the name ferry used before.
      "www/page.html.ferry-part": "STALE-PART-FROM-RUN1",
    });
    await writeTree(dir.path, {
      "site/page.html": "new content, version 2, longer than the old one\n",
    });
    refuseFirstStore(server);
    const step = `  - put: { from: site/page.html, to: www/page.html, atomic: ${atomic} }\n`;
    const report = await runSteps(dir.path, server, step);
    assert.ok(report.ok, JSON.stringify(report.steps[0]));
    const upload = report.steps[0].actions.find((a) => a.action === "upload")!;
    assert.equal(upload.attempts, 2);
    assert.equal(upload.resumedFrom, undefined);
    assert.ok(!server.commands.some((c) => /^(REST [1-9]|APPE)/.test(c)), server.commands.join());
    assert.equal(
      await Deno.readTextFile(join(server.root, "www/page.html")),
      "new content, version 2, longer than the old one\n",
    );
    server.faults = {};
    const rerun = await runSteps(dir.path, server, step);
    assert.equal(rerun.totals.transferred, 0);
  });
}

Deno.test("an atomic upload cut off in one run is continued by the next, if the file is unchanged", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const bytes = pseudoRandomBytes(600_000, 21);
  await writeTree(dir.path, { "site/big.bin": bytes, "site/small.txt": "small\n" });
  await writeTree(server.root, { "www/big.bin": "the old version" });
  const step =
    "  - { sync: { direction: up, local: site, remote: www, atomic: true }, retries: 0 }\n";
  server.faults.dataDropAfterBytes = 200_000;
  const cut = await runSteps(dir.path, server, step);
  assert.equal(cut.steps[0].result, "failed");
  assert.equal(await Deno.readTextFile(join(server.root, "www/big.bin")), "the old version");
  // The temporaries are kept for the next run: the partial one and the whole one.
  const temporaries = (await wwwNames(server)).filter((p) => p.endsWith(".ferry-part"));
  assert.equal(temporaries.length, 2, temporaries.join());
  assert.match(temporaries[0], /^big\.bin\.[0-9a-f]{12}\.ferry-part$/);
  assert.match(temporaries[1], /^small\.txt\.[0-9a-f]{12}\.ferry-part$/);

  server.faults = {};
  const next = await runSteps(dir.path, server, step);
  assert.ok(next.ok, JSON.stringify(next.steps[0]));
  const upload = next.steps[0].actions.find((a) =>
    a.path.endsWith("big.bin") && a.action === "upload"
  )!;
  assert.ok((upload.resumedFrom ?? 0) >= 100_000, JSON.stringify(upload));
  const small = next.steps[0].actions.find((a) =>
    a.path.endsWith("small.txt") && a.action === "upload"
  )!;
  assert.equal(small.bytes, 0, "the whole temporary is committed as it is");
  assert.equal(await sha256File(join(server.root, "www/big.bin")), sha256(bytes));
  assert.deepEqual(await wwwNames(server), [
    "big.bin",
    "small.txt",
  ]);
});

Deno.test("a temporary from a run of another version of the file is not continued, and is removed", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const v1 = pseudoRandomBytes(600_000, 1);
  const v2 = pseudoRandomBytes(600_000, 2);
  await writeTree(dir.path, { "site/big.bin": v1 });
  const step = "  - { put: { from: site/big.bin, to: www/, atomic: true }, retries: 0 }\n";
  server.faults.dataDropAfterBytes = 200_000;
  await runSteps(dir.path, server, step);
  server.faults = {};
  // Same size, new content, a new time: another version.
  await Deno.writeFile(join(dir.path, "site/big.bin"), v2);
  const later = new Date(Date.now() + 5_000);
  await Deno.utime(join(dir.path, "site/big.bin"), later, later);
  const report = await runSteps(dir.path, server, step);
  assert.ok(report.ok, JSON.stringify(report.steps[0]));
  const upload = report.steps[0].actions.find((a) => a.action === "upload")!;
  assert.equal(upload.resumedFrom, undefined);
  assert.equal(await sha256File(join(server.root, "www/big.bin")), sha256(v2));
  assert.deepEqual(await wwwNames(server), ["big.bin"]);
});

Deno.test("without REST, a retry continues with APPE what this run's try stored", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ disabledCommands: ["REST"] });
  const bytes = pseudoRandomBytes(500_000, 5);
  await writeTree(dir.path, { "site/big.bin": bytes });
  let stores = 0;
  server.faults.onCommand = (c) => {
    if (c.verb === "STOR" && ++stores === 1) server.faults.dataDropAfterBytes = 200_000;
    else if (c.verb === "APPE") server.faults.dataDropAfterBytes = undefined;
    return undefined;
  };
  const report = await runSteps(
    dir.path,
    server,
    "  - put: { from: site/big.bin, to: www/, atomic: true }\n",
  );
  assert.ok(report.ok, JSON.stringify(report.steps[0]));
  const upload = report.steps[0].actions.find((a) => a.action === "upload")!;
  assert.ok((upload.resumedFrom ?? 0) > 0);
  assert.ok(server.commands.some((c) => c.startsWith("APPE ")), server.commands.join());
  assert.equal(await sha256File(join(server.root, "www/big.bin")), sha256(bytes));
});

Deno.test("a non-atomic upload of a new file that fails part-way leaves no partial file at its final path", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/big.bin": pseudoRandomBytes(600_000, 8) });
  await writeTree(server.root, { "www/keep.txt": "k" });
  server.faults.dataDropAfterBytes = 200_000;
  const report = await runSteps(
    dir.path,
    server,
    "  - { put: { from: site/big.bin, to: www/ }, retries: 1 }\n",
  );
  assert.equal(report.steps[0].result, "failed");
  assert.deepEqual(await wwwNames(server), ["keep.txt"]);
  assert.match(report.steps[0].warnings.join("\n"), /Removed the partial upload at www\/big\.bin/);
});

Deno.test("a non-atomic upload that replaces a file and fails part-way leaves the old file whole; the next run finishes it", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const bytes = pseudoRandomBytes(600_000, 8);
  await writeTree(dir.path, { "site/big.bin": bytes });
  await writeTree(server.root, { "www/big.bin": "the old version", "www/keep.txt": "k" });
  server.faults.dataDropAfterBytes = 200_000;
  const failed = await runSteps(
    dir.path,
    server,
    "  - { put: { from: site/big.bin, to: www/ }, retries: 1 }\n",
  );
  assert.equal(failed.steps[0].result, "failed");
  assert.equal(await Deno.readTextFile(join(server.root, "www/big.bin")), "the old version");
  server.faults = {};
  const report = await runSteps(dir.path, server, "  - put: { from: site/big.bin, to: www/ }\n");
  assert.ok(report.ok, JSON.stringify(report.steps[0]));
  assert.equal(await sha256File(join(server.root, "www/big.bin")), sha256(bytes));
  assert.deepEqual(await wwwNames(server), [
    "big.bin",
    "keep.txt",
  ]);
});

Deno.test("replacing a file on a server that refuses renames: the old file stays and the warning says what to do", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ disabledCommands: ["RNFR", "RNTO"] });
  await writeTree(dir.path, { "site/page.html": "the new, longer version" });
  await writeTree(server.root, { "www/page.html": "the old version" });
  const report = await runSteps(dir.path, server, "  - put: { from: site/page.html, to: www/ }\n");
  assert.equal(report.steps[0].result, "failed", JSON.stringify(report.steps[0]));
  assert.equal(await Deno.readTextFile(join(server.root, "www/page.html")), "the old version");
  assert.match(
    report.steps[0].warnings.join("\n"),
    /www\/page\.html was not replaced: the server refused to rename .* allow renames \(RNFR\/RNTO\)/,
  );
});

Deno.test("an upload the server accepted but stored nothing of: no leftover to remove, no warning", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(join(dir.path, "a.txt"), "alpha\n");
  server.faults.onCommand = (c) =>
    c.verb === "STOR" ? { reply: "150 Ok to send data.\r\n451 Local error.\r\n" } : undefined;
  const report = await runSteps(
    dir.path,
    server,
    `  - put: { from: a.txt, to: www/ }
    retries: 0
`,
  );
  assert.equal(report.steps[0].result, "failed");
  assert.deepEqual(report.steps[0].warnings, []);
  assert.ok(!server.commands.includes("DELE www/a.txt"), "nothing to delete");
});

for (const atomic of [false, true]) {
  Deno.test(`0-byte files are stored, new or replacing a file, after a refused store too (atomic: ${atomic})`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    await writeTree(dir.path, { "site/new.txt": "", "site/replaced.txt": "", "site/sub/x": "" });
    await writeTree(server.root, { "www/replaced.txt": "an old version with bytes\n" });
    refuseFirstStore(server);
    const step =
      `  - sync: { direction: up, local: site, remote: www, delete: true, atomic: ${atomic} }\n`;
    const report = await runSteps(dir.path, server, step);
    assert.ok(report.ok, JSON.stringify(report.steps[0]));
    assert.deepEqual(await treeOf(join(server.root, "www")), await treeOf(join(dir.path, "site")));
    const stores = server.commands.filter((c) => c.startsWith("STOR "));
    // Three files, and one store refused before it began.
    assert.equal(stores.length, 4, stores.join("\n"));
    assert.equal(report.totals.transferred, 3);
    server.faults = {};
    const rerun = await runSteps(dir.path, server, step);
    assert.equal(rerun.totals.transferred, 0, JSON.stringify(rerun.steps[0].actions));
  });
}
