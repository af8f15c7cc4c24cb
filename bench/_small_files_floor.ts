/**
 * The Deno floor of bench/small_files.ts (run by it with
 * FERRY_BENCH_FLOOR=1): a hand-written FTP getter with no ferry code, which
 * does per file what ferry's runner does against vsftpd, as plainly as Deno
 * allows, so that its CPU time (a fresh process, like ferry's CLI) tells
 * Deno's share (start-up, ops, promises) from ferry's own.
 *
 * `deno run -A bench/_small_files_floor.ts ftp://HOST:PORT/DIR/ OUT/ PARALLEL [full]`
 *
 * Over PARALLEL connections (anonymous login, TYPE I), after one NLST of
 * DIR on the first: per file, connect to the EPSV port, RETR, read the data
 * until the server closes it and write it to OUT/name (open, write per read,
 * close), the data connection closed for writing before RETR, which goes
 * in one write with the next file's EPSV (ferry's read ahead with vsftpd:
 * the 226 comes with the data, the next address with it). File calls
 * are synchronous, as ferry's are (an asynchronous one is a hand-off to
 * Deno's thread pool, which costs more than a small file's write). With `full`,
 * also what ferry does beyond that: the MDTMs of the connection's share
 * pipelined in batches of 128 before the transfers, the file written under
 * a partial name after an lstat (the link check) and an lstat of a progress
 * file that is not there, then its mtime set and the file renamed.
 *
 * @module
 */

import { Control } from "./_floor_control.ts";

const decoder = new TextDecoder();

const [url, out, parallelText, mode] = Deno.args;
const full = mode === "full";
const { hostname, port, pathname } = new URL(url);

async function login(): Promise<Control> {
  const control = new Control(await Deno.connect({ hostname, port: Number(port) }));
  await control.expect(2);
  await control.expect(3, "USER anonymous");
  await control.expect(2, "PASS floor@");
  await control.expect(2, "TYPE I");
  return control;
}

const epsvPort = (text: string) => Number(/\(\|\|\|(\d+)\|\)/.exec(text)![1]);
async function readAll(conn: Deno.TcpConn, file: Deno.FsFile, buffer: Uint8Array) {
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) return;
    for (let at = 0; at < n;) at += file.writeSync(buffer.subarray(at, n));
  }
}

function lstatQuietly(path: string): void {
  try {
    Deno.lstatSync(path);
  } catch {
    // Not there: the usual case, and the costly one (an error per call).
  }
}

/**
 * Per file, as ferry sends it to vsftpd (the read ahead): connect to the
 * EPSV's port, close the data connection for writing, then RETR and the
 * next file's EPSV in one write; the 150, the data, the 226 (which vsftpd
 * sends with the data, having the client's end already) and the 229.
 */
async function worker(control: Control, queue: string[], times: Map<string, Date>) {
  const buffer = new Uint8Array(65536); // one per connection: reads run at once
  let next = await control.expect(2, "EPSV");
  for (let name = queue.shift(); name !== undefined;) {
    const target = `${out}/${name}`;
    const path = full ? `${out}/.${name}.part` : target;
    if (full) {
      lstatQuietly(path);
      lstatQuietly(`${path}.progress`);
    }
    const file = Deno.openSync(path, { write: true, create: true, truncate: true });
    const data = await Deno.connect({ hostname, port: epsvPort(next) });
    await data.closeWrite();
    const following = queue.shift();
    const retr = `RETR ${pathname}${name}`;
    await control.expect(1, following === undefined ? retr : `${retr}\r\nEPSV`);
    await readAll(data, file, buffer);
    data.close();
    file.close();
    await control.expect(2);
    if (following !== undefined) next = await control.expect(2);
    if (full) {
      const mtime = times.get(name)!;
      Deno.utimeSync(path, mtime, mtime);
      Deno.renameSync(path, target);
    }
    name = following;
  }
  await control.send("QUIT");
  control.conn.close();
}

/** MDTM of a batch of up to 128 names, pipelined in one write. */
async function mdtm(control: Control, queue: string[], times: Map<string, Date>) {
  for (let batch = queue.splice(0, 128); batch.length > 0; batch = queue.splice(0, 128)) {
    await control.send(batch.map((name) => `MDTM ${pathname}${name}`).join("\r\n"));
    for (const name of batch) {
      const t = await control.expect(2);
      const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T` +
        `${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}Z`;
      times.set(name, new Date(iso));
    }
  }
}

const controls = await Promise.all(Array.from({ length: Number(parallelText) }, login));
const listing = controls[0];
const data = await Deno.connect({ hostname, port: epsvPort(await listing.expect(2, "EPSV")) });
await listing.expect(1, `NLST ${pathname}`);
let text = "";
for await (const chunk of data.readable) text += decoder.decode(chunk, { stream: true });
await listing.expect(2);
const names = text.split("\r\n").filter((n) => n !== "").map((n) =>
  n.slice(n.lastIndexOf("/") + 1)
);
const times = new Map<string, Date>();
if (full) {
  const queue = [...names];
  await Promise.all(controls.map((control) => mdtm(control, queue, times)));
}
// The runner's pool hands the next file to whichever connection comes free.
await Promise.all(controls.map((control) => worker(control, names, times)));
