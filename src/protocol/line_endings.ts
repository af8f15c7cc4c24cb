/**
 * Line-end conversion for ASCII transfers (TYPE A): the network form is CRLF,
 * the local form LF, as ftplib's `retrlines`/`storlines` and QFtp's `Ascii`
 * type convert them. Both directions work on streams split anywhere, including
 * between a CR and its LF.
 *
 * @module
 */

import { crlfToLfTransformer, lfToCrlfTransformer } from "./line_end_conversion.ts";

export {
  crlfToLf,
  crlfToLfTransformer,
  lfToCrlf,
  lfToCrlfTransformer,
} from "./line_end_conversion.ts";

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
    super(crlfToLfTransformer());
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
    super(lfToCrlfTransformer());
  }
}
