// One-shot commands without a task file: pipes (`get URL -`, `put - URL`),
// the connection options people reach for (timeout, active mode, a local
// address, a CA file, --insecure), and --version.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { startTlsServer } from "../testing/_tls.ts";
import { makeTestPki } from "../_servers/certs.ts";
import { ferry, treeOf, writeTree } from "./_ferry.ts";

const CLI = fileURLToPath(new URL("../../src/cli/mod.ts", import.meta.url));

/** Runs ferry with bytes on stdin, returning stdout as bytes. */
async function ferryBytes(
  args: string[],
  input?: Uint8Array,
): Promise<{ code: number; stdout: Uint8Array; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", CLI, ...args],
    env: { NO_COLOR: "1" },
    stdin: input ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    if (input) {
      // ferry may stop reading early (a refused option, a failed upload): a broken pipe then.
      const writer = child.stdin.getWriter();
      await writer.write(input).catch(() => {});
      await writer.close().catch(() => {});
    }
    const output = await child.output();
    return {
      code: output.code,
      stdout: output.stdout,
      stderr: new TextDecoder().decode(output.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

const partFiles = async (root: string) =>
  Object.keys(await treeOf(root)).filter((name) => name.includes(".ferry-part"));

Deno.test("ferry get URL - writes the file's bytes to stdout, untouched", async () => {
  await using server = await FtpTestServer.start();
  const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 17, 5);
  await writeTree(server.root, { "pub/blob.bin": bytes });
  const url = `ftp://127.0.0.1:${server.port}/pub/blob.bin`;
  const result = await ferryBytes(["get", url, "-"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.length, bytes.length);
  assert.equal(sha256(result.stdout), sha256(bytes));

  const missing = await ferryBytes(["get", `ftp://127.0.0.1:${server.port}/pub/none.bin`, "-"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /550/);
  assert.equal(missing.stdout.length, 0);
  for (const bad of ["pub/", "pub/*.bin"]) {
    const refused = await ferryBytes(["get", `ftp://127.0.0.1:${server.port}/${bad}`, "-"]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /must name one file/);
  }
});

Deno.test("ferry put - URL uploads stdin through a temporary, renamed over the old file once whole", async () => {
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "backup.bin": "old version\n" });
  const bytes = pseudoRandomBytes(2 * 1024 * 1024 + 3, 9);
  const url = `ftp://127.0.0.1:${server.port}/backup.bin`;
  const result = await ferryBytes(["put", "-", url], bytes);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await sha256File(join(server.root, "backup.bin")), sha256(bytes));
  assert.deepEqual(await partFiles(server.root), []);
  assert.ok(server.commands.some((c) => /^RNTO backup\.bin$/.test(c)), "renamed into place");

  // A cut upload leaves the old file whole and no temporary behind.
  server.faults.dataDropAfterBytes = 1024 * 1024;
  const cut = await ferryBytes(["put", "-", url], pseudoRandomBytes(3 * 1024 * 1024, 2));
  server.faults.dataDropAfterBytes = undefined;
  assert.equal(cut.code, 1, cut.stderr);
  assert.equal(await sha256File(join(server.root, "backup.bin")), sha256(bytes));
  assert.deepEqual(await partFiles(server.root), []);

  const empty = await ferryBytes(
    ["put", "-", `ftp://127.0.0.1:${server.port}/empty.txt`],
    new Uint8Array(),
  );
  assert.equal(empty.code, 0, empty.stderr);
  assert.equal((await Deno.stat(join(server.root, "empty.txt"))).size, 0);
  const refused = await ferryBytes(["put", "-", url, "--retries", "2"], bytes);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--retries does not apply to "-"/);
});

