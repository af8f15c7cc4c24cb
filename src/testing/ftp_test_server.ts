/**
 * The embedded FTP server: its options and the class that starts, tracks
 * and closes it.
 *
 * @module
 */

import { hostForUrl } from "../protocol/host.ts";
import { closeQuietly } from "../transport/close_quietly.ts";
import { HASH_VERBS } from "./_commands_hash.ts";
import { LIST_FORMATS } from "./_listing_format.ts";
import { type ServerContext, Session } from "./_session.ts";
import { listenWithClientAuth } from "./_client_auth_listener.ts";
import { type TlsSecurer, type TlsStream, TlsTerminator } from "./_tls_terminator.ts";
import { VirtualFs } from "./_virtual_fs.ts";
import type { FtpFaults } from "./faults.ts";
import type {
  FtpTestConnection,
  FtpTestServerOptions,
  FtpTestTlsOptions,
  FtpTestUser,
} from "./options.ts";

export type {
  FtpTestConnection,
  FtpTestServerOptions,
  FtpTestTlsOptions,
  FtpTestUser,
  ListFormat,
} from "./options.ts";

/** What secures data and control connections (the same one without `clientCa`). */
interface Terminators {
  data: TlsTerminator;
  control: TlsSecurer<TlsStream>;
}

async function startTerminators(
  options: FtpTestTlsOptions,
  handshakeTimeoutMs: number,
): Promise<Terminators> {
  const data = TlsTerminator.start(options);
  if (options.clientCa === undefined) return { data, control: data };
  try {
    const listener = await listenWithClientAuth(options, options.clientCa, handshakeTimeoutMs);
    return { data, control: new TlsTerminator(listener) };
  } catch (error) {
    await data.close();
    throw error;
  }
}

async function closeTerminators(terminators: Terminators | undefined): Promise<void> {
  if (!terminators) return;
  await Promise.all([terminators.data.close(), terminators.control.close()]);
}

/** The command log keeps at most this many of the latest lines. */
const COMMAND_LOG_LIMIT = 100_000;

/**
 * An FTP server on the local machine, for tests and demos. It serves one
 * directory, speaks RFC 959 with the extensions of RFC 2389, 2428 and 3659,
 * and can inject faults (see {@linkcode FtpFaults}).
 *
 * @example Serve a temporary directory for the length of a test
 * ```ts
 * import { FtpTestServer } from "@ferry/ftp/testing";
 *
 * await using server = await FtpTestServer.start();
 * await Deno.writeTextFile(`${server.root}/hello.txt`, "hello\n");
 * console.log(server.url); // "ftp://127.0.0.1:40123", say
 * // connect a client to server.url, anonymous login works
 * ```
 *
 * @example Explicit FTPS that refuses anything in plain text
 * ```ts
 * import { FtpTestServer } from "@ferry/ftp/testing";
 *
 * await using server = await FtpTestServer.start({
 *   // A leaf certificate for localhost signed by a test CA, and its key.
 *   tls: { cert: await Deno.readTextFile("server.pem"), key: await Deno.readTextFile("server.key") },
 *   requireTls: true,
 * });
 * console.log(server.url); // "ftpes://127.0.0.1:40123", say
 * // curl --ssl-reqd --cacert ca.pem ftp://localhost:40123/
 * ```
 */
export class FtpTestServer implements AsyncDisposable {
  /** The address the server listens on, such as `"127.0.0.1"` or `"::1"`. */
  readonly hostname: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The directory served as `/`. */
  readonly root: string;
  /**
   * The faults in force. Change fields, or assign a new object, at any time;
   * each is read when it matters.
   */
  faults: FtpFaults;

  /**
   * The FTPS mode: `"none"` (plain FTP), `"explicit"` (AUTH TLS offered)
   * or `"implicit"` (TLS from the first byte), as ferry's `secure` option
   * names them.
   */
  readonly secure: "none" | "explicit" | "implicit";

