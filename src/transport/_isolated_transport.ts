// Node's TLS path, one worker per control connection. Deno 2.9's node:tls
// keeps a single TLS session cache per isolate, keyed by server name (and
// one key for every server reached by IP address), and `tls.connect({
// session })` cannot choose from it (_node_transport.ts has the details).
// With two control connections to one server in an isolate, a data
// connection resumes whichever session is newest: ProFTPD, which accepts
// only its own login's sessions, then refuses it. In a worker of its own,
// a control connection's data connections can only find its sessions.
//
// The worker makes the connections and runs TLS; this side forwards each
// Transport call and ByteStream operation as a message. Reads of a data
// connection's TLS stream are served a chunk ahead, and its writes are
// copied and acknowledged in a window, so bytes flow without a round trip
// between threads per chunk, and memory stays bounded by the window.
// Closing the control connection ends the worker. While a request is
// outstanding the worker keeps the process alive, and only then, as a
// socket would.

import { Worker } from "node:worker_threads";
import { FtpConnectionError } from "../errors.ts";
import type { ByteStream } from "./byte_stream.ts";
import {
  type DataSocketListener,
  type DialTarget,
  type SecuredStream,
  TLS_WORKER_MODULE,
  type TlsConfig,
  type Transport,
} from "./transport.ts";
import {
  decodeError,
  MESSAGE_BYTES,
  type WireResult,
  type WireStream,
  type WorkerNotice,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStats,
} from "./_isolated_wire.ts";
import { takeHeld } from "./_held_bytes.ts";

/**
 * Bytes a data connection may have written but not yet acknowledged by the
 * worker. (1 MiB held 1 MiB less in write buffers at a 1 GiB upload's peak,
 * but measured slower in 6 of 9 paired rounds: docs/performance.md, "Fewer,
 * fuller messages".)
 */
const WRITE_WINDOW = 2 * 1024 * 1024;
/** Write buffers kept for reuse per stream: enough to fill the window with writes of MESSAGE_BYTES. */
const MAX_WRITE_BUFFERS = 10;
/** The smallest write buffer made, so that small writes share sizes. */
const MIN_WRITE_BUFFER = 64 * 1024;

/**
 * The worker's young generation: 2 MiB instead of V8's default (16 MiB
 * semi-spaces). node:tls gives each decrypted chunk a buffer of its own,
 * and the worker's heap is small, so without this its collector ran rarely
 * and tens of MiB of dead buffers waited per connection; frequent small
 * scavenges free them young. (1 MiB was slower and no smaller: buffers
 * still in use lived through enough scavenges to be promoted.) Only the
 * young generation is limited: a worker that ran out of heap would be
 * terminated (ERR_WORKER_OUT_OF_MEMORY).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2 };

/** Requests without their number, which the transport assigns. */
type Request = WorkerRequest extends infer R ? R extends { req: number } ? Omit<R, "req"> : never
  : never;

interface Pending {
  resolve(result: WireResult): void;
  reject(error: Error): void;
  /** The stream the request concerns, to record what the worker says of its TLS session. */
  stream?: IsolatedStream;
}

/** Write buffers this thread allocated for TLS workers (tests count them). */
let writeBuffersMade = 0;
/** The largest of them (tests check it). */
let largestWriteBuffer = 0;

/**
 * How many write buffers this thread has allocated for its TLS workers so
 * far (the others came back from a worker for reuse).
 *
 * @returns The count since the process started.
 */
export function isolatedWriteBuffersMade(): number {
  return writeBuffersMade;
}

/**
 * The largest write buffer this thread has allocated for its TLS workers
 * so far: a client's transfer writes at most {@linkcode MESSAGE_BYTES} at
 * once on this path.
 *
 * @returns Its size in bytes (0 before any write).
 */
export function isolatedLargestWriteBuffer(): number {
  return largestWriteBuffer;
}

/** Every live transport, for {@linkcode isolatedLiveBytes}. */
const live = new Set<IsolatedTlsTransport>();

/**
 * Bytes alive after a forced collection in every TLS worker of the process
 * (tests add them to the main isolate's). Needs `--v8-flags=--expose-gc`.
 *
 * @returns The sum over the workers alive now.
 */
export async function isolatedLiveBytes(): Promise<number> {
  const counts = await Promise.all([...live].map((t) => t.liveBytes().catch(() => 0)));
  return counts.reduce((sum, n) => sum + n, 0);
}

/**
 * The counters of every TLS worker alive now (tests check how bytes cross
 * between the threads).
 *
 * @returns One entry per worker.
 */
