/**
 * A large FTPS transfer each way through a server in its own process,
 * whose peak memory must stay flat: the TLS relay reads again only once its
 * last chunk is written, so a slow client holds the server back instead of
 * filling its memory.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { clientTls, pki } from "./_tls.ts";
import { pattern, Wire } from "./_wire.ts";

const MIB = 1024 * 1024;
const SIZE_MIB = 64;
/**
 * The server process's peak memory. A Deno process with the server idle
 * peaks around 50 MiB; one that buffered the file would pass 110.
 */
const PEAK_RSS_LIMIT = 100 * MIB;

const block = pattern(MIB, 9);

function expectedHash(): string {
  const hash = createHash("sha256");
  for (let i = 0; i < SIZE_MIB; i++) hash.update(block);
  return hash.digest("hex");
}

/** Reads one line of JSON from a child's stdout. */
async function jsonLine(
  reader: ReadableStreamDefaultReader<string>,
): Promise<Record<string, number>> {
  let text = "";
  for (let i = 0; i < 1000 && !text.includes("\n"); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  return JSON.parse(text);
}

Deno.test(`${SIZE_MIB} MiB down (with a stalled reader) and up over TLS keep the server's memory flat`, async () => {
  const tls = await pki();
  const root = await Deno.makeTempDir({ prefix: "ferry-tls-large-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_server_child.ts", import.meta.url).pathname,
      root,
      tls.server.certPath,
      tls.server.keyPath,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stdin = child.stdin.getWriter();
  // A hung server must fail the test, not hang it.
  const killer = setTimeout(() => child.kill(), 120_000);
  try {
    {
      using file = await Deno.open(`${root}/big.bin`, { write: true, create: true });
      for (let i = 0; i < SIZE_MIB; i++) {
        let offset = 0;
        while (offset < block.length) offset += await file.write(block.subarray(offset));
      }
    }
    const expected = expectedHash();
    const { port } = await jsonLine(stdout);
    const [wire] = await Wire.open({ hostname: "127.0.0.1", port });
    using _ = wire;
    await wire.startTls(tls.caPem);
    await wire.expect("USER anonymous", 331);
    await wire.expect("PASS x", 230);
    await wire.expect("PBSZ 0", 200);
    await wire.expect("PROT P", 200);
    await wire.expect("TYPE I", 200);

    const raw = await wire.passive();
    await wire.expect("RETR big.bin", 150);
    const down = await clientTls(raw);
    const hash = createHash("sha256");
    const buffer = new Uint8Array(MIB);
    let received = 0;
    let stalled = false;
    for (let n = await down.read(buffer); n !== null; n = await down.read(buffer)) {
      hash.update(buffer.subarray(0, n));
      received += n;
      if (!stalled && received > 8 * MIB) {
        // A consumer that stops reading for a while: the server must wait, not buffer.
        stalled = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    down.close();
    assert.equal((await wire.reply()).code, 226);
    assert.equal(received, SIZE_MIB * MIB);
    assert.equal(hash.digest("hex"), expected);

    const upRaw = await wire.passive();
    await wire.expect("STOR copy.bin", 150);
    const up = await clientTls(upRaw);
    for (let i = 0; i < SIZE_MIB; i++) {
      let offset = 0;
      while (offset < block.length) offset += await up.write(block.subarray(offset));
    }
    up.close();
    assert.equal((await wire.reply()).code, 226);
    await wire.expect("QUIT", 221);

    await stdin.write(new TextEncoder().encode("report\n"));
    const { peakRssBytes } = await jsonLine(stdout);
    assert.ok(
      peakRssBytes < PEAK_RSS_LIMIT,
      `the server peaked at ${Math.round(peakRssBytes / MIB)} MiB`,
    );

    const stored = createHash("sha256");
    using copy = await Deno.open(`${root}/copy.bin`, { read: true });
    for (let n = await copy.read(buffer); n !== null; n = await copy.read(buffer)) {
      stored.update(buffer.subarray(0, n));
    }
    assert.equal(stored.digest("hex"), expected);
  } finally {
    clearTimeout(killer);
    await stdin.close().catch(() => {});
    await stdout.cancel().catch(() => {});
    const status = await child.status;
    await Deno.remove(root, { recursive: true });
    assert.equal(status.code, 0);
  }
});
