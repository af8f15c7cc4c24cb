// TLS through Node's tls module as Deno implements it, over Deno's TCP: the
// one way, in Deno 2.9, to make a data connection resume the control
// connection's TLS session, which vsftpd (require_ssl_reuse, its default),
// FileZilla Server and ProFTPD demand. TCP itself (connecting, listening,
// deadlines) is Deno's, as on the native path; see _node_stream.ts for how
// reading stays bounded and ends reliably.
//
// How Deno 2.9.6 resumes (ext/node/ops/tls_wrap.rs, rustls underneath):
// - `tls.connect({ session })` does not choose a session. The buffer that
//   `getSession()` returns is a placeholder naming host:port; passing it
//   back only switches resumption on for the new connection.
// - The session offered is taken from one client session cache per isolate,
//   keyed by the SNI name; every connection made to an IP address (no SNI)
//   shares one key. TLS 1.3 tickets there are single-use (the newest is
//   taken, up to 8 kept per key); a TLS 1.2 session stays and serves again.
// - A session resumes only on a connection built with the same certificate
//   verifier and client-certificate resolver: the default ones are shared,
//   but a client certificate gets a resolver of its own per connection, so
//   a connection that presents one never resumes.
// So one isolate can hold the sessions of only one control connection per
// server: this transport runs inside a worker of its own for each control
// connection (_isolated_transport.ts), where the cache holds nothing else.
//
// Resumption also needs both connections made the same way: the same
// servername and no per-connection CA or secure context. So extra CAs go
// into the (worker's) default store (tls.setDefaultCACertificates), added
// to what is there, never replacing it.

import type { Buffer } from "node:buffer";
import net from "node:net";
import tls from "node:tls";
import type { ByteStream } from "./byte_stream.ts";
import { NativeTransport } from "./_native_transport.ts";
import { NodeTlsStream, PullDuplex } from "./_node_stream.ts";
import { connectionError, dial, within } from "./_socket.ts";
import {
  type DataSocketListener,
  type DialTarget,
  type SecuredStream,
  type TlsConfig,
  tlsError,
  type Transport,
} from "./transport.ts";

const trustedExtras = new Set<string>();

/** Whether an error is the connection closed or reset under TLS (a broken pipe, a reset). */
function connectionLost(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? "";
  return error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted ||
    ["EPIPE", "ECONNRESET", "ECONNABORTED"].includes(code);
}