export function isolatedStats(): Promise<WorkerStats[]> {
  return Promise.all([...live].map(async (t) => (await t.call({ op: "stats" })).stats!));
}

/** Node's resuming TLS in a worker of its own: one per control connection. */
export class IsolatedTlsTransport implements Transport {
  readonly kind = "node";
  readonly #tls: TlsConfig;
  #worker?: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextReq = 1;
  #stopped?: Error;
  #controlId?: number;
  readonly #localAddress?: string;

  /**
   * @param config TLS settings; this transport exists for TLS.
   * @param localAddress Where connections are made from.
   */
  constructor(config: TlsConfig, localAddress?: string) {
    this.#tls = config;
    this.#localAddress = localAddress;
  }

  #initialized?: Promise<void>;

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(TLS_WORKER_MODULE, { resourceLimits: WORKER_LIMITS });
    worker.unref();
    worker.on("message", (message: WorkerReply) => this.#settle(message));
    worker.on("error", (error: Error) => {
      this.#stop(
        new FtpConnectionError("closed", `The TLS worker failed: ${error.message}`, {
          cause: error,
        }),
      );
    });
    worker.on("exit", () => {
      this.#stop(new FtpConnectionError("closed", "The TLS worker stopped"));
    });
    this.#worker = worker;
    live.add(this);
    // The first request: its reply comes before any other.
    this.#initialized = this.call({
      op: "init",
      tls: this.#tls,
      localAddress: this.#localAddress,
    })
      .then(() => {});
    this.#initialized.catch(() => {});
    return worker;
  }

  /**
   * Starts the worker and waits until it is ready, so that its start (a
   * module load, and under `deno test` a type check of its modules) is not
   * charged to the connect timeout of the first connection.
   */
  async ready(): Promise<void> {
    this.#start();
    await this.#initialized;
  }

  #settle(message: WorkerReply): void {
    const pending = this.#pending.get(message.req);
    if (!pending) return;
    this.#pending.delete(message.req);
    if (this.#pending.size === 0) this.#worker?.unref();
    if (pending.stream && message.resumed !== undefined) {
      pending.stream.sessionResumed = message.resumed;
    }
    if (message.ok) pending.resolve(message);
    else pending.reject(decodeError(message.error));
  }

  /** Sends a request and waits for its reply. */
  call(
    request: Request,
    transfer: ArrayBuffer[] = [],
    stream?: IsolatedStream,
  ): Promise<WireResult> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const worker = this.#start();
    const req = this.#nextReq++;
    return new Promise<WireResult>((resolve, reject) => {
      this.#pending.set(req, { resolve, reject, stream });
      worker.ref();
      worker.postMessage({ ...request, req }, transfer);
    });
  }

  /** Sends what needs no reply. */
  notify(notice: WorkerNotice): void {
    if (!this.#stopped) this.#worker?.postMessage(notice);
  }

  /** Ends the worker; what is still pending fails with `reason`. */
  #stop(reason: Error): void {
    if (this.#stopped) return;
    this.#stopped = reason;
    live.delete(this);
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(reason);
    this.#worker?.terminate().catch(() => {});
  }

  /** A stream was closed: closing the control connection ends the worker. */
  closed(id: number): void {
    if (id === this.#controlId) {
      this.#stop(
        new Deno.errors.Interrupted("The connection was closed"),
      );
    } else {
      this.notify({ op: "close", id });
    }
  }

  /** Bytes alive in the worker after a forced collection. */
  async liveBytes(): Promise<number> {
    return (await this.call({ op: "liveBytes" })).live ?? 0;
  }

  async #dial(
    target: DialTarget,
    request: (req: number) => Request,
  ): Promise<WireResult> {
    target.signal?.throwIfAborted();
    if (this.#stopped) throw this.#stopped;
    this.#start();
    const req = this.#nextReq; // The number call() gives the request below.
    const onAbort = () => this.notify({ op: "abort", target: req });
    target.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await this.call(request(req));
    } finally {
      target.signal?.removeEventListener("abort", onAbort);
    }
  }

  async openControl(target: DialTarget, implicitTls: boolean): Promise<ByteStream> {
    const { host, port, timeoutMs, purpose, phase } = target;
    try {
      const result = await this.#dial(target, () => ({
        op: "openControl",
        target: { host, port, timeoutMs, purpose, phase },
        implicitTls,
      }));
      this.#controlId = result.stream!.id;
      return new IsolatedStream(this, result.stream!, false);
    } catch (error) {
      this.#stop(error as Error);
      throw error;
    }
  }

  async secureControl(control: ByteStream): Promise<ByteStream> {
    const result = await this.call({ op: "secureControl", id: (control as IsolatedStream).id });
    return new IsolatedStream(this, result.stream!, false);
  }

  async clearControl(control: ByteStream, timeoutMs: number): Promise<ByteStream> {
    const id = (control as IsolatedStream).id;
    const result = await this.call({ op: "clearControl", id, timeoutMs });
    return new IsolatedStream(this, result.stream!, false);
  }

  async openData(target: DialTarget): Promise<ByteStream> {
    const { host, port, timeoutMs, purpose, phase } = target;
    const result = await this.#dial(target, () => ({
      op: "openData",
      target: { host, port, timeoutMs, purpose, phase },
    }));
    return new IsolatedStream(this, result.stream!, false);
  }

  secureData(data: ByteStream): SecuredStream {
    const plain = data as IsolatedStream;
    const securing = this.call({ op: "secureData", id: plain.id });
    return new IsolatedStream(this, securing.then((r) => r.stream!), true, plain);
  }

  async listenData(host: string): Promise<DataSocketListener> {
    const { listener } = await this.call({ op: "listen", host });
    const { id, address } = listener!;
    return {
      address,
      accept: async (serverHost, timeoutMs) => {
        const result = await this.call({ op: "accept", listener: id, serverHost, timeoutMs });
        return new IsolatedStream(this, result.stream!, false);
      },
      close: () => this.notify({ op: "closeListener", listener: id }),
    };
  }
}

