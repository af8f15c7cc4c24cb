// `ferry permissions` prints flags that are enough to run the job, and no
// more than it needs: for a host name (data connections go to its
// addresses), in active mode (ferry listens for the server), and for a
// TypeScript task (the module and what it imports are read). A permission
// denied is final, not retried as a dropped connection.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { makeTestPki } from "../_servers/certs.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";
import {
  CLI_OWN_MODULES,
  CLI_UNDER_TEST,
  ferry,
  reportOf,
  writeServerTask,
  writeTask,
  writeTree,
} from "./_ferry.ts";

const MOD = fileURLToPath(new URL("../../src/runner/mod.ts", import.meta.url));

async function flagsFor(task: string, cwd: string): Promise<string[]> {
  const perms = await ferry(["permissions", task], { cwd });
  assert.equal(perms.code, 0, perms.stderr);
  return perms.stdout.trim().split(" ");
}

/** Runs the task under exactly these flags; it must fetch pub/a.txt. */
async function assertRunsWith(flags: string[], task: string, cwd: string): Promise<void> {
  const run = await ferry(["run", task], { cwd, permissions: flags });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(await Deno.readTextFile(join(cwd, "out/a.txt")), "hello\n");
}

for (const mode of ["passive", "active"]) {
  Deno.test(`flags for a host name in ${mode} mode are enough`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start();
    await writeTree(server.root, { "pub/a.txt": "hello\n" });
    const task = await writeServerTask(
      dir.path,
      `url: "ftp://localhost:${server.port}", mode: ${mode}, netrc: false`,
      `  - get: { from: pub/a.txt, to: out/ }
`,
    );
    const flags = await flagsFor(task, dir.path);
    const net = flags.find((f) => f.startsWith("--allow-net="))!;
    assert.match(net, /localhost/);
    assert.match(net, /127\.0\.0\.1/);
    if (mode === "active") assert.match(net, /127\.0\.0\.1:0/);
    await assertRunsWith(flags, task, dir.path);
  });
}

for (const mode of ["passive", "active"]) {
  for (const secure of [false, true]) {
    Deno.test(`flags for connection.localAddress (${mode}${secure ? ", FTPS" : ""}) name it, are enough, and every connection comes from it`, async () => {
      await using dir = await tempDir();
      const pki = await testPki();
      await Deno.copyFile(pki.caPath, join(dir.path, "ca.pem"));
      await using server = await FtpTestServer.start(
        secure ? { tls: { cert: pki.server.certPem, key: pki.server.keyPem } } : {},
      );
      await writeTree(server.root, { "pub/a.txt": "hello\n" });
      const scheme = secure ? "ftpes" : "ftp";
      const task = await writeServerTask(
        dir.path,
        `url: "${scheme}://localhost:${server.port}", mode: ${mode}, netrc: false, ` +
          `localAddress: 127.0.0.2${secure ? ", tls: { caFile: ca.pem }" : ""}`,
        `  - get: { from: pub/a.txt, to: out/ }
`,
      );
      const flags = await flagsFor(task, dir.path);
      const net = flags.find((f) => f.startsWith("--allow-net="))!;
      assert.match(net, /127\.0\.0\.2:0/);
      // Active mode listens on the local address, not on 127.0.0.1.
      assert.doesNotMatch(net, /127\.0\.0\.1:0/);
      await assertRunsWith(flags, task, dir.path);
      assert.ok(server.connections.length >= 2);
      for (const c of server.connections) assert.equal(c.client.hostname, "127.0.0.2");
      // Without the local address in the flags, the run fails with a denial that names it.
      const narrowed = flags.map((f) =>
        f.startsWith("--allow-net=") ? f.replace(",127.0.0.2:0", "").replace("127.0.0.2:0,", "") : f
      );
      assert.notDeepEqual(narrowed, flags);
      const denied = await ferry(["run", task], { cwd: dir.path, permissions: narrowed });
      assert.equal(denied.code, 1, denied.stdout + denied.stderr);
      assert.match(denied.stdout + denied.stderr, /--allow-net=127\.0\.0\.2/);
    });
  }
}

/** The folder of ferry's own modules: src/, or dist/ for the bundle (tasks/build.ts). */
const OWN_SOURCES = CLI_OWN_MODULES;

