// src/protocol/line_endings.ts
var CR = 13;
var LF = 10;
function crlfToLf(chunk, heldCr) {
  const out = new ConvertedBytes(chunk, chunk.length + 1);
  if (heldCr) {
    if (chunk.length === 0) return {
      bytes: out.bytes,
      heldCr: true
    };
    if (chunk[0] !== LF) out.add(CR);
  }
  const last = chunk.length - 1;
  for (let cr = chunk.indexOf(CR); cr !== -1; cr = chunk.indexOf(CR, cr + 1)) {
    out.copyTo(cr);
    if (cr === last) return {
      bytes: out.bytes,
      heldCr: true
    };
    if (chunk[cr + 1] !== LF) out.add(CR);
    out.skip();
  }
  out.copyTo(chunk.length);
  return {
    bytes: out.bytes,
    heldCr: false
  };
}
function lfToCrlf(chunk, previousWasCr) {
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
var ConvertedBytes = class {
  #chunk;
  #out;
  /** Bytes written to the output. */
  #length = 0;
  /** The next byte of the chunk to copy. */
  #from = 0;
  constructor(chunk, capacity) {
    this.#chunk = chunk;
    this.#out = new Uint8Array(capacity);
  }
  /** Copies the chunk's bytes from where copying stopped up to `end` (exclusive). */
  copyTo(end) {
    this.#out.set(this.#chunk.subarray(this.#from, end), this.#length);
    this.#length += end - this.#from;
    this.#from = end;
  }
  /** Passes over the chunk's next byte without copying it. */
  skip() {
    this.#from++;
  }
  /** Adds a byte that is not in the chunk. */
  add(byte) {
    this.#out[this.#length++] = byte;
  }
  /** The output so far. */
  get bytes() {
    return this.#out.subarray(0, this.#length);
  }
};

export {
  crlfToLf,
  lfToCrlf
};
