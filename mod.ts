/**
 * ferry: an FTP and FTPS client for Deno, with Web Streams transfers, a
 * QFtp-style command queue, and an embedded server for tests
 * (`@ferry/ftp/testing`). The task runner is `@ferry/ftp/runner`, the
 * command line `@ferry/ftp/cli`.
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

export * from "./src/errors.ts";
export * from "./src/protocol/reply.ts";
export * from "./src/protocol/command.ts";
export * from "./src/protocol/data_address.ts";
export * from "./src/protocol/time_val.ts";
export * from "./src/protocol/features.ts";
export * from "./src/protocol/url.ts";
export * from "./src/protocol/line_endings.ts";
export * from "./src/protocol/remote_path.ts";
export * from "./src/protocol/reply_text.ts";
export * from "./src/listing/file_info.ts";
export * from "./src/listing/parse_mlsd.ts";
export * from "./src/listing/parse_unix.ts";
export * from "./src/listing/parse_dos.ts";
export * from "./src/listing/parse_eplf.ts";
export * from "./src/listing/parse_list.ts";
export * from "./src/protocol/line_splitter.ts";
export * from "./src/protocol/text_codec.ts";
export * from "./src/client/ftp_client.ts";
export * from "./src/client/options.ts";
export * from "./src/client/events.ts";
export * from "./src/client/temporary_names.ts";
export { RateLimiter, type RateLimiterOptions } from "./src/client/rate_limit.ts";
export type { FtpRequest } from "./src/client/_command_queue.ts";
export type { FtpDebugMessage } from "./src/transport/control_connection.ts";