Deno.test("tar c dir | ferry put - URL, then ferry get URL - | tar x: the tree comes back whole", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(join(dir.path, "src"), {
    "a.txt": "alpha\n",
    "deep/b.bin": pseudoRandomBytes(500_000, 3),
    ".hidden": "dot\n",
  });
  const url = `ftp://127.0.0.1:${server.port}/backup.tar`;
  const ferryCommand = `"${Deno.execPath()}" run --quiet -A "${CLI}"`;
  const sh = async (script: string) => {
    const output = await new Deno.Command("sh", {
      args: ["-c", script],
      cwd: dir.path,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  };
  await sh(`tar c -C src . | ${ferryCommand} put - '${url}'`);
  await Deno.mkdir(join(dir.path, "back"));
  await sh(`${ferryCommand} get '${url}' - | tar x -C back`);
  assert.deepEqual(await treeOf(join(dir.path, "back")), await treeOf(join(dir.path, "src")));
});

Deno.test("--timeout bounds a one-shot command against a silent server, naming the wait", async () => {
  await using server = await FtpTestServer.start();
  server.faults.onCommand = (
    c,
  ) => (c.verb === "MLSD" || c.verb === "LIST" ? { stall: true } : undefined);
  const started = performance.now();
  const result = await ferry(["ls", `ftp://127.0.0.1:${server.port}/`, "--timeout", "1s"]);
  const seconds = (performance.now() - started) / 1000;
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /Timed out after 1000 ms/);
  // A hang guard, not a timing: the default reply timeout alone is 30 s.
  assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
  for (const bad of ["soon", "0s", "-1s", "10"]) {
    const refused = await ferry(["ls", `ftp://127.0.0.1:${server.port}/`, `--timeout=${bad}`]);
    assert.equal(refused.code, 2, bad);
    assert.match(refused.stderr, /--timeout must be a duration with its unit/);
  }
});

Deno.test("--active makes the server connect back (EPRT), for get, put and ls", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "f.txt": "active\n" });
  const url = `ftp://127.0.0.1:${server.port}`;
  for (
    const args of [
      ["ls", `${url}/`, "--active"],
      ["get", `${url}/f.txt`, join(dir.path, "f.txt"), "--active"],
      ["put", join(dir.path, "f.txt"), `${url}/g.txt`, "--active"],
    ]
  ) {
    const before = server.commands.length;
    const result = await ferry(args);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const sent = server.commands.slice(before);
    assert.ok(sent.some((c) => c.startsWith("EPRT")), `${args[0]}: ${sent.join(", ")}`);
    assert.ok(!sent.some((c) => c.startsWith("EPSV") || c.startsWith("PASV")));
  }
  assert.equal(await Deno.readTextFile(join(server.root, "g.txt")), "active\n");
});

Deno.test("--local-address makes get, put and ls connect from that address (active mode listens there)", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "f.txt": "from afar\n" });
  const url = `ftp://127.0.0.1:${server.port}`;
  for (const active of [[], ["--active"]]) {
    const local = join(dir.path, `f${active.length}.txt`);
    for (
      const args of [
        ["ls", `${url}/`],
        ["get", `${url}/f.txt`, local],
        ["put", local, `${url}/g${active.length}.txt`],
      ]
    ) {
      const before = server.connections.length;
      const result = await ferry([...args, "--local-address", "127.0.0.3", ...active]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const made = server.connections.slice(before);
      assert.ok(made.some((c) => c.kind === "data"), `${args[0]}: ${JSON.stringify(made)}`);
      for (const c of made) assert.equal(c.client.hostname, "127.0.0.3", JSON.stringify(c));
    }
  }
  assert.equal(await Deno.readTextFile(join(server.root, "g1.txt")), "from afar\n");
  const bad = await ferry(["ls", `${url}/`, "--local-address", "nowhere"]);
  assert.equal(bad.code, 2, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /--local-address must be an IP address of this machine/);
});

Deno.test("FTPS one-shots: --ca-file trusts a private CA; without it the certificate is refused; --insecure warns loudly", async () => {
  await using dir = await tempDir();
  await using server = await startTlsServer();
  await writeTree(server.root, { "s.txt": "secret stuff\n" });
  const pki = await makeTestPki();
  const url = `ftpes://localhost:${server.port}/s.txt`;
  const untrusted = await ferry(["get", url, join(dir.path, "a.txt")]);
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stdout + untrusted.stderr, /certificate/i);

  const trusted = await ferry(["get", url, join(dir.path, "b.txt"), "--ca-file", pki.caPath]);
  assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
  assert.equal(await Deno.readTextFile(join(dir.path, "b.txt")), "secret stuff\n");
  assert.doesNotMatch(trusted.stderr, /WARNING/);

  const insecure = await ferry(["get", url, join(dir.path, "c.txt"), "--insecure"]);
  assert.equal(insecure.code, 0, insecure.stdout + insecure.stderr);
  assert.match(insecure.stderr, /WARNING: --insecure: the server's certificate is not checked/);
  assert.equal(await Deno.readTextFile(join(dir.path, "c.txt")), "secret stuff\n");

  const listed = await ferry(["ls", `ftpes://localhost:${server.port}/`, "--ca-file", pki.caPath]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /s\.txt/);
  const plain = await ferry(["ls", `ftp://127.0.0.1:${server.port}/`, "--ca-file", pki.caPath]);
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /for FTPS/);
});

