/**
 * FTPS helpers for the embedded server's tests: a server with the test
 * PKI's certificate, and the client side of TLS data connections.
 *
 * @module
 */

import { FtpClient } from "../../mod.ts";
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

/**
 * An FTPS client (user bob, password pw) of `server`, with counters of what
 * crossed its control connection: logins, listings, refused data
 * connections (425, 522), and its info and warning events.
 */
export async function countedTlsClient(
  server: FtpTestServer,
  sessionReuse?: "auto" | "always" | "never",
) {
  const { caPem } = await pki();
  const seen = {
    logins: 0,
    refusals: 0,
    listings: 0,
    infos: [] as string[],
    warnings: [] as string[],
  };
  const client = new FtpClient({
    host: "127.0.0.1",
    port: server.port,
    user: "bob",
    password: "pw",
    secure: "explicit",
    tls: { caCerts: [caPem], serverName: "localhost", sessionReuse },
    debug: ({ direction, line }) => {
      if (direction === "send" && /^USER /.test(line)) seen.logins++;
      if (direction === "send" && /^LIST\b/.test(line)) seen.listings++;
      if (direction === "receive" && /^(425|522) /.test(line)) seen.refusals++;
    },
  });
  client.addEventListener("info", (e) => seen.infos.push(e.message));
  client.addEventListener("warning", (e) => seen.warnings.push(e.message));
  return { client, seen };
}
