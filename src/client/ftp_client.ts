/**
 * {@linkcode FtpClient}: the public client. It queues calls FIFO on one
 * control connection (QFtp's model: ids, events, abort, pending control) and
 * runs each against the session, which holds one method per FTP command.
 *
 * This file is long because it is the documented public surface: each method
 * is a few lines that validate input, queue, and call the session. The
 * machinery is beside it: the session in `_session.ts`, connecting,
 * reconnecting and leaving in `_connection.ts`, the queue in
 * `_command_queue.ts`, the checks made before queueing in `_call_options.ts`
 * and `_upload_options.ts`, and what a call loads on first use in the
 * modules named below.
 *
 * @module
 */

import { FtpAbortError, type FtpError, FtpInputError, replyError } from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { assertSafeArgument, redactCommand } from "../protocol/command.ts";
import { type FtpReply, isCompletion } from "../protocol/reply.ts";
import {
  anonymousRefusal,
  assertClearable,
  assertExplicitTls,
  loginCredentials,
} from "./_connect.ts";
import { Connection } from "./_connection.ts";
import type { Transfer } from "./_transfer.ts";
import { CommandQueue, type JobContext, OWNS_ABORT } from "./_command_queue.ts";
import type { FtpRequest } from "./request.ts";
import type { TransferHooks } from "./_download.ts";
import { downloadToFile } from "./_download_file.ts";
import type { RangeRequest } from "./_fetch_range.ts";
import type { DotFileOptions } from "./_listing.ts";
import { lazyModule } from "./_lazy_module.ts";
import type { Session } from "./_session.ts";
import { isDirectory, statEntry } from "./_stat.ts";
import type { WalkEntry, WalkOptions } from "./_walk.ts";
import { type TextCodec, textCodec } from "../protocol/text_codec.ts";
import type { UploadSource } from "./_upload.ts";
import { checkUploadOptions, sourceUploadOptions } from "./_upload_options.ts";
import {
  type FtpClientEventMap,
  FtpCommandFinishedEvent,
  type FtpCommandKind,
  FtpCommandStartedEvent,
  FtpDoneEvent,
  FtpInfoEvent,
  FtpListInfoEvent,
  FtpProgressEvent,
  type FtpState,
  FtpWarningEvent,
} from "./events.ts";
import type {
  CallOptions,
  DownloadAllFile,
  DownloadAllOptions,
  DownloadAllOutcome,
  DownloadOptions,
  FtpClientOptions,
  ListOptions,
  RecursiveOptions,
  RenameOptions,
  TransferMode,
  TransferResult,
  UploadOptions,
} from "./options.ts";
import { type LocalFile, localFile } from "./_local_file.ts";
import {
  checkArguments,
  checkDownloadOptions,
  checkMaxBytes,
  checkTransferOptions,
  isUploadSource,
  isWritableStream,
  offsetOf,
  progressOf,
  transferType,
  urlOptions,
} from "./_call_options.ts";
import { assertRawCommand, checkDataCommand } from "./_raw_commands.ts";
import type { CommandDownload, CommandUpload } from "./command_results.ts";
import { type RateLimiter, rateLimiterOf } from "./rate_limit.ts";

// Loaded on their first call (_lazy_module.ts): a one-file download needs none of them.
const listing = lazyModule(() => import("./_listing.ts"));
// listStream()'s stream of entries (a web stream: see `streaming` below).
const entryStreams = lazyModule(() => import("./_iterator_stream.ts"));
const recursive = lazyModule(() => import("./_recursive.ts"));
const directories = lazyModule(() => import("./_make_directories.ts"));
const walking = lazyModule(() => import("./_walk.ts"));
const statting = lazyModule(() => import("./_stat_all.ts"));
const segmented = lazyModule(() => import("./_segmented_download.ts"));
const ranges = lazyModule(() => import("./_fetch_range.ts"));
// Downloads into streams: web streams cost start-up time a download to a file does not need.
const streaming = lazyModule(() => import("./_download.ts"));
// Uploads and replacing renames (their option checks are in _upload_options.ts,
// which runs before a call is queued).
const uploads = lazyModule(() => import("./_upload.ts"));
const sourceUploads = lazyModule(() => import("./_upload_source.ts"));
const replacing = lazyModule(() => import("./_replace.ts"));
// Many files in one call: loaded by the first downloadAllTo.
const batches = lazyModule(() => import("./_download_batch.ts"));

export type { CommandDownload, CommandUpload, UploadSource, WalkEntry, WalkOptions };

/**
 * An FTP client. Every method returns a promise carrying the id of its
 * queued command; calls made while another runs wait their turn in FIFO
 * order. Events (`commandStarted`, `commandFinished`, `stateChanged`,
 * `progress`, `reply`, `listInfo`, `done`, `warning`, `info`) report what
 * happens.
 *
 * @example Connect, upload, list, download
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://user:secret@127.0.0.1:2121/");
 * await client.upload("hello.txt", "Hello, world!\n");
 * for (const entry of await client.list()) console.log(entry.type, entry.name, entry.size);
 * const text = await new Response(await client.download("hello.txt")).text();
 * ```
 */
export class FtpClient extends EventTarget implements AsyncDisposable {
  readonly #options: FtpClientOptions;
  readonly #queue: CommandQueue;
  /** The session, state and TLS policy, and how they are opened and replaced. */
  readonly #connection: Connection;
  #closing?: Promise<void>;
  #lastError?: Error;
  readonly #codec: TextCodec;
  /** The event types anyone added a listener for (see `#emit`). */
  readonly #heard = new Set<string>();
  /** The arguments of the login that succeeded, for clones (see `segments`). */
  #loginWith?: [string | undefined, string | undefined, string | undefined];
  /** The options' path, still to change into after a `login()` (with `login: false`). */
  #pathAfterLogin?: string;

