/**
 * Several FTPS clients at once in one process against one server: each
 * runs its own seeded mix of uploads (0 B to 3 MiB, with runs of uploads
 * back to back), downloads and listings in a directory of its own, checks
 * every downloaded byte (sha256) and every listing, and at the end compares
 * the server's disk with what it uploaded. Counts what a user would see go
 * wrong (every failed operation, with its message) and what the server saw:
 * logins and refused data connections (425, 522), from the control
 * connections' traces.
 *
 * @example
 * ```ts
 * import { runLoad } from "./_load.ts";
 *
 * const result = await runLoad(
 *   { host: "127.0.0.1", port: 2121, user: "u", password: "p", root: "/srv/ftp", caCertPem: "..." },
 *   { clients: 4, operations: 100, seed: 1 },
 * );
 * console.log(result.failures.length, "failures");
 * ```
 *
 * @module
 */

import { FtpClient } from "../../mod.ts";
import { isolatedLiveBytes } from "../../src/transport/_isolated_transport.ts";
import { pseudoRandomBytes, sha256, sha256File } from "../_helpers.ts";

/** Where the clients go. */
export interface LoadTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The local directory the user lands in (to check the server's disk). */
  root: string;
  /** The CA to trust. */
  caCertPem: string;
}

/** How much to do. */
export interface LoadOptions {
  /** Clients at once, each on its own control connection. */
  clients: number;
  /** Operations per client (an upload, a download or a listing each). */
  operations: number;
  /** Seeds each client's mix, so that a failure reproduces. */
  seed: number;
  /**
   * Samples the memory alive after forced collections (this isolate and
   * every TLS worker) this many times over the run. Needs
   * `--v8-flags=--expose-gc`. @default {0}
   */
  memorySamples?: number;
}

/** What happened. */
export interface LoadResult {
  clients: number;
  operations: number;
  uploads: number;
  downloads: number;
  listings: number;
  /** Bytes moved, both ways. */
  bytes: number;
  /** Each failed operation or check: "client N, op M (kind name): message". */
  failures: string[];
  /** USER commands sent, by all clients. */
  logins: number;
  /** 425 and 522 replies seen, by all clients. */
  refusals: number;
  /** `info` events, by all clients. */
  infos: string[];
  /** Live memory samples in bytes (main isolate plus TLS workers), if asked for. */
  memory: number[];
  /** Peak resident set size of the process, in bytes (Linux), for the record. */
  peakRss?: number;
  durationMs: number;
}

/** Sizes an upload may have, and how often each is drawn. */
const SIZES: [number, number][] = [
  [0, 2],
  [1, 2],
  [517, 3],
  [4096, 3],
  [65_536, 3],
  [262_144, 2],
  [1_048_576, 1],
  [3 * 1_048_576, 1],
];
const WEIGHT = SIZES.reduce((sum, [, w]) => sum + w, 0);
const POOL = pseudoRandomBytes(3 * 1_048_576 + 64, 4242);

/** A small seeded generator (xorshift32). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function drawSize(next: () => number): number {
  let r = next() * WEIGHT;
  for (const [size, weight] of SIZES) {
    if ((r -= weight) < 0) return size;
  }
  return 0;
}

/** Content for one upload: a slice of the pool, stamped so that no two uploads are alike. */
function content(size: number, stamp: number, next: () => number): Uint8Array {
  const start = Math.floor(next() * 64);
  const bytes = POOL.slice(start, start + size);
  for (let i = 0; i < Math.min(4, size); i++) bytes[i] = (stamp >>> (8 * i)) & 0xff;
  return bytes;
}

