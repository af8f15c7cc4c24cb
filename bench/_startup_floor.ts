// The platform's floor for issue 15's bar: a one-file FTP get hand-written
// in one file with no ferry code (connect, USER/PASS, EPSV, RETR, write the
// file, QUIT), run by bench/startup.ts as column (d) with the same flags and
// config as the others: `deno run ... _startup_floor.ts URL PATH`. What it
// costs above an empty script is what any Deno program pays for the job (the
// sockets, the file, the reply parsing), so ferry's own work can go no lower.
// Deliberately bare: no timeouts, no TLS, no listing, no temporary file; it
// fails on any reply it does not expect.

const [url, path] = Deno.args;
const { hostname, port, pathname, username, password } = new URL(url);
const control = await Deno.connect({ hostname, port: Number(port || 21) });
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let buffered = "";

/** The next complete reply (multi-line replies end with "NNN " on a line). */
async function reply(): Promise<string> {
  const chunk = new Uint8Array(4096);
  for (;;) {
    const lines = buffered.split("\r\n");
    for (let i = 0; i < lines.length - 1; i++) {
      if (/^\d{3} /.test(lines[i]) && (i === 0 || lines[i].startsWith(lines[0].slice(0, 3)))) {
        buffered = lines.slice(i + 1).join("\r\n");
        return lines[i];
      }
    }
    const n = await control.read(chunk);
    if (n === null) throw new Error("the server closed the connection");
    buffered += decoder.decode(chunk.subarray(0, n));
  }
}

async function send(command: string, expect: string): Promise<string> {
  await control.write(encoder.encode(`${command}\r\n`));
  const line = await reply();
  if (!line.startsWith(expect)) throw new Error(`${command.split(" ")[0]}: ${line}`);
  return line;
}

if (!(await reply()).startsWith("220")) throw new Error("no greeting");
const user = decodeURIComponent(username) || "anonymous";
const answer = await send(`USER ${user}`, "");
if (answer.startsWith("331")) {
  await send(`PASS ${decodeURIComponent(password) || "anonymous@"}`, "230");
} else if (!answer.startsWith("230")) throw new Error(`USER: ${answer}`);
await send("TYPE I", "200");
const epsv = await send("EPSV", "229");
const dataPort = Number(/\(\|\|\|(\d+)\|\)/.exec(epsv)![1]);
const data = await Deno.connect({ hostname, port: dataPort });
await send(`RETR ${decodeURIComponent(pathname)}`, "150");
const file = await Deno.open(path, { write: true, create: true, truncate: true });
// A read loop, not `data.readable.pipeTo(file.writable)`: the web streams
// cost about 13 ms more CPU here (measured; ferry's get uses no streams).
const chunk = new Uint8Array(65536);
for (let n = await data.read(chunk); n !== null; n = await data.read(chunk)) {
  for (let written = 0; written < n;) written += await file.write(chunk.subarray(written, n));
}
file.close();
data.close();
if (!(await reply()).startsWith("226")) throw new Error("RETR did not complete");
await send("QUIT", "221");
control.close();
