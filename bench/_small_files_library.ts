/**
 * The 1000 small files through ferry's library (`FtpClient`), not the CLI,
 * with the connections in one isolate or split over two, for
 * bench/small_files.ts's "lib-1t" and "lib-2t" cells (FERRY_BENCH_FLOOR=2;
 * see _split_kit.ts).
 *
 * `deno run -A bench/_small_files_library.ts ftp://HOST:PORT/DIR/ OUT/ PARALLEL THREADS [trace]`
 *
 * What the runner's plan and batches ask of the client, without the
 * runner: PARALLEL logged-in clients (with THREADS 2, half of them in a
 * Worker started before ferry's modules load); a LIST of DIR on the first;
 * the MDTMs in shares of at most 128 (`lastModifiedAll`, one share a
 * connection, as src/runner/_exact_times.ts spreads them); then runs of
 * files, sized as src/runner/_run_batch.ts sizes them, each one
 * `downloadAllTo` call (partial file, create-new, the MDTM time set, renamed)
 * with `onProgress` and `onFileEnd` callbacks as the runner passes. No
 * report, events or retries: that is the runner's own work.
 *
 * @module
 */

import { type Level, type Listing, now, runSplit, type Shared, startSplit } from "./_split_kit.ts";

const started = now();
const [url, out, parallelText, threadsText, mode] = Deno.args;
// Before ferry's modules load, so the worker loads its own meanwhile.
const worker = startSplit(import.meta.url, Number(threadsText));
const { FtpClient } = await import("../mod.ts");
type Client = InstanceType<typeof FtpClient>;
const { origin, pathname } = new URL(url);
const parallel = Number(parallelText);

/** The runner's share count for N MDTMs over `parallel` connections, and their size. */
const shareSize = (files: number) => Math.ceil(files / Math.min(parallel, Math.ceil(files / 128)));

async function times(client: Client, { names }: Listing, shared: Shared) {
  const size = shareSize(names.length);
  // Bounded: each pass takes a share.
  for (let s = shared.nextShare(); s * size < names.length; s = shared.nextShare()) {
    const share = names.slice(s * size, s * size + size);
    const got = await client.lastModifiedAll(share.map((name) => pathname + name));
    got.forEach((time, i) => {
      if (!(time instanceof Date)) throw time;
      shared.times[s * size + i] = time.getTime();
    });
    shared.timed(share.length);
  }
}

/** Runs of files on one client, until none is left; the files it got. */
async function transfers(client: Client, { names, sizes }: Listing, shared: Shared) {
  let files = 0;
  // Bounded: each pass takes one file at least.
  for (;;) {
    const { from, to } = shared.takeFiles((left) => Math.min(64, Math.ceil(left / (parallel * 2))));
    if (from >= names.length) break;
    let bytes = 0;
    const outcomes = await client.downloadAllTo(
      names.slice(from, to).map((name, i) => ({
        path: pathname + name,
        destination: `${out}/${name}`,
        size: sizes[from + i],
        mtime: new Date(shared.times[from + i]),
      })),
      {
        keepTemporary: true,
        exclusive: true,
        onProgress: (_, progress) => {
          bytes = progress.bytes;
        },
        onFileEnd: (_, outcome) => outcome.ok,
      },
    );
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error ?? new Error("not started");
    }
    files += outcomes.length;
    if (bytes < 0) throw new Error("unreachable");
  }
  return files;
}

const library: Level<Client> = {
  login: () => FtpClient.connect(`${origin}/`, { cancelPendingOnError: false }),
  async list(client) {
    const entries = (await client.list(pathname)).filter((e) => e.type === "file");
    return { names: entries.map((e) => e.name), sizes: entries.map((e) => e.size ?? 0) };
  },
  async share(clients, listing, shared) {
    await Promise.all(clients.map((client) => times(client, listing, shared)));
    await shared.allTimed();
    const counts = await Promise.all(clients.map((c) => transfers(c, listing, shared)));
    await Promise.all(clients.map((client) => client.close()));
    return counts.reduce((a, b) => a + b, 0);
  },
};

await runSplit(library, worker, parallel, mode === "trace", started);
