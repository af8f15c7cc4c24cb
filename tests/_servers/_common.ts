/**
 * What the real-server launchers share: the handle they return, a typed
 * "cannot run here" error, spawning a daemon with its output captured,
 * bounded readiness waits, free ports, the test user, temporary roots on a
 * tmpfs, and Debian packages fetched with `apt-get download` and unpacked
 * with `dpkg-deb -x` into a cache under `.ci/work/` (never installed, never
 * committed).
 *
 * @example
 * ```ts
 * import { ServerUnavailableError } from "./_common.ts";
 * import { startPyftpdlib } from "./pyftpdlib.ts";
 *
 * try {
 *   await using server = await startPyftpdlib({});
 *   console.log(server.host, server.port);
 * } catch (error) {
 *   if (error instanceof ServerUnavailableError) console.log("skipped:", error.message);
 *   else throw error;
 * }
 * ```
 *
 * @module
 */

/** A running server, as every launcher returns it. */
export interface ServerHandle extends AsyncDisposable {
  /** The address it listens on (always loopback). */
  readonly host: string;
  /** The plain / explicit-TLS (AUTH TLS) control port. */
  readonly port: number;
  /** The implicit-TLS control port, when the server offers and was asked for one. */
  readonly implicitPort?: number;
  /** A user that may read and write `root`. */
  readonly user: string;
  /** Its password (a test password, made for this process). */
  readonly password: string;
  /** The local directory the user lands in after login. */
  readonly root: string;
  /** Software and package versions, for reports. */
  readonly version: string;
  /** What the server printed and logged so far (passwords redacted), for failure messages. */
  logs(): string;
  /** Stops the server (its processes, by pid) and removes its temporary files. */
  close(): Promise<void>;
}

/**
 * The software cannot be installed or started on this machine. Tests turn it
 * into a skip with this message as the reason, or into a failure when
 * `FERRY_REQUIRE_PEERS=1`.
 */
export class ServerUnavailableError extends Error {
  override name = "ServerUnavailableError";
}

/**
 * The name of the test user every launcher logs in as. `FERRY_TEST_USER`
 * names another, so that test runs from two checkouts at once do not reset
 * each other's password (vsftpd logs in system users through PAM).
 */
export const TEST_USER = Deno.env.get("FERRY_TEST_USER") || "ferryinterop";

let passwordOfThisProcess: string | undefined;

/**
 * The test password: made once per process, random, so that a password
 * showing up in an error message or a report is unmistakable.
 */
