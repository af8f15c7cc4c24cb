// Streams a huge listing in its own process and reports the memory still
// alive after forced collections every SAMPLE_EVERY entries, so the parent
// test can check it does not grow with the listing.
//
// Usage: deno run -A --v8-flags=--expose-gc _listing_child.ts PORT [KEEP_EVERY]
// KEEP_EVERY > 0 keeps every KEEP_EVERY-th entry alive: the control case that
// proves the measurement sees growth.

import { FtpClient } from "../../mod.ts";
import type { FileInfo } from "../../mod.ts";
import { LiveMemorySampler } from "../_live_memory.ts";

const SAMPLE_EVERY = 100_000;
const keepEvery = Number(Deno.args[1] ?? 0);
const kept: FileInfo[] = [];

await using client = await FtpClient.connect({ port: Number(Deno.args[0]) });
const sampler = new LiveMemorySampler(SAMPLE_EVERY);
let entries = 0;
let bytes = 0;
for await (const entry of await client.listStream("/huge", { maxBytes: 2 ** 40 })) {
  entries++;
  bytes += entry.size ?? 0;
  if (keepEvery > 0 && entries % keepEvery === 0) kept.push(entry);
  sampler.at(entries);
}
console.log(JSON.stringify({ entries, bytes, kept: kept.length, samples: sampler.samples }));
