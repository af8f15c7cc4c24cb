// The worker behind _isolated_transport.ts: one per control connection on
// Node's TLS path. It makes that control connection and its data
// connections with the NodeTransport and serves their reads and writes to
// the client's thread. Being alone in its isolate, the control connection's
// TLS sessions are the only ones in node:tls's session cache here, so every
// data connection resumes its own control connection's session (see
// _node_transport.ts for why one isolate cannot hold two).

import { parentPort } from "node:worker_threads";
import type { ByteStream } from "./byte_stream.ts";
import { NodeTransport } from "./_node_transport.ts";
import {
  largestTlsWriteMade,
  mostCiphertextQueued,
  mostPlaintextHeld,
  tlsBuffersReleased,
} from "./_node_stream.ts";
import { closeQuietly } from "./close_quietly.ts";
import { FillingReader } from "./_filling_reader.ts";
import { writeAll } from "./write_all.ts";
import type { DataSocketListener, SecuredStream } from "./transport.ts";
import {
  encodeError,
  MESSAGE_BYTES,
  type WireResult,
  type WireStream,
  type WorkerNotice,
  type WorkerReply,
  type WorkerRequest,
} from "./_isolated_wire.ts";

/**
 * One stream served to the client. A data connection's TLS stream is read
 * into whole buffers one ahead of the client (_filling_reader.ts), so that
 * the next read finds its bytes waiting and each message carries a full
 * buffer; other streams (the control connection, which is upgraded to TLS
 * in place) read only when asked.
 */
class Served {
  readonly stream: ByteStream;
  readonly #filling?: FillingReader;
  /**
   * Read buffers the client's thread gave back. Each read fills one and
   * transfers it there; it returns with a later read, so a transfer of any
   * size allocates a buffer or two per stream, not one per read.
   */
  readonly #spare: ArrayBuffer[] = [];
  #writing: Promise<unknown> = Promise.resolve();

  constructor(stream: ByteStream, readAhead: boolean) {
    this.stream = stream;
    if (readAhead) this.#filling = new FillingReader(stream, (size) => this.#takeSpare(size));
  }

  get resumed(): boolean | undefined {
    return (this.stream as Partial<SecuredStream>).sessionResumed;
  }

  /** @param buffer A buffer given back by the client's thread, for this or a later read. */
  read(size: number, buffer?: ArrayBuffer): Promise<WireResult> {
    if (buffer && buffer.byteLength > 0) this.#spare.push(buffer);
    const bytes = Math.max(1, Math.min(size, MESSAGE_BYTES));
    if (!this.#filling) return this.#readOnce(bytes);
    dataReadsServed++;
    return this.#filling.read(bytes);
  }

  async #readOnce(size: number): Promise<WireResult> {
    const buffer = this.#takeSpare(size);
    const view = new Uint8Array(buffer, 0, size);
    const n = await this.stream.read(view);
    if (n === null) {
      this.#spare.push(buffer);
      return { end: true };
    }
    return { n, bytes: buffer };
  }

  /** A spare buffer of at least `size` bytes, or a new one (counted). */
  #takeSpare(size: number): ArrayBuffer {
    const i = this.#spare.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return this.#spare.splice(i, 1)[0];
    // Too small to serve reads of this size now: let them go.
    this.#spare.length = 0;
    readBuffersMade++;
    return new ArrayBuffer(size);
  }

  /** Writes in the order asked, each once the one before it is through. */
  write(bytes: Uint8Array): Promise<WireResult> {
    const done = this.#writing.then(() => writeAll(this.stream, bytes));
    this.#writing = done.catch(() => {});
    return done.then(() => ({ n: bytes.length }));
  }

  closeWrite(): Promise<WireResult> {
    const done = this.#writing.then(() => this.stream.closeWrite());
    this.#writing = done.catch(() => {});
    return done.then(() => ({}));
  }

  close(): void {
    this.#filling?.close();
    closeQuietly(this.stream);
  }
}

let transport: NodeTransport | undefined;
/** Read buffers allocated in this worker so far (tests count them: `stats`). */
let readBuffersMade = 0;
/** Reads of data connections answered so far (tests count them: `stats`). */
let dataReadsServed = 0;

