/**
 * The shape of a task file (version 1): a connection and the steps to run
 * over it. YAML, JSON and JSONC files hold this object; a TypeScript module
 * default-exports it through {@linkcode defineTask}.
 *
 * @module
 */

import type { StepKinds } from "./steps/mod.ts";

/**
 * A duration: milliseconds as a number, or a string such as `"500ms"`,
 * `"30s"`, `"2m"` or `"1h"`.
 *
 * @example
 * ```ts
 * import type { Duration } from "@ferry/ftp/runner";
 * const timeout: Duration = "30s";
 * ```
 */
export type Duration = number | string;

/**
 * A whole number, or a string of digits (what `${VAR}` interpolation
 * produces).
 *
 * @example
 * ```ts
 * import type { WholeNumber } from "@ferry/ftp/runner";
 * const port: WholeNumber = "2121";
 * ```
 */
export type WholeNumber = number | string;

/**
 * TLS settings of a task's connection (used with `ftps://`, `ftpes://` or
 * `secure`).
 *
 * @example
 * ```ts
 * import type { TaskTls } from "@ferry/ftp/runner";
 * const tls: TaskTls = { caFile: "./ca.pem", verify: true };
 * ```
 */
export interface TaskTls {
  /**
   * A PEM file of extra certificate authorities to trust, relative to the
   * task file.
   *
   * @default {undefined}
   */
  caFile?: string;
  /**
   * Verify the server's certificate and host name. Off accepts any
   * certificate, an attacker's included.
   *
   * @default {true}
   */
  verify?: boolean;
  /**
   * The name to verify the certificate against (and send as SNI).
   *
   * @default {the host}
   */
  serverName?: string;
  /**
   * The oldest TLS version to accept (the client's `tls.minVersion`).
   * `"TLSv1.3"` refuses servers without it and runs on Node's TLS.
   *
   * @default {"TLSv1.2"}
   */
  minVersion?: "TLSv1.2" | "TLSv1.3";
  /**
   * The newest TLS version to offer (the client's `tls.maxVersion`).
   * `"TLSv1.2"` keeps TLS 1.3 out and runs on Node's TLS.
   *
   * @default {"TLSv1.3"}
   */
  maxVersion?: "TLSv1.2" | "TLSv1.3";
  /**
   * Clear the control connection after login (the client's
   * `tls.clearControl`, CCC): USER and PASS go encrypted, later commands in
   * plain text that a NAT or firewall can read; data connections stay
   * encrypted. Explicit FTPS (`ftpes://`) only; a server that refuses CCC
   * fails the login with `FtpTlsError` (`ccc-refused`).
   *
   * @default {false}
   */
  clearControl?: boolean;
}

/**
 * Where and how to connect. Give `url`, or `host` (with `port` and the rest);
 * fields given beside a URL override what it says. Every string may use
 * `${VAR}` and `${VAR:-default}`.
 *
 * @example
 * ```ts
 * import type { TaskConnection } from "@ferry/ftp/runner";
 * const connection: TaskConnection = {
 *   url: "ftpes://deploy@ftp.example.com/www",
 *   password: "${FTP_PASSWORD}",
 *   parallel: 8,
 * };
 * ```
 */
