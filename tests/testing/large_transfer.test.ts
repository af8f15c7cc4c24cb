import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { flatness } from "../_live_memory.ts";
import { startServerChild } from "./_memory_server.ts";
import { pattern, Wire } from "./_wire.ts";

const MIB = 1024 * 1024;
const SIZE_MIB = 200;
/**
 * The server's memory alive after forced collections, sampled every 20 MiB
 * each way: its relay buffers stay alive, nothing else. A server that held
 * the file, or leaked per chunk, would grow by tens of MiB.
 */
const BOUNDS = { growth: 8 * MIB, level: 48 * MIB };
const SAMPLE_EVERY_MIB = 20;

const block = pattern(MIB, 3);

function expectedHash(): string {
  const hash = createHash("sha256");
  for (let i = 0; i < SIZE_MIB; i++) hash.update(block);
  return hash.digest("hex");
}

Deno.test(`${SIZE_MIB} MiB down and up keep the server's memory flat`, async () => {
  const root = await Deno.makeTempDir({ prefix: "ferry-large-" });
  try {
    {
      using file = await Deno.open(`${root}/big.bin`, { write: true, create: true });
      for (let i = 0; i < SIZE_MIB; i++) {
        let offset = 0;
        while (offset < block.length) offset += await file.write(block.subarray(offset));
      }
    }
    const expected = expectedHash();
    await using server = await startServerChild(root);
    using wire = await Wire.login({ hostname: "127.0.0.1", port: server.port });
    await wire.expect("TYPE I", 200);

    const down = await wire.passive();
    await wire.expect("RETR big.bin", 150);
    const hash = createHash("sha256");
    const buffer = new Uint8Array(MIB);
    let received = 0;
    let nextSample = SAMPLE_EVERY_MIB * MIB;
    for (let n = await down.read(buffer); n !== null; n = await down.read(buffer)) {
      hash.update(buffer.subarray(0, n));
      received += n;
      if (received >= nextSample) {
        await server.sample();
        nextSample += SAMPLE_EVERY_MIB * MIB;
      }
    }
    down.close();
    assert.equal((await wire.reply()).code, 226);
    assert.equal(received, SIZE_MIB * MIB);
    assert.equal(hash.digest("hex"), expected);

    const up = await wire.passive();
    await wire.expect("STOR copy.bin", 150);
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
