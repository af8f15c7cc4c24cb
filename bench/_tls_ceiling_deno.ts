// A hand-written FTPS download over `Deno.startTls`, with no ferry code: the
// ceiling of Deno's own TLS for bench/tls_ceiling.ts. It reads into a 1 MiB
// buffer and writes each read to the file synchronously, as ferry's
// `downloadTo` does, and counts the reads (how many bytes one read returns).
//
// Usage: deno run -A bench/_tls_ceiling_deno.ts PORT CA_FILE REMOTE_PATH OUT_FILE STATS_FILE

const [port, caFile, remotePath, outFile, statsFile] = Deno.args;
const caCerts = [Deno.readTextFileSync(caFile)];
const encoder = new TextEncoder();
const decoder = new TextDecoder("latin1");

/** Reads the next final reply (skipping 1xx) from a connection, line by line. */
class Replies {
  #buffered = "";
  #chunk = new Uint8Array(4096);
  constructor(private conn: Deno.Conn) {}
  async next(): Promise<string> {
    for (let turns = 0; turns < 1000; turns++) {
      const end = this.#buffered.indexOf("\r\n");
      if (end >= 0) {
        const line = this.#buffered.slice(0, end);
        this.#buffered = this.#buffered.slice(end + 2);
        if (/^\d{3} /.test(line) && line[0] !== "1") return line;
        continue;
      }
      const n = await this.conn.read(this.#chunk);
      if (n === null) throw new Error("control connection closed");
      this.#buffered += decoder.decode(this.#chunk.subarray(0, n));
    }
    throw new Error("no reply in 1000 reads");
  }
}

const expect = async (replies: Replies, code: string) => {
  const line = await replies.next();
  if (!line.startsWith(code)) throw new Error(`expected ${code}, got ${line}`);
  return line;
};

const tcp = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
await expect(new Replies(tcp), "220");
await tcp.write(encoder.encode("AUTH TLS\r\n"));
await expect(new Replies(tcp), "234");
const tls = await Deno.startTls(tcp, { hostname: "localhost", caCerts });
const control = new Replies(tls);
const command = async (line: string, code: string) => {
  await tls.write(encoder.encode(`${line}\r\n`));
  return await expect(control, code);
};
await command("USER anonymous", "331");
await command("PASS ferry@", "230");
await command("PBSZ 0", "200");
await command("PROT P", "200");
await command("TYPE I", "200");
const epsv = await command("EPSV", "229");
const dataPort = Number(/\(\|\|\|(\d+)\|\)/.exec(epsv)![1]);
const dataTcp = await Deno.connect({ hostname: "127.0.0.1", port: dataPort });
await tls.write(encoder.encode(`RETR ${remotePath}\r\n`));
const data = await Deno.startTls(dataTcp, { hostname: "localhost", caCerts });
const out = Deno.openSync(outFile, { write: true, create: true, truncate: true });
const buffer = new Uint8Array(1 << 20);
let reads = 0;
let bytes = 0;
// Bounded: a 1 GiB file is 65,536 TLS records at the least; 2^24 reads of
// one byte each would be a broken server.
for (let turn = 0; turn < 1 << 24; turn++) {
  const n = await data.read(buffer);
  if (n === null) break;
  reads++;
  bytes += n;
  let written = 0;
  while (written < n) written += out.writeSync(buffer.subarray(written, n));
}
out.close();
data.close();
await expect(control, "226");
await command("QUIT", "221");
tls.close();
Deno.writeTextFileSync(statsFile, JSON.stringify({ reads, bytes }));
