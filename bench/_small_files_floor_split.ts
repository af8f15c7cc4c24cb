/**
 * bench/_small_files_floor.ts's "full" getter (floor+: no ferry code) with
 * its connections split over two isolates, for bench/small_files.ts's
 * "floor+1t" and "floor+2t" cells (FERRY_BENCH_FLOOR=2; see _split_kit.ts).
 *
 * `deno run -A bench/_small_files_floor_split.ts ftp://HOST:PORT/DIR/ OUT/ PARALLEL THREADS [trace]`
 *
 * With THREADS 2 a Worker is started first thing and logs in PARALLEL / 2
 * connections while the main thread logs in the others and lists (NLST);
 * then both take MDTM batches of 128 and the files one at a time from
 * shared counters. Per file what floor+ does: the link check and progress
 * file lstats, the partial file written, EPSV read ahead with the RETR,
 * utime, rename. THREADS 1 is the same code in one isolate.
 *
 * @module
 */

import { Control } from "./_floor_control.ts";
import { type Level, type Listing, now, runSplit, type Shared, startSplit } from "./_split_kit.ts";

const decoder = new TextDecoder();

const started = now();
const [url, out, parallelText, threadsText, mode] = Deno.args;
const worker = startSplit(import.meta.url, Number(threadsText));
const { hostname, port, pathname } = new URL(url);

const epsvPort = (text: string) => Number(/\(\|\|\|(\d+)\|\)/.exec(text)![1]);

function lstatQuietly(path: string): void {
  try {
    Deno.lstatSync(path);
  } catch {
    // Not there: the usual case.
  }
}

async function readAll(conn: Deno.TcpConn, file: Deno.FsFile, buffer: Uint8Array) {
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) return;
    for (let at = 0; at < n;) at += file.writeSync(buffer.subarray(at, n));
  }
}

/** MDTM batches of 128, taken from the shared counter. */
async function mdtm(control: Control, names: string[], shared: Shared) {
  // Bounded: each pass takes a batch, and there are names.length / 128 of them.
  for (let b = shared.nextShare(); b * 128 < names.length; b = shared.nextShare()) {
    const batch = names.slice(b * 128, b * 128 + 128);
    await control.send(batch.map((name) => `MDTM ${pathname}${name}`).join("\r\n"));
    for (const [i] of batch.entries()) {
      const t = await control.expect(2);
      const iso = `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T` +
        `${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}Z`;
      shared.times[b * 128 + i] = Date.parse(iso);
    }
    shared.timed(batch.length);
  }
}

/** Transfers, one file at a time from the shared counter (floor+'s loop); the files it got. */
async function transfers(control: Control, names: string[], shared: Shared): Promise<number> {
  const buffer = new Uint8Array(65536);
  const take = () => {
    const { from } = shared.takeFiles(() => 1);
    return from < names.length ? from : undefined;
  };
  let files = 0;
  let next = await control.expect(2, "EPSV");
  for (let index = take(); index !== undefined;) {
    const name = names[index];
    const target = `${out}/${name}`;
    const path = `${out}/.${name}.part`;
    lstatQuietly(path);
    lstatQuietly(`${path}.progress`);
    const file = Deno.openSync(path, { write: true, create: true, truncate: true });
    const data = await Deno.connect({ hostname, port: epsvPort(next) });
    await data.closeWrite();
    const following = take();
    const retr = `RETR ${pathname}${name}`;
    await control.expect(1, following === undefined ? retr : `${retr}\r\nEPSV`);
    await readAll(data, file, buffer);
    data.close();
    file.close();
    await control.expect(2);
    if (following !== undefined) next = await control.expect(2);
    const mtime = new Date(shared.times[index]);
    Deno.utimeSync(path, mtime, mtime);
    Deno.renameSync(path, target);
    files++;
    index = following;
  }
  await control.send("QUIT");
  control.conn.close();
  return files;
}

const floor: Level<Control> = {
  async login() {
    const control = new Control(await Deno.connect({ hostname, port: Number(port) }));
    await control.expect(2);
    await control.expect(3, "USER anonymous");
    await control.expect(2, "PASS floor@");
    await control.expect(2, "TYPE I");
    return control;
  },
  async list(control): Promise<Listing> {
    const data = await Deno.connect({ hostname, port: epsvPort(await control.expect(2, "EPSV")) });
    await control.expect(1, `NLST ${pathname}`);
    let text = "";
    for await (const chunk of data.readable) text += decoder.decode(chunk, { stream: true });
    await control.expect(2);
    const names = text.split("\r\n").filter((n) => n !== "").map((n) =>
      n.slice(n.lastIndexOf("/") + 1)
    );
    return { names, sizes: [] };
  },
  async share(controls, { names }, shared) {
    await Promise.all(controls.map((control) => mdtm(control, names, shared)));
    await shared.allTimed();
    const counts = await Promise.all(controls.map((c) => transfers(c, names, shared)));
    return counts.reduce((a, b) => a + b, 0);
  },
};

await runSplit(floor, worker, Number(parallelText), mode === "trace", started);
