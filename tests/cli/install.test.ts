// The README's way to put the CLI on PATH from a checkout: `deno install
// --global` with the permissions it needs, then `ferry` runs from anywhere.
// (The JSR form cannot be tried here: JSR is out of reach from this machine.)

import assert from "node:assert/strict";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { run } from "../_servers/_common.ts";
import { writeTree } from "./_ferry.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** The permissions the README's install line grants: those of `deno task ferry`. */
const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env", "--allow-sys"];

Deno.test("deno install --global from a checkout puts a working ferry on PATH", async () => {
  await using root = await tempDir();
  await using elsewhere = await tempDir();
  const deno = Deno.execPath();
  const installed = await run(deno, [
    "install",
    "--global",
    "--root",
    root.path,
    "--name",
    "ferry",
    ...PERMISSIONS,
    "--config",
    join(REPO, "deno.json"),
    join(REPO, "src/cli/mod.ts"),
  ], { cwd: REPO });
  assert.equal(installed.code, 0, installed.stdout + installed.stderr);
  const bin = join(root.path, "bin");
  // The shim runs `deno` from PATH, as it will on a user's machine.
  const env = { PATH: [bin, dirname(deno), Deno.env.get("PATH") ?? ""].join(delimiter) };
  const version = await run("ferry", ["--version"], { cwd: elsewhere.path, env });
  assert.equal(version.code, 0, version.stderr);
  const { version: expected } = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  assert.equal(version.stdout.trim(), `ferry ${expected}`);

  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "hello.txt": "hello\n" });
  const got = await run(
    "ferry",
    ["get", `ftp://127.0.0.1:${server.port}/hello.txt`, "copy.txt"],
    { cwd: elsewhere.path, env },
  );
  assert.equal(got.code, 0, got.stdout + got.stderr);
  assert.equal(await Deno.readTextFile(join(elsewhere.path, "copy.txt")), "hello\n");
});
