// Streams a huge listing in its own process and reports that process's
// peak resident memory, so the parent test can check it stays constant.
//
// Usage: deno run -A _listing_child.ts PORT

import { FtpClient } from "../../mod.ts";

await using client = await FtpClient.connect({ port: Number(Deno.args[0]) });
let entries = 0;
let bytes = 0;
for await (const entry of await client.listStream("/huge", { maxBytes: 2 ** 40 })) {
  entries++;
  bytes += entry.size ?? 0;
}
const status = await Deno.readTextFile("/proc/self/status");
const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
console.log(JSON.stringify({ entries, bytes, peakRssBytes: peakKiB * 1024 }));
