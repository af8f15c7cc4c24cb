// Creating remote directories on every lab server (issue 15): mkdir -p sends
// the MKD of every level together (the trace shows them all sent before the
// first reply), whether none, some or all levels exist, and fails clearly
// where a level is a file; a run with four connections puts a nested tree
// into a missing folder and syncs into a partly existing one, the report
// matching both disks (every file's hash, every directory made).

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, FtpPermanentError } from "../../mod.ts";
import { tempDir } from "../_helpers.ts";
import { ferry, treeOf, writeServerTask, writeTree } from "./_ferry.ts";
import { LAB, type LabServer } from "./_lab.ts";
import { checkedFerry } from "./_report_check.ts";

/** The lab directory as the login sees it: "" or "pub/". */
function prefixOf(server: LabServer): string {
  return server.dir === server.root ? "" : `${server.dir.slice(server.root.length + 1)}/`;
}

async function isDirectory(path: string): Promise<boolean> {
  return await Deno.stat(path).then((info) => info.isDirectory, () => false);
}

/** The lines sent from the first MKD of a call up to the first reply after it. */
function firstFlight(trace: readonly string[], from: number): string[] {
  const rest = trace.slice(from);
  const start = rest.findIndex((line) => line.startsWith("send MKD"));
  const end = rest.findIndex((line, i) => i > start && line.startsWith("receive"));
  return rest.slice(start, end).map((line) => line.slice("send ".length));
}