  readonly #listener: Deno.Listener;
  readonly #tls: Terminators | undefined;
  readonly #context: ServerContext;
  readonly #ownsRoot: boolean;
  readonly #commands: string[] = [];
  readonly #connections: FtpTestConnection[] = [];
  readonly #sessions = new Map<Session, Promise<void>>();
  readonly #accepting: Promise<void>;
  #nextSessionId = 1;
  #closing: Promise<void> | undefined;

  private constructor(
    listener: Deno.Listener,
    fs: VirtualFs,
    root: string,
    ownsRoot: boolean,
    options: FtpTestServerOptions,
    tls: Terminators | undefined,
  ) {
    this.#listener = listener;
    this.#tls = tls;
    this.secure = tls === undefined ? "none" : options.implicitTls ? "implicit" : "explicit";
    const address = listener.addr as Deno.NetAddr;
    this.hostname = address.hostname;
    this.port = address.port;
    this.root = root;
    this.#ownsRoot = ownsRoot;
    this.faults = { ...options.faults };
    const users = new Map<string, FtpTestUser>();
    for (const [name, user] of Object.entries(options.users ?? {})) {
      users.set(name, typeof user === "string" ? { password: user } : { ...user });
    }
    this.#context = {
      fs,
      users,
      anonymous: options.anonymous ?? true,
      greeting: options.greeting ?? "ferry test server ready",
      // Checksum commands are offered only when asked for, so that the
      // server's FEAT stays what tests of other features expect.
      disabled: new Set(
        [...options.disabledCommands ?? [], ...options.hashCommands ? [] : HASH_VERBS]
          .map((c) => c.toUpperCase()),
      ),
      listFormat: options.listFormat ?? "unix",
      hideDotFiles: options.hideDotFiles ?? false,
      listOptions: options.listOptions ?? true,
      idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
      dataTimeoutMs: options.dataTimeoutMs ?? 30_000,
      tls: tls?.data,
      controlTls: tls?.control,
      implicitTls: tls !== undefined && options.implicitTls === true,
      requireTls: tls !== undefined && options.requireTls === true,
      requireSessionReuse: tls !== undefined && options.requireSessionReuse === true,
      faults: () => this.faults,
      record: (line) => {
        this.#commands.push(line);
        if (this.#commands.length > COMMAND_LOG_LIMIT) this.#commands.shift();
      },
      recordConnection: (connection) => {
        this.#connections.push(connection);
        if (this.#connections.length > COMMAND_LOG_LIMIT) this.#connections.shift();
      },
    };
    this.#accepting = this.#acceptLoop();
  }

  /**
   * Starts a server and resolves once it listens.
   *
   * @param options How to run it; everything has a default.
   * @returns The running server. Close it with `close()` or `await using`.
   * @throws {TypeError} For an unknown `listFormat`; `implicitTls`,
   * `requireTls` or `requireSessionReuse` without `tls`; or
   * `requireSessionReuse` with `tls.clientCa`.
   * @throws If the root does not exist or the address cannot be listened on.
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * const server = await FtpTestServer.start({ hostname: "::1", users: { bob: "pw" } });
   * console.log(server.url); // "ftp://[::1]:40123", say
   * await server.close();
   * ```
   */
  static async start(options: FtpTestServerOptions = {}): Promise<FtpTestServer> {
    const format = options.listFormat ?? "unix";
    if (!Object.hasOwn(LIST_FORMATS, format)) {
      throw new TypeError(`Unknown listFormat ${JSON.stringify(format)}; use "unix"`);
    }
    for (const needsTls of ["implicitTls", "requireTls", "requireSessionReuse"] as const) {
      if (options[needsTls] && !options.tls) {
        throw new TypeError(`${needsTls} needs tls: { cert, key }`);
      }
    }
    if (options.requireSessionReuse && options.tls?.clientCa !== undefined) {
      throw new TypeError(
        "requireSessionReuse cannot be met with tls.clientCa: the control connection's " +
          "TLS (node:tls) and the data connections' (Deno) share no sessions",
      );
    }
    const ownsRoot = options.root === undefined;
    const root = options.root ?? await Deno.makeTempDir({ prefix: "ferry-ftp-test-" });
    let tls: Terminators | undefined;
    try {
      const fs = await VirtualFs.open(root);
      if (options.tls) tls = await startTerminators(options.tls, options.dataTimeoutMs ?? 30_000);
      const listener = Deno.listen({
        hostname: options.hostname ?? "127.0.0.1",
        port: options.port ?? 0,
      });
      return new FtpTestServer(listener, fs, root, ownsRoot, options, tls);
    } catch (error) {
      await closeTerminators(tls);
      if (ownsRoot) await Deno.remove(root, { recursive: true }).catch(() => {});
      throw error;
    }
  }

  /**
   * The server's URL, such as `ftp://127.0.0.1:40123` or `ftp://[::1]:40123`.
   * The scheme follows {@linkcode FtpTestServer.secure} as ferry's client
   * reads it: `ftpes://` for explicit FTPS, `ftps://` for implicit FTPS
   * (curl, which knows no `ftpes://`, wants `ftp://` with `--ssl-reqd`).
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * await using server = await FtpTestServer.start();
   * console.log(new URL(server.url).port === String(server.port)); // true
   * ```
   */
  get url(): string {
    const scheme = { none: "ftp", explicit: "ftpes", implicit: "ftps" }[this.secure];
    return `${scheme}://${hostForUrl(this.hostname)}:${this.port}`;
  }

  /**
   * Every command line received so far, from all connections, in arrival
   * order, with the arguments of PASS and ACCT replaced by `***`. A line is
   * logged when it arrives, before it is handled. This is a live view, not
   * a copy; it keeps the latest 100 000 lines.
   *
   * @example Prove that a client refused to send a command
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * await using server = await FtpTestServer.start();
   * // ... a client call that must fail before sending DELE ...
   * console.log(server.commands.some((line) => line.startsWith("DELE"))); // false
   * ```
   */
  get commands(): readonly string[] {
    return this.#commands;
  }

  /**
   * Every TCP connection so far, control and data, in the order they were
   * made, with the addresses of both ends (the client's address, as the
   * server saw it, is where the client connected from; for an active-mode
   * data connection, where the server connected to). A data connection is
   * listed once made, before its TLS, if any. This is a live view, not a
   * copy; it keeps the latest 100 000.
   *
   * @example Where did the client connect from?
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * await using server = await FtpTestServer.start();
   * // ... a client connects and lists a directory ...
   * for (const c of server.connections) {
   *   console.log(c.session, c.kind, c.mode ?? "", c.client.hostname);
   * }
   * ```
   */
  get connections(): readonly FtpTestConnection[] {
    return this.#connections;
  }

  /**
   * How many control connections are open.
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * await using server = await FtpTestServer.start();
   * console.log(server.sessionCount); // 0
   * ```
   */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * Stops listening, ends every session and transfer, waits for all of
   * them, and deletes the root if the server created it. Safe to call more
   * than once.
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * const server = await FtpTestServer.start();
   * await server.close();
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  /**
   * Closes the server, for `await using`.
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * {
   *   await using server = await FtpTestServer.start();
   * } // closed here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutDown(): Promise<void> {
    closeQuietly(this.#listener);
    await this.#accepting;
    for (const session of this.#sessions.keys()) session.close();
    // Closing TLS connections ends their relays at once: no lingering here.
    await Promise.all([...this.#sessions.values(), closeTerminators(this.#tls)]);
    if (this.#ownsRoot) await Deno.remove(this.root, { recursive: true }).catch(() => {});
  }

  async #acceptLoop(): Promise<void> {
    // Ends when close() closes the listener.
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return;
      }
      if (this.#closing) {
        closeQuietly(conn);
        return;
      }
      (conn as Deno.TcpConn).setNoDelay(true);
      const session = new Session(this.#nextSessionId++, this.#context, conn);
      const done = session.run().finally(() => this.#sessions.delete(session));
      this.#sessions.set(session, done);
    }
  }
}
