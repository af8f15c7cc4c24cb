// Command-line behaviour end to end: credentials from a netrc file, and
// --quiet (nothing on success; failures and the verdict otherwise).

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { ferry, writeServerTask, writeTree } from "./_ferry.ts";

Deno.test("a task without a password logs in with the netrc's, which never shows", async () => {
  await using dir = await tempDir();
  const password = "n3trc-Secret-77";
  await using server = await FtpTestServer.start({ users: { carol: password }, anonymous: false });
  await writeTree(server.root, { "pub/a.txt": "a\n" });
  const netrc = join(dir.path, "netrc");
  await Deno.writeTextFile(
    netrc,
    `machine elsewhere.example login x password y\nmachine 127.0.0.1 login carol password ${password}\n`,
  );
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://127.0.0.1:${server.port}/"`,
    `  - get: { from: pub/a.txt, to: out/ }
`,
  );
  const run = await ferry(["run", task, "--verbose"], { cwd: dir.path, env: { NETRC: netrc } });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /ftp:\/\/carol@127\.0\.0\.1/);
  assert.equal(await Deno.readTextFile(join(dir.path, "out/a.txt")), "a\n");
  assert.ok(!(run.stdout + run.stderr).includes(password));
  assert.ok(server.commands.includes("USER carol"));
});

Deno.test("--quiet prints nothing on success, and only the failure and the verdict otherwise", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "a\n", "pub/b.txt": "b\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - get: { from: "pub/*.txt", to: out/ }
`,
  );
  const quiet = await ferry(["run", task, "--quiet"], { cwd: dir.path });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stdout, "");
  assert.equal(quiet.stderr, "");

  await Deno.remove(join(dir.path, "out"), { recursive: true });
  server.faults.onCommand = (c) =>
    c.verb === "RETR" && c.argument.endsWith("b.txt")
      ? { reply: "550 Permission denied.\r\n" }
      : undefined;
  const failing = await ferry(["run", task, "-q"], { cwd: dir.path });
  assert.equal(failing.code, 1);
  const lines = failing.stdout.trim().split("\n");
  assert.equal(lines.length, 2, failing.stdout);
  assert.match(lines[0], /download pub\/b\.txt → .*: FAILED: 550 Permission denied/);
  assert.match(lines[1], /^ferry: failed in .*1 failed/);
});
