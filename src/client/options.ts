/**
 * Options for {@linkcode FtpClient} and its calls.
 *
 * @module
 */

import type { FtpDebugMessage } from "../transport/control_connection.ts";
import type { SecureMode } from "../protocol/url.ts";

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
 * How bytes are carried: `"binary"` (TYPE I) as they are, or `"ascii"`
 * (TYPE A) with line ends converted between LF locally and CRLF on the wire.
 *
 * @example
 * ```ts
 * import { FtpClient, type TransferType } from "@ferry/ftp";
 *
 * const type: TransferType = "ascii";
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.upload("notes.txt", "one\ntwo\n", { type });
 * ```
 */
export type TransferType = "binary" | "ascii";

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
   * passwords redacted (ftplib's `set_debuglevel(2)`).
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
}

/**
 * Options every call accepts.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.list("/", { signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface CallOptions {
  /**
   * Cancels the call: a queued call is removed from the queue, a running
   * transfer is aborted with ABOR. Either way the call rejects with
   * `FtpAbortError` and the client stays usable.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * Options for listings.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.list("/", { maxBytes: 1024 * 1024 });
 * ```
 */
export interface ListOptions extends CallOptions {
  /**
   * Most bytes this listing may have; more stops it with `FtpLimitError`.
   *
   * @default {the client's `maxListingBytes`}
   */
  maxBytes?: number;
}

/**
 * Options for downloads.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const rest = await client.download("big.iso", { offset: 1024 });
 * await rest.cancel();
 * ```
 */
export interface DownloadOptions extends CallOptions {
  /**
   * Start at this byte (REST), to resume an interrupted download.
   *
   * @default {0}
   */
  offset?: number;
  /**
   * Binary (TYPE I) or ASCII (TYPE A, CRLF becomes LF).
   *
   * @default {"binary"}
   */
  type?: TransferType;
  /**
   * The file's size, when you know it (from a listing or `stat()`): progress
   * events report it as their `total` when the server's 150 reply announces
   * none (Pure-FTPd, pyftpdlib). ferry does not spend a SIZE round trip to
   * find it out.
   *
   * @default {undefined}
   */
  size?: number;
  /**
   * `downloadTo` a local path: continue the `<name>.ferry-part` file an
   * earlier, interrupted attempt left (REST from its size), and keep it if
   * this attempt fails too, so that the next one continues again. Without
   * it, a failed download removes its temporary file.
   *
   * @default {false}
   */
  resume?: boolean;
}

/**
 * Options for uploads.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.upload("log.txt", "one more line\n", { append: true });
 * ```
 */
export interface UploadOptions extends CallOptions {
  /**
   * Append to the remote file (APPE) instead of replacing it (STOR).
   *
   * @default {false}
   */
  append?: boolean;
  /**
   * Write from this byte of the remote file (REST + STOR), to resume an
   * interrupted upload; the source should then start at the same byte.
   *
   * @default {0}
   */
  offset?: number;
  /**
   * Binary (TYPE I) or ASCII (TYPE A, LF becomes CRLF).
   *
   * @default {"binary"}
   */
  type?: TransferType;
}

/**
 * Options for recursive directory calls.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.mkdir("a/b/c", { recursive: true });
 * await client.rmdir("a", { recursive: true });
 * ```
 */
export interface RecursiveOptions extends CallOptions {
  /**
   * `mkdir`: create missing parents. `rmdir`: remove the content first.
   *
   * @default {false}
   */
  recursive?: boolean;
}

/**
 * What a completed transfer moved.
 *
 * @example
 * ```ts
 * import { FtpClient, type TransferResult } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const result: TransferResult = await client.upload("hello.txt", "hello");
 * console.log(result.bytes); // 5
 * ```
 */
export interface TransferResult {
  /** Bytes carried over the data connection. */
  bytes: number;
  /** The server's final reply text, such as `Transfer complete.` */
  reply: string;
}
