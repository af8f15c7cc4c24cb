// Connections through Deno's own networking and TLS. Fast, and all that plain
// FTP needs; for FTPS each data connection starts a fresh TLS session, which
// servers that require session reuse refuse (see _node_transport.ts).

import type { ByteStream } from "./byte_stream.ts";
import { FtpTimeoutError } from "../errors.ts";
import { hostPort } from "../protocol/host.ts";
import { closeQuietly } from "./close_quietly.ts";
import { acceptFrom, dial, dialDeno, withDeadline, within } from "./_socket.ts";
import {
  type DataSocketListener,
  type DialTarget,
  type SecuredStream,
  type TlsConfig,
  tlsError,
  type Transport,
} from "./transport.ts";

/** Deno's TLS: the certificate chain is always checked; only the name check can be skipped. */
function startTls(conn: Deno.TcpConn, tls: TlsConfig): Promise<Deno.TlsConn> {
  return Deno.startTls(conn, {
    hostname: tls.serverName,
    caCerts: tls.caCerts,
  });
}

export class NativeTransport implements Transport {
  readonly kind = "native";
  readonly #tls?: TlsConfig;
  readonly #localAddress?: string;

  /**
   * @param tls Settings for TLS, when the session uses it.
   * @param localAddress Where plain connections are made from. Not with
   * `tls`: Deno's TLS runs only over Deno's TCP, which cannot choose its
   * local address (the data-channel TLS policy picks Node's TLS then).
   */
  constructor(tls?: TlsConfig, localAddress?: string) {
    if (tls && localAddress !== undefined) {
      throw new Error("Deno's TLS cannot run over a connection from a chosen local address");
    }
    this.#tls = tls;
    this.#localAddress = localAddress;
  }

  #config(): TlsConfig {
    if (!this.#tls) throw new Error("TLS was not configured for this session");
    return this.#tls;
  }

  async openControl(target: DialTarget, implicitTls: boolean): Promise<ByteStream> {
    if (!implicitTls) return await dial({ ...target, localAddress: this.#localAddress });
    const tls = this.#config();
    // One connect timeout covers the TCP connection and the handshake.
    const deadline = performance.now() + target.timeoutMs;
    const client = tls.clientCertificate;
    // connectTls verifies against the host it connects to and is the only
    // Deno API that sends a client certificate; startTls can verify another
    // name (tls.serverName) but cannot send one.
    const conn = await withDeadline(target, async () => {
      if (client) {
        return await Deno.connectTls({
          hostname: target.host,
          port: target.port,
          caCerts: tls.caCerts,
          cert: client.cert,
          key: client.key,
        });
      }
      return await startTls(await dialDeno(target), tls);
    });
    const left = deadline - performance.now();
    return await handshake(conn, tls, target.purpose, left, target.timeoutMs);
  }

  async secureControl(control: ByteStream): Promise<ByteStream> {
    const tls = this.#config();
    let conn: Deno.TlsConn;
    try {
      conn = await startTls(control as Deno.TcpConn, tls);
    } catch (error) {
      throw tlsError(error, tls, "control connection");
    }
    return await handshake(conn, tls, "control connection");
  }

  clearControl(): Promise<ByteStream> {
    // Deno.startTls took the TCP connection; Deno.TlsConn cannot give it back.
    return Promise.reject(
      new Error("Deno's TLS cannot be taken off a connection (CCC needs Node's TLS)"),
    );
  }

  openData(target: DialTarget): Promise<ByteStream> {
    return dial({ ...target, localAddress: this.#localAddress });
  }

  secureData(data: ByteStream): SecuredStream {
    const tls = this.#config();
    // Deno.startTls resolves at once; the handshake runs on the first read or write.
    return withTlsErrors(startTls(data as Deno.TcpConn, tls), tls);
  }

  listenData(host: string): Promise<DataSocketListener> {
    const listener = Deno.listen({ hostname: host, port: 0, transport: "tcp" });
    const address = { host: listener.addr.hostname, port: listener.addr.port };
    return Promise.resolve({
      address,
      async accept(serverHost, timeoutMs) {
        const conn = await acceptFrom(
          {
            accept: () => listener.accept(),
            close: () => closeQuietly(listener),
            peerOf: (c) => (c.remoteAddr as Deno.NetAddr).hostname,
            discard: (c) => closeQuietly(c),
            describe: hostPort(address.host, address.port),
          },
          serverHost,
          timeoutMs,
        );
        conn.setNoDelay(true);
        return conn;
      },
      close: () => closeQuietly(listener),
    });
  }
}

/**
 * Completes a handshake within `timeoutMs` (what is left of `limitMs`, the
 * connect timeout, which the error reports).
 */
async function handshake(
  conn: Deno.TlsConn,
  tls: TlsConfig,
  what: string,
  timeoutMs = tls.handshakeTimeoutMs,
  limitMs = timeoutMs,
): Promise<Deno.TlsConn> {
  const done = conn.handshake();
  done.catch(() => {}); // Observed below, or abandoned on timeout.
  try {
    await within(
      done,
      timeoutMs,
      `waiting for the TLS handshake on the ${what}`,
      () => closeQuietly(conn),
      limitMs,
    );
    return conn;
  } catch (error) {
    closeQuietly(conn);
    throw error instanceof FtpTimeoutError ? error : tlsError(error, tls, what);
  }
}

/**
 * A data connection's TLS, begun at once but used only once the start
 * resolves; TLS failures met on the first read or write become `FtpTlsError`.
 */
function withTlsErrors(starting: Promise<Deno.TlsConn>, tls: TlsConfig): SecuredStream {
  starting.catch(() => {}); // Observed by the first read, write or close.
  const map = (error: unknown): never => {
    if (error instanceof Deno.errors.InvalidData) throw tlsError(error, tls, "data connection");
    throw error;
  };
  let local: Deno.Addr = { transport: "tcp", hostname: "", port: 0 };
  let remote: Deno.Addr = local;
  starting.then((conn) => {
    local = conn.localAddr;
    remote = conn.remoteAddr;
  }, () => {});
  return {
    // Deno's TLS keeps no session cache: a data connection never resumes.
    sessionResumed: false,
    read: (buffer) => starting.then((conn) => conn.read(buffer)).catch(map),
    write: (bytes) => starting.then((conn) => conn.write(bytes)).catch(map),
    closeWrite: () => starting.then((conn) => conn.closeWrite()),
    close: () => void starting.then((conn) => conn.close(), () => {}),
    get localAddr() {
      return local;
    },
    get remoteAddr() {
      return remote;
    },
  };
}
