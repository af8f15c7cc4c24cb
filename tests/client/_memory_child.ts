// Runs one large transfer in its own process and reports the memory alive
// after forced collections every 20 MiB moved, so the parent test can check
// that memory stays flat however large the file is.
//
// Usage: deno run -A --v8-flags=--expose-gc _memory_child.ts PORT (download|upload) (file|stream|slow) REMOTE LOCAL
// "slow" is a consumer (or producer) that pauses after every 256 KiB: the
// server then waits on it, and nothing may pile up in between. "checked" is
// downloadTo with the integrity options (the expected size, resuming the
// .ferry-part the parent left after comparing its last 64 KiB, the server's
// time) and an atomic uploadFrom (a temporary, SIZE, MFMT, the rename).
// "segments" is downloadTo with four segments at once.

import { FtpClient } from "../../mod.ts";
import { LiveMemorySampler } from "../_live_memory.ts";

const [port, direction, api, remote, local] = Deno.args;
const pause = () => new Promise((resolve) => setTimeout(resolve, 2));
await using client = await FtpClient.connect({ port: Number(port) });
const sampler = new LiveMemorySampler(20 * 1024 * 1024);
client.addEventListener("progress", (event) => sampler.at(event.bytes));
let bytes = 0;
if (direction === "download") {
  if (api === "file") {
    bytes = (await client.downloadTo(remote, local)).bytes;
  } else if (api === "segments") {
    bytes = (await client.downloadTo(remote, local, { segments: 4 })).bytes;
  } else if (api === "checked") {
    const size = await client.size(remote);
    const options = { size, resume: true, resumeCheck: 64 * 1024, mtime: "remote" as const };
    bytes = (await client.downloadTo(remote, local, options)).bytes;
  } else if (api === "slow") {
    using file = await Deno.open(local, { write: true, create: true, truncate: true });
    const reader = (await client.download(remote)).getReader({ mode: "byob" });
    let buffer = new ArrayBuffer(256 * 1024);
    // Bounded by the file's end.
    while (true) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done) break;
      for (let at = 0; at < value.length;) at += await file.write(value.subarray(at));
      bytes += value.length;
      buffer = value.buffer as ArrayBuffer;
      await pause();
    }
  } else {
    const file = await Deno.open(local, { write: true, create: true, truncate: true });
    const stream = await client.download(remote);
    await stream.pipeTo(file.writable);
    bytes = (await Deno.stat(local)).size;
  }
} else {
  if (api === "file") {
    bytes = (await client.uploadFrom(local, remote)).bytes;
  } else if (api === "checked") {
    const options = { atomic: true, mtime: new Date("2024-01-02T03:04:05Z") };
    bytes = (await client.uploadFrom(local, remote, options)).bytes;
  } else if (api === "slow") {
    const file = await Deno.open(local, { read: true });
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await pause();
        const chunk = new Uint8Array(256 * 1024);
        const n = await file.read(chunk);
        if (n === null) {
          file.close();
          controller.close();
        } else {
          controller.enqueue(chunk.subarray(0, n));
        }
      },
    }, { highWaterMark: 0 });
    bytes = (await client.upload(remote, source)).bytes;
  } else {
    using file = await Deno.open(local, { read: true });
    bytes = (await client.upload(remote, file.readable)).bytes;
  }
}
console.log(JSON.stringify({ bytes, samples: sampler.samples }));
