/**
 * pyftpdlib on 127.0.0.1 for interop tests, with optional TLS
 * (`TLS_FTPHandler`: AUTH TLS; pyftpdlib has no implicit TLS).
 *
 * Uses Debian's `python3-pyftpdlib` (and `python3-openssl` for TLS) under
 * the system Python; runs as the current user (no root needed): its
 * `DummyAuthorizer` holds the one test user, whose password reaches the
 * script through the environment, never the command line.
 *
 * @example
 * ```ts
 * import { startPyftpdlib } from "./pyftpdlib.ts";
 *
 * await using server = await startPyftpdlib({});
 * console.log(`ftp://${server.user}@${server.host}:${server.port}/`);
 * ```
 *
 * @module
 */

import {
  cleanUp,
  type Daemon,
  findProgram,
  freePort,
  freePortRange,
  installedVersion,
  makeServerRoot,
  run,
  type ServerHandle,
  type ServerTlsFiles,
  ServerUnavailableError,
  spawnDaemon,
  TEST_USER,
  testPassword,
  waitForPort,
} from "./_common.ts";

/** How to start pyftpdlib. */
export interface PyftpdlibStartOptions {
  /** Certificate files: serve with `TLS_FTPHandler` (TLS offered, plain text still allowed). */
  tls?: ServerTlsFiles;
  /**
   * Seconds before pyftpdlib gives up on a passive listener nobody connected
   * to (it then sends "421 Passive data channel timed out." and keeps the
   * session).
   * @default 30
   */
  passiveTimeoutSeconds?: number;
}

const SERVER_SCRIPT = `
import logging, os, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, PassiveDTP
from pyftpdlib.servers import FTPServer

port, root, pasv_min, pasv_max = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
certfile = sys.argv[5] if len(sys.argv) > 5 else ""
logging.basicConfig(level=os.environ.get("FERRY_FTP_LOGLEVEL", "WARNING"), stream=sys.stderr)
authorizer = DummyAuthorizer()
authorizer.add_user(os.environ["FERRY_FTP_USER"], os.environ["FERRY_FTP_PASSWORD"], root,
                    perm="elradfmwMT")
if certfile:
    from pyftpdlib.handlers import TLS_FTPHandler as Handler
    Handler.certfile = certfile
    Handler.tls_control_required = False
    Handler.tls_data_required = False
else:
    Handler = FTPHandler
Handler.authorizer = authorizer
Handler.passive_ports = range(pasv_min, pasv_max + 1)
Handler.banner = "ferry interop (pyftpdlib)"
PassiveDTP.timeout = int(os.environ.get("FERRY_PASSIVE_TIMEOUT", "30"))
server = FTPServer(("127.0.0.1", port), Handler)
server.max_cons = 64
print("listening", flush=True)
server.serve_forever(timeout=0.5)
`;

/** The first Python that imports pyftpdlib (and OpenSSL, for TLS): Debian's first. */
async function findPython(tls: boolean): Promise<{ python: string; version: string }> {
  const candidates = ["/usr/bin/python3", findProgram("python3")].filter(
    (p): p is string => p !== undefined,
  );
  const probe = tls
    ? "import pyftpdlib, OpenSSL, ssl, sys; " +
      "print(pyftpdlib.__ver__, OpenSSL.__version__, ssl.OPENSSL_VERSION.split()[1], sys.version.split()[0])"
    : "import pyftpdlib, sys; print(pyftpdlib.__ver__, '-', '-', sys.version.split()[0])";
  for (const python of new Set(candidates)) {
    const result = await run(python, ["-c", probe]).catch(() => undefined);
    if (result?.code === 0) {
      const [pyftpd, pyopenssl, openssl, py] = result.stdout.trim().split(" ");
      const tlsPart = tls ? `, pyOpenSSL ${pyopenssl}, OpenSSL ${openssl}` : "";
      return { python, version: `pyftpdlib ${pyftpd} (Python ${py}${tlsPart})` };
    }
  }
  throw new ServerUnavailableError(
    `no Python with pyftpdlib${tls ? " and pyOpenSSL" : ""} found ` +
      `(apt-get install python3-pyftpdlib${tls ? " python3-openssl" : ""})`,
  );
}

/** Starts pyftpdlib. It has no implicit TLS, so `implicitPort` is never set. */
export async function startPyftpdlib(options: PyftpdlibStartOptions = {}): Promise<ServerHandle> {
  const { python, version } = await findPython(options.tls !== undefined);
  const packaged = await installedVersion("python3-pyftpdlib");
  const { base, root } = await makeServerRoot("ferry-interop-pyftpdlib-");
  const daemons: Daemon[] = [];
  const logs = () => daemons.map((d) => d.output()).join("\n");
  try {
    const script = `${base}/server.py`;
    await Deno.writeTextFile(script, SERVER_SCRIPT);
    const port = freePort();
    const pasv = freePortRange();
    const args = [script, String(port), root, String(pasv.min), String(pasv.max)];
    if (options.tls) args.push(options.tls.combinedPath);
    const daemon = spawnDaemon(python, args, {
      env: {
        FERRY_FTP_USER: TEST_USER,
        FERRY_FTP_PASSWORD: testPassword(),
        FERRY_PASSIVE_TIMEOUT: String(options.passiveTimeoutSeconds ?? 30),
        // DEBUG logs every command and reply to stderr (captured in logs()).
        FERRY_FTP_LOGLEVEL: Deno.env.get("FERRY_PYFTPDLIB_LOGLEVEL") ?? "WARNING",
      },
    });
    daemons.push(daemon);
    await waitForPort(daemon, port, "pyftpdlib", 15_000);
    const close = () => cleanUp(daemons, base);
    return {
      host: "127.0.0.1",
      port,
      user: TEST_USER,
      password: testPassword(),
      root,
      version: packaged ? `${version}, package python3-pyftpdlib ${packaged}` : version,
      logs,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await cleanUp(daemons, base);
    throw error;
  }
}
