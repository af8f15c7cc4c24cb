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
  /**
   * TLS (FTPS). Plain FTP stays allowed (`force_*_ssl=NO`); put stricter
   * lines in `config`, which wins.
   *
   * @default {undefined}
   */
  tls?: VsftpdTlsOptions;
  /**
   * A system user (who must exist, with an existing home directory and a
   * shell listed in /etc/shells) allowed to log in with its password
   * through PAM, landing in `localRoot`.
   *
   * @default {undefined (local logins off)}
   */
  localUser?: string;
  /**
   * Where `localUser` lands (`local_root`); another instance's `dir`, for
   * example, so that two listeners serve the same files.
   *
   * @default {the served directory, `dir`}
   */
  localRoot?: string;
}

/** TLS settings of {@linkcode startVsftpd}. */
export interface VsftpdTlsOptions {
  /** The server certificate (PEM; a chain may follow it). */
  certPath: string;
  /** Its private key (PEM). */
  keyPath: string;
  /**
   * `require_ssl_reuse`: refuse data connections that do not resume the
   * control connection's TLS session (vsftpd's default).
   *
   * @default {true}
   */
  requireSslReuse?: boolean;
  /**
   * `implicit_ssl`: this listener speaks TLS from the first byte (implicit
   * FTPS, `ftps://`) instead of waiting for AUTH TLS.
   *
   * @default {false}
   */
  implicit?: boolean;
  /**
   * `require_cert` and `validate_cert`: a client must present a
   * certificate signed by this CA (PEM file) to connect.
   *
   * @default {undefined (no client certificate asked)}
   */
  clientCaPath?: string;
}

/** The vsftpd.conf lines for {@linkcode VsftpdTlsOptions}. */
function tlsConfig(tls: VsftpdTlsOptions): Record<string, string> {
  return {
    ssl_enable: "YES",
    rsa_cert_file: tls.certPath,
    rsa_private_key_file: tls.keyPath,
    // vsftpd 3.0.3's default cipher list names nothing OpenSSL 3 still offers.
    ssl_ciphers: "HIGH",
    ssl_tlsv1: "YES",
    ssl_sslv2: "NO",
    ssl_sslv3: "NO",
    require_ssl_reuse: tls.requireSslReuse === false ? "NO" : "YES",
    allow_anon_ssl: "YES",
    force_local_logins_ssl: "NO",
    force_local_data_ssl: "NO",
    force_anon_logins_ssl: "NO",
    force_anon_data_ssl: "NO",
    implicit_ssl: tls.implicit ? "YES" : "NO",
    ...(tls.clientCaPath
      ? { require_cert: "YES", validate_cert: "YES", ca_certs_file: tls.clientCaPath }
      : {}),
  };
}

/** A running vsftpd. */
export interface Vsftpd extends AsyncDisposable {
  /** `ftp://127.0.0.1:PORT/pub` (anonymous; add a user and password as needed). */
  url: string;
  port: number;
  /** The served, writable directory (`/pub` on the server). */
  dir: string;
  /** What vsftpd wrote to stderr so far (config errors). */
  stderr(): string;
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

/**
 * Waits for the 220 greeting, or with implicit TLS (whose greeting comes
 * only after a handshake) for the port to accept connections.
 */
async function waitForGreeting(
  port: number,
  child: Deno.ChildProcess,
  implicitTls = false,
  output: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + 10_000;
  // Bounded by the deadline.
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      if (implicitTls) {
        conn.close();
        return;
      }
      const buffer = new Uint8Array(256);
      const n = await conn.read(buffer);
      conn.close();
      if (n && new TextDecoder().decode(buffer.subarray(0, n)).startsWith("220")) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    child.kill("SIGKILL");
  } catch {
    // It had exited (a config error, say): its output says why.
  }
  throw new Error(`vsftpd did not greet on port ${port} within 10 s\n${output()}`.trim());
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
    ...(options.tls ? tlsConfig(options.tls) : {}),
    ...(options.localUser
      ? {
        local_enable: "YES",
        local_root: options.localRoot ?? dir,
        local_umask: "022",
        pam_service_name: "vsftpd",
        userlist_enable: "NO",
      }
      : {}),
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
    stderr: "piped",
  }).spawn();
  // vsftpd reports config errors ("500 OOPS: ...") on stderr; keep the last 16 KiB.
  let errors = "";
  const drained = (async () => {
    const decoder = new TextDecoder();
    // Bounded by the process: the stream ends when it exits.
    for await (const chunk of child.stderr) {
      errors = (errors + decoder.decode(chunk, { stream: true })).slice(-16_384);
    }
  })().catch(() => {});
  try {
    await waitForGreeting(port, child, options.tls?.implicit ?? false, () => errors);
  } catch (error) {
    await child.status;
    await drained;
    await Deno.remove(base, { recursive: true }).catch(() => {});
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
      await drained;
      await Deno.remove(base, { recursive: true }).catch(() => {});
    })();
  return {
    url: `ftp://127.0.0.1:${port}/pub`,
    port,
    dir,
    stderr: () => errors,
    close,
    [Symbol.asyncDispose]: close,
  };
}
