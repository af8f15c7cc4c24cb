/**
 * What sessions share with their server, and the shape of command handlers.
 *
 * @module
 */

import type { Session } from "./_session.ts";
import type { TlsSecurer, TlsStream, TlsTerminator } from "./_tls_terminator.ts";
import type { VirtualFs } from "./_virtual_fs.ts";
import type { FtpFaults } from "./faults.ts";
import type { FtpTestConnection, FtpTestUser, ListFormat } from "./options.ts";

/** What sessions share with their server. */
export interface ServerContext {
  readonly fs: VirtualFs;
  readonly users: ReadonlyMap<string, FtpTestUser>;
  readonly anonymous: boolean;
  readonly greeting: string;
  /** Upper-case verbs (and `UTF8`, `TVFS`) that are switched off. */
  readonly disabled: ReadonlySet<string>;
  readonly listFormat: ListFormat;
  /** LIST and NLST leave dot-files out unless given `-a`. */
  readonly hideDotFiles: boolean;
  /** LIST and NLST read `ls` options before the path. */
  readonly listOptions: boolean;
  readonly idleTimeoutMs: number;
  readonly dataTimeoutMs: number;
  /** The faults in force right now. */
  faults(): FtpFaults;
  /** Adds a received (redacted) command line to the server's log. */
  record(line: string): void;
  /** Adds a connection to the server's list of connections. */
  recordConnection(connection: FtpTestConnection): void;
  /** Secures data connections, when the server has a certificate. */
  readonly tls: TlsTerminator | undefined;
  /** Secures control connections: `tls`, or one asking for client certificates. */
  readonly controlTls: TlsSecurer<TlsStream> | undefined;
  /** TLS from the first byte on the control connection. */
  readonly implicitTls: boolean;
  /** Refuse login before TLS, and data transfers without PROT P. */
  readonly requireTls: boolean;
  /** Refuse TLS data connections that do not resume a TLS session of this server. */
  readonly requireSessionReuse: boolean;
}

/** How one command is run. */
export interface CommandSpec {
  /** Handles the command. File system errors it throws become 4xx/5xx replies. */
  run(session: Session, argument: string): Promise<void>;
  /** Allowed before login. */
  beforeLogin?: boolean;
  /** Uses the data connection: consumes the pending PASV/PORT and REST. */
  transfer?: boolean;
}

/** Command handlers by upper-case verb. */
export type CommandTable = Readonly<Record<string, CommandSpec>>;
