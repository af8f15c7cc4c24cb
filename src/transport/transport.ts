/**
 * How connections are made: plain TCP, and TLS through either Deno's own TLS
 * (fast, but every connection starts a fresh TLS session) or Node's TLS as
 * Deno implements it, in a worker of its own per control connection (it can
 * resume the control connection's session on data connections, which
 * vsftpd, FileZilla Server and ProFTPD require; see _isolated_transport.ts).
 *
 * @module
 */

import { FtpTlsError, type TimeoutPhase } from "../errors.ts";
import type { ByteStream } from "./byte_stream.ts";

/**
 * The module of the worker each control connection's Node TLS runs in. A
 * process running ferry from local files needs read access to it (Deno
 * checks the read when a worker starts), which `ferry permissions` prints.
 */
export const TLS_WORKER_MODULE: URL = new URL("./_isolated_worker.ts", import.meta.url);

/** TLS settings resolved from the client's options. */
export interface TlsConfig {
  /** The name the certificate must carry, also sent as SNI. */
  serverName: string;
  /** Extra trusted CAs (PEM). */
  caCerts: string[];
  /** Whether to verify the certificate chain and host name. */
  verify: boolean;
  /** A client certificate for mutual TLS. */
  clientCertificate?: { cert: string; key: string };
  /** Milliseconds a control connection's handshake may take (the connect timeout). */
  handshakeTimeoutMs: number;
  /**
   * The newest TLS version Node's TLS path offers. `"TLSv1.2"` keeps the
   * control connection's session reusable by every data connection (see
   * the data-channel TLS policy); Deno's own TLS ignores it.
   */
  maxVersion?: TlsVersion;
  /**
   * The version bounds the user set (`tls.minVersion`, `tls.maxVersion`),
   * only those that restrict anything: any selects Node's TLS, which
   * applies `minVersion` as it is (and `maxVersion` through the field above).
   */
  bounds?: { minVersion?: TlsVersion; maxVersion?: TlsVersion };
}

/** The TLS versions rustls, under both of ferry's TLS engines, speaks. */
export type TlsVersion = "TLSv1.2" | "TLSv1.3";

/**
 * A data connection's TLS stream, which can tell whether its handshake
 * resumed the control connection's session.
 */
export interface SecuredStream extends ByteStream {
  /**
   * `true` or `false` once the handshake is done; `undefined` before (or
   * if it failed). Deno's own TLS never resumes: always `false`.
   */
  readonly sessionResumed: boolean | undefined;
}

/** Where and how long to connect. */
export interface DialTarget {
  host: string;
  port: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Names the connection in errors, such as "control connection". */
  purpose: string;
  /** The phase a timeout reports: `connect` (the default) or `data-connection`. */
  phase?: TimeoutPhase;
  /**
   * `false` leaves Nagle's algorithm on: for a connection the client sends
   * nothing on (a download's or a listing's data), where TCP_NODELAY would
   * change nothing and costs a system call. Otherwise it is switched off, as
   * FTP's small request and response writes need. The isolated transport
   * (Node's TLS in a worker) sets TCP_NODELAY on all its connections
   * whatever this says: its data connections carry TLS, whose handshake the
   * client writes.
   *
   * @default {true}
   */
  noDelay?: boolean;
  /**
   * The local address to connect from (an IP address). Without it, the
   * system picks one, and Deno's own TCP is used.
   */
  localAddress?: string;
}

/** A listening socket for one active-mode data connection. */
export interface DataSocketListener {
  /** The address to announce with EPRT or PORT. */
  readonly address: { host: string; port: number };
  /** Accepts the server's connection (only from `serverHost`), as plain TCP. */
  accept(serverHost: string, timeoutMs: number): Promise<ByteStream>;
  /** Stops listening. Idempotent. */
  close(): void;
}

/** Makes the connections of one session. */
export interface Transport {
  /** `"native"` (Deno's TLS) or `"node"` (Node's TLS, resuming sessions, in a worker). */
  readonly kind: "native" | "node";
  /** Opens the control connection: TCP, or TLS from the first byte when `implicitTls`. */
  openControl(target: DialTarget, implicitTls: boolean): Promise<ByteStream>;
  /** Upgrades the idle control connection after AUTH TLS's 234. */
  secureControl(control: ByteStream): Promise<ByteStream>;
  /**
   * Takes TLS off the idle control connection after CCC's 200 (RFC 4217
   * section 6): close_notify both ways, then plain text on the same TCP
   * connection. Only Node's TLS can (Deno's TLS keeps the TCP connection
   * under it); the native transport rejects.
   *
   * @param control The control connection's TLS stream.
   * @param timeoutMs How long the server may take to send its close_notify.
   */
  clearControl(control: ByteStream, timeoutMs: number): Promise<ByteStream>;
  /** Opens a passive-mode data connection, as plain TCP. */
  openData(target: DialTarget): Promise<ByteStream>;
  /**
   * Starts TLS on a data connection, as the TLS client (RFC 4217), once the
   * transfer command's 1xx has arrived: as ftplib does, and as servers such
   * as pyftpdlib require (they reset a data connection whose handshake began
   * before the command). The handshake completes on the first read or write.
   */
  secureData(data: ByteStream): SecuredStream;
  /** Listens on `host` (the control connection's local address) for active mode. */
  listenData(host: string): Promise<DataSocketListener>;
}

/**
 * Turns a TLS failure from either engine into an {@linkcode FtpTlsError}
 * that names the cause and what to do.
 *
 * @param error What the TLS library threw.
 * @param config The settings in force.
 * @param what Which connection, such as "control connection".
 * @returns The typed error.
 */
export function tlsError(error: unknown, config: TlsConfig, what: string): FtpTlsError {
  if (error instanceof FtpTlsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code ?? "";
  const text = `${code} ${message}`;
  const name = config.serverName;
  const connection = /data/.test(what) ? "data" : "control";
  if (/NotValidForName|not valid for name|ALTNAME|hostname|Hostname\/IP/i.test(text)) {
    return new FtpTlsError(
      "hostname",
      `The server's certificate on the ${what} is not valid for ${name}; connect by the name the certificate carries, or set tls.serverName`,
      { cause: error, connection },
    );
  }
  if (/expired|CERT_HAS_EXPIRED/i.test(text)) {
    return new FtpTlsError(
      "expired",
      `The server's certificate on the ${what} has expired; the server must renew it`,
      { cause: error, connection },
    );
  }
  if (
    /UnknownIssuer|self[ -]signed|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|certificate|BadSignature/i
      .test(text)
  ) {
    return new FtpTlsError(
      "certificate",
      `The server's certificate on the ${what} is not trusted (${message}); pass its CA with tls.caCerts, or, only for testing, tls.verify: false`,
      { cause: error, connection },
    );
  }
  return new FtpTlsError(
    "handshake",
    `The TLS handshake on the ${what} failed: ${message}${boundHint(text, config)}`,
    { cause: error, connection },
  );
}

/** Names the version bound the user set when the failure is about versions. */
function boundHint(text: string, config: TlsConfig): string {
  const { minVersion, maxVersion } = config.bounds ?? {};
  if (!minVersion && !maxVersion) return "";
  if (!/PROTOCOL_VERSION|ProtocolVersion|protocol version|incompatible/i.test(text)) return "";
  const bound = minVersion
    ? `tls.minVersion is ${minVersion}, and the server does not speak it`
    : `tls.maxVersion is ${maxVersion}, and the server speaks only newer versions`;
  return ` (${bound}; lift the bound, or have the server offer that version)`;
}
