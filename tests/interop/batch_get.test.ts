// The runner's get in batches (src/runner/_run_batch.ts: one client call
// per run of files on each pooled connection) against the real servers and
// the embedded one: 60 files in two directories over four connections at
// once, plain and explicit FTPS; every file must hash as the server holds it
// and the report must say so. Where the server runs as the test user (all
// but pyftpdlib, which runs as root here), one unreadable file in the middle
// fails alone with the server's 550, and the rest still arrive. A server
// that is not installed here is an explicit `ignore`; one that is but does
// not start fails the test (it proves nothing by passing).

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { loadTask, runTask } from "../../src/runner/mod.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { pseudoRandomBytes, tempDir } from "../_helpers.ts";
import { writeServerTask } from "../cli/_ferry.ts";
import { FtpClient } from "../../src/client/ftp_client.ts";
import { serverSpecs } from "./_server_specs.ts";

const pki = await makeTestPki();
const tls = serverTlsFiles(pki);

/** Servers that run as the test user refuse a file of mode 000 (pyftpdlib runs as root here). */
const DENIES = new Set(["vsftpd", "Pure-FTPd", "ProFTPD"]);

const UNREADABLE = "b/f13.bin";

/** 60 files (100 B to 40 KiB) in a/ and b/, readable by all; hashes by relative path. */
async function writeFiles(root: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const sub of ["a", "b"]) {
    await Deno.mkdir(join(root, "batch", sub), { recursive: true, mode: 0o755 });
    await Deno.chmod(join(root, "batch", sub), 0o755);
  }
  await Deno.chmod(join(root, "batch"), 0o755);
  for (let i = 0; i < 60; i++) {
    const rel = `${i % 2 === 0 ? "a" : "b"}/f${i}.bin`;
    const bytes = pseudoRandomBytes(100 + (i * 677) % 40_000, i + 3);
    await Deno.writeFile(join(root, "batch", rel), bytes, { mode: 0o644 });
    await Deno.chmod(join(root, "batch", rel), 0o644);
    hashes.set(rel, createHash("sha256").update(bytes).digest("hex"));
  }
  return hashes;
}

async function hashOf(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

for (const spec of serverSpecs(pki, tls)) {
  Deno.test({
    name:
      `${spec.name}: get of 60 files in batches over four connections, plain and explicit FTPS, every file whole`,
    ignore: spec.ignore,
    async fn() {
      await using dir = await tempDir();
      await using server = await spec.start();
      // The batch path, seen from the runner's side: each call and its files.
      const batches: number[] = [];
      const original = FtpClient.prototype.downloadAllTo;
      FtpClient.prototype.downloadAllTo = function (files, options) {
        batches.push([...files].length);
        return original.call(this, files, options);
      };
      using _restore = { [Symbol.dispose]: () => FtpClient.prototype.downloadAllTo = original };
      const hashes = await writeFiles(server.root);
      if (DENIES.has(spec.name)) await Deno.chmod(join(server.root, "batch", UNREADABLE), 0o000);
      for (const scheme of ["ftp", "ftpes"] as const) {
        const to = join(dir.path, `down-${scheme}`);
        const task = await writeServerTask(
          dir.path,
          `url: "${scheme}://${server.user}@localhost:${server.port}", ` +
            `password: "\${FTP_PASSWORD}", parallel: 4, tls: { caFile: "${pki.caPath}" }`,
          `  - { get: { from: batch/, to: ${to}/ }, continueOnError: true }\n`,
        );
        batches.length = 0;
        const report = await runTask(
          await loadTask(task, { envFile: false, env: { FTP_PASSWORD: server.password } }),
        );
        const actions = report.steps[0].actions.filter((a) => a.action === "download");
        assert.equal(actions.length, 60, scheme);
        for (const [rel, hash] of hashes) {
          const entry = actions.find((a) => a.path === join(to, rel))!;
          if (DENIES.has(spec.name) && rel === UNREADABLE) {
            assert.equal(entry.result, "failed", `${scheme}: ${rel}`);
            assert.equal(entry.error?.code, 550, `${scheme}: ${JSON.stringify(entry.error)}`);
            await assert.rejects(Deno.stat(join(to, rel)), Deno.errors.NotFound);
            continue;
          }
          assert.equal(entry.result, "ok", `${scheme}: ${rel}: ${JSON.stringify(entry.error)}`);
          assert.equal(await hashOf(join(to, rel)), hash, `${scheme}: ${rel}`);
        }
        assert.equal(report.ok, !DENIES.has(spec.name), scheme);
        // Every file went in a batch (all are fresh), several files a call.
        assert.equal(batches.reduce((a, b) => a + b, 0), 60, `${scheme}: ${batches}`);
        assert.ok(batches.length >= 2 && batches.length <= 30, `${scheme}: ${batches}`);
      }
    },
  });
}
