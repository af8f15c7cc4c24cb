// One large FTPS transfer in its own process, against a server that
// requires TLS session reuse, reporting the memory alive after forced
// collections every 64 MiB moved: this isolate's and the TLS worker's
// (Node's TLS runs in a worker per control connection), added up.
//
// Usage: deno run -A --v8-flags=--expose-gc _ftps_child.ts URL CA_PATH (download|upload|slow) REMOTE LOCAL

import { FtpClient } from "../../mod.ts";
import { isolatedLiveBytes } from "../../src/transport/_isolated_transport.ts";
import { liveBytes } from "../_live_memory.ts";

const [url, caPath, mode, remote, local] = Deno.args;
const caCerts = [await Deno.readTextFile(caPath)];
await using client = await FtpClient.connect(url, { tls: { caCerts } });
const EVERY = 64 * 1024 * 1024;
const samples: number[] = [];
let sampling = Promise.resolve();
const sample = () => {
  sampling = sampling.then(async () => void samples.push(liveBytes() + await isolatedLiveBytes()));
};
sample();
let next = EVERY;
client.addEventListener("progress", (event) => {
  if (event.bytes < next) return;
  // Bounded: event.bytes is finite.
  while (next <= event.bytes) next += EVERY;
  sample();
});
let bytes = 0;
if (mode === "download") {
  bytes = (await client.downloadTo(remote, local)).bytes;
} else if (mode === "upload") {
  bytes = (await client.uploadFrom(local, remote)).bytes;
} else {
  // A deliberately slow reader: 256 KiB, then a pause, over and over.
  const file = await Deno.open(local, { write: true, create: true, truncate: true });
  const reader = (await client.download(remote)).getReader({ mode: "byob" });
  let buffer = new Uint8Array(256 * 1024);
  // Bounded by the download's end.
  while (true) {
    const { done, value } = await reader.read(buffer);
    if (done) break;
    let written = 0;
    while (written < value.length) written += await file.write(value.subarray(written));
    bytes += value.length;
    buffer = new Uint8Array(value.buffer);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  file.close();
}
await sampling;
console.log(JSON.stringify({ bytes, samples }));