Deno.test("flags for a plain FTP job read ferry's own source folder, which the job needs: its modules load when it uses them", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "hello\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}", netrc: false`,
    `  - get: { from: pub/a.txt, to: out/ }
`,
  );
  const flags = await flagsFor(task, dir.path);
  const read = flags.find((f) => f.startsWith("--allow-read="))!;
  assert.ok(read.slice("--allow-read=".length).split(",").includes(OWN_SOURCES), read);
  await assertRunsWith(flags, task, dir.path);
  // Without it, the first module loaded late (the task-file loader) is denied.
  const narrowed = flags.map((f) =>
    f.startsWith("--allow-read=")
      ? "--allow-read=" + read.slice("--allow-read=".length).split(",")
        .filter((path) => path !== OWN_SOURCES).join(",")
      : f
  );
  const connections = server.connections.length;
  const denied = await ferry(["run", task], { cwd: dir.path, permissions: narrowed });
  assert.equal(denied.code, 1, denied.stdout + denied.stderr);
  assert.match(
    denied.stderr,
    CLI_UNDER_TEST === "dist"
      ? /Requires read access to .*dist\/load_task-/
      : /Requires read access to .*src\/runner\//,
  );
  // Denied while loading, before the server was contacted.
  assert.equal(server.connections.length, connections);
});

Deno.test("flags for a TypeScript task let it load its module and imports", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "hello\n" });
  await writeTree(dir.path, {
    "helpers/paths.ts": `export const target = "out/";\n`,
  });
  const task = await writeTask(
    dir.path,
    "task.ts",
    `import { defineTask } from ${JSON.stringify(MOD)};
import { target } from "./helpers/paths.ts";
export default defineTask({
  version: 1,
  connection: { url: "${server.url}", netrc: false },
  steps: [{ get: { from: "pub/a.txt", to: target } }],
});
`,
  );
  await assertRunsWith(await flagsFor(task, dir.path), task, dir.path);
});

Deno.test("a permission denied is final: one try, not retried as a dropped connection", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "hello\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://localhost:${server.port}", netrc: false`,
    `  - get: { from: pub/a.txt, to: out/ }
`,
  );
  // The host name alone: the control connection works, data connections to its address do not.
  const flags = (await flagsFor(task, dir.path)).map((f) =>
    f.startsWith("--allow-net=") ? `--allow-net=localhost:${server.port}` : f
  );
  const run = await ferry(["run", task, "--json"], { cwd: dir.path, permissions: flags });
  assert.equal(run.code, 1, run.stderr);
  const download = reportOf(run).steps[0].actions.find((a) => a.action === "download")!;
  assert.equal(download.attempts, 1);
  assert.doesNotMatch(run.stderr, /retry/);
});

// ---- Every task in tasks/, and FTPS on a server that requires session reuse,
// run under exactly the printed flags (issue 11, point 5) -------------------

let pkiRemovedAtUnload = false;

/** The test PKI, made once for this file and removed when the file's tests end. */
async function testPki() {
  const pki = await makeTestPki();
  if (pkiRemovedAtUnload) return pki;
  pkiRemovedAtUnload = true;
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(pki.dir, { recursive: true });
    } catch {
      // Removed already.
    }
  }, { once: true });
  return pki;
}

const example = (name: string) => fileURLToPath(new URL(`../../tasks/${name}`, import.meta.url));

/**
 * `ferry permissions` then `ferry run` under exactly the printed flags, with
 * the same environment and working directory; the run must succeed.
 */
async function runUnderPrintedFlags(
  task: string,
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ flags: string[]; stdout: string; stderr: string }> {
  const perms = await ferry(["permissions", task], options);
  assert.equal(perms.code, 0, perms.stderr);
  assert.doesNotMatch(perms.stderr, /note:/, "no permission should be left unknown");
  const flags = perms.stdout.trim().split(" ");
  assert.ok(!flags.some((f) => /^(-A|--allow-all|--allow-(net|read|write|env|run|ffi)$)/.test(f)));
  const run = await ferry(["run", task], { ...options, permissions: flags });
  assert.equal(run.code, 0, `flags: ${flags.join(" ")}\n${run.stdout}${run.stderr}`);
  return { flags, stdout: run.stdout, stderr: run.stderr };
}

Deno.test("tasks/deploy-site.yaml runs under exactly its printed flags", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { deploy: "pw-deploy-1" } });
  await writeTree(dir.path, { "dist/index.html": "<h1>v2</h1>\n", "dist/js/app.js": "x()\n" });
  const env = {
    FTP_URL: `ftp://deploy@127.0.0.1:${server.port}/`,
    FTP_PASSWORD: "pw-deploy-1",
    SITE_DIR: join(dir.path, "dist"),
  };
  await runUnderPrintedFlags(example("deploy-site.yaml"), { cwd: dir.path, env });
  assert.equal(await Deno.readTextFile(join(server.root, "www/js/app.js")), "x()\n");
});

Deno.test("tasks/pull-logs.yaml runs under exactly its printed flags", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "logs/app.log": "line 1\n", "logs/app.log.12.gz": "old" });
  const env = { FTP_URL: server.url + "/", LOG_DIR: join(dir.path, "logs") };
  await runUnderPrintedFlags(example("pull-logs.yaml"), { cwd: dir.path, env });
  assert.equal(await Deno.readTextFile(join(dir.path, "logs/app.log")), "line 1\n");
  await assert.rejects(Deno.stat(join(server.root, "logs/app.log.12.gz")), Deno.errors.NotFound);
});

