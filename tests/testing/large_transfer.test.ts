import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { pattern, Wire } from "./_wire.ts";

const MIB = 1024 * 1024;
const SIZE_MIB = 200;
/**
 * The server process's peak memory. A Deno process with the server idle
 * peaks around 50 MiB; one that held the file in memory would pass 250.
 */
const PEAK_RSS_LIMIT = 150 * MIB;

const block = pattern(MIB, 3);

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

Deno.test(`${SIZE_MIB} MiB down and up keep the server's memory flat`, async () => {
  const root = await Deno.makeTempDir({ prefix: "ferry-large-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_server_child.ts", import.meta.url).pathname, root],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stdin = child.stdin.getWriter();
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
    using wire = await Wire.login({ hostname: "127.0.0.1", port });
    await wire.expect("TYPE I", 200);

    const down = await wire.passive();
    await wire.expect("RETR big.bin", 150);
    const hash = createHash("sha256");
    const buffer = new Uint8Array(MIB);
    let received = 0;
    for (let n = await down.read(buffer); n !== null; n = await down.read(buffer)) {
      hash.update(buffer.subarray(0, n));
      received += n;
    }
    down.close();
    assert.equal((await wire.reply()).code, 226);
    assert.equal(received, SIZE_MIB * MIB);
    assert.equal(hash.digest("hex"), expected);

    const up = await wire.passive();
    await wire.expect("STOR copy.bin", 150);
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
    await stdin.close().catch(() => {});
    await stdout.cancel().catch(() => {});
    const status = await child.status;
    await Deno.remove(root, { recursive: true });
    assert.equal(status.code, 0);
  }
});
