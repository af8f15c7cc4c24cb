// Downloads whose command goes with the next transfer's EPSV, the data
// connection closed for writing first (issue 15: one round trip a file),
// against the real servers and the embedded one: the runner's `get` of a
// directory over six connections at once, small files and multi-MiB ones,
// plain and explicit FTPS; every file must hash as on the server, and the
// report must say so. vsftpd and the embedded server get it over plain data
// connections (their greetings name them); Pure-FTPd, ProFTPD and pyftpdlib
// (which answers an EPSV that comes during a download at once and never sends
// the download's final reply) must not: their downloads are as before. Behind
// the delay proxy, vsftpd's downloads take one round trip each.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { mayEpsvDuringTransfer, resetPipelining } from "../../src/client/_pipelining.ts";
import { FtpClient } from "../../mod.ts";
import { loadTask, runTask } from "../../src/runner/mod.ts";
import { DelayProxy } from "../../bench/_delay_proxy.ts";
import type { ServerHandle } from "../_servers/_common.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { tempDir } from "../_helpers.ts";
import { writeServerTask } from "../cli/_ferry.ts";
import { startOrSkip } from "./_server_specs.ts";
import { aheadSpecs, hashOf, writeSampleFiles } from "./_ahead.ts";

const pki = await makeTestPki();
const tls = serverTlsFiles(pki);

const SERVERS = aheadSpecs(pki, tls);

/** Runs a `get` of the server's `files/` into `to` with `connection` settings. */
async function get(dir: string, server: ServerHandle, url: string, to: string, extra: string) {
  const task = await writeServerTask(
    dir,
    `url: "${url}", password: "\${FTP_PASSWORD}", ${extra}`,
    `  - get: { from: files/, to: ${to}/ }\n`,
  );
  return await runTask(
    await loadTask(task, { envFile: false, env: { FTP_PASSWORD: server.password } }),
  );
}

for (const spec of SERVERS) {
  Deno.test({
    name:
      `${spec.name}: get of 27 files (3 of 8 MiB) over six connections, plain and explicit FTPS, every file whole`,
    ignore: spec.ignore,
    async fn() {
      resetPipelining();
      await using dir = await tempDir();
      const server = await startOrSkip(spec);
      if (!server) return;
      await using _server = server;
      const hashes = await writeSampleFiles(join(server.root, "files"));
      for (const scheme of ["ftp", "ftpes"] as const) {
        const to = join(dir.path, `down-${scheme}`);
        const report = await get(
          dir.path,
          server,
          `${scheme}://${server.user}@localhost:${server.port}`,
          to,
          `parallel: 6, tls: { caFile: "${pki.caPath}" }`,
        );
        assert.ok(report.ok, `${scheme}: ${JSON.stringify(report.steps[0]?.actions.slice(0, 5))}`);
        assert.ok(report.steps[0].actions.every((a) => a.result === "ok"), scheme);
        for (const [name, hash] of hashes) {
          assert.equal(await hashOf(join(to, name)), hash, `${scheme}: ${name}`);
        }
      }
      if (spec.ahead) {
        assert.ok(
          mayEpsvDuringTransfer(`127.0.0.1:${server.port}`, "(vsFTPd 3.0.3)"),
          `${spec.name} answered an EPSV sent with a download out of turn`,
        );
      }
    },
  });
}

// The round trips, through the delay proxy: one a file where the EPSV goes
// with the command, two elsewhere (RETR | the data's close with the next EPSV).
for (const spec of SERVERS) {
  Deno.test({
    name: `${spec.name} behind the delay proxy: a get over one connection takes ${
      spec.ahead ? "one round trip" : "two round trips"
    } a file, over four at once as many in all`,
    ignore: spec.ignore,
    async fn() {
      resetPipelining();
      await using dir = await tempDir();
      const server = await startOrSkip(spec);
      if (!server) return;
      await using _server = server;
      const count = 16;
      await Deno.mkdir(join(server.root, "files"));
      for (let i = 0; i < count; i++) {
        await Deno.writeTextFile(join(server.root, "files", `f${i}.txt`), `file ${i}\n`.repeat(99));
      }
      await using proxy = DelayProxy.start({
        target: { hostname: server.host, port: server.port },
        delayMs: 50,
      });
      const url = `ftp://${server.user}@${proxy.hostname}:${proxy.port}`;
      const perFile = spec.ahead ? 1 : 2;
      for (const parallel of [1, 4]) {
        const before = proxy.stats().flights;
        const to = join(dir.path, `p${parallel}`);
        const report = await get(dir.path, server, url, to, `parallel: ${parallel}`);
        assert.ok(report.ok, JSON.stringify(report.steps[0]?.actions.slice(0, 3)));
        for (let i = 0; i < count; i++) {
          assert.equal(await Deno.readTextFile(join(to, `f${i}.txt`)), `file ${i}\n`.repeat(99));
        }
        const flights = proxy.stats().flights - before;
        // Per connection: the login 2 to 3, QUIT 1; on the planning one the
        // listing and its MDTMs about 8; then the files.
        const bound = perFile * count + 12 + 4 * parallel;
        assert.ok(flights <= bound, `parallel ${parallel}: ${flights} flights (at most ${bound})`);
        // And not fewer than the files need: the bar above is not loose by a file a flight.
        if (!spec.ahead) assert.ok(flights > count + 12 + 4 * parallel, `${flights} flights`);
      }
    },
  });
}

// An abort while the EPSV sent with RETR waits behind the download: the
// replies to ABOR come after that EPSV's 229 (vsftpd reads the control
// connection only once the transfer failed), and the session stays in step.
for (const spec of SERVERS.filter((s) => s.ahead)) {
  Deno.test({
    name:
      `${spec.name}: downloads aborted mid-way, each with the next EPSV sent: in step after each`,
    ignore: spec.ignore,
    async fn() {
      resetPipelining();
      const server = await startOrSkip(spec);
      if (!server) return;
      await using _server = server;
      const large = new Uint8Array(16 << 20);
      for (let at = 0; at < large.length; at += 65536) {
        crypto.getRandomValues(large.subarray(at, at + 65536));
      }
      await Deno.writeFile(join(server.root, "large.bin"), large);
      await Deno.writeTextFile(join(server.root, "small.txt"), "small\n");
      const hash = createHash("sha256").update(large).digest("hex");
      await using client = await FtpClient.connect({
        host: server.host,
        port: server.port,
        user: server.user,
        password: server.password,
      });
      assert.equal(await new Response(await client.download("small.txt")).text(), "small\n");
      for (let round = 0; round < 3; round++) {
        const controller = new AbortController();
        const reader = (await client.download("large.bin", { signal: controller.signal }))
          .getReader();
        await reader.read();
        controller.abort();
        await reader.read().catch(() => {});
        const copy = new Uint8Array(
          await new Response(await client.download("large.bin")).arrayBuffer(),
        );
        assert.equal(createHash("sha256").update(copy).digest("hex"), hash, `round ${round}`);
        assert.equal(await client.size("small.txt"), 6, `round ${round}`);
      }
    },
  });
}
