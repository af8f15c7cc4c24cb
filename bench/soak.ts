/**
 * `deno task soak`: thousands of commands and transfers through one client
 * and through a pool of clients, against the embedded server and against
 * Debian's vsftpd, with faults injected along the way. It reports
 * throughput, the failures met and recovered, the file descriptors left open
 * at the end (must be none) and the resident set sampled over the run (the
 * last quarter's peak must not be above the first quarter's by more than a
 * margin). Every run is bounded in time.
 *
 *   deno task soak                                   # 10,000 commands, 2,000 transfers per setup
 *   deno task soak --commands 2000 --transfers 400   # shorter
 *   deno task soak --target embedded --clients 1,8   # some setups
 *   deno task soak --json                            # the results as JSON
 *   deno task soak --no-client-aborts                # leave out the client-side aborts
 *
 * Each setup runs in a child process of its own, so that its resident set
 * and descriptors are its alone (--inline runs them in this process).
 *
 * Faults. Against the embedded server (run in a child process, so that what
 * is measured here is the client alone: bench/_soak_server.ts), every 20th
 * RETR or STOR is answered in turn with a 451, a dropped control
 * connection, a garbled reply, or a 50 ms delay (which is no failure). Against both servers, every 40th
 * transfer is aborted by the client 1 ms after it starts (an AbortSignal), and
 * every 50th command asks for a file that is not there (an expected 550).
 * A failed transfer is retried (after reconnecting when the connection was
 * lost) up to four times; a success after a failure counts as recovered.
 *
 * Open resources: Deno 2 has no `Deno.resources()`, so the soak counts the
 * entries of /proc/self/fd before the clients connect and after they have
 * closed (Linux only; elsewhere the count is reported as unavailable). Unix sockets
 * are left out: the runtime opens some at times of its own (the upgrade
 * check's resolver), and ferry never uses one. A warm-up (one of each kind
 * of work) comes first, so that lazily made runtime resources are made.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { FtpClient } from "../src/client/ftp_client.ts";
import { FtpAbortError, FtpError, FtpPermanentError } from "../src/errors.ts";

const KiB = 1024;
const MiB = 1024 * KiB;

/** What to soak. */
export interface SoakOptions {
  /** Which server. */
  target: "embedded" | "vsftpd";
  /** Clients working at once (each with its own connection and directory). */
  clients: number;
  /** Simple commands in all (NOOP, PWD, CWD, SIZE, MDTM, MKD/RMD, RENAME, LIST...). */
  commands: number;
  /** Uploads and downloads in all. */
  transfers: number;
  /** Stop starting work after this long. */
  timeLimitMs: number;
  /** Inject faults (server-side on the embedded server, client-side on both). */
  faults?: boolean;
  /** With faults, abort every 40th transfer from the client side too (default true). */
  clientAborts?: boolean;
  /** Receives a line now and then. */
  log?: (line: string) => void;
}

/** How a soak went. */
export interface SoakResult {
  target: string;
  clients: number;
  commands: number;
  transfers: number;
  bytes: number;
  durationMs: number;
  commandsPerSecond: number;
  transfersPerSecond: number;
  mibPerSecond: number;
  /** Failures met (injected or not), each counted once. */
  failures: number;
  /** Operations that failed and then succeeded on a retry. */
  recovered: number;
  /** Expected refusals (550 for a missing file) that were reported as such. */
  expectedErrors: number;
  /** Operations that still failed after every retry (must be 0). */
  unrecovered: number;
  /** Checksums that did not match (must be 0). */
  corrupt: number;
  /**
   * Open file descriptors before the clients and after them (Linux), or
   * undefined; `extra` describes any left over.
   */
  fds?: { before: number; after: number; leaked: number; extra: string[] };
  rss: { firstQuarterPeakMiB: number; lastQuarterPeakMiB: number; peakMiB: number; flat: boolean };
  /**
   * Memory alive (MiB: V8 heap plus external buffers) after a full
   * collection, at the start and after each quarter of the work; empty
   * without --v8-flags=--expose-gc.
   */
  liveMiB: number[];
  /** The resident set (MiB) right after those collections. */
  rssAfterGcMiB: number[];
  /** The peak resident set (MiB) in each tenth of the run. */
  rssDecilesMiB: number[];
  /** The peak of V8's committed heap (MiB) in each tenth. */
  heapTotalDecilesMiB: number[];
  /** The peak of memory held outside V8's heap by JS objects (buffers), in each tenth. */
  externalDecilesMiB: number[];
  /** Whether all the work was done within the time limit. */
  complete: boolean;
  firstErrors: string[];
}

