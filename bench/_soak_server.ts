// The soak's embedded server, in a process of its own so that the soak
// measures the client's memory and descriptors alone. Serves ROOT; with
// "faults", every 20th RETR or STOR is answered in turn with a 451, a
// dropped control connection, a garbled reply, or a 50 ms delay. Prints
// {"port": N} once listening; closes and exits on a line on stdin.
//
// Usage: deno run -A bench/_soak_server.ts ROOT [faults]

import { FtpTestServer } from "../src/testing/mod.ts";

const [root, faults] = Deno.args;
const server = await FtpTestServer.start({ root });
if (faults === "faults") {
  let transfers = 0;
  let kind = 0;
  server.faults.onCommand = (command) => {
    if (command.verb !== "RETR" && command.verb !== "STOR") return undefined;
    if (++transfers % 20 !== 0) return undefined;
    switch (kind++ % 4) {
      case 0:
        return { reply: "451 Injected: local error in processing\r\n" };
      case 1:
        return { drop: true };
      case 2:
        return { reply: "2x6 injected garbage\r\n" };
      default:
        return { delayMs: 50 };
    }
  };
}
console.log(JSON.stringify({ port: server.port }));
const reader = Deno.stdin.readable.getReader();
await reader.read();
reader.releaseLock();
await server.close();
