/**
 * `deno run -A bench/pipe_to.ts [URL PATH]`: how large the chunks of
 * `download()` are, and whether `pipeTo(file.writable)` keeps up with
 * `downloadTo()` (which reads into two reused 1 MiB buffers). Without
 * arguments it serves a 512 MiB file from the embedded server in a child
 * process (so the server's work does not share this process's event loop);
 * with a URL and a path it downloads that file instead.
 *
 * Prints, for each way, the seconds and MB/s of three runs, and for
 * `pipeTo` the chunk sizes seen (median, and the share of chunks of at
 * least 256 KiB).
 *
 * @module
 */

import { FtpClient } from "../mod.ts";

const SIZE = 512 << 20;

async function startServer(): Promise<{ url: string; path: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_pipe_to_server.ts", import.meta.url).pathname, String(SIZE)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  // Bounded: the child prints one line, or exits (done).
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the server child exited before it started");
    text += value;
  }
  reader.releaseLock();
  return {
    url: text.trim(),
    path: "big.bin",
    stop: async () => {
      child.kill();
      await child.status;
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

const [urlArg, pathArg] = Deno.args;
const server = urlArg ? undefined : await startServer();
const url = urlArg ?? server!.url;
const path = pathArg ?? server!.path;
const target = await Deno.makeTempFile({ dir: "/dev/shm" });

try {
  await using client = await FtpClient.connect(url);
  const size = await client.size(path);
  // The target is removed before each measurement: freeing a large file's
  // pages inside the timed part would be counted against either way.
  for (let run = 1; run <= 3; run++) {
    await Deno.remove(target).catch(() => {});
    let start = performance.now();
    await client.downloadTo(path, target);
    const loop = (performance.now() - start) / 1000;

    const chunks: number[] = [];
    await Deno.remove(target).catch(() => {});
    start = performance.now();
    const stream = await client.download(path);
    using file = await Deno.open(target, { write: true, create: true, truncate: true });
    await stream
      .pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            chunks.push(chunk.length);
            controller.enqueue(chunk);
          },
        }),
      )
      .pipeTo(file.writable);
    const piped = (performance.now() - start) / 1000;
    const large = chunks.filter((n) => n >= 256 * 1024).length / chunks.length;
    const mbs = (s: number) => (size / s / 1e6).toFixed(0);
    console.log(
      `run ${run}: downloadTo ${loop.toFixed(3)} s (${mbs(loop)} MB/s), ` +
        `download().pipeTo ${piped.toFixed(3)} s (${mbs(piped)} MB/s, ${
          (piped / loop).toFixed(2)
        }x the time); ${chunks.length} chunks, median ${(median(chunks) / 1024).toFixed(0)} KiB, ${
          (large * 100).toFixed(0)
        }% of at least 256 KiB`,
    );
  }
} finally {
  await Deno.remove(target).catch(() => {});
  await server?.stop();
}
