/**
 * The options of the embedded FTP server: who may log in, what it offers,
 * its timeouts, faults, and FTPS (explicit and implicit TLS).
 *
 * @module
 */

import type { FtpFaults } from "./faults.ts";

/**
 * The form of LIST output. Only Unix `ls -l` lines exist today; the type
 * leaves room for others (such as `"dos"`).
 *
 * @example
 * ```ts
 * import type { ListFormat } from "@ferry/ftp/testing";
 * const format: ListFormat = "unix";
 * ```
 */
export type ListFormat = "unix";

/**
 * A user who may log in: a password, and optionally an account that ACCT
 * must name after PASS (which then answers 332).
 *
 * @example
 * ```ts
 * import type { FtpTestUser } from "@ferry/ftp/testing";
 * const auditor: FtpTestUser = { password: "s3cret", account: "audit" };
 * ```
 */
export interface FtpTestUser {
  /** The password PASS must carry. */
  password: string;
  /** If set, PASS answers `332` and ACCT must carry this account. */
  account?: string;
}

/**
 * The server's TLS identity for FTPS, and whether clients must present a
 * certificate.
 *
 * @example
 * ```ts
 * import { FtpTestServer, type FtpTestTlsOptions } from "@ferry/ftp/testing";
 *
 * const tls: FtpTestTlsOptions = {
 *   cert: await Deno.readTextFile("./server.pem"), // leaf first, then intermediates
 *   key: await Deno.readTextFile("./server.key"),
 * };
 * await using server = await FtpTestServer.start({ tls });
 * ```
 */
export interface FtpTestTlsOptions {
  /**
   * The server certificate chain, PEM, leaf first. Deno's TLS (rustls)
   * rejects a CA certificate used as the server certificate, so sign a leaf
   * with a test CA rather than presenting the CA itself.
   */
  cert: string;
  /** The private key of the leaf certificate, PEM (PKCS#8, RSA or EC). */
  key: string;
  /**
   * A PEM CA certificate. When set, clients must present a certificate
   * signed by it (valid now, with the clientAuth usage) on the control
   * connection, or its TLS handshake fails and the server hangs up: mutual
   * TLS. Data connections do not ask for one. `Deno.listenTls` cannot ask
   * for client certificates, so the control connection's TLS then runs on
   * Deno's `node:tls` server instead (and does not resume sessions across
   * to the data connections).
   *
   * @default {undefined (no client certificate is asked for)}
   */
  clientCa?: string;
}

/**
 * Options of {@linkcode FtpTestServer.start}.
 *
 * @example
 * ```ts
 * import { FtpTestServer, type FtpTestServerOptions } from "@ferry/ftp/testing";
 *
 * const options: FtpTestServerOptions = {
 *   users: { alice: "wonderland" },
 *   anonymous: false,
 *   disabledCommands: ["EPSV", "MLSD"],
 *   // FTPS: tls: { cert, key }, requireTls: true
 * };
 * await using server = await FtpTestServer.start(options);
 * ```
 */