let nextId = 1;
const streams = new Map<number, Served>();
const listeners = new Map<number, DataSocketListener>();
const dials = new Map<number, AbortController>();

function describe(id: number, stream: ByteStream): WireStream {
  return {
    id,
    local: stream.localAddr as Deno.NetAddr,
    remote: stream.remoteAddr as Deno.NetAddr,
  };
}

function serve(stream: ByteStream, readAhead: boolean, id = nextId++): WireStream {
  streams.set(id, new Served(stream, readAhead));
  return describe(id, stream);
}

function served(id: number): Served {
  const found = streams.get(id);
  if (!found) throw new Deno.errors.BadResource("The connection is closed");
  return found;
}

function ready(): NodeTransport {
  if (!transport) throw new Error("The TLS worker was not initialised");
  return transport;
}

async function dial<T>(req: number, connect: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  dials.set(req, controller);
  try {
    return await connect(controller.signal);
  } finally {
    dials.delete(req);
  }
}

async function run(message: WorkerRequest): Promise<WireResult> {
  switch (message.op) {
    case "init":
      transport = new NodeTransport(message.tls, message.localAddress);
      return {};
    case "openControl": {
      const { target, implicitTls } = message;
      const stream = await dial(
        message.req,
        (signal) => ready().openControl({ ...target, signal }, implicitTls),
      );
      return { stream: serve(stream, false) };
    }
    case "secureControl": {
      const secured = await ready().secureControl(served(message.id).stream);
      // The same id: the control connection is now its TLS stream.
      return { stream: serve(secured, false, message.id) };
    }
    case "clearControl": {
      const plain = await ready().clearControl(served(message.id).stream, message.timeoutMs);
      // The same id: the control connection is now plain TCP again.
      return { stream: serve(plain, false, message.id) };
    }
    case "openData": {
      const { target } = message;
      const stream = await dial(message.req, (signal) => ready().openData({ ...target, signal }));
      return { stream: serve(stream, false) };
    }
    case "secureData": {
      const plain = served(message.id);
      streams.delete(message.id);
      return { stream: serve(ready().secureData(plain.stream), true) };
    }
    case "listen": {
      const listener = await ready().listenData(message.host);
      const id = nextId++;
      listeners.set(id, listener);
      return { listener: { id, address: listener.address } };
    }
    case "accept": {
      const listener = listeners.get(message.listener);
      if (!listener) throw new Deno.errors.BadResource("The listener is closed");
      listeners.delete(message.listener);
      return { stream: serve(await listener.accept(message.serverHost, message.timeoutMs), false) };
    }
    case "read":
      return await served(message.id).read(message.size, message.buffer);
    case "write": {
      await served(message.id).write(new Uint8Array(message.bytes, 0, message.n));
      // The buffer goes back for a later write (the write is through, so
      // nothing here holds it any more).
      return { n: message.n, bytes: message.bytes };
    }
    case "closeWrite":
      return await served(message.id).closeWrite();
    case "stats":
      return {
        stats: {
          readBuffersMade,
          dataReadsServed,
          mostPlaintextHeld: mostPlaintextHeld(),
          largestTlsWrite: largestTlsWriteMade(),
          mostCiphertextQueued: mostCiphertextQueued(),
          tlsBuffersReleased: tlsBuffersReleased(),
        },
      };
    case "liveBytes": {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const usage = Deno.memoryUsage();
      return { live: usage.heapUsed + usage.external };
    }
  }
}

function notice(message: WorkerNotice): void {
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

function reply(message: WorkerReply): void {
  const transfer = message.ok && message.bytes ? [message.bytes] : [];
  parentPort!.postMessage(message, transfer);
}

parentPort!.on("message", (message: WorkerRequest | WorkerNotice) => {
  if (!("req" in message)) return notice(message);
  const id = "id" in message ? message.id : undefined;
  run(message).then(
    (result) => {
      const resumed = id === undefined ? undefined : streams.get(id)?.resumed;
      reply({
        req: message.req,
        ok: true,
        ...result,
        ...(resumed === undefined ? {} : { resumed }),
      });
    },
    (error) => {
      const resumed = id === undefined ? undefined : streams.get(id)?.resumed;
      reply({ req: message.req, ok: false, error: encodeError(error), resumed });
    },
  );
});
