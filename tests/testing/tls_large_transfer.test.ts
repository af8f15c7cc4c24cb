/**
 * A large FTPS transfer each way through a server in its own process,
 * whose live memory must stay flat: the TLS relay reads again only once its
 * last chunk is written, so a slow client holds the server back instead of
 * filling its memory.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { flatness } from "../_live_memory.ts";
import { startServerChild } from "./_memory_server.ts";
import { clientTls, pki } from "./_tls.ts";
import { pattern, Wire } from "./_wire.ts";

const MIB = 1024 * 1024;
const SIZE_MIB = 64;
/**
 * The server's memory alive after forced collections, sampled every 8 MiB
 * each way and during the stall. A relay that read on while the client
 * stalled would hold the rest of the file: tens of MiB.
 */
const BOUNDS = { growth: 8 * MIB, level: 48 * MIB };
const SAMPLE_EVERY_MIB = 8;

const block = pattern(MIB, 9);

function expectedHash(): string {
  const hash = createHash("sha256");
  for (let i = 0; i < SIZE_MIB; i++) hash.update(block);
  return hash.digest("hex");
}

Deno.test(`${SIZE_MIB} MiB down (with a stalled reader) and up over TLS keep the server's memory flat`, async () => {
  const tls = await pki();
  const root = await Deno.makeTempDir({ prefix: "ferry-tls-large-" });
  try {
    {
      using file = await Deno.open(`${root}/big.bin`, { write: true, create: true });
      for (let i = 0; i < SIZE_MIB; i++) {
        let offset = 0;
        while (offset < block.length) offset += await file.write(block.subarray(offset));
      }
    }
    const expected = expectedHash();
    await using server = await startServerChild(root, tls.server);
    const [wire] = await Wire.open({ hostname: "127.0.0.1", port: server.port });
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
    let nextSample = SAMPLE_EVERY_MIB * MIB;
    for (let n = await down.read(buffer); n !== null; n = await down.read(buffer)) {
      hash.update(buffer.subarray(0, n));
      received += n;
      if (received >= nextSample) {
        await server.sample();
        nextSample += SAMPLE_EVERY_MIB * MIB;
      }
      if (!stalled && received > 8 * MIB) {
        // A consumer that stops reading for a while: the server must wait, not buffer.
        stalled = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
        await server.sample();
      }
    }
    down.close();
    assert.equal((await wire.reply()).code, 226);
    assert.equal(received, SIZE_MIB * MIB);
    assert.equal(hash.digest("hex"), expected);

    const upRaw = await wire.passive();
    await wire.expect("STOR copy.bin", 150);
    const up = await clientTls(upRaw);
    for (let i = 1; i <= SIZE_MIB; i++) {
      let offset = 0;
      while (offset < block.length) offset += await up.write(block.subarray(offset));
      if (i % SAMPLE_EVERY_MIB === 0) await server.sample();
    }
    up.close();
    assert.equal((await wire.reply()).code, 226);
    await wire.expect("QUIT", 221);

    const { ok, message } = flatness(await server.report(), BOUNDS);
    assert.ok(ok, `the server's ${message}`);

    const stored = createHash("sha256");
    using copy = await Deno.open(`${root}/copy.bin`, { read: true });
    for (let n = await copy.read(buffer); n !== null; n = await copy.read(buffer)) {
      stored.update(buffer.subarray(0, n));
    }
    assert.equal(stored.digest("hex"), expected);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
