/**
 * ProFTPD on 127.0.0.1 for interop tests, with optional TLS (`mod_tls`:
 * AUTH TLS on the main port, implicit TLS on a second port).
 *
 * Debian's `proftpd-core` conflicts with `vsftpd` as a package, so it is
 * never installed: `apt-get download` fetches it, `proftpd-mod-crypto`
 * (which holds `mod_tls.so`) and the libraries it needs that Debian does not
 * always have, and `dpkg-deb -x` unpacks them into
 * `.ci/work/interop/proftpd/` (kept between runs). The test user comes from
 * an `AuthUserFile` whose home is the server's root (chrooted there), with a
 * SHA-512 crypt hash.
 *
 * @example
 * ```ts
 * import { startProftpd } from "./proftpd.ts";
 *
 * await using server = await startProftpd({});
 * console.log(`ftp://${server.user}@${server.host}:${server.port}/`);
 * ```
 *
 * @module
 */

import {
  certificateKeyType,
  cleanUp,
  type Daemon,
  ensureTestUser,
  freePort,
  freePortRange,
  libDir,
  makeServerRoot,
  readLog,
  requireRoot,
  run,
  type ServerHandle,
  type ServerTlsFiles,
  sha512Crypt,
  spawnDaemon,
  testPassword,
  unpackDebs,
  waitForPort,
} from "./_common.ts";

/** How to start ProFTPD. */
export interface ProftpdStartOptions {
  /** Certificate files: turns `mod_tls` on (TLS offered, plain text still allowed). */
  tls?: ServerTlsFiles;
  /** Also listen for implicit TLS (`TLSOptions UseImplicitSSL`) on `implicitPort`. @default {false} */
  implicit?: boolean;
  /**
   * `TLSOptions NoSessionReuseRequired`: let data connections start fresh TLS
   * sessions. ProFTPD's default (false) requires them to resume the control
   * connection's session.
   * @default {false}
   */
  noSessionReuseRequired?: boolean;
  /** `TLSProtocol`. @default {"TLSv1.2 TLSv1.3"} */
  tlsProtocols?: string;
  /**
   * Load `mod_digest` (shipped in proftpd-core, not loaded by default): the
   * HASH command (draft-bryan-ftpext-hash) and XCRC, XMD5, XSHA1, XSHA256,
   * XSHA512, which answer with a file's checksum computed on the server.
   * @default {false}
   */
  digest?: boolean;
  /**
   * How many passive ports to offer. Several clients at once moving
   * hundreds of files need more than the default: each closed data
   * connection holds its port for a while (TIME_WAIT).
   * @default {20}
   */
  passivePorts?: number;
  /**
   * `TLSVerifyClient on`: ask for a client certificate signed by this CA
   * (PEM file) and refuse a login without one.
   * @default {undefined (no client certificate asked)}
   */
  clientCaPath?: string;
}

/** The packages fetched: the server, its TLS module, and libraries proftpd-core links. */
export const PROFTPD_PACKAGES = [
  "proftpd-core",
  "proftpd-mod-crypto",
  "libhiredis0.14",
  "libmemcached11",
  "libmemcachedutil2",
  "libhashkit2",
  "libpcre2-posix3",
];

function tlsDirectives(
  tls: ServerTlsFiles,
  keyType: "RSA" | "EC",
  options: ProftpdStartOptions,
  base: string,
  implicit: boolean,
): string[] {
  const tlsOptions: string[] = [];
  if (options.noSessionReuseRequired) tlsOptions.push("NoSessionReuseRequired");
  if (implicit) tlsOptions.push("UseImplicitSSL");
  return [
    "  TLSEngine on",
    `  TLSLog ${base}/tls.log`,
    `  TLSProtocol ${options.tlsProtocols ?? "TLSv1.2 TLSv1.3"}`,
    `  TLS${keyType}CertificateFile ${tls.certPath}`,
    `  TLS${keyType}CertificateKeyFile ${tls.keyPath}`,
    ...(options.clientCaPath
      ? ["  TLSVerifyClient on", `  TLSCACertificateFile ${options.clientCaPath}`]
      : ["  TLSVerifyClient off"]),
    "  TLSRequired off",
    "  TLSRenegotiate none",
    ...(tlsOptions.length > 0 ? [`  TLSOptions ${tlsOptions.join(" ")}`] : []),
  ];
}

