// Runs an FtpTestServer in its own process so that a test can measure the
// server's memory alone. Prints {"port": N} once listening. Then reads lines
// on stdin: "sample" records the memory alive after a forced collection;
// "report" prints {"samples": [...]}, closes the server and exits.
//
// Usage: deno run -A --v8-flags=--expose-gc _server_child.ts ROOT [CERT_FILE KEY_FILE]
// With a certificate and key, the server offers explicit FTPS.

import { FtpTestServer } from "../../src/testing/mod.ts";
import { liveBytes } from "../_live_memory.ts";

const [root, certFile, keyFile] = Deno.args;
const tls = certFile && keyFile
  ? { cert: await Deno.readTextFile(certFile), key: await Deno.readTextFile(keyFile) }
  : undefined;
const server = await FtpTestServer.start({ root, tls });
console.log(JSON.stringify({ port: server.port }));
const samples = [liveBytes()];
// Bounded by the parent, which sends a fixed number of lines and then closes stdin.
for await (const line of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  for (const command of line.split("\n")) {
    if (command === "sample") samples.push(liveBytes());
    if (command === "report") {
      console.log(JSON.stringify({ samples }));
      await server.close();
      Deno.exit(0);
    }
  }
}
await server.close();