/** Peak resident set size (VmHWM) in bytes, where Linux says it. */
export function peakRss(): number | undefined {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kib ? Number(kib) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function liveBytes(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("memory sampling needs --v8-flags=--expose-gc");
  gc();
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external + await isolatedLiveBytes();
}

/** Runs the clients at once and reports. */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = {
    clients: options.clients,
    operations: 0,
    uploads: 0,
    downloads: 0,
    listings: 0,
    bytes: 0,
    failures: [],
    logins: 0,
    refusals: 0,
    infos: [],
    memory: [],
    durationMs: 0,
  };
  const total = options.clients * options.operations;
  const sampleEvery = options.memorySamples
    ? Math.max(1, Math.floor(total / options.memorySamples))
    : 0;
  let sampling: Promise<void> = Promise.resolve();
  const counted = () => {
    result.operations++;
    if (sampleEvery && result.operations % sampleEvery === 0) {
      sampling = sampling.then(async () => void result.memory.push(await liveBytes()));
    }
  };
  const fail = (where: string, error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    result.failures.push(`${where}: ${message}`);
  };
  if (sampleEvery) result.memory.push(await liveBytes());
  const started = performance.now();

  await Promise.all(Array.from({ length: options.clients }, async (_, c) => {
    const next = random(options.seed * 7919 + c + 1);
    const dir = `load-${options.seed}-${c}`;
    const client = new FtpClient({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      secure: "explicit",
      tls: { caCerts: [target.caCertPem] },
      debug: ({ direction, line }) => {
        if (direction === "send" && /^USER /.test(line)) result.logins++;
        if (direction === "receive" && /^(425|522) /.test(line)) result.refusals++;
      },
    });
    client.addEventListener("info", (event) => result.infos.push(event.message));
    /** Name to sha256 of what this client uploaded there last. */
    const files = new Map<string, string>();
    try {
      await client.connect();
      await client.mkdir(dir, { recursive: true });
      await client.cd(dir);
    } catch (error) {
      fail(`client ${c}, connect`, error);
      await client.close().catch(() => {});
      return;
    }
    let burst = 0;
    for (let op = 0; op < options.operations; op++) {
      const r = next();
      const names = [...files.keys()];
      const kind = burst > 0 || r < 0.4 || names.length === 0
        ? "upload"
        : r < 0.75
        ? "download"
        : "list";
      // Now and then, four uploads back to back.
      if (burst > 0) burst--;
      else if (kind === "upload" && next() < 0.1) burst = 3;
      let name = "";
      try {
        if (kind === "upload") {
          name = names.length > 0 && next() < 0.3
            ? names[Math.floor(next() * names.length)]
            : `f${op}.bin`;
          const bytes = content(drawSize(next), c * 1_000_000 + op, next);
          await client.upload(name, bytes);
          files.set(name, sha256(bytes));
          result.uploads++;
          result.bytes += bytes.length;
        } else if (kind === "download") {
          name = names[Math.floor(next() * names.length)];
          const bytes = new Uint8Array(
            await new Response(await client.download(name)).arrayBuffer(),
          );
          result.downloads++;
          result.bytes += bytes.length;
          if (sha256(bytes) !== files.get(name)) {
            throw new Error(`downloaded bytes (${bytes.length}) differ from those uploaded`);
          }
        } else {
          const listed = new Set((await client.list()).map((e) => e.name));
          result.listings++;
          const missing = names.filter((n) => !listed.has(n));
          if (missing.length > 0) throw new Error(`the listing lacks ${missing.join(", ")}`);
        }
      } catch (error) {
        fail(`client ${c}, op ${op} (${kind} ${name})`, error);
      }
      counted();
    }
    await client.close().catch((error) => fail(`client ${c}, close`, error));
    // The server's disk holds exactly what the client last uploaded.
    for (const [name, hash] of files) {
      const onDisk = await sha256File(`${target.root}/${dir}/${name}`).catch(() => "missing");
      if (onDisk !== hash) {
        fail(`client ${c}, server file ${dir}/${name}`, "differs from the upload");
      }
    }
  }));
  await sampling;
  if (sampleEvery) result.memory.push(await liveBytes());
  result.durationMs = Math.round(performance.now() - started);
  result.peakRss = peakRss();
  return result;
}