export function testPassword(): string {
  if (passwordOfThisProcess === undefined) {
    const bytes = crypto.getRandomValues(new Uint8Array(9));
    passwordOfThisProcess = "fi-" +
      Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return passwordOfThisProcess;
}

/** Replaces every occurrence of the test password with `***`. */
export function redactPassword(text: string): string {
  const password = testPassword();
  return text.split(password).join("***");
}

/** Whether this process runs as root (servers that switch users need it). */
export function isRoot(): boolean {
  return Deno.uid() === 0;
}

/** Throws {@linkcode ServerUnavailableError} unless running as root. */
export function requireRoot(what: string): void {
  if (!isRoot()) {
    throw new ServerUnavailableError(
      `${what} must be started as root (it switches to the test user after login); ` +
        `run the matrix as root, as CI does`,
    );
  }
}

/** The absolute path of the repository (this file is tests/_servers/_common.ts). */
export const REPO_ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** Where downloaded packages are unpacked and kept between runs (gitignored). */
export const CACHE_DIR = `${REPO_ROOT}/.ci/work/interop`;

/** Looks a program up on PATH (and in the sbin directories, which root's PATH may lack). */
export function findProgram(name: string): string | undefined {
  const path = Deno.env.get("PATH") ?? "";
  const dirs = [...path.split(":"), "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  for (const dir of dirs) {
    if (dir === "") continue;
    try {
      if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs a short command to completion (bounded) and returns its output. */
export async function run(
  program: string,
  args: string[],
  options: { stdin?: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = new Deno.Command(program, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, timeoutMs);
  try {
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.stdin));
      await writer.close();
    }
    const output = await child.output();
    const decoder = new TextDecoder();
    return {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command and fails with its output unless it exits 0. */
export async function runOk(
  program: string,
  args: string[],
  options: { stdin?: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<string> {
  const result = await run(program, args, options);
  if (result.code !== 0) {
    throw new Error(
      redactPassword(
        `${program} ${args.join(" ")} exited with ${result.code}\n${result.stdout}${result.stderr}`,
      ),
    );
  }
  return result.stdout;
}

/** A free TCP port on 127.0.0.1 (free when asked; the server binds it right after). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * A block of `count` consecutive free ports for passive data connections,
 * below Linux's ephemeral range (32768+) so that the client's own outgoing
 * ports never collide with it.
 */
export function freePortRange(count = 20): { min: number; max: number } {
  // Bounded: 50 random blocks at most.
  for (let attempt = 0; attempt < 50; attempt++) {
    const blocks = Math.floor((32_768 - 20_000 - count) / 20);
    const min = 20_000 + Math.floor(Math.random() * blocks) * 20;
    const listeners: Deno.Listener[] = [];
    try {
      for (let port = min; port < min + count; port++) {
        listeners.push(Deno.listen({ hostname: "127.0.0.1", port }));
      }
      return { min, max: min + count - 1 };
    } catch {
      // One is taken: try another block.
    } finally {
      for (const listener of listeners) listener.close();
    }
  }
  throw new Error("No free block of passive ports found in 50 tries");
}

/** The fastest place for test files: a tmpfs (/dev/shm) when there is one. */
export function tmpfsDir(): string | undefined {
  try {
    const info = Deno.statSync("/dev/shm");
    if (info.isDirectory) {
      const probe = Deno.makeTempDirSync({ dir: "/dev/shm", prefix: "ferry-probe-" });
      Deno.removeSync(probe);
      return "/dev/shm";
    }
  } catch {
    // none, or not writable
  }
  return undefined;
}

/** Makes a temporary directory (mode 0755) on the tmpfs when there is one. */
export async function makeTempDir(prefix: string): Promise<string> {
  const path = await Deno.makeTempDir({ dir: tmpfsDir(), prefix });
  await Deno.chmod(path, 0o755);
  return path;
}

/** The test user's numeric ids. */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const TEST_HOME = TEST_USER === "ferryinterop" ? "/var/lib/ferry-interop" : `/var/lib/${TEST_USER}`;
let userReady: Promise<TestUser> | undefined;

/**
 * Creates the system user the servers log in as (once; idempotent), with an
 * existing home directory (vsftpd refuses a login whose home is missing) and
 * a shell listed in /etc/shells (vsftpd's PAM stack checks it), and sets its
 * password to {@linkcode testPassword}. Needs root.
 */
export function ensureTestUser(): Promise<TestUser> {
  userReady ??= (async () => {
    requireRoot("creating the test user");
    const exists = (await run("getent", ["passwd", TEST_USER])).code === 0;
    if (!exists) {
      const useradd = findProgram("useradd");
      if (!useradd) {
        throw new ServerUnavailableError("useradd is missing: cannot make the test user");
      }
      await runOk(useradd, [
        "--home-dir",
        TEST_HOME,
        "--shell",
        "/bin/sh",
        "--no-create-home",
        "--user-group",
        TEST_USER,
      ]);
    }
    const chpasswd = findProgram("chpasswd");
    if (!chpasswd) throw new ServerUnavailableError("chpasswd is missing: cannot set the password");
    await runOk(chpasswd, [], { stdin: `${TEST_USER}:${testPassword()}\n` });
    const uid = Number((await runOk("id", ["-u", TEST_USER])).trim());
    const gid = Number((await runOk("id", ["-g", TEST_USER])).trim());
    const home = (await runOk("getent", ["passwd", TEST_USER])).trim().split(":")[5] || TEST_HOME;
    await Deno.mkdir(home, { recursive: true });
    await Deno.chown(home, uid, gid);
    return { name: TEST_USER, uid, gid, home };
  })();
  // A failure is not cached: the next caller tries again.
  userReady.catch(() => (userReady = undefined));
  return userReady;
}

/** An SHA-512 crypt hash (`$6$`) of the test password, fast to check (unlike argon2id). */
export async function sha512Crypt(password: string): Promise<string> {
  const openssl = findProgram("openssl");
  if (!openssl) throw new ServerUnavailableError("openssl is missing: cannot hash the password");
  // The password goes through stdin, never through the command line.
  return (await runOk(openssl, ["passwd", "-6", "-stdin"], { stdin: `${password}\n` })).trim();
}

/** A child process with its output captured (the last 64 KiB of each stream). */
export interface Daemon {
  readonly child: Deno.ChildProcess;
  readonly pid: number;
  /** Whether it has exited. */
  readonly exited: boolean;
  /** Its exit status once exited. */
  readonly status: Promise<Deno.CommandStatus>;
  /** What it printed so far, password redacted. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

const OUTPUT_CAP = 64 * 1024;

/** Spawns a long-running server process with stdout and stderr captured. */
export function spawnDaemon(
  program: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Daemon {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      env: options.env,
      cwd: options.cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw new ServerUnavailableError(
      `cannot run ${program}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let captured = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    // Bounded by the process's life: the stream ends when it exits.
    for await (const chunk of stream) {
      captured += decoder.decode(chunk, { stream: true });
      if (captured.length > OUTPUT_CAP) captured = captured.slice(-OUTPUT_CAP);
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]).catch(() => {});
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await drained;
    return s;
  });
  return {
    child,
    pid: child.pid,
    get exited() {
      return exited;
    },
    status,
    output: () => redactPassword(captured),
    async stop() {
      if (exited) {
        await status;
        return;
      }
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), 3_000);
      });
      const outcome = await Promise.race([status, grace]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        try {
          child.kill("SIGKILL");
        } catch {
          // gone in between
        }
        await status;
      }
    },
  };
}

/**
 * Waits until something accepts TCP connections on `port` (bounded: at most
 * `timeoutMs`), failing early with the daemon's output if it exits first.
 */
export async function waitForPort(
  daemon: Daemon,
  port: number,
  what: string,
  timeoutMs = 15_000,
  extraLogs: () => string = () => "",
): Promise<void> {
  const attempts = Math.ceil(timeoutMs / 100);
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (daemon.exited) {
      const status = await daemon.status;
      throw new ServerUnavailableError(
        `${what} exited (code ${status.code}) before listening on port ${port}:\n` +
          `${daemon.output()}${extraLogs()}`.trim(),
      );
    }
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await daemon.stop();
  throw new ServerUnavailableError(
    `${what} did not listen on port ${port} within ${timeoutMs} ms:\n` +
      `${daemon.output()}${extraLogs()}`.trim(),
  );
}

/** Reads a file if it exists (for logs), password redacted. */
export function readLog(path: string): string {
  try {
    return redactPassword(Deno.readTextFileSync(path));
  } catch {
    return "";
  }
}

/** The version of an installed Debian package, or undefined. */
export async function installedVersion(pkg: string): Promise<string | undefined> {
  const dpkgQuery = findProgram("dpkg-query");
  if (!dpkgQuery) return undefined;
  const result = await run(dpkgQuery, ["-W", "-f=${Status}|${Version}", pkg]);
  if (result.code !== 0) return undefined;
  const [status, version] = result.stdout.split("|");
  return status.includes("installed") && !status.includes("not-installed") ? version : undefined;
}

/** Packages unpacked (not installed) into a directory of their own. */
export interface UnpackedPackages {
  /** The directory holding the packages' file trees (`usr/sbin/...`). */
  root: string;
  /** Package name → version. */
  versions: Record<string, string>;
}

/**
 * Fetches Debian packages with `apt-get download` and unpacks them with
 * `dpkg-deb -x` into `.ci/work/interop/<name>/` (kept for the next run),
 * for servers whose packages conflict with vsftpd's and so cannot be
 * installed next to it.
 */
export async function unpackDebs(name: string, packages: string[]): Promise<UnpackedPackages> {
  const dir = `${CACHE_DIR}/${name}`;
  const root = `${dir}/root`;
  const stamp = `${dir}/versions.json`;
  try {
    const versions = JSON.parse(await Deno.readTextFile(stamp)) as Record<string, string>;
    if (packages.every((p) => p in versions)) return { root, versions };
  } catch {
    // not cached yet
  }
  const aptGet = findProgram("apt-get");
  const dpkgDeb = findProgram("dpkg-deb");
  if (!aptGet || !dpkgDeb) {
    throw new ServerUnavailableError(
      `apt-get and dpkg-deb are needed to fetch ${packages.join(", ")} (Debian or Ubuntu only)`,
    );
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const debs = `${dir}/debs`;
  await Deno.mkdir(debs, { recursive: true });
  // _apt cannot write into a folder it does not own; let it, so apt stays sandboxed.
  await Deno.chmod(debs, 0o777).catch(() => {});
  const download = await run(aptGet, ["download", "-q", ...packages], {
    cwd: debs,
    timeoutMs: 180_000,
  });
  if (download.code !== 0) {
    throw new ServerUnavailableError(
      `apt-get download ${packages.join(" ")} failed (run apt-get update first?): ` +
        `${download.stderr.trim().split("\n").slice(-3).join(" / ")}`,
    );
  }
  const versions: Record<string, string> = {};
  for await (const entry of Deno.readDir(debs)) {
    if (!entry.name.endsWith(".deb")) continue;
    const file = `${debs}/${entry.name}`;
    await runOk(dpkgDeb, ["-x", file, root]);
    const pkg = (await runOk(dpkgDeb, ["-f", file, "Package"])).trim();
    versions[pkg] = (await runOk(dpkgDeb, ["-f", file, "Version"])).trim();
  }
  const missing = packages.filter((p) => !(p in versions));
  if (missing.length > 0) {
    throw new ServerUnavailableError(`apt-get download did not fetch ${missing.join(", ")}`);
  }
  await Deno.remove(debs, { recursive: true }).catch(() => {});
  await Deno.writeTextFile(stamp, JSON.stringify(versions, null, 2) + "\n");
  return { root, versions };
}

/** The multiarch library directory of unpacked packages (for LD_LIBRARY_PATH). */
export function libDir(root: string): string {
  const arch = Deno.build.arch === "aarch64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  return `${root}/usr/lib/${arch}`;
}

/** Makes a server's data root on the tmpfs, owned by the test user when there is one. */
export async function makeServerRoot(
  prefix: string,
  owner?: { uid: number; gid: number },
): Promise<{ base: string; root: string }> {
  const base = await makeTempDir(prefix);
  const root = `${base}/root`;
  await Deno.mkdir(root, { mode: 0o755 });
  if (owner) await Deno.chown(root, owner.uid, owner.gid);
  return { base, root };
}

/** Stops daemons and removes a directory, never throwing (used by close()). */
export async function cleanUp(daemons: Daemon[], dir: string | undefined): Promise<void> {
  await Promise.all(daemons.map((d) => d.stop().catch(() => {})));
  if (dir !== undefined) await Deno.remove(dir, { recursive: true }).catch(() => {});
}

/** The public key algorithm of a PEM certificate (servers such as ProFTPD need to know). */
export async function certificateKeyType(certPath: string): Promise<"rsa" | "ec" | "other"> {
  const openssl = findProgram("openssl");
  if (!openssl) throw new ServerUnavailableError("openssl is missing: cannot read certificates");
  const text = await runOk(openssl, ["x509", "-in", certPath, "-noout", "-text"]);
  if (/Public Key Algorithm: rsaEncryption/.test(text)) return "rsa";
  if (/Public Key Algorithm: id-ecPublicKey/.test(text)) return "ec";
  return "other";
}

/** Certificate files a TLS-enabled server is started with. */
export interface ServerTlsFiles {
  /** PEM of the CA that signed the server certificate (clients trust this). */
  caCertPath: string;
  /** PEM of the server certificate. */
  certPath: string;
  /** PEM of its private key. */
  keyPath: string;
  /** Certificate and key in one PEM (pure-ftpd, pyftpdlib). */
  combinedPath: string;
}
