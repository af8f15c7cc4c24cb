/**
 * vsftpd for the interop matrix, on the shared launcher
 * (`tests/_servers/vsftpd.ts`): a password login of the test user, TLS
 * offered on the plain port, and a second vsftpd with `implicit_ssl=YES`
 * serving the same directory for implicit FTPS.
 *
 * @module
 */

import {
  ensureTestUser,
  installedVersion,
  redactPassword,
  requireRoot,
  type ServerHandle,
  type ServerTlsFiles,
  ServerUnavailableError,
  testPassword,
} from "../_servers/_common.ts";
import { startVsftpd, type Vsftpd, vsftpd } from "../_servers/vsftpd.ts";

/** How to start the vsftpd pair. */
export interface InteropVsftpdOptions {
  /** Certificate files (TLS offered, plain text still allowed). */
  tls: ServerTlsFiles;
  /** `require_ssl_reuse`. @default {true} (vsftpd's own default) */
  requireSslReuse?: boolean;
  /** Also start the implicit-TLS listener. @default {false} */
  implicit?: boolean;
  /** Require a client certificate signed by this CA (PEM file). @default {undefined} */
  clientCaPath?: string;
}

/** Starts vsftpd (as root: PAM login of the test user, who vsftpd then becomes). */
export async function startInteropVsftpd(options: InteropVsftpdOptions): Promise<ServerHandle> {
  if (vsftpd.path === undefined) {
    throw new ServerUnavailableError("vsftpd is not installed (apt-get install vsftpd)");
  }
  requireRoot("vsftpd");
  const user = await ensureTestUser();
  const common = {
    localUser: user.name,
    // Only the test user logs in; the shared launcher's anonymous area stays unused.
    config: { anonymous_enable: "NO", utf8_filesystem: "YES", max_clients: "200" },
  };
  const servers: Vsftpd[] = [];
  const close = async () => {
    await Promise.all(servers.map((s) => s.close().catch(() => {})));
  };
  try {
    const tls = {
      certPath: options.tls.certPath,
      keyPath: options.tls.keyPath,
      requireSslReuse: options.requireSslReuse ?? true,
      clientCaPath: options.clientCaPath,
    };
    const plain = await startVsftpd({ ...common, tls });
    servers.push(plain);
    let implicitPort: number | undefined;
    if (options.implicit) {
      const implicit = await startVsftpd({
        ...common,
        tls: { ...tls, implicit: true },
        localRoot: plain.dir,
      });
      servers.push(implicit);
      implicitPort = implicit.port;
    }
    return {
      host: "127.0.0.1",
      port: plain.port,
      implicitPort,
      user: user.name,
      password: testPassword(),
      root: plain.dir,
      version: `vsftpd ${(await installedVersion("vsftpd")) ?? "(version unknown)"}`,
      logs: () => redactPassword(servers.map((s) => s.stderr()).join("\n")),
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await close();
    if (error instanceof ServerUnavailableError) throw error;
    throw new ServerUnavailableError(
      `vsftpd did not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