/** Why an unauthorized certificate was refused, with expiry told apart. */
function certificateProblem(socket: tls.TLSSocket): Error {
  const code = String(socket.authorizationError ?? "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  const certificate = socket.getPeerCertificate();
  const now = Date.now();
  const expired = certificate?.valid_to !== undefined &&
    (Date.parse(certificate.valid_to) < now || Date.parse(certificate.valid_from) > now);
  const error = new Error(expired ? `certificate has expired (${code})` : code);
  (error as { code?: string }).code = expired ? "CERT_HAS_EXPIRED" : code;
  return error;
}

/**
 * Adds CAs to Node's default store once each, keeping the roots it holds
 * when they may be read. Deno 2.9.6 reads them (`tls.getCACertificates`)
 * only with sys access to "ca" and env access to NODE_USE_SYSTEM_CA, and
 * its CLI refuses `--allow-sys=ca` by name: asking would need a bare
 * `--allow-sys` (or prompt). Without those, the store is set to the CAs
 * ferry was given, which is what a task with a CA file needs: Node's TLS
 * then trusts those CAs (and no public root) in this process.
 */
function trust(caCerts: string[]): void {
  const fresh = [...new Set(caCerts.map((pem) => pem.trim()))].filter(
    (pem) => !trustedExtras.has(pem),
  );
  if (fresh.length === 0) return;
  const roots = mayReadDefaultStore() ? tls.getCACertificates("default") : [...trustedExtras];
  // Present in Deno's node:tls (as in Node 22+), missing from its type definitions.
  const store = tls as unknown as { setDefaultCACertificates(certs: string[]): void };
  store.setDefaultCACertificates([...roots, ...fresh]);
  // Only once they are in the store: a failure here must not mark them trusted.
  for (const pem of fresh) trustedExtras.add(pem);
}

/** Whether reading Node's default CA store needs no permission that was not granted. */
function mayReadDefaultStore(): boolean {
  const granted = (descriptor: Deno.PermissionDescriptor) => {
    try {
      return Deno.permissions.querySync(descriptor).state === "granted";
    } catch {
      // A Deno that does not know the descriptor does not ask for it either.
      return true;
    }
  };
  return granted({ name: "sys", kind: "ca" } as unknown as Deno.PermissionDescriptor) &&
    granted({ name: "env", variable: "NODE_USE_SYSTEM_CA" });
}

export class NodeTransport implements Transport {
  readonly kind = "node";
  readonly #tls: TlsConfig;
  /** Plain TCP, and the active-mode listener, are the same as the native path's. */
  readonly #plain = new NativeTransport();
  #controlTls?: tls.TLSSocket;
  /** The control connection's session, kept for data connections once its TLS is off (CCC). */
  #controlSession?: Buffer;
  readonly #localAddress?: string;

  /**
   * @param config TLS settings; this transport exists for TLS.
   * @param localAddress Where connections are made from (through node:net).
   */
  constructor(config: TlsConfig, localAddress?: string) {
    this.#tls = config;
    this.#localAddress = localAddress;
    trust(config.caCerts);
  }

  /** Options shared by every TLS connection of the session, so sessions resume. */
  #options(): tls.ConnectionOptions {
    const config = this.#tls;
    const options: tls.ConnectionOptions = {};
    // An IP address is not a valid SNI name: then verify against the host.
    if (!net.isIP(config.serverName)) options.servername = config.serverName;
    else options.host = config.serverName;
    if (config.clientCertificate) {
      options.cert = config.clientCertificate.cert;
      options.key = config.clientCertificate.key;
    }
    if (config.maxVersion) options.maxVersion = config.maxVersion;
    if (config.bounds?.minVersion) options.minVersion = config.bounds.minVersion;
    return options;
  }

  async openControl(target: DialTarget, implicitTls: boolean): Promise<ByteStream> {
    // One connect timeout covers the TCP connection and the handshake.
    const deadline = performance.now() + target.timeoutMs;
    const conn = await dial({ ...target, localAddress: this.#localAddress });
    if (!implicitTls) return conn;
    const left = deadline - performance.now();
    return await this.#secureControl(conn, target.purpose, left, target.timeoutMs);
  }

  secureControl(control: ByteStream): Promise<ByteStream> {
    return this.#secureControl(control, "control connection");
  }

  async #secureControl(
    conn: ByteStream,
    what: string,
    timeoutMs = this.#tls.handshakeTimeoutMs,
    limitMs = timeoutMs,
  ): Promise<ByteStream> {
    const stream = this.#wrap(conn, undefined, what);
    try {
      const waiting = `waiting for the TLS handshake on the ${what}`;
      await within(stream.ready, timeoutMs, waiting, () => stream.close(), limitMs);
    } catch (error) {
      stream.close();
      throw error;
    }
    this.#controlTls = stream.socket;
    return stream;
  }

  /**
   * TLS over a Deno TCP connection, resuming `session` when given.
   *
   * Certificates are checked by hand once the handshake is done, before a
   * byte is sent (rejectUnauthorized stays off), for two reasons: Deno's
   * node:tls reports an expired certificate only as "unable to verify",
   * while the certificate's dates tell the truth; and a data connection
   * resumes only when it is made with the same options as the control one.
   * A resumed session was verified on the control connection.
   */
  #wrap(conn: ByteStream, session: Buffer | undefined, what: string): NodeTlsStream {
    const holder: { stream?: NodeTlsStream } = {};
    const duplex = new PullDuplex(conn, () => holder.stream?.hasRoom() ?? true);
    const socket = tls.connect({
      ...this.#options(),
      rejectUnauthorized: false,
      socket: duplex as unknown as net.Socket,
      session,
    });
    const verify = this.#tls.verify;
    const stream = new NodeTlsStream(
      socket,
      duplex,
      // Past the handshake, a connection the server closed (a data connection
      // it refuses after the handshake, say) is a lost connection, as on
      // Deno's TLS, not a TLS failure: the transfer then reports the
      // server's reply (425...). Writes of one record at a time meet such a
      // close more often than one large write did.
      (error) =>
        holder.stream?.sessionResumed !== undefined && connectionLost(error)
          ? connectionError(error, what)
          : tlsError(error, this.#tls, what),
      (s) => !verify || s.authorized || s.isSessionReused() ? undefined : certificateProblem(s),
    );
    holder.stream = stream;
    return stream;
  }

  /**
   * CCC: TLS off the control connection. Its session stays in the worker's
   * cache, so data connections (PROT P) go on resuming it.
   */
  async clearControl(control: ByteStream, timeoutMs: number): Promise<ByteStream> {
    this.#controlSession = this.#controlTls?.getSession();
    this.#controlTls = undefined;
    try {
      return await (control as NodeTlsStream).clear(timeoutMs);
    } catch (error) {
      control.close();
      throw error;
    }
  }

  openData(target: DialTarget): Promise<ByteStream> {
    return dial({ ...target, localAddress: this.#localAddress });
  }

  /**
   * TLS on a data connection, resuming the control connection's session:
   * the placeholder `getSession()` returns switches resumption on, and the
   * worker's cache holds only this control connection's sessions.
   */
  secureData(data: ByteStream): SecuredStream {
    const session = this.#controlTls?.getSession() ?? this.#controlSession;
    return this.#wrap(data, session, "data connection");
  }

  listenData(host: string): Promise<DataSocketListener> {
    return this.#plain.listenData(host);
  }
}
