// Invalid task files and arguments: exit 2, every problem named by
// file:line:column with the key and what is allowed, nothing contacted, and
// no password quoted back.

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { ferry, writeTask } from "./_ferry.ts";

Deno.test("invalid YAML task: exit 2 with file:line:column, key and allowed values", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const task = await writeTask(
    dir.path,
    "bad.yaml",
    `version: 1
connection:
  url: ${server.url}
  password: hunter2-secret
  paralel: 3
steps:
  - put:
      from: dist
      to: www/
      overwrite: sometimes
  - sync: { direction: sideways, local: a, remote: b }
  - name: no action here
`,
  );
  const result = await ferry(["run", task], { cwd: dir.path });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  const lines = result.stderr.trim().split("\n");
  assert.match(
    lines[0],
    /bad\.yaml:5:3: connection\.paralel: unknown key "paralel" in connection \(did you mean "parallel"\?\); allowed: url, host/,
  );
  assert.match(
    lines[1],
    /bad\.yaml:10:18: steps\[0\]\.put\.overwrite: .*"always"\|"never"\|"newer"\|"different"/,
  );
  assert.match(lines[2], /bad\.yaml:11:24: steps\[1\]\.sync\.direction: .*"up"\|"down"/);
  assert.match(
    lines[3],
    /bad\.yaml:12:5: steps\[2\]: the step has no action: give one of mkdir, rm, rmdir, rename, put, get, sync/,
  );
  assert.equal(server.sessionCount, 0);
  assert.equal(server.commands.length, 0, "nothing was contacted");
  assert.ok(!result.stderr.includes("hunter2-secret"));
});

Deno.test("YAML syntax errors and JSONC errors are located too, without quoting the source", async () => {
  await using dir = await tempDir();
  const yaml = await writeTask(
    dir.path,
    "broken.yaml",
    `version: 1\nconnection:\n  password: "hunter2-secret\n  url: x\n`,
  );
  const r1 = await ferry(["check", yaml]);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /broken\.yaml:\d+:\d+: /);
  assert.ok(!r1.stderr.includes("hunter2-secret"), r1.stderr);

  const jsonc = await writeTask(
    dir.path,
    "task.jsonc",
    `{
  // comments are fine
  "version": 2,
  "connection": { "url": "ftp://127.0.0.1:1", },
  "steps": [ { "mkdir": 42 } ],
}`,
  );
  const r2 = await ferry(["check", jsonc]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /task\.jsonc:3:14: version: version must be 1/);
  assert.match(r2.stderr, /task\.jsonc:5:25: steps\[0\]\.mkdir: /);

  const json = await writeTask(
    dir.path,
    "task.json",
    `{ "version": 1, "connection": { "url": "ftp://x" }, }x`,
  );
  const r3 = await ferry(["check", json]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /task\.json:1:\d+: /);
});

Deno.test("unset variables, a missing env file and bad URLs are located", async () => {
  await using dir = await tempDir();
  const task = await writeTask(
    dir.path,
    "t.yaml",
    `version: 1
connection:
  url: \${NO_SUCH_VARIABLE_FOR_FERRY}
steps: [{ mkdir: x }]
`,
  );
  const r1 = await ferry(["check", task]);
  assert.equal(r1.code, 2);
  assert.match(
    r1.stderr,
    /t\.yaml:3:8: connection\.url: environment variable NO_SUCH_VARIABLE_FOR_FERRY is not set/,
  );

  const r2 = await ferry(["check", task, "--env-file", "missing.env"], { cwd: dir.path });
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /missing\.env: cannot read the env file: no such file/);

  await Deno.writeTextFile(`${dir.path}/.env`, "NO_SUCH_VARIABLE_FOR_FERRY=http://example.com\n");
  const r3 = await ferry(["check", task]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /t\.yaml:3:8: connection\.url: Unsupported scheme "http:"/);
});

Deno.test("bad arguments exit 2 with a pointer to --help; help texts have examples", async () => {
  const r1 = await ferry(["run"]);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /run takes 1 argument/);
  assert.match(r1.stderr, /ferry run --help/);
  const r2 = await ferry(["frobnicate"]);
  assert.equal(r2.code, 2);
  const r3 = await ferry(["run", "x.yaml", "--parallel", "zero"]);
  assert.equal(r3.code, 2);
  const r5 = await ferry(["get", "ftp://127.0.0.1:1/x", "--retries", "100000"]);
  assert.equal(r5.code, 2);
  assert.match(r5.stderr, /--retries must be a whole number from 0 to 100/);
  const r4 = await ferry(["run", "task.toml"]);
  assert.equal(r4.code, 2);
  assert.match(r4.stderr, /unknown task file type ".toml"/);
  for (
    const command of [
      "run",
      "plan",
      "check",
      "permissions",
      "ls",
      "get",
      "put",
      "mkdir",
      "rm",
      "serve",
    ]
  ) {
    const help = await ferry([command, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: ferry /);
    assert.match(help.stdout, /Examples?:/);
  }
});

// ---- Errors that say what is wrong and where (issue 11, point 6) ----------

