// One-shot commands (ls, get, put, mkdir, rm), `ferry serve`, and
// `ferry permissions`, whose flags must be enough to run the job.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { ferry, reportOf, spawnFerry, treeOf, writeTask, writeTree } from "./_ferry.ts";

Deno.test("ls, get, put, mkdir and rm on URLs, with the password kept out of output", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { bob: "pw-Xy7!qq" }, anonymous: false });
  const bytes = pseudoRandomBytes(150_000, 4);
  await writeTree(server.root, { "pub/data.bin": bytes, "pub/notes.txt": "notes\n" });
  const url = `ftp://bob:${encodeURIComponent("pw-Xy7!qq")}@127.0.0.1:${server.port}`;
  const all: string[] = [];
  const run = async (args: string[]) => {
    const result = await ferry(args, { cwd: dir.path });
    all.push(result.stdout, result.stderr);
    assert.equal(result.code, 0, `${args.join(" ")}\n${result.stdout}${result.stderr}`);
    return result;
  };

  const ls = await run(["ls", `${url}/pub/`]);
  assert.match(ls.stdout, /^- +150 kB +\d{4}-\d\d-\d\d \d\d:\d\d +data\.bin$/m);
  const json = JSON.parse((await run(["ls", `${url}/pub/`, "--json"])).stdout);
  assert.deepEqual(json.map((e: { name: string }) => e.name).sort(), ["data.bin", "notes.txt"]);

  await run(["get", `${url}/pub/data.bin`]);
  assert.equal(await sha256File(join(dir.path, "data.bin")), sha256(bytes));
  await run(["get", `${url}/pub/*.txt`, "texts/"]);
  assert.equal(await Deno.readTextFile(join(dir.path, "texts/notes.txt")), "notes\n");

  await run(["mkdir", `${url}/up/deep`]);
  await run(["put", join(dir.path, "data.bin"), `${url}/up/deep/`, "--atomic"]);
  assert.equal(await sha256File(join(server.root, "up/deep/data.bin")), sha256(bytes));
  await run(["rm", `${url}/pub/*.txt`]);
  await assert.rejects(Deno.stat(join(server.root, "pub/notes.txt")));

  const missing = await ferry(["get", `${url}/pub/nothing.bin`], { cwd: dir.path });
  assert.equal(missing.code, 1);
  all.push(missing.stdout, missing.stderr);
  const denied = await ferry(["ls", `ftp://bob:wrong-pw-zz@127.0.0.1:${server.port}/`]);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /530/);
  all.push(denied.stdout, denied.stderr);
  for (const text of all) {
    assert.ok(!text.includes("pw-Xy7!qq") && !text.includes(encodeURIComponent("pw-Xy7!qq")), text);
    assert.ok(!text.includes("wrong-pw-zz"), text);
  }
});

Deno.test("ferry ls opens a client and lists: no task, no command that changes the server", async () => {
  await using server = await FtpTestServer.start({ users: { bob: "pw-Ls4!ww" }, anonymous: false });
  await writeTree(server.root, { "pub/a.txt": "a\n", "pub/b.txt": "b\n" });
  const url = `ftp://bob:${encodeURIComponent("pw-Ls4!ww")}@127.0.0.1:${server.port}/pub/`;
  const result = await ferry(["ls", url, "--json"]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const names = JSON.parse(result.stdout).map((e: { name: string }) => e.name).sort();
  assert.deepEqual(names, ["a.txt", "b.txt"]);
  const verbs = server.commands.map((line) => line.split(" ")[0].toUpperCase());
  assert.ok(verbs.includes("MLSD") || verbs.includes("LIST"), verbs.join(" "));
  const changing = ["MKD", "XMKD", "RMD", "XRMD", "DELE", "STOR", "APPE", "STOU", "RNFR", "SITE"];
  assert.deepEqual(verbs.filter((verb) => changing.includes(verb)), [], verbs.join(" "));
  // One connection: ls is one client, not a task's pool.
  assert.equal(verbs.filter((verb) => verb === "USER").length, 1, verbs.join(" "));
  assert.deepEqual(Object.keys(await treeOf(server.root)), ["pub/", "pub/a.txt", "pub/b.txt"]);
});

Deno.test("ferry serve runs the embedded server until Ctrl-C", async () => {
  await using dir = await tempDir();
  await writeTree(dir.path, { "hello.txt": "hello\n" });
  // Port 0: the system's free port, which the banner names (a random port
  // once met one in use, in CI on 0879cc0).
  const child = spawnFerry([
    "serve",
    "--root",
    dir.path,
    "--port",
    "0",
    "--user",
    "amy:pw",
  ]);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  // Bounded by the banner's two lines.
  while (!banner.includes("Ctrl-C")) {
    const { value, done } = await reader.read();
    if (done) break;
    banner += value;
  }
  const port = /ftp:\/\/127\.0\.0\.1:(\d+)\/? serving/.exec(banner)?.[1];
  assert.ok(port && port !== "0", banner);
  const ls = await ferry(["ls", `ftp://amy:pw@127.0.0.1:${port}/`]);
  assert.match(ls.stdout, /hello\.txt/);
  child.kill("SIGINT");
  reader.releaseLock();
  await child.stdout.cancel().catch(() => {});
  const status = await child.status;
  assert.equal(status.code, 130);
});

Deno.test("ferry permissions prints flags that are enough to run the job", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { eve: "pw-Perm1" }, anonymous: false });
  await writeTree(dir.path, { "site/index.html": "<p>hi</p>\n", "site/css/a.css": "a{}\n" });
  await writeTree(server.root, { "logs/app.log": "line\n" });
  await Deno.writeTextFile(join(dir.path, ".env"), "FERRY_TEST_PW=pw-Perm1\n");
  const task = await writeTask(
    dir.path,
    "job.yaml",
    `version: 1
connection: { url: "${server.url}", user: eve, password: "\${FERRY_TEST_PW}" }
steps:
  - sync: { direction: up, local: site, remote: www }
  - get: { from: logs/app.log, to: pulled/ }
`,
  );
  const perms = await ferry(["permissions", task, "--report", "out/report.json"], {
    cwd: dir.path,
  });
  assert.equal(perms.code, 0, perms.stderr);
  const flags = perms.stdout.trim().split(" ");
  assert.deepEqual(flags.map((f) => f.split("=")[0]), [
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
  ]);
  assert.equal(flags[0], "--allow-net=127.0.0.1");
  assert.equal(flags[3], "--allow-env=FERRY_TEST_PW");
  const result = await ferry(["run", task, "--report", "out/report.json"], {
    cwd: dir.path,
    permissions: flags,
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(await Deno.readTextFile(join(dir.path, "pulled/app.log")), "line\n");
  assert.deepEqual(await treeOf(join(server.root, "www")), await treeOf(join(dir.path, "site")));
  assert.ok(
    reportOf({ ...result, stdout: await Deno.readTextFile(join(dir.path, "out/report.json")) }).ok,
  );
  // And the write flag is really needed: without it the download fails.
  await Deno.remove(join(dir.path, "pulled"), { recursive: true });
  const narrower = flags.filter((f) => !f.startsWith("--allow-write"));
  const denied = await ferry(["run", task], { cwd: dir.path, permissions: narrower });
  assert.notEqual(denied.code, 0);
});
