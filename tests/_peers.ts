/**
 * Finding and running peer programs (curl, lftp, python3 and the like) for
 * interoperability tests. A missing peer makes its tests ignored with a
 * message, unless `FERRY_REQUIRE_PEERS=1`, when it makes them fail: CI
 * installs the peers and must not pass by skipping them.
 *
 * @example
 * ```ts
 * import { peer, runPeer } from "../_peers.ts";
 *
 * const curl = peer("curl");
 * Deno.test("curl lists", { ignore: curl.ignore }, async () => {
 *   const result = await runPeer(curl.require(), ["--version"]);
 *   console.log(result.stdout);
 * });
 * ```
 *
 * @module
 */

/** A peer program, found or not. */
export interface Peer {
  /** The program name, such as `"curl"`. */
  readonly name: string;
  /** Its absolute path, when found. */
  readonly path: string | undefined;
  /** Whether tests needing it should be ignored (missing, and not required). */
  readonly ignore: boolean;
  /** The path, or a failure explaining that the peer is missing but required. */
  require(): string;
}

function peersRequired(): boolean {
  try {
    return Deno.env.get("FERRY_REQUIRE_PEERS") === "1";
  } catch {
    return false; // no env permission: nobody asked for strictness
  }
}

function onPath(name: string): string | undefined {
  let searchPath: string;
  try {
    searchPath = Deno.env.get("PATH") ?? "";
  } catch {
    searchPath = "/usr/local/bin:/usr/bin:/bin";
  }
  const windows = Deno.build.os === "windows";
  const separator = windows ? ";" : ":";
  const suffixes = windows ? [".exe", ".cmd", ""] : [""];
  for (const dir of searchPath.split(separator)) {
    if (dir === "") continue;
    for (const suffix of suffixes) {
      const candidate = `${dir}${windows ? "\\" : "/"}${name}${suffix}`;
      try {
        if (Deno.statSync(candidate).isFile) return candidate;
      } catch {
        // Not in this directory.
      }
    }
  }
  return undefined;
}

const warned = new Set<string>();

/**
 * Looks a peer program up on `PATH` (once, at test registration time).
 *
 * @param name The program name.
 * @returns Whether to ignore its tests, and its path when found.
 */
export function peer(name: string): Peer {
  const path = onPath(name);
  const required = peersRequired();
  if (path === undefined && !required && !warned.has(name)) {
    warned.add(name);
    console.warn(
      `${name} is not installed: its interoperability tests are ignored ` +
        `(set FERRY_REQUIRE_PEERS=1 to make this a failure)`,
    );
  }
  return {
    name,
    path,
    ignore: path === undefined && !required,
    require() {
      if (path === undefined) {
        throw new Error(
          `${name} is required (FERRY_REQUIRE_PEERS=1) but was not found on PATH; install it`,
        );
      }
      return path;
    },
  };
}

/** What a peer run produced. */
export interface PeerResult {
  /** The exit code (`null` if killed by the timeout). */
  code: number | null;
  /** Standard output as UTF-8 text. */
  stdout: string;
  /** Standard error as UTF-8 text. */
  stderr: string;
}

/** Options of {@linkcode runPeer}. */
export interface RunPeerOptions {
  /** Kill the program after this long. @default {60000} */
  timeoutMs?: number;
  /** Extra environment variables. @default {{}} */
  env?: Record<string, string>;
  /** The working directory. @default {the current one} */
  cwd?: string;
}

/**
 * Runs a peer program to completion, bounded by a timeout, and fails with
 * its output if it exits non-zero.
 *
 * @param path The program, as returned by {@linkcode Peer.require}.
 * @param args Its arguments.
 * @param options Timeout, environment, working directory.
 * @returns Its output.
 */
export async function runPeer(
  path: string,
  args: string[],
  options: RunPeerOptions = {},
): Promise<PeerResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const killer = new AbortController();
  const timer = setTimeout(() => killer.abort(), timeoutMs);
  try {
    const output = await new Deno.Command(path, {
      args,
      cwd: options.cwd,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: killer.signal,
    }).output();
    const decoder = new TextDecoder();
    const result: PeerResult = {
      code: killer.signal.aborted ? null : output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
    if (result.code !== 0) {
      throw new Error(
        `${path} ${args.join(" ")} ${
          result.code === null ? `timed out after ${timeoutMs} ms` : `exited with ${result.code}`
        }\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
      );
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}
