/**
 * Options for {@linkcode FtpClient} itself: the server, login, TLS
 * ({@linkcode FtpTlsOptions}), timeouts and behaviour, given when it is made.
 *
 * @module
 */

import type { FtpDebugMessage } from "../transport/control_connection.ts";
import type { SecureMode } from "../protocol/url.ts";
import type { RateLimiter } from "./rate_limit.ts";

/**
 * Who initiates the data connection: the client (`"passive"`, EPSV/PASV) or
 * the server (`"active"`, EPRT/PORT).
 *
 * @example
 * ```ts
 * import { FtpClient, type TransferMode } from "@ferry/ftp";
 *
 * const mode: TransferMode = "active";
 * await using client = await FtpClient.connect({ port: 2121, transferMode: mode });
 * ```
 */
export type TransferMode = "passive" | "active";

/**
 * TLS settings for FTPS.
 *
 * @example
 * ```ts
 * import { FtpClient, type FtpTlsOptions } from "@ferry/ftp";
 *
 * const tls: FtpTlsOptions = { caCerts: [await Deno.readTextFile("./ca.pem")] };
 * await using client = await FtpClient.connect("ftpes://bob:pw@ftp.example.com", { tls });
 * ```
 * @example TLS 1.3 only, and the control connection clear after login (CCC)
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftpes://bob:pw@ftp.example.com", {
 *   tls: { minVersion: "TLSv1.3", clearControl: true },
 * });
 * ```
 */
export interface FtpTlsOptions {
  /**
   * PEM certificates of extra certificate authorities to trust, on top of
   * the system's roots.
   *
   * @default {[]}
   */
  caCerts?: string[];
  /**
   * Verify the server's certificate and host name. Turning this off accepts
   * any certificate, including an attacker's; ferry warns when it is off.
   *
   * @default {true}
   */
  verify?: boolean;
  /**
   * The name to verify the certificate against and to send as SNI.
   *
   * @default {the host connected to}
   */
  serverName?: string;
  /**
   * A client certificate and key (PEM), for servers that require mutual TLS.
   * Presented through Node's TLS (Deno's `startTls` cannot send one). Deno
   * 2.9 cannot resume a TLS session on a connection that presents one, so a
   * server that also requires TLS session reuse refuses the data
   * connections: ferry then fails with an `FtpTlsError` (`session-reuse`)
   * that says so.
   *
   * @default {undefined}
   */
  clientCertificate?: { cert: string; key: string };
  /**
   * Whether data connections resume the control connection's TLS session,
   * which servers such as vsftpd (`require_ssl_reuse=YES`, its default),
   * FileZilla Server and ProFTPD require. `"auto"` uses Deno's native TLS
   * unless the server turns out to require reuse: the first connection of
   * the process to a server finds out at login, and it and every later
   * connection to that server then use Node's TLS, which resumes sessions
   * (in a worker per control connection); `"always"` resumes from the
   * start; `"never"` does not, and a refusal is an `FtpTlsError`.
   *
   * @default {"auto"}
   */
  sessionReuse?: "auto" | "always" | "never";
  /**
   * Data connection protection: `"private"` (PROT P, encrypted) or `"clear"`
   * (PROT C, ftplib's `prot_c`: only the control connection is encrypted).
   *
   * @default {"private"}
   */
  dataProtection?: "private" | "clear";
  /**
   * The oldest TLS version to accept, `"TLSv1.2"` or `"TLSv1.3"` (ftplib's
   * `ssl_version`, or an `ssl.SSLContext`'s `minimum_version`). Both of
   * ferry's TLS engines run on rustls, which speaks only TLS 1.2 and 1.3, so
   * older versions cannot be asked for and `"TLSv1.2"` changes nothing.
   * `"TLSv1.3"` refuses a server without TLS 1.3 (an `FtpTlsError`,
   * `handshake`, that names this bound) and selects Node's TLS: Deno's own
   * TLS (`Deno.connectTls`, `Deno.startTls`) takes no version bounds in
   * Deno 2.9. Node's TLS costs a worker per control connection (about a
   * tenth of a second more to connect; see the README's FTPS section). It
   * also makes every data connection's TLS 1.3, whose session tickets
   * rustls spends once each, where ferry otherwise prefers TLS 1.2 there.
   *
   * @default {"TLSv1.2"}
   */
  minVersion?: "TLSv1.2" | "TLSv1.3";
  /**
   * The newest TLS version to offer, `"TLSv1.2"` or `"TLSv1.3"`. `"TLSv1.3"`
   * changes nothing; `"TLSv1.2"` keeps a server from negotiating TLS 1.3
   * (refusing one that speaks only TLS 1.3) and selects Node's TLS, as
   * `minVersion: "TLSv1.3"` does. Must not be older than `minVersion`.
   *
   * @default {"TLSv1.3"}
   */
  maxVersion?: "TLSv1.2" | "TLSv1.3";
  /**
   * Clear the control connection after login: CCC (RFC 4217 section 6;
   * curl's `--ftp-ssl-ccc`, lftp's `ftp:ssl-use-ccc`). USER, PASS, PBSZ and
   * PROT travel encrypted; after CCC's `200` the TLS layer is closed
   * (close_notify both ways) and later commands and replies go in plain
   * text on the same TCP connection, so that a NAT or firewall between
   * client and server can read PORT and PASV. Data connections keep their
   * protection (PROT P). Every session of the client does it, reconnections
   * included; `ccc()` does it on request instead. Only with explicit FTPS
   * (`secure: "explicit"`), and it selects Node's TLS: Deno's own TLS cannot
   * end TLS and hand back the TCP connection under it. A server that
   * refuses CCC (vsftpd, Pure-FTPd) fails the login with an `FtpTlsError`
   * (`ccc-refused`), and the connection is closed.
   *
   * @default {false}
   */
  clearControl?: boolean;
}

