// FTPS against vsftpd, the server whose default (require_ssl_reuse=YES)
// refuses every data connection that does not resume the control
// connection's TLS session, which Deno's own TLS cannot do.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { FtpClient, FtpTlsError, type TransferMode } from "../../mod.ts";
import { flatness, LIVE_MEMORY_FLAGS } from "../_live_memory.ts";
import { makeTestPki } from "../_servers/certs.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";
import {
  isolatedLargestWriteBuffer,
  isolatedStats,
  isolatedWriteBuffersMade,
} from "../../src/transport/_isolated_transport.ts";
import { MESSAGE_BYTES } from "../../src/transport/_isolated_wire.ts";
import {
  pseudoRandomBytes,
  readAll,
  sha256,
  sha256File,
  tempDir,
  writeRandomFile,
} from "../_helpers.ts";

const pki = await makeTestPki();

function startTlsVsftpd(requireReuse: boolean) {
  return startVsftpd({
    tls: {
      certPath: pki.server.certPath,
      keyPath: pki.server.keyPath,
      requireSslReuse: requireReuse,
    },
    config: { force_anon_logins_ssl: "YES", force_anon_data_ssl: "YES" },
  });
}

const urlOf = (port: number) => `ftpes://anonymous:ferry%40example.com@localhost:${port}/pub`;
const ignore = vsftpd.ignore;

for (const transferMode of ["passive", "active"] as TransferMode[]) {
  Deno.test({
    name:
      `vsftpd requiring TLS session reuse, default options (${transferMode}): reconnects with resumption, bytes intact`,
    ignore,
    async fn() {
      await using server = await startTlsVsftpd(true);
      const client = new FtpClient({
        ...parse(urlOf(server.port)),
        tls: { caCerts: [pki.caPem] },
        transferMode,
      });
      const warnings: string[] = [];
      const infos: string[] = [];
      client.addEventListener("warning", (e) => warnings.push(e.message));
      client.addEventListener("info", (e) => infos.push(e.message));
      await client.connect();
      await client.mkdir("a/b", { recursive: true });
      await client.cd("a/b");
      const data = pseudoRandomBytes(5 << 20, 8);
      await client.upload("f.bin", data);
      assert.equal(await client.pwd(), "/pub/a/b", "the reconnect returned to the directory");
      assert.equal(sha256(await readAll(await client.download("f.bin"))), sha256(data));
      assert.deepEqual((await client.list()).map((e) => e.name), ["f.bin"]);
      await client.close();
      assert.equal(sha256(await Deno.readFile(`${server.dir}/a/b/f.bin`)), sha256(data));
      // Said once, as news rather than a warning.
      assert.equal(infos.filter((m) => /requires data connections to resume/.test(m)).length, 1);
      assert.deepEqual(warnings, []);
    },
  });
}

Deno.test({
  name: "vsftpd requiring reuse, sessionReuse 'always': no reconnect needed",
  ignore,
  async fn() {
    await using server = await startTlsVsftpd(true);
    const client = new FtpClient({
      ...parse(urlOf(server.port)),
      tls: { caCerts: [pki.caPem], sessionReuse: "always" },
    });
    const warnings: string[] = [];
    client.addEventListener("warning", (e) => warnings.push(e.message));
    await client.connect();
    await client.upload("x.txt", "resumed");
    assert.equal(await new Response(await client.download("x.txt")).text(), "resumed");
    await client.close();
    assert.deepEqual(warnings, []);
  },
});

Deno.test({
  name:
    "vsftpd requiring reuse, sessionReuse 'never': an FtpTlsError that names the server setting",
  ignore,
  async fn() {
    await using server = await startTlsVsftpd(true);
    await using client = await FtpClient.connect(urlOf(server.port), {
      tls: { caCerts: [pki.caPem], sessionReuse: "never" },
    });
    const error = await client.list().catch((e) => e);
    assert.ok(error instanceof FtpTlsError, String(error));
    assert.equal(error.kind, "session-reuse");
    assert.match(error.message, /require_ssl_reuse=NO/);
    assert.match(error.message, /sessionReuse/);
  },
});