Deno.test("tasks/mirror-down.jsonc runs under exactly its printed flags", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/readme.txt": "read me\n", "pub/sub/b.bin": "b" });
  const env = { FTP_URL: server.url + "/", MIRROR_DIR: join(dir.path, "mirror") };
  await runUnderPrintedFlags(example("mirror-down.jsonc"), { cwd: dir.path, env });
  assert.equal(await Deno.readTextFile(join(dir.path, "mirror/sub/b.bin")), "b");
});

Deno.test("tasks/demo.yaml runs under exactly its printed flags", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { demo: "demo-pw-123" } });
  await writeTree(dir.path, {
    "site/index.html": "<h1>hi</h1>\n",
    "site/css/style.css": "p{}\n",
    "site/img/logo.svg": "<svg/>\n",
  });
  const env = { DEMO_URL: server.url, DEMO_PASSWORD: "demo-pw-123", DEMO_DIR: dir.path };
  await runUnderPrintedFlags(example("demo.yaml"), { cwd: dir.path, env });
  assert.equal(await Deno.readTextFile(join(dir.path, "backup/css/style.css")), "p{}\n");
  assert.equal(await Deno.readTextFile(join(server.root, "www/home.html")), "<h1>hi</h1>\n");
});

Deno.test("every task file in tasks/ has a test above that runs it under its printed flags", async () => {
  const tested = ["demo.yaml", "deploy-site.yaml", "mirror-down.jsonc", "pull-logs.yaml"];
  const taskFiles: string[] = [];
  for await (const entry of Deno.readDir(example(""))) {
    if (/\.(ya?ml|jsonc?)$/.test(entry.name)) taskFiles.push(entry.name);
  }
  assert.deepEqual(taskFiles.sort(), tested);
});

for (const mode of ["passive", "active"]) {
  Deno.test({
    name:
      `FTPS to vsftpd requiring TLS session reuse (Node's TLS, ${mode}) runs under exactly its printed flags`,
    ignore: vsftpd.ignore,
    async fn() {
      await using dir = await tempDir();
      const pki = await testPki();
      // The CA is given as the task says, a file beside the task.
      await Deno.copyFile(pki.caPath, join(dir.path, "ca.pem"));
      await using server = await startVsftpd({
        tls: { certPath: pki.server.certPath, keyPath: pki.server.keyPath },
        config: { force_anon_logins_ssl: "YES", force_anon_data_ssl: "YES" },
      });
      await writeTree(dir.path, { "site/a.txt": "alpha\n", "site/sub/b.bin": "beta" });
      await writeTree(server.dir, { "incoming/c.txt": "gamma\n" });
      await new Deno.Command("chmod", { args: ["-R", "a+rwX", server.dir] }).output();
      const task = await writeTask(
        dir.path,
        "deploy.yaml",
        `version: 1
connection:
  url: ftpes://anonymous@localhost:${server.port}/pub
  password: \${FTP_PASSWORD}
  tls: { caFile: ca.pem }
  mode: ${mode}
  parallel: 3
steps:
  - put: { from: site/, to: www/ }
  - sync: { direction: up, local: site, remote: mirror, atomic: true }
  - get: { from: incoming/c.txt, to: inbox/ }
`,
      );
      const env = { FTP_PASSWORD: "vs-ftps-pw-77" };
      const { flags, stdout, stderr } = await runUnderPrintedFlags(task, { cwd: dir.path, env });
      // Nothing beyond the host, the paths and the variable: no sys, no other variable.
      assert.deepEqual(flags.map((f) => f.replace(/=.*/, "")), [
        "--allow-net",
        "--allow-read",
        "--allow-write",
        "--allow-env",
      ]);
      assert.ok(flags.includes("--allow-env=FTP_PASSWORD"), flags.join(" "));
      // Deno's TLS was refused and Node's resuming TLS took over.
      assert.match(
        stdout + stderr,
        /requires data connections to resume the control connection.s TLS session/,
      );
      assert.equal(await Deno.readTextFile(join(server.dir, "www/sub/b.bin")), "beta");
      assert.equal(await Deno.readTextFile(join(server.dir, "mirror/a.txt")), "alpha\n");
      assert.equal(await Deno.readTextFile(join(dir.path, "inbox/c.txt")), "gamma\n");
    },
  });
}

Deno.test("flags for connection.tls.clearControl (CCC on Node's TLS, in a worker) are enough, and the run sends CCC", async () => {
  await using dir = await tempDir();
  const pki = await testPki();
  await Deno.copyFile(pki.caPath, join(dir.path, "ca.pem"));
  await using server = await FtpTestServer.start({
    tls: { cert: pki.server.certPem, key: pki.server.keyPem },
  });
  await writeTree(server.root, { "pub/a.txt": "hello\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "ftpes://localhost:${server.port}", netrc: false, ` +
      `tls: { caFile: ca.pem, clearControl: true }`,
    `  - get: { from: pub/a.txt, to: out/ }
`,
  );
  await assertRunsWith(await flagsFor(task, dir.path), task, dir.path);
  assert.ok(server.commands.includes("CCC"));
});