/**
 * A stream the worker holds. Bulk streams (a data connection's TLS) have
 * their writes acknowledged in a window; the others wait for each write.
 * (Exported for tests/transport/isolated_stream.test.ts.)
 */
export class IsolatedStream implements SecuredStream {
  readonly #transport: IsolatedTlsTransport;
  readonly #opening: Promise<WireStream>;
  #wire?: WireStream;
  readonly #bulk: boolean;
  /** The plain stream this TLS stream was made from, for its addresses until then. */
  readonly #plain?: IsolatedStream;
  #leftover?: Uint8Array;
  /** Write buffers the worker gave back, for later writes. */
  readonly #writeBuffers: ArrayBuffer[] = [];
  /** The last read's buffer, given back to the worker with the next read. */
  #spare?: ArrayBuffer;
  #closed = false;
  #writeError?: Error;
  #unacknowledged = 0;
  #acknowledged?: () => void;
  #firstWrite = true;
  /**
   * Fails the requests, and the waits for the opening, still pending when
   * close() is called: nothing waits on the worker after that.
   */
  readonly #waiting = new Set<(error: Error) => void>();
  sessionResumed: boolean | undefined;
  /** Writes cross to the worker in messages of at most this much: larger ones would only hold memory. */
  readonly chunkBytes = MESSAGE_BYTES;

