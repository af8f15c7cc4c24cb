// Node's TLS (as Deno implements it) over a Deno TCP connection, seen as a
// ByteStream. This is the TLS path that can resume the control connection's
// session on data connections, which Deno's own TLS cannot.
//
// Two facts about Deno 2.9's node:tls decide the design:
// - Pausing a TLS socket does not stop it from reading: it buffers without
//   bound. And an end of stream that arrives while it is paused is lost
//   ('end' never fires).
// - It accepts any Duplex as the `socket` under TLS.
//
// So the TLS socket is never paused. Backpressure is applied underneath it:
// the Duplex below reads ciphertext from the TCP connection only while the
// plaintext waiting for our reader is under HIGH_WATER. The end of the TCP
// stream reaches the TLS socket only when the Duplex pushes it, always while
// the TLS socket is flowing, so 'end' is always delivered; and memory is
// bounded by HIGH_WATER plus one read, whatever the reader's pace.

import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { ByteStream } from "./byte_stream.ts";
import type { SecuredStream } from "./transport.ts";
import { ChunkQueue } from "./chunk_queue.ts";
import { PlainAfterTls, TlsUnwrap } from "./_tls_unwrap.ts";

/**
 * Plaintext bytes held for the reader before the TCP connection is left
 * unread. Small on purpose: node:tls hands each decrypted chunk over in a
 * buffer of its own, and what waits here lives long enough to be promoted,
 * so it becomes garbage the worker's collector frees late (4 MiB, and 256
 * KiB reads, had a 1 GiB download's peak RSS 20-30 MiB higher than 128
 * KiB and 32 KiB reads, at the same speed; docs/performance.md).
 */
const HIGH_WATER = 128 * 1024;
/** The most plaintext any stream of this isolate held for its reader (tests read it). */
let heldMost = 0;

/** The most plaintext bytes a stream of this isolate has held for its reader so far. */
export function mostPlaintextHeld(): number {
  return heldMost;
}

/**
 * Plaintext handed to node:tls at once: one TLS record's worth (the most a
 * record holds). Given 1 MiB at once, node:tls encrypted it in batches of
 * records, up to 96 KiB of ciphertext waiting below TLS for the connection;
 * a record at a time, the one being written and the next (32 KiB).
 * Measured alone, a 1 GiB upload's peak RSS fell by about 20 MiB
 * (docs/performance.md).
 */
const RECORD_BYTES = 16 * 1024;
/** The most plaintext this isolate handed node:tls in one write (tests read it). */
let largestTlsWrite = 0;
/** The most ciphertext one stream of this isolate had waiting below TLS for the connection. */
let cipherQueuedMost = 0;

/** The largest write this isolate's TLS streams handed to node:tls so far. */
export function largestTlsWriteMade(): number {
  return largestTlsWrite;
}

/**
 * The most ciphertext one of this isolate's TLS streams had waiting to be
 * written to its connection (in the Duplex below TLS, the write in flight
 * included) so far.
 */
export function mostCiphertextQueued(): number {
  return cipherQueuedMost;
}

/**
 * Frees at once the memory of a buffer node:tls made for one write to the
 * connection, or for one decrypted chunk, once its bytes are written or
 * copied out: detaching it (`transfer(0)`) releases its memory now, where a
 * dropped buffer waits for the collector, and the worker's collector ran
 * late (20-45 MiB of such garbage in a 1 GiB upload's worker, after forced
 * collections 4 MiB; docs/performance.md). Only a large buffer that the
 * chunk fills alone: a small chunk may share its buffer with others
 * (node:buffer's pool). node:tls makes a buffer per chunk and does not look
 * at it again (the SHA-256 checks of tests/tls/ would see it if it did).
 */
