/**
 * The events an {@linkcode FtpClient} dispatches, after QFtp's signals:
 * `commandStarted`, `commandFinished`, `stateChanged`, `progress`
 * (dataTransferProgress), `reply` (rawCommandReply, for every reply),
 * `listInfo`, `done`, `warning`, and `info` (news that needs no action).
 *
 * @module
 */

import type { FileInfo } from "../listing/file_info.ts";
import type { FtpReply } from "../protocol/reply.ts";

/**
 * The connection states, as QFtp's `State` enum.
 *
 * - `unconnected`: no connection.
 * - `hostLookup`: resolving the host name.
 * - `connecting`: opening the connection.
 * - `connected`: greeted by the server, not logged in.
 * - `loggedIn`: ready for commands.
 * - `closing`: quitting; `unconnected` follows.
 *
 * @example
 * ```ts
 * import { FtpClient, type FtpState } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * const ready = (state: FtpState) => state === "loggedIn";
 * console.log(ready(client.state)); // false until connect()
 * ```
 */
export type FtpState =
  | "unconnected"
  | "hostLookup"
  | "connecting"
  | "connected"
  | "loggedIn"
  | "closing";

/**
 * Names of the queued commands, as QFtp's `Command` enum: the client method
 * that queued each one.
 *
 * @example
 * ```ts
 * import type { FtpCommandKind } from "@ferry/ftp";
 *
 * const isTransfer = (kind: FtpCommandKind) => kind === "download" || kind === "upload";
 * ```
 */
export type FtpCommandKind =
  | "connect"
  | "login"
  | "close"
  | "quit"
  | "list"
  | "nlst"
  | "stat"
  | "cd"
  | "cdup"
  | "pwd"
  | "download"
  | "upload"
  | "remove"
  | "mkdir"
  | "rmdir"
  | "rename"
  | "size"
  | "lastModified"
  | "setLastModified"
  | "site"
  | "noop"
  | "send"
  | "ccc";

/**
 * `commandStarted`: a queued command began running.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("commandStarted", (e) => console.log("start", e.id, e.command));
 * ```
 */
export class FtpCommandStartedEvent extends Event {
  /** The command's id, as returned on the call's promise. */
  readonly id: number;
  /** Which command. */
  readonly command: FtpCommandKind;

  /**
   * Creates the event.
   *
   * @param id The command id.
   * @param command The command kind.
   */
  constructor(id: number, command: FtpCommandKind) {
    super("commandStarted");
    this.id = id;
    this.command = command;
  }
}

/**
 * `commandFinished`: a command ended; `error` is set when it failed. For
 * transfers this is when the transfer completed, which may be after the
 * call's promise resolved with a stream.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("commandFinished", (e) => console.log(e.id, e.error ? "failed" : "ok"));
 * ```
 */
export class FtpCommandFinishedEvent extends Event {
  /** The command's id. */
  readonly id: number;
  /** Which command. */
  readonly command: FtpCommandKind;
  /** Why it failed, or `undefined` on success. */
  readonly error: Error | undefined;

  /**
   * Creates the event.
   *
   * @param id The command id.
   * @param command The command kind.
   * @param error The failure, if any.
   */
  constructor(id: number, command: FtpCommandKind, error?: Error) {
    super("commandFinished");
    this.id = id;
    this.command = command;
    this.error = error;
  }
}

/**
 * `stateChanged`: the connection state changed.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("stateChanged", (e) => console.log(e.previous, "->", e.state));
 * ```
 */
export class FtpStateChangedEvent extends Event {
  /** The new state. */
  readonly state: FtpState;
  /** The state before. */
  readonly previous: FtpState;

  /**
   * Creates the event.
   *
   * @param state The new state.
   * @param previous The old state.
   */
  constructor(state: FtpState, previous: FtpState) {
    super("stateChanged");
    this.state = state;
    this.previous = previous;
  }
}

/**
 * `progress`: bytes moved by the running transfer (QFtp's
 * dataTransferProgress). `total` is known for uploads of sized sources and for
 * downloads whose 150 reply announced the size.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("progress", (e) => console.log(e.bytes, "/", e.total ?? "?"));
 * ```
 */
