// Child process of replies.test.ts: connects to the port given, sends NOOP
// (which the server answers with an endless, newline-free line), and prints
// as JSON how the call ended and how far the resident set grew meanwhile,
// sampled every few milliseconds. Run with --v8-flags=--expose-gc.

import { FtpClient } from "../../mod.ts";

const port = Number(Deno.args[0]);
const gc = (globalThis as { gc?: () => void }).gc;
const client = await FtpClient.connect({ port, replyTimeout: 20_000 });
gc?.();
const baseline = Deno.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, Deno.memoryUsage().rss);
}, 2);
const error = await client.noop().then(() => undefined, (e: Error) => e);
peak = Math.max(peak, Deno.memoryUsage().rss);
clearInterval(sampler);
const state = client.state;
await client.close();
console.log(JSON.stringify({
  error: error?.name,
  message: error?.message,
  state,
  baseline,
  peak,
}));