  /**
   * Creates a client without connecting; call `connect()` (or use the static
   * `FtpClient.connect`). Listeners added now see every event from the start.
   *
   * @param options Server, credentials, timeouts and behaviour.
   */
  constructor(options: FtpClientOptions = {}) {
    super();
    this.#options = { ...options };
    this.#codec = textCodec(options.encoding);
    checkMaxBytes({ maxBytes: options.maxListingBytes });
    this.#connection = new Connection(this.#options, this.#codec.encoding, {
      dispatch: (event) => this.dispatchEvent(event),
      emit: (type, make) => this.#emit(type, make),
      currentId: () => this.#queue.current?.id ?? 0,
    });
    this.#queue = new CommandQueue({
      started: (id, kind) => {
        this.#lastError = undefined;
        this.#emit("commandStarted", () => new FtpCommandStartedEvent(id, kind));
      },
      finished: (id, kind, error) => {
        if (error) this.#lastError = error;
        if (this.#connection.session?.control.closed) this.#connection.drop();
        this.#emit("commandFinished", () => new FtpCommandFinishedEvent(id, kind, error));
      },
      done: (error) => this.#emit("done", () => new FtpDoneEvent(error)),
    }, options.cancelPendingOnError ?? true);
  }

  /**
   * Connects and logs in, then changes into the URL's path (if any).
   *
   * @param target An `ftp://user:password@host:port/path` URL
   * (percent-decoded) or an options object.
   * @param options More options; with a URL, these add to what it says.
   * @returns A logged-in client. Use `await using` to quit when done.
   * @throws {FtpConnectionError} When the host is unknown or refuses.
   * @throws {FtpReplyError} When the server refuses the login.
   *
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   *
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121/pub", { replyTimeout: 5000 });
   * console.log(client.welcome, await client.pwd());
   * ```
   */
  static async connect(
    target: string | FtpClientOptions,
    options: FtpClientOptions = {},
  ): Promise<FtpClient> {
    const fromTarget = typeof target === "string" ? urlOptions(target) : target;
    const client = new FtpClient({ ...fromTarget, ...options });
    try {
      await client.connect();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** The connection state, as QFtp's `state()`. */
  get state(): FtpState {
    return this.#connection.state;
  }

  /** The server's greeting text (ftplib's `getwelcome()`), once connected. */
  get welcome(): string | undefined {
    return this.#connection.session?.greeting?.text;
  }

  /** The features from FEAT, read once after login: name to parameters. */
  get features(): ReadonlyMap<string, string> {
    return this.#connection.session?.features ?? new Map();
  }

  /**
   * Whether listings of this connection may have left out names that start
   * with a dot (`.htaccess`): it listed with LIST (no MLSD), and either the
   * `listHidden` option is off or the server has shown neither that it
   * takes `LIST -a` nor dot-files in a plain listing (a server that refused
   * `-a` was reported with a `warning`). A sync must not take such names
   * for absent.
   */
  get listingsMayMissDotFiles(): boolean {
    const session = this.#connection.session;
    if (!session?.listedWithList) return false;
    if (!(this.#options.listHidden ?? true)) return true;
    return session.dotFiles !== "ask" && session.dotFiles !== "shown";
  }

  /**
   * The error of the last command that finished, or `undefined` if it
   * succeeded; reset when a command starts (QFtp's `error()` and
   * `errorString()`: use `lastError?.message`).
   */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Number of queued calls not yet started (QFtp's `hasPendingCommands`). */
  get pending(): number {
    return this.#queue.pending;
  }

  /** The running command's id and kind, or `undefined` when idle. */
  get currentCommand(): { id: number; command: FtpCommandKind } | undefined {
    const current = this.#queue.current;
    return current && { id: current.id, command: current.kind };
  }

  /** Passive or active data connections; takes effect from the next transfer. */
  get transferMode(): TransferMode {
    return this.#connection.transferMode;
  }

  set transferMode(mode: TransferMode) {
    if (mode !== "passive" && mode !== "active") {
      throw new FtpInputError(`transferMode must be "passive" or "active", got ${mode}`);
    }
    this.#connection.transferMode = mode;
    const session = this.#connection.session;
    if (session) session.transferMode = mode;
  }

  /**
   * Queues connect and login (and a change of directory when the options name
   * a path), as QFtp's `connectToHost` + `login`. With the `login: false`
   * option it only connects (greeting, and AUTH TLS for explicit FTPS):
   * call `login()` next.
   *
   * @param options A signal to cancel.
   * @returns Resolves when logged in (or connected, with `login: false`);
   * its id is the connect command's.
   * @example Connect now, log in later (QFtp's connectToHost, then login)
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   *
   * const client = new FtpClient({ host: "127.0.0.1", port: 2121, login: false });
   * await client.connect();
   * console.log(client.state, client.welcome); // "connected", the greeting
   * await client.login("alice", "s3cret");
   * await client.close();
   * ```
   */
  connect(options: CallOptions = {}): FtpRequest<void> {
    // A close() still winding down finishes before the new connection opens.
    const closing = this.#closing;
    this.#closing = undefined;
    const opened = this.#queue.enqueue("connect", async (ctx) => {
      await closing;
      await this.#connection.open(ctx);
    }, options.signal);
    const path = this.#options.path;
    if (this.#options.login === false) {
      this.#pathAfterLogin = path;
      return opened;
    }
    const steps: Promise<unknown>[] = [
      opened,
      this.login(undefined, undefined, undefined, options),
    ];
    if (path !== undefined) steps.push(this.cd(path, options));
    return Object.assign(Promise.all(steps).then(() => {}), { id: opened.id });
  }

  /**
   * Logs in: USER, then PASS and ACCT as the server asks. Defaults come from
   * the options (anonymous when none). Then reads FEAT and turns on UTF-8.
   * `connect()` calls it unless the `login: false` option is given; after
   * such a connect, this login also changes into the options' `path`. A
   * refused login leaves the client connected: call `login()` again.
   *
   * @param user User name.
   * @param password Password (never logged).
   * @param account Account, sent if the server asks (332).
   * @param options A signal to cancel.
   * @returns Resolves when logged in.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   *
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121", { login: false });
   * await client.login("alice", Deno.env.get("FTP_PASSWORD"));
   * ```
   */
  login(
    user?: string,
    password?: string,
    account?: string,
    options: CallOptions = {},
  ): FtpRequest<void> {
    const name = user ?? this.#options.user ?? "anonymous";
    const secret = password ?? this.#options.password ??
      (/^(anonymous|ftp)$/i.test(name) ? "anonymous@" : "");
    const acct = account ?? this.#options.account;
    const checkSecrets = () => {
      assertSafeArgument(secret, "password", false);
      if (acct !== undefined) assertSafeArgument(acct, "account", false);
    };
    return this.#call(
      "login",
      [name],
      async (ctx) => {
        const session = this.#require("connected");
        const credentials = loginCredentials(this.#options, name, secret, acct);
        try {
          await this.#connection.loginOnce(ctx, session, credentials);
        } catch (error) {
          this.#connection.policy?.failed();
          throw user === undefined && this.#options.user === undefined
            ? anonymousRefusal(error)
            : error;
        }
        this.#connection.credentials = credentials;
        this.#loginWith = [user, password, account];
        this.#connection.setState("loggedIn");
        // The login may have moved to a new connection (see Connection.loginOnce).
        await this.#connection.settleDataTls(ctx, this.#require());
        // A settled TLS decision may have replaced the session: ask for it anew.
        const path = this.#pathAfterLogin;
        this.#pathAfterLogin = undefined;
        if (path !== undefined) await this.#require().cwd(path);
      },
      options,
      checkSecrets,
    );
  }

  /**
   * The current directory (PWD).
   *
   * @param options A signal to cancel.
   * @returns The path.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * console.log(await client.pwd()); // "/"
   * ```
   */
  pwd(options: CallOptions = {}): FtpRequest<string> {
    return this.#call("pwd", [], () => this.#require().pwd(), options);
  }

  /**
   * Changes the current directory (CWD).
   *
   * @param path The directory.
   * @param options A signal to cancel.
   * @returns Resolves when changed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.cd("pub");
   * ```
   */
  cd(path: string, options: CallOptions = {}): FtpRequest<void> {
    return this.#call("cd", [path], () => this.#require().cwd(path), options);
  }

  /**
   * Changes to the parent directory (CDUP).
   *
   * @param options A signal to cancel.
   * @returns Resolves when changed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121/pub");
   * await client.cdup();
   * ```
   */
  cdup(options: CallOptions = {}): FtpRequest<void> {
    return this.#call("cdup", [], () => this.#require().cdup(), options);
  }

  /**
   * Creates a directory (MKD); with `recursive`, also its missing parents,
   * and an existing directory is not an error. `recursive` sends the MKD of
   * every level (`a`, `a/b`, `a/b/c`) and a CWD into the path and back
   * together: one round trip whether none, some or all levels exist, where
   * the server takes commands sent together (see the `pipelining` option).
   * A level that is a file fails the call with the MKD reply of that level,
   * the path named in its message. The current directory is not changed.
   *
   * @param path The directory.
   * @param options `recursive`, and a signal to cancel.
   * @returns Resolves when created.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.mkdir("site/assets/img", { recursive: true });
   * ```
   */
  mkdir(path: string, options: RecursiveOptions = {}): FtpRequest<void> {
    return this.#call("mkdir", [path], async () => {
      const session = this.#require();
      if (!options.recursive) return void await session.mkd(path);
      const { makeDirectories } = directories.module ?? await directories.load();
      const [error] = await makeDirectories(session, [path], { recursive: true, probeLast: true });
      if (error) throw error;
    }, options);
  }

  /**
   * Creates many directories (MKD), with `recursive` each with its missing
   * parents, every MKD sent together, parents first: one round trip where
   * the server takes commands sent together (see the `pipelining` option),
   * one per directory where it does not. A path that exists already as a
   * directory is no error; only paths whose MKD failed are then asked
   * about (CWD in and back, again together). Without `recursive`, each
   * path's parent must exist or come earlier in `paths`. The session's
   * directory is not changed.
   *
   * A path that is not a directory afterwards does not fail the call: its
   * place holds the error, the MKD reply of the level in the way (the path,
   * or the topmost level above it that is a file or could not be made),
   * with the path named in its message.
   *
   * @param paths The directories, relative to the current one or absolute.
   * @param options `recursive`, and a signal to cancel.
   * @returns For each path, in order, `undefined` where it is a directory
   * now, or the error that says why not.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const results = await client.mkdirAll(["site/css", "site/img/icons"], { recursive: true });
   * for (const error of results) if (error) console.error(error.message);
   * ```
   */
  mkdirAll(
    paths: string[],
    options: RecursiveOptions = {},
  ): FtpRequest<(FtpError | undefined)[]> {
    const recursive = options.recursive === true;
    return this.#call(
      "mkdir",
      [...paths],
      async () => {
        const session = this.#require();
        const { makeDirectories } = directories.module ?? await directories.load();
        return await makeDirectories(session, [...paths], { recursive });
      },
      options,
    );
  }

  /**
   * Removes a directory (RMD); with `recursive`, first everything in it.
   * Symbolic links inside are deleted, never followed, and entries whose
   * names could point outside (`..`, `a/b`) are skipped with a `warning`.
   *
   * @param path The directory.
   * @param options `recursive`, and a signal to cancel.
   * @returns Resolves when removed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.rmdir("old-site", { recursive: true });
   * ```
   */
  rmdir(path: string, options: RecursiveOptions = {}): FtpRequest<void> {
    if (!options.recursive) {
      return this.#call("rmdir", [path], () => this.#require().rmd(path), options);
    }
    return this.#call(
      "rmdir",
      [path],
      async (ctx) => {
        const session = this.#require();
        const { removeTree } = recursive.module ?? await recursive.load();
        await removeTree(session, path, ctx.signal, this.#maxListingBytes, this.#dotFiles);
      },
      options,
      undefined,
      true,
    );
  }

  /**
   * Deletes a file (DELE).
   *
   * @param path The file.
   * @param options A signal to cancel.
   * @returns Resolves when deleted.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.remove("old.log");
   * ```
   */
  remove(path: string, options: CallOptions = {}): FtpRequest<void> {
    return this.#call("remove", [path], () => this.#require().dele(path), options);
  }

  /**
   * Renames or moves a file or directory (RNFR + RNTO). With `replace`, an
   * existing `to` is replaced even on servers that will not rename over a
   * file: the old one is moved aside, the new one renamed into place, then
   * the old one removed (see {@linkcode RenameOptions}).
   *
   * @param from The current path.
   * @param to The new path.
   * @param options `replace`, and a signal to cancel.
   * @returns Resolves when renamed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.rename("upload.tmp", "report.pdf");
   * await client.rename("index.html.new", "index.html", { replace: true });
   * ```
   */
  rename(from: string, to: string, options: RenameOptions = {}): FtpRequest<void> {
    if (!options.replace) {
      return this.#call("rename", [from, to], () => this.#require().rename(from, to), options);
    }
    return this.#call(
      "rename",
      [from, to],
      async () => {
        const { replaceFile } = replacing.module ?? await replacing.load();
        return await replaceFile(this.#require(), from, to, (message) => this.#warn(message));
      },
      options,
    );
  }

  /**
   * A file's size in bytes (SIZE, in binary type).
   *
   * @param path The file.
   * @param options A signal to cancel.
   * @returns The size.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * console.log(await client.size("big.iso"));
   * ```
   */
  size(path: string, options: CallOptions = {}): FtpRequest<number> {
    return this.#call("size", [path], () => this.#require().size(path), options);
  }

  /**
   * A file's modification time (MDTM), an exact UTC instant.
   *
   * @param path The file.
   * @param options A signal to cancel.
   * @returns The time.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * console.log((await client.lastModified("a.txt")).toISOString());
   * ```
   */
  lastModified(path: string, options: CallOptions = {}): FtpRequest<Date> {
    return this.#call("lastModified", [path], () => this.#require().mdtm(path), options);
  }

  /**
   * The modification times (MDTM) of many files, asked together: up to 512
   * commands share one round trip where the server takes commands sent
   * together (see the `pipelining` option), instead of one round trip each.
   * A file the server refuses (a missing one: 550) does not fail the call:
   * its place holds the error, which names its command.
   *
   * @param paths The files.
   * @param options A signal to cancel.
   * @returns For each path, in order, its time or the error its reply made.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const times = await client.lastModifiedAll(["a.txt", "b.txt"]);
   * for (const time of times) console.log(time instanceof Date ? time.toISOString() : time.message);
   * ```
   */
  lastModifiedAll(paths: string[], options: CallOptions = {}): FtpRequest<(Date | FtpError)[]> {
    return this.#call("lastModified", [...paths], () => this.#require().mdtmAll(paths), options);
  }

  /**
   * Sets a file's modification time (MFMT). Fails with
   * `FtpUnsupportedError` when the server does not offer MFMT.
   *
   * @param path The file.
   * @param date The time to set (sent to the second, in UTC).
   * @param options A signal to cancel.
   * @returns Resolves when set.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.setLastModified("a.txt", new Date("2026-01-01T00:00:00Z"));
   * ```
   */
  setLastModified(path: string, date: Date, options: CallOptions = {}): FtpRequest<void> {
    return this.#call("setLastModified", [path], () => this.#require().mfmt(path, date), options);
  }

  /**
   * Lists a directory: MLSD when the server offers it, otherwise LIST with
   * the format detected. `.` and `..` are left out. Each entry is also sent
   * as a `listInfo` event as it arrives.
   *
   * @param path The directory; the current one when omitted.
   * @param options A signal to cancel.
   * @returns The entries.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * for (const entry of await client.list("/pub")) console.log(entry.name, entry.size);
   * ```
   */
  list(path?: string, options: ListOptions = {}): FtpRequest<FileInfo[]> {
    return this.#call(
      "list",
      path ? [path] : [],
      async (ctx) => {
        const session = this.#require();
        const onEntry = (entry: FileInfo) =>
          this.#emit("listInfo", () => new FtpListInfoEvent(ctx.id, entry));
        const { listAll } = listing.module ?? await listing.load();
        return await listAll(
          session,
          path,
          ctx.signal,
          this.#maxBytes(options),
          this.#dotFiles,
          onEntry,
        );
      },
      options,
      () => checkMaxBytes(options),
    );
  }

  /**
   * Lists a directory as a stream of entries parsed while the bytes arrive:
   * memory stays constant however many entries the directory holds. The
   * listing completes when the stream has been read to its end; cancelling
   * it sends ABOR. Until then, later calls wait in the queue.
   *
   * @param path The directory; the current one when omitted.
   * @param options `maxBytes` (default: the `maxListingBytes` option), and a signal.
   * @returns The stream, once the server has started sending.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * let total = 0;
   * for await (const entry of await client.listStream("/huge")) total += entry.size ?? 0;
   * ```
   */
  listStream(path?: string, options: ListOptions = {}): FtpRequest<ReadableStream<FileInfo>> {
    return this.#call(
      "list",
      path ? [path] : [],
      async (ctx) => {
        const session = this.#require();
        const { openListing } = listing.module ?? await listing.load();
        const { iteratorStream } = entryStreams.module ?? await entryStreams.load();
        const entries = await openListing(
          session,
          path,
          ctx.signal,
          this.#maxBytes(options),
          this.#dotFiles,
        );
        const onEntry = (entry: FileInfo) =>
          this.#emit("listInfo", () => new FtpListInfoEvent(ctx.id, entry));
        const { stream, finished } = iteratorStream(entries, ctx.signal, onEntry);
        ctx.hold(finished);
        return stream;
      },
      options,
      () => checkMaxBytes(options),
    );
  }

  /**
   * Walks a directory tree depth first, each entry before the entries inside
   * it. Each directory is one queued `list`, so the loop body may run other
   * calls (downloads, say) between entries. Names that could escape their
   * directory (`.`, `..`, names with `/`, `\`, NUL, CR or LF, drive prefixes
   * such as `C:`) are never yielded: they are skipped with a `warning` event,
   * so a hostile server cannot steer a recursive download or delete outside
   * its target.
   *
   * @param path The directory to walk; the current one when omitted.
   * @param options `maxDepth`, `filter`, `followSymlinks`, `list` and `readAhead` (several
   * directories listed at once, over other connections), and a signal.
   * @returns The entries, each with its `path` and `depth`.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * for await (const entry of client.walk("/pub", { maxDepth: 3 })) {
   *   if (entry.type === "file") console.log(entry.path, entry.size);
   * }
   * ```
   */
  walk(path = "", options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
    const signal = options.signal;
    const list = options.list;
    const tree = {
      list: list
        ? (dir: string) => list(dir)
        : (dir: string) => this.list(dir || undefined, { signal }),
      isDirectory: (dir: string) =>
        this.#call("stat", [dir], () => isDirectory(this.#require(), dir), { signal }),
      warn: (message: string) => this.#warn(message),
    };
    if (walking.module) return walking.module.walkTree(path, tree, options);
    return (async function* () {
      yield* (await walking.load()).walkTree(path, tree, options);
    })();
  }

  /**
   * Bare names in a directory (NLST), as the server gives them.
   *
   * @param path The directory; the current one when omitted.
   * @param options A signal to cancel.
   * @returns The names.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * console.log(await client.nlst());
   * ```
   */
  nlst(path?: string, options: ListOptions = {}): FtpRequest<string[]> {
    return this.#call(
      "nlst",
      path ? [path] : [],
      async (ctx) => {
        const session = this.#require();
        const { nameList } = listing.module ?? await listing.load();
        return await nameList(session, path, ctx.signal, this.#maxBytes(options));
      },
      options,
      () => checkMaxBytes(options),
    );
  }

  /**
   * One entry's details: MLST when offered, otherwise SIZE and MDTM (and a
   * directory probe).
   *
   * @param path The file or directory.
   * @param options A signal to cancel.
   * @returns The entry; `name` is the path's last segment.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const info = await client.stat("a.txt");
   * console.log(info.type, info.size, info.modified);
   * ```
   */
  stat(path: string, options: CallOptions = {}): FtpRequest<FileInfo> {
    return this.#call("stat", [path], () => statEntry(this.#require(), path), options);
  }

  /**
   * What {@linkcode FtpClient.stat} learns of one path, asked of many
   * together: the MLSTs sent together where the server offers MLST;
   * otherwise the SIZE and MDTM of every path together, then the directory
   * probes (CWD in and back) of those that are no file, together. Commands
   * sent together go in flights of at most 32 KiB of replies (about 75
   * MLSTs or 150 SIZE and MDTM pairs of short paths), each one round trip,
   * where the server takes commands sent together (see the `pipelining`
   * option); one command at a time where it does not. A name that ends in
   * `/` is probed first, as `stat` does. The session's directory is not
   * changed.
   *
   * A path the server refuses (a missing one: 550) does not fail the call:
   * its place holds the error, which names its command.
   *
   * @param paths Files or directories, relative to the current directory or absolute.
   * @param options A signal to cancel.
   * @returns For each path, in order, its entry or the error its reply made.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const found = await client.statAll(["a.txt", "site", "missing"]);
   * for (const entry of found) console.log("type" in entry ? entry.type : entry.message);
   * ```
   */
  statAll(paths: string[], options: CallOptions = {}): FtpRequest<(FileInfo | FtpError)[]> {
    return this.#call("stat", [...paths], async () => {
      const session = this.#require();
      const { statEntries } = statting.module ?? await statting.load();
      return await statEntries(session, [...paths]);
    }, options);
  }

  /**
   * Sends a SITE command, which must succeed (2xx).
   *
   * @param argument The SITE argument, such as `CHMOD 644 a.txt`.
   * @param options A signal to cancel.
   * @returns The reply.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.site("CHMOD 644 a.txt");
   * ```
   */
  site(argument: string, options: CallOptions = {}): FtpRequest<FtpReply> {
    return this.#call("site", [argument], () => this.#require().site(argument), options);
  }

  /**
   * Sends NOOP, which keeps an idle connection alive.
   *
   * @param options A signal to cancel.
   * @returns Resolves on the server's 200.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.noop();
   * ```
   */
  noop(options: CallOptions = {}): FtpRequest<void> {
    return this.#call("noop", [], () => this.#require().noop(), options);
  }

  /**
   * Clears the control connection: CCC (RFC 4217 section 6, ftplib's
   * `FTP_TLS.ccc()`). After the server's 200, both sides end TLS with
   * close_notify and the control connection goes on in plain text, so that
   * a NAT or firewall can read PORT and PASV; data connections keep their
   * protection (PROT P). Needs explicit FTPS on Node's TLS (connect with
   * `tls.sessionReuse: "always"`; `tls.clearControl: true` instead sends CCC
   * after every login itself): otherwise, before login (the password must
   * not travel in clear), and when already clear, it fails with
   * `FtpInputError` before anything is sent. A refusal (vsftpd and
   * Pure-FTPd have no CCC) is an `FtpPermanentError`, and the connection
   * stays encrypted and usable. A new connection starts encrypted again.
   *
   * @param options A signal to cancel.
   * @returns Resolves once the control connection is plain text.
   * @throws {FtpInputError} Without explicit FTPS on Node's TLS, before login, or when already clear.
   * @throws {FtpReplyError} When the server refuses CCC.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftpes://bob:pw@127.0.0.1:2121", {
   *   tls: { sessionReuse: "always" }, // Node's TLS, which can end TLS on the connection
   * });
   * await client.ccc();
   * await client.list(); // EPSV and LIST in plain text, the listing itself encrypted
   * ```
   */
  ccc(options: CallOptions = {}): FtpRequest<void> {
    return this.#call(
      "ccc",
      [],
      async () => {
        const session = this.#require("connected");
        if (this.#connection.state !== "loggedIn") {
          // USER and PASS must travel encrypted: CCC comes after the login.
          throw new FtpInputError(
            "ccc() clears the control connection only after login, so that the password " +
              "never travels in clear text: call login() first",
          );
        }
        assertClearable(session, this.#connection.plan);
        await session.ccc();
      },
      options,
      () => assertExplicitTls(this.#connection.plan),
    );
  }

  /**
   * Sends any command and returns the server's reply without judging it:
   * a 4xx or 5xx reply is returned, not thrown (ftplib's `sendcmd`, QFtp's
   * `rawCommand`). Commands that need a data connection are not supported
   * here; use the transfer methods.
   *
   * @param command The command line, such as `"HELP"` or `"SITE CHMOD 600 key"`.
   * @param options A signal to cancel.
   * @returns The reply (preliminary 1xx replies are skipped).
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const reply = await client.send("SYST");
   * console.log(reply.code, reply.text);
   * ```
   */
  send(command: string, options: CallOptions = {}): FtpRequest<FtpReply> {
    return this.#raw(command, options, (reply) => reply);
  }

  /**
   * Sends any command and returns its reply, throwing on a 4xx or 5xx
   * (ftplib's `sendcmd`): `FtpTransientError` or `FtpPermanentError` with
   * the code, so ported `except error_perm` code keeps working. Commands
   * that need a data connection are refused; use `downloadCommand()` or
   * `uploadCommand()`.
   *
   * @param command The command line, such as `"SITE CHMOD 600 key"`.
   * @param options A signal to cancel.
   * @returns The reply (1xx, 2xx or 3xx).
   * @throws {FtpTransientError} On a 4xx reply.
   * @throws {FtpPermanentError} On a 5xx reply.
   * @example
   * ```ts
   * import { FtpClient, FtpPermanentError } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * try {
   *   await client.command("SITE CHMOD 600 key");
   * } catch (error) {
   *   if (error instanceof FtpPermanentError) console.log(error.code, error.text);
   * }
   * ```
   */
  command(command: string, options: CallOptions = {}): FtpRequest<FtpReply> {
    return this.#raw(command, options, (reply) => {
      if (reply.code >= 400) throw replyError(reply, redactCommand(command));
      return reply;
    });
  }

  /**
   * Sends any command that must succeed with a 2xx reply (ftplib's
   * `voidcmd`): a 4xx or 5xx throws as in `command()`, and a 1xx or 3xx
   * (such as RNFR's 350) throws `FtpUnexpectedReplyError`.
   *
   * @param command The command line, such as `"NOOP"`.
   * @param options A signal to cancel.
   * @returns The 2xx reply.
   * @throws {FtpReplyError} On any reply that is not 2xx.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.voidCommand("MODE S");
   * ```
   */
  voidCommand(command: string, options: CallOptions = {}): FtpRequest<FtpReply> {
    return this.#raw(command, options, (reply) => {
      if (!isCompletion(reply)) throw replyError(reply, redactCommand(command));
      return reply;
    });
  }

  #raw(
    command: string,
    options: CallOptions,
    judge: (reply: FtpReply) => FtpReply,
  ): FtpRequest<FtpReply> {
    return this.#call(
      "send",
      [command],
      async () => {
        const session = this.#require("connected");
        session.forgetState(command);
        return judge(await session.sendCommand(command));
      },
      options,
      () => assertRawCommand(command),
    );
  }

  /**
   * Runs any command that answers on a data connection towards the client
   * (ftplib's `transfercmd`/`ntransfercmd` for reads): `LIST -la`, `MLSD`,
   * a `SITE` command some servers answer that way, or `RETR` with your own
   * `offset`. The data connection is opened as for `download()` (passive or
   * active, TLS, timeouts), and the command's 1xx reply and the size it
   * announced come back with the stream. Reading the stream to its end
   * completes the command (226); cancelling it sends ABOR. Until then, later
   * calls wait in the queue.
   *
   * @param command The command line.
   * @param options `offset` (REST before the command), `type`, and a signal.
   * @returns The stream, the size the server announced (or `undefined`) and
   * its 1xx reply.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const { stream } = await client.downloadCommand("LIST -la");
   * console.log(await new Response(stream).text());
   * ```
   */
  downloadCommand(
    command: string,
    options: DownloadOptions = {},
  ): FtpRequest<CommandDownload> {
    return this.#call(
      "download",
      [command],
      async (ctx) => {
        const type = transferType(options.type);
        const { downloadStream } = streaming.module ?? await streaming.load();
        const transfer = await this.#openCommandTransfer(command, options, ctx);
        const size = transfer.announcedSize;
        const offset = offsetOf(options.offset);
        const { stream, finished } = downloadStream(
          transfer,
          type,
          this.#hooks(ctx, size ?? options.size, progressOf(options, offset, size ?? options.size)),
        );
        ctx.hold(finished);
        return { stream, size, reply: transfer.opening! };
      },
      options,
      () => {
        checkDataCommand(command, "download", options);
        checkDownloadOptions(options, true);
      },
      undefined,
      true,
    );
  }

  /** Opens the data connection of a raw data command (downloadCommand, uploadCommand). */
  #openCommandTransfer(
    command: string,
    options: DownloadOptions | UploadOptions,
    ctx: JobContext,
  ): Promise<Transfer> {
    return this.#require().openTransfer(command, {
      type: transferType(options.type),
      offset: offsetOf(options.offset),
      signal: ctx.signal,
      rateLimit: rateLimiterOf(options.rateLimit, "rateLimit"),
    });
  }

  /**
   * Runs any command that takes data from the client on a data connection
   * (ftplib's `transfercmd` for writes): `STOU` (the server picks the name,
   * which its 1xx reply gives), `APPE`, `STOR` with your own `offset`. The
   * data connection is opened as for `upload()`. Closing the returned stream
   * completes the command and resolves once the server confirmed; aborting
   * it sends ABOR.
   *
   * @param command The command line.
   * @param options `offset` (REST before the command), `type`, and a signal.
   * @returns The writable stream and the command's 1xx reply.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const { stream, reply } = await client.uploadCommand("STOU");
   * console.log(reply.text); // such as "FILE: ftp0001"
   * await new Blob(["unique\n"]).stream().pipeTo(stream);
   * ```
   */
  uploadCommand(command: string, options: UploadOptions = {}): FtpRequest<CommandUpload> {
    return this.#call(
      "upload",
      [command],
      async (ctx) => {
        const type = transferType(options.type);
        const { uploadStream } = uploads.module ?? await uploads.load();
        const transfer = await this.#openCommandTransfer(command, options, ctx);
        const offset = offsetOf(options.offset);
        const hooks = this.#hooks(ctx, undefined, progressOf(options, offset, undefined));
        const { stream, finished } = uploadStream(transfer, type, hooks);
        ctx.hold(finished);
        return { stream, reply: transfer.opening! };
      },
      options,
      () => {
        checkDataCommand(command, "upload", options);
        checkUploadOptions(command, options);
      },
      undefined,
      true,
    );
  }

  /**
   * Downloads a file as a byte stream. The transfer completes (the server's
   * 226 is read) when the stream has been read to its end; a 4xx/5xx then
   * errors the stream. Cancelling the stream sends ABOR and leaves the client
   * usable. Until the stream ends, later calls wait in the queue.
   *
   * @param path The remote file.
   * @param options `offset` to resume (REST), `type`, and a signal.
   * @returns The stream, once the server has started sending.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const stream = await client.download("report.csv");
   * await stream.pipeTo((await Deno.create("report.csv")).writable);
   * ```
   */
  download(path: string, options: DownloadOptions = {}): FtpRequest<ReadableStream<Uint8Array>> {
    return this.#call(
      "download",
      [path],
      async (ctx) => {
        const type = transferType(options.type);
        const offset = offsetOf(options.offset);
        const { downloadStream } = streaming.module ?? await streaming.load();
        const transfer = await this.#require().retr(path, {
          type,
          offset,
          signal: ctx.signal,
          rateLimit: rateLimiterOf(options.rateLimit, "rateLimit"),
        });
        const total = transfer.announcedSize ?? options.size;
        const { stream, finished } = downloadStream(
          transfer,
          type,
          this.#hooks(ctx, total, progressOf(options, offset, options.size ?? total)),
        );
        ctx.hold(finished);
        return stream;
      },
      options,
      () => checkDownloadOptions(options, true),
    );
  }

  /**
   * Downloads a file into a local file or a writable stream. A local file is
   * written under a temporary name (`<name>.ferry-part`) and renamed into
   * place only when complete (and of `size` bytes, when given), so a failed
   * download never leaves a truncated file at the final path. With
   * `resume`, an interrupted attempt's temporary file is kept and the next
   * attempt continues it (REST), after checking its last `resumeCheck`
   * bytes against the server's. With `offset`, the local file itself is
   * resumed in place from that byte. `mtime` gives the file a modification
   * time before the rename.
   *
   * @param path The remote file.
   * @param destination A local path (string or file URL) or a writable stream.
   * @param options `size`, `resume`, `resumeCheck`, `keepTemporary`, `mtime`,
   * `offset`, `type`, `onProgress`, and a signal (see {@linkcode DownloadOptions}).
   * @returns The byte count, final reply, and where it resumed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const { bytes } = await client.downloadTo("backup.tar", "./backup.tar");
   * await client.downloadTo("big.iso", "./big.iso", {
   *   size: await client.size("big.iso"),
   *   resume: true,
   *   resumeCheck: 64 * 1024,
   *   onProgress: (p) => console.log(p.bytes, "of", p.total),
   * });
   * ```
   */
  downloadTo(
    path: string,
    destination: string | URL | WritableStream<Uint8Array>,
    options: DownloadOptions = {},
  ): FtpRequest<TransferResult> {
    return this.#call(
      "download",
      [path],
      (ctx) => {
        // One limiter for the call: its segments (and a fallback to one connection) share it.
        const rateLimit = rateLimiterOf(options.rateLimit, "rateLimit");
        if (isWritableStream(destination)) {
          return this.#downloadIntoStream(ctx, path, destination, options, rateLimit);
        }
        const single = () => this.#downloadToFile(ctx, path, destination, options, rateLimit);
        if ((options.segments ?? 1) === 1) return single();
        return this.#downloadSegmented(ctx, path, destination, options, rateLimit, single);
      },
      options,
      () => checkDownloadOptions(options, isWritableStream(destination)),
    );
  }

  /** downloadTo into a writable stream. */
  #downloadIntoStream(
    ctx: JobContext,
    path: string,
    destination: WritableStream<Uint8Array>,
    options: DownloadOptions,
    rateLimit: RateLimiter | undefined,
  ): Promise<TransferResult> {
    const type = transferType(options.type);
    const offset = offsetOf(options.offset);
    const into = ({ downloadIntoStream }: typeof import("./_download.ts")) =>
      downloadIntoStream(this.#require(), path, destination, {
        type,
        offset,
        signal: ctx.signal,
        rateLimit,
        hooks: (size) =>
          this.#hooks(
            ctx,
            size ?? options.size,
            progressOf(options, offset, options.size ?? size),
          ),
      });
    return streaming.module ? into(streaming.module) : streaming.load().then(into);
  }

  /** downloadTo a local file over the client's own connection. */
  #downloadToFile(
    ctx: JobContext,
    path: string,
    destination: string | URL,
    options: DownloadOptions,
    rateLimit: RateLimiter | undefined,
  ): Promise<TransferResult> {
    const resume = options.resume === true;
    return downloadToFile(this.#require(), path, destination, {
      type: transferType(options.type),
      offset: offsetOf(options.offset),
      resume,
      resumeCheck: options.resumeCheck ?? 0,
      keepTemporary: options.keepTemporary ?? resume,
      size: options.size,
      mtime: options.mtime,
      signal: ctx.signal,
      rateLimit,
      events: (size) => this.#hooks(ctx, size ?? options.size).progress,
      onProgress: options.onProgress,
      warn: (message) => this.#warn(message),
    });
  }

  /** downloadTo a local file in segments, over the client's own connection and clones. */
  #downloadSegmented(
    ctx: JobContext,
    path: string,
    destination: string | URL,
    options: DownloadOptions,
    rateLimit: RateLimiter | undefined,
    single: () => Promise<TransferResult>,
  ): Promise<TransferResult> {
    const resume = options.resume === true;
    const session = this.#require();
    // Segments load their modules first; a single download waits for nothing.
    return (async () => {
      const [{ downloadSegmented }, { fetchRange }] = await Promise.all([
        segmented.module ?? segmented.load(),
        ranges.module ?? ranges.load(),
      ]);
      return await downloadSegmented(session, path, destination, {
        segments: options.segments!,
        resume,
        keepTemporary: options.keepTemporary ?? resume,
        size: options.size,
        mtime: options.mtime,
        signal: ctx.signal,
        events: (size) => this.#hooks(ctx, size ?? options.size).progress,
        onProgress: options.onProgress,
        warn: (message) => this.#warn(message),
        info: (message) => this.dispatchEvent(new FtpInfoEvent(message)),
        own: (session) => ({
          // The call's limit is one budget for all its segments.
          fetch: (request) => fetchRange(session, { ...request, rateLimit }),
          get usable() {
            return !session.control.closed;
          },
          close: () => Promise.resolve(),
        }),
        open: async (signal) => {
          const clone = await (options.segmentConnection?.(signal) ?? this.#clone(signal));
          return {
            fetch: (request) => clone.#fetchRange({ ...request, rateLimit }),
            get usable() {
              return clone.state === "loggedIn";
            },
            close: () => clone.close(),
          };
        },
        single,
      });
    })();
  }

  /** A new client with this one's options and login, for the segments of a download. */
  async #clone(signal: AbortSignal): Promise<FtpClient> {
    // The client's own limiter, not a copy of its rate: the clones share
    // the client's budget instead of multiplying it.
    const clone = new FtpClient({
      ...this.#options,
      login: false,
      path: undefined,
      rateLimit: this.#require().settings.rateLimit,
    });
    try {
      await clone.connect({ signal });
      const [user, password, account] = this.#loginWith ?? [];
      await clone.login(user, password, account, { signal });
    } catch (error) {
      await clone.close();
      throw error;
    }
    return clone;
  }

  /** One segment of a segmented download, on this client (a clone). */
  #fetchRange(request: RangeRequest): Promise<void> {
    return this.#call(
      "download",
      [request.remote],
      async (ctx) => {
        const session = this.#require();
        const { fetchRange } = ranges.module ?? await ranges.load();
        return await fetchRange(session, { ...request, signal: ctx.signal });
      },
      { signal: request.signal },
    );
  }

  /**
   * Uploads to a remote file. Without a source, returns a writable stream:
   * closing it completes the transfer and resolves once the server confirmed;
   * aborting it sends ABOR. With a source (bytes, text, a readable stream, or
   * a `file:` URL of a local file), sends it all and resolves when done.
   *
   * @param path The remote file.
   * @param options `append` (APPE), `offset` (REST + STOR), `type`,
   * `onProgress`, signal.
   * @returns The writable stream, once the server is ready to receive.
   * @example Streaming
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const writable = await client.upload("out.bin");
   * const writer = writable.getWriter();
   * await writer.write(new Uint8Array([1, 2, 3]));
   * await writer.close();
   * ```
   */
  upload(path: string, options?: UploadOptions): FtpRequest<WritableStream<Uint8Array>>;
  /**
   * Uploads a whole source.
   *
   * @param path The remote file.
   * @param source Bytes, text (sent as UTF-8), a readable stream, or a
   * `file:` URL naming a local file.
   * @param options `atomic` (through a temporary, renamed over the target
   * once whole), `checkSize`, `mtime`, `append`, `offset`, `type`,
   * `onProgress`, signal; `resume` for a file: URL (see
   * {@linkcode UploadOptions}).
   * @returns The byte count and final reply.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.upload("hello.txt", "Hello!\n");
   * await client.upload("logo.png", new URL("./logo.png", import.meta.url));
   * await client.upload("backup.tar", Deno.stdin.readable, { atomic: true });
   * ```
   */
  upload(path: string, source: UploadSource, options?: UploadOptions): FtpRequest<TransferResult>;
  upload(
    path: string,
    sourceOrOptions?: UploadSource | UploadOptions,
    maybeOptions?: UploadOptions,
  ): FtpRequest<WritableStream<Uint8Array> | TransferResult> {
    if (isUploadSource(sourceOrOptions)) {
      const source = sourceOrOptions instanceof URL ? localFile(sourceOrOptions) : sourceOrOptions;
      return this.#uploadSource(path, source, maybeOptions ?? {});
    }
    const options = sourceOrOptions ?? {};
    return this.#call(
      "upload",
      [path],
      async (ctx) => {
        const type = transferType(options.type);
        const { uploadStream } = uploads.module ?? await uploads.load();
        const transfer = await this.#startUpload(path, options, ctx);
        const offset = offsetOf(options.offset);
        const hooks = this.#hooks(ctx, undefined, progressOf(options, offset, undefined));
        const { stream, finished } = uploadStream(transfer, type, hooks);
        ctx.hold(finished);
        return stream;
      },
      options,
      () => {
        checkTransferOptions(options);
        checkUploadOptions(path, options);
      },
    );
  }

  /**
   * Uploads a local file (the mirror of `downloadTo`). With `atomic`, the
   * bytes go to a temporary that is renamed over the target only once the
   * server holds all of them (SIZE), so the target never holds a part; with
   * `resume`, what the target (or the temporary) holds already is continued
   * (REST + STOR, or APPE); `mtime` sets the remote time (MFMT).
   *
   * @param localPath The local file.
   * @param path The remote file.
   * @param options `atomic`, `temporary`, `resume`, `keepTemporary`,
   * `checkSize`, `mtime`, `append`, `offset` (the local file is read from
   * the same byte), `type`, `onProgress`, signal (see
   * {@linkcode UploadOptions}).
   * @returns The byte count, final reply, and where it resumed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.uploadFrom("./dist/index.html", "www/index.html");
   * const info = await Deno.stat("./dist/app.js");
   * await client.uploadFrom("./dist/app.js", "www/app.js", {
   *   atomic: true, // www/app.js.ferry-part, renamed over www/app.js once whole
   *   mtime: info.mtime ?? undefined,
   * });
   * ```
   */
  uploadFrom(
    localPath: string | URL,
    path: string,
    options: UploadOptions = {},
  ): FtpRequest<TransferResult> {
    return this.#uploadSource(path, localFile(localPath), options);
  }

  #uploadSource(
    path: string,
    source: Exclude<UploadSource, URL> | LocalFile,
    options: UploadOptions,
  ): FtpRequest<TransferResult> {
    return this.#call(
      "upload",
      options.atomic ? [path, options.temporary ?? path] : [path],
      async (ctx) => {
        const { uploadSource } = sourceUploads.module ?? await sourceUploads.load();
        return await uploadSource(this.#require(), path, source, {
          ...sourceUploadOptions(options),
          type: transferType(options.type),
          offset: offsetOf(options.offset),
          signal: ctx.signal,
          rateLimit: rateLimiterOf(options.rateLimit, "rateLimit"),
          events: (total) => this.#hooks(ctx, total).progress,
          onProgress: options.onProgress,
          warn: (message) => this.#warn(message),
        });
      },
      options,
      () => {
        checkTransferOptions(options);
        checkUploadOptions(path, options, source);
      },
    );
  }

  #startUpload(path: string, options: UploadOptions, ctx: JobContext, earlyData = false) {
    const session = this.#require();
    const type = transferType(options.type);
    const rateLimit = rateLimiterOf(options.rateLimit, "rateLimit");
    return options.append
      ? session.appe(path, { type, signal: ctx.signal, rateLimit, earlyData })
      : session.stor(path, {
        type,
        offset: offsetOf(options.offset),
        signal: ctx.signal,
        rateLimit,
        earlyData,
      });
  }

  /**
   * Queues QUIT: after the calls queued before it, says goodbye and closes
   * (QFtp's `close()`).
   *
   * @param options A signal to cancel.
   * @returns Resolves when closed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * const client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.quit();
   * ```
   */
  quit(options: CallOptions = {}): FtpRequest<void> {
    return this.#call("quit", [], () => this.#connection.quit(), options);
  }

  /**
   * Closes now. Queued calls reject with `FtpAbortError`. A running call is
   * aborted and given a short grace (a tenth of the reply timeout, between
   * 250 ms and 1 s) to wind down, else the connection is dropped. Then
   * QUIT, whose goodbye is awaited for the same grace at most: leaving does
   * not depend on it. Idempotent, and what `await using` calls.
   *
   * @returns Resolves when closed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * const client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.close();
   * await client.close(); // no-op
   * ```
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    const reason = new FtpAbortError("The client was closed");
    this.#queue.clearPending(reason);
    this.#queue.abortCurrent(reason);
    // An aborted transfer sends ABOR and drains its replies; give it the
    // grace (1 s at most) so that QUIT can follow on a connection in step.
    await this.#connection.leave(() => this.#queue.currentSettled());
  }

  /**
   * Aborts the running command (a transfer gets ABOR) and clears the queue,
   * as QFtp's `abort()`. Each affected call rejects with `FtpAbortError`; the
   * client stays connected.
   *
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const pending = client.downloadTo("huge.iso", "./huge.iso");
   * setTimeout(() => client.abort(), 1000);
   * await pending.catch((e) => console.log(e.name)); // "AbortError"
   * ```
   */
  abort(): void {
    const reason = new FtpAbortError("Aborted by abort()");
    this.#queue.clearPending(reason);
    this.#queue.abortCurrent(reason);
  }

  /**
   * Rejects every queued call that has not started yet with
   * `FtpAbortError` (QFtp's `clearPendingCommands`). The running call goes on.
   *
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const later = client.noop();
   * client.clearPending();
   * await later.catch((e) => console.log(e.name)); // "AbortError"
   * ```
   */
  clearPending(): void {
    this.#queue.clearPending(new FtpAbortError("Removed from the queue by clearPending()"));
  }

  /** Closes the client; see `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Adds a typed listener for one of the client's events.
   *
   * @param type The event name.
   * @param listener The handler.
   * @param options Standard listener options.
   */
  override addEventListener<K extends keyof FtpClientEventMap>(
    type: K,
    listener: (this: FtpClient, event: FtpClientEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /**
   * Adds a listener for any event name.
   *
   * @param type The event name.
   * @param listener The handler.
   * @param options Standard listener options.
   */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (listener) this.#heard.add(type);
    super.addEventListener(type, listener, options);
  }

  /**
   * Dispatches the event `make` makes, if anyone ever listened to `type`:
   * a small file's transfer has eight events (replies, progress, command
   * start and end), which cost more to make than nobody hearing them.
   */
  #emit(type: keyof FtpClientEventMap, make: () => Event): void {
    if (this.#heard.has(type)) this.dispatchEvent(make());
  }

  /**
   * Removes a typed listener.
   *
   * @param type The event name.
   * @param listener The handler.
   * @param options Standard listener options.
   */
  override removeEventListener<K extends keyof FtpClientEventMap>(
    type: K,
    listener: (this: FtpClient, event: FtpClientEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  /**
   * Removes a listener for any event name.
   *
   * @param type The event name.
   * @param listener The handler.
   * @param options Standard listener options.
   */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
  }

  /**
   * Downloads many files to local paths in ONE queued call, one after
   * another on this connection: each as `downloadTo` a local path does it
   * (`<name>.ferry-part` renamed into place only when whole and of `size`
   * bytes, `mtime` set before the rename), on the wire the same commands
   * (RETR; the next file's EPSV goes with a transfer's end), but the cost of
   * a call (queue entry, abort controller, listener on the signal) is paid
   * once for all. For many small files that is most of the client's work.
   *
   * One file's failure is that file's: its outcome holds the error (with
   * the server's code), and the next file goes on. A connection that closes
   * (or was closed before the call's turn), or the call's signal, ends the
   * call: the files not started are reported `started: false`, with the
   * reason as their error; so does a failed move to Node's TLS (FTPS, a
   * server found to require TLS session reuse: the client reconnects
   * between two files, and the file that found out is tried again). The
   * call itself rejects only on bad input
   * (`FtpInputError`, before anything is queued) or when cancelled before
   * it starts.
   *
   * @param files The remote files and where to put them (see {@linkcode DownloadAllFile}).
   * @param options `type`, `keepTemporary`, `exclusive`, `onProgress`,
   * `onFileEnd`, `rateLimit` and a signal (see {@linkcode DownloadAllOptions}).
   * @returns Each file's outcome, in order.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const outcomes = await client.downloadAllTo([
   *   { path: "logs/a.log", destination: "./a.log" },
   *   { path: "logs/b.log", destination: "./b.log", mtime: "remote" },
   * ]);
   * for (const outcome of outcomes) if (!outcome.ok) console.error(outcome.error.message);
   * ```
   */
  downloadAllTo(
    files: readonly DownloadAllFile[],
    options: DownloadAllOptions = {},
  ): FtpRequest<DownloadAllOutcome[]> {
    let list: DownloadAllFile[];
    try {
      list = fileList(files);
    } catch (error) {
      return Object.assign(Promise.reject(error), { id: 0 });
    }
    return this.#call(
      "download",
      list.map((file) => file.path),
      // Each file meets the data-channel TLS policy in the batch (see _download_batch.ts).
      this.#connection.selfPoliced(async (ctx) => {
        const { downloadBatch } = batches.module ?? await batches.load();
        return await downloadBatch(list, {
          session: () => this.#require(),
          signal: ctx.signal,
          type: transferType(options.type),
          keepTemporary: options.keepTemporary ?? false,
          exclusive: options.exclusive ?? false,
          rateLimit: rateLimiterOf(options.rateLimit, "rateLimit"),
          events: (size) => this.#hooks(ctx, size).progress,
          onProgress: options.onProgress,
          onFileEnd: options.onFileEnd,
          warn: (message) => this.#warn(message),
          tls: this.#connection.batchTls(ctx),
        });
      }),
      options,
      () => {
        checkDownloadOptions({ type: options.type, rateLimit: options.rateLimit }, false);
        for (const file of list) {
          if (typeof file.destination !== "string" && !(file.destination instanceof URL)) {
            throw new FtpInputError("Each file's destination must be a local path or a file URL");
          }
          checkDownloadOptions({ size: file.size, mtime: file.mtime }, false);
        }
      },
    );
  }

  // ---- Internals ------------------------------------------------------------

  /**
   * Validates the arguments and options, then queues. Bad input rejects at
   * once with `FtpInputError` (id 0): nothing is queued, nothing is sent.
   */
  #call<T>(
    kind: FtpCommandKind,
    args: string[],
    run: (ctx: JobContext) => Promise<T>,
    options: CallOptions,
    check?: () => void,
    ownsAbort = OWNS_ABORT.has(kind),
    argsAreCommands = kind === "send",
  ): FtpRequest<T> {
    try {
      checkArguments(args, this.#codec, argsAreCommands);
      check?.();
    } catch (error) {
      return Object.assign(Promise.reject(error), { id: 0 });
    }
    const work = this.#connection.underTlsPolicy(kind, run);
    return this.#queue.enqueue(kind, work, options.signal, ownsAbort);
  }

  #require(state: "connected" | "loggedIn" = "loggedIn"): Session {
    return this.#connection.require(state);
  }

  get #maxListingBytes(): number {
    return this.#options.maxListingBytes ?? DEFAULT_MAX_LISTING_BYTES;
  }

  #maxBytes(options: ListOptions): number {
    return options.maxBytes ?? this.#maxListingBytes;
  }

  /** How listings ask for dot-files (the `listHidden` option), and where a refusal is told. */
  get #dotFiles(): DotFileOptions {
    return { ask: this.#options.listHidden ?? true, warn: (message) => this.#warn(message) };
  }

  #warn(message: string): void {
    this.dispatchEvent(new FtpWarningEvent(message));
  }

  /**
   * Progress of one transfer: the client-wide `progress` event (bytes
   * moved, from 0 now), and the call's own `onProgress` when given
   * (`perCall`, which counts from the transfer's offset).
   */
  #hooks(ctx: JobContext, total?: number, perCall?: (moved: number) => void): TransferHooks {
    this.#emit("progress", () => new FtpProgressEvent(ctx.id, 0, total));
    perCall?.(0);
    return {
      signal: ctx.signal,
      progress: (bytes) => {
        this.#emit("progress", () => new FtpProgressEvent(ctx.id, bytes, total));
        perCall?.(bytes);
      },
    };
  }
}

const DEFAULT_MAX_LISTING_BYTES = 256 * 1024 * 1024;

/** downloadAllTo's files as an array, each an object with a string path; else FtpInputError. */
function fileList(files: Iterable<DownloadAllFile>): DownloadAllFile[] {
  const usage = "Pass downloadAllTo an array (or iterable) of { path, destination } objects";
  if (typeof (files as Iterable<unknown> | null)?.[Symbol.iterator] !== "function") {
    throw new FtpInputError(`${usage}; got ${files === null ? "null" : typeof files}`);
  }
  const list = [...files];
  for (const [index, file] of list.entries()) {
    if (typeof file !== "object" || file === null || typeof file.path !== "string") {
      throw new FtpInputError(
        `${usage}: file ${index} ${
          typeof file === "object" && file !== null ? "has no string path" : `is ${file}`
        }`,
      );
    }
  }
  return list;
}