export class FtpProgressEvent extends Event {
  /** The transfer command's id. */
  readonly id: number;
  /** Bytes moved so far on the data connection. */
  readonly bytes: number;
  /** Expected bytes, when known. */
  readonly total: number | undefined;

  /**
   * Creates the event.
   *
   * @param id The command id.
   * @param bytes Bytes so far.
   * @param total Expected total, if known.
   */
  constructor(id: number, bytes: number, total?: number) {
    super("progress");
    this.id = id;
    this.bytes = bytes;
    this.total = total;
  }
}

/**
 * `reply`: the server sent a reply (every reply, preliminary ones included).
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("reply", (e) => console.log(e.reply.code, e.reply.text));
 * ```
 */
export class FtpReplyEvent extends Event {
  /** The reply. */
  readonly reply: FtpReply;
  /** The id of the command running when it arrived, or 0. */
  readonly id: number;

  /**
   * Creates the event.
   *
   * @param reply The reply.
   * @param id The running command's id, or 0.
   */
  constructor(reply: FtpReply, id: number) {
    super("reply");
    this.reply = reply;
    this.id = id;
  }
}

/**
 * `listInfo`: one entry of a listing in progress.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("listInfo", (e) => console.log(e.entry.name));
 * ```
 */
export class FtpListInfoEvent extends Event {
  /** The listing command's id. */
  readonly id: number;
  /** The entry. */
  readonly entry: FileInfo;

  /**
   * Creates the event.
   *
   * @param id The command id.
   * @param entry The entry.
   */
  constructor(id: number, entry: FileInfo) {
    super("listInfo");
    this.id = id;
    this.entry = entry;
  }
}

/**
 * `done`: the queue ran empty. `error` is `true` when a command of the batch
 * that just finished failed (QFtp's `done(bool)`).
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("done", (e) => console.log(e.error ? "batch failed" : "batch ok"));
 * ```
 */
export class FtpDoneEvent extends Event {
  /** Whether any command since the last `done` failed. */
  readonly error: boolean;

  /**
   * Creates the event.
   *
   * @param error Whether the batch had a failure.
   */
  constructor(error: boolean) {
    super("done");
    this.error = error;
  }
}

/**
 * `warning`: something was skipped or downgraded without failing the call,
 * such as a listing entry whose name would escape its directory.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("warning", (e) => console.warn(e.message));
 * ```
 */
export class FtpWarningEvent extends Event {
  /** What happened. */
  readonly message: string;

  /**
   * Creates the event.
   *
   * @param message What happened.
   */
  constructor(message: string) {
    super("warning");
    this.message = message;
  }
}

/**
 * `info`: news about how the client works with the server that needs no
 * action, such as the change to Node's TLS for a server that requires TLS
 * session reuse (said once per server and process).
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * const client = new FtpClient({ port: 2121 });
 * client.addEventListener("info", (e) => console.log(e.message));
 * ```
 */
export class FtpInfoEvent extends Event {
  /** What the client does, and why. */
  readonly message: string;

  /**
   * Creates the event.
   *
   * @param message What the client does, and why.
   */
  constructor(message: string) {
    super("info");
    this.message = message;
  }
}

/**
 * Maps event names to event classes, for typed `addEventListener`.
 *
 * @example
 * ```ts
 * import type { FtpClientEventMap } from "@ferry/ftp";
 *
 * type Names = keyof FtpClientEventMap; // "commandStarted" | "commandFinished" | ...
 * ```
 */
export interface FtpClientEventMap {
  /** A queued command began. */
  commandStarted: FtpCommandStartedEvent;
  /** A command ended. */
  commandFinished: FtpCommandFinishedEvent;
  /** The connection state changed. */
  stateChanged: FtpStateChangedEvent;
  /** A transfer moved bytes. */
  progress: FtpProgressEvent;
  /** A reply arrived. */
  reply: FtpReplyEvent;
  /** A listing produced an entry. */
  listInfo: FtpListInfoEvent;
  /** The queue ran empty. */
  done: FtpDoneEvent;
  /** Something was skipped. */
  warning: FtpWarningEvent;
  /** News that needs no action. */
  info: FtpInfoEvent;
}
