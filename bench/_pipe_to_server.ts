// The embedded server for bench/pipe_to.ts, in a process of its own: serves
// one file of the size given (bytes) as big.bin and prints its URL.

import { FtpTestServer } from "../src/testing/mod.ts";

const size = Number(Deno.args[0]);
const server = await FtpTestServer.start();
const block = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
{
  using file = await Deno.open(`${server.root}/big.bin`, { write: true, create: true });
  for (let written = 0; written < size; written += block.length) {
    await file.write(block.subarray(0, Math.min(block.length, size - written)));
  }
}
console.log(server.url);
// Stopped by the parent (SIGTERM); closing on the signal cleans the root.
Deno.addSignalListener("SIGTERM", async () => {
  await server.close();
  Deno.exit(0);
});