/**
 * Everything {@linkcode FtpClient} can be configured with. Every field is
 * optional; a URL given to `FtpClient.connect` fills in host, port, user,
 * password and path.
 *
 * @example
 * ```ts
 * import { FtpClient, type FtpClientOptions } from "@ferry/ftp";
 *
 * const options: FtpClientOptions = {
 *   host: "127.0.0.1",
 *   port: 2121,
 *   user: "alice",
 *   password: Deno.env.get("FTP_PASSWORD"),
 *   replyTimeout: 10_000,
 * };
 * await using client = await FtpClient.connect(options);
 * ```
 */
export interface FtpClientOptions {
  /**
   * Server host name or IP address (IPv6 without brackets).
   *
   * @default {"127.0.0.1"}
   */
  host?: string;
  /**
   * Server port.
   *
   * @default {21, or 990 for implicit TLS}
   */
  port?: number;
  /**
   * FTPS: `"explicit"` (AUTH TLS, as `ftpes://`), `"implicit"` (as
   * `ftps://`), or `"none"`. When TLS is asked for and the server refuses
   * it, the connection fails: ferry never falls back to plain text.
   *
   * @default {"none", or what the URL's scheme says}
   */
  secure?: SecureMode;
  /**
   * TLS settings, used when `secure` is not `"none"`.
   *
   * @default {{}}
   */
  tls?: FtpTlsOptions;
  /**
   * User name. As in ftplib, the default logs in anonymously.
   *
   * @default {"anonymous"}
   */
  user?: string;
  /**
   * Password. Never logged: it appears as `***` in debug output and errors.
   *
   * @default {"anonymous@" for anonymous users, "" otherwise}
   */
  password?: string;
  /**
   * Account information, sent with ACCT when the server asks for it (332).
   *
   * @default {undefined}
   */
  account?: string;
  /**
   * Directory to change into after logging in.
   *
   * @default {undefined}
   */
  path?: string;
  /**
   * Whether `connect()` also logs in. `false` stops after the greeting (and
   * AUTH TLS), as QFtp's `connectToHost()` and ftplib's `FTP(host)` do, so
   * that you call `login(user, password)` yourself; `path` then applies
   * after that login.
   *
   * @default {true}
   */
  login?: boolean;
  /**
   * Data connection mode.
   *
   * @default {"passive"}
   */
  transferMode?: TransferMode;
  /**
   * The local address to connect from (ftplib's `source_address`, without
   * its port): an IP address of this machine, such as `"192.0.2.7"` or
   * `"::1"` (IPv6 without brackets), of the server's address family. The
   * control connection and passive data connections are made from it, and
   * active-mode data connections are awaited on it (the address EPRT and
   * PORT announce). The system chooses the port. Deno's `Deno.connect`
   * cannot bind a local address, so these connections go through
   * `node:net`, and FTPS through Node's TLS (in a worker per control
   * connection, as for servers that require TLS session reuse). Deno asks
   * for net access to the address (`--allow-net=192.0.2.7`; the CLI's
   * `ferry permissions` prints it). An address that is not this machine's,
   * or of the other family, fails with `FtpConnectionError`
   * (`local-address`); one that is not an IP address, with `FtpInputError`
   * before anything is sent.
   *
   * @default {undefined (the system chooses, by its routing table)}
   */
  localAddress?: string;
  /**
   * Use the host named in a PASV (227) reply. By default ferry connects to the
   * control connection's peer instead, as ftplib does: a hostile or
   * misconfigured server cannot point the client at another machine.
   *
   * @default {false}
   */
  trustPasvHost?: boolean;
  /**
   * Send commands that do not depend on each other's replies together, so
   * that they share a round trip (pipelining): FEAT and TYPE with the
   * login, the exact times of many files at once, the next transfer's EPSV
   * with the end of the last one. Commands that depend on a reply (a
   * transfer command before its data connection is set up, RNTO before
   * RNFR's 350) are never sent early. A server that answers commands sent
   * together out of step, or drops one, fails that operation once with an
   * error saying so, and gets one command at a time from then on, for the
   * rest of the process (the login does this by itself, on a new
   * connection); `false` sends one command at a time from the start, and
   * also keeps a small upload's data until its 150. A refusal among
   * commands sent together (a wrong password, a 421) is reported as that
   * refusal and is no reason to stop pipelining.
   *
   * @default {true}
   */
  pipelining?: boolean;
  /**
   * Milliseconds allowed to open a connection. For the control connection
   * this covers, together and counted from the start, the TCP connection,
   * the TLS handshake of implicit TLS and the server's greeting (a host that
   * accepts the connection but never greets fails after this long, with
   * `FtpTimeoutError` phase `greeting`). It also bounds the TLS handshake
   * after AUTH TLS, and opening each data connection (phase
   * `data-connection`; in active mode, waiting for the server to connect).
   *
   * @default {15000}
   */
  connectTimeout?: number;
  /**
   * Milliseconds allowed for each reply on the control connection, from when
   * it is awaited to its last line (1xx chatter and slowly trickling bytes
   * included). The greeting is bounded by this too when it ends sooner than
   * `connectTimeout`. After a transfer timed out, ABOR's replies get only a
   * tenth of it (between 250 ms and 1 s) before the connection is closed.
   *
   * @default {30000}
   */
  replyTimeout?: number;
  /**
   * Milliseconds a data connection may stall (no byte moving while ferry waits
   * on it). A slow consumer of a download stream does not count.
   *
   * @default {30000}
   */
  dataTimeout?: number;
  /**
   * Receives every line sent and received on the control connection, with
   * passwords redacted (ftplib's `set_debuglevel(2)`). It must not throw: a
   * throw on a received line closes the connection, and the call that was
   * waiting fails with an `FtpConnectionError` whose `cause` is the error.
   *
   * @default {undefined}
   */
  debug?: (message: FtpDebugMessage) => void;
  /**
   * Longest reply line accepted, in bytes; longer is a protocol error.
   *
   * @default {65536}
   */
  maxReplyLineBytes?: number;
  /**
   * Most bytes accepted for one (multi-line) reply.
   *
   * @default {1048576}
   */
  maxReplyBytes?: number;
  /**
   * When a queued command fails, cancel the commands queued after it, as QFtp
   * does: a failed `cd` must not let the `upload` queued behind it write into
   * the wrong directory. The cancelled calls reject with `FtpAbortError`.
   * Only what was queued when the error happened is cancelled: a call made
   * in the failed call's `catch` (or later) runs.
   *
   * @default {true}
   */
  cancelPendingOnError?: boolean;
  /**
   * Encoding of file names on the wire: any `TextDecoder` label, such as
   * `"latin1"`, `"windows-1252"`, `"gbk"` or `"shift_jis"`, for servers that
   * do not use UTF-8. Applies to names sent in commands and to names read
   * from replies and listings. A name the encoding cannot represent is
   * refused with `FtpInputError` before anything is sent.
   *
   * @default {"utf-8"}
   */
  encoding?: string;
  /**
   * Most bytes one directory listing may have. A longer listing is stopped
   * with ABOR and fails with `FtpLimitError`; `listStream` reads any size in
   * constant memory, so raise this for it when listing enormous directories.
   *
   * @default {268435456}
   */
  maxListingBytes?: number;
  /**
   * List names that start with a dot (`.htaccess`) too. MLSD lists them;
   * servers that hide them from a plain LIST (vsftpd, ProFTPD, Pure-FTPd)
   * are asked with `LIST -a`. Whether a server takes `-a` is found out on
   * the session's first LIST, safely: a server that would read `-a` as a
   * file name is not misread, and one that cannot be asked gets one
   * `warning`. `false` sends plain LIST, as the server shows it.
   *
   * @default {true}
   */
  listHidden?: boolean;
  /**
   * An FTP proxy (QFtp's `setProxy`): ferry connects to the proxy and logs in
   * as `user@host:port` of the real server.
   *
   * @default {undefined}
   */
  proxy?: { host: string; port?: number };
  /**
   * A bandwidth limit for every data connection of this client, in bytes
   * per second, shared by all of its transfers (downloads, uploads and
   * listings, in both directions together); a {@linkcode RateLimiter} is
   * shared with whoever else holds it (other clients, say). Payload bytes
   * are counted: TLS and TCP overhead are not. A call's own `rateLimit`
   * applies on top. See the README's "Bandwidth limits" for how exact it is.
   *
   * @default {undefined}
   */
  rateLimit?: number | RateLimiter;
}