Deno.test("dot-files are listed by default, also where plain LIST hides them; --no-hidden stops asking", async () => {
  await using server = await FtpTestServer.start({
    hideDotFiles: true,
    disabledCommands: ["MLSD", "MLST"],
  });
  await writeTree(server.root, { "site/.htaccess": "deny\n", "site/index.html": "hi\n" });
  const url = `ftp://127.0.0.1:${server.port}/site/`;
  const shown = await ferry(["ls", url]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /\.htaccess/);
  const hidden = await ferry(["ls", url, "--no-hidden"]);
  assert.equal(hidden.code, 0, hidden.stderr);
  assert.doesNotMatch(hidden.stdout, /\.htaccess/);
  assert.match(hidden.stdout, /index\.html/);
  assert.ok(!server.commands.slice(-3).some((c) => c.startsWith("LIST -a")));
});

Deno.test("ferry --version and -V print the version from deno.json", async () => {
  const { version } = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  for (const flag of ["--version", "-V"]) {
    const result = await ferry([flag]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `ferry ${version}\n`);
  }
});

Deno.test("--ccc: get, put and ls clear the control connection after the login (CCC after PASS), files intact; on ftps:// or ftp:// a usage error before anything is sent", async () => {
  await using dir = await tempDir();
  await using server = await startTlsServer();
  const pki = await makeTestPki();
  const data = pseudoRandomBytes(200_000, 41);
  await Deno.writeFile(join(dir.path, "up.bin"), data);
  const base = `ftpes://localhost:${server.port}`;
  const ca = ["--ca-file", pki.caPath, "--ccc"];
  const put = await ferry(["put", join(dir.path, "up.bin"), `${base}/up.bin`, ...ca]);
  assert.equal(put.code, 0, put.stdout + put.stderr);
  const get = await ferry(["get", `${base}/up.bin`, join(dir.path, "down.bin"), ...ca]);
  assert.equal(get.code, 0, get.stdout + get.stderr);
  const ls = await ferry(["ls", `${base}/`, ...ca]);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /up\.bin/);
  assert.equal(await sha256File(join(server.root, "up.bin")), sha256(data));
  assert.equal(await sha256File(join(dir.path, "down.bin")), sha256(data));
  const sent = server.commands;
  const logins = sent.filter((line) => line.startsWith("PASS")).length;
  assert.ok(logins >= 3);
  assert.equal(sent.filter((line) => line === "CCC").length, logins);
  // Every CCC follows a login's PROT P.
  sent.forEach((line, i) => {
    if (line === "CCC") assert.equal(sent[i - 1], "PROT P");
  });

  const before = server.connections.length;
  const implicit = await ferry(["ls", `ftps://localhost:${server.port}/`, ...ca]);
  assert.equal(implicit.code, 2);
  assert.match(implicit.stderr, /--ccc clears a control connection that AUTH TLS secured/);
  const plain = await ferry(["ls", `ftp://127.0.0.1:${server.port}/`, "--ccc"]);
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /--ccc, --tls-min and --tls-max are for FTPS/);
  assert.equal(server.connections.length, before);
});

Deno.test("--tls-min and --tls-max: 1.2/1.3 accepted; another value, or min above max, a usage error before anything is sent", async () => {
  await using server = await startTlsServer();
  await writeTree(server.root, { "v.txt": "v\n" });
  const pki = await makeTestPki();
  const url = `ftpes://localhost:${server.port}/`;
  for (const bounds of [["--tls-min", "1.3"], ["--tls-max", "1.2"], ["--tls-max", "TLSv1.3"]]) {
    const ok = await ferry(["ls", url, "--ca-file", pki.caPath, ...bounds]);
    assert.equal(ok.code, 0, `${bounds}: ${ok.stderr}`);
    assert.match(ok.stdout, /v\.txt/);
  }
  const before = server.connections.length;
  const old = await ferry(["ls", url, "--ca-file", pki.caPath, "--tls-min", "1.1"]);
  assert.equal(old.code, 2);
  assert.match(old.stderr, /--tls-min must be 1\.2 or 1\.3.*got "1\.1"/);
  const empty = await ferry([
    "ls",
    url,
    "--ca-file",
    pki.caPath,
    "--tls-min",
    "1.3",
    "--tls-max",
    "1.2",
  ]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /TLSv1\.3 is newer than maxVersion "TLSv1\.2"/);
  assert.equal(server.connections.length, before);
});
