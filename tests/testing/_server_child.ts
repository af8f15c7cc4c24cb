// Runs an FtpTestServer in its own process so that a test can measure the
// server's memory alone. Prints {"port": N} once listening; on a line on
// stdin, prints {"peakRssBytes": N} (VmHWM on Linux, else the current RSS),
// closes the server and exits.
//
// Usage: deno run -A _server_child.ts ROOT [CERT_FILE KEY_FILE]
// With a certificate and key, the server offers explicit FTPS.

import { FtpTestServer } from "../../src/testing/mod.ts";

const [root, certFile, keyFile] = Deno.args;
const tls = certFile && keyFile
  ? { cert: await Deno.readTextFile(certFile), key: await Deno.readTextFile(keyFile) }
  : undefined;
const server = await FtpTestServer.start({ root, tls });
console.log(JSON.stringify({ port: server.port }));
const reader = Deno.stdin.readable.getReader();
await reader.read();
reader.releaseLock();
let peakRssBytes = Deno.memoryUsage().rss;
try {
  const status = await Deno.readTextFile("/proc/self/status");
  peakRssBytes = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
} catch {
  // Not Linux: the current RSS is the best available figure.
}
console.log(JSON.stringify({ peakRssBytes }));
await server.close();
