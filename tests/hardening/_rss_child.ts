// Child process of replies.test.ts: connects to the port given, sends NOOP
// (which the server answers with an endless, newline-free line), and prints
// as JSON how the call ended and how far the memory alive after forced
// collections grew meanwhile, sampled every few milliseconds. Run with
// LIVE_MEMORY_FLAGS.

import { FtpClient } from "../../mod.ts";
import { liveBytes } from "../_live_memory.ts";

const port = Number(Deno.args[0]);
const client = await FtpClient.connect({ port, replyTimeout: 20_000 });
const baseline = liveBytes();
let peak = baseline;
let samples = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, liveBytes());
  samples++;
}, 5);
const error = await client.noop().then(() => undefined, (e: Error) => e);
peak = Math.max(peak, liveBytes());
clearInterval(sampler);
const state = client.state;
await client.close();
console.log(JSON.stringify({
  error: error?.name,
  message: error?.message,
  state,
  baseline,
  peak,
  samples,
}));
