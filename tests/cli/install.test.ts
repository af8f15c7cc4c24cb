// The README's way to put the CLI on PATH from a checkout: `deno install
// --global` of the bundle (`deno task build` writes dist/cli/mod.js) with the
// permissions of its default install line, then `ferry` runs from anywhere: a
// plain get, and an FTPS get from vsftpd requiring TLS session reuse, which
// runs on Node's TLS in a worker whose module the bundle names relative to its
// own chunk (tasks/build.ts). The opt-in "Faster start" line installs a shim
// that runs with its V8 flag. (The JSR form cannot be tried here: JSR is out
// of reach from this machine.)

import assert from "node:assert/strict";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { isRoot, run } from "../_servers/_common.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { vsftpd } from "../_servers/vsftpd.ts";
import { startInteropVsftpd } from "../interop/_vsftpd.ts";
import { writeTree } from "./_ferry.ts";
import { type InstallLine, readmeInstallFlags } from "../_install_line.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Installs the README's checkout line into a temporary root; returns the PATH that finds it. */
async function installFerry(
  root: string,
  line: InstallLine = "default",
): Promise<Record<string, string>> {
  const deno = Deno.execPath();
  // The README's first line: dist/ is built, not committed.
  const built = await run(deno, ["task", "build"], { cwd: REPO });
  assert.equal(built.code, 0, built.stdout + built.stderr);
  const installed = await run(deno, [
    "install",
    "--global",
    "--root",
    root,
    "--name",
    "ferry",
    // The permissions (those of `deno task ferry`), and V8 flags if the line has them.
    ...await readmeInstallFlags(REPO, line),
    "--config",
    join(REPO, "deno.json"),
    join(REPO, "dist/cli/mod.js"),
  ], { cwd: REPO });
  assert.equal(installed.code, 0, installed.stdout + installed.stderr);
  const bin = join(root, "bin");
  // The shim runs `deno` from PATH, as it will on a user's machine.
  return { PATH: [bin, dirname(deno), Deno.env.get("PATH") ?? ""].join(delimiter) };
}

Deno.test("deno install --global from a checkout puts a working ferry on PATH", async () => {
  await using root = await tempDir();
  await using elsewhere = await tempDir();
  const env = await installFerry(root.path);
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

Deno.test("the README's opt-in 'Faster start' line installs a ferry that runs with --no-lazy", async () => {
  await using fast = await tempDir();
  await using plain = await tempDir();
  await using elsewhere = await tempDir();
  const env = await installFerry(fast.path, "fast-start");
  await installFerry(plain.path);
  // The shim is the `deno run` command line the install recorded.
  assert.match(await Deno.readTextFile(join(fast.path, "bin", "ferry")), /--v8-flags=--no-lazy/);
  assert.doesNotMatch(await Deno.readTextFile(join(plain.path, "bin", "ferry")), /--v8-flags/);
  const version = await run("ferry", ["--version"], { cwd: elsewhere.path, env });
  assert.equal(version.code, 0, version.stderr);
});

Deno.test({
  name: "the installed ferry gets a file over FTPS from vsftpd requiring TLS session reuse " +
    "(Node's TLS worker, loaded from the bundle)",
  ignore: !isRoot() || vsftpd.ignore,
  async fn() {
    await using root = await tempDir();
    await using elsewhere = await tempDir();
    const env = await installFerry(root.path);
    const pki = await makeTestPki();
    try {
      await using server = await startInteropVsftpd({
        tls: serverTlsFiles(pki),
        requireSslReuse: true,
      });
      const bytes = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
      await Deno.writeFile(join(server.root, "data.bin"), bytes);
      const got = await run("ferry", [
        "get",
        "--verbose",
        `ftpes://${server.user}@${server.host}:${server.port}/data.bin`,
        "copy.bin",
        "--ca-file",
        pki.caPath,
        "--password-env",
        "FTP_PASSWORD",
      ], { cwd: elsewhere.path, env: { ...env, FTP_PASSWORD: server.password } });
      assert.equal(got.code, 0, got.stdout + got.stderr + server.logs());
      assert.deepEqual(await Deno.readFile(join(elsewhere.path, "copy.bin")), bytes);
      // The data connection was refused on Deno's TLS and succeeded on Node's.
      assert.match(got.stdout + got.stderr, /requires data connections to resume/);
    } finally {
      await Deno.remove(pki.dir, { recursive: true });
    }
  },
});
