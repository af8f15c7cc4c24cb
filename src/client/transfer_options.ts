/**
 * Options of {@linkcode FtpClient}'s downloads and uploads, and what they
 * report: progress as it goes, a result at the end.
 *
 * @module
 */

import type { RateLimiter } from "./rate_limit.ts";
import type { FtpClient } from "./ftp_client.ts";
import type { CallOptions } from "./call_options.ts";

/**
 * How bytes are carried: `"binary"` (TYPE I) as they are, or `"ascii"`
 * (TYPE A) with line ends converted between LF locally and CRLF on the wire.
 *
 * @example
 * ```ts
 * import { FtpClient, type TransferType } from "@ferry/ftp";
 *
 * const type: TransferType = "ascii";
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.upload("notes.txt", "one\ntwo\n", { type });
 * ```
 */
export type TransferType = "binary" | "ascii";

/**
 * How far a transfer has come, as each call's `onProgress` receives it:
 * counted in bytes of the file, so a resumed transfer starts at the byte it
 * continues from. (The client-wide `progress` event counts the bytes each
 * command moved over its data connection instead.)
 *
 * @example
 * ```ts
 * import { FtpClient, type TransferProgress } from "@ferry/ftp";
 *
 * const show = (p: TransferProgress) =>
 *   console.log(`${p.bytes} of ${p.total ?? "?"} bytes (from ${p.offset})`);
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.downloadTo("big.iso", "./big.iso", { resume: true, onProgress: show });
 * ```
 */
export interface TransferProgress {
  /** Bytes of the file in place: `offset` plus the bytes this transfer has moved. */
  bytes: number;
  /**
   * The byte the transfer started from: 0, or where it resumed. A
   * `downloadTo` whose partial file failed `resumeCheck` starts again from
   * 0, and says so with a call whose `offset` and `bytes` are 0.
   */
  offset: number;
  /** The file's whole size, when known (`size`, the server's 150 reply, a local source). */
  total?: number;
}

/**
 * Options for downloads. `download()` (a stream) takes `offset`, `type`,
 * `size`, `onProgress` and the signal; `downloadTo()` a local path takes
 * all of them: it writes `<name>.ferry-part` beside the destination and
 * renames it into place only when the download is whole (of `size` bytes,
 * when given), so the final path never holds a partial file.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const rest = await client.download("big.iso", { offset: 1024 });
 * await rest.cancel();
 * const listed = (await client.list()).find((e) => e.name === "big.iso")!;
 * await client.downloadTo("big.iso", "./big.iso", {
 *   size: listed.size, // checked before the rename
 *   mtime: listed.modified, // given to the local file
 *   resume: true, // continue the .ferry-part of an earlier attempt...
 *   resumeCheck: 64 * 1024, // ...if it ends with the server's bytes there
 * });
 * ```
 */
