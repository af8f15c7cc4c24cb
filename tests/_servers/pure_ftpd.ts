/**
 * Pure-FTPd on 127.0.0.1 for interop tests, with optional TLS (AUTH TLS).
 *
 * Debian's `pure-ftpd` conflicts with `vsftpd` as a package, so it is never
 * installed: `apt-get download` fetches it and `dpkg-deb -x` unpacks it into
 * `.ci/work/interop/pure-ftpd/` (kept between runs). The test user is a
 * virtual user of a PureDB file whose password hash is SHA-512 crypt:
 * `pure-pw`'s default, argon2id, makes every login take seconds.
 *
 * @example
 * ```ts
 * import { startPureFtpd } from "./pure_ftpd.ts";
 *
 * await using server = await startPureFtpd({});
 * console.log(`ftp://${server.user}@${server.host}:${server.port}/`);
 * ```
 *
 * @module
 */

import {
  cleanUp,
  type Daemon,
  ensureTestUser,
  freePort,
  freePortRange,
  libDir,
  makeServerRoot,
  requireRoot,
  runOk,
  type ServerHandle,
  type ServerTlsFiles,
  sha512Crypt,
  spawnDaemon,
  testPassword,
  unpackDebs,
  waitForPort,
} from "./_common.ts";

/** How to start Pure-FTPd. */
export interface PureFtpdStartOptions {
  /** Certificate files: turns AUTH TLS on (`-Y 1`: TLS offered, plain text still allowed). */
  tls?: ServerTlsFiles;
  /** Most KiB/s per transfer, up and down (`--userbandwidth`), to make transfers last. */
  bandwidthKiBps?: number;
}

/** The packages fetched (pure-ftpd only needs libraries Debian always has). */
export const PURE_FTPD_PACKAGES = ["pure-ftpd"];

/**
 * Starts Pure-FTPd (as root: it switches to the test user's uid after
 * login). It has no implicit TLS in Debian's build, so `implicitPort` is
 * never set.
 */
export async function startPureFtpd(options: PureFtpdStartOptions = {}): Promise<ServerHandle> {
  requireRoot("pure-ftpd");
  const { root: pkg, versions } = await unpackDebs("pure-ftpd", PURE_FTPD_PACKAGES);
  const user = await ensureTestUser();
  const { base, root } = await makeServerRoot("ferry-interop-pure-ftpd-", user);
  const daemons: Daemon[] = [];
  const logs = () => daemons.map((d) => d.output()).join("\n");
  try {
    const env = { LD_LIBRARY_PATH: libDir(pkg) };
    // A virtual user whose home is the root; "/./" chroots it there.
    const hash = await sha512Crypt(testPassword());
    const passwd = `${base}/pureftpd.passwd`;
    await Deno.writeTextFile(
      passwd,
      `${user.name}:${hash}:${user.uid}:${user.gid}::${root}/./::::::::::::\n`,
      { mode: 0o600 },
    );
    const pdb = `${base}/pureftpd.pdb`;
    await runOk(`${pkg}/usr/bin/pure-pw`, ["mkdb", pdb, "-f", passwd], { env });
    const port = freePort();
    const pasv = freePortRange();
    const args = [
      "--bind",
      `127.0.0.1,${port}`,
      "--login",
      `puredb:${pdb}`,
      "--noanonymous",
      "--dontresolve",
      "--ipv4only",
      "--passiveportrange",
      `${pasv.min}:${pasv.max}`,
      // Listings are cut at 10,000 entries unless this is raised.
      "--limitrecursion",
      "100000:16",
      "--umask",
      "133:022",
      "--minuid",
      "1",
      "--maxclientsperip",
      "50",
      "--verboselog",
    ];
    if (options.tls) {
      args.push("--tls", "1", "--certfile", options.tls.combinedPath);
    }
    if (options.bandwidthKiBps !== undefined) {
      const rate = String(options.bandwidthKiBps);
      args.push("--userbandwidth", `${rate}:${rate}`);
    }
    const daemon = spawnDaemon(`${pkg}/usr/sbin/pure-ftpd`, args, { env });
    daemons.push(daemon);
    await waitForPort(daemon, port, "pure-ftpd", 15_000);
    const version = `Pure-FTPd ${versions["pure-ftpd"]}`;
    const close = () => cleanUp(daemons, base);
    return {
      host: "127.0.0.1",
      port,
      user: user.name,
      password: testPassword(),
      root,
      version,
      logs,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await cleanUp(daemons, base);
    throw error;
  }
}
