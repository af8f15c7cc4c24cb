/**
 * FTP's wire format without I/O, for power users who speak to servers
 * themselves or test their own: replies and their parser, commands and their
 * safety checks, data addresses (PASV, EPSV, PORT, EPRT), FEAT, MDTM/MFMT
 * times, URLs, line endings, text encodings, remote paths and address
 * spellings. Nothing here opens a connection or touches a file.
 *
 * @example Parse a passive-mode reply
 * ```ts
 * import { parseEpsvReply, ReplyParser } from "@ferry/ftp/protocol";
 *
 * const parser = new ReplyParser();
 * const bytes = new TextEncoder().encode("229 Entering Extended Passive Mode (|||40001|)\r\n");
 * const [reply] = parser.push(bytes);
 * console.log(parseEpsvReply(reply.text)); // 40001
 * ```
 *
 * @module
 */

export * from "./reply.ts";
export * from "./reply_text.ts";
export * from "./command.ts";
export * from "./data_address.ts";
export * from "./features.ts";
export * from "./time_val.ts";
export * from "./url.ts";
export * from "./host.ts";
export * from "./remote_path.ts";
export * from "./line_endings.ts";
export * from "./line_ending_streams.ts";
export * from "./line_splitter.ts";
export * from "./text_codec.ts";
export * from "./secret_text.ts";