/** Starts ProFTPD (as root: it switches users after login). */
export async function startProftpd(options: ProftpdStartOptions = {}): Promise<ServerHandle> {
  requireRoot("proftpd");
  const { root: pkg, versions } = await unpackDebs("proftpd", PROFTPD_PACKAGES);
  const user = await ensureTestUser();
  const { base, root } = await makeServerRoot("ferry-interop-proftpd-", user);
  const daemons: Daemon[] = [];
  const logs = () =>
    [
      ...daemons.map((d) => d.output()),
      readLog(`${base}/proftpd.log`),
      readLog(`${base}/tls.log`),
    ].filter((s) => s !== "").join("\n");
  try {
    const hash = await sha512Crypt(testPassword());
    await Deno.writeTextFile(
      `${base}/passwd`,
      `${user.name}:${hash}:${user.uid}:${user.gid}::${root}:/bin/sh\n`,
      { mode: 0o600 },
    );
    await Deno.writeTextFile(`${base}/group`, `${user.name}:x:${user.gid}:${user.name}\n`, {
      mode: 0o600,
    });
    const nobody = (await run("getent", ["passwd", "nobody"])).code === 0;
    const nogroup = (await run("getent", ["group", "nogroup"])).code === 0;
    const port = freePort();
    const implicitPort = options.tls && options.implicit ? freePort() : undefined;
    const pasv = freePortRange(options.passivePorts);
    const lines = [
      "ServerType standalone",
      "DefaultServer on",
      'ServerName "ferry interop"',
      `Port ${port}`,
      "DefaultAddress 127.0.0.1",
      "SocketBindTight on",
      "UseIPv6 off",
      nobody ? "User nobody" : `User ${user.name}`,
      nogroup ? "Group nogroup" : `Group ${user.name}`,
      `ScoreboardFile ${base}/scoreboard`,
      `PidFile ${base}/proftpd.pid`,
      `SystemLog ${base}/proftpd.log`,
      "WtmpLog off",
      "DelayTable none",
      "UseReverseDNS off",
      "MaxInstances 50",
      `ModulePath ${pkg}/usr/lib/proftpd`,
      "<IfModule !mod_tls.c>",
      "  LoadModule mod_tls.c",
      "</IfModule>",
      ...(options.digest
        ? ["<IfModule !mod_digest.c>", "  LoadModule mod_digest.c", "</IfModule>"]
        : []),
      "<Global>",
      "  AuthOrder mod_auth_file.c",
      `  AuthUserFile ${base}/passwd`,
      `  AuthGroupFile ${base}/group`,
      "  RequireValidShell off",
      "  DefaultRoot ~",
      "  Umask 022",
      "  AllowOverwrite on",
      "  AllowStoreRestart on",
      "  AllowRetrieveRestart on",
      `  PassivePorts ${pasv.min} ${pasv.max}`,
      "  <Limit LOGIN>",
      "    AllowAll",
      "  </Limit>",
      "</Global>",
    ];
    // ProFTPD names the key type in the directive (TLSRSACertificateFile, TLSECCertificateFile).
    const keyType = options.tls && (await certificateKeyType(options.tls.certPath)) === "ec"
      ? "EC"
      : "RSA";
    if (options.tls) {
      lines.push(
        "<IfModule mod_tls.c>",
        ...tlsDirectives(options.tls, keyType, options, base, false),
        "</IfModule>",
      );
    }
    if (options.tls && implicitPort !== undefined) {
      lines.push(
        "<VirtualHost 127.0.0.1>",
        `  Port ${implicitPort}`,
        '  ServerName "ferry interop (implicit TLS)"',
        ...tlsDirectives(options.tls, keyType, options, base, true),
        "</VirtualHost>",
      );
    }
    const conf = `${base}/proftpd.conf`;
    await Deno.writeTextFile(conf, lines.join("\n") + "\n", { mode: 0o600 });
    const daemon = spawnDaemon(
      `${pkg}/usr/sbin/proftpd`,
      ["--nodaemon", "--config", conf],
      { env: { LD_LIBRARY_PATH: libDir(pkg) } },
    );
    daemons.push(daemon);
    await waitForPort(daemon, port, "proftpd", 15_000, logs);
    if (implicitPort !== undefined) {
      await waitForPort(daemon, implicitPort, "proftpd (implicit TLS)", 15_000, logs);
    }
    const version = `ProFTPD ${versions["proftpd-core"]} (mod_tls from proftpd-mod-crypto)`;
    const close = () => cleanUp(daemons, base);
    return {
      host: "127.0.0.1",
      port,
      implicitPort,
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