/** A xorshift32 generator, so that runs repeat. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function payload(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  const next = prng(seed);
  for (let i = 0; i < size; i += 4) {
    const v = (next() * 2 ** 32) >>> 0;
    bytes[i] = v;
    bytes[i + 1] = v >>> 8;
    bytes[i + 2] = v >>> 16;
    bytes[i + 3] = v >>> 24;
  }
  return bytes;
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * How far the resident set may rise from the first quarter to the last. V8
 * lets more dead ArrayBuffers (transfer chunks) pile up between collections
 * once it has seen the workload, which lifts RSS once by 30-40 MiB at some
 * point of the run and then holds it; a leak shows as a climb in the live
 * memory after full collections, which liveFlat() bounds.
 */
const RSS_STEP_MIB = 64;

/** Live memory after the last quarter is at most 15% + 1 MiB above the first quarter's. */
function liveFlat(live: number[]): boolean {
  if (live.length < 3) return true; // not measured (no --expose-gc)
  return live.at(-1)! <= live[1] * 1.15 + 1;
}

/** Transfer sizes: mostly small, some large. */
const SIZES = [0, 100, 4 * KiB, 64 * KiB, 64 * KiB, 256 * KiB, 512 * KiB, 2 * MiB];

/**
 * Open file descriptors by number, with what each is, leaving out Unix
 * sockets: the runtime opens some of its own at times of its choosing
 * (Deno's upgrade check, for one), and the client never uses any. TCP
 * sockets, files and pipes all count.
 */
function openFds(): Map<string, string> | undefined {
  try {
    const unix = new Set(
      Deno.readTextFileSync("/proc/net/unix").split("\n").slice(1)
        .map((line) => line.trim().split(/\s+/)[6])
        .filter(Boolean),
    );
    const fds = new Map<string, string>();
    for (const entry of Deno.readDirSync("/proc/self/fd")) {
      let target = "";
      try {
        target = Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
      } catch {
        continue; // closed meanwhile (the directory listing's own descriptor)
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode === undefined || !unix.has(inode)) fds.set(entry.name, target);
    }
    return fds;
  } catch {
    return undefined;
  }
}

/** What a socket inode is, from /proc/net: protocol, addresses and state. */
function describe(target: string): string {
  const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
  if (!inode) return target;
  for (const kind of ["tcp", "tcp6", "udp", "udp6", "raw", "raw6"]) {
    let text = "";
    try {
      text = Deno.readTextFileSync(`/proc/net/${kind}`);
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      const fields = line.trim().split(/\s+/);
      if (fields[9] === inode) {
        return `${target} ${kind} ${fields[1]} -> ${fields[2]} state ${fields[3]}`;
      }
    }
  }
  return `${target} (not TCP, UDP or raw: netlink or the like)`;
}

/** Descriptors open now that were not open (as the same thing) before. */
function newFds(before: Map<string, string>, after: Map<string, string>): [string, string][] {
  return [...after].filter(([fd, target]) => before.get(fd) !== target);
}

async function settledFds(
  baseline: Map<string, string> | undefined,
): Promise<Map<string, string> | undefined> {
  if (baseline === undefined) return undefined;
  const deadline = Date.now() + 3_000;
  let now = openFds()!;
  // Bounded: sockets closed by the peer take a moment to go.
  while (newFds(baseline, now).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    now = openFds()!;
  }
  return now;
}

interface ServerHandle {
  url: string;
  /** The local directory holding the served root (or /pub for vsftpd). */
  dir: string;
  close(): Promise<void>;
}

