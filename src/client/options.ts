/**
 * Options for {@linkcode FtpClient} and its calls: the client's own
 * (client_options.ts), every call's (call_options.ts), and the transfers'
 * (transfer_options.ts).
 *
 * @module
 */

export type * from "./client_options.ts";
export type * from "./call_options.ts";
export type * from "./transfer_options.ts";
