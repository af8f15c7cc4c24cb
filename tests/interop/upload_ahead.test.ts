// Uploads with the next EPSV sent ahead of each upload's final reply (issue
// 15), against the real servers and the embedded one: the runner's `put`
// over six connections at once, small files and multi-MiB ones, plain and
// explicit FTPS; every file on the server's disk must hash as sent, and the
// report must say so. vsftpd and the embedded server get the EPSV ahead (their
// greeting names them); Pure-FTPd, ProFTPD and pyftpdlib, which answer a
// command that comes during an upload out of turn (and pyftpdlib cuts the
// upload short), must not get it: their uploads wait for the 226, as before.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { mayEpsvDuringTransfer, resetPipelining } from "../../src/client/_pipelining.ts";
import { loadTask, runTask } from "../../src/runner/mod.ts";
import { type ServerHandle, ServerUnavailableError } from "../_servers/_common.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import { tempDir } from "../_helpers.ts";
import { writeServerTask } from "../cli/_ferry.ts";
import { startOrSkip } from "./_server_specs.ts";
import { aheadSpecs, hashOf, writeSampleFiles } from "./_ahead.ts";

const pki = await makeTestPki();
const tls = serverTlsFiles(pki);

const SERVERS = aheadSpecs(pki, tls);

for (const spec of SERVERS) {
  Deno.test({
    name:
      `${spec.name}: put of 27 files (3 of 8 MiB) over six connections, plain and explicit FTPS, every file whole`,
    ignore: spec.ignore,
    async fn() {
      resetPipelining();
      await using dir = await tempDir();
      const hashes = await writeSampleFiles(join(dir.path, "site"));
      const server = await startOrSkip(spec);
      if (!server) return;
      await using _server = server;
      for (const scheme of ["ftp", "ftpes"] as const) {
        const to = `up-${scheme}`;
        const task = await writeServerTask(
          dir.path,
          `url: "${scheme}://${server.user}@localhost:${server.port}", ` +
            `password: "\${FTP_PASSWORD}", parallel: 6, tls: { caFile: "${pki.caPath}" }`,
          `  - put: { from: ${join(dir.path, "site")}/, to: ${to}/ }\n`,
        );
        const report = await runTask(
          await loadTask(task, { envFile: false, env: { FTP_PASSWORD: server.password } }),
        );
        assert.ok(report.ok, `${scheme}: ${JSON.stringify(report.steps[0]?.actions.slice(0, 5))}`);
        for (const [name, hash] of hashes) {
          assert.equal(await hashOf(join(server.root, to, name)), hash, `${scheme}: ${name}`);
        }
      }
      // No server answered an EPSV sent ahead out of turn: it still goes ahead.
      if (spec.ahead) {
        assert.ok(
          mayEpsvDuringTransfer(`127.0.0.1:${server.port}`, "(vsFTPd 3.0.3)"),
          `${spec.name} answered an EPSV sent ahead of an upload's end out of turn`,
        );
      }
    },
  });
}

/** Reads replies off a raw control connection, one at a time. */
class RawControl {
  #text = "";
  #pending?: Promise<string | null>;
  constructor(readonly conn: Deno.Conn) {}
  async send(line: string): Promise<void> {
    await this.conn.write(new TextEncoder().encode(`${line}\r\n`));
  }
  /** The next reply's first line (multi-line replies read whole), within 15 s. */
  async reply(): Promise<string> {
    const deadline = Date.now() + 15_000;
    // Bounded by the deadline.
    while (Date.now() < deadline) {
      const code = this.#text.match(/^(\d{3})[ -]/)?.[1];
      const end = code && this.#text.match(new RegExp(`(^|\\r\\n)${code} [^\\r\\n]*\\r\\n`));
      if (end) {
        const length = end.index! + end[0].length;
        const reply = this.#text.slice(0, length);
        this.#text = this.#text.slice(length);
        return reply.split("\r\n")[0];
      }
      this.#pending ??= (async () => {
        const buffer = new Uint8Array(4096);
        const n = await this.conn.read(buffer);
        return n === null ? null : new TextDecoder().decode(buffer.subarray(0, n));
      })();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const got = await Promise.race([
        this.#pending,
        new Promise<"late">((r) => timer = setTimeout(() => r("late"), deadline - Date.now())),
      ]);
      clearTimeout(timer);
      if (got === "late") break;
      this.#pending = undefined;
      if (got === null) return "(closed)";
      this.#text += got;
    }
    return "(no reply within 15 s)";
  }
}

// The evidence behind the greetings ferry trusts: an EPSV that arrives as
// soon as the client closed an 8 MiB upload's data (the server still reading
// it) is answered after the upload's 226, every time, and the upload is whole.
for (const spec of SERVERS.filter((s) => s.ahead)) {
  Deno.test({
    name: `${spec.name}: an EPSV sent right after an 8 MiB upload's data is answered after its 226`,
    ignore: spec.ignore,
    async fn() {
      let server: ServerHandle;
      try {
        server = await spec.start();
      } catch (error) {
        if (error instanceof ServerUnavailableError) return;
        throw error;
      }
      await using _server = server;
      const control = new RawControl(
        await Deno.connect({ hostname: server.host, port: server.port }),
      );
      try {
        assert.match(await control.reply(), /^220/);
        await control.send(`USER ${server.user}`);
        await control.reply();
        await control.send(`PASS ${server.password}`);
        assert.match(await control.reply(), /^230/);
        await control.send("TYPE I");
        await control.reply();
        const bytes = new Uint8Array((8 << 20) + 5);
        for (let at = 0; at < bytes.length; at += 65536) {
          crypto.getRandomValues(bytes.subarray(at, Math.min(bytes.length, at + 65536)));
        }
        const hash = createHash("sha256").update(bytes).digest("hex");
        await control.send("EPSV");
        let epsv = await control.reply();
        for (let round = 0; round < 4; round++) {
          const port = Number(epsv.match(/\|\|\|(\d+)\|/)?.[1]);
          assert.ok(port > 0, epsv);
          const data = await Deno.connect({ hostname: server.host, port });
          await control.send(`STOR raw${round}.bin`);
          assert.match(await control.reply(), /^1\d\d/);
          for (let at = 0; at < bytes.length;) at += await data.write(bytes.subarray(at));
          data.close();
          await control.send("EPSV");
          const final = await control.reply();
          epsv = await control.reply();
          assert.match(final, /^226/, `round ${round}: ${final}, then ${epsv}`);
          assert.match(epsv, /^229/, `round ${round}`);
          assert.equal(await hashOf(join(server.root, `raw${round}.bin`)), hash);
        }
      } finally {
        control.conn.close();
      }
    },
  });
}
