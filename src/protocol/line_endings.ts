/**
 * Line-end conversion for ASCII transfers (TYPE A): the network form is CRLF,
 * the local form LF, as ftplib's `retrlines`/`storlines` and QFtp's `Ascii`
 * type convert them. Both directions work on streams split anywhere, including
 * between a CR and its LF.
 *
 * @module
 */

const CR = 0x0d;
const LF = 0x0a;

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

/**
 * Converts CRLF to LF in one chunk.
 *
 * @param chunk The bytes.
 * @param heldCr Whether the previous chunk ended in a CR that was held back.
 * @returns The converted bytes and whether this chunk's final CR is held back.
 *
 * @example
 * ```ts
 * import { crlfToLf } from "@ferry/ftp/protocol";
 * const { bytes, heldCr } = crlfToLf(new TextEncoder().encode("a\r\nb\r"), false);
 * console.log(bytes.length, heldCr); // 3 true
 * ```
 */
export function crlfToLf(
  chunk: Uint8Array,
  heldCr: boolean,
): { bytes: Uint8Array; heldCr: boolean } {
  const out = new Uint8Array(chunk.length + 1);
  let n = 0;
  let i = 0;
  if (heldCr) {
    if (chunk.length === 0) return { bytes: out.subarray(0, 0), heldCr: true };
    if (chunk[0] !== LF) out[n++] = CR;
  }
  const last = chunk.length - 1;
  while (i <= last) {
    const cr = chunk.indexOf(CR, i);
    if (cr === -1) {
      out.set(chunk.subarray(i), n);
      n += chunk.length - i;
      break;
    }
    out.set(chunk.subarray(i, cr), n);
    n += cr - i;
    if (cr === last) return { bytes: out.subarray(0, n), heldCr: true };
    if (chunk[cr + 1] !== LF) out[n++] = CR;
    i = cr + 1;
  }
  return { bytes: out.subarray(0, n), heldCr: false };
}

/**
 * Converts lone LF to CRLF in one chunk.
 *
 * @param chunk The bytes.
 * @param previousWasCr Whether the byte before this chunk was a CR.
 * @returns The converted bytes.
 *
 * @example
 * ```ts
 * import { lfToCrlf } from "@ferry/ftp/protocol";
 * console.log(lfToCrlf(new TextEncoder().encode("a\nb"), false).length); // 4
 * ```
 */
export function lfToCrlf(chunk: Uint8Array, previousWasCr: boolean): Uint8Array {
  let lfs = 0;
  for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) lfs++;
  if (lfs === 0) return chunk;
  const out = new Uint8Array(chunk.length + lfs);
  let n = 0;
  let i = 0;
  while (i < chunk.length) {
    const lf = chunk.indexOf(LF, i);
    if (lf === -1) {
      out.set(chunk.subarray(i), n);
      n += chunk.length - i;
      break;
    }
    out.set(chunk.subarray(i, lf), n);
    n += lf - i;
    const before = lf === 0 ? previousWasCr : chunk[lf - 1] === CR;
    if (!before) out[n++] = CR;
    out[n++] = LF;
    i = lf + 1;
  }
  return out.subarray(0, n);
}
