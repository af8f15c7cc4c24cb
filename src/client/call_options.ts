/**
 * Options every call of {@linkcode FtpClient} takes ({@linkcode CallOptions}),
 * and those of its listing, renaming and directory calls.
 *
 * @module
 */

/**
 * Options every call accepts.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.list("/", { signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface CallOptions {
  /**
   * Cancels the call: a queued call is removed from the queue, a running
   * transfer is aborted with ABOR. Either way the call rejects with
   * `FtpAbortError` and the client stays usable.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * Options for listings.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.list("/", { maxBytes: 1024 * 1024 });
 * ```
 */
export interface ListOptions extends CallOptions {
  /**
   * Most bytes this listing may have; more stops it with `FtpLimitError`.
   *
   * @default {the client's `maxListingBytes`}
   */
  maxBytes?: number;
}

/**
 * Options for `rename`.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.upload("www/index.html.new", "<h1>v2</h1>\n");
 * await client.rename("www/index.html.new", "www/index.html", { replace: true });
 * ```
 */
export interface RenameOptions extends CallOptions {
  /**
   * Make sure an existing `to` is replaced, on servers that will not rename
   * over a file too: when RNTO is refused and both files exist, the old `to`
   * is renamed to `<to>.ferry-old.ferry-part`, `from` renamed into place,
   * and then the old file removed (a `warning` event says so); if `from`
   * still cannot go into place, the old file is renamed back and the
   * refusal thrown. So `to` always holds the old file or the new one
   * (short of the connection dying between two renames, which leaves the
   * old one under its aside name, never removed by ferry).
   *
   * @default {false}
   */
  replace?: boolean;
}

/**
 * Options for recursive directory calls.
 *
 * @example
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.mkdir("a/b/c", { recursive: true });
 * await client.rmdir("a", { recursive: true });
 * ```
 */
export interface RecursiveOptions extends CallOptions {
  /**
   * `mkdir`: create missing parents. `rmdir`: remove the content first.
   *
   * @default {false}
   */
  recursive?: boolean;
}
