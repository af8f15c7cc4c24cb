// Child process of leaks.test.ts (run with -A: only a fully permitted
// process may read /proc/self/fd in Deno 2). Aborts downloads at every
// moment from 0 to 2 ms after the call, many times, and prints as JSON how
// many descriptors (Unix sockets aside: the runtime's own) were left open.

import { FtpClient } from "../../src/client/ftp_client.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";

function openFds(): Map<string, string> {
  const unix = new Set(
    Deno.readTextFileSync("/proc/net/unix").split("\n").slice(1)
      .map((line) => line.trim().split(/\s+/)[6]),
  );
  const fds = new Map<string, string>();
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    try {
      const target = Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode === undefined || !unix.has(inode)) fds.set(entry.name, target);
    } catch {
      // The listing's own descriptor, closed meanwhile.
    }
  }
  return fds;
}

const rounds = Number(Deno.args[0] ?? 200);
await using server = await FtpTestServer.start();
await Deno.writeFile(`${server.root}/f.bin`, new Uint8Array(64 * 1024));
const client = new FtpClient({ port: server.port });
await client.connect();
await new Response(await client.download("f.bin")).arrayBuffer(); // warm up
const before = openFds();
let aborted = 0;
for (let i = 0; i < rounds; i++) {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), i % 3);
  await client.download("f.bin", { signal: controller.signal })
    .then((stream) => new Response(stream).arrayBuffer())
    .catch(() => aborted++);
  if (client.state !== "loggedIn") await client.connect();
  await client.noop();
  await new Promise((r) => setTimeout(r, 2));
}
await client.close();
// Bounded: closed sockets take a moment to go.
let after = openFds();
for (let i = 0; i < 40 && [...after].some(([fd, t]) => before.get(fd) !== t); i++) {
  await new Promise((r) => setTimeout(r, 50));
  after = openFds();
}
const extra = [...after].filter(([fd, target]) => before.get(fd) !== target).map(([, t]) => t);
console.log(JSON.stringify({ rounds, aborted, leaked: extra.length, extra }));
