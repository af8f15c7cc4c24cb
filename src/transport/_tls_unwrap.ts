// Taking the TLS layer off a TCP connection and going on in plain text on
// the same connection: CCC (RFC 4217 section 6), which ftplib does with
// SSLSocket.unwrap(). Only Node's TLS path can: there ferry owns the TCP
// connection under TLS (PullDuplex, _node_stream.ts), while Deno.startTls
// consumes it.
//
// The one thing that must not happen is a plain byte reaching TLS, or a TLS
// byte being read as plain text. After CCC's 200 both sides send
// close_notify, and the server sends nothing more until the client's next
// command, which the client sends only once TLS is closed. So at most the
// read in flight when TLS closes holds bytes for the plain stream, and
// those go to the plain reader first. Should a server send plain text right
// behind its close_notify, the bytes are split at the first one that cannot
// start a TLS record (content types 20-24; an FTP reply starts with a
// digit): the records go to TLS, the rest is kept for the plain reader.

import type { ByteStream } from "./byte_stream.ts";

const HEADER_BYTES = 5;

/** Whether a byte can start a TLS record (change_cipher_spec, alert, handshake, application_data, heartbeat). */
const startsRecord = (byte: number) => byte >= 20 && byte <= 24;

/** The state of one connection whose TLS layer is being taken off. */
export class TlsUnwrap {
  /** Bytes of a TLS record not yet whole. */
  #partial = new Uint8Array(0);
  /** Bytes read that belong to the plain stream, in order. */
  readonly #plain: Uint8Array[] = [];
  /** The end of the TCP stream was read (for the plain stream, once TLS is done). */
  #ended = false;
  /** TLS is over: everything read belongs to the plain stream. */
  #detached = false;

  /** Whether bytes past the TLS stream have been seen: TLS must not read more. */
  get plainStarted(): boolean {
    return this.#plain.length > 0 || this.#detached;
  }

  /** TLS is closed: from now on every byte read is plain. */
  detach(): void {
    this.#detached = true;
    if (this.#partial.length > 0) {
      // A record cut short cannot have been TLS's: the peer closed it.
      this.#plain.unshift(this.#partial);
      this.#partial = new Uint8Array(0);
    }
  }

  /**
   * Sorts what the TCP connection gave: whole TLS records for TLS, the rest
   * for the plain stream.
   *
   * @param bytes What was read (copied by the caller), or `null` at its end.
   * @returns The bytes to hand to TLS (possibly none), `null` to hand it the
   * end of the stream, or `undefined` when TLS gets nothing more.
   */
  split(bytes: Uint8Array | null): Uint8Array | null | undefined {
    if (bytes === null) {
      this.#ended = true;
      return this.#detached ? undefined : null;
    }
    if (this.plainStarted) {
      this.#plain.push(bytes);
      return undefined;
    }
    const data = this.#partial.length === 0 ? bytes : concat(this.#partial, bytes);
    let whole = 0;
    // Bounded by the data: each round moves past a whole record or stops.
    while (whole < data.length) {
      if (!startsRecord(data[whole])) {
        this.#plain.push(data.slice(whole));
        this.#partial = new Uint8Array(0);
        return data.subarray(0, whole);
      }
      if (data.length - whole < HEADER_BYTES) break;
      const length = (data[whole + 3] << 8) | data[whole + 4];
      if (data.length - whole < HEADER_BYTES + length) break;
      whole += HEADER_BYTES + length;
    }
    this.#partial = data.slice(whole);
    return data.subarray(0, whole);
  }

  /** Takes plain bytes already read into `buffer`; `0` when there are none. */
  takePlain(buffer: Uint8Array): number {
    const chunk = this.#plain[0];
    if (!chunk) return 0;
    const n = Math.min(chunk.length, buffer.length);
    buffer.set(chunk.subarray(0, n));
    if (n === chunk.length) this.#plain.shift();
    else this.#plain[0] = chunk.subarray(n);
    return n;
  }

  /** Whether the end of the stream was read and no plain byte is left before it. */
  get drained(): boolean {
    return this.#ended && this.#plain.length === 0;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/**
 * The TCP connection once TLS is off it: reads take first what was read
 * past the TLS stream, then wait for a read the TLS side left in flight,
 * and only then read the connection.
 */
export class PlainAfterTls implements ByteStream {
  readonly #conn: ByteStream;
  readonly #unwrap: TlsUnwrap;
  readonly #inFlight: () => Promise<void> | undefined;

  /**
   * @param conn The TCP connection.
   * @param unwrap What was read past the TLS stream.
   * @param inFlight The read the TLS side started and that has not returned.
   */
  constructor(conn: ByteStream, unwrap: TlsUnwrap, inFlight: () => Promise<void> | undefined) {
    this.#conn = conn;
    this.#unwrap = unwrap;
    this.#inFlight = inFlight;
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    // Bounded: a read in flight ends, and then there is none.
    while (true) {
      const n = this.#unwrap.takePlain(buffer);
      if (n > 0) return n;
      const pending = this.#inFlight();
      if (pending) {
        await pending;
        continue;
      }
      if (this.#unwrap.drained) return null;
      return await this.#conn.read(buffer);
    }
  }

  write(bytes: Uint8Array): Promise<number> {
    return this.#conn.write(bytes);
  }

  closeWrite(): Promise<void> {
    return this.#conn.closeWrite();
  }

  close(): void {
    this.#conn.close();
  }

  get localAddr(): Deno.Addr {
    return this.#conn.localAddr;
  }

  get remoteAddr(): Deno.Addr {
    return this.#conn.remoteAddr;
  }
}
