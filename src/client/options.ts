/**
 * Options for {@linkcode FtpClient} and its calls.
 *
 * @module
 */

import type { FtpDebugMessage } from "../transport/control_connection.ts";
import type { SecureMode } from "../protocol/url.ts";
import type { RateLimiter } from "./rate_limit.ts";
import type { FtpClient } from "./ftp_client.ts";

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
 * How far a transfer has come, as each call's `onProgress` receives it:
 * counted in bytes of the file, so a resumed transfer starts at the byte it
 * continues from. (The client-wide `progress` event counts the bytes each
 * command moved over its data connection instead.)
 *
 * @example
 * ```ts
 * import { FtpClient, type TransferProgress } from "@ferry/ftp";
 *
 * const show = (p: TransferProgress) =>
 *   console.log(`${p.bytes} of ${p.total ?? "?"} bytes (from ${p.offset})`);
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.downloadTo("big.iso", "./big.iso", { resume: true, onProgress: show });
 * ```
 */
export interface TransferProgress {
  /** Bytes of the file in place: `offset` plus the bytes this transfer has moved. */
  bytes: number;
  /**
   * The byte the transfer started from: 0, or where it resumed. A
   * `downloadTo` whose partial file failed `resumeCheck` starts again from
   * 0, and says so with a call whose `offset` and `bytes` are 0.
   */
  offset: number;
  /** The file's whole size, when known (`size`, the server's 150 reply, a local source). */
  total?: number;
}

/**
 * Options for downloads. `download()` (a stream) takes `offset`, `type`,
 * `size`, `onProgress` and the signal; `downloadTo()` a local path takes
 * all of them: it writes `<name>.ferry-part` beside the destination and
 * renames it into place only when the download is whole (of `size` bytes,
 * when given), so the final path never holds a partial file.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const rest = await client.download("big.iso", { offset: 1024 });
 * await rest.cancel();
 * const listed = (await client.list()).find((e) => e.name === "big.iso")!;
 * await client.downloadTo("big.iso", "./big.iso", {
 *   size: listed.size, // checked before the rename
 *   mtime: listed.modified, // given to the local file
 *   resume: true, // continue the .ferry-part of an earlier attempt...
 *   resumeCheck: 64 * 1024, // ...if it ends with the server's bytes there
 * });
 * ```
 */
export interface DownloadOptions extends CallOptions {
  /**
   * Start at this byte (REST), to resume an interrupted download. With
   * `downloadTo` a local path, that file itself is continued in place from
   * this byte (no temporary): see `resume` for the safe way.
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
   * The file's size, when you know it (from a listing or `stat()`). Progress
   * reports it as the total when the server's 150 reply announces none
   * (Pure-FTPd, pyftpdlib). `downloadTo` a local path, in binary, also
   * checks it: a download that ends short of it (a data connection cut,
   * and a 226 all the same) fails with `FtpSizeMismatchError` and nothing
   * is renamed into place. A file that grew since you learned its size
   * passes: the server sent it whole. ferry does not spend a SIZE round
   * trip to find the size out.
   *
   * @default {undefined}
   */
  size?: number;
  /**
   * `downloadTo` a local path: continue the `<name>.ferry-part` file an
   * earlier, interrupted attempt left (REST from its size, where the
   * server's FEAT offers REST; otherwise from byte 0), and keep it if this
   * attempt fails too, so that the next one continues again. A partial file
   * that is not shorter than `size` starts over. Without `resume`, a failed
   * download removes its temporary file.
   *
   * @default {false}
   */
  resume?: boolean;
  /**
   * With `resume`: how many bytes at the end of the partial file to fetch
   * again and compare with the server's bytes at that place before
   * continuing (they are the resumed transfer's first bytes: no extra
   * command). A partial file that differs (the server's file was replaced,
   * or a log rotated) is started over from byte 0, with a `warning` event.
   * `0` trusts the partial file, as when it was written by the same process
   * a moment ago.
   *
   * @default {0}
   */
  resumeCheck?: number;
  /**
   * `downloadTo` a local path: keep the `.ferry-part` file when the
   * download fails, for a later call with `resume` to continue. (The task
   * runner keeps it always, and decides at each try whether to continue.)
   *
   * @default {the value of `resume`}
   */
  keepTemporary?: boolean;
  /**
   * `downloadTo` a local path: the modification time to give the file
   * before it is renamed into place: a `Date` (from a listing), or
   * `"remote"` to ask the server (MDTM, after the transfer; the time is
   * left as it is where the server does not answer).
   *
   * @default {undefined}
   */
  mtime?: Date | "remote";
  /**
   * `downloadTo` a local path, in binary: fetch the file over this many
   * connections at once, each a byte range (REST) written at its place in
   * the one `<name>.ferry-part` temporary; for links where one TCP
   * connection cannot fill the pipe, and servers that cap each connection.
   * The extra connections are clones of this client (same options, same
   * login), or come from `segmentConnection`; they are closed when the
   * download ends. With `resume`, each segment continues where an
   * interrupted run stopped (their progress is kept in
   * `<name>.ferry-segments.ferry-part`), if the server's file has the same
   * size and time (MDTM). One connection is used instead for a server
   * without REST (with a `warning` event), a file under 8 MiB, and a file
   * whose size the server will not tell; a file under `segments` × 4 MiB
   * gets fewer segments. A segment that fails is fetched again from where
   * it stopped, up to 3 times, on another connection when its own broke. A
   * whole number from 1 to 16; not with `offset`, ASCII or a stream.
   *
   * @default {1}
   */
  segments?: number;
  /**
   * With `segments`: opens each extra connection, instead of a clone of
   * this client. ferry closes what it returns when the download ends.
   *
   * @default {undefined (clones of this client)}
   */
  segmentConnection?: (signal: AbortSignal) => Promise<FtpClient>;
  /**
   * Called as this call's transfer moves: once when it starts (with
   * `bytes` equal to `offset`), then after each chunk. Unlike the
   * client-wide `progress` event it needs no filtering by id, and counts in
   * bytes of the file (see {@linkcode TransferProgress}).
   *
   * @default {undefined}
   */
  onProgress?: (progress: TransferProgress) => void;
  /**
   * A bandwidth limit for this transfer, in bytes per second (or a
   * {@linkcode RateLimiter} shared with other transfers), applied on top of
   * the client's `rateLimit`. The transfer is paced by backpressure: it
   * waits before each small chunk (at most 64 KiB) rather than buffering.
   *
   * @default {undefined}
   */
  rateLimit?: number | RateLimiter;
}