export interface DownloadOptions extends CallOptions {
  /**
   * Start at this byte (REST), to resume an interrupted download. With
   * `downloadTo` a local path, that file itself is continued in place from
   * this byte (no temporary): see `resume` for the safe way.
   *
   * @default {0}
   */
  offset?: number;
  /**
   * Binary (TYPE I) or ASCII (TYPE A, CRLF becomes LF).
   *
   * @default {"binary"}
   */
  type?: TransferType;
  /**
   * The file's size, when you know it (from a listing or `stat()`). Progress
   * reports it as the total when the server's 150 reply announces none
   * (Pure-FTPd, pyftpdlib). `downloadTo` a local path, in binary, also
   * checks it: a download that ends short of it (a data connection cut,
   * and a 226 all the same) fails with `FtpSizeMismatchError` and nothing
   * is renamed into place. A file that grew since you learned its size
   * passes: the server sent it whole. ferry does not spend a SIZE round
   * trip to find the size out.
   *
   * @default {undefined}
   */
  size?: number;
  /**
   * `downloadTo` a local path: continue the `<name>.ferry-part` file an
   * earlier, interrupted attempt left (REST from its size, where the
   * server's FEAT offers REST; otherwise from byte 0), and keep it if this
   * attempt fails too, so that the next one continues again. A partial file
   * that is not shorter than `size` starts over. Without `resume`, a failed
   * download removes its temporary file.
   *
   * @default {false}
   */
  resume?: boolean;
  /**
   * With `resume`: how many bytes at the end of the partial file to fetch
   * again and compare with the server's bytes at that place before
   * continuing (they are the resumed transfer's first bytes: no extra
   * command). A partial file that differs (the server's file was replaced,
   * or a log rotated) is started over from byte 0, with a `warning` event.
   * `0` trusts the partial file, as when it was written by the same process
   * a moment ago.
   *
   * @default {0}
   */
  resumeCheck?: number;
  /**
   * `downloadTo` a local path: keep the `.ferry-part` file when the
   * download fails, for a later call with `resume` to continue. (The task
   * runner keeps it always, and decides at each try whether to continue.)
   *
   * @default {the value of `resume`}
   */
  keepTemporary?: boolean;
  /**
   * `downloadTo` a local path: the modification time to give the file
   * before it is renamed into place: a `Date` (from a listing), or
   * `"remote"` to ask the server (MDTM, after the transfer; the time is
   * left as it is where the server does not answer).
   *
   * @default {undefined}
   */
  mtime?: Date | "remote";
  /**
   * `downloadTo` a local path, in binary: fetch the file over this many
   * connections at once, each a byte range (REST) written at its place in
   * the one `<name>.ferry-part` temporary; for links where one TCP
   * connection cannot fill the pipe, and servers that cap each connection.
   * The extra connections are clones of this client (same options, same
   * login), or come from `segmentConnection`; they are closed when the
   * download ends. With `resume`, each segment continues where an
   * interrupted run stopped (their progress is kept in
   * `<name>.ferry-segments.ferry-part`), if the server's file has the same
   * size and time (MDTM). One connection is used instead for a server
   * without REST (with a `warning` event), a file under 8 MiB, and a file
   * whose size the server will not tell; a file under `segments` × 4 MiB
   * gets fewer segments. A segment that fails is fetched again from where
   * it stopped, up to 3 times, on another connection when its own broke. A
   * whole number from 1 to 16; not with `offset`, ASCII or a stream.
   *
   * @default {1}
   */
  segments?: number;
  /**
   * With `segments`: opens each extra connection, instead of a clone of
   * this client. ferry closes what it returns when the download ends.
   *
   * @default {undefined (clones of this client)}
   */
  segmentConnection?: (signal: AbortSignal) => Promise<FtpClient>;
  /**
   * Called as this call's transfer moves: once when it starts (with
   * `bytes` equal to `offset`), then after each chunk. Unlike the
   * client-wide `progress` event it needs no filtering by id, and counts in
   * bytes of the file (see {@linkcode TransferProgress}).
   *
   * @default {undefined}
   */
  onProgress?: (progress: TransferProgress) => void;
  /**
   * A bandwidth limit for this transfer, in bytes per second (or a
   * {@linkcode RateLimiter} shared with other transfers), applied on top of
   * the client's `rateLimit`. The transfer is paced by backpressure: it
   * waits before each small chunk (at most 64 KiB) rather than buffering.
   *
   * @default {undefined}
   */
  rateLimit?: number | RateLimiter;
}

/**
 * Options for uploads. `upload(path)` (a writable stream) and
 * `uploadCommand` take `append`, `offset`, `type`, `onProgress` and the
 * signal; `upload(path, source)` and `uploadFrom` take all of them (`resume`
 * needs a local file: `uploadFrom`, or a `file:` URL).
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.upload("log.txt", "one more line\n", { append: true });
 * // Replace index.html only once the new one is whole on the server.
 * await client.uploadFrom("./dist/index.html", "www/index.html", { atomic: true });
 * ```
 */