export interface TaskConnection {
  /**
   * `ftp://`, `ftps://` (implicit TLS) or `ftpes://` (explicit TLS), with
   * optional user, password, port and a directory to start in.
   *
   * @default {undefined}
   */
  url?: string;
  /**
   * Server host name or address.
   *
   * @default {the URL's host}
   */
  host?: string;
  /**
   * Server port.
   *
   * @default {21, or 990 for implicit TLS}
   */
  port?: WholeNumber;
  /**
   * User name.
   *
   * @default {the URL's, then ~/.netrc's, then "anonymous"}
   */
  user?: string;
  /**
   * Password. Never shown in output, reports or errors.
   *
   * @default {the URL's, then ~/.netrc's}
   */
  password?: string;
  /**
   * Account, sent with ACCT when the server asks for one.
   *
   * @default {undefined}
   */
  account?: string;
  /**
   * TLS: `"none"`, `"explicit"` (AUTH TLS) or `"implicit"`.
   *
   * @default {what the URL's scheme says, else "none"}
   */
  secure?: "none" | "explicit" | "implicit";
  /**
   * TLS settings.
   *
   * @default {{}}
   */
  tls?: TaskTls;
  /**
   * Data connection mode.
   *
   * @default {"passive"}
   */
  mode?: "passive" | "active";
  /**
   * An IP address of this machine to connect from (the client's
   * `localAddress`, ftplib's `source_address`): the control connection and
   * passive data connections come from it, and active mode listens on it.
   * `ferry permissions` adds it to `--allow-net`.
   *
   * @default {undefined (the system chooses)}
   */
  localAddress?: string;
  /**
   * Time allowed to open a connection: for the control connection, the TCP
   * connection, the TLS handshake of implicit TLS and the server's greeting
   * together; for a data connection, connecting (or, in active mode, the
   * server connecting).
   *
   * @default {"15s"}
   */
  connectTimeout?: Duration;
  /**
   * Time allowed for each reply (1xx chatter included).
   *
   * @default {"30s"}
   */
  replyTimeout?: Duration;
  /**
   * Time a data connection may move no byte.
   *
   * @default {"30s"}
   */
  dataTimeout?: Duration;
  /**
   * How many connections (each with its own login) carry a step's transfers.
   *
   * @default {4}
   */
  parallel?: WholeNumber;
  /**
   * Encoding of file names on the wire, for servers that do not use UTF-8.
   *
   * @default {"utf-8"}
   */
  encoding?: string;
  /**
   * List names that start with a dot (`.htaccess`) too, asking servers that
   * hide them from a plain LIST with `LIST -a` (the client's `listHidden`).
   * With `false`, a sync down with `delete` may remove local dot-files the
   * server does not list.
   *
   * @default {true}
   */
  listHidden?: boolean;
  /**
   * A bandwidth limit for the whole run, in bytes per second, shared by
   * every connection of the pool and counting both directions: a number,
   * or a string with a unit: `"500K"`, `"2M"`, `"2MiB"` (K, M, G and KiB,
   * MiB, GiB are powers of 1024; kB, MB, GB powers of 1000), optionally
   * followed by `/s`. Payload bytes are counted, not TLS or TCP overhead.
   *
   * @default {undefined (no limit)}
   */
  rateLimit?: number | string;
  /**
   * Where to look up a missing user or password: `true` for `~/.netrc`
   * (or `$NETRC`), a path, or `false` not to look.
   *
   * @default {true}
   */
  netrc?: boolean | string;
}

/**
 * When a transfer replaces an existing destination file:
 * `always`; `never`; `newer` (the source is newer); `different` (size or
 * modification time differ).
 *
 * @example
 * ```ts
 * import type { OverwritePolicy } from "@ferry/ftp/runner";
 * const policy: OverwritePolicy = "newer";
 * ```
 */
export type OverwritePolicy = "always" | "never" | "newer" | "different";

/**
 * One rule of a filter: first match wins. A path no rule matches is
 * included when the filter has no `include` rule, excluded otherwise.
 *
 * @example
 * ```ts
 * import type { FilterRule } from "@ferry/ftp/runner";
 * const rules: FilterRule[] = [{ exclude: "**\/*.map" }, { include: "**" }];
 * ```
 */
export type FilterRule = { include: string } | { exclude: string };

/**
 * Fields every step has.
 *
 * @example
 * ```ts
 * import type { StepCommon } from "@ferry/ftp/runner";
 * const common: StepCommon = { name: "upload", retries: 5, timeoutRetries: 2, continueOnError: true };
 * ```
 */
