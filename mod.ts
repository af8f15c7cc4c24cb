/**
 * ferry: an FTP and FTPS client for Deno, with Web Streams transfers, a
 * QFtp-style command queue, and an embedded server for tests
 * (`@ferry/ftp/testing`). The task runner is `@ferry/ftp/runner`, the
 * command line `@ferry/ftp/cli`.
 *
 * This entry point is what a script needs: the client, its options and
 * events, the errors, the entries of a listing, and the names of the
 * temporaries transfers write. The wire format (reply parser, PASV/EPRT
 * arguments, FEAT, MDTM times, URLs) is `@ferry/ftp/protocol`; the listing
 * parsers are `@ferry/ftp/listing`.
 *
 * @example Download a file
 * ```ts
 * import { FtpClient } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * await client.downloadTo("readme.txt", "./readme.txt");
 * ```
 *
 * @module
 */

// The client: connecting, commands, transfers, listings.
export * from "./src/client/ftp_client.ts";
export * from "./src/client/options.ts";
export * from "./src/client/events.ts";
export type * from "./src/client/request.ts";
export * from "./src/client/temporary_names.ts";
export { RateLimiter, type RateLimiterOptions } from "./src/client/rate_limit.ts";
export type { FtpDebugMessage } from "./src/transport/control_connection.ts";

// What the client's calls return and take.
export type * from "./src/listing/file_info.ts";
export type { FtpReply } from "./src/protocol/reply.ts";
export { type FtpUrl, parseFtpUrl, redactUrl, type SecureMode } from "./src/protocol/url.ts";

// The errors every call may throw: FtpError and its subclasses.
export * from "./src/errors.ts";