export interface UploadOptions extends CallOptions {
  /**
   * Append to the remote file (APPE) instead of replacing it (STOR).
   *
   * @default {false}
   */
  append?: boolean;
  /**
   * Write from this byte of the remote file (REST + STOR), to resume an
   * interrupted upload; the source should then start at the same byte.
   *
   * @default {0}
   */
  offset?: number;
  /**
   * Binary (TYPE I) or ASCII (TYPE A, LF becomes CRLF).
   *
   * @default {"binary"}
   */
  type?: TransferType;
  /**
   * Upload to a temporary beside the target (`temporary`), check its size
   * (`checkSize`), and only then rename it over the target, so the target
   * holds the old file or the whole new one, never a part. A server that
   * will not rename over an existing file gets the old one moved aside
   * first (see `rename`'s `replace`). A failed upload leaves the target as
   * it was; its temporary is removed unless `keepTemporary`. A rename the
   * server refuses leaves the whole new file at the temporary and fails
   * with the server's reply (`command` names RNFR or RNTO).
   *
   * @default {false}
   */
  atomic?: boolean;
  /**
   * The temporary of an `atomic` upload. Name it after what it holds (a
   * digest of the local file, say) if a later call is to continue it
   * (`resume`), or make it unique if several uploads to one path may run
   * at once.
   *
   * @default {`<path>.ferry-part`}
   */
  temporary?: string;
  /**
   * Continue what the target (the temporary, when `atomic`) holds already:
   * its size (SIZE) is where the upload resumes, by REST + STOR, or APPE on
   * a server whose FEAT offers no REST. Use it only when those bytes are
   * the start of this very file (an earlier attempt of the same upload):
   * ferry cannot tell. A target holding as many bytes as the file is taken
   * as whole (nothing is sent); one holding more is written from byte 0.
   * Needs a local file source.
   *
   * @default {false}
   */
  resume?: boolean;
  /**
   * With `atomic`: keep the temporary when the upload fails, for a later
   * call with `resume` to continue.
   *
   * @default {the value of `resume`}
   */
  keepTemporary?: boolean;
  /**
   * After the upload, ask the server for the size it holds (SIZE) and fail
   * with `FtpSizeMismatchError` unless it is every byte sent (the resumed
   * part included): some servers answer 226 for a file they kept only part
   * of. A server that cannot answer SIZE fails the check. Binary uploads
   * only, and not with `append` (the bytes already there are not counted).
   *
   * @default {true when `atomic` or resumed, in binary; otherwise false}
   */
  checkSize?: boolean;
  /**
   * The modification time to give the uploaded file (MFMT), set before an
   * atomic upload's rename. Skipped where the server's FEAT offers no
   * MFMT; a refusal (5xx) is a `warning` event, not a failure.
   *
   * @default {undefined}
   */
  mtime?: Date;
  /**
   * Called as this call's transfer moves: once when the server has
   * accepted it (its 1xx reply; `bytes` equal to `offset`), then after each
   * chunk sent. See {@linkcode TransferProgress}.
   *
   * @default {undefined}
   */
  onProgress?: (progress: TransferProgress) => void;
  /**
   * A bandwidth limit for this transfer, in bytes per second (or a
   * {@linkcode RateLimiter} shared with other transfers), applied on top of
   * the client's `rateLimit`. The transfer is paced by backpressure: it
   * waits before each small chunk (at most 64 KiB) rather than buffering.
   *
   * @default {undefined}
   */
  rateLimit?: number | RateLimiter;
}

/**
 * What a completed transfer moved.
 *
 * @example
 * ```ts
 * import { FtpClient, type TransferResult } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const result: TransferResult = await client.upload("hello.txt", "hello");
 * console.log(result.bytes); // 5
 * ```
 */