for (const spec of LAB) {
  Deno.test(
    `mkdir -p on ${spec.name}: every level's MKD sent together, none, some or all existing; a file in the way is a clear error; four clients at once`,
    { ignore: spec.ignore },
    async () => {
      await using server = await spec.start();
      await writeTree(server.dir, { "some/": "", "file": "a file\n" });
      await server.settle();
      const url = new URL(server.url);
      const trace: string[] = [];
      await using client = await FtpClient.connect({
        host: url.hostname,
        port: Number(url.port),
        user: decodeURIComponent(url.username),
        password: server.password,
        debug: (m) => trace.push(`${m.direction} ${m.line}`),
      });
      const home = await client.pwd();
      const p = prefixOf(server);
      for (const path of [`${p}none/b/c`, `${p}some/b/c`, `${p}some/b/c`]) {
        const from = trace.length;
        await client.mkdir(path, { recursive: true });
        assert.ok(await isDirectory(join(server.root, path)), path);
        const levels = path.split("/").length;
        // Every MKD, and the CWD in and back, before the first reply.
        assert.deepEqual(
          firstFlight(trace, from).map((line) => line.split(" ")[0]),
          [...Array(levels).fill("MKD"), "CWD", "CWD"],
          trace.slice(from).join("\n"),
        );
      }
      const error = await client.mkdir(`${p}file/x/y`, { recursive: true }).catch((e) => e);
      assert.ok(error instanceof FtpPermanentError, String(error));
      assert.equal(error.code, 550);
      assert.equal(error.command, `MKD ${p}file`);
      assert.match(error.message, new RegExp(`"${p}file" is not a directory`));
      assert.equal(await Deno.readTextFile(join(server.dir, "file")), "a file\n");
      assert.equal(await client.pwd(), home, "the session's directory is kept");

      // Four clients at once over overlapping trees: a level another made first is no error.
      await Promise.all([0, 1, 2, 3].map(async (i) => {
        await using other = await FtpClient.connect({
          host: url.hostname,
          port: Number(url.port),
          user: decodeURIComponent(url.username),
          password: server.password,
        });
        const paths = [`${p}race/shared/deep/er`, `${p}race/own${i}/x`, `${p}race/shared/deep`];
        const results = await other.mkdirAll(paths, { recursive: true });
        assert.deepEqual(results.map((e) => e?.message), [undefined, undefined, undefined]);
      }));
      for (const path of ["race/shared/deep/er", "race/own0/x", "race/own3/x"]) {
        assert.ok(await isDirectory(join(server.dir, path)), path);
      }
    },
  );

  Deno.test(
    `put and sync with four connections on ${spec.name}: a nested tree into a missing folder, then into a partly existing one`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start();
      const site: Record<string, string> = {};
      for (let a = 0; a < 2; a++) {
        site[`s${a}/index.html`] = `section ${a}\n`;
        for (let b = 0; b < 3; b++) {
          for (let c = 0; c < 2; c++) site[`s${a}/p${b}/q${c}/page.html`] = `${a}.${b}.${c}\n`;
        }
      }
      await writeTree(join(dir.path, "site"), site);
      await writeTree(server.dir, { "part/s0/p0/kept.txt": "kept\n", "f": "a file\n" });
      await server.settle();
      const task = await writeServerTask(
        dir.path,
        `${server.connection}, parallel: 4`,
        `  - put: { from: site/, to: deploy/www/ }
  - sync: { direction: up, local: site, remote: part }
`,
      );
      const { result, report } = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const local = await treeOf(join(dir.path, "site"));
      assert.deepEqual(await treeOf(join(server.dir, "deploy/www")), local);
      const part = await treeOf(join(server.dir, "part"));
      for (const [path, hash] of Object.entries(local)) assert.equal(part[path], hash, path);
      assert.equal(await Deno.readTextFile(join(server.dir, "part/s0/p0/kept.txt")), "kept\n");
      const made = (step: number) =>
        report.steps[step].actions.filter((a) => a.action === "mkdir").map((a) => a.path);
      const dirs = Object.keys(local).filter((k) => k.endsWith("/")).map((k) => k.slice(0, -1));
      assert.deepEqual(made(0), ["deploy/www", ...dirs.map((d) => `deploy/www/${d}`)].sort());
      // s0 and s0/p0 existed.
      assert.deepEqual(
        made(1),
        dirs.filter((d) => d !== "s0" && d !== "s0/p0").map((d) => `part/${d}`).sort(),
      );

      // A folder below a file: each directory fails with the MKD in the way; nothing is sent up.
      const below = await writeServerTask(
        dir.path,
        `${server.connection}, parallel: 4`,
        `  - put: { from: site/, to: f/www/ }\n`,
      );
      const failed = await checkedFerry(server, dir.path, ["run", below]);
      assert.notEqual(failed.result.code, 0);
      const actions = failed.report.steps[0].actions;
      for (const action of actions.filter((a) => a.action === "mkdir")) {
        assert.equal(action.result, "failed", JSON.stringify(action));
        assert.match(action.error?.message ?? "", /"f" is not a directory/);
      }
      assert.ok(actions.filter((a) => a.action === "upload").every((a) => a.result !== "ok"));
      assert.equal(await Deno.readTextFile(join(server.dir, "f")), "a file\n");
    },
  );

  Deno.test(
    `mkdir, get and rm steps with path lists on ${spec.name}: stat-ed together, made together; two runs at once`,
    { ignore: spec.ignore },
    async () => {
      await using dir = await tempDir();
      await using server = await spec.start();
      await writeTree(server.dir, {
        "old/keep.txt": "kept\n",
        "a.txt": "a\n",
        "old/b.txt": "b\n",
        "c.txt": "c\n",
      });
      await server.settle();
      const mkdirs = ["new/x/y", "old", "new/z", "old/sub", "logs"];
      const task = await writeServerTask(
        dir.path,
        `${server.connection}, parallel: 4`,
        `  - mkdir: [${mkdirs.join(", ")}]\n`,
      );
      // Two runs at once, each over four connections: a directory the other
      // made first is no error.
      const runs = await Promise.all([0, 1].map(() => ferry(["run", task], { env: server.env })));
      for (const run of runs) assert.equal(run.code, 0, run.stdout + run.stderr);
      for (const path of mkdirs) assert.ok(await isDirectory(join(server.dir, path)), path);
      // A third run, checked against the disk: everything exists, nothing made.
      const again = await checkedFerry(server, dir.path, ["run", task]);
      assert.equal(again.result.code, 0, again.result.stdout + again.result.stderr);
      assert.ok(again.report.steps[0].actions.every((a) => a.action === "skip"));

      // A get of named files: stat-ed together, every byte home.
      const get = await writeServerTask(
        dir.path,
        `${server.connection}, parallel: 4`,
        `  - get: { from: [a.txt, old/b.txt, c.txt], to: got/ }\n`,
      );
      const got = await checkedFerry(server, dir.path, ["run", get]);
      assert.equal(got.result.code, 0, got.result.stdout + got.result.stderr);
      const there = await treeOf(server.dir);
      assert.deepEqual(await treeOf(join(dir.path, "got")), {
        "a.txt": there["a.txt"],
        "b.txt": there["old/b.txt"],
        "c.txt": there["c.txt"],
      });

      const rm = await writeServerTask(
        dir.path,
        `${server.connection}, parallel: 4`,
        `  - rm: [a.txt, gone.txt, old/b.txt, new/none.txt, c.txt]\n`,
      );
      const { result, report } = await checkedFerry(server, dir.path, ["run", rm]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(
        report.steps[0].actions.map((a) => `${a.action} ${a.path}`),
        ["delete a.txt", "skip gone.txt", "delete old/b.txt", "skip new/none.txt", "delete c.txt"],
      );
      for (const gone of ["a.txt", "old/b.txt", "c.txt"]) {
        assert.equal(await Deno.stat(join(server.dir, gone)).then(() => 1, () => 0), 0, gone);
      }
      assert.equal(await Deno.readTextFile(join(server.dir, "old/keep.txt")), "kept\n");
    },
  );
}
