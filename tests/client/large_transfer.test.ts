// A 200 MiB download and upload through every transfer API, with hashes
// compared and the client process's peak memory checked to stay far below
// the file size. The client runs in a child process so that its peak RSS
// is its own, not the embedded server's.

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { sha256File, tempDir, writeRandomFile } from "../_helpers.ts";

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
/**
 * Far below the file size; a leaking or buffering client would blow it. The
 * file APIs reuse one buffer (about 50 MiB measured). A download stream hands
 * each chunk to its reader, so V8 collects the chunks in batches once their
 * external memory grows by its GC threshold: about 115 MiB measured, flat
 * from 200 MiB to 1 GiB. A slow reader that reuses its own buffer stays
 * within the file APIs' bound, so nothing piles up while it pauses; a slow
 * source makes a fresh chunk per read, so it has the streams' bound.
 */
const PEAK_LIMIT: Record<string, number> = {
  "download file": 100 * MiB,
  "upload file": 100 * MiB,
  "download stream": 150 * MiB,
  "upload stream": 150 * MiB,
  "download slow": 100 * MiB,
  "upload slow": 150 * MiB,
};
const child = new URL("./_memory_child.ts", import.meta.url).pathname;

async function runChild(args: string[]): Promise<{ bytes: number; peakRssBytes: number }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", child, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

Deno.test("200 MiB download and upload, also with a slow reader and source: hashes match, peak client memory stays far below the file size", async (t) => {
  await using local = await tempDir();
  await using server = await FtpTestServer.start();
  const source = `${local.path}/source.bin`;
  const hash = await writeRandomFile(source, SIZE);
  await Deno.copyFile(source, `${server.root}/remote.bin`);

  // "slow": a reader (and a source) that pauses after every 256 KiB.
  for (const api of ["file", "stream", "slow"]) {
    await t.step(`download via ${api} API`, async () => {
      const target = `${local.path}/down-${api}.bin`;
      const result = await runChild([String(server.port), "download", api, "remote.bin", target]);
      assert.equal(result.bytes, SIZE);
      assert.equal(await sha256File(target), hash);
      assert.ok(
        result.peakRssBytes < PEAK_LIMIT[`download ${api}`],
        `peak RSS ${(result.peakRssBytes / MiB).toFixed(1)} MiB`,
      );
      await Deno.remove(target);
    });
    await t.step(`upload via ${api} API`, async () => {
      const result = await runChild([String(server.port), "upload", api, `up-${api}.bin`, source]);
      assert.equal(result.bytes, SIZE);
      assert.equal(await sha256File(`${server.root}/up-${api}.bin`), hash);
      assert.ok(
        result.peakRssBytes < PEAK_LIMIT[`upload ${api}`],
        `peak RSS ${(result.peakRssBytes / MiB).toFixed(1)} MiB`,
      );
      await Deno.remove(`${server.root}/up-${api}.bin`);
    });
  }
});
