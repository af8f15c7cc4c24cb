// Empty files (an empty `.nojekyll`, `__init__.py`, a placeholder) go up and
// come down like any other file, on every lab server: `put`, `get`, `sync`
// both ways with `delete`, atomic or not, through temporaries left by an
// earlier run; a re-run transfers nothing; the report says what the disks
// hold (issue 11, point 1).

import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../_helpers.ts";
import { ferry, reportOf, treeOf, writeServerTask, writeTree } from "./_ferry.ts";
import { LAB } from "./_lab.ts";
import { checkedFerry } from "./_report_check.ts";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

for (const spec of LAB) {
  Deno.test(
    `empty files on ${spec.name}: put, get, sync both ways (atomic or not, with delete); a re-run transfers nothing`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start();
      await writeTree(dir.path, {
        "s/a": "hi\n",
        "s/e": "",
        "s/sub/__init__.py": "",
        "site/index.html": "<h1>home</h1>\n",
        "site/empty.txt": "",
        "site/deep/placeholder": "",
        "site/replaced.txt": "",
        "mirror/stale.txt": "deleted by sync down\n",
      });
      await writeTree(server.dir, {
        "www/stale.html": "deleted by sync up\n",
        "www/replaced.txt": "an old version, replaced by an empty file\n",
        "www2/replaced.txt": "an old version\n",
        "incoming/empty.log": "",
        "incoming/full.log": "x\n",
        "mirror-src/e": "",
        "mirror-src/d/e2": "",
        "mirror-src/f": "f\n",
      });
      await server.settle();

      // The command: every file arrives, the empty one included.
      const put = await checkedFerry(server, dir.path, [
        "put",
        "s/",
        `${server.url}/x/`,
        "--password-env",
        "FTP_PASSWORD",
      ]);
      assert.equal(put.result.code, 0, put.result.stdout + put.result.stderr);
      assert.deepEqual(await treeOf(join(server.dir, "x")), await treeOf(join(dir.path, "s")));
      assert.equal((await Deno.stat(join(server.dir, "x/e"))).size, 0);
      assert.equal(
        put.report.steps[0].warnings.length,
        0,
        put.report.steps[0].warnings.join("\n"),
      );

      const task = await writeServerTask(
        dir.path,
        server.connection,
        `  - sync: { direction: up, local: site, remote: www, delete: true, atomic: true }
  - sync: { direction: up, local: site, remote: www2, delete: true }
  - get: { from: "incoming/*.log", to: inbox/ }
  - sync: { direction: down, remote: mirror-src, local: mirror, delete: true }
`,
      );
      const run = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(run.result.code, 0, run.result.stdout + run.result.stderr);
      const site = await treeOf(join(dir.path, "site"));
      assert.deepEqual(await treeOf(join(server.dir, "www")), site);
      assert.deepEqual(await treeOf(join(server.dir, "www2")), site);
      assert.deepEqual(
        await treeOf(join(dir.path, "mirror")),
        await treeOf(join(server.dir, "mirror-src")),
      );
      assert.equal((await treeOf(join(dir.path, "inbox")))["empty.log"], EMPTY_SHA256);

      // Nothing is left to do: no upload, no download, no change.
      for (
        const args of [["run", task], [
          "put",
          "s/",
          `${server.url}/x/`,
          "--password-env",
          "FTP_PASSWORD",
        ]]
      ) {
        const again = await checkedFerry(server, dir.path, args);
        assert.equal(again.result.code, 0, again.result.stderr);
        assert.deepEqual(
          { transferred: again.report.totals.transferred, changed: again.report.totals.changed },
          { transferred: 0, changed: 0 },
          again.result.stdout,
        );
      }

      // A one-shot get of an empty file, over a partial file an earlier try left.
      await Deno.mkdir(join(dir.path, "got"));
      await Deno.writeFile(join(dir.path, "got/empty.log.ferry-part"), new Uint8Array());
      const get = await checkedFerry(server, dir.path, [
        "get",
        `${server.url}/incoming/empty.log`,
        "got/",
        "--resume",
        "--password-env",
        "FTP_PASSWORD",
      ]);
      assert.equal(get.result.code, 0, get.result.stderr);
      assert.deepEqual(await treeOf(join(dir.path, "got")), { "empty.log": EMPTY_SHA256 });
    },
  );

  Deno.test(
    `empty files on ${spec.name}: an atomic upload continues the empty temporaries an earlier run left`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start();
      await writeTree(dir.path, {
        "site/placeholder": "",
        "site/a/__init__.py": "",
        "site/b": "b",
      });
      await writeTree(server.dir, { "www/a/__init__.py": "old\n" });
      await server.settle();
      const task = await writeServerTask(
        dir.path,
        server.connection,
        `  - sync: { direction: up, local: site, remote: www, atomic: true }\n`,
      );
      // The temporaries this run will write to, as if an earlier run had
      // written them and stopped before renaming them into place.
      const plan = reportOf(
        await ferry(["plan", task, "--json"], { cwd: dir.path, env: server.env }),
      );
      const temporaries = plan.steps[0].actions.filter((a) => a.action === "rename")
        .map((a) => a.from!);
      assert.equal(temporaries.length, 3, JSON.stringify(plan.steps[0].actions));
      for (const temporary of temporaries) {
        if (!temporary.includes("/b.")) {
          await Deno.writeFile(join(server.dir, temporary), new Uint8Array());
        }
      }
      await server.settle();

      const run = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(run.result.code, 0, run.result.stdout + run.result.stderr);
      assert.deepEqual(await treeOf(join(server.dir, "www")), await treeOf(join(dir.path, "site")));
      const rerun = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(rerun.report.totals.transferred, 0, rerun.result.stdout);
    },
  );
}