function release(chunk: Uint8Array): void {
  const buffer = chunk.buffer;
  if (!(buffer instanceof ArrayBuffer) || chunk.byteOffset !== 0) return;
  if (chunk.byteLength !== buffer.byteLength || buffer.byteLength < RELEASE_MIN_BYTES) return;
  try {
    buffer.transfer(0);
    buffersReleased++;
  } catch {
    // Not detachable: the collector frees it.
  }
}

/** The smallest buffer {@linkcode release} frees: below node:buffer's pool size (8 KiB), never. */
const RELEASE_MIN_BYTES = 8 * 1024;
/** Buffers of node:tls that this isolate freed at once (tests count them). */
let buffersReleased = 0;

/** How many of node:tls's buffers this isolate freed as soon as they were used, so far. */
export function tlsBuffersReleased(): number {
  return buffersReleased;
}

/** Ciphertext read from TCP at once (two TLS records). */
const READ_BYTES = 32 * 1024;

/**
 * A Duplex over a TCP connection (Deno's, or node:net's from a chosen local
 * address) that reads only when asked to and allowed to: the Node TLS
 * socket sits on top of it.
 */
export class PullDuplex extends Duplex {
  readonly conn: ByteStream;
  readonly #allowed: () => boolean;
  #wanted = false;
  #reading = false;
  #scratch = new Uint8Array(READ_BYTES);
  #joinBuffer = new Uint8Array(0);
  /** The read in flight, settled once its bytes are where they belong. */
  #inFlight?: Promise<void>;
  /** The last write to the connection, settled once it is through. */
  #writes: Promise<void> = Promise.resolve();
  /** Set once TLS is being taken off (CCC): the connection outlives TLS. */
  #unwrap?: TlsUnwrap;
  #tcpEnded = false;

  constructor(conn: ByteStream, allowed: () => boolean) {
    super();
    this.conn = conn;
    this.#allowed = allowed;
  }

  override _read(): void {
    this.#wanted = true;
    this.pump();
  }

  /** Reads more ciphertext if TLS wants it and the reader has room. */
  pump(): void {
    if (this.#reading || !this.#wanted || !this.#allowed()) return;
    if (this.#unwrap?.plainStarted) return;
    this.#reading = true;
    this.#wanted = false;
    // One reused read buffer. TLS copies what it is given as the Duplex
    // emits it; only a chunk the Duplex had to hold (TLS paused it) keeps
    // the buffer, which is then replaced. A copy per read was garbage that
    // the worker's collector freed late (tens of MiB in use per GiB read).
    const scratch = this.#scratch;
    this.#inFlight = this.conn.read(scratch).then(
      (n) => {
        this.#reading = false;
        this.#inFlight = undefined;
        if (n === null) this.#tcpEnded = true;
        // Past CCC the bytes may outlive this read (kept for the plain stream).
        const read = n === null
          ? null
          : this.#unwrap
          ? scratch.slice(0, n)
          : scratch.subarray(0, n);
        const forTls = this.#unwrap ? this.#unwrap.split(read) : read;
        if (forTls === null) this.push(null);
        else if (forTls !== undefined && forTls.length > 0) {
          this.push(Buffer.from(forTls.buffer, forTls.byteOffset, forTls.length));
          if (this.readableLength > 0) this.#scratch = new Uint8Array(READ_BYTES);
        } else if (forTls !== undefined) this.#wanted = true; // Half a record: read on.
        this.pump();
      },
      (error) => {
        this.#reading = false;
        this.#inFlight = undefined;
        this.destroy(error);
      },
    );
  }

  /**
   * From now on the connection outlives TLS: ending or destroying the TLS
   * socket does not end or close it, and bytes past the TLS stream are kept
   * for {@linkcode PullDuplex.detach}.
   */
  release(): TlsUnwrap {
    this.#unwrap ??= new TlsUnwrap();
    return this.#unwrap;
  }

  /** Whether the end of the TCP stream was read. */
  get tcpEnded(): boolean {
    return this.#tcpEnded;
  }

  /**
   * Once TLS is closed (after {@linkcode PullDuplex.release}): waits for the
   * writes in flight (close_notify), then returns the connection as a plain
   * stream that first yields what was read past the TLS stream.
   */
  async detach(): Promise<ByteStream> {
    const unwrap = this.release();
    unwrap.detach();
    await this.#writes;
    return new PlainAfterTls(this.conn, unwrap, () => this.#inFlight);
  }

  override _write(
    chunk: Uint8Array,
    _encoding: string,
    done: (error?: Error | null) => void,
  ): void {
    this.#write(chunk, (error) => {
      // node:tls made the chunk for this write alone (it does not look at it again).
      release(chunk);
      done(error);
    });
  }

