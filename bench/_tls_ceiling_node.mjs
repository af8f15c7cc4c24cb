// A hand-written FTPS download over `node:tls`, with no ferry code: the
// ceiling of Node's TLS API for bench/tls_ceiling.ts. Plain JavaScript so
// that the same file runs under Node.js (OpenSSL) and under Deno (Deno's
// node:tls, on rustls), which tells the runtime's cost from the API's.
//
// Usage: <runtime> _tls_ceiling_node.mjs PORT CA_FILE REMOTE_PATH OUT_FILE STATS_FILE

import { connect as connectTcp } from "node:net";
import { connect as connectTls } from "node:tls";
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";

const [port, caFile, remotePath, outFile, statsFile] = process.argv.slice(2);
const ca = readFileSync(caFile);

/** Reads FTP replies off a socket: `next()` resolves with the next final reply. */
function replies(socket) {
  let buffered = "";
  const waiting = [];
  const ready = [];
  const feed = (chunk) => {
    buffered += chunk.toString("latin1");
    for (;;) {
      const end = buffered.indexOf("\r\n");
      if (end < 0) return;
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (!/^\d{3} /.test(line) || line[0] === "1") continue;
      const w = waiting.shift();
      if (w) w(line);
      else ready.push(line);
    }
  };
  socket.on("data", feed);
  return {
    next: () => ready.length ? Promise.resolve(ready.shift()) : new Promise((r) => waiting.push(r)),
    stop: () => socket.off("data", feed),
  };
}

const expect = async (reader, code) => {
  const line = await reader.next();
  if (!line.startsWith(code)) throw new Error(`expected ${code}, got ${line}`);
  return line;
};

const tcp = connectTcp({ host: "127.0.0.1", port: Number(port) });
let control = replies(tcp);
await expect(control, "220");
tcp.write("AUTH TLS\r\n");
await expect(control, "234");
control.stop();
const tls = connectTls({ socket: tcp, ca, servername: "localhost" });
control = replies(tls);
await new Promise((resolve, reject) => tls.once("secureConnect", resolve).once("error", reject));
const command = async (line, code) => {
  tls.write(`${line}\r\n`);
  return await expect(control, code);
};
await command("USER anonymous", "331");
await command("PASS ferry@", "230");
await command("PBSZ 0", "200");
await command("PROT P", "200");
await command("TYPE I", "200");
const epsv = await command("EPSV", "229");
const dataPort = Number(/\(\|\|\|(\d+)\|\)/.exec(epsv)[1]);
const dataTcp = connectTcp({ host: "127.0.0.1", port: dataPort });
await new Promise((resolve, reject) => dataTcp.once("connect", resolve).once("error", reject));
tls.write(`RETR ${remotePath}\r\n`);
const data = connectTls({ socket: dataTcp, ca, servername: "localhost" });
const out = openSync(outFile, "w");
let reads = 0;
let bytes = 0;
data.on("data", (chunk) => {
  reads++;
  bytes += chunk.length;
  writeSync(out, chunk);
});
await new Promise((resolve, reject) => data.once("end", resolve).once("error", reject));
data.destroy();
closeSync(out);
await expect(control, "226");
tls.write("QUIT\r\n");
await expect(control, "221");
tls.destroy();
writeFileSync(statsFile, JSON.stringify({ reads, bytes }));