/**
 * Options for uploads. `upload(path)` (a writable stream) and
 * `uploadCommand` take `append`, `offset`, `type`, `onProgress` and the
 * signal; `upload(path, source)` and `uploadFrom` take all of them (`resume`
 * needs a local file: `uploadFrom`, or a `file:` URL).
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.upload("log.txt", "one more line\n", { append: true });
 * // Replace index.html only once the new one is whole on the server.
 * await client.uploadFrom("./dist/index.html", "www/index.html", { atomic: true });
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
  /**
   * Upload to a temporary beside the target (`temporary`), check its size
   * (`checkSize`), and only then rename it over the target, so the target
   * holds the old file or the whole new one, never a part. A server that
   * will not rename over an existing file gets the old one moved aside
   * first (see `rename`'s `replace`). A failed upload leaves the target as
   * it was; its temporary is removed unless `keepTemporary`. A rename the
   * server refuses leaves the whole new file at the temporary and fails
   * with the server's reply (`command` names RNFR or RNTO).
   *
   * @default {false}
   */
  atomic?: boolean;
  /**
   * The temporary of an `atomic` upload. Name it after what it holds (a
   * digest of the local file, say) if a later call is to continue it
   * (`resume`), or make it unique if several uploads to one path may run
   * at once.
   *
   * @default {`<path>.ferry-part`}
   */
  temporary?: string;
  /**
   * Continue what the target (the temporary, when `atomic`) holds already:
   * its size (SIZE) is where the upload resumes, by REST + STOR, or APPE on
   * a server whose FEAT offers no REST. Use it only when those bytes are
   * the start of this very file (an earlier attempt of the same upload):
   * ferry cannot tell. A target holding as many bytes as the file is taken
   * as whole (nothing is sent); one holding more is written from byte 0.
   * Needs a local file source.
   *
   * @default {false}
   */
  resume?: boolean;
  /**
   * With `atomic`: keep the temporary when the upload fails, for a later
   * call with `resume` to continue.
   *
   * @default {the value of `resume`}
   */
  keepTemporary?: boolean;
  /**
   * After the upload, ask the server for the size it holds (SIZE) and fail
   * with `FtpSizeMismatchError` unless it is every byte sent (the resumed
   * part included): some servers answer 226 for a file they kept only part
   * of. A server that cannot answer SIZE fails the check. Binary uploads
   * only, and not with `append` (the bytes already there are not counted).
   *
   * @default {true when `atomic` or resumed, in binary; otherwise false}
   */
  checkSize?: boolean;
  /**
   * The modification time to give the uploaded file (MFMT), set before an
   * atomic upload's rename. Skipped where the server's FEAT offers no
   * MFMT; a refusal (5xx) is a `warning` event, not a failure.
   *
   * @default {undefined}
   */
  mtime?: Date;
  /**
   * Called as this call's transfer moves: once when the server has
   * accepted it (its 1xx reply; `bytes` equal to `offset`), then after each
   * chunk sent. See {@linkcode TransferProgress}.
   *
   * @default {undefined}
   */
  onProgress?: (progress: TransferProgress) => void;
  /**
   * A bandwidth limit for this transfer, in bytes per second (or a
   * {@linkcode RateLimiter} shared with other transfers), applied on top of
   * the client's `rateLimit`. The transfer is paced by backpressure: it
   * waits before each small chunk (at most 64 KiB) rather than buffering.
   *
   * @default {undefined}
   */
  rateLimit?: number | RateLimiter;
}

