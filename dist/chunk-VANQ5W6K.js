import {
  formatEprtArgument,
  formatPortArgument,
  parseEpsvReply,
  parsePasvReply
} from "./chunk-ZZKKPKQ6.js";
import {
  writeAll
} from "./chunk-IOE4GXSG.js";
import {
  connectionError
} from "./chunk-JTZGJBJ2.js";
import {
  closeQuietly
} from "./chunk-OKDFGV22.js";
import {
  hostPort
} from "./chunk-RK3YRUIX.js";
import {
  takeHeld
} from "./chunk-YWCC54TA.js";
import {
  mlstOptsArgument
} from "./chunk-AFMGHXC2.js";
import {
  formatTimeVal,
  parseTimeVal
} from "./chunk-Q64DFV4C.js";
import {
  DROPPED_HINT,
  Transfer,
  abortCommand,
  abortGrace,
  abortReason,
  answers,
  isCompletion,
  isPreliminary,
  markPipeliningFailure,
  mayEpsvAheadOfUpload,
  mayPipeline,
  outOfStep,
  stopEpsvAheadOfUploads,
  stopPipelining
} from "./chunk-EJRZ22DK.js";
import {
  formatCommand,
  redactCommand
} from "./chunk-67NZJHGR.js";
import {
  startInterval
} from "./chunk-WYTJSAQ3.js";
import {
  FtpConnectionError,
  FtpError,
  FtpInputError,
  FtpProtocolError,
  FtpReplyError,
  FtpTimeoutError,
  FtpTlsError,
  FtpUnexpectedReplyError,
  FtpUnsupportedError,
  replyError
} from "./chunk-UN72SBEK.js";

// src/protocol/features.ts
function parseFeatures(reply) {
  const features = /* @__PURE__ */ new Map();
  if (reply.code !== 211) return features;
  const prefix = `${reply.code}-`;
  for (const line of reply.lines.slice(1, -1)) {
    const text = (line.startsWith(prefix) ? line.slice(prefix.length) : line).trim();
    if (text === "") continue;
    const [name] = text.split(/\s/, 1);
    features.set(name.toUpperCase(), text.slice(name.length).trim());
  }
  return features;
}

// src/protocol/reply_text.ts
function parsePathReply(text) {
  const start = text.indexOf('"');
  if (start === -1) return void 0;
  let path = "";
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== '"') {
      path += text[i];
    } else if (text[i + 1] === '"') {
      path += '"';
      i++;
    } else {
      return path;
    }
  }
  return void 0;
}
function parseAnnouncedSize(text) {
  const match = /\((\d+) bytes?\)/i.exec(text);
  return match ? Number(match[1]) : void 0;
}

// src/client/_login_flight.ts
var ACCEPTED = [
  230,
  202,
  332
];
async function loginFlight(session, login, setup) {
  if (!session.pipelining) {
    const reply2 = await session.sendCommand(login);
    if (reply2.code !== 230 && reply2.code !== 202) return [
      reply2
    ];
    return [
      reply2,
      ...await session.pipeline(setup)
    ];
  }
  const { control } = session;
  control.assertInStep();
  await control.sendMany([
    login,
    ...setup
  ]);
  const reply = await session.readFinal(login);
  if (ACCEPTED.includes(reply.code)) {
    const replies = [
      reply
    ];
    for (const line of setup) replies.push(await session.readPipelined(line));
    return replies;
  }
  const rest = await readRest(session, setup);
  if (answers(login, reply)) return [
    reply
  ];
  const all = [
    reply,
    ...rest
  ];
  const refusal = all.findLast((r) => r.code >= 400);
  if (all.some((r) => r.code === 230) || refusal === void 0) {
    session.stopPipelining();
    throw control.close(outOfStep(login, reply));
  }
  return [
    refusal
  ];
}
async function readRest(session, lines) {
  const replies = [];
  try {
    for (const line of lines) replies.push(await session.readFinal(line));
  } catch {
    session.control.close();
  }
  return replies;
}

