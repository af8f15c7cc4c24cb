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