async function startServer(target: SoakOptions["target"], faults: boolean): Promise<ServerHandle> {
  if (target === "vsftpd") {
    const { startVsftpd } = await import("../tests/_servers/vsftpd.ts");
    const server = await startVsftpd({ maxPerIp: 64 });
    return { url: server.url, dir: server.dir, close: () => server.close() };
  }
  // The embedded server runs in a child process: what is measured here is the client.
  const root = await Deno.makeTempDir({ prefix: "ferry-soak-root-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_soak_server.ts", import.meta.url).pathname,
      root,
      faults ? "faults" : "",
    ],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  // Bounded by the child: it prints one line, or exits.
  while (!text.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the soak server exited before listening");
    text += value;
  }
  const { port } = JSON.parse(text);
  return {
    url: `ftp://127.0.0.1:${port}`,
    dir: root,
    async close() {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode("\n"));
      await writer.close();
      await lines.cancel();
      await child.status;
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** Runs one soak setup. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const faults = options.faults ?? true;
  const server = await startServer(options.target, faults);
  const payloads = SIZES.map((size, i) => ({ size, bytes: payload(size, i + 1) }));
  const hashes = payloads.map((p) => sha(p.bytes));
  const local = await Deno.makeTempDir({ prefix: "ferry-soak-" });
  const stats = {
    commands: 0,
    transfers: 0,
    bytes: 0,
    failures: 0,
    recovered: 0,
    expectedErrors: 0,
    unrecovered: 0,
    corrupt: 0,
  };
  const firstErrors: string[] = [];
  const note = (error: unknown) => {
    if (firstErrors.length < 10) {
      firstErrors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
  };

  // Warm up, so that whatever the runtime makes once is made before counting.
  await warmUp(server, local);

  // Sampling the resident set, with the time of each sample.
  const samples: { at: number; rss: number; heapTotal: number; external: number }[] = [];
  const started = performance.now();
  const sample = () => {
    const { rss, heapTotal, external } = Deno.memoryUsage();
    samples.push({ at: performance.now(), rss, heapTotal, external });
  };
  sample();
  const sampler = setInterval(sample, 50);
  const deadline = started + options.timeLimitMs;
  const fdsBefore = openFds();

  // Memory alive after a full collection (with --expose-gc), at the start
  // and after each quarter of the work: heap and external buffers, swept at
  // once (--no-concurrent-array-buffer-sweeping), so the collector's timing
  // does not move the figure.
  const gc = (globalThis as { gc?: () => void }).gc;
  const live: number[] = [];
  const rssAfterGc: number[] = [];
  const measureHeap = () => {
    if (!gc) return;
    gc();
    const usage = Deno.memoryUsage();
    live.push((usage.heapUsed + usage.external) / MiB);
    rssAfterGc.push(usage.rss / MiB);
  };
  measureHeap();
  const total = options.commands + options.transfers;
  let nextQuarter = 1;
  const checkpoint = () => {
    if (stats.commands + stats.transfers >= (nextQuarter * total) / 4) {
      nextQuarter++;
      measureHeap();
    }
  };

  const worker = async (n: number) => {
    const random = prng(1000 + n);
    const dir = `w${n}`;
    const localDir = join(local, `w${n}`);
    await Deno.mkdir(localDir, { recursive: true });
    const client = new FtpClient({
      ...urlOptions(server.url),
      replyTimeout: 5_000,
      dataTimeout: 5_000,
      connectTimeout: 5_000,
    });
    await client.connect();
    const home = await client.pwd();
    await client.mkdir(dir, { recursive: true });
    const share = (total: number) =>
      Math.floor(total / options.clients) + (n < total % options.clients ? 1 : 0);
    let commandsLeft = share(options.commands);
    let transfersLeft = share(options.transfers);
    const uploaded = new Map<string, number>(); // remote name -> payload index
    let serial = 0;

    /** Runs an operation with retries; reconnects when the connection went. */
    const attempt = async <T>(work: (signal?: AbortSignal) => Promise<T>, abortOnce = false) => {
      let failed = false;
      for (let i = 0; i < 5; i++) {
        const controller = new AbortController();
        if (abortOnce && i === 0) setTimeout(() => controller.abort(), 1);
        try {
          if (client.state !== "loggedIn") await client.connect();
          const result = await work(abortOnce && i === 0 ? controller.signal : undefined);
          if (failed) stats.recovered++;
          return result;
        } catch (error) {
          if (!(error instanceof FtpError)) throw error;
          stats.failures++;
          if (!(error instanceof FtpAbortError)) note(error);
          failed = true;
          await new Promise((r) => setTimeout(r, 5 * (i + 1)));
        }
      }
      stats.unrecovered++;
      return undefined;
    };

    const command = async () => {
      const roll = random();
      const names = [...uploaded.keys()];
      const some = names.length > 0 ? names[Math.floor(random() * names.length)] : undefined;
      if (names.length > 40) {
        // A steady state: the directory keeps about 40 files.
        const oldest = names[0];
        const ok = await attempt(async () => {
          await client.remove(`${dir}/${oldest}`);
          return true;
        });
        if (ok) uploaded.delete(oldest);
      } else if (roll < 0.02) {
        // An expected refusal: the server must say 550 and the session go on.
        const error = await client.size(`${dir}/missing-${serial++}`).catch((e) => e);
        if (error instanceof FtpPermanentError) stats.expectedErrors++;
        else await attempt(() => client.noop());
      } else if (roll < 0.25) await attempt(() => client.noop());
      else if (roll < 0.4) await attempt(() => client.pwd());
      else if (roll < 0.5) {
        await attempt(async () => {
          await client.cd(dir);
          await client.cd(home);
        });
      } else if (roll < 0.65 && some) {
        await attempt(async () => {
          const size = await client.size(`${dir}/${some}`);
          if (size !== payloads[uploaded.get(some)!].size) stats.corrupt++;
        });
      } else if (roll < 0.75 && some) await attempt(() => client.lastModified(`${dir}/${some}`));
      else if (roll < 0.85) {
        const sub = `${dir}/d${serial++}`;
        await attempt(() => client.mkdir(sub));
        await attempt(() => client.rmdir(sub));
      } else if (roll < 0.92 && some) {
        const renamed = `r${serial++}-${some.replace(/^r\d+-/, "")}`;
        const ok = await attempt(async () => {
          await client.rename(`${dir}/${some}`, `${dir}/${renamed}`);
          return true;
        });
        if (ok) {
          uploaded.set(renamed, uploaded.get(some)!);
          uploaded.delete(some);
        }
      } else {
        await attempt(async () => {
          const names = (await client.list(dir)).map((e) => e.name);
          for (const name of uploaded.keys()) if (!names.includes(name)) stats.corrupt++;
        });
      }
      stats.commands++;
      checkpoint();
    };

    const transfer = async () => {
      const index = Math.floor(random() * payloads.length);
      const { size, bytes } = payloads[index];
      const abortOnce = faults && options.clientAborts !== false &&
        (stats.transfers + n) % 40 === 39;
      const names = [...uploaded.keys()];
      const kind = names.length === 0 || random() < 0.5 ? "upload" : "download";
      if (kind === "upload") {
        const name = `f${serial++}.bin`;
        const viaFile = random() < 0.3;
        const path = join(localDir, name);
        if (viaFile) await Deno.writeFile(path, bytes);
        const ok = await attempt(async (signal) => {
          if (viaFile) await client.uploadFrom(path, `${dir}/${name}`, { signal });
          else await client.upload(`${dir}/${name}`, bytes, { signal });
          return true;
        }, abortOnce);
        if (viaFile) await Deno.remove(path);
        if (ok) {
          uploaded.set(name, index);
          stats.bytes += size;
          const stored = await Deno.readFile(join(server.dir, dir, name)).catch(() => undefined);
          if (!stored || sha(stored) !== hashes[index]) stats.corrupt++;
        }
      } else {
        const name = names[Math.floor(random() * names.length)];
        const expected = hashes[uploaded.get(name)!];
        const toFile = random() < 0.3;
        const path = join(localDir, `dl-${name}`);
        const got = await attempt(async (signal) => {
          if (toFile) {
            await client.downloadTo(`${dir}/${name}`, path, { signal });
            const data = await Deno.readFile(path);
            await Deno.remove(path);
            return data;
          }
          const stream = await client.download(`${dir}/${name}`, { signal });
          return new Uint8Array(await new Response(stream).arrayBuffer());
        }, abortOnce);
        if (got) {
          stats.bytes += got.length;
          if (sha(got) !== expected) stats.corrupt++;
        }
      }
      stats.transfers++;
      checkpoint();
    };

    // Bounded by the quotas and the deadline.
    while ((commandsLeft > 0 || transfersLeft > 0) && performance.now() < deadline) {
      const doTransfer = transfersLeft > 0 &&
        (commandsLeft === 0 || random() < transfersLeft / (commandsLeft + transfersLeft));
      if (doTransfer) {
        transfersLeft--;
        await transfer();
      } else {
        commandsLeft--;
        await command();
      }
    }
    await client.close();
  };

  const progress = setInterval(() => {
    log(
      `  ${options.target} x${options.clients}: ${stats.commands} commands, ${stats.transfers} transfers, ${stats.failures} failures`,
    );
  }, 5_000);
  try {
    await Promise.all(Array.from({ length: options.clients }, (_, n) => worker(n)));
  } finally {
    clearInterval(progress);
    clearInterval(sampler);
  }
  const durationMs = performance.now() - started;
  sample();
  const fdsAfter = await settledFds(fdsBefore);
  await server.close();
  await Deno.remove(local, { recursive: true }).catch(() => {});

  /** The peak of a sampled quantity (MiB) between two fractions of the run. */
  const peak = (field: "rss" | "heapTotal" | "external", from: number, to: number) =>
    Math.max(
      ...samples.filter((s) =>
        s.at >= started + from * durationMs && s.at <= started + to * durationMs
      ).map((s) => s[field]),
      0,
    ) / MiB;
  const quarter = (from: number, to: number) => peak("rss", from, to);
  const tenths = (field: "rss" | "heapTotal" | "external") =>
    Array.from({ length: 10 }, (_, i) => Math.round(peak(field, i / 10, (i + 1) / 10)));
  const first = quarter(0, 0.25);
  const last = quarter(0.75, 1.01);
  const seconds = durationMs / 1000;
  return {
    target: options.target,
    clients: options.clients,
    commands: stats.commands,
    transfers: stats.transfers,
    bytes: stats.bytes,
    durationMs: Math.round(durationMs),
    commandsPerSecond: Math.round(stats.commands / seconds),
    transfersPerSecond: Math.round(stats.transfers / seconds),
    mibPerSecond: Math.round(stats.bytes / MiB / seconds),
    failures: stats.failures,
    recovered: stats.recovered,
    expectedErrors: stats.expectedErrors,
    unrecovered: stats.unrecovered,
    corrupt: stats.corrupt,
    fds: fdsBefore === undefined || fdsAfter === undefined ? undefined : {
      before: fdsBefore.size,
      after: fdsAfter.size,
      leaked: newFds(fdsBefore, fdsAfter).length,
      extra: newFds(fdsBefore, fdsAfter).map(([fd, target]) => `${fd}: ${describe(target)}`),
    },
    rss: {
      firstQuarterPeakMiB: Math.round(first),
      lastQuarterPeakMiB: Math.round(last),
      peakMiB: Math.round(Math.max(...samples.map((s) => s.rss)) / MiB),
      flat: last <= first + RSS_STEP_MIB && liveFlat(live),
    },
    liveMiB: live.map((h) => Math.round(h * 10) / 10),
    rssAfterGcMiB: rssAfterGc.map(Math.round),
    rssDecilesMiB: tenths("rss"),
    heapTotalDecilesMiB: tenths("heapTotal"),
    externalDecilesMiB: tenths("external"),
    complete: stats.commands >= options.commands && stats.transfers >= options.transfers,
    firstErrors,
  };
}

/** One of each kind of work, before the descriptors are counted. */
async function warmUp(server: ServerHandle, local: string): Promise<void> {
  const client = new FtpClient(urlOptions(server.url));
  await client.connect();
  const bytes = payload(64 * KiB, 99);
  await client.upload("warm-up.bin", bytes);
  await new Response(await client.download("warm-up.bin")).arrayBuffer();
  await client.downloadTo("warm-up.bin", join(local, "warm-up.bin"));
  const controller = new AbortController();
  controller.abort();
  await client.upload("warm-up.bin", bytes, { signal: controller.signal }).catch(() => {});
  await client.list();
  await client.remove("warm-up.bin");
  await client.close();
  await Deno.remove(join(local, "warm-up.bin"));
}

/** Host, port, user and password from an ftp:// URL (the client's own parsing does the rest). */
function urlOptions(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port),
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    path: parsed.pathname.length > 1 ? decodeURIComponent(parsed.pathname.slice(1)) : undefined,
  };
}