/**
 * Options for `rename`.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.upload("www/index.html.new", "<h1>v2</h1>\n");
 * await client.rename("www/index.html.new", "www/index.html", { replace: true });
 * ```
 */
export interface RenameOptions extends CallOptions {
  /**
   * Make sure an existing `to` is replaced, on servers that will not rename
   * over a file too: when RNTO is refused and both files exist, the old `to`
   * is renamed to `<to>.ferry-old.ferry-part`, `from` renamed into place,
   * and then the old file removed (a `warning` event says so); if `from`
   * still cannot go into place, the old file is renamed back and the
   * refusal thrown. So `to` always holds the old file or the new one
   * (short of the connection dying between two renames, which leaves the
   * old one under its aside name, never removed by ferry).
   *
   * @default {false}
   */
  replace?: boolean;
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
  /**
   * The server's final reply text, such as `Transfer complete.` (empty when
   * a resumed upload found the whole file there and sent nothing).
   */
  reply: string;
  /** Where the transfer continued from, when it resumed (`resume`, or an `offset`). */
  resumedFrom?: number;
  /**
   * `downloadTo` with `segments`: how many byte ranges the file was fetched
   * in (`1`: it went over one connection; see `segments` for when).
   */
  segments?: number;
  /** `downloadTo` with `segments`: the most connections that carried segments at once. */
  connections?: number;
}

/**
 * One file of a `downloadAllTo` call.
 *
 * @example
 * ```ts
 * import type { DownloadAllFile } from "@ferry/ftp";
 *
 * const file: DownloadAllFile = { path: "logs/a.log", destination: "./a.log", size: 4096 };
 * ```
 */
export interface DownloadAllFile {
  /** The remote file. */
  path: string;
  /** The local path (string or file URL) to put it at. */
  destination: string | URL;
  /**
   * The file's size, when known: a download that ends short of it fails
   * (see `DownloadOptions.size`).
   *
   * @default {undefined}
   */
  size?: number;
  /**
   * The modification time to give the file before its rename, or `"remote"`
   * for the server's (MDTM, after the transfer; see `DownloadOptions.mtime`).
   *
   * @default {undefined}
   */
  mtime?: Date | "remote";
}

/**
 * Options for `downloadAllTo`.
 *
 * @example
 * ```ts
 * import type { DownloadAllOptions } from "@ferry/ftp";
 *
 * const options: DownloadAllOptions = {
 *   keepTemporary: true,
 *   onFileEnd: (index, outcome) => console.log(index, outcome.ok),
 * };
 * ```
 */
export interface DownloadAllOptions extends CallOptions {
  /**
   * Binary (TYPE I) or ASCII (TYPE A, CRLF becomes LF), for every file.
   *
   * @default {"binary"}
   */
  type?: TransferType;
  /**
   * Keep a file's `<name>.ferry-part` when its download fails, for a later
   * `downloadTo` with `resume` to continue.
   *
   * @default {false}
   */
  keepTemporary?: boolean;
  /**
   * Open each file's `<name>.ferry-part` as a new file (create-new): a file
   * or a link already there fails that file with `Deno.errors.AlreadyExists`
   * before anything is sent for it, instead of being emptied. A caller that
   * has checked that no partial file and no segmented download's progress
   * file is there saves a look for the latter per file (the task runner
   * does). Without it, each file is started as `downloadTo` starts one.
   *
   * @default {false}
   */
  exclusive?: boolean;
  /**
   * Progress of the file at `index` (as `DownloadOptions.onProgress`).
   *
   * @default {undefined}
   */
  onProgress?: (index: number, progress: TransferProgress) => void;
  /**
   * Called as each file ends, in order. Returning `false` stops the call
   * before the next file: the files not started get
   * `{ ok: false, started: false }`.
   *
   * @default {undefined}
   */
  onFileEnd?: (index: number, outcome: DownloadAllOutcome) => boolean | void;
  /**
   * A bandwidth limit for the whole call, in bytes per second (or a
   * {@linkcode RateLimiter}), on top of the client's `rateLimit`.
   *
   * @default {undefined}
   */
  rateLimit?: number | RateLimiter;
}

/**
 * How one file of a `downloadAllTo` call ended: its result, or its error
 * (`started` says whether anything was sent for it).
 *
 * @example
 * ```ts
 * import type { DownloadAllOutcome } from "@ferry/ftp";
 *
 * const show = (o: DownloadAllOutcome) => o.ok ? `${o.result.bytes} B` : o.error.message;
 * ```
 */
export type DownloadAllOutcome =
  | { ok: true; result: TransferResult }
  | { ok: false; error: Error; started: boolean };
