import {
  MESSAGE_BYTES,
  decodeError
} from "./chunk-IMKFVEE2.js";
import {
  TLS_WORKER_MODULE
} from "./chunk-6Y7TI5L4.js";
import {
  takeHeld
} from "./chunk-YWCC54TA.js";
import {
  FtpConnectionError
} from "./chunk-UN72SBEK.js";

// src/transport/_isolated_transport.ts
import { Worker } from "node:worker_threads";
var WRITE_WINDOW = 2 * 1024 * 1024;
var MAX_WRITE_BUFFERS = 10;
var MIN_WRITE_BUFFER = 64 * 1024;
var WORKER_LIMITS = {
  maxYoungGenerationSizeMb: 2
};
var writeBuffersMade = 0;
var largestWriteBuffer = 0;
function isolatedWriteBuffersMade() {
  return writeBuffersMade;
}
function isolatedLargestWriteBuffer() {
  return largestWriteBuffer;
}
var live = /* @__PURE__ */ new Set();
async function isolatedLiveBytes() {
  const counts = await Promise.all([
    ...live
  ].map((t) => t.liveBytes().catch(() => 0)));
  return counts.reduce((sum, n) => sum + n, 0);
}
function isolatedStats() {
  return Promise.all([
    ...live
  ].map(async (t) => (await t.call({
    op: "stats"
  })).stats));
}
var IsolatedTlsTransport = class {
  kind = "node";
  #tls;
  #worker;
  #pending = /* @__PURE__ */ new Map();
  #nextReq = 1;
  #stopped;
  #controlId;
  #localAddress;
  /**
   * @param config TLS settings; this transport exists for TLS.
   * @param localAddress Where connections are made from.
   */
  constructor(config, localAddress) {
    this.#tls = config;
    this.#localAddress = localAddress;
  }
  #initialized;
  #start() {
    if (this.#worker) return this.#worker;
    const worker = new Worker(TLS_WORKER_MODULE, {
      resourceLimits: WORKER_LIMITS
    });
    worker.unref();
    worker.on("message", (message) => this.#settle(message));
    worker.on("error", (error) => {
      this.#stop(new FtpConnectionError("closed", `The TLS worker failed: ${error.message}`, {
        cause: error
      }));
    });
    worker.on("exit", () => {
      this.#stop(new FtpConnectionError("closed", "The TLS worker stopped"));
    });
    this.#worker = worker;
    live.add(this);
    this.#initialized = this.call({
      op: "init",
      tls: this.#tls,
      localAddress: this.#localAddress
    }).then(() => {
    });
    this.#initialized.catch(() => {
    });
    return worker;
  }
  /**
   * Starts the worker and waits until it is ready, so that its start (a
   * module load, and under `deno test` a type check of its modules) is not
   * charged to the connect timeout of the first connection.
   */
  async ready() {
    this.#start();
    await this.#initialized;
  }
  #settle(message) {
    const pending = this.#pending.get(message.req);
    if (!pending) return;
    this.#pending.delete(message.req);
    if (this.#pending.size === 0) this.#worker?.unref();
    if (pending.stream && message.resumed !== void 0) {
      pending.stream.sessionResumed = message.resumed;
    }
    if (message.ok) pending.resolve(message);
    else pending.reject(decodeError(message.error));
  }
  /** Sends a request and waits for its reply. */
  call(request, transfer = [], stream) {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const worker = this.#start();
    const req = this.#nextReq++;
    return new Promise((resolve, reject) => {
      this.#pending.set(req, {
        resolve,
        reject,
        stream
      });
      worker.ref();
      worker.postMessage({
        ...request,
        req
      }, transfer);
    });
  }
  /** Sends what needs no reply. */
  notify(notice) {
    if (!this.#stopped) this.#worker?.postMessage(notice);
  }
  /** Ends the worker; what is still pending fails with `reason`. */
  #stop(reason) {
    if (this.#stopped) return;
    this.#stopped = reason;
    live.delete(this);
    const pending = [
      ...this.#pending.values()
    ];
    this.#pending.clear();
    for (const p of pending) p.reject(reason);
    this.#worker?.terminate().catch(() => {
    });
  }
  /** A stream was closed: closing the control connection ends the worker. */
  closed(id) {
    if (id === this.#controlId) {
      this.#stop(new Deno.errors.Interrupted("The connection was closed"));
    } else {
      this.notify({
        op: "close",
        id
      });
    }
  }
  /** Bytes alive in the worker after a forced collection. */
  async liveBytes() {
    return (await this.call({
      op: "liveBytes"
    })).live ?? 0;
  }
  async #dial(target, request) {
    target.signal?.throwIfAborted();
    if (this.#stopped) throw this.#stopped;
    this.#start();
    const req = this.#nextReq;
    const onAbort = () => this.notify({
      op: "abort",
      target: req
    });
    target.signal?.addEventListener("abort", onAbort, {
      once: true
    });
    try {
      return await this.call(request(req));
    } finally {
      target.signal?.removeEventListener("abort", onAbort);
    }
  }
  async openControl(target, implicitTls) {
    const { host, port, timeoutMs, purpose, phase } = target;
    try {
      const result = await this.#dial(target, () => ({
        op: "openControl",
        target: {
          host,
          port,
          timeoutMs,
          purpose,
          phase
        },
        implicitTls
      }));
      this.#controlId = result.stream.id;
      return new IsolatedStream(this, result.stream, false);
    } catch (error) {
      this.#stop(error);
      throw error;
    }
  }
  async secureControl(control) {
    const result = await this.call({
      op: "secureControl",
      id: control.id
    });
    return new IsolatedStream(this, result.stream, false);
  }
  async clearControl(control, timeoutMs) {
    const id = control.id;
    const result = await this.call({
      op: "clearControl",
      id,
      timeoutMs
    });
    return new IsolatedStream(this, result.stream, false);
  }
  async openData(target) {
    const { host, port, timeoutMs, purpose, phase } = target;
    const result = await this.#dial(target, () => ({
      op: "openData",
      target: {
        host,
        port,
        timeoutMs,
        purpose,
        phase
      }
    }));
    return new IsolatedStream(this, result.stream, false);
  }
  secureData(data) {
    const plain = data;
    const securing = this.call({
      op: "secureData",
      id: plain.id
    });
    return new IsolatedStream(this, securing.then((r) => r.stream), true, plain);
  }
  async listenData(host) {
    const { listener } = await this.call({
      op: "listen",
      host
    });
    const { id, address } = listener;
    return {
      address,
      accept: async (serverHost, timeoutMs) => {
        const result = await this.call({
          op: "accept",
          listener: id,
          serverHost,
          timeoutMs
        });
        return new IsolatedStream(this, result.stream, false);
      },
      close: () => this.notify({
        op: "closeListener",
        listener: id
      })
    };
  }
};
var IsolatedStream = class {
  #transport;
  #opening;
  #wire;
  #bulk;
  /** The plain stream this TLS stream was made from, for its addresses until then. */
  #plain;
  #leftover;
  /** Write buffers the worker gave back, for later writes. */
  #writeBuffers = [];
  /** The last read's buffer, given back to the worker with the next read. */
  #spare;
  #closed = false;
  #writeError;
  #unacknowledged = 0;
  #acknowledged;
  #firstWrite = true;
  /** Fails the requests still waiting when close() is called: nothing waits on the worker after that. */
  #waiting = /* @__PURE__ */ new Set();
  sessionResumed;
  /** Writes cross to the worker in messages of at most this much: larger ones would only hold memory. */
  chunkBytes = MESSAGE_BYTES;
  constructor(transport, wire, bulk, plain) {
    this.#transport = transport;
    this.#bulk = bulk;
    this.#plain = plain;
    this.#opening = Promise.resolve(wire);
    this.#opening.then((w) => {
      this.#wire = w;
      if (this.#closed) transport.closed(w.id);
    }, () => {
    });
    if (!(wire instanceof Promise)) this.#wire = wire;
  }
  /** The worker's id of the stream (known at once, except for a TLS stream being made). */
  get id() {
    if (!this.#wire) throw new Error("The stream is not open yet");
    return this.#wire.id;
  }
  #interrupted() {
    return new Deno.errors.Interrupted("The connection was closed");
  }
  /**
   * A request for this stream, given up (Interrupted) as soon as the stream
   * is closed. (Not a race against one promise that settles at close: every
   * race would leave a reaction on it, holding its result, until then.)
   */
  #call(request, transfer = []) {
    if (this.#closed) return Promise.reject(this.#interrupted());
    return new Promise((resolve, reject) => {
      const giveUp = (error) => {
        this.#waiting.delete(giveUp);
        reject(error);
      };
      this.#waiting.add(giveUp);
      this.#transport.call(request, transfer, this).then((result) => {
        this.#waiting.delete(giveUp);
        resolve(result);
      }, giveUp);
    });
  }
  async read(buffer) {
    if (this.#leftover) return this.#takeLeftover(buffer);
    if (this.#closed) throw this.#interrupted();
    const { id } = await this.#opening;
    const spare = this.#spare;
    this.#spare = void 0;
    const result = await this.#call({
      op: "read",
      id,
      size: buffer.length,
      buffer: spare
    }, spare ? [
      spare
    ] : []);
    if (result.end) return null;
    const bytes = new Uint8Array(result.bytes, 0, result.n);
    if (bytes.length <= buffer.length) {
      buffer.set(bytes);
      this.#spare = result.bytes;
      return bytes.length;
    }
    this.#leftover = bytes;
    return this.#takeLeftover(buffer);
  }
  /** A buffer of at least `size` bytes from those the worker gave back, or a new one. */
  #writeBuffer(size) {
    const i = this.#writeBuffers.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return this.#writeBuffers.splice(i, 1)[0];
    writeBuffersMade++;
    const bytes = Math.max(size, MIN_WRITE_BUFFER);
    largestWriteBuffer = Math.max(largestWriteBuffer, bytes);
    return new ArrayBuffer(bytes);
  }
  #takeLeftover(buffer) {
    const held = this.#leftover;
    const [n, rest] = takeHeld(held, buffer);
    this.#leftover = rest;
    if (!rest) this.#spare = held.buffer;
    return n;
  }
  async write(bytes) {
    if (this.#writeError) throw this.#writeError;
    if (this.#closed) throw this.#interrupted();
    const { id } = await this.#opening;
    const buffer = this.#writeBuffer(bytes.length);
    new Uint8Array(buffer, 0, bytes.length).set(bytes);
    const writing = this.#transport.call({
      op: "write",
      id,
      bytes: buffer,
      n: bytes.length
    }, [
      buffer
    ], this).then((result) => {
      if (result.bytes && this.#writeBuffers.length < MAX_WRITE_BUFFERS) {
        this.#writeBuffers.push(result.bytes);
      }
      return result;
    });
    if (!this.#bulk || this.#firstWrite) {
      this.#firstWrite = false;
      await writing;
      return bytes.length;
    }
    const n = bytes.length;
    this.#unacknowledged += n;
    writing.then(() => this.#acknowledge(n), (error) => {
      this.#writeError ??= error;
      this.#acknowledge(n);
    });
    while (this.#unacknowledged > WRITE_WINDOW && !this.#writeError && !this.#closed) {
      await new Promise((resolve) => this.#acknowledged = resolve);
    }
    if (this.#closed) throw this.#interrupted();
    if (this.#writeError) throw this.#writeError;
    return bytes.length;
  }
  #acknowledge(n) {
    this.#unacknowledged -= n;
    const wake = this.#acknowledged;
    this.#acknowledged = void 0;
    wake?.();
  }
  async closeWrite() {
    while (this.#unacknowledged > 0 && !this.#closed) {
      await new Promise((resolve) => this.#acknowledged = resolve);
    }
    if (this.#writeError) throw this.#writeError;
    if (this.#closed) throw this.#interrupted();
    const { id } = await this.#opening;
    await this.#call({
      op: "closeWrite",
      id
    });
  }
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#leftover = void 0;
    this.#spare = void 0;
    this.#writeBuffers.length = 0;
    for (const giveUp of [
      ...this.#waiting
    ]) giveUp(this.#interrupted());
    this.#acknowledge(0);
    if (this.#wire) this.#transport.closed(this.#wire.id);
  }
  get localAddr() {
    return this.#wire?.local ?? this.#plain.localAddr;
  }
  get remoteAddr() {
    return this.#wire?.remote ?? this.#plain.remoteAddr;
  }
};
export {
  IsolatedTlsTransport,
  isolatedLargestWriteBuffer,
  isolatedLiveBytes,
  isolatedStats,
  isolatedWriteBuffersMade
};