export interface TransferResult {
  /** Bytes carried over the data connection. */
  bytes: number;
  /**
   * The server's final reply text, such as `Transfer complete.` (empty when
   * a resumed upload found the whole file there and sent nothing).
   */
  reply: string;
  /** Where the transfer continued from, when it resumed (`resume`, or an `offset`). */
  resumedFrom?: number;
  /**
   * `downloadTo` with `segments`: how many byte ranges the file was fetched
   * in (`1`: it went over one connection; see `segments` for when).
   */
  segments?: number;
  /** `downloadTo` with `segments`: the most connections that carried segments at once. */
  connections?: number;
}

/**
 * One file of a `downloadAllTo` call.
 *
 * @example
 * ```ts
 * import type { DownloadAllFile } from "@ferry/ftp";
 *
 * const file: DownloadAllFile = { path: "logs/a.log", destination: "./a.log", size: 4096 };
 * ```
 */
export interface DownloadAllFile {
  /** The remote file. */
  path: string;
  /** The local path (string or file URL) to put it at. */
  destination: string | URL;
  /**
   * The file's size, when known: a download that ends short of it fails
   * (see `DownloadOptions.size`).
   *
   * @default {undefined}
   */
  size?: number;
  /**
   * The modification time to give the file before its rename, or `"remote"`
   * for the server's (MDTM, after the transfer; see `DownloadOptions.mtime`).
   *
   * @default {undefined}
   */
  mtime?: Date | "remote";
}

/**
 * Options for `downloadAllTo`.
 *
 * @example
 * ```ts
 * import type { DownloadAllOptions } from "@ferry/ftp";
 *
 * const options: DownloadAllOptions = {
 *   keepTemporary: true,
 *   onFileEnd: (index, outcome) => console.log(index, outcome.ok),
 * };
 * ```
 */
export interface DownloadAllOptions extends CallOptions {
  /**
   * Binary (TYPE I) or ASCII (TYPE A, CRLF becomes LF), for every file.
   *
   * @default {"binary"}
   */
  type?: TransferType;
  /**
   * Keep a file's `<name>.ferry-part` when its download fails, for a later
   * `downloadTo` with `resume` to continue.
   *
   * @default {false}
   */
  keepTemporary?: boolean;
  /**
   * Open each file's `<name>.ferry-part` as a new file (create-new): a file
   * or a link already there fails that file with `Deno.errors.AlreadyExists`
   * before anything is sent for it, instead of being emptied. A caller that
   * has checked that no partial file and no segmented download's progress
   * file is there saves a look for the latter per file (the task runner
   * does). Without it, each file is started as `downloadTo` starts one.
   *
   * @default {false}
   */
  exclusive?: boolean;
  /**
   * Progress of the file at `index` (as `DownloadOptions.onProgress`).
   *
   * @default {undefined}
   */
  onProgress?: (index: number, progress: TransferProgress) => void;
  /**
   * Called as each file ends, in order. Returning `false` stops the call
   * before the next file: the files not started get
   * `{ ok: false, started: false }`.
   *
   * @default {undefined}
   */
  onFileEnd?: (index: number, outcome: DownloadAllOutcome) => boolean | void;
  /**
   * A bandwidth limit for the whole call, in bytes per second (or a
   * {@linkcode RateLimiter}), on top of the client's `rateLimit`.
   *
   * @default {undefined}
   */
  rateLimit?: number | RateLimiter;
}

/**
 * How one file of a `downloadAllTo` call ended: its result, or its error
 * (`started` says whether anything was sent for it).
 *
 * @example
 * ```ts
 * import type { DownloadAllOutcome } from "@ferry/ftp";
 *
 * const show = (o: DownloadAllOutcome) => o.ok ? `${o.result.bytes} B` : o.error.message;
 * ```
 */
export type DownloadAllOutcome =
  | { ok: true; result: TransferResult }
  | { ok: false; error: Error; started: boolean };
