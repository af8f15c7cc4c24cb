/**
 * FTPS helpers for the embedded server's tests: a server with the test
 * PKI's certificate, and the client side of TLS data connections.
 *
 * @module
 */

import { FtpTestServer, type FtpTestServerOptions } from "../../src/testing/mod.ts";
import { makeTestPki, type TestPki } from "../_servers/certs.ts";

/** The test PKI (made once per process). */
export function pki(): Promise<TestPki> {
  return makeTestPki();
}

/** Starts a server with the test PKI's localhost certificate. */
export async function startTlsServer(
  options: FtpTestServerOptions = {},
): Promise<FtpTestServer> {
  const { server } = await pki();
  return await FtpTestServer.start({
    dataTimeoutMs: 5_000,
    ...options,
    tls: { cert: server.certPem, key: server.keyPem, ...options.tls },
  });
}

/** Runs the client side of TLS on a data connection (passive or active alike). */
export async function clientTls(conn: Deno.Conn): Promise<Deno.TlsConn> {
  const { caPem } = await pki();
  return await Deno.startTls(conn as Deno.TcpConn, { hostname: "localhost", caCerts: [caPem] });
}
