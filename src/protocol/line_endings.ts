/**
 * Line-end conversion for ASCII transfers (TYPE A): the network form is CRLF,
 * the local form LF, as ftplib's `retrlines`/`storlines` and QFtp's `Ascii`
 * type convert them. Both directions work on streams split anywhere, including
 * between a CR and its LF. The transform streams built on these functions are
 * in line_ending_streams.ts (see there why a file of their own).
 *
 * @module
 */

const CR = 0x0d;
const LF = 0x0a;

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
  const out = new ConvertedBytes(chunk, chunk.length + 1);
  if (heldCr) {
    if (chunk.length === 0) return { bytes: out.bytes, heldCr: true };
    if (chunk[0] !== LF) out.add(CR);
  }
  const last = chunk.length - 1;
  for (let cr = chunk.indexOf(CR); cr !== -1; cr = chunk.indexOf(CR, cr + 1)) {
    out.copyTo(cr);
    if (cr === last) return { bytes: out.bytes, heldCr: true };
    if (chunk[cr + 1] !== LF) out.add(CR);
    out.skip();
  }
  out.copyTo(chunk.length);
  return { bytes: out.bytes, heldCr: false };
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
  const out = new ConvertedBytes(chunk, chunk.length + lfs);
  for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) {
    out.copyTo(lf);
    const before = lf === 0 ? previousWasCr : chunk[lf - 1] === CR;
    if (!before) out.add(CR);
  }
  out.copyTo(chunk.length);
  return out.bytes;
}

/**
 * A chunk converted into a new buffer: the runs between the bytes a
 * conversion looks at are copied whole, and bytes are added or skipped
 * between them.
 */
class ConvertedBytes {
  readonly #chunk: Uint8Array;
  readonly #out: Uint8Array;
  /** Bytes written to the output. */
  #length = 0;
  /** The next byte of the chunk to copy. */
  #from = 0;

  constructor(chunk: Uint8Array, capacity: number) {
    this.#chunk = chunk;
    this.#out = new Uint8Array(capacity);
  }

  /** Copies the chunk's bytes from where copying stopped up to `end` (exclusive). */
  copyTo(end: number): void {
    this.#out.set(this.#chunk.subarray(this.#from, end), this.#length);
    this.#length += end - this.#from;
    this.#from = end;
  }

  /** Passes over the chunk's next byte without copying it. */
  skip(): void {
    this.#from++;
  }

  /** Adds a byte that is not in the chunk. */
  add(byte: number): void {
    this.#out[this.#length++] = byte;
  }

  /** The output so far. */
  get bytes(): Uint8Array {
    return this.#out.subarray(0, this.#length);
  }
}