// src/transport/data_connection.ts
var TLS_RECORD_BYTES = 16 * 1024;
var DataConnection = class {
  #conn;
  #stallTimeout;
  #purpose;
  /** Why the connection closed, when a reason was given (see `#reason`). */
  #failure;
  #closed = false;
  #busySince = 0;
  #wrote = false;
  #unread;
  #eof = false;
  #watchdog;
  #pacer;
  /** Ends a wait for the pacer when the connection closes (made by the first wait). */
  #closing;
  /**
   * Wraps an open socket.
   *
   * @param conn The stream.
   * @param stallTimeout Milliseconds a pending read or write may wait.
   * @param command The transfer command, redacted, named in a timeout.
   * @param pacer Paces the bytes (a rate limit); waiting for it is not a stall.
   */
  constructor(conn, stallTimeout, command, pacer) {
    this.#conn = conn;
    this.#pacer = pacer;
    this.#stallTimeout = stallTimeout;
    this.#purpose = command === void 0 ? "" : ` of "${command}"`;
  }
  /** Whether the connection was closed. */
  get closed() {
    return this.#closed;
  }
  /**
   * Why the connection is closed (`undefined` while open). The error for a
   * normal close is made when something asks: every transfer ends with
   * one, and hardly ever does anything ask why.
   */
  #reason() {
    if (!this.#closed) return void 0;
    return this.#failure ??= new FtpError("The data connection is closed");
  }
  /**
   * Reads into `buffer`.
   *
   * @param buffer Where to put the bytes.
   * @returns The byte count, or `null` at end of stream.
   */
  async read(buffer) {
    if (this.#unread) return this.#takeUnread(buffer);
    if (this.#eof) return null;
    const chunk = this.#pacer ? buffer.subarray(0, this.#pacer.chunkBytes) : buffer;
    this.#begin();
    let n;
    try {
      n = await this.#conn.read(chunk);
      if (n === null) this.#eof = true;
    } catch (error) {
      throw this.#reason() ?? this.close(connectionError(error, "data connection"));
    } finally {
      this.#busySince = 0;
    }
    if (n !== null) await this.#pace(n);
    return n;
  }
  /** Waits for the pacer to allow `bytes`; closing the connection ends the wait. */
  async #pace(bytes) {
    if (!this.#pacer) return;
    if (this.#closed) throw this.#reason();
    try {
      await this.#pacer.take(bytes, (this.#closing ??= new AbortController()).signal);
    } catch (error) {
      throw this.#reason() ?? error;
    }
  }
  /**
   * Reads until `buffer` holds at least `atLeast` bytes, the stream ends, or
   * a read comes back short. TLS hands out one 16 KiB record per read;
   * gathering them makes for large file writes and large stream chunks,
   * while a short read (the sender has paused) returns at once, so a slow
   * trickle is not held back.
   *
   * @param buffer Where to put the bytes.
   * @param atLeast How many bytes to gather before returning.
   * @returns The byte count, or `null` at the end of the stream.
   */
  async readMany(buffer, atLeast = buffer.length / 2) {
    if (this.#pacer) atLeast = Math.min(atLeast, this.#pacer.chunkBytes);
    let filled = 0;
    while (filled < atLeast && filled < buffer.length) {
      const n = await this.read(buffer.subarray(filled));
      if (n === null) break;
      filled += n;
      if (n < TLS_RECORD_BYTES) break;
    }
    return filled === 0 && this.#eof ? null : filled;
  }
  /**
   * Writes every byte of `bytes`.
   *
   * @param bytes The bytes to send.
   */
  async write(bytes) {
    if (!this.#pacer) return await this.#write(bytes);
    const chunk = this.#pacer.chunkBytes;
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      const piece = bytes.subarray(offset, offset + chunk);
      await this.#pace(piece.length);
      await this.#write(piece);
    }
  }
  async #write(bytes) {
    this.#begin();
    this.#wrote = true;
    try {
      await writeAll(this.#conn, bytes);
    } catch (error) {
      throw this.#reason() ?? this.close(connectionError(error, "data connection"));
    } finally {
      this.#busySince = 0;
    }
  }
  #begin() {
    if (this.#closed) throw this.#reason();
    this.#busySince = performance.now();
    this.#watchdog ??= startInterval(Math.max(10, Math.min(1e3, this.#stallTimeout / 4)), () => {
      if (this.#busySince !== 0 && performance.now() - this.#busySince > this.#stallTimeout) {
        this.close(new FtpTimeoutError("data", this.#stallTimeout, `waiting for the data connection${this.#purpose} to move a byte`));
      }
    });
  }
  /** The stream underneath (to ask a TLS stream whether it resumed). */
  get stream() {
    return this.#conn;
  }
  /**
   * Puts bytes back in front of the stream: the next reads return them
   * first. Used after peeking at the first bytes of a transfer.
   *
   * @param bytes The bytes; copied.
   */
  unread(bytes) {
    if (bytes.length > 0) this.#unread = bytes.slice();
  }
  #takeUnread(buffer) {
    const [n, rest] = takeHeld(this.#unread, buffer);
    this.#unread = rest;
    return n;
  }
  /**
   * Ends the upload: shuts down the sending side (over TLS, with
   * close_notify, even when nothing was sent: a bare close reads as a
   * truncated, failed upload). The stall watchdog bounds the wait.
   */
  async endUpload() {
    if (this.#closed) return;
    this.#begin();
    try {
      await this.#conn.closeWrite();
    } catch {
    } finally {
      this.#busySince = 0;
    }
  }
  /**
   * Reads and discards until the server closes its side. After an upload
   * this lets TLS take in what the server sent meanwhile: TLS 1.3 session
   * tickets, without which the next data connection cannot resume the
   * session (ProFTPD then refuses it).
   */
  async drain() {
    const scratch = new Uint8Array(16 * 1024);
    try {
      while (await this.read(scratch) !== null) {
      }
    } catch {
    }
  }
  /**
   * Closes the connection; pending and later calls fail with `reason`.
   * Idempotent.
   *
   * @param reason Why it was closed, if not a normal end.
   * @returns The reason that stands.
   */
  close(reason) {
    this.#watchdog?.clear();
    this.#watchdog = void 0;
    if (this.#closed) return this.#reason();
    this.#closed = true;
    this.#failure = reason;
    this.#closing?.abort(this.#reason());
    closeQuietly(this.#conn);
    return reason;
  }
};

// src/client/rate_limit.ts
var MAX_CHUNK_BYTES = 64 * 1024;
var RateLimiter = class {
  /** The rate, in bytes per second. */
  bytesPerSecond;
  /** The bucket's size, in bytes (see {@linkcode RateLimiterOptions.burstBytes}). */
  burstBytes;
  /**
   * The most bytes a transfer moves between two waits: a sixteenth of a
   * second's worth, between 1 byte and 64 KiB. A paced download never holds
   * more than this while it waits.
   */
  chunkBytes;
  #tokens;
  #updated = performance.now();
  #waiters = [];
  #timer;
  /**
   * Makes a limiter.
   *
   * @param bytesPerSecond The rate: a number of bytes per second above 0.
   * @param options The burst size.
   * @throws {FtpInputError} For a rate or burst that is not a positive number.
   */
  constructor(bytesPerSecond, options = {}) {
    checkRate(bytesPerSecond, "A rate limit");
    const burst = options.burstBytes;
    if (burst !== void 0 && !(Number.isFinite(burst) && burst > 0)) {
      throw new FtpInputError(`burstBytes must be a number of bytes above 0, got ${burst}`);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.chunkBytes = Math.max(1, Math.min(MAX_CHUNK_BYTES, Math.floor(bytesPerSecond / 16)));
    this.burstBytes = Math.max(this.chunkBytes, Math.floor(burst ?? bytesPerSecond / 8));
    this.#tokens = this.burstBytes;
  }
  /**
   * Waits until `bytes` may pass, and counts them. Transfers call this for
   * every chunk; it is public so that other streams can be paced too.
   *
   * @param bytes How many bytes (more than `burstBytes` waits for a full
   * bucket and leaves it in debt, so the average still holds).
   * @param signal Ends the wait at once, rejecting with its reason.
   * @returns Resolves when the bytes may go.
   * @example Pacing a stream of your own
   * ```ts
   * import { RateLimiter } from "@ferry/ftp";
   *
   * const limiter = new RateLimiter(64 * 1024);
   * const paced = new TransformStream<Uint8Array, Uint8Array>({
   *   async transform(chunk, controller) {
   *     await limiter.take(chunk.length);
   *     controller.enqueue(chunk);
   *   },
   * });
   * await new Blob([new Uint8Array(1000)]).stream().pipeThrough(paced).pipeTo(new WritableStream());
   * ```
   */
  take(bytes, signal) {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (bytes <= 0) return Promise.resolve();
    this.#refill();
    if (this.#waiters.length === 0 && this.#tokens >= Math.min(bytes, this.burstBytes)) {
      this.#tokens -= bytes;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        bytes,
        resolve,
        reject,
        signal
      };
      if (signal) {
        waiter.onAbort = () => this.#drop(waiter, signal.reason);
        signal.addEventListener("abort", waiter.onAbort, {
          once: true
        });
      }
      this.#waiters.push(waiter);
      this.#schedule();
    });
  }
  #refill() {
    const now = performance.now();
    const earned = (now - this.#updated) / 1e3 * this.bytesPerSecond;
    this.#tokens = Math.min(this.burstBytes, this.#tokens + earned);
    this.#updated = now;
  }
  /** Serves the waiters the bucket covers, then sleeps until the next one's turn. */
  #serve() {
    this.#timer = void 0;
    this.#refill();
    while (this.#waiters.length > 0) {
      const head = this.#waiters[0];
      if (this.#tokens < Math.min(head.bytes, this.burstBytes)) break;
      this.#tokens -= head.bytes;
      this.#waiters.shift();
      this.#settle(head);
      head.resolve();
    }
    this.#schedule();
  }
  #schedule() {
    if (this.#timer !== void 0 || this.#waiters.length === 0) return;
    const need = Math.min(this.#waiters[0].bytes, this.burstBytes) - this.#tokens;
    const ms = Math.max(0, Math.ceil(need / this.bytesPerSecond * 1e3));
    this.#timer = setTimeout(() => this.#serve(), ms);
  }
  #drop(waiter, reason) {
    const index = this.#waiters.indexOf(waiter);
    if (index === -1) return;
    this.#waiters.splice(index, 1);
    this.#settle(waiter);
    waiter.reject(reason);
    if (index === 0) {
      clearTimeout(this.#timer);
      this.#timer = void 0;
      this.#schedule();
    }
  }
  #settle(waiter) {
    if (waiter.onAbort) waiter.signal.removeEventListener("abort", waiter.onAbort);
  }
};
function checkRate(rate, what) {
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0) {
    throw new FtpInputError(`${what} must be a number of bytes per second above 0, got ${String(rate)}`);
  }
}
function rateLimiterOf(value, what) {
  if (value === void 0 || value instanceof RateLimiter) return value;
  checkRate(value, what);
  return new RateLimiter(value);
}
function pacerOf(limiters) {
  const all = limiters.filter((limiter) => limiter !== void 0);
  if (all.length <= 1) return all[0];
  return {
    chunkBytes: Math.min(...all.map((limiter) => limiter.chunkBytes)),
    async take(bytes, signal) {
      for (const limiter of all) await limiter.take(bytes, signal);
    }
  };
}

// src/client/_open_transfer.ts
var READS = /^(RETR|LIST|NLST|MLSD)\b/i;
async function openTransfer(session, line, options) {
  if (options.signal?.aborted) throw abortReason(options.signal);
  const { settings } = session;
  const policy = settings.dataTls;
  const isRead = READS.test(line);
  const protectedData = session.dataProtected && policy !== void 0;
  if (protectedData) {
    await policy.beforeTransfer(isRead, () => probeDataTls(session, options.signal), options.signal);
  }
  await session.type(options.type);
  await session.clearStrayRest(options.offset);
  const transfer = session.transferMode === "active" ? await openActive(session, line, options) : await openPassive(session, line, options);
  if (options.signal?.aborted) {
    await transfer.abort();
    throw abortReason(options.signal);
  }
  if (protectedData && isRead && policy.peeksReads) await peek(transfer);
  return transfer;
}
async function openPassive(session, line, options) {
  const { settings } = session;
  const connect = async () => {
    const address = await session.passiveAddress();
    return await settings.transport.openData({
      host: address.host,
      port: address.port,
      timeoutMs: settings.connectTimeout,
      signal: options.signal,
      purpose: "data connection",
      phase: "data-connection"
    });
  };
  let tcp;
  try {
    tcp = await connect();
  } catch (error) {
    const gone = error instanceof FtpConnectionError && error.kind === "refused";
    if (!gone || !session.addressAhead) throw error;
    tcp = await connect();
  }
  try {
    if (options.offset) await session.rest(options.offset);
    if (earlyData(session, line, options)) {
      await session.sendTransfer(line);
      const opening = session.readOpening(line);
      opening.catch(() => {
      });
      const data2 = dataConnection(session, tcp, line, options);
      return new Transfer(session, data2, line, void 0, options.signal, void 0, void 0, void 0, {
        opening
      });
    }
    const reply = await session.startTransfer(line);
    const data = dataConnection(session, tcp, line, options);
    const size = parseAnnouncedSize(reply.text);
    return new Transfer(session, data, line, size, options.signal, void 0, reply);
  } catch (error) {
    closeQuietly(tcp);
    throw error;
  }
}
async function openActive(session, line, options) {
  const { settings, control } = session;
  const listener = await settings.transport.listenData(control.localAddr.hostname);
  try {
    await session.announce(listener.address);
    if (options.offset) await session.rest(options.offset);
    const accepted = listener.accept(control.remoteAddr.hostname, settings.connectTimeout);
    accepted.catch(() => {
    });
    const reply = await session.startTransfer(line);
    const stopping = {
      early: false
    };
    const final = session.readFinal(line, Infinity, void 0, () => stopping.early);
    final.catch(() => {
    });
    const connected = accepted.then((stream) => ({
      stream
    }), (error) => ({
      error
    }));
    let first = await Promise.race([
      connected,
      final.then((reply2) => ({
        reply: reply2
      }))
    ]);
    if ("reply" in first && isCompletion(first.reply)) {
      const late = await connected;
      if ("stream" in late) first = late;
    }
    if ("reply" in first) {
      throw isCompletion(first.reply) ? new FtpUnexpectedReplyError(first.reply, redactCommand(line)) : replyError(first.reply, redactCommand(line));
    }
    if ("error" in first) {
      await abortCommand(session, abortGrace(session, first.error), final).catch(() => {
      });
      throw first.error;
    }
    const data = dataConnection(session, first.stream, line, options);
    const size = parseAnnouncedSize(reply.text);
    return new Transfer(session, data, line, size, options.signal, final, reply, stopping);
  } finally {
    listener.close();
  }
}
function earlyData(session, line, options) {
  return options.earlyData === true && !options.offset && /^(STOR|APPE) /i.test(line) && !session.dataProtected && session.pipelining;
}
function dataConnection(session, tcp, line, options) {
  let stream = tcp;
  if (session.dataProtected) {
    const secured = session.settings.transport.secureData(tcp);
    session.settings.dataTls?.secured(secured);
    stream = secured;
  }
  const pacer = pacerOf([
    options.rateLimit,
    session.settings.rateLimit
  ]);
  return new DataConnection(stream, session.settings.dataTimeout, redactCommand(line), pacer);
}
async function peek(transfer) {
  const buffer = new Uint8Array(64 * 1024);
  let n;
  try {
    n = await transfer.data.read(buffer);
    if (n === null) await transfer.complete();
  } catch (error) {
    throw transfer.ended ? error : await transfer.failure(error);
  }
  if (n !== null) transfer.data.unread(buffer.subarray(0, n));
}
var PROBE_BYTES = 64 * 1024;
async function probeDataTls(session, signal) {
  const policy = session.settings.dataTls;
  try {
    const transfer = await openTransfer(session, "LIST", {
      type: "binary",
      signal
    });
    let read = 0;
    for await (const chunk of transfer.receive(16 * 1024)) {
      read += chunk.length;
      if (read >= PROBE_BYTES) break;
    }
    policy.succeeded();
  } catch (error) {
    const failure = policy.classify(error);
    if (failure instanceof FtpTlsError) throw failure;
    if (!(failure instanceof FtpReplyError)) throw failure;
  }
}

// src/client/_session.ts
var EARLY_DATA_MAX_BYTES = 64 * 1024;
var TYPE_CODE = {
  binary: "I",
  ascii: "A"
};
var MDTM_BATCH = 512;
var OPTS_UTF8 = "OPTS UTF8 ON";
var Session = class {
  control;
  settings;
  /** Passive or active data connections; the client may change it between calls. */
  transferMode;
  greeting;
  features = /* @__PURE__ */ new Map();
  #type;
  #epsvRefused = false;
  #eprtRefused = false;
  #restSentRaw = false;
  #dataProtected = false;
  /** The directory last confirmed by PWD, for reconnecting (see FtpClient). */
  knownDirectory;
  /**
   * The current directory where it is known without asking: the login's
   * PWD, a PWD since, or an absolute CWD; unknown after a relative CWD,
   * CDUP or a raw command. Lets a probe that must come back (isDirectory)
   * send its way back with its way in.
   */
  #cwd;
  /**
   * How LIST gets dot-files here, once known (see `_listing.ts`): `"ask"`
   * with `LIST -a`; `"shown"` by a plain LIST; `"unasked"` a plain LIST
   * that may leave them out (the server refused `-a`, or never told).
   */
  dotFiles;
  /** `LIST -a` probes that could not tell so far. */
  dotFileProbes = 0;
  /** Whether a listing of this session used LIST (no MLSD). */
  listedWithList = false;
  /** An EPSV sent ahead (with a transfer's end) whose reply is still unread. */
  #epsvAhead = false;
  /** Whether an EPSV of this session got its 229. */
  #epsvWorked = false;
  /**
   * The reply to an EPSV sent ahead, read already (commands sent after it
   * needed their replies), kept for the next transfer: only through
   * pipelines that expect one (see `pipeline`), dropped by any other command.
   */
  #epsvReady;
  /**
   * The server's passive listener opened by an EPSV sent ahead, until a
   * transfer uses or replaces it: "unused", or "expired" once the server
   * said it timed out (pyftpdlib, after 30 s: an unasked "421 Passive data
   * channel timed out.", the session kept). Such a 421 is ferry's doing,
   * not the server leaving: in a session that sent an EPSV ahead, it is
   * dropped where it arrives, whenever that is.
   */
  #aheadListener;
  #sentAhead = false;
  /** Whether the last passive address came from an EPSV sent ahead. */
  #addressAhead = false;
  /** The read buffers of small transfers, reused from one to the next (see Transfer.receive). */
  spareBuffers;
  constructor(control, settings, transferMode) {
    this.control = control;
    this.settings = settings;
    this.transferMode = transferMode;
    control.dismiss = (reply) => {
      if (reply.code !== 421 || !this.#sentAhead || !/passive/i.test(reply.text)) return false;
      if (this.#aheadListener) this.#aheadListener = "expired";
      return true;
    };
  }
  /** Whether data connections use TLS (PROT P was accepted). */
  get dataProtected() {
    return this.#dataProtected;
  }
  // ---- Low level --------------------------------------------------------
  /** Sends a command and returns its first non-preliminary reply. */
  async sendCommand(line) {
    await this.#settleAhead();
    this.control.assertInStep();
    await this.control.send(line);
    return await this.readFinal(line);
  }
  /**
   * Whether commands may be sent before the replies to earlier ones
   * arrived: on unless the `pipelining` option is off or this server
   * mishandled it earlier in the process (see `_pipelining.ts`).
   */
  get pipelining() {
    const { hostname, port } = this.control.remoteAddr;
    return this.settings.pipelining !== false && mayPipeline(hostPort(hostname, port));
  }
  /**
   * Sends `lines` together, in one round trip, and returns their final
   * replies in order; one at a time where pipelining is off. Only for
   * commands none of which depends on another's reply: every reply is read
   * whatever the others said, so the session stays in step, and each caller
   * judges its own reply (its errors name its command). A reply that cannot
   * answer its command, or one that never comes, ends pipelining to this
   * server (see `_pipelining.ts`).
   */
  async pipeline(lines, epsvAhead = false) {
    const replies = [];
    const keep = epsvAhead && this.pipelining && (this.#epsvAhead || this.#epsvReady !== void 0);
    if (!keep) await this.#settleAhead();
    const ahead = epsvAhead && !keep && this.#mayAheadEpsv();
    if (lines.length < 2 && !ahead && !keep || !this.pipelining) {
      for (const line of lines) replies.push(await this.sendCommand(line));
      return replies;
    }
    this.control.assertInStep();
    await this.control.sendMany(ahead ? [
      ...lines,
      "EPSV"
    ] : lines);
    if (ahead) this.#noteAhead();
    if (keep) this.#epsvReady = await this.#takeAhead();
    this.#epsvAhead = ahead;
    for (const line of lines) replies.push(await this.readPipelined(line));
    return replies;
  }
  /**
   * Reads the final reply to `line`, sent together with others. A 421 is
   * the server closing the session: the commands sent after `line` will
   * get no reply, so the 421 is the error, naming `line` (or, for an EPSV
   * sent `ahead`, which the caller never asked for, the session closed).
   */
  async readPipelined(line, ahead = false) {
    let reply;
    try {
      reply = await this.readFinal(line);
    } catch (error) {
      if (error instanceof FtpTimeoutError) {
        this.stopPipelining();
        if (!error.message.endsWith(DROPPED_HINT)) error.message += DROPPED_HINT;
        markPipeliningFailure(error);
      }
      throw error;
    }
    if (reply.code === 421) {
      throw this.control.close(ahead ? sessionClosed(reply) : replyError(reply, redactCommand(line)));
    }
    if (!answers(line, reply)) {
      this.stopPipelining();
      throw this.control.close(outOfStep(line, reply));
    }
    return reply;
  }
  /** From now on, this server gets one command at a time (it misbehaved). */
  stopPipelining() {
    const { hostname, port } = this.control.remoteAddr;
    stopPipelining(hostPort(hostname, port));
  }
  /**
   * After a download's or a listing's data ended (its last byte read: the
   * server is done with the data connection), sends the next transfer's EPSV
   * before reading the transfer's final reply: EPSV depends on nothing the
   * final reply says, so the two replies share a round trip. Only in passive mode, with EPSV known to
   * work and pipelining on. The reply is read by the next passive transfer,
   * or dropped before any other command (the server then replaces the
   * listener it opened when the next transfer asks).
   */
  async sendEpsvAhead() {
    if (!this.#epsvWorked || !this.#mayAheadEpsv()) return false;
    await this.control.send("EPSV");
    this.#epsvAhead = true;
    this.#noteAhead();
    return true;
  }
  /**
   * After an upload's data went and its connection was closed by the client,
   * sends the next transfer's EPSV before the upload's final reply, where
   * the server's software is known to answer it after that reply (see
   * `mayEpsvAheadOfUpload`): the upload's end and the next address then
   * share a round trip. Returns whether it was sent.
   */
  async sendEpsvAheadOfUpload() {
    const { hostname, port } = this.control.remoteAddr;
    if (!mayEpsvAheadOfUpload(hostPort(hostname, port), this.greeting?.text)) return false;
    return await this.sendEpsvAhead();
  }
  /**
   * The reply to the EPSV sent ahead was read by the transfer it was sent
   * with (see Transfer's completion of an upload): `reply` when it answered
   * in turn and may serve the next transfer; `undefined` when it came out
   * of turn (the next transfer asks again, in turn), and this server gets
   * no EPSV ahead of an upload from now on.
   */
  epsvAheadAnswered(reply) {
    this.#epsvAhead = false;
    this.#epsvReady = reply;
    if (reply === void 0) {
      this.#aheadListener = void 0;
      const { hostname, port } = this.control.remoteAddr;
      stopEpsvAheadOfUploads(hostPort(hostname, port));
    }
  }
  #noteAhead() {
    this.#aheadListener = "unused";
    this.#sentAhead = true;
  }
  /** Whether an EPSV may go ahead now (see sendEpsvAhead and pipeline). */
  #mayAheadEpsv() {
    return !this.#epsvAhead && this.#epsvReady === void 0 && this.transferMode === "passive" && !this.#epsvRefused && this.pipelining && !this.control.closed;
  }
  /** The reply to the EPSV sent ahead, if one was. */
  async #takeAhead() {
    const ready = this.#epsvReady;
    this.#epsvReady = void 0;
    if (ready) return ready;
    if (!this.#epsvAhead) return void 0;
    this.#epsvAhead = false;
    return await this.readPipelined("EPSV", true);
  }
  /** Reads and drops the reply to an EPSV sent ahead, before another command. */
  async #settleAhead() {
    await this.#takeAhead();
  }
  /**
   * Reads replies until one is not 1xx (some servers send 1xx chatter). One
   * reply timeout covers them all, so endless chatter still times out.
   */
  async readFinal(line, deadline = this.control.deadline(), timeout, anyReply) {
    const waitingFor = line === void 0 ? "a reply" : `the reply to "${redactCommand(line)}"`;
    while (true) {
      const reply = await this.control.read(waitingFor, deadline, timeout);
      if (!isPreliminary(reply) || anyReply?.()) return reply;
    }
  }
  /** Sends a command that must succeed with a 2xx reply (ftplib voidcmd). */
  async voidCommand(line) {
    return this.#check(line, await this.sendCommand(line), isCompletion);
  }
  /** Sends a command and checks its reply with `accept`. */
  async expect(line, accept) {
    return this.#check(line, await this.sendCommand(line), (r) => accept(r.code));
  }
  #check(line, reply, ok) {
    if (!ok(reply)) throw replyError(reply, redactCommand(line));
    return reply;
  }
  /**
   * Opens a data connection and starts a transfer command on it (ftplib's
   * transfercmd): TYPE, EPSV/PASV or EPRT/PORT, REST, the command, its 1xx.
   * The steps live in `_open_transfer.ts`.
   */
  openTransfer(line, options) {
    return openTransfer(this, line, options);
  }
  /** The passive-mode address: EPSV, or PASV once the server refused EPSV. */
  async passiveAddress() {
    const peer = this.control.remoteAddr.hostname;
    if (!this.#epsvRefused) {
      let ahead = await this.#takeAhead();
      if (this.#aheadListener === "expired") ahead = void 0;
      this.#aheadListener = void 0;
      this.#addressAhead = ahead !== void 0;
      if (ahead && ahead.code >= 400 && this.#epsvWorked) {
        this.stopPipelining();
        ahead = void 0;
      }
      const port = ahead ? epsvPort(ahead) : await this.epsv();
      if (port !== void 0) {
        this.#epsvWorked = true;
        return {
          host: peer,
          port
        };
      }
      this.#epsvRefused = true;
    }
    if (peer.includes(":")) {
      throw new FtpUnsupportedError("The server refused EPSV, and PASV cannot work over IPv6; try active mode");
    }
    const address = await this.pasv();
    return this.settings.trustPasvHost ? address : {
      host: peer,
      port: address.port
    };
  }
  /**
   * Whether the last passive address came from an EPSV sent ahead: its
   * listener may be gone (timed out by the server, its 421 not read yet),
   * so a refused connection to it asks for a new one.
   */
  get addressAhead() {
    return this.#addressAhead;
  }
  /** Announces an active-mode address: EPRT, or PORT once the server refused EPRT. */
  async announce(address) {
    if (!this.#eprtRefused) {
      if (await this.eprt(address)) return;
      this.#eprtRefused = true;
    }
    await this.port(address);
  }
  /** Sends a transfer command and reads its 1xx. */
  async startTransfer(line) {
    await this.sendTransfer(line);
    return await this.readOpening(line);
  }
  /** Sends a transfer command (its data connection is set up already). */
  async sendTransfer(line) {
    await this.#settleAhead();
    await this.control.send(line);
  }
  /** Reads the 1xx that starts the transfer `line`; any other reply is thrown. */
  async readOpening(line) {
    const reply = await this.control.read(`the reply to "${redactCommand(line)}"`);
    if (!isPreliminary(reply)) {
      throw isCompletion(reply) ? new FtpUnexpectedReplyError(reply, redactCommand(line)) : replyError(reply, redactCommand(line));
    }
    return reply;
  }
  // ---- One method per command ---------------------------------------------
  /**
   * Reads the greeting by `deadline` (120 "ready in nnn minutes" chatter
   * included); `timeout` makes the error when it passes.
   */
  async readGreeting(deadline, timeout) {
    const reply = await this.readFinal(void 0, deadline, timeout);
    if (reply.code !== 220) throw replyError(reply);
    this.greeting = reply;
    return reply;
  }
  /**
   * USER, then PASS and ACCT as the server asks (230/331/332), and the
   * session's set-up: FEAT, TYPE I, `OPTS UTF8 ON`, and with TLS `PBSZ 0`
   * and PROT at `protection`. The set-up depends on no reply of the
   * login's, so it goes with the login's last command (PASS, usually): all
   * in two round trips. Where that command is not the last (the server asks
   * for ACCT) or fails, the set-up's replies are read and left, so the
   * session stays in step. `OPTS MLST`, which depends on FEAT's reply,
   * follows only where the server's default facts leave out one ferry reads.
   */
  async login(user, password, account, protection) {
    this.control.hide(password);
    if (account !== void 0) this.control.hide(account);
    this.#type = void 0;
    const setup = this.#setupCommands(protection);
    let line = formatCommand("USER", user);
    let reply = await this.sendCommand(line);
    let setupReplies;
    const withSetup = async (first) => {
      const replies = first === void 0 ? await this.pipeline(setup) : await loginFlight(this, first, setup);
      if (first !== void 0) reply = replies.shift();
      setupReplies = replies;
    };
    if (reply.code === 230 || reply.code === 202) {
      await withSetup();
    } else if (reply.code === 331) {
      line = formatCommand("PASS", password);
      await withSetup(line);
    }
    if (reply.code === 332) {
      if (account === void 0) throw new FtpUnexpectedReplyError(reply, redactCommand(line));
      line = formatCommand("ACCT", account);
      await withSetup(line);
    }
    if (reply.code !== 230 && reply.code !== 202) throw replyError(reply, redactCommand(line));
    await this.#takeSetup(setup, setupReplies ?? await this.pipeline(setup));
    return reply;
  }
  /**
   * The set-up sent with the login. `OPTS UTF8 ON` goes before FEAT's
   * reply is known where names are UTF-8 anyway (a server without it
   * refuses, which is harmless); with another encoding, only where FEAT
   * offers UTF8 (see #takeSetup).
   */
  #setupCommands(protection) {
    const lines = [
      "FEAT",
      formatCommand("TYPE", TYPE_CODE.binary)
    ];
    if (this.settings.encoding === "utf-8") lines.push(OPTS_UTF8);
    lines.push("PWD");
    if (protection) lines.push("PBSZ 0", formatCommand("PROT", protection));
    return lines;
  }
  /** Takes the set-up's replies; PBSZ's and PROT's failures are errors. */
  async #takeSetup(lines, replies) {
    for (const [i, line] of lines.entries()) {
      const reply = replies[i];
      if (line === "FEAT") this.#takeFeatures(reply);
      else if (line.startsWith("TYPE")) this.#type = reply.code === 200 ? "binary" : void 0;
      else if (line === "PWD") this.#cwd = pathIn(reply);
      else if (line.startsWith("PBSZ")) this.#check(line, reply, isCompletion);
      else if (line.startsWith("PROT")) {
        this.#check(line, reply, isCompletion);
        this.#dataProtected = line.endsWith(" P");
      }
    }
    if (!lines.includes(OPTS_UTF8) && this.features.has("UTF8")) await this.sendCommand(OPTS_UTF8);
    const facts = this.features.get("MLST");
    const argument = facts === void 0 ? void 0 : mlstOptsArgument(facts);
    if (argument !== void 0) await this.sendCommand(formatCommand("OPTS", `MLST ${argument}`));
  }
  /** FEAT, read once after login; a server without FEAT offers nothing. */
  async feat() {
    return this.#takeFeatures(await this.sendCommand("FEAT"));
  }
  #takeFeatures(reply) {
    this.features = isCompletion(reply) ? parseFeatures(reply) : /* @__PURE__ */ new Map();
    return this.features;
  }
  /**
   * Forgets what raw commands may have changed behind the session's back: a
   * TYPE sent with `send()` makes the cached type wrong, and a REST sent
   * with `send()` would shift the next transfer.
   */
  forgetState(rawLine) {
    this.#type = void 0;
    this.#cwd = void 0;
    if (/^REST\b/i.test(rawLine)) this.#restSentRaw = true;
  }
  /** Cancels a REST a raw command left pending, unless this transfer sets its own. */
  async clearStrayRest(offset) {
    if (!this.#restSentRaw) return;
    this.#restSentRaw = false;
    if (!offset) await this.rest(0);
  }
  async type(type) {
    if (this.#type === type) return;
    await this.voidCommand(formatCommand("TYPE", TYPE_CODE[type]));
    this.#type = type;
  }
  async pwd() {
    this.#cwd = pathFrom(await this.sendCommand("PWD"));
    return this.#cwd;
  }
  /** The current directory where it is known without a PWD (see #cwd). */
  get currentDirectory() {
    return this.#cwd;
  }
  /**
   * Whether `path` is a directory: CWD into it and back, the one portable
   * test. PWD and that CWD go together (one round trip), then the CWD back
   * with the next transfer's EPSV (a stat is mostly followed by a listing).
   */
  async isDirectory(path) {
    const into = formatCommand("CWD", path);
    if (this.#cwd !== void 0 && this.pipelining) {
      return await this.#isDirectoryFrom(this.#cwd, into);
    }
    const [pwdReply, cwdReply] = await this.pipeline([
      "PWD",
      into
    ]);
    let start;
    try {
      start = pathFrom(pwdReply);
    } catch (error) {
      if (isCompletion(cwdReply)) throw this.control.close(error);
      throw error;
    }
    if (!isDirectoryAnswer(into, cwdReply)) return false;
    const back = formatCommand("CWD", start);
    this.#check(back, (await this.pipeline([
      back
    ], true))[0], isCompletion);
    await this.#trackDirectory();
    return true;
  }
  /**
   * isDirectory where the current directory is known: the CWD back goes
   * with the CWD in (and the next transfer's EPSV), one round trip. Where
   * the CWD in fails, the CWD back leads where the session already is.
   */
  async #isDirectoryFrom(start, into) {
    const back = formatCommand("CWD", start);
    const [intoReply, backReply] = await this.pipeline([
      into,
      back
    ], true);
    if (!isDirectoryAnswer(into, intoReply)) return false;
    this.assertBack(back, backReply);
    return true;
  }
  /**
   * After a directory probe went in (its CWD answered 2xx): the CWD `line`
   * back must have worked too, or where the session is now is unknown, so
   * it is closed.
   */
  assertBack(line, reply) {
    if (!isCompletion(reply)) throw this.control.close(replyError(reply, redactCommand(line)));
  }
  async cwd(path) {
    this.#cwd = void 0;
    await this.voidCommand(formatCommand("CWD", path));
    if (path.startsWith("/")) this.#cwd = path;
    await this.#trackDirectory();
  }
  async cdup() {
    this.#cwd = void 0;
    await this.voidCommand("CDUP");
    await this.#trackDirectory();
  }
  /** While a reconnect may still be needed (see knownDirectory), keep the directory known. */
  async #trackDirectory() {
    if (this.knownDirectory !== void 0 && this.settings.dataTls?.mayReconnect) {
      this.knownDirectory = this.#cwd ?? await this.pwd();
    }
  }
  /** MKD; returns the path the server reports, or the one asked for. */
  async mkd(path) {
    const reply = await this.voidCommand(formatCommand("MKD", path));
    return parsePathReply(reply.text) ?? path;
  }
  async rmd(path) {
    await this.voidCommand(formatCommand("RMD", path));
  }
  async dele(path) {
    await this.voidCommand(formatCommand("DELE", path));
  }
  async rename(from, to) {
    const toLine = formatCommand("RNTO", to);
    await this.expect(formatCommand("RNFR", from), (c) => c === 350);
    await this.voidCommand(toLine);
  }
  async size(path) {
    await this.type("binary");
    const line = formatCommand("SIZE", path);
    return sizeFrom(line, await this.sendCommand(line));
  }
  async mdtm(path) {
    const line = formatCommand("MDTM", path);
    return timeFrom(line, await this.sendCommand(line));
  }
  /**
   * SIZE and MDTM of one path in one round trip (pipelined): the size (its
   * refusal is thrown), and the time when MDTM gave one.
   */
  async sizeAndTime(path) {
    await this.type("binary");
    const lines = sizeAndTimeLines(path);
    const [sizeReply, timeReply] = await this.pipeline(lines, true);
    return sizeAndTimeFrom(lines, [
      sizeReply,
      timeReply
    ]);
  }
  /**
   * MDTM for many paths, `MDTM_BATCH` to a round trip (pipelined), the
   * last batch with the next transfer's EPSV: each path's time, or the
   * error its reply makes (which names its command).
   */
  async mdtmAll(paths) {
    const results = [];
    for (let i = 0; i < paths.length; i += MDTM_BATCH) {
      const lines = paths.slice(i, i + MDTM_BATCH).map((path) => formatCommand("MDTM", path));
      const replies = await this.pipeline(lines, true);
      replies.forEach((reply, j) => {
        try {
          results.push(timeFrom(lines[j], reply));
        } catch (error) {
          results.push(error);
        }
      });
    }
    return results;
  }
  /**
   * MFMT. With `epsvAhead` (an upload's time, set after its end), an EPSV
   * sent ahead is kept for the next transfer, or one goes with it (see
   * `pipeline`): the time costs no round trip of the next upload's.
   */
  async mfmt(path, date, epsvAhead = false) {
    if (!this.features.has("MFMT")) {
      throw new FtpUnsupportedError("The server does not offer MFMT (not in its FEAT reply), so modification times cannot be set");
    }
    const line = formatCommand("MFMT", `${formatTimeVal(date)} ${path}`);
    const [reply] = await this.pipeline([
      line
    ], epsvAhead);
    this.#check(line, reply, (r) => r.code === 213 || r.code === 253);
  }
  async site(argument) {
    return await this.voidCommand(formatCommand("SITE", argument));
  }
  async noop() {
    await this.voidCommand("NOOP");
  }
  /**
   * MLST: one entry's facts over the control connection. With `epsvAhead`,
   * the next transfer's EPSV goes with it (see `pipeline`).
   */
  async mlst(path, epsvAhead = false) {
    const line = formatCommand("MLST", path);
    const [reply] = await this.pipeline([
      line
    ], epsvAhead);
    return this.#check(line, reply, isCompletion);
  }
  /**
   * QUIT. With `waitMs`, the goodbye is awaited only that long: leaving
   * does not depend on it (see FtpClient.close).
   */
  async quit(waitMs) {
    if (waitMs === void 0) return await this.voidCommand("QUIT");
    await this.#settleAhead().catch(() => {
    });
    this.control.assertInStep();
    await this.control.send("QUIT");
    const said = "the reply to QUIT";
    const timeout = () => new FtpTimeoutError("reply", waitMs, `waiting for ${said} (ferry leaves anyway)`);
    const reply = await this.readFinal("QUIT", performance.now() + waitMs, timeout);
    return this.#check("QUIT", reply, isCompletion);
  }
  async rest(offset) {
    await this.expect(formatCommand("REST", String(offset)), (c) => c === 350);
  }
  /**
   * ABOR, then PWD as a marker: every reply up to PWD's 257 belongs to the
   * abort, however many the server sends (426 then 226, or just 225).
   * Returns the first final reply, which ended the transfer command.
   *
   * The replies are awaited for the reply timeout, or, with `graceMs` (after
   * a timeout, when the server may well be gone), only that long: a server
   * that does not answer by then is taken as gone and the connection closed.
   */
  async abor(graceMs) {
    let epsvAhead = this.#epsvAhead;
    this.#epsvAhead = false;
    this.#epsvReady = void 0;
    await this.control.send("ABOR");
    await this.control.send("PWD");
    let transferReply;
    const waitingFor = "the replies to ABOR";
    const deadline = graceMs === void 0 ? this.control.deadline() : performance.now() + graceMs;
    const timeout = graceMs === void 0 ? void 0 : () => new FtpTimeoutError("reply", graceMs, `waiting for ${waitingFor} after a timeout (the abort grace); closing the connection`);
    while (true) {
      const reply = await this.control.read(waitingFor, deadline, timeout);
      if (reply.code === 257) return transferReply;
      if (epsvAhead && reply.code === 229) epsvAhead = false;
      else if (!isPreliminary(reply)) transferReply ??= reply;
    }
  }
  /** EPSV: the port, or `undefined` when the server does not support it. */
  async epsv() {
    return epsvPort(await this.sendCommand("EPSV"));
  }
  async pasv() {
    return parsePasvReply((await this.expect("PASV", (c) => c === 227)).text);
  }
  /** EPRT: `false` when the server does not support it. */
  async eprt(address) {
    const line = formatCommand("EPRT", formatEprtArgument(address));
    const reply = await this.sendCommand(line);
    if (isCompletion(reply)) return true;
    if (isUnsupported(reply)) return false;
    throw replyError(reply, line);
  }
  async port(address) {
    await this.voidCommand(formatCommand("PORT", formatPortArgument(address)));
  }
  /**
   * AUTH TLS, then the TLS handshake on the control connection. A refusal
   * fails the connection: ferry never carries on in plain text when TLS
   * was asked for.
   */
  async authTls() {
    const reply = await this.sendCommand("AUTH TLS");
    if (reply.code !== 234) {
      throw this.control.close(new FtpTlsError("auth-refused", `The server refused AUTH TLS (${reply.code} ${reply.text}); ferry does not continue in plain text. Check that the server offers FTPS, or use implicit TLS (ftps://) if it expects TLS from the first byte`, {
        cause: replyError(reply, "AUTH TLS")
      }));
    }
    await this.control.secure(this.settings.transport);
  }
  /**
   * CCC (RFC 4217 section 6): after its 200, TLS comes off the control
   * connection, which goes on in plain text; data connections keep their
   * PROT level. A refusal (4xx/5xx) leaves the connection as it was.
   */
  async ccc() {
    await this.voidCommand("CCC");
    await this.control.clear(this.settings.transport);
  }
  retr(path, options) {
    return this.openTransfer(formatCommand("RETR", path), options);
  }
  stor(path, options) {
    return this.openTransfer(formatCommand("STOR", path), options);
  }
  appe(path, options) {
    return this.openTransfer(formatCommand("APPE", path), options);
  }
  // Listings stay in TYPE I: the line splitter takes CRLF or LF, and not
  // switching types saves a round trip per listing.
  mlsd(path, signal) {
    return this.openTransfer(formatCommand("MLSD", path || void 0), {
      type: "binary",
      signal
    });
  }
  /**
   * LIST; with `all`, `LIST -a` (dot-files too, where the server hides
   * them). A path always follows `-a` (`.` for the current directory: some
   * servers list a file called "-a" for a bare `LIST -a`), and a relative
   * path that starts with `-` is sent as `./-x`, so that no server reads a
   * name as options or options as a name.
   */
  list(path, signal, all = false) {
    const target = path?.startsWith("-") ? `./${path}` : path || void 0;
    const argument = all ? `-a ${target ?? "."}` : target;
    return this.openTransfer(formatCommand("LIST", argument), {
      type: "binary",
      signal
    });
  }
  nlst(path, signal) {
    return this.openTransfer(formatCommand("NLST", path || void 0), {
      type: "binary",
      signal
    });
  }
  /** Whether the server's FEAT offered MLST (and so MLSD). */
  get hasMlst() {
    return this.features.has("MLST");
  }
};
function isDirectoryAnswer(line, reply) {
  if (isCompletion(reply)) return true;
  if (reply.code >= 500) return false;
  throw replyError(reply, redactCommand(line));
}
function sessionClosed(reply) {
  const said = JSON.stringify(`${reply.code} ${reply.text}`.slice(0, 200));
  return new FtpConnectionError("closed", `The server closed the session: ${said}`);
}
function pathIn(reply) {
  return reply.code === 257 ? parsePathReply(reply.text) : void 0;
}
function pathFrom(reply) {
  if (reply.code !== 257) throw replyError(reply, "PWD");
  const path = parsePathReply(reply.text);
  if (path === void 0) {
    throw new FtpProtocolError(`The PWD reply ${JSON.stringify(reply.text)} holds no quoted path`);
  }
  return path;
}
function sizeFrom(line, reply) {
  if (reply.code !== 213) throw replyError(reply, redactCommand(line));
  const size = Number(reply.text.trim());
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new FtpProtocolError(`The SIZE reply ${JSON.stringify(reply.text)} is not a byte count`);
  }
  return size;
}
function sizeAndTimeLines(path) {
  return [
    formatCommand("SIZE", path),
    formatCommand("MDTM", path)
  ];
}
function sizeAndTimeFrom(lines, [sizeReply, timeReply]) {
  const size = sizeFrom(lines[0], sizeReply);
  try {
    return {
      size,
      modified: timeFrom(lines[1], timeReply)
    };
  } catch {
    return {
      size
    };
  }
}
function timeFrom(line, reply) {
  if (reply.code !== 213) throw replyError(reply, redactCommand(line));
  const date = parseTimeVal(reply.text);
  if (!date) {
    throw new FtpProtocolError(`The MDTM reply ${JSON.stringify(reply.text)} is not a time value`);
  }
  return date;
}
function epsvPort(reply) {
  if (reply.code === 229) return parseEpsvReply(reply.text);
  if (isUnsupported(reply)) return void 0;
  throw replyError(reply, "EPSV");
}
function isUnsupported(reply) {
  return [
    500,
    501,
    502,
    504,
    522
  ].includes(reply.code);
}

export {
  rateLimiterOf,
  probeDataTls,
  EARLY_DATA_MAX_BYTES,
  Session,
  isDirectoryAnswer,
  sizeAndTimeLines,
  sizeAndTimeFrom
};
