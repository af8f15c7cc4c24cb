import {
  NativeTransport
} from "../chunk-EWLIKXQH.js";
import {
  ChunkQueue
} from "../chunk-P22UIT5E.js";
import {
  MESSAGE_BYTES,
  encodeError
} from "../chunk-IMKFVEE2.js";
import {
  tlsError
} from "../chunk-6Y7TI5L4.js";
import {
  writeAll
} from "../chunk-IOE4GXSG.js";
import {
  connectionError,
  dial,
  within
} from "../chunk-JTZGJBJ2.js";
import {
  closeQuietly
} from "../chunk-OKDFGV22.js";
import "../chunk-RK3YRUIX.js";
import "../chunk-WYTJSAQ3.js";
import "../chunk-UN72SBEK.js";

// src/transport/_isolated_worker.ts
import { parentPort } from "node:worker_threads";

// src/transport/_node_transport.ts
import net from "node:net";
import tls from "node:tls";

// src/transport/_node_stream.ts
import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";

// src/transport/_tls_unwrap.ts
var HEADER_BYTES = 5;
var startsRecord = (byte) => byte >= 20 && byte <= 24;
var TlsUnwrap = class {
  /** Bytes of a TLS record not yet whole. */
  #partial = new Uint8Array(0);
  /** Bytes read that belong to the plain stream, in order. */
  #plain = [];
  /** The end of the TCP stream was read (for the plain stream, once TLS is done). */
  #ended = false;
  /** TLS is over: everything read belongs to the plain stream. */
  #detached = false;
  /** Whether bytes past the TLS stream have been seen: TLS must not read more. */
  get plainStarted() {
    return this.#plain.length > 0 || this.#detached;
  }
  /** TLS is closed: from now on every byte read is plain. */
  detach() {
    this.#detached = true;
    if (this.#partial.length > 0) {
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
  split(bytes) {
    if (bytes === null) {
      this.#ended = true;
      return this.#detached ? void 0 : null;
    }
    if (this.plainStarted) {
      this.#plain.push(bytes);
      return void 0;
    }
    const data = this.#partial.length === 0 ? bytes : concat(this.#partial, bytes);
    let whole = 0;
    while (whole < data.length) {
      if (!startsRecord(data[whole])) {
        this.#plain.push(data.slice(whole));
        this.#partial = new Uint8Array(0);
        return data.subarray(0, whole);
      }
      if (data.length - whole < HEADER_BYTES) break;
      const length = data[whole + 3] << 8 | data[whole + 4];
      if (data.length - whole < HEADER_BYTES + length) break;
      whole += HEADER_BYTES + length;
    }
    this.#partial = data.slice(whole);
    return data.subarray(0, whole);
  }
  /** Takes plain bytes already read into `buffer`; `0` when there are none. */
  takePlain(buffer) {
    const chunk = this.#plain[0];
    if (!chunk) return 0;
    const n = Math.min(chunk.length, buffer.length);
    buffer.set(chunk.subarray(0, n));
    if (n === chunk.length) this.#plain.shift();
    else this.#plain[0] = chunk.subarray(n);
    return n;
  }
  /** Whether the end of the stream was read and no plain byte is left before it. */
  get drained() {
    return this.#ended && this.#plain.length === 0;
  }
};
function concat(a, b) {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
var PlainAfterTls = class {
  #conn;
  #unwrap;
  #inFlight;
  /**
   * @param conn The TCP connection.
   * @param unwrap What was read past the TLS stream.
   * @param inFlight The read the TLS side started and that has not returned.
   */
  constructor(conn, unwrap, inFlight) {
    this.#conn = conn;
    this.#unwrap = unwrap;
    this.#inFlight = inFlight;
  }
  async read(buffer) {
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
  write(bytes) {
    return this.#conn.write(bytes);
  }
  closeWrite() {
    return this.#conn.closeWrite();
  }
  close() {
    this.#conn.close();
  }
  get localAddr() {
    return this.#conn.localAddr;
  }
  get remoteAddr() {
    return this.#conn.remoteAddr;
  }
};

// src/transport/_node_stream.ts
var HIGH_WATER = 128 * 1024;
var heldMost = 0;
function mostPlaintextHeld() {
  return heldMost;
}
var RECORD_BYTES = 16 * 1024;
var largestTlsWrite = 0;
var cipherQueuedMost = 0;
function largestTlsWriteMade() {
  return largestTlsWrite;
}
function mostCiphertextQueued() {
  return cipherQueuedMost;
}
function release(chunk) {
  const buffer = chunk.buffer;
  if (!(buffer instanceof ArrayBuffer) || chunk.byteOffset !== 0) return;
  if (chunk.byteLength !== buffer.byteLength || buffer.byteLength < RELEASE_MIN_BYTES) return;
  try {
    buffer.transfer(0);
    buffersReleased++;
  } catch {
  }
}
var RELEASE_MIN_BYTES = 8 * 1024;
var buffersReleased = 0;
function tlsBuffersReleased() {
  return buffersReleased;
}
var READ_BYTES = 32 * 1024;
var PullDuplex = class extends Duplex {
  conn;
  #allowed;
  #wanted = false;
  #reading = false;
  #scratch = new Uint8Array(READ_BYTES);
  #joinBuffer = new Uint8Array(0);
  /** The read in flight, settled once its bytes are where they belong. */
  #inFlight;
  /** The last write to the connection, settled once it is through. */
  #writes = Promise.resolve();
  /** Set once TLS is being taken off (CCC): the connection outlives TLS. */
  #unwrap;
  #tcpEnded = false;
  constructor(conn, allowed) {
    super();
    this.conn = conn;
    this.#allowed = allowed;
  }
  _read() {
    this.#wanted = true;
    this.pump();
  }
  /** Reads more ciphertext if TLS wants it and the reader has room. */
  pump() {
    if (this.#reading || !this.#wanted || !this.#allowed()) return;
    if (this.#unwrap?.plainStarted) return;
    this.#reading = true;
    this.#wanted = false;
    const scratch = this.#scratch;
    this.#inFlight = this.conn.read(scratch).then((n) => {
      this.#reading = false;
      this.#inFlight = void 0;
      if (n === null) this.#tcpEnded = true;
      const read = n === null ? null : this.#unwrap ? scratch.slice(0, n) : scratch.subarray(0, n);
      const forTls = this.#unwrap ? this.#unwrap.split(read) : read;
      if (forTls === null) this.push(null);
      else if (forTls !== void 0 && forTls.length > 0) {
        this.push(Buffer.from(forTls.buffer, forTls.byteOffset, forTls.length));
        if (this.readableLength > 0) this.#scratch = new Uint8Array(READ_BYTES);
      } else if (forTls !== void 0) this.#wanted = true;
      this.pump();
    }, (error) => {
      this.#reading = false;
      this.#inFlight = void 0;
      this.destroy(error);
    });
  }
  /**
   * From now on the connection outlives TLS: ending or destroying the TLS
   * socket does not end or close it, and bytes past the TLS stream are kept
   * for {@linkcode PullDuplex.detach}.
   */
  release() {
    this.#unwrap ??= new TlsUnwrap();
    return this.#unwrap;
  }
  /** Whether the end of the TCP stream was read. */
  get tcpEnded() {
    return this.#tcpEnded;
  }
  /**
   * Once TLS is closed (after {@linkcode PullDuplex.release}): waits for the
   * writes in flight (close_notify), then returns the connection as a plain
   * stream that first yields what was read past the TLS stream.
   */
  async detach() {
    const unwrap = this.release();
    unwrap.detach();
    await this.#writes;
    return new PlainAfterTls(this.conn, unwrap, () => this.#inFlight);
  }
  _write(chunk, _encoding, done) {
    this.#write(chunk, (error) => {
      release(chunk);
      done(error);
    });
  }
  #write(bytes, done) {
    cipherQueuedMost = Math.max(cipherQueuedMost, bytes.length + this.writableLength);
    const writing = writeAll2(this.conn, bytes);
    this.#writes = writing.catch(() => {
    });
    writing.then(() => done(), done);
  }
  /** TLS writes one record (16 KiB) at a time: send what has queued up in one write. */
  _writev(chunks, done) {
    if (chunks.length === 1) return this._write(chunks[0].chunk, "", done);
    const total = chunks.reduce((sum, c) => sum + c.chunk.length, 0);
    if (this.#joinBuffer.length < total) this.#joinBuffer = new Uint8Array(total);
    const joined = this.#joinBuffer.subarray(0, total);
    let offset = 0;
    for (const { chunk } of chunks) {
      joined.set(chunk, offset);
      offset += chunk.length;
      release(chunk);
    }
    this.#write(joined, done);
  }
  _final(done) {
    if (this.#unwrap) return done();
    this.conn.closeWrite().then(() => done(), () => done());
  }
  _destroy(error, done) {
    if (!this.#unwrap) {
      try {
        this.conn.close();
      } catch {
      }
    }
    done(error);
  }
};
async function writeAll2(conn, bytes) {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}
var NodeTlsStream = class {
  socket;
  #duplex;
  /** Each decrypted chunk is node:tls's for this stream alone: freed once read. */
  #queue = new ChunkQueue(release);
  /** Fails the writes still waiting for Node when the socket closes. */
  #pendingWrites = /* @__PURE__ */ new Set();
  /** Maps TLS failures to ferry's errors. */
  #mapError;
  /** Settles once the handshake is done and the peer accepted (or refused). */
  ready;
  /** Whether the handshake resumed a session; `undefined` until it completes. */
  sessionResumed;
  /**
   * @param check Judges the peer once the handshake is done: an error
   * refuses it. Nothing is written before this passes.
   */
  constructor(socket, duplex, mapError, check) {
    this.socket = socket;
    this.#duplex = duplex;
    this.#mapError = mapError;
    this.ready = new Promise((resolve, reject) => {
      socket.once("secureConnect", () => {
        this.sessionResumed = socket.isSessionReused();
        const problem = check(socket);
        if (!problem) return resolve();
        reject(this.#mapError(problem));
        this.#finish(problem);
        socket.destroy();
      });
      socket.once("error", (error) => reject(this.#mapError(error)));
      socket.once("close", () => reject(this.#mapError(new Deno.errors.ConnectionReset("The connection closed during the TLS handshake"))));
    });
    this.ready.catch(() => {
    });
    socket.on("data", (chunk) => {
      this.#queue.push(chunk);
      heldMost = Math.max(heldMost, this.#queue.buffered);
    });
    socket.on("end", () => this.#finish());
    socket.on("close", () => {
      this.#finish();
      this.#failWrites();
    });
    socket.on("error", (error) => {
      this.#finish(error);
      this.#failWrites();
    });
  }
  // A write still waiting for Node's callback when the socket closes fails
  // here, so it cannot wait forever if the callback never comes. One interop
  // run against ProFTPD (which drops data connections it will not resume)
  // hung in an upload; the cause was not pinned down, and this and the
  // handshake guard above close the two ways a write could wait forever.
  #failWrites() {
    const error = this.#queue.error ?? new Deno.errors.ConnectionReset("The data connection closed during a write");
    for (const fail of [
      ...this.#pendingWrites
    ]) fail(error);
  }
  /** Whether the reader has room for more plaintext (the Duplex asks). */
  hasRoom() {
    return this.#queue.buffered < HIGH_WATER;
  }
  #finish(error) {
    if (error && !this.#queue.ended) this.#queue.fail(this.#mapError(error));
    this.#queue.end();
  }
  async read(buffer) {
    const n = await this.#queue.read(buffer);
    if (n !== null) this.#duplex.pump();
    return n;
  }
  async write(bytes) {
    if (this.#queue.error) throw this.#queue.error;
    await this.ready;
    for (let offset = 0; offset < bytes.length; offset += RECORD_BYTES) {
      await this.#writeRecord(bytes.subarray(offset, offset + RECORD_BYTES));
    }
    return bytes.length;
  }
  /**
   * Hands node:tls one record's plaintext and waits for its callback, which
   * comes once the record's ciphertext is written to the connection (so the
   * caller may reuse the buffer when this resolves).
   */
  #writeRecord(bytes) {
    if (this.#queue.error) return Promise.reject(this.#queue.error);
    largestTlsWrite = Math.max(largestTlsWrite, bytes.length);
    return new Promise((resolve, reject) => {
      const fail = (error) => {
        this.#pendingWrites.delete(fail);
        reject(error);
      };
      this.#pendingWrites.add(fail);
      this.socket.write(bytes, (error) => {
        this.#pendingWrites.delete(fail);
        if (error) reject(this.#mapError(error));
        else resolve(bytes.length);
      });
    });
  }
  /**
   * Sends close_notify and ends the TCP stream. Resolves once the Duplex
   * underneath has written everything (its 'finish'), not merely once TLS
   * has handed the bytes down: closing earlier would cut the upload short.
   */
  closeWrite() {
    const duplex = this.#duplex;
    const flushed = new Promise((resolve) => {
      if (duplex.writableFinished || this.#queue.ended) return resolve();
      duplex.once("finish", () => resolve());
      duplex.once("close", () => resolve());
      const settle = () => {
        this.#pendingWrites.delete(settle);
        resolve();
      };
      this.#pendingWrites.add(settle);
      this.socket.once("end", settle);
      this.socket.once("close", settle);
    });
    this.socket.end();
    return flushed;
  }
  /**
   * Takes TLS off the connection and goes on in plain text (CCC, RFC 4217
   * section 6; ftplib's `unwrap()`): sends close_notify, waits for the
   * peer's, and returns the TCP connection as a plain stream. Call it only
   * when the peer sends nothing but its close_notify until the next command
   * (after CCC's 200), and when nothing is waiting to be read here.
   *
   * @param timeoutMs How long the peer may take to send its close_notify.
   * @returns The plain stream; this stream is done.
   * @throws When the peer closes the connection instead, or does not answer in time.
   */
  async clear(timeoutMs) {
    const socket = this.socket;
    this.#duplex.release();
    let peerEnded = this.#queue.ended && !this.#queue.error;
    socket.once("end", () => peerEnded = true);
    const closed = new Promise((resolve) => {
      if (socket.destroyed) return resolve();
      socket.once("close", () => resolve());
    });
    socket.end();
    let timer;
    const late = new Promise((resolve) => timer = setTimeout(resolve, timeoutMs, "late"));
    try {
      if (await Promise.race([
        closed,
        late
      ]) === "late") {
        throw new Deno.errors.TimedOut(`The server did not end TLS (close_notify) within ${timeoutMs} ms after CCC`);
      }
    } finally {
      clearTimeout(timer);
    }
    if (!peerEnded || this.#duplex.tcpEnded) {
      throw new Deno.errors.ConnectionReset("The server closed the connection after CCC instead of ending TLS with close_notify");
    }
    return await this.#duplex.detach();
  }
  close() {
    this.socket.destroy();
    this.#finish(this.#queue.ended ? void 0 : new Deno.errors.Interrupted("The connection was closed"));
    this.#failWrites();
  }
  get localAddr() {
    return this.#duplex.conn.localAddr;
  }
  get remoteAddr() {
    return this.#duplex.conn.remoteAddr;
  }
};

// src/transport/_node_transport.ts
var trustedExtras = /* @__PURE__ */ new Set();
function connectionLost(error) {
  const code = error?.code ?? "";
  return error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.ConnectionAborted || [
    "EPIPE",
    "ECONNRESET",
    "ECONNABORTED"
  ].includes(code);
}
function certificateProblem(socket) {
  const code = String(socket.authorizationError ?? "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  const certificate = socket.getPeerCertificate();
  const now = Date.now();
  const expired = certificate?.valid_to !== void 0 && (Date.parse(certificate.valid_to) < now || Date.parse(certificate.valid_from) > now);
  const error = new Error(expired ? `certificate has expired (${code})` : code);
  error.code = expired ? "CERT_HAS_EXPIRED" : code;
  return error;
}
function trust(caCerts) {
  const fresh = [
    ...new Set(caCerts.map((pem) => pem.trim()))
  ].filter((pem) => !trustedExtras.has(pem));
  if (fresh.length === 0) return;
  const roots = mayReadDefaultStore() ? tls.getCACertificates("default") : [
    ...trustedExtras
  ];
  const store = tls;
  store.setDefaultCACertificates([
    ...roots,
    ...fresh
  ]);
  for (const pem of fresh) trustedExtras.add(pem);
}
function mayReadDefaultStore() {
  const granted = (descriptor) => {
    try {
      return Deno.permissions.querySync(descriptor).state === "granted";
    } catch {
      return true;
    }
  };
  return granted({
    name: "sys",
    kind: "ca"
  }) && granted({
    name: "env",
    variable: "NODE_USE_SYSTEM_CA"
  });
}
var NodeTransport = class {
  kind = "node";
  #tls;
  /** Plain TCP, and the active-mode listener, are the same as the native path's. */
  #plain = new NativeTransport();
  #controlTls;
  /** The control connection's session, kept for data connections once its TLS is off (CCC). */
  #controlSession;
  #localAddress;
  /**
   * @param config TLS settings; this transport exists for TLS.
   * @param localAddress Where connections are made from (through node:net).
   */
  constructor(config, localAddress) {
    this.#tls = config;
    this.#localAddress = localAddress;
    trust(config.caCerts);
  }
  /** Options shared by every TLS connection of the session, so sessions resume. */
  #options() {
    const config = this.#tls;
    const options = {};
    if (!net.isIP(config.serverName)) options.servername = config.serverName;
    else options.host = config.serverName;
    if (config.clientCertificate) {
      options.cert = config.clientCertificate.cert;
      options.key = config.clientCertificate.key;
    }
    if (config.maxVersion) options.maxVersion = config.maxVersion;
    if (config.bounds?.minVersion) options.minVersion = config.bounds.minVersion;
    return options;
  }
  async openControl(target, implicitTls) {
    const deadline = performance.now() + target.timeoutMs;
    const conn = await dial({
      ...target,
      localAddress: this.#localAddress
    });
    if (!implicitTls) return conn;
    const left = deadline - performance.now();
    return await this.#secureControl(conn, target.purpose, left, target.timeoutMs);
  }
  secureControl(control) {
    return this.#secureControl(control, "control connection");
  }
  async #secureControl(conn, what, timeoutMs = this.#tls.handshakeTimeoutMs, limitMs = timeoutMs) {
    const stream = this.#wrap(conn, void 0, what);
    try {
      const waiting = `waiting for the TLS handshake on the ${what}`;
      await within(stream.ready, timeoutMs, waiting, () => stream.close(), limitMs);
    } catch (error) {
      stream.close();
      throw error;
    }
    this.#controlTls = stream.socket;
    return stream;
  }
  /**
   * TLS over a Deno TCP connection, resuming `session` when given.
   *
   * Certificates are checked by hand once the handshake is done, before a
   * byte is sent (rejectUnauthorized stays off), for two reasons: Deno's
   * node:tls reports an expired certificate only as "unable to verify",
   * while the certificate's dates tell the truth; and a data connection
   * resumes only when it is made with the same options as the control one.
   * A resumed session was verified on the control connection.
   */
  #wrap(conn, session, what) {
    const holder = {};
    const duplex = new PullDuplex(conn, () => holder.stream?.hasRoom() ?? true);
    const socket = tls.connect({
      ...this.#options(),
      rejectUnauthorized: false,
      socket: duplex,
      session
    });
    const verify = this.#tls.verify;
    const stream = new NodeTlsStream(
      socket,
      duplex,
      // it refuses after the handshake, say) is a lost connection, as on
      // Deno's TLS, not a TLS failure: the transfer then reports the
      // server's reply (425...). Writes of one record at a time meet such a
      // close more often than one large write did.
      (error) => holder.stream?.sessionResumed !== void 0 && connectionLost(error) ? connectionError(error, what) : tlsError(error, this.#tls, what),
      (s) => !verify || s.authorized || s.isSessionReused() ? void 0 : certificateProblem(s)
    );
    holder.stream = stream;
    return stream;
  }
  /**
   * CCC: TLS off the control connection. Its session stays in the worker's
   * cache, so data connections (PROT P) go on resuming it.
   */
  async clearControl(control, timeoutMs) {
    this.#controlSession = this.#controlTls?.getSession();
    this.#controlTls = void 0;
    try {
      return await control.clear(timeoutMs);
    } catch (error) {
      control.close();
      throw error;
    }
  }
  openData(target) {
    return dial({
      ...target,
      localAddress: this.#localAddress
    });
  }
  /**
   * TLS on a data connection, resuming the control connection's session:
   * the placeholder `getSession()` returns switches resumption on, and the
   * worker's cache holds only this control connection's sessions.
   */
  secureData(data) {
    const session = this.#controlTls?.getSession() ?? this.#controlSession;
    return this.#wrap(data, session, "data connection");
  }
  listenData(host) {
    return this.#plain.listenData(host);
  }
};

// src/transport/_isolated_worker.ts
var Served = class {
  stream;
  #readAhead;
  #next;
  #ended = false;
  /**
   * Read buffers the client's thread gave back. Each read fills one and
   * transfers it there; it returns with a later read, so a transfer of any
   * size allocates a buffer or two per stream, not one per read.
   */
  #spare = [];
  #writing = Promise.resolve();
  constructor(stream, readAhead) {
    this.stream = stream;
    this.#readAhead = readAhead;
  }
  get resumed() {
    return this.stream.sessionResumed;
  }
  /** @param buffer A buffer given back by the client's thread, for this or a later read. */
  read(size, buffer) {
    if (buffer && buffer.byteLength > 0) this.#spare.push(buffer);
    const bytes = Math.max(1, Math.min(size, MESSAGE_BYTES));
    if (!this.#readAhead) return this.#readOnce(bytes);
    const current = this.#next ?? this.#readOnce(bytes);
    this.#next = void 0;
    current.then((result) => {
      if (!result.end && !this.#ended) {
        this.#next = this.#readOnce(bytes);
        this.#next.catch(() => {
        });
      }
    }, () => {
    });
    return current;
  }
  async #readOnce(size) {
    const buffer = this.#takeSpare(size);
    const view = new Uint8Array(buffer, 0, size);
    const n = await this.stream.read(view);
    if (n === null) {
      this.#ended = true;
      this.#spare.push(buffer);
      return {
        end: true
      };
    }
    return {
      n,
      bytes: buffer
    };
  }
  /** A spare buffer of at least `size` bytes, or a new one (counted). */
  #takeSpare(size) {
    const i = this.#spare.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return this.#spare.splice(i, 1)[0];
    this.#spare.length = 0;
    readBuffersMade++;
    return new ArrayBuffer(size);
  }
  /** Writes in the order asked, each once the one before it is through. */
  write(bytes) {
    const done = this.#writing.then(() => writeAll(this.stream, bytes));
    this.#writing = done.catch(() => {
    });
    return done.then(() => ({
      n: bytes.length
    }));
  }
  closeWrite() {
    const done = this.#writing.then(() => this.stream.closeWrite());
    this.#writing = done.catch(() => {
    });
    return done.then(() => ({}));
  }
  close() {
    this.#ended = true;
    closeQuietly(this.stream);
  }
};
var transport;
var readBuffersMade = 0;
var nextId = 1;
var streams = /* @__PURE__ */ new Map();
var listeners = /* @__PURE__ */ new Map();
var dials = /* @__PURE__ */ new Map();
function describe(id, stream) {
  return {
    id,
    local: stream.localAddr,
    remote: stream.remoteAddr
  };
}
function serve(stream, readAhead, id = nextId++) {
  streams.set(id, new Served(stream, readAhead));
  return describe(id, stream);
}
function served(id) {
  const found = streams.get(id);
  if (!found) throw new Deno.errors.BadResource("The connection is closed");
  return found;
}
function ready() {
  if (!transport) throw new Error("The TLS worker was not initialised");
  return transport;
}
async function dial2(req, connect) {
  const controller = new AbortController();
  dials.set(req, controller);
  try {
    return await connect(controller.signal);
  } finally {
    dials.delete(req);
  }
}
async function run(message) {
  switch (message.op) {
    case "init":
      transport = new NodeTransport(message.tls, message.localAddress);
      return {};
    case "openControl": {
      const { target, implicitTls } = message;
      const stream = await dial2(message.req, (signal) => ready().openControl({
        ...target,
        signal
      }, implicitTls));
      return {
        stream: serve(stream, false)
      };
    }
    case "secureControl": {
      const secured = await ready().secureControl(served(message.id).stream);
      return {
        stream: serve(secured, false, message.id)
      };
    }
    case "clearControl": {
      const plain = await ready().clearControl(served(message.id).stream, message.timeoutMs);
      return {
        stream: serve(plain, false, message.id)
      };
    }
    case "openData": {
      const { target } = message;
      const stream = await dial2(message.req, (signal) => ready().openData({
        ...target,
        signal
      }));
      return {
        stream: serve(stream, false)
      };
    }
    case "secureData": {
      const plain = served(message.id);
      streams.delete(message.id);
      return {
        stream: serve(ready().secureData(plain.stream), true)
      };
    }
    case "listen": {
      const listener = await ready().listenData(message.host);
      const id = nextId++;
      listeners.set(id, listener);
      return {
        listener: {
          id,
          address: listener.address
        }
      };
    }
    case "accept": {
      const listener = listeners.get(message.listener);
      if (!listener) throw new Deno.errors.BadResource("The listener is closed");
      listeners.delete(message.listener);
      return {
        stream: serve(await listener.accept(message.serverHost, message.timeoutMs), false)
      };
    }
    case "read":
      return await served(message.id).read(message.size, message.buffer);
    case "write": {
      await served(message.id).write(new Uint8Array(message.bytes, 0, message.n));
      return {
        n: message.n,
        bytes: message.bytes
      };
    }
    case "closeWrite":
      return await served(message.id).closeWrite();
    case "stats":
      return {
        stats: {
          readBuffersMade,
          mostPlaintextHeld: mostPlaintextHeld(),
          largestTlsWrite: largestTlsWriteMade(),
          mostCiphertextQueued: mostCiphertextQueued(),
          tlsBuffersReleased: tlsBuffersReleased()
        }
      };
    case "liveBytes": {
      const gc = globalThis.gc;
      gc?.();
      const usage = Deno.memoryUsage();
      return {
        live: usage.heapUsed + usage.external
      };
    }
  }
}
function notice(message) {
  switch (message.op) {
    case "abort":
      dials.get(message.target)?.abort();
      break;
    case "close":
      streams.get(message.id)?.close();
      streams.delete(message.id);
      break;
    case "closeListener":
      listeners.get(message.listener)?.close();
      listeners.delete(message.listener);
      break;
  }
}
function reply(message) {
  const transfer = message.ok && message.bytes ? [
    message.bytes
  ] : [];
  parentPort.postMessage(message, transfer);
}
parentPort.on("message", (message) => {
  if (!("req" in message)) return notice(message);
  const id = "id" in message ? message.id : void 0;
  run(message).then((result) => {
    const resumed = id === void 0 ? void 0 : streams.get(id)?.resumed;
    reply({
      req: message.req,
      ok: true,
      ...result,
      ...resumed === void 0 ? {} : {
        resumed
      }
    });
  }, (error) => {
    const resumed = id === void 0 ? void 0 : streams.get(id)?.resumed;
    reply({
      req: message.req,
      ok: false,
      error: encodeError(error),
      resumed
    });
  });
});