Deno.test("${VAR} unquoted inside an inline list or map: the error says to quote it, at its place", async () => {
  await using dir = await tempDir();
  const list = await writeTask(
    dir.path,
    "list.yaml",
    `version: 1
connection: { url: "ftp://127.0.0.1:1/" }
steps:
  - mkdir: [\${DIR}, b]
`,
  );
  const r1 = await ferry(["check", list], { env: { DIR: "x" } });
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /list\.yaml:4:13: \$\{DIR\} inside an inline list or map must be quoted/);
  assert.match(r1.stderr, /write "\$\{DIR\}"/);

  const map = await writeTask(
    dir.path,
    "map.yaml",
    `version: 1
connection: { url: ftp://127.0.0.1:1/, password: \${PW:-hunter2-default} }
steps:
  - mkdir: a
`,
  );
  const r2 = await ferry(["check", map]);
  assert.equal(r2.code, 2);
  const lines = r2.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r2.stderr);
  assert.match(
    lines[0],
    /map\.yaml:2:50: \$\{PW:-\.\.\.\} inside an inline list or map must be quoted/,
  );
  assert.ok(!r2.stderr.includes("hunter2-default"));
});

Deno.test("a missing local source: located at its key, naming the step, before anything is sent", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${dir.path}/file.txt`, "not a folder");
  const task = await writeTask(
    dir.path,
    "task.yaml",
    `version: 1
connection: { url: "${server.url}" }
steps:
  - mkdir: www
  - name: Publish
    sync:
      direction: up
      local: no-such-site
      remote: www
  - put: { from: "missing/*.css", to: www/ }
  - put:
      from: [file.txt, gone.txt]
      to: www/
  - sync: { direction: up, local: file.txt, remote: www }
`,
  );
  for (const command of ["run", "plan"]) {
    const result = await ferry([command, task], { cwd: dir.path });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.match(
      lines[0],
      /task\.yaml:8:14: steps\[1\]\.sync\.local: the local folder \S*no-such-site does not exist \(step 2, "Publish"\)/,
    );
    assert.match(
      lines[1],
      /task\.yaml:10:18: steps\[2\]\.put\.from: the local folder \S*missing does not exist \(step 3, "put missing\/\*\.css → www\/"\)/,
    );
    assert.match(
      lines[2],
      /task\.yaml:12:24: steps\[3\]\.put\.from\[1\]: the local path \S*gone\.txt does not exist \(step 4/,
    );
    assert.match(
      lines[3],
      /task\.yaml:14:35: steps\[4\]\.sync\.local: the local folder \S*file\.txt is a file, not a folder \(step 5/,
    );
    assert.equal(lines.length, 4, result.stderr);
  }
  assert.equal(server.sessionCount, 0, "nothing was contacted");
});

Deno.test("a local source that an earlier step may create is checked when its step starts", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await Deno.mkdir(`${server.root}/pub`);
  const task = await writeTask(
    dir.path,
    "task.yaml",
    `version: 1
connection: { url: "${server.url}" }
steps:
  - get: { from: pub/, to: fetched/ }
  - sync: { direction: up, local: never-made, remote: www }
`,
  );
  const result = await ferry(["run", task], { cwd: dir.path });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(
    result.stdout,
    /step failed: \S*task\.yaml:5:35: steps\[1\]\.sync\.local: the local folder \S*never-made does not exist \(step 2/,
  );
});

Deno.test("one-shot put of a missing local path: exit 2 before connecting", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const result = await ferry(["put", "nothing-here/", `${server.url}/x/`], { cwd: dir.path });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /ferry: the local folder \S*nothing-here\/? does not exist \(step 1/);
  assert.equal(server.sessionCount, 0);
});

Deno.test("an upload that stored nothing: no warning about removing a partial upload", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${dir.path}/a.txt`, "alpha\n");
  // The server accepts the store (150), then fails it without creating the file.
  server.faults.onCommand = (c) =>
    c.verb === "STOR"
      ? { reply: "150 Ok to send data.\r\n451 Local error in processing.\r\n" }
      : undefined;
  const task = await writeTask(
    dir.path,
    "task.yaml",
    `version: 1
connection: { url: "${server.url}" }
steps:
  - put: { from: a.txt, to: www/ }
    retries: 0
`,
  );
  const result = await ferry(["run", task], { cwd: dir.path });
  const output = result.stdout + result.stderr;
  assert.equal(result.code, 1, output);
  assert.match(output, /451 Local error/);
  assert.doesNotMatch(output, /partial upload/, output);

  // A store that did write bytes leaves a partial file: that one is removed, and said so.
  server.faults.onCommand = undefined;
  server.faults.dataDropAfterBytes = 100_000;
  await Deno.writeFile(`${dir.path}/a.txt`, new Uint8Array(1_000_000));
  const cut = await ferry(["run", task], { cwd: dir.path });
  assert.equal(cut.code, 1, cut.stdout + cut.stderr);
  assert.match(cut.stdout + cut.stderr, /Removed the partial upload at www\/a\.txt/);
  await assert.rejects(Deno.stat(`${server.root}/www/a.txt`), Deno.errors.NotFound);
});
