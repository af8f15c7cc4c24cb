/**
 * The promise every queued call of `FtpClient` returns, carrying the id its
 * command has in the client's events.
 *
 * @module
 */

/**
 * A call's promise, carrying the id its queued command has in events
 * (QFtp returns the same id from each call).
 *
 * @example
 * ```ts
 * import { FtpClient, type FtpRequest } from "@ferry/ftp";
 *
 * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
 * const request: FtpRequest<string> = client.pwd();
 * console.log(request.id, await request);
 * ```
 */
export type FtpRequest<T> = Promise<T> & { readonly id: number };