function table(results: SoakResult[]): string {
  const rows = [[
    "setup",
    "commands",
    "transfers",
    "MiB",
    "seconds",
    "cmd/s",
    "xfer/s",
    "MiB/s",
    "failures",
    "recovered",
    "unrecovered",
    "corrupt",
    "fds leaked",
    "RSS 1st/last/peak MiB",
    "flat",
  ]];
  for (const r of results) {
    rows.push([
      `${r.target} x${r.clients}`,
      String(r.commands),
      String(r.transfers),
      (r.bytes / MiB).toFixed(0),
      (r.durationMs / 1000).toFixed(1),
      String(r.commandsPerSecond),
      String(r.transfersPerSecond),
      String(r.mibPerSecond),
      String(r.failures),
      String(r.recovered),
      String(r.unrecovered),
      String(r.corrupt),
      r.fds ? String(r.fds.leaked) : "n/a",
      `${r.rss.firstQuarterPeakMiB}/${r.rss.lastQuarterPeakMiB}/${r.rss.peakMiB}`,
      r.rss.flat ? "yes" : "NO",
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.slice(1).map(line),
  ]
    .join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      commands: { type: "string", default: "10000" },
      transfers: { type: "string", default: "2000" },
      target: { type: "string" },
      clients: { type: "string" },
      "time-limit": { type: "string", default: "300" },
      "no-faults": { type: "boolean", default: false },
      "no-client-aborts": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      inline: { type: "boolean", default: false },
      child: { type: "string" },
    },
  });
  if (values.child) {
    // One setup, asked for by the parent below: the result as JSON on stdout.
    const options: SoakOptions = JSON.parse(values.child);
    const result = await runSoak({ ...options, log: (line) => console.error(line) });
    console.log(JSON.stringify(result));
    Deno.exit(0);
  }
  // Comma-separated lists, such as --clients 1,8.
  const targets = values.target ? values.target.split(",") : ["embedded", "vsftpd"];
  const pools = values.clients ? values.clients.split(",").map(Number) : [1, 8];
  const results: SoakResult[] = [];
  for (const target of targets) {
    if (target !== "embedded" && target !== "vsftpd") throw new Error(`unknown target ${target}`);
    if (target === "vsftpd") {
      const { vsftpd } = await import("../tests/_servers/vsftpd.ts");
      if (vsftpd.ignore) {
        console.error("soak: vsftpd is not installed; skipping it");
        continue;
      }
    }
    for (const clients of pools) {
      const options: SoakOptions = {
        target,
        clients,
        commands: Number(values.commands),
        transfers: Number(values.transfers),
        timeLimitMs: Number(values["time-limit"]) * 1000,
        faults: !values["no-faults"],
        clientAborts: !values["no-client-aborts"],
      };
      if (values.inline) {
        results.push(await runSoak({ ...options, log: (line) => console.error(line) }));
        continue;
      }
      // Each setup in a process of its own: its memory and descriptors are its own.
      console.error(`soak: ${target}, ${clients} client(s)...`);
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--v8-flags=--expose-gc,--no-concurrent-array-buffer-sweeping",
          import.meta.filename!,
          "--child",
          JSON.stringify(options),
        ],
        env: { DENO_NO_UPDATE_CHECK: "1" },
        stdout: "piped",
        stderr: "inherit",
      });
      const output = await child.output();
      results.push(JSON.parse(new TextDecoder().decode(output.stdout)));
    }
  }
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else console.log(table(results));
  if (results.some((r) => r.fds === undefined)) {
    console.error(
      "soak: open descriptors not counted: reading /proc/self/fd needs Linux and deno run -A",
    );
  }
  const bad = results.filter((r) =>
    r.unrecovered > 0 || r.corrupt > 0 || (r.fds?.leaked ?? 0) > 0 || !r.rss.flat || !r.complete
  );
  for (const r of bad) {
    console.error(`soak: ${r.target} x${r.clients} FAILED`, JSON.stringify(r, null, 1));
  }
  Deno.exit(bad.length > 0 ? 1 : 0);
}