Deno.test({
  name: "vsftpd not requiring reuse: Deno's own TLS is used, no reconnect",
  ignore,
  async fn() {
    await using server = await startTlsVsftpd(false);
    const client = new FtpClient({ ...parse(urlOf(server.port)), tls: { caCerts: [pki.caPem] } });
    const warnings: string[] = [];
    client.addEventListener("warning", (e) => warnings.push(e.message));
    await client.connect();
    const data = pseudoRandomBytes(2 << 20, 3);
    await client.upload("n.bin", data);
    assert.equal(sha256(await readAll(await client.download("n.bin"))), sha256(data));
    await client.close();
    assert.deepEqual(warnings, []);
  },
});

const GiB = 1 << 30;
const MiB = 1 << 20;

Deno.test({
  name:
    "Node's TLS path with vsftpd requiring reuse: read and write buffers go back and forth between the worker and the client, node:tls's buffers are freed once used, the worker holds at most 256 KiB of plaintext for a slow reader, an aborted download leaves no worker; bytes intact",
  ignore,
  async fn(t) {
    await using server = await startTlsVsftpd(true);
    await using local = await tempDir();
    const size = 64 * MiB;
    const hash = await writeRandomFile(`${server.dir}/big.bin`, size, 13);
    await Deno.chmod(`${server.dir}/big.bin`, 0o644);
    const connect = async () => {
      const client = new FtpClient({
        ...parse(urlOf(server.port)),
        tls: { caCerts: [pki.caPem], sessionReuse: "always" },
      });
      await client.connect();
      return client;
    };
    await t.step(
      "a fast reader: a few read buffers in all, not one per read, each read message a full buffer; decrypted chunks freed once read",
      async () => {
        const client = await connect();
        await client.downloadTo("big.bin", `${local.path}/fast.bin`);
        assert.equal(await sha256File(`${local.path}/fast.bin`), hash);
        const [stats] = await isolatedStats();
        await client.close();
        // 64 MiB is at least 256 reads of 256 KiB. The data connection needs
        // two buffers (one filled in the worker while the other is copied out
        // here), the control connection's reads a few more.
        assert.ok(stats.readBuffersMade <= 8, `read buffers made: ${stats.readBuffersMade}`);
        // Each read message carries a full 256 KiB buffer (the worker fills it
        // ahead of the read), not whatever was decrypted when the read came:
        // every message left garbage in both threads' old generations, and
        // reads answered at once took 2-3 times as many (512-800 for 64 MiB).
        const fullMessages = size / MESSAGE_BYTES;
        assert.ok(
          stats.dataReadsServed <= fullMessages * 1.5,
          `read messages: ${stats.dataReadsServed} for ${fullMessages} full buffers`,
        );
        // Each decrypted chunk (one per 32 KiB of ciphertext read) is freed as
        // soon as it is read, not left to the worker's collector.
        assert.ok(
          stats.tlsBuffersReleased >= size / (64 * 1024),
          `node:tls buffers freed at once: ${stats.tlsBuffersReleased}`,
        );
      },
    );
    await t.step("a slow reader: the worker holds at most 256 KiB of plaintext", async () => {
      const client = await connect();
      const reader = (await client.download("big.bin")).getReader({ mode: "byob" });
      const hasher = createHash("sha256");
      let buffer = new Uint8Array(64 * 1024);
      let got = 0;
      // Bounded by the download's end.
      while (true) {
        const { done, value } = await reader.read(buffer);
        if (done) break;
        hasher.update(value);
        got += value.length;
        buffer = new Uint8Array(value.buffer);
        if (got % (4 * MiB) < value.length) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(got, size);
      assert.equal(hasher.digest("hex"), hash);
      const [stats] = await isolatedStats();
      await client.close();
      // 128 KiB waiting for the reader, plus what one read of ciphertext (32
      // KiB) decrypts to; the worker held up to 4 MiB before.
      assert.ok(
        stats.mostPlaintextHeld <= 256 * 1024,
        `most plaintext held: ${stats.mostPlaintextHeld}`,
      );
    });
    await t.step(
      "an upload: write buffers (each at most 256 KiB) come back from the worker for reuse, node:tls gets one record at a time, no ciphertext piles up below it, and each record's buffer is freed once written",
      async () => {
        const client = await connect();
        const before = isolatedWriteBuffersMade();
        await client.uploadFrom(`${local.path}/fast.bin`, "up.bin");
        const made = isolatedWriteBuffersMade() - before;
        const [stats] = await isolatedStats();
        await client.close();
        assert.equal(await sha256File(`${server.dir}/up.bin`), hash);
        // 64 MiB is hundreds of writes; at most a window's worth (2 MiB) of
        // buffers is in flight at once, plus the control connection's.
        assert.ok(made <= 16, `write buffers made: ${made}`);
        // Each write copy is at most what one message carries (256 KiB), not
        // the file's 1 MiB reads.
        assert.ok(
          isolatedLargestWriteBuffer() <= 256 * 1024,
          `largest write buffer: ${isolatedLargestWriteBuffer()}`,
        );
        // Given 1 MiB at once, node:tls encrypted batches of records, up to
        // 96 KiB of ciphertext waiting below it; a record (16 KiB) at a
        // time, the one being written and the next (32 KiB).
        assert.ok(
          stats.largestTlsWrite <= 16 * 1024,
          `largest TLS write: ${stats.largestTlsWrite}`,
        );
        assert.ok(
          stats.mostCiphertextQueued <= 64 * 1024,
          `most ciphertext queued: ${stats.mostCiphertextQueued}`,
        );
        // And each record's ciphertext buffer is freed once written: nearly
        // all of the 4,096 records of 64 MiB.
        assert.ok(
          stats.tlsBuffersReleased >= (size / (16 * 1024)) * 0.75,
          `node:tls buffers freed at once: ${stats.tlsBuffersReleased}`,
        );
      },
    );
    await t.step("an aborted download: the worker ends, nothing is left open", async () => {
      const client = await connect();
      const reader = (await client.download("big.bin")).getReader();
      let got = 0;
      // Bounded: stops after 8 MiB of a 64 MiB file.
      while (got < 8 * MiB) {
        const { done, value } = await reader.read();
        assert.ok(!done, "the download ended early");
        got += value.length;
      }
      await reader.cancel();
      assert.equal((await isolatedStats()).length, 1);
      // The session goes on after the abort: a small file, bytes intact.
      const small = pseudoRandomBytes(100_000, 14);
      await client.upload("small.bin", small);
      assert.equal(sha256(await readAll(await client.download("small.bin"))), sha256(small));
      await client.close();
      assert.equal((await isolatedStats()).length, 0, "a TLS worker outlived its client");
    });
  },
});

async function child(args: string[]): Promise<{ bytes: number; samples: number[] }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...LIVE_MEMORY_FLAGS,
      new URL("./_ftps_child.ts", import.meta.url).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

Deno.test({
  name:
    "1 GiB over FTPS with vsftpd requiring reuse: download, upload and a slow reader, hashes intact, memory bounded",
  ignore,
  async fn(t) {
    await using server = await startTlsVsftpd(true);
    await using local = await tempDir();
    const source = `${local.path}/source.bin`;
    const hash = await writeRandomFile(source, GiB, 11);
    await Deno.copyFile(source, `${server.dir}/big.bin`);
    await Deno.chmod(`${server.dir}/big.bin`, 0o644);
    const url = urlOf(server.port);
    // Memory alive after forced collections every 64 MiB: the client's
    // buffers (the node:tls path's plaintext buffer holds up to 128 KiB), not
    // the file. Peak RSS is not the measure: Deno's node:tls allocates a
    // buffer per 16 KiB record and V8 frees them in batches, so the peak
    // moves with the collector's timing (docs/performance.md).
    const bounds = { growth: 8 * MiB, level: 48 * MiB };
    const assertFlat = (samples: number[]) => {
      const { ok, message } = flatness(samples, bounds);
      assert.ok(ok, message);
    };
    await t.step("download", async () => {
      const result = await child([
        url,
        pki.caPath,
        "download",
        "big.bin",
        `${local.path}/down.bin`,
      ]);
      assert.equal(result.bytes, GiB);
      assert.equal(await sha256File(`${local.path}/down.bin`), hash);
      assertFlat(result.samples);
      await Deno.remove(`${local.path}/down.bin`);
    });
    await t.step("upload", async () => {
      const result = await child([url, pki.caPath, "upload", "up.bin", source]);
      assert.equal(result.bytes, GiB);
      assert.equal(await sha256File(`${server.dir}/up.bin`), hash);
      assertFlat(result.samples);
      await Deno.remove(`${server.dir}/up.bin`);
    });
    await t.step("a deliberately slow reader: no hang, bounded memory", async () => {
      // 256 MiB is enough to outrun the 128 KiB buffer many times over.
      await Deno.truncate(`${server.dir}/big.bin`, 256 * MiB);
      const expected = await sha256File(`${server.dir}/big.bin`);
      const result = await child([url, pki.caPath, "slow", "big.bin", `${local.path}/slow.bin`]);
      assert.equal(result.bytes, 256 * MiB);
      assert.equal(await sha256File(`${local.path}/slow.bin`), expected);
      assertFlat(result.samples);
    });
  },
});

Deno.test({
  name:
    "8 connections at once on Node's TLS with vsftpd requiring reuse: 128 MiB each way per connection, hashes intact, memory bounded",
  ignore,
  async fn(t) {
    await using server = await startTlsVsftpd(true);
    await using local = await tempDir();
    const source = `${local.path}/source.bin`;
    const hash = await writeRandomFile(source, 128 * MiB, 12);
    await Deno.copyFile(source, `${server.dir}/big.bin`);
    await Deno.chmod(`${server.dir}/big.bin`, 0o644);
    const url = urlOf(server.port);
    // Each connection's TLS worker holds a few MiB of buffers (up to 128 KiB
    // of plaintext waiting for the reader, a chunk read ahead, 2 MiB of
    // writes in flight) besides its own heap: bounded by the connections,
    // not by the bytes (docs/performance.md has the 8 × 1 GiB run).
    const bounds = { growth: 16 * MiB, level: 200 * MiB };
    const run = async (mode: string, remote: string, file: string) => {
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          ...LIVE_MEMORY_FLAGS,
          new URL("./_ftps_parallel_child.ts", import.meta.url).pathname,
          url,
          pki.caPath,
          mode,
          "8",
          remote,
          file,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      const result = JSON.parse(new TextDecoder().decode(output.stdout));
      assert.equal(result.bytes, 8 * 128 * MiB);
      const { ok, message } = flatness(result.samples, bounds);
      assert.ok(ok, message);
    };
    await t.step("8 downloads at once", async () => {
      await run("download", "big.bin", `${local.path}/down`);
      for (let i = 0; i < 8; i++) {
        assert.equal(await sha256File(`${local.path}/down.${i}`), hash);
        await Deno.remove(`${local.path}/down.${i}`);
      }
    });
    await t.step("8 uploads at once", async () => {
      await run("upload", "up.bin", source);
      for (let i = 0; i < 8; i++) {
        assert.equal(await sha256File(`${server.dir}/up.bin.${i}`), hash);
      }
    });
  },
});

/** Client options from an ftpes:// URL, so that a FtpClient can be built before connecting. */
function parse(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    path: u.pathname,
    secure: "explicit" as const,
  };
}
