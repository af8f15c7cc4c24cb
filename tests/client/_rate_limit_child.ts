// Runs one paced transfer in its own process and reports the memory alive
// after forced collections every 4 MiB moved, and how long it took.
//
// Usage: deno run -A --v8-flags=--expose-gc _rate_limit_child.ts PORT (download|upload) RATE REMOTE LOCAL

import { FtpClient } from "../../mod.ts";
import { LiveMemorySampler } from "../_live_memory.ts";

const [port, direction, rate, remote, local] = Deno.args;
await using client = await FtpClient.connect({ port: Number(port) });
const sampler = new LiveMemorySampler(4 * 1024 * 1024);
client.addEventListener("progress", (event) => sampler.at(event.bytes));
const options = { rateLimit: Number(rate) };
const started = performance.now();
const { bytes } = direction === "download"
  ? await client.downloadTo(remote, local, options)
  : await client.uploadFrom(local, remote, options);
const ms = Math.round(performance.now() - started);
console.log(JSON.stringify({ bytes, ms, samples: sampler.samples }));
