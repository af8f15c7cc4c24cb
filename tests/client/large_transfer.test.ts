// A 200 MiB download and upload through every transfer API, with hashes
// compared and the client's live memory (after forced collections every
// 20 MiB) checked not to grow with the file. The client runs in a child
// process so that its memory is its own, not the embedded server's.

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { sha256File, tempDir, writeRandomFile } from "../_helpers.ts";
import { flatness, LIVE_MEMORY_FLAGS } from "../_live_memory.ts";

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
/**
 * What stays alive while 200 MiB pass: the client's reused buffers (1 MiB
 * each) and a chunk or two in flight. A client that buffered the file, read
 * ahead of a slow consumer or leaked per chunk would grow by tens of MiB.
 */
const BOUNDS = { growth: 8 * MiB, level: 48 * MiB };
const child = new URL("./_memory_child.ts", import.meta.url).pathname;

async function runChild(args: string[]): Promise<{ bytes: number; samples: number[] }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...LIVE_MEMORY_FLAGS, child, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** Copies the first `length` bytes of `from` to a new file `to`. */
async function copyHead(from: string, to: string, length: number): Promise<void> {
  using input = await Deno.open(from);
  using output = await Deno.open(to, { write: true, create: true, truncate: true });
  const buffer = new Uint8Array(MiB);
  // Bounded by `length`.
  for (let done = 0; done < length;) {
    const n = await input.read(buffer.subarray(0, Math.min(MiB, length - done)));
    if (n === null) break;
    for (let at = 0; at < n;) at += await output.write(buffer.subarray(at, n));
    done += n;
  }
}

Deno.test("200 MiB download and upload, also with a slow reader and source: hashes match, live client memory does not grow with the file", async (t) => {
  await using local = await tempDir();
  await using server = await FtpTestServer.start();
  const source = `${local.path}/source.bin`;
  const hash = await writeRandomFile(source, SIZE);
  await Deno.copyFile(source, `${server.root}/remote.bin`);

  // "slow": a reader (and a source) that pauses after every 256 KiB.
  // "checked": the integrity options (see _memory_child.ts); its download
  // resumes a partial file of 50 MiB after comparing its last 64 KiB.
  for (const api of ["file", "stream", "slow", "checked"]) {
    await t.step(`download via ${api} API`, async () => {
      const target = `${local.path}/down-${api}.bin`;
      const partial = api === "checked" ? 50 * MiB : 0;
      if (partial > 0) await copyHead(source, `${target}.ferry-part`, partial);
      const result = await runChild([String(server.port), "download", api, "remote.bin", target]);
      assert.equal(result.bytes, SIZE - partial + (partial > 0 ? 64 * 1024 : 0));
      assert.equal(await sha256File(target), hash);
      const { ok, message } = flatness(result.samples, BOUNDS);
      assert.ok(ok, message);
      await Deno.remove(target);
    });
    await t.step(`upload via ${api} API`, async () => {
      const result = await runChild([String(server.port), "upload", api, `up-${api}.bin`, source]);
      assert.equal(result.bytes, SIZE);
      assert.equal(await sha256File(`${server.root}/up-${api}.bin`), hash);
      const { ok, message } = flatness(result.samples, BOUNDS);
      assert.ok(ok, message);
      await Deno.remove(`${server.root}/up-${api}.bin`);
    });
  }
});
