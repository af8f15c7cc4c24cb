// Several large FTPS transfers at once, one per client, in their own
// process, against a server that requires TLS session reuse (so each runs
// on Node's TLS, in a worker of its own). Reports the bytes moved, the
// memory alive after forced collections (this isolate plus the TLS
// workers) every 64 MiB moved in all, and the peak RSS (VmHWM).
//
// Usage: deno run -A --v8-flags=--expose-gc _ftps_parallel_child.ts
//          URL CA_PATH (download|upload) COUNT REMOTE LOCAL
// Client i downloads REMOTE to LOCAL.i, or uploads LOCAL to REMOTE.i.
// Without --expose-gc it takes no samples (no forced collections), for the
// peak RSS the collector's own timing gives.

import { FtpClient } from "../../mod.ts";
import { isolatedLiveBytes } from "../../src/transport/_isolated_transport.ts";
import { liveBytes } from "../_live_memory.ts";
import { peakRss } from "../interop/_load.ts";

const [url, caPath, mode, count, remote, local] = Deno.args;
const caCerts = [await Deno.readTextFile(caPath)];
const EVERY = 64 * 1024 * 1024;
const samples: number[] = [];
let sampling = Promise.resolve();
const canSample = typeof (globalThis as { gc?: unknown }).gc === "function";
const sample = () => {
  if (!canSample) return;
  sampling = sampling.then(async () => void samples.push(liveBytes() + await isolatedLiveBytes()));
};
const clients = await Promise.all(
  Array.from({ length: Number(count) }, () => FtpClient.connect(url, { tls: { caCerts } })),
);
sample();
const moved = clients.map(() => 0);
let next = EVERY;
const started = performance.now();
const results = await Promise.all(clients.map(async (client, i) => {
  client.addEventListener("progress", (event) => {
    moved[i] = event.bytes;
    const total = moved.reduce((sum, n) => sum + n, 0);
    if (total < next) return;
    // Bounded: total is finite.
    while (next <= total) next += EVERY;
    sample();
  });
  const result = mode === "download"
    ? await client.downloadTo(remote, `${local}.${i}`)
    : await client.uploadFrom(local, `${remote}.${i}`);
  await client.close();
  return result.bytes;
}));
const seconds = (performance.now() - started) / 1000;
await sampling;
console.log(JSON.stringify({
  bytes: results.reduce((sum, n) => sum + n, 0),
  samples,
  peakRss: peakRss(),
  seconds,
}));
