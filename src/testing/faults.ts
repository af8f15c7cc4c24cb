/**
 * Fault hooks of the embedded FTP test server: ways to make it misbehave on
 * purpose, so that client tests can prove how a client copes with slow,
 * broken or hostile servers.
 *
 * @module
 */

/**
 * A command as the server received it, handed to
 * {@linkcode FtpFaults.onCommand}.
 *
 * @example
 * ```ts
 * import type { FaultCommand } from "@ferry/ftp/testing";
 *
 * const command: FaultCommand = { verb: "RETR", argument: "big file.bin", session: 1 };
 * ```
 */
export interface FaultCommand {
  /** The command verb in upper case, such as `"RETR"`. */
  verb: string;
  /**
   * Everything after the first space of the command line, exactly as sent
   * (not redacted: the hook is test code and may want to check a password).
   */
  argument: string;
  /** The number of the control connection, counting from 1 per server. */
  session: number;
}

/**
 * What to do instead of (or before) handling one command. Fields combine in
 * this order: wait `delayMs`, then `drop`, else `stall`, else send `reply`,
 * else handle the command normally.
 *
 * @example Answer SIZE with a transient error once
 * ```ts
 * import type { FaultAction } from "@ferry/ftp/testing";
 *
 * const busy: FaultAction = { reply: "450 Try again later\r\n" };
 * ```
 */
export interface FaultAction {
  /**
   * Raw text sent as is instead of handling the command. Include the CRLF
   * yourself; it may hold several lines, a malformed reply or no line end.
   */
  reply?: string;
  /** Milliseconds to wait before handling or replying. */
  delayMs?: number;
  /** Close the control connection without a reply. */
  drop?: boolean;
  /**
   * Never reply. The connection stays open (later commands queue up unseen)
   * until the client closes it or the server is closed.
   */
  stall?: boolean;
}

/**
 * A transfer about to move bytes, as seen by {@linkcode FtpFaults.dropTransfer}.
 *
 * @example
 * ```ts
 * import type { FaultTransfer } from "@ferry/ftp/testing";
 * const resumed = (t: FaultTransfer) => !t.upload && t.offset > 0;
 * ```
 */
export interface FaultTransfer {
  /** The session's number. */
  session: number;
  /** Where the transfer starts in the file (REST), `0` without one. */
  offset: number;
  /** Whether the client sends (STOR, APPE). */
  upload: boolean;
}

/**
 * A listing about to be sent, as seen by {@linkcode FtpFaults.listing}.
 *
 * @example
 * ```ts
 * import type { ListingRequest } from "@ferry/ftp/testing";
 * const isRootList = (r: ListingRequest) => r.verb === "LIST" && r.path === "/";
 * ```
 */
export interface ListingRequest {
  /** The listing command. */
  verb: "LIST" | "NLST" | "MLSD";
  /** The virtual path being listed. */
  path: string;
  /** The session's number. */
  session: number;
}

/**
 * The fault hooks. Every field is optional and read at the moment it
 * matters, so tests may change them between calls through
 * `server.faults`. Byte limits count per transfer (data) or per control
 * connection (control), starting from the beginning of each.
 *
 * @example Cut every download after 1000 bytes
 * ```ts
 * import { FtpTestServer } from "@ferry/ftp/testing";
 *
 * await using server = await FtpTestServer.start();
 * server.faults.dataDropAfterBytes = 1000;
 * // ... a RETR now ends with "426 Connection closed; transfer aborted."
 * server.faults = {}; // back to normal
 * ```
 */
export interface FtpFaults {
  /**
   * Called for every command before it is handled, in the order commands are
   * handled. Return an action to interfere, or `undefined` to let the
   * command run. A hook that throws makes the server answer `451`.
   *
   * @default {undefined}
   */
  onCommand?: (
    command: FaultCommand,
  ) => FaultAction | undefined | Promise<FaultAction | undefined>;
  /**
   * Close the data connection after this many bytes of a transfer were sent
   * or received, then answer the transfer with `426`, as a real server does
   * when the connection breaks.
   *
   * @default {undefined}
   */
  dataDropAfterBytes?: number;
  /**
   * Decides for each transfer, as it starts, after how many bytes its data
   * connection is closed (then `426`), or `undefined` to leave it be (then
   * `dataDropAfterBytes` applies). Cuts one transfer among several running
   * at once, such as one segment of a segmented download.
   *
   * @default {undefined}
   */
  dropTransfer?: (transfer: FaultTransfer) => number | undefined;
  /**
   * Stop sending (or reading) after this many bytes of a transfer, keeping
   * the data connection open, so that the client must time out. The
   * transfer ends only when the client closes the data connection, sends
   * ABOR, closes the control connection, or the server is closed. A
   * download's client that closed its side for writing first (ferry does,
   * on this server, to get the final reply a round trip sooner) can no
   * longer be heard closing the rest, as by any server: then only ABOR, the
   * control connection's end or the server's close ends the stall.
   *
   * @default {undefined}
   */
  dataStallAfterBytes?: number;
  /**
   * Keep only this many bytes of each upload (STOR, APPE) and still answer
   * `226`: the rest is read and thrown away, as by a server that loses the
   * end of a file without saying so (a full disk, a quota, a bug).
   *
   * @default {undefined}
   */
  uploadKeepBytes?: number;
  /**
   * An IPv4 address announced in the 227 reply to PASV instead of the real
   * one. The server still listens on its real address.
   *
   * @default {undefined}
   */
  pasvAddress?: string;
  /**
   * Replaces what LIST, NLST or MLSD send with these lines (a string is sent
   * as UTF-8, bytes as they are; each line gets CRLF). Use it for listings no
   * file system can hold: names such as `../x` or `a/b` from a hostile
   * server, or a million entries. The lines may be produced lazily, so a
   * huge listing costs the server no memory. Return `undefined` to list the
   * real directory.
   *
   * @default {undefined}
   */
  listing?: (
    request: ListingRequest,
  ) => Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array> | undefined;
  /**
   * Leave the size out of the 150 reply to RETR, as Pure-FTPd and pyftpdlib
   * do, so that the client cannot learn it there.
   *
   * @default {false}
   */
  hideSizes?: boolean;
  /**
   * Milliseconds to wait before every reply, the greeting included.
   *
   * @default {undefined}
   */
  replyDelayMs?: number;
  /**
   * Close the control connection once the server has written this many
   * bytes of replies on it (the greeting included), cutting the reply that
   * crosses the limit. `0` closes it before the greeting.
   *
   * @default {undefined}
   */
  controlDropAfterBytes?: number;
}
