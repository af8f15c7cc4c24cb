/**
 * Just enough of the TLS record layer (RFC 8446 section 5.1) to tell when a
 * client starts sending encrypted records, without decrypting anything.
 *
 * @module
 */

const HEADER_BYTES = 5;
/** The content type of encrypted TLS 1.3 records and of application data. */
const APPLICATION_DATA = 23;

/**
 * Follows record boundaries in one direction of a TLS stream and reports
 * the first record of type `application_data` (23). A TLS 1.3 client sends
 * its first such record (its Finished message) only once it has received
 * the server's whole first flight, so whatever the server sends after that
 * point is after the handshake: session tickets, data, close_notify.
 */
export class RecordScanner {
  readonly #header = new Uint8Array(HEADER_BYTES);
  #headerLength = 0;
  /** Bytes of the current record's body still to skip. */
  #bodyLeft = 0;
  #seen = false;

  /** Whether an `application_data` record has begun. */
  get seen(): boolean {
    return this.#seen;
  }

  /**
   * Feeds the next bytes of the stream.
   *
   * @returns Whether an `application_data` record has begun, in these
   * bytes or before.
   */
  push(bytes: Uint8Array): boolean {
    let i = 0;
    // Each round consumes at least one byte.
    while (!this.#seen && i < bytes.length) {
      if (this.#bodyLeft > 0) {
        const skip = Math.min(this.#bodyLeft, bytes.length - i);
        this.#bodyLeft -= skip;
        i += skip;
        continue;
      }
      this.#header[this.#headerLength++] = bytes[i++];
      if (this.#headerLength < HEADER_BYTES) continue;
      this.#headerLength = 0;
      if (this.#header[0] === APPLICATION_DATA) this.#seen = true;
      this.#bodyLeft = (this.#header[3] << 8) | this.#header[4];
    }
    return this.#seen;
  }
}

/**
 * Splits one direction of a connection whose TLS is being ended (CCC) into
 * whole TLS records and what follows them: the first byte at a record
 * boundary that cannot start a record (content types 20 to 24; an FTP
 * command starts with a letter) starts the plain text.
 */
export class RecordSplitter {
  #partial = new Uint8Array(0);

  /**
   * Feeds the next bytes.
   *
   * @returns The whole records among them (with what was held back before),
   * and the plain bytes once the TLS stream has ended (nothing more is
   * split after that).
   */
  push(bytes: Uint8Array): { records: Uint8Array; plain?: Uint8Array } {
    const data = new Uint8Array(this.#partial.length + bytes.length);
    data.set(this.#partial);
    data.set(bytes, this.#partial.length);
    let whole = 0;
    // Each round moves past a whole record, or stops.
    while (whole < data.length) {
      const type = data[whole];
      if (type < 20 || type > 24) {
        this.#partial = new Uint8Array(0);
        return { records: data.subarray(0, whole), plain: data.slice(whole) };
      }
      if (data.length - whole < HEADER_BYTES) break;
      const length = (data[whole + 3] << 8) | data[whole + 4];
      if (data.length - whole < HEADER_BYTES + length) break;
      whole += HEADER_BYTES + length;
    }
    this.#partial = data.slice(whole);
    return { records: data.subarray(0, whole) };
  }
}
