/**
 * Making the transport of one session, on the TLS engine the client chose.
 * Node's TLS path is imported only when used: loading node:tls, node:net,
 * node:stream and the worker costs start-up time that plain FTP and Deno's
 * TLS should not pay.
 *
 * @module
 */

import { NativeTransport } from "./_native_transport.ts";
import type { TlsConfig, Transport } from "./transport.ts";

/** What {@linkcode openTransport} builds. */
export interface OpenTransportOptions {
  /** TLS settings, when the session uses TLS. */
  tls?: TlsConfig;
  /**
   * `"native"`: Deno's own TLS (fast; no session resumption). `"node"`:
   * Node's TLS in a worker of its own (resumes the control connection's
   * session on data connections). Without `tls`, the engine is native.
   *
   * @default {"native"}
   */
  engine?: Transport["kind"];
  /**
   * The local address every connection comes from (an IP address), and
   * active mode listens on. Without it, the system picks one.
   */
  localAddress?: string;
}

/**
 * Makes a session's transport: the connections of one control connection
 * and its data connections.
 *
 * @example Plain FTP
 * ```ts
 * import { openTransport } from "./open_transport.ts";
 *
 * const transport = await openTransport({});
 * console.log(transport.kind); // "native"
 * ```
 */
export async function openTransport(options: OpenTransportOptions): Promise<Transport> {
  const { tls, engine = "native", localAddress } = options;
  if (engine !== "node" || !tls) return new NativeTransport(tls, localAddress);
  const { IsolatedTlsTransport } = await import("./_isolated_transport.ts");
  const transport = new IsolatedTlsTransport(tls, localAddress);
  await transport.ready();
  return transport;
}
