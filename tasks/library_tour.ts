// A tour of the library API: starts ferry's embedded FTP server on a free
// loopback port with a temporary root, then uploads, lists, downloads and
// verifies a few files with FtpClient, printing each step. Run it with
// `deno run --allow-net=127.0.0.1 --allow-read --allow-write tasks/library_tour.ts`.

import { FtpClient } from "../mod.ts";
import { FtpTestServer } from "../src/testing/mod.ts";

const encoder = new TextEncoder();
const say = (text: string) => console.log(text);

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

await using server = await FtpTestServer.start({ users: { demo: "demo-password" } });
say(`▶ embedded FTP server on ${server.url}, serving ${server.root}`);

await using client = await FtpClient.connect(server.url, {
  user: "demo",
  password: "demo-password",
});
say(`▶ connected: ${client.welcome}`);
say(`  server features: ${[...client.features.keys()].join(", ")}`);

await client.mkdir("site/assets", { recursive: true });
say("▶ mkdir -p site/assets");

const files: Record<string, Uint8Array<ArrayBuffer>> = {
  "site/index.html": encoder.encode(
    "<!doctype html><title>ferry</title><h1>Hello from ferry</h1>\n",
  ),
  "site/assets/app.js": encoder.encode("console.log('ferried');\n".repeat(1000)),
  "site/assets/Grüße aus Köln.txt": encoder.encode("Names with spaces and umlauts work too.\n"),
  "site/assets/data.bin": crypto.getRandomValues(new Uint8Array(65536)).slice(),
};
for (const [path, bytes] of Object.entries(files)) {
  const { bytes: sent } = await client.upload(path, bytes);
  say(`▶ put ${path} (${sent} bytes)`);
}

say("▶ ls site/assets");
for (const entry of await client.list("site/assets")) {
  const when = entry.modified?.toISOString().slice(0, 19).replace("T", " ") ?? "";
  say(`  ${entry.type.padEnd(9)} ${String(entry.size ?? "").padStart(8)}  ${when}  ${entry.name}`);
}

let verified = 0;
for (const [path, bytes] of Object.entries(files)) {
  const stream = await client.download(path);
  const received = new Uint8Array(await new Response(stream).arrayBuffer());
  const ok = (await sha256(received)) === (await sha256(bytes));
  say(`▶ get ${path}: ${received.length} bytes, sha256 ${ok ? "matches" : "DIFFERS"}`);
  if (ok) verified++;
}

await client.rename("site/index.html", "site/home.html");
say("▶ rename site/index.html -> site/home.html");
await client.rmdir("site", { recursive: true });
say("▶ rmdir -r site");

say(`\n${verified} of ${Object.keys(files).length} files verified byte for byte.`);
if (verified !== Object.keys(files).length) Deno.exit(1);
