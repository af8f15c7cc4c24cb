// Runs one large transfer in its own process and reports that process's
// peak resident memory (VmHWM), so the parent test can check that memory
// stays flat however large the file is.
//
// Usage: deno run -A _memory_child.ts PORT (download|upload) (file|stream) REMOTE LOCAL

import { FtpClient } from "../../mod.ts";

const [port, direction, api, remote, local] = Deno.args;
await using client = await FtpClient.connect({ port: Number(port) });
let bytes = 0;
if (direction === "download") {
  if (api === "file") {
    bytes = (await client.downloadTo(remote, local)).bytes;
  } else {
    const file = await Deno.open(local, { write: true, create: true, truncate: true });
    const stream = await client.download(remote);
    await stream.pipeTo(file.writable);
    bytes = (await Deno.stat(local)).size;
  }
} else {
  if (api === "file") {
    bytes = (await client.uploadFrom(local, remote)).bytes;
  } else {
    using file = await Deno.open(local, { read: true });
    bytes = (await client.upload(remote, file.readable)).bytes;
  }
}
const status = await Deno.readTextFile("/proc/self/status");
const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
console.log(JSON.stringify({ bytes, peakRssBytes: peakKiB * 1024 }));
