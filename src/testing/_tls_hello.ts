/**
 * Telling from the cleartext hellos whether a TLS handshake resumed an
 * earlier session, or tried to, without decrypting anything: a TLS 1.3
 * ServerHello (the one carrying `supported_versions`) carries
 * `pre_shared_key` exactly when the server accepted a ticket, and a
 * ClientHello carries it when the client offers one (RFC 8446 section
 * 4.2.11); in TLS 1.2 the server echoes the client's non-empty session id
 * exactly when it resumes that session (RFC 5246 section 7.4.1.3). TLS 1.3
 * servers echo the session id too (middlebox compatibility), hence the
 * version first.
 *
 * @module
 */

const RECORD_HEADER = 5;
const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const SERVER_HELLO = 2;
const EXTENSION_PRE_SHARED_KEY = 41;
const EXTENSION_SUPPORTED_VERSIONS = 43;
/** A hello never needs more; past this the answer is "unknown". */
const COLLECT_LIMIT = 64 * 1024;
/** The ServerHello random that marks a HelloRetryRequest (RFC 8446 section 4.1.3). */
const RETRY_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** One direction's handshake messages, reassembled from records as they arrive. */
class HandshakeReader {
  #bytes = new Uint8Array(0);
  #offset = 0;
  #handshake = new Uint8Array(0);
  overflow = false;

  push(chunk: Uint8Array): void {
    if (this.overflow) return;
    if (this.#bytes.length + chunk.length > COLLECT_LIMIT) {
      this.overflow = true;
      return;
    }
    const joined = new Uint8Array(this.#bytes.length + chunk.length);
    joined.set(this.#bytes);
    joined.set(chunk, this.#bytes.length);
    this.#bytes = joined;
    // Move complete handshake records into the message buffer.
    for (;;) {
      const at = this.#offset;
      if (this.#bytes.length - at < RECORD_HEADER) return;
      const length = (this.#bytes[at + 3] << 8) | this.#bytes[at + 4];
      if (this.#bytes.length - at < RECORD_HEADER + length) return;
      this.#offset = at + RECORD_HEADER + length;
      if (this.#bytes[at] !== HANDSHAKE) continue;
      const body = this.#bytes.subarray(at + RECORD_HEADER, this.#offset);
      const messages = new Uint8Array(this.#handshake.length + body.length);
      messages.set(this.#handshake);
      messages.set(body, this.#handshake.length);
      this.#handshake = messages;
    }
  }

  /** The `index`-th complete handshake message (type and body), if it has arrived. */
  message(index: number): { type: number; body: Uint8Array } | undefined {
    let at = 0;
    for (let i = 0; at + 4 <= this.#handshake.length; i++) {
      const length = (this.#handshake[at + 1] << 16) | (this.#handshake[at + 2] << 8) |
        this.#handshake[at + 3];
      if (at + 4 + length > this.#handshake.length) return undefined;
      if (i === index) {
        return {
          type: this.#handshake[at],
          body: this.#handshake.subarray(at + 4, at + 4 + length),
        };
      }
      at += 4 + length;
    }
    return undefined;
  }
}

/** The session id of a ClientHello or ServerHello body (both start alike). */
function sessionId(body: Uint8Array): Uint8Array | undefined {
  const at = 2 + 32;
  if (body.length < at + 1) return undefined;
  const length = body[at];
  if (body.length < at + 1 + length) return undefined;
  return body.subarray(at + 1, at + 1 + length);
}

/** The extension types in a hello body from `at`, its extensions' length field. */
function extensionTypes(body: Uint8Array, start: number): number[] {
  let at = start;
  if (body.length < at + 2) return [];
  const end = Math.min(body.length, at + 2 + ((body[at] << 8) | body[at + 1]));
  at += 2;
  const types: number[] = [];
  while (at + 4 <= end) {
    types.push((body[at] << 8) | body[at + 1]);
    at += 4 + ((body[at + 2] << 8) | body[at + 3]);
  }
  return types;
}

/** The extension types of a ServerHello body. */
function serverExtensions(body: Uint8Array): number[] {
  const idLength = body[2 + 32] ?? 0;
  return extensionTypes(body, 2 + 32 + 1 + idLength + 2 + 1);
}

/** The extension types of a ClientHello body. */
function clientExtensions(body: Uint8Array): number[] {
  let at = 2 + 32;
  at += 1 + (body[at] ?? 0); // session id
  if (body.length < at + 2) return [];
  at += 2 + ((body[at] << 8) | body[at + 1]); // cipher suites
  at += 1 + (body[at] ?? 0); // compression methods
  return extensionTypes(body, at);
}

/** How a handshake dealt with earlier sessions. */
export type SessionReuse =
  /** The server resumed a session. */
  | "resumed"
  /** TLS 1.3: the client offered a ticket the server did not take (tickets are single-use). */
  | "offered"
  /** A fresh session. */
  | "none";

/**
 * Watches both directions of a handshake and settles `reuse` once the
 * ServerHello is known, or `undefined` if the hellos could not be read.
 */
export class ResumptionProbe {
  readonly reuse: Promise<SessionReuse | undefined>;
  readonly #client = new HandshakeReader();
  readonly #server = new HandshakeReader();
  #settle!: (reuse: SessionReuse | undefined) => void;
  #settled = false;

  constructor() {
    this.reuse = new Promise((resolve) => this.#settle = resolve);
  }

  /** Whether the answer is known (nothing more needs to be fed). */
  get settled(): boolean {
    return this.#settled;
  }

  /** Feeds bytes the client sent. */
  pushClient(bytes: Uint8Array): void {
    if (this.#settled) return;
    this.#client.push(bytes);
    this.#decide();
  }

  /** Feeds bytes the server sent. */
  pushServer(bytes: Uint8Array): void {
    if (this.#settled) return;
    this.#server.push(bytes);
    this.#decide();
  }

  /** Gives up (the connection ended first). */
  abandon(): void {
    this.#finish(undefined);
  }

  #decide(): void {
    if (this.#client.overflow || this.#server.overflow) return this.#finish(undefined);
    // Skip a HelloRetryRequest: the ServerHello after it decides.
    let hello: { type: number; body: Uint8Array } | undefined;
    for (let i = 0; (hello = this.#server.message(i)) !== undefined; i++) {
      if (hello.type !== SERVER_HELLO) return this.#finish(undefined);
      if (hex(hello.body.subarray(2, 34)) !== RETRY_RANDOM) break;
    }
    if (!hello) return;
    const offer = this.#client.message(0);
    if (!offer) return;
    if (offer.type !== CLIENT_HELLO) return this.#finish(undefined);
    const extensions = serverExtensions(hello.body);
    if (extensions.includes(EXTENSION_SUPPORTED_VERSIONS)) {
      if (extensions.includes(EXTENSION_PRE_SHARED_KEY)) return this.#finish("resumed");
      const offered = clientExtensions(offer.body).includes(EXTENSION_PRE_SHARED_KEY);
      return this.#finish(offered ? "offered" : "none");
    }
    const id = sessionId(offer.body) ?? new Uint8Array(0);
    const echoed = sessionId(hello.body);
    const sameId = id.length > 0 && echoed !== undefined && hex(id) === hex(echoed);
    this.#finish(sameId ? "resumed" : "none");
  }

  #finish(reuse: SessionReuse | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle(reuse);
  }
}
