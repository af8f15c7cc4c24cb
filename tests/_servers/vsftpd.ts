/**
 * Starts Debian's vsftpd on a free loopback port for a test, with its own
 * config and a temporary root, as a child process (listen=YES,
 * background=NO) that is killed by `close()`.
 *
 * vsftpd 3.0.3 serves anonymous users from `anon_root` through a chroot, and
 * refuses to run with a chroot root the session can write to. So the root
 * stays read-only and the writable area is `root/pub` (`url` points there,
 * `dir` is its local path). Anonymous login takes any password, so tests may
 * still pass one to check that it never shows.
 *
 * @example
 * ```ts
 * import { startVsftpd, vsftpd } from "./_servers/vsftpd.ts";
 *
 * Deno.test("against vsftpd", { ignore: vsftpd.ignore }, async () => {
 *   await using server = await startVsftpd();
 *   console.log(server.url, server.dir);
 * });
 * ```
 *
 * @module
 */

import { join } from "node:path";
import { peer } from "../_peers.ts";

/** The vsftpd binary, found or not (see tests/_peers.ts for the rule). */
export const vsftpd = peer("vsftpd");

/** Options of {@linkcode startVsftpd}. */
export interface VsftpdOptions {
  /**
   * Extra `key=value` lines for vsftpd.conf (later lines win), for example
   * TLS settings.
   *
   * @default {{}}
   */
  config?: Record<string, string>;
  /**
   * Most connections from one address.
   *
   * @default {50}
   */
  maxPerIp?: number;
}

/** A running vsftpd. */
export interface Vsftpd extends AsyncDisposable {
  /** `ftp://127.0.0.1:PORT/pub` (anonymous; add a user and password as needed). */
  url: string;
  port: number;
  /** The served, writable directory (`/pub` on the server). */
  dir: string;
  /** Stops the server and removes its files. */
  close(): Promise<void>;
}

function findVsftpd(): string {
  for (const path of ["/usr/sbin/vsftpd", "/usr/local/sbin/vsftpd"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not there.
    }
  }
  return vsftpd.require();
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForGreeting(port: number, child: Deno.ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  // Bounded by the deadline.
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const buffer = new Uint8Array(256);
      const n = await conn.read(buffer);
      conn.close();
      if (n && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("220")) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`vsftpd did not greet on port ${port} within 10 s`);
}

/**
 * Starts vsftpd with anonymous uploads, mkdir, rename and delete allowed
 * under `/pub`. Needs root (vsftpd drops to the `ftp` user per session).
 *
 * @param options Extra config lines.
 * @returns The running server.
 */
export async function startVsftpd(options: VsftpdOptions = {}): Promise<Vsftpd> {
  const binary = findVsftpd();
  const base = await Deno.makeTempDir({ prefix: "ferry-vsftpd-" });
  const root = join(base, "root");
  const dir = join(root, "pub");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.chmod(base, 0o755);
  await Deno.chmod(root, 0o755);
  await Deno.chmod(dir, 0o777);
  const port = freePort();
  const config: Record<string, string> = {
    listen: "YES",
    listen_ipv6: "NO",
    listen_address: "127.0.0.1",
    listen_port: String(port),
    background: "NO",
    anonymous_enable: "YES",
    local_enable: "NO",
    write_enable: "YES",
    anon_root: root,
    anon_upload_enable: "YES",
    anon_mkdir_write_enable: "YES",
    anon_other_write_enable: "YES",
    anon_world_readable_only: "NO",
    anon_umask: "022",
    no_anon_password: "NO",
    seccomp_sandbox: "NO",
    pasv_enable: "YES",
    xferlog_enable: "NO",
    dirmessage_enable: "NO",
    secure_chroot_dir: "/var/run/vsftpd/empty",
    max_clients: "100",
    max_per_ip: String(options.maxPerIp ?? 50),
    ...options.config,
  };
  await Deno.mkdir("/var/run/vsftpd/empty", { recursive: true }).catch(() => {});
  const configFile = join(base, "vsftpd.conf");
  await Deno.writeTextFile(
    configFile,
    Object.entries(config).map(([k, v]) => `${k}=${v}`).join("\n") + "\n",
  );
  const child = new Deno.Command(binary, {
    args: [configFile],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitForGreeting(port, child);
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
      await Deno.remove(base, { recursive: true }).catch(() => {});
    })();
  return {
    url: `ftp://127.0.0.1:${port}/pub`,
    port,
    dir,
    close,
    [Symbol.asyncDispose]: close,
  };
}