  #write(bytes: Uint8Array, done: (error?: Error | null) => void): void {
    // What is being written now, and what TLS queued behind it.
    cipherQueuedMost = Math.max(cipherQueuedMost, bytes.length + this.writableLength);
    const writing = writeAll(this.conn, bytes);
    this.#writes = writing.catch(() => {});
    writing.then(() => done(), done);
  }

  /** TLS writes one record (16 KiB) at a time: send what has queued up in one write. */
  override _writev(
    chunks: { chunk: Uint8Array }[],
    done: (error?: Error | null) => void,
  ): void {
    if (chunks.length === 1) return this._write(chunks[0].chunk, "", done);
    const total = chunks.reduce((sum, c) => sum + c.chunk.length, 0);
    // One buffer reused for every batch (the next batch comes only once this
    // one is written): a new one per batch was garbage, collected late.
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

  override _final(done: (error?: Error | null) => void): void {
    if (this.#unwrap) return done();
    this.conn.closeWrite().then(() => done(), () => done());
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    if (!this.#unwrap) {
      try {
        this.conn.close();
      } catch {
        // Already closed.
      }
    }
    done(error);
  }
}

async function writeAll(conn: ByteStream, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

/** A Node TLS socket over a {@linkcode PullDuplex}, as a ByteStream. */
export class NodeTlsStream implements SecuredStream {
  readonly socket: TLSSocket;
  readonly #duplex: PullDuplex;
  /** Each decrypted chunk is node:tls's for this stream alone: freed once read. */
  readonly #queue = new ChunkQueue(release);
  /** Fails the writes still waiting for Node when the socket closes. */
  readonly #pendingWrites = new Set<(error: Error) => void>();
  /** Maps TLS failures to ferry's errors. */
  readonly #mapError: (error: unknown) => Error;
  /** Settles once the handshake is done and the peer accepted (or refused). */
  readonly ready: Promise<void>;
  /** Whether the handshake resumed a session; `undefined` until it completes. */
  sessionResumed: boolean | undefined;

  /**
   * @param check Judges the peer once the handshake is done: an error
   * refuses it. Nothing is written before this passes.
   */
  constructor(
    socket: TLSSocket,
    duplex: PullDuplex,
    mapError: (error: unknown) => Error,
    check: (socket: TLSSocket) => Error | undefined,
  ) {
    this.socket = socket;
    this.#duplex = duplex;
    this.#mapError = mapError;
    this.ready = new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", () => {
        this.sessionResumed = socket.isSessionReused();
        const problem = check(socket);
        if (!problem) return resolve();
        reject(this.#mapError(problem));
        this.#finish(problem);
        socket.destroy();
      });
      socket.once("error", (error: Error) => reject(this.#mapError(error)));
      // A peer (or our own close()) can end the connection mid-handshake
      // without an error event; a write waiting for the handshake must
      // not wait forever. After secureConnect this does nothing.
      socket.once("close", () =>
        reject(this.#mapError(
          new Deno.errors.ConnectionReset("The connection closed during the TLS handshake"),
        )));
    });
    this.ready.catch(() => {}); // Observed by write(), read() and the control's handshake.
    socket.on("data", (chunk: Uint8Array) => {
      this.#queue.push(chunk);
      heldMost = Math.max(heldMost, this.#queue.buffered);
    });
    socket.on("end", () => this.#finish());
    socket.on("close", () => {
      this.#finish();
      this.#failWrites();
    });
    socket.on("error", (error: Error) => {
      this.#finish(error);
      this.#failWrites();
    });
  }

  // A write still waiting for Node's callback when the socket closes fails
  // here, so it cannot wait forever if the callback never comes. One interop
  // run against ProFTPD (which drops data connections it will not resume)
  // hung in an upload; the cause was not pinned down, and this and the
  // handshake guard above close the two ways a write could wait forever.
  #failWrites(): void {
    const error = this.#queue.error ??
      new Deno.errors.ConnectionReset("The data connection closed during a write");
    for (const fail of [...this.#pendingWrites]) fail(error);
  }

  /** Whether the reader has room for more plaintext (the Duplex asks). */
  hasRoom(): boolean {
    return this.#queue.buffered < HIGH_WATER;
  }

  #finish(error?: Error): void {
    if (error && !this.#queue.ended) this.#queue.fail(this.#mapError(error));
    this.#queue.end();
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    // Gathers several TLS records (16 KiB each) into one read.
    const n = await this.#queue.read(buffer);
    if (n !== null) this.#duplex.pump();
    return n;
  }

  async write(bytes: Uint8Array): Promise<number> {
    if (this.#queue.error) throw this.#queue.error;
    // Nothing goes out before the peer has been checked.
    await this.ready;
    // One record's worth at a time, each once the last is on the wire.
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
  #writeRecord(bytes: Uint8Array): Promise<number> {
    if (this.#queue.error) return Promise.reject(this.#queue.error);
    largestTlsWrite = Math.max(largestTlsWrite, bytes.length);
    return new Promise<number>((resolve, reject) => {
      const fail = (error: Error) => {
        this.#pendingWrites.delete(fail);
        reject(error);
      };
      this.#pendingWrites.add(fail);
      this.socket.write(bytes, (error?: Error | null) => {
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
  closeWrite(): Promise<void> {
    const duplex = this.#duplex;
    const flushed = new Promise<void>((resolve) => {
      if (duplex.writableFinished || this.#queue.ended) return resolve();
      duplex.once("finish", () => resolve());
      duplex.once("close", () => resolve());
      // A peer that closed first (ProFTPD refusing a data connection that did
      // not resume the session, right after the handshake) can leave the
      // Duplex neither finished nor closed: the end of the TLS socket, or
      // close(), settles the wait instead of leaving it forever.
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
  async clear(timeoutMs: number): Promise<ByteStream> {
    const socket = this.socket;
    this.#duplex.release();
    // 'end' is the peer's close_notify (or the end of the TCP stream,
    // told apart below); 'close' follows once ours is written too.
    let peerEnded = this.#queue.ended && !this.#queue.error;
    socket.once("end", () => (peerEnded = true));
    const closed = new Promise<void>((resolve) => {
      if (socket.destroyed) return resolve();
      socket.once("close", () => resolve());
    });
    socket.end();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(resolve, timeoutMs, "late")));
    try {
      if (await Promise.race([closed, late]) === "late") {
        throw new Deno.errors.TimedOut(
          `The server did not end TLS (close_notify) within ${timeoutMs} ms after CCC`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
    if (!peerEnded || this.#duplex.tcpEnded) {
      throw new Deno.errors.ConnectionReset(
        "The server closed the connection after CCC instead of ending TLS with close_notify",
      );
    }
    return await this.#duplex.detach();
  }

  close(): void {
    this.socket.destroy();
    this.#finish(
      this.#queue.ended ? undefined : new Deno.errors.Interrupted("The connection was closed"),
    );
    this.#failWrites();
  }

  get localAddr(): Deno.Addr {
    return this.#duplex.conn.localAddr;
  }

  get remoteAddr(): Deno.Addr {
    return this.#duplex.conn.remoteAddr;
  }
}
