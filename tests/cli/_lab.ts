// The five lab servers behind one face, for CLI tests that must hold on
// every one of them: the embedded server, vsftpd, Pure-FTPd, ProFTPD and
// pyftpdlib. Each is started on loopback with a writable directory; the
// password reaches ferry through FTP_PASSWORD, never a command line.

import { join } from "node:path";
import { FtpTestServer, type FtpTestServerOptions } from "../../src/testing/mod.ts";
import { isRoot, type ServerHandle } from "../_servers/_common.ts";
import { peer } from "../_peers.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { startPureFtpd } from "../_servers/pure_ftpd.ts";
import { startPyftpdlib } from "../_servers/pyftpdlib.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";

const EMBEDDED_PASSWORD = "lab-Pa55-wörd";

/** A running lab server. */
export interface LabServer extends AsyncDisposable {
  /** Which server: `embedded`, `vsftpd`, `pure-ftpd`, `proftpd` or `pyftpdlib`. */
  readonly name: string;
  /** `ftp://user@127.0.0.1:port/dir` of the writable directory: no password, no trailing slash. */
  readonly url: string;
  /** The local path of that directory: a task's relative remote paths start here. */
  readonly dir: string;
  /**
   * The local path of the directory a login lands in: a one-shot command's
   * URL path (and so its report's paths) starts here. `dir` or above it.
   */
  readonly root: string;
  /** The password, for assertions that it never shows. */
  readonly password: string;
  /** The environment ferry runs with: `FTP_PASSWORD`. */
  readonly env: Record<string, string>;
  /** The connection block of a task file (flow-map inside), with `${FTP_PASSWORD}`. */
  readonly connection: string;
  /** The embedded server itself (its faults and command log), when it is the one. */
  readonly embedded?: FtpTestServer;
  /** Lets the server's session user change what the test wrote under `dir`. */
  settle(): Promise<void>;
}

/** A lab server to start. */
export interface LabSpec {
  readonly name: string;
  /** Whether its tests are ignored on this machine (not root, program missing). */
  readonly ignore: boolean;
  /**
   * Starts it; `embedded` options apply to the embedded server only.
   * `slow` limits vsftpd and Pure-FTPd to 256 KiB/s per transfer, so that a
   * test can stop a run mid-transfer (the embedded server has fault hooks
   * for that).
   */
  start(embedded?: FtpTestServerOptions, options?: { slow?: boolean }): Promise<LabServer>;
}

/** The transfer rate of a `slow` lab server. */
export const SLOW_BYTES_PER_SECOND = 256 * 1024;

async function chmodAll(dir: string): Promise<void> {
  await new Deno.Command("chmod", { args: ["-R", "a+rwX", dir] }).output();
}

function fromHandle(name: string, handle: ServerHandle): LabServer {
  const url = `ftp://${handle.user}@${handle.host}:${handle.port}`;
  return {
    name,
    url,
    dir: handle.root,
    root: handle.root,
    password: handle.password,
    env: { FTP_PASSWORD: handle.password },
    connection: `url: "${url}", password: "\${FTP_PASSWORD}"`,
    // Owned by the session's user, as files it uploaded would be (setting a
    // file's time, MFMT, needs the owner).
    settle: async () => {
      await new Deno.Command("chown", { args: ["-R", `${handle.user}:`, handle.root] }).output();
      await chmodAll(handle.root);
    },
    [Symbol.asyncDispose]: () => handle.close(),
  };
}

/** The five lab servers. */
export const LAB: readonly LabSpec[] = [
  {
    name: "embedded",
    ignore: false,
    async start(options: FtpTestServerOptions = {}) {
      const server = await FtpTestServer.start({
        users: { lab: EMBEDDED_PASSWORD },
        anonymous: false,
        ...options,
      });
      const url = `ftp://lab@127.0.0.1:${server.port}`;
      return {
        name: "embedded",
        url,
        dir: server.root,
        root: server.root,
        password: EMBEDDED_PASSWORD,
        env: { FTP_PASSWORD: EMBEDDED_PASSWORD },
        connection: `url: "${url}", password: "\${FTP_PASSWORD}"`,
        embedded: server,
        settle: () => Promise.resolve(),
        [Symbol.asyncDispose]: () => server.close(),
      };
    },
  },
  {
    name: "vsftpd",
    ignore: vsftpd.ignore || !isRoot(),
    async start(_embedded, options = {}) {
      const server = await startVsftpd(
        options.slow ? { config: { anon_max_rate: String(SLOW_BYTES_PER_SECOND) } } : {},
      );
      // Anonymous: vsftpd takes any password, and the tests still check it never shows.
      const password = "lab-vsftpd-Pa55";
      const url = server.url.replace("ftp://", "ftp://anonymous@");
      return {
        name: "vsftpd",
        url,
        dir: server.dir,
        root: join(server.dir, ".."),
        password,
        env: { FTP_PASSWORD: password },
        connection: `url: "${url}", password: "\${FTP_PASSWORD}"`,
        settle: () => chmodAll(server.dir),
        [Symbol.asyncDispose]: () => server.close(),
      };
    },
  },
  {
    name: "pure-ftpd",
    ignore: !isRoot(),
    start: async (_embedded, options = {}) =>
      fromHandle(
        "pure-ftpd",
        await startPureFtpd(options.slow ? { bandwidthKiBps: SLOW_BYTES_PER_SECOND / 1024 } : {}),
      ),
  },
  {
    name: "proftpd",
    ignore: !isRoot(),
    start: async () => fromHandle("proftpd", await startProftpd()),
  },
  {
    name: "pyftpdlib",
    ignore: peer("python3").ignore,
    start: async () => fromHandle("pyftpdlib", await startPyftpdlib()),
  },
];

/** The lab servers named. */
export function lab(...names: string[]): LabSpec[] {
  return LAB.filter((spec) => names.includes(spec.name));
}
