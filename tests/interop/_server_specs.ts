/**
 * The servers the interop tests run against at once: the embedded one (as
 * `alice`, with TLS) and vsftpd, Pure-FTPd, ProFTPD and pyftpdlib on the
 * shared launchers, each offering explicit FTPS with the test PKI.
 *
 * @module
 */

import { FtpTestServer } from "../../src/testing/mod.ts";
import { isRoot, type ServerHandle, ServerUnavailableError } from "../_servers/_common.ts";
import type { ServerTlsFiles } from "../_servers/_common.ts";
import type { TestPki } from "../_servers/certs.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { startPureFtpd } from "../_servers/pure_ftpd.ts";
import { startPyftpdlib } from "../_servers/pyftpdlib.ts";
import { vsftpd } from "../_servers/vsftpd.ts";
import { peer } from "../_peers.ts";
import { startInteropVsftpd } from "./_vsftpd.ts";

/** A server to test against. */
export interface ServerSpec {
  name: "embedded server" | "vsftpd" | "Pure-FTPd" | "ProFTPD" | "pyftpdlib";
  /** Not installed here, or needs root. */
  ignore: boolean;
  start(): Promise<ServerHandle>;
}

/** The five servers, with TLS from `pki` (`tls`: its server files). */
export function serverSpecs(pki: TestPki, tls: ServerTlsFiles): ServerSpec[] {
  return [
    {
      name: "embedded server",
      ignore: false,
      async start() {
        const server = await FtpTestServer.start({
          users: { alice: "embedded-secret" },
          anonymous: false,
          tls: { cert: pki.server.certPem, key: pki.server.keyPem },
        });
        return {
          host: "127.0.0.1",
          port: server.port,
          user: "alice",
          password: "embedded-secret",
          root: server.root,
          version: "embedded",
          logs: () => "",
          close: () => server.close(),
          [Symbol.asyncDispose]: () => server.close(),
        };
      },
    },
    {
      name: "vsftpd",
      ignore: vsftpd.ignore || !isRoot(),
      start: () => startInteropVsftpd({ tls, requireSslReuse: true }),
    },
    { name: "Pure-FTPd", ignore: !isRoot(), start: () => startPureFtpd({ tls }) },
    {
      name: "ProFTPD",
      ignore: !isRoot(),
      start: () => startProftpd({ tls, passivePorts: 200 }),
    },
    { name: "pyftpdlib", ignore: peer("python3").ignore, start: () => startPyftpdlib({ tls }) },
  ];
}

/** Starts the server, or warns and returns `undefined` when it cannot run here. */
export async function startOrSkip(spec: ServerSpec): Promise<ServerHandle | undefined> {
  try {
    return await spec.start();
  } catch (error) {
    if (error instanceof ServerUnavailableError) {
      console.warn(`skipped: ${spec.name}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}
