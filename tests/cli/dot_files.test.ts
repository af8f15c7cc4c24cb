// Dot-files through the CLI on every lab server (issue 11, point 2): `ls`,
// a recursive `get`, `sync` up and down with `delete` see `.htaccess` and
// friends; a re-run transfers nothing; the report matches both disks. The
// embedded server runs as vsftpd does: no MLSD, and dot-files left out of
// a plain LIST. On a server that cannot be asked for them, a sync down
// keeps local dot-files and a dot-file goes up through a temporary.

import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../_helpers.ts";
import { ferry, treeOf, writeServerTask, writeTree } from "./_ferry.ts";
import { LAB } from "./_lab.ts";
import { checkedFerry } from "./_report_check.ts";

for (const spec of LAB) {
  Deno.test(
    `dot-files on ${spec.name}: ls, get and sync both ways with delete see them; a re-run transfers nothing`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start({ hideDotFiles: true, disabledCommands: ["MLSD"] });
      await writeTree(dir.path, {
        "site/index.html": "<h1>home</h1>\n",
        "site/.htaccess": "Require all granted\n",
        "site/.nojekyll": "",
        "site/.well-known/security.txt": "Contact: mailto:x@example.com\n",
        "backup/.stale-dot": "not on the server: deleted by sync down\n",
      });
      await writeTree(server.dir, {
        "www/.htaccess": "Require all denied\n",
        "www/.old-dot": "not in site: deleted by sync up\n",
        "backup-src/.env": "A=1\n",
        "backup-src/.config/app.ini": "x=1\n",
        "backup-src/visible.txt": "v\n",
      });
      await server.settle();

      const ls = await ferry(
        ["ls", `${server.url}/backup-src/`, "--json", "--password-env", "FTP_PASSWORD"],
        { cwd: dir.path, env: server.env },
      );
      assert.equal(ls.code, 0, ls.stderr);
      assert.deepEqual(
        (JSON.parse(ls.stdout) as { name: string }[]).map((e) => e.name).sort(),
        [".config", ".env", "visible.txt"],
      );
      assert.equal(ls.stderr, "");

      const task = await writeServerTask(
        dir.path,
        server.connection,
        `  - sync: { direction: up, local: site, remote: www, delete: true }
  - get: { from: backup-src/, to: got/ }
  - sync: { direction: down, remote: backup-src, local: backup, delete: true }
`,
      );
      const run = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(run.result.code, 0, run.result.stdout + run.result.stderr);
      for (const step of run.report.steps) assert.deepEqual(step.warnings, [], step.name);
      const source = await treeOf(join(server.dir, "backup-src"));
      assert.deepEqual(await treeOf(join(server.dir, "www")), await treeOf(join(dir.path, "site")));
      assert.deepEqual(await treeOf(join(dir.path, "got")), source);
      assert.deepEqual(await treeOf(join(dir.path, "backup")), source);
      if (server.embedded) {
        // The old .htaccess was seen, so it was replaced through a temporary.
        assert.ok(
          server.embedded.commands.some((c) => /^RNTO www\/\.htaccess$/.test(c)),
          server.embedded.commands.join("\n"),
        );
      }

      const again = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(again.result.code, 0, again.result.stderr);
      assert.deepEqual(
        { transferred: again.report.totals.transferred, changed: again.report.totals.changed },
        { transferred: 0, changed: 0 },
        again.result.stdout,
      );
    },
  );
}

Deno.test("a server that hides dot-files and cannot be asked: one warning, local dot-files kept, dot-files go up through a temporary", async () => {
  await using dir = await tempDir();
  await using server = await LAB[0].start({
    hideDotFiles: true,
    listOptions: false,
    disabledCommands: ["MLSD"],
  });
  await writeTree(dir.path, {
    "site/.htaccess": "new rules\n",
    "site/index.html": "home\n",
    "mirror/.local-only": "the server may hold it unseen: kept\n",
    "mirror/gone.txt": "not on the server: deleted\n",
  });
  await writeTree(server.dir, {
    "www/.htaccess": "old rules\n",
    "src/.env": "A=1\n",
    "src/visible.txt": "v\n",
  });
  const task = await writeServerTask(
    dir.path,
    server.connection,
    `  - sync: { direction: down, remote: src, local: mirror, delete: true }
  - sync: { direction: up, local: site, remote: www }
`,
  );
  const run = await checkedFerry(server, dir.path, ["run", task]);
  assert.equal(run.result.code, 0, run.result.stdout + run.result.stderr);
  const warnings = run.report.steps.flatMap((s) => s.warnings);
  assert.equal(warnings.filter((w) => w.includes('"LIST -a"')).length, 1, warnings.join("\n"));
  assert.ok(
    warnings.some((w) =>
      /Not deleting 1 entry at \S*mirror\/\.local-only: .*start with a dot/.test(w)
    ),
    warnings.join("\n"),
  );
  assert.deepEqual(Object.keys(await treeOf(join(dir.path, "mirror"))), [
    ".local-only",
    "visible.txt",
  ]);
  // The hidden .htaccess may exist (it does): replaced through a temporary, never cut in place.
  const commands = server.embedded!.commands;
  assert.ok(commands.some((c) => /^STOR www\/\.htaccess\.[0-9a-f]{12}\.ferry-part$/.test(c)));
  assert.ok(commands.some((c) => c === "RNTO www/.htaccess"), commands.join("\n"));
  assert.equal(await Deno.readTextFile(join(server.dir, "www/.htaccess")), "new rules\n");
});
