// sync's delete, both directions, in-process: what a listing may be hiding
// (entries it could not read, unsafe names, links not followed) is never
// taken for absent, an empty source refuses, and everything else extraneous
// goes.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { treeOf, writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

const LINE = (name: string, kind = "-rw-r--r--") =>
  `${kind}   1 ftp      ftp             5 Jan 01  2024 ${name}`;

Deno.test("sync down with delete: local files a listing may hide are kept, the rest is deleted", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ disabledCommands: ["MLSD", "MLST"] });
  await writeTree(server.root, {
    "pub/one.txt": "same\n",
    "pub/clean/a.txt": "same\n",
    "pub/odd/b.txt": "same\n",
    "pub/docs/": "",
  });
  await writeTree(dir.path, {
    "mirror/one.txt": "same\n",
    "mirror/precious.txt": "the listing of pub could not show it",
    "mirror/C:boot.ini": "listed, but under an unsafe name",
    "mirror/clean/a.txt": "same\n",
    "mirror/clean/stale.txt": "gone from a cleanly listed directory",
    "mirror/docs/kept.txt": "below a link the walk did not follow",
    "mirror/gone/old.txt": "gone with its directory",
  });
  server.faults.listing = (r) => {
    if (r.path === "/pub") {
      return [
        LINE("one.txt"),
        LINE("clean", "drwxr-xr-x"),
        "?rw-r--r--   1 ftp      ftp             5 Jan 01  2024 precious.txt",
        LINE("C:boot.ini"),
        LINE("docs -> /elsewhere", "lrwxrwxrwx"),
      ];
    }
    return undefined;
  };
  const report = await runSteps(
    dir.path,
    server,
    "  - sync: { direction: down, remote: pub, local: mirror, delete: true }\n",
  );
  assert.ok(report.ok, JSON.stringify(report.steps[0].error));
  const local = Object.keys(await treeOf(join(dir.path, "mirror")));
  assert.deepEqual(local.sort(), [
    "C:boot.ini",
    "clean/",
    "clean/a.txt",
    "docs/",
    "docs/kept.txt",
    "one.txt",
    "precious.txt",
  ]);
  const warnings = report.steps[0].warnings.join("\n");
  assert.match(
    warnings,
    /Not deleting 1 entry at .*mirror\/precious\.txt: a line of the server's listing that could not be read may name it/,
  );
  assert.match(warnings, /Not deleting 1 entry at .*mirror\/C:boot\.ini: the listing skipped it/);
  assert.match(
    warnings,
    /Not deleting 2 entries at .*mirror\/docs: pub\/docs is a link \(not followed\)/,
  );
});

Deno.test("sync up with delete: what the local walk skipped (a link to a directory) is kept remotely", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "site/index.html": "new", "elsewhere/guide.html": "g" });
  await Deno.symlink(join(dir.path, "elsewhere"), join(dir.path, "site/docs"));
  await writeTree(server.root, {
    "www/index.html": "old",
    "www/docs/guide.html": "published earlier",
    "www/stale.html": "gone",
  });
  const report = await runSteps(
    dir.path,
    server,
    "  - sync: { direction: up, local: site, remote: www, delete: true }\n",
  );
  assert.ok(report.ok, JSON.stringify(report.steps[0].error));
  assert.deepEqual(Object.keys(await treeOf(join(server.root, "www"))).sort(), [
    "docs/",
    "docs/guide.html",
    "index.html",
  ]);
  assert.match(report.steps[0].warnings.join("\n"), /Not deleting 2 entries at www\/docs: Skipped/);
});

Deno.test("sync with delete from an empty source refuses, in both directions", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "empty/": "", "full/a.txt": "a" });
  await writeTree(server.root, { "www/a.txt": "a", "void/": "" });
  const report = await runSteps(
    dir.path,
    server,
    `  - { sync: { direction: up, local: empty, remote: www, delete: true }, continueOnError: true }
  - { sync: { direction: down, remote: void, local: full, delete: true }, continueOnError: true }
`,
  );
  assert.deepEqual(report.steps.map((s) => s.result), ["failed", "failed"]);
  assert.match(report.steps[0].error!.message, /empty has no files to sync.*refusing/);
  assert.match(report.steps[1].error!.message, /void has no files to sync.*refusing/);
  assert.ok(!server.commands.some((c) => /^(DELE|RMD)/.test(c)));
  assert.equal(await Deno.readTextFile(join(dir.path, "full/a.txt")), "a");
  assert.equal(await Deno.readTextFile(join(server.root, "www/a.txt")), "a");
});

Deno.test("get and sync down under a hostile listing (../x, a/b, /abs): nothing lands outside, each is warned", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "evil/good.txt": "good", "escape.txt": "outside" });
  const hostile = ["../escape.txt", "a/b.txt", "/etc/ferry-abs.txt", "..\\win.txt"];
  server.faults.listing = (r) =>
    r.path === "/evil"
      ? [...hostile, "good.txt"].map((n) => `type=file;size=4;modify=20260102030405; ${n}`)
      : undefined;
  await writeTree(dir.path, { "mirror/stale.txt": "deleted", "sentinel.txt": "outside" });
  const report = await runSteps(
    dir.path,
    server,
    `  - get: { from: evil, to: out/ }
  - get: { from: "evil/*.txt", to: globbed/ }
  - sync: { direction: down, remote: evil, local: mirror, delete: true }
`,
  );
  assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error)));
  for (const step of report.steps) {
    for (const name of hostile) {
      const shown = JSON.stringify(name).slice(1, -1);
      assert.ok(step.warnings.some((w) => w.includes(shown)), `${step.name}: ${name}`);
    }
  }
  assert.deepEqual(Object.keys(await treeOf(dir.path)).sort(), [
    "globbed/",
    "globbed/good.txt",
    "mirror/",
    "mirror/good.txt",
    "out/",
    "out/good.txt",
    "sentinel.txt",
    "task.yaml",
  ]);
  assert.ok(!server.commands.some((c) => /^RETR .*(\.\.|\/etc|b\.txt)/.test(c)));
});
