/**
 * What the raw data-command calls return: {@linkcode CommandDownload} from
 * `FtpClient.downloadCommand()`, {@linkcode CommandUpload} from
 * `FtpClient.uploadCommand()`.
 *
 * @module
 */

import type { FtpReply } from "../protocol/reply.ts";

/**
 * What `downloadCommand()` returns.
 *
 * @example
 * ```ts
 * import { FtpClient, type CommandDownload } from "@ferry/ftp";
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const result: CommandDownload = await client.downloadCommand("NLST");
 * console.log(result.reply.code, result.size, await new Response(result.stream).text());
 * ```
 */
export interface CommandDownload {
  /** The bytes the server sends; read to the end to complete the command. */
  stream: ReadableStream<Uint8Array>;
  /** The size the server announced in its 1xx reply, if it did. */
  size: number | undefined;
  /** The 1xx reply that started the transfer. */
  reply: FtpReply;
}

/**
 * What `uploadCommand()` returns.
 *
 * @example
 * ```ts
 * import { FtpClient, type CommandUpload } from "@ferry/ftp";
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const result: CommandUpload = await client.uploadCommand("APPE log.txt");
 * await new Blob(["one more line\n"]).stream().pipeTo(result.stream);
 * ```
 */
export interface CommandUpload {
  /** Where to write the bytes; close it to complete the command. */
  stream: WritableStream<Uint8Array>;
  /** The 1xx reply that started the transfer (STOU's names the file). */
  reply: FtpReply;
}
