// What the peer benchmarks (bench/peers.ts on loopback, bench/wan.ts through
// the delay proxy) share: running commands, installing the peers, making
// test files, timing fresh processes.

import { createHash } from "node:crypto";
import { join } from "node:path";

/** Runs a command to completion and returns its stdout; fails with its stderr. */
export async function run(
  cmd: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const output = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd: options.cwd,
    env: options.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `${cmd.join(" ")} failed: ${new TextDecoder().decode(output.stderr).slice(-2000)}`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

async function have(binary: string): Promise<boolean> {
  try {
    await run(["sh", "-c", `command -v ${binary} || test -x /usr/sbin/${binary}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs what is missing of curl, lftp, python3, vsftpd and openssl (apt),
 * and basic-ftp from npm into `nodeDir` (a scratch folder).
 */
export async function installPeers(nodeDir: string): Promise<void> {
  const missing = [];
  for (const tool of ["curl", "lftp", "python3", "vsftpd", "openssl"]) {
    if (!await have(tool)) missing.push(tool);
  }
  if (missing.length > 0) {
    console.log(`installing ${missing.join(" ")} with apt`);
    await run(["apt-get", "update", "-qq"]);
    await run(["apt-get", "install", "-y", "-qq", ...missing], {
      env: { DEBIAN_FRONTEND: "noninteractive" },
    });
  }
  await Deno.mkdir(nodeDir, { recursive: true });
  try {
    await Deno.stat(join(nodeDir, "node_modules/basic-ftp"));
  } catch {
    console.log("installing basic-ftp from npm into a scratch folder");
    await Deno.writeTextFile(join(nodeDir, "package.json"), '{"private":true}');
    await run(["npm", "install", "--silent", "basic-ftp@6"], { cwd: nodeDir });
  }
}

/** coreutils' sha256sum: several times faster than hashing 1 GiB in the script. */
export async function sha256File(path: string): Promise<string> {
  const output = await run(["sha256sum", "--", path]);
  return output.split(" ")[0];
}

/** Writes `size` pseudo-random bytes (from `seed`) to `path` and returns their SHA-256. */
export async function makeFile(path: string, size: number, seed: number): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const block = new Uint8Array(1 << 20);
  let x = seed;
  for (let i = 0; i < block.length; i += 4) {
    x = (x * 1103515245 + 12345) >>> 0;
    block[i] = x;
    block[i + 1] = x >> 8;
    block[i + 2] = x >> 16;
    block[i + 3] = x >> 24;
  }
  for (let written = 0; written < size; written += block.length) {
    block[0] = written / block.length;
    const piece = block.subarray(0, Math.min(block.length, size - written));
    await file.write(piece);
    hash.update(piece);
  }
  return hash.digest("hex");
}

/**
 * Runs a command as a fresh process (under GNU time), returning wall
 * seconds, peak RSS (KiB) and CPU seconds (user + system, with children).
 */
export async function timed(
  cmd: string[],
): Promise<{ seconds: number; peakKiB: number; cpu: number }> {
  const start = performance.now();
  const output = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M %U %S", ...cmd],
    stdout: "null",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - start) / 1000;
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (!output.success) throw new Error(`${cmd.join(" ")} failed: ${stderr.slice(-1500)}`);
  const [peakKiB, user, system] = stderr.split("\n").at(-1)!.split(" ").map(Number);
  return { seconds, peakKiB, cpu: user + system };
}

/** The median (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * lftp's settings for an FTPS session that really is one. lftp logs in as
 * anonymous when the URL names no user, and by default
 * (`ftp:ssl-allow-anonymous no`) it then sends no AUTH TLS, whatever
 * `ftp:ssl-force` says: without the first setting below, an "FTPS" cell
 * times lftp over plain FTP (it did, in bench/peers.ts and
 * bench/tls_memory.ts, until 2026-12-06).
 */
export function lftpFtpsSettings(caPath: string): string {
  return [
    "set ftp:ssl-allow-anonymous yes",
    "set ftp:ssl-force true",
    "set ftp:ssl-protect-data true",
    `set ssl:ca-file ${caPath}`,
    // One try, and a bounded wait: a bench must fail, not hang, on a dead server.
    "set net:max-retries 1",
    "set net:timeout 15",
  ].join("; ");
}

/**
 * Runs `lftp -d` once with {@link lftpFtpsSettings} and fails unless its
 * trace shows AUTH TLS and PROT P answered with success: a bench's FTPS cell
 * must time lftp over TLS, never over plain FTP.
 */
export async function assertLftpEncrypts(url: string, caPath: string): Promise<void> {
  // lftp writes its -d trace to stderr.
  const output = await new Deno.Command("lftp", {
    args: ["-d", "-e", `${lftpFtpsSettings(caPath)}; cls -1 / > /dev/null; bye`, url],
    stdout: "null",
    stderr: "piped",
  }).output();
  const trace = new TextDecoder().decode(output.stderr);
  for (const [sent, answer] of [["AUTH TLS", "234"], ["PROT P", "200"]]) {
    if (!new RegExp(`---> ${sent}\\s*\\n<--- ${answer}`).test(trace)) {
      throw new Error(
        `lftp did not use TLS (no ${sent} answered ${answer}):\n${trace.slice(-1500)}`,
      );
    }
  }
}

/**
 * A Python program that runs the command after it and writes the command's
 * user and system CPU time in seconds to the file named first: `os.wait4`'s
 * microseconds, where GNU time (`timed`) rounds to 10 ms, which is the size
 * of the start-up changes measured. Run as `python3 -c CPU_TIME FILE CMD…`.
 */
const CPU_TIME = `
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(f"{usage.ru_utime} {usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
`;

/** The arguments of `python3` that run `command` and write its CPU time to `timeFile`. */
export function cpuTimedArgs(timeFile: string, command: readonly string[]): string[] {
  return ["-c", CPU_TIME, timeFile, ...command];
}

/** The CPU time (user + system, milliseconds) that a `cpuTimedArgs` run wrote. */
export function cpuMsFrom(timeFile: string): number {
  const [user, system] = Deno.readTextFileSync(timeFile).trim().split(" ").map(Number);
  return (user + system) * 1000;
}