export interface FtpTestServerOptions {
  /**
   * The directory served as `/`. It must exist. Nothing outside it can be
   * reached through the server, symlinks included.
   *
   * @default {a fresh temporary directory, deleted by close()}
   */
  root?: string;
  /**
   * The address to listen on, such as `"127.0.0.1"` or `"::1"`.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string;
  /**
   * The port to listen on; `0` lets the system choose (read it from
   * {@linkcode FtpTestServer.port}).
   *
   * @default {0}
   */
  port?: number;
  /**
   * Users who may log in, by name: a password, or a password and account.
   *
   * @default {{}}
   */
  users?: Record<string, string | FtpTestUser>;
  /**
   * Whether users `anonymous` and `ftp` may log in with any password.
   *
   * @default {true}
   */
  anonymous?: boolean;
  /**
   * The text of the 220 greeting; `\n` makes it a multi-line reply.
   *
   * @default {"ferry test server ready"}
   */
  greeting?: string;
  /**
   * Commands to switch off: they answer `502` and vanish from FEAT and
   * HELP. `"UTF8"` and `"TVFS"` name those FEAT entries; disabling MLSD or
   * MLST removes the MLST feature, disabling REST removes `REST STREAM`.
   *
   * @default {[]}
   */
  disabledCommands?: string[];
  /**
   * Offer checksums computed on the server: HASH (draft-bryan-ftpext-hash,
   * with OPTS HASH choosing SHA-256, SHA-512, SHA-1, MD5 or CRC32) and
   * XSHA256, XSHA512, XSHA1, XMD5 and XCRC, as ProFTPD's mod_digest does,
   * each listed in FEAT. `disabledCommands` can take single ones away.
   * Off, they answer `502` like disabled commands.
   *
   * @default {false}
   */
  hashCommands?: boolean;
  /**
   * The form of LIST (and STAT path) lines.
   *
   * @default {"unix"}
   */
  listFormat?: ListFormat;
  /**
   * Leave names that start with a dot out of LIST and NLST unless the
   * command asks for them with an `ls` option holding `a` (`LIST -a dir`,
   * which then also lists `.` and `..`), as vsftpd and ProFTPD do. MLSD,
   * MLST and STAT are not affected.
   *
   * @default {false}
   */
  hideDotFiles?: boolean;
  /**
   * Whether LIST and NLST read `ls` options (`-a`, `-la`) before the path.
   * `false` takes the whole argument as the path, as pyftpdlib does with
   * `LIST -a dir`: it answers 550, or lists a file named `-a dir` if there
   * is one.
   *
   * @default {true}
   */
  listOptions?: boolean;
  /**
   * The faults in force from the start (copied into
   * {@linkcode FtpTestServer.faults}).
   *
   * @default {{}}
   */
  faults?: FtpFaults;
  /**
   * How long a logged-in or not control connection may stay silent before
   * the server answers `421` and closes it. Transfers do not count as idle.
   *
   * @default {300000}
   */
  idleTimeoutMs?: number;
  /**
   * How long the server waits for a data connection to be made (passive
   * or active) and, during a transfer, for the next byte to move.
   *
   * @default {30000}
   */
  dataTimeoutMs?: number;
  /**
   * A certificate and key: the server then speaks FTPS (RFC 4217). With
   * `implicitTls` off (explicit FTPS), `AUTH TLS` turns the control
   * connection into TLS, `PBSZ 0` and `PROT P` put data connections under
   * TLS too, and FEAT lists `AUTH TLS`, `PBSZ` and `PROT`. Without `tls`,
   * AUTH, PBSZ, PROT and CCC answer `502`.
   *
   * @default {undefined (plain FTP only)}
   */
  tls?: FtpTestTlsOptions;
  /**
   * Implicit FTPS (`ftps://`): TLS from the first byte of every control
   * connection, before the 220 greeting. AUTH TLS then answers `503`.
   * Needs `tls`.
   *
   * @default {false}
   */
  implicitTls?: boolean;
  /**
   * Refuse USER, PASS and ACCT in plain text (`530`), transfers and
   * listings over unprotected data connections (`521`), `PROT C`
   * (`534`) and `CCC` (`534`, as ProFTPD under `TLSRequired on`; without
   * `requireTls` CCC is accepted and the control connection goes on in
   * plain text). Needs `tls`.
   *
   * @default {false}
   */
  requireTls?: boolean;
  /**
   * Refuse a PROT P data connection whose TLS handshake does not resume a
   * TLS session, the way vsftpd does by default (`require_ssl_reuse=YES`):
   * after the 150, the data connection is closed and the reply is
   * `522 SSL connection failed: session reuse required`. On TLS 1.3 a
   * client offering a session ticket passes even when the server declines
   * it, because Deno's TLS (rustls) takes each ticket only once while
   * clients such as lftp offer the control connection's ticket for every
   * transfer.
   * curl, lftp and Deno's `node:tls` (given the control connection's
   * `session`, on TLS 1.3) resume the control connection's session;
   * `Deno.startTls` and Python's ftplib do not, and are refused, as vsftpd
   * refuses them. Needs `tls`, and cannot be met together with
   * `tls.clientCa`.
   *
   * @default {false}
   */
  requireSessionReuse?: boolean;
}

/**
 * One TCP connection of the embedded server, as
 * {@linkcode FtpTestServer.connections} lists it: which session it belongs
 * to, what it carries, and both of its ends, so that a test can see where a
 * client connected from.
 *
 * @example Check that a client connected from 127.0.0.2
 * ```ts
 * import { FtpTestServer, type FtpTestConnection } from "@ferry/ftp/testing";
 *
 * await using server = await FtpTestServer.start();
 * // ... a client connects and lists a directory ...
 * const fromElsewhere = (c: FtpTestConnection) => c.client.hostname !== "127.0.0.2";
 * console.log(server.connections.some(fromElsewhere)); // false, if it did
 * ```
 */
export interface FtpTestConnection {
  /** The session (control connection) it belongs to, numbered from 1 as in `FaultCommand`. */
  session: number;
  /** `"control"`, or `"data"` for a data connection. */
  kind: "control" | "data";
  /**
   * For a data connection: `"passive"` (the client connected to the
   * server, after PASV or EPSV) or `"active"` (the server connected to the
   * client, after PORT or EPRT).
   */
  mode?: "passive" | "active";
  /** The client's end: its address and port. */
  client: { hostname: string; port: number };
  /** The server's end: its address and port. */
  server: { hostname: string; port: number };
}