  constructor(
    transport: IsolatedTlsTransport,
    wire: WireStream | Promise<WireStream>,
    bulk: boolean,
    plain?: IsolatedStream,
  ) {
    this.#transport = transport;
    this.#bulk = bulk;
    this.#plain = plain;
    this.#opening = Promise.resolve(wire);
    this.#opening.then((w) => {
      this.#wire = w;
      if (this.#closed) transport.closed(w.id);
    }, () => {});
    if (!(wire instanceof Promise)) this.#wire = wire;
  }

  /** The worker's id of the stream (known at once, except for a TLS stream being made). */
  get id(): number {
    if (!this.#wire) throw new Error("The stream is not open yet");
    return this.#wire.id;
  }

  #interrupted(): Error {
    return new Deno.errors.Interrupted("The connection was closed");
  }

  /**
   * A request for this stream, given up (Interrupted) as soon as the stream
   * is closed. (Not a race against one promise that settles at close: every
   * race would leave a reaction on it, holding its result, until then.)
   */
  #call(request: Request, transfer: ArrayBuffer[] = []): Promise<WireResult> {
    if (this.#closed) return Promise.reject(this.#interrupted());
    return new Promise<WireResult>((resolve, reject) => {
      const giveUp = (error: Error) => {
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

  /**
   * The worker's name for the stream, once it has one; given up
   * (Interrupted) as soon as the stream is closed, as {@linkcode #call} is:
   * an opening can take as long as a TLS handshake the server never answers.
   */
  #opened(): Promise<WireStream> {
    if (this.#closed) return Promise.reject(this.#interrupted());
    if (this.#wire) return Promise.resolve(this.#wire);
    return new Promise<WireStream>((resolve, reject) => {
      const giveUp = (error: Error) => {
        this.#waiting.delete(giveUp);
        reject(error);
      };
      this.#waiting.add(giveUp);
      this.#opening.then((wire) => {
        this.#waiting.delete(giveUp);
        resolve(wire);
      }, giveUp);
    });
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    if (this.#leftover) return this.#takeLeftover(buffer);
    const { id } = await this.#opened();
    // The buffer of the last read goes back to the worker for a later one:
    // a buffer per read, in this thread and the worker, was garbage that
    // each thread collected late (peak RSS 2-3x the memory in use).
    const spare = this.#spare;
    this.#spare = undefined;
    const result = await this.#call(
      { op: "read", id, size: buffer.length, buffer: spare },
      spare ? [spare] : [],
    );
    if (result.end) return null;
    const bytes = new Uint8Array(result.bytes!, 0, result.n!);
    if (bytes.length <= buffer.length) {
      buffer.set(bytes);
      this.#spare = result.bytes;
      return bytes.length;
    }
    this.#leftover = bytes;
    return this.#takeLeftover(buffer);
  }

  /** A buffer of at least `size` bytes from those the worker gave back, or a new one. */
  #writeBuffer(size: number): ArrayBuffer {
    const i = this.#writeBuffers.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return this.#writeBuffers.splice(i, 1)[0];
    writeBuffersMade++;
    const bytes = Math.max(size, MIN_WRITE_BUFFER);
    largestWriteBuffer = Math.max(largestWriteBuffer, bytes);
    return new ArrayBuffer(bytes);
  }

  #takeLeftover(buffer: Uint8Array): number {
    const held = this.#leftover!;
    const [n, rest] = takeHeld(held, buffer);
    this.#leftover = rest;
    if (!rest) this.#spare = held.buffer as ArrayBuffer;
    return n;
  }

  async write(bytes: Uint8Array): Promise<number> {
    if (this.#writeError) throw this.#writeError;
    const { id } = await this.#opened();
    // Copied into a buffer that is transferred to the worker and comes back
    // with the acknowledgement, for a later write: a copy per write (as
    // structured cloning makes) was garbage in both threads, collected late.
    const buffer = this.#writeBuffer(bytes.length);
    new Uint8Array(buffer, 0, bytes.length).set(bytes);
    const writing = this.#transport.call(
      { op: "write", id, bytes: buffer, n: bytes.length },
      [buffer],
      this,
    ).then((result) => {
      if (result.bytes && this.#writeBuffers.length < MAX_WRITE_BUFFERS) {
        this.#writeBuffers.push(result.bytes);
      }
      return result;
    });
    // The first write waits for the TLS handshake: a refused handshake fails
    // it, as on the other paths. After that, writes overlap within the window.
    if (!this.#bulk || this.#firstWrite) {
      this.#firstWrite = false;
      await writing;
      return bytes.length;
    }
    const n = bytes.length;
    this.#unacknowledged += n;
    writing.then(
      () => this.#acknowledge(n),
      (error) => {
        this.#writeError ??= error;
        this.#acknowledge(n);
      },
    );
    // Bounded: every write in flight is acknowledged or fails, or close() ends the wait.
    while (this.#unacknowledged > WRITE_WINDOW && !this.#writeError && !this.#closed) {
      await new Promise<void>((resolve) => (this.#acknowledged = resolve));
    }
    if (this.#closed) throw this.#interrupted();
    if (this.#writeError) throw this.#writeError;
    return bytes.length;
  }

  #acknowledge(n: number): void {
    this.#unacknowledged -= n;
    const wake = this.#acknowledged;
    this.#acknowledged = undefined;
    wake?.();
  }

  async closeWrite(): Promise<void> {
    // Bounded: every write in flight is acknowledged or fails, or close() ends the wait.
    while (this.#unacknowledged > 0 && !this.#closed) {
      await new Promise<void>((resolve) => (this.#acknowledged = resolve));
    }
    if (this.#writeError) throw this.#writeError;
    const { id } = await this.#opened();
    await this.#call({ op: "closeWrite", id });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#leftover = undefined;
    this.#spare = undefined;
    this.#writeBuffers.length = 0;
    for (const giveUp of [...this.#waiting]) giveUp(this.#interrupted());
    this.#acknowledge(0);
    if (this.#wire) this.#transport.closed(this.#wire.id);
    // A TLS stream still being made is closed once the worker names it.
  }

  get localAddr(): Deno.Addr {
    return this.#wire?.local ?? this.#plain!.localAddr;
  }

  get remoteAddr(): Deno.Addr {
    return this.#wire?.remote ?? this.#plain!.remoteAddr;
  }
}
