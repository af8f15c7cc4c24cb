/**
 * Line-end conversion as transform streams, for ASCII transfers through
 * streams (`FtpClient.download`, uploads from a stream): the chunk functions
 * of line_endings.ts with the state a stream carries between chunks. A file
 * of its own because defining a subclass of `TransformStream` makes Deno load
 * its web streams (about 6 ms of CPU at start), and a binary get needs none
 * (docs/performance.md, "Cold start").
 *
 * @module
 */

import { crlfToLf, lfToCrlf } from "./line_endings.ts";

const CR = 0x0d;

/**
 * Converts CRLF to LF (network to local). A lone CR is kept.
 *
 * @example
 * ```ts
 * import { CrlfToLfStream } from "@ferry/ftp/protocol";
 *
 * const text = await new Response(
 *   new Blob(["a\r\nb\r\n"]).stream().pipeThrough(new CrlfToLfStream()),
 * ).text();
 * console.log(JSON.stringify(text)); // "a\nb\n"
 * ```
 */
export class CrlfToLfStream extends TransformStream<Uint8Array, Uint8Array> {
  /** Creates the transform. */
  constructor() {
    let heldCr = false;
    super({
      transform(chunk, controller) {
        const out = crlfToLf(chunk, heldCr);
        heldCr = out.heldCr;
        if (out.bytes.length > 0) controller.enqueue(out.bytes);
      },
      flush(controller) {
        if (heldCr) controller.enqueue(Uint8Array.of(CR));
      },
    });
  }
}

/**
 * Converts lone LF to CRLF (local to network). Existing CRLF pairs are kept.
 *
 * @example
 * ```ts
 * import { LfToCrlfStream } from "@ferry/ftp/protocol";
 *
 * const text = await new Response(
 *   new Blob(["a\nb\r\n"]).stream().pipeThrough(new LfToCrlfStream()),
 * ).text();
 * console.log(JSON.stringify(text)); // "a\r\nb\r\n"
 * ```
 */
export class LfToCrlfStream extends TransformStream<Uint8Array, Uint8Array> {
  /** Creates the transform. */
  constructor() {
    let lastWasCr = false;
    super({
      transform(chunk, controller) {
        if (chunk.length === 0) return;
        controller.enqueue(lfToCrlf(chunk, lastWasCr));
        lastWasCr = chunk[chunk.length - 1] === CR;
      },
    });
  }
}