export interface StepCommon {
  /**
   * Shown in output and the report.
   *
   * @default {the step kind and its paths}
   */
  name?: string;
  /**
   * Run the next steps even if this one fails (the run still exits 1).
   *
   * @default {false}
   */
  continueOnError?: boolean;
  /**
   * How often a transient failure (4xx, lost connection, short transfer,
   * timeout) is retried, with exponential back-off and a fresh connection.
   *
   * @default {3}
   */
  retries?: WholeNumber;
  /**
   * How often a timeout is retried (within `retries`): a server that stops
   * answering costs about `timeoutRetries + 1` times the timeout in force.
   * When that many timeouts plus one come in a row in the step, with nothing
   * succeeding between them, the step stops waiting: the files it has not
   * started are not attempted.
   *
   * @default {1}
   */
  timeoutRetries?: WholeNumber;
}

/**
 * Paths: one, or a list.
 *
 * @example
 * ```ts
 * import type { PathList } from "@ferry/ftp/runner";
 * const dirs: PathList = ["site/css", "site/img"];
 * ```
 */
export type PathList = string | string[];

/**
 * One step of a task file: common fields plus exactly one action, under
 * its kind's key (see {@linkcode StepKinds} for each kind's action).
 *
 * @example
 * ```ts
 * import type { TaskStep } from "@ferry/ftp/runner";
 * const steps: TaskStep[] = [
 *   { mkdir: "www/assets" },
 *   { name: "upload", put: { from: "dist/*.html", to: "www/" }, retries: 5 },
 *   { rename: { from: "www/old.html", to: "www/archive.html" } },
 * ];
 * ```
 */
export type TaskStep = {
  [K in keyof StepKinds]: StepCommon & { [P in K]: StepKinds[P]["action"] };
}[keyof StepKinds];

/**
 * Settings of `ferry watch` (watch mode), all optional: how long changes
 * wait before they are uploaded as one batch, and how often idle
 * connections are kept alive.
 *
 * @example
 * ```ts
 * import type { TaskWatch } from "@ferry/ftp/runner";
 * const watch: TaskWatch = { debounce: "500ms", maxWait: "10s", keepAlive: "20s" };
 * ```
 */
export interface TaskWatch {
  /**
   * Quiet time: a batch starts once no change has come for this long, so
   * that a save of many files is one batch.
   *
   * @default {"300ms"}
   */
  debounce?: Duration;
  /**
   * The longest a change waits for the quiet time: under a steady stream
   * of changes a batch still starts this long after its first change.
   *
   * @default {"5s"}
   */
  maxWait?: Duration;
  /**
   * How often idle connections send NOOP, so that the server's idle
   * timeout (often 60 s to 15 min) does not close them; `0` sends none (a
   * connection the server closed is then replaced at the next batch).
   *
   * @default {"30s"}
   */
  keepAlive?: Duration;
}

/**
 * A task file: `version: 1`, a connection and steps run in order.
 *
 * @example
 * ```ts
 * import type { TaskFile } from "@ferry/ftp/runner";
 * const task: TaskFile = {
 *   version: 1,
 *   connection: { url: "ftp://127.0.0.1:2121" },
 *   steps: [{ get: { from: "readme.txt", to: "./" } }],
 * };
 * ```
 */
export interface TaskFile {
  /** A JSON Schema reference for editors; ignored by ferry. */
  $schema?: string;
  /** The task file format version. */
  version: 1;
  /** The server. */
  connection: TaskConnection;
  /** What to do, in order. */
  steps: TaskStep[];
  /** Settings of `ferry watch`; other commands ignore them. */
  watch?: TaskWatch;
}

/**
 * Types a task written in TypeScript: a module whose default export is
 * `defineTask({...})` runs with `ferry run task.ts` like a YAML file.
 *
 * @param task The task.
 * @returns The same object.
 *
 * @example
 * ```ts
 * import { defineTask } from "@ferry/ftp/runner";
 *
 * export default defineTask({
 *   version: 1,
 *   connection: { url: "ftp://127.0.0.1:2121", password: "${FTP_PASSWORD}" },
 *   steps: [{ sync: { direction: "up", local: "dist", remote: "www", delete: true } }],
 * });
 * ```
 */
export function defineTask(task: TaskFile): TaskFile {
  return task;
}
