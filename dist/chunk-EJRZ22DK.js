import {
  redactCommand
} from "./chunk-67NZJHGR.js";
import {
  startTimer
} from "./chunk-WYTJSAQ3.js";
import {
  FtpAbortError,
  FtpConnectionError,
  FtpError,
  FtpProtocolError,
  FtpTimeoutError,
  replyError
} from "./chunk-UN72SBEK.js";

// src/protocol/reply.ts
function isPreliminary(reply) {
  return reply.code >= 100 && reply.code < 200;
}
function isCompletion(reply) {
  return reply.code >= 200 && reply.code < 300;
}
var LF = 10;
var CR = 13;
var CODE_LINE = /^([1-5]\d\d)([ -])/;
var ReplyParser = class {
  #maxLine;
  #maxReply;
  #decoder;
  #partial = new Uint8Array(256);
  #partialLength = 0;
  #lines = [];
  #code = 0;
  #replyBytes = 0;
  /**
   * Creates a parser.
   *
   * @param options Size limits and decoder.
   */
  constructor(options = {}) {
    this.#maxLine = options.maxLineBytes ?? 65536;
    this.#maxReply = options.maxReplyBytes ?? 1048576;
    this.#decoder = options.decoder ?? new TextDecoder("utf-8");
  }
  /** Whether bytes of an unfinished reply are held. */
  get hasPartial() {
    return this.#partialLength > 0 || this.#lines.length > 0;
  }
  /**
   * Feeds bytes and returns the replies they completed, in order.
   *
   * @param chunk Bytes read from the control connection.
   * @returns The completed replies, often none or one.
   * @throws {FtpProtocolError} On a malformed or oversized reply.
   */
  push(chunk) {
    const replies = [];
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      this.#append(chunk, start, end);
      if (lf === -1) break;
      const reply = this.#line(this.#takeLine());
      if (reply) replies.push(reply);
      start = lf + 1;
    }
    return replies;
  }
  #append(chunk, start, end) {
    const length = end - start;
    if (length === 0) return;
    const needed = this.#partialLength + length;
    if (needed > this.#maxLine + 1) {
      throw new FtpProtocolError(`Server sent a reply line longer than ${this.#maxLine} bytes; closing the connection`);
    }
    if (needed > this.#partial.length) {
      const grown = new Uint8Array(Math.min(Math.max(needed, this.#partial.length * 2), this.#maxLine + 1));
      grown.set(this.#partial.subarray(0, this.#partialLength));
      this.#partial = grown;
    }
    this.#partial.set(chunk.subarray(start, end), this.#partialLength);
    this.#partialLength = needed;
  }
  #takeLine() {
    let length = this.#partialLength;
    if (length > 0 && this.#partial[length - 1] === CR) length--;
    if (length > this.#maxLine) {
      throw new FtpProtocolError(`Server sent a reply line longer than ${this.#maxLine} bytes; closing the connection`);
    }
    this.#replyBytes += this.#partialLength + 1;
    const line = this.#decoder.decode(this.#partial.subarray(0, length));
    this.#partialLength = 0;
    return line;
  }
  #line(line) {
    if (this.#replyBytes > this.#maxReply) {
      throw new FtpProtocolError(`Server sent a reply over ${this.#maxReply} bytes without ending it; closing the connection`);
    }
    if (this.#lines.length === 0) {
      if (line === "") return void 0;
      const match = CODE_LINE.exec(line);
      if (!match) {
        throw new FtpProtocolError(`Server sent a malformed reply line ${JSON.stringify(line.slice(0, 80))}: expected a code from 100 to 599 followed by a space or hyphen`);
      }
      this.#code = Number(match[1]);
      this.#lines.push(line);
      if (match[2] === "-") return void 0;
      return this.#finish();
    }
    this.#lines.push(line);
    const code = String(this.#code);
    if (line.startsWith(code) && line[3] === " ") {
      return this.#finish();
    }
    return void 0;
  }
  #finish() {
    const lines = this.#lines;
    this.#lines = [];
    this.#replyBytes = 0;
    const texts = lines.map((line, index) => index === 0 || index === lines.length - 1 ? line.slice(4) : line);
    return {
      code: this.#code,
      text: texts.join("\n"),
      lines
    };
  }
};

// src/client/_grace.ts
var GRACE_MS = 1e3;
var MIN_GRACE_MS = 250;
function graceMs(replyTimeout) {
  const tenth = Math.round(replyTimeout / 10);
  return Math.min(GRACE_MS, replyTimeout, Math.max(MIN_GRACE_MS, tenth));
}

// src/client/_pipelining.ts
var sequentialServers = /* @__PURE__ */ new Set();
function mayPipeline(server) {
  return !sequentialServers.has(server);
}
function stopPipelining(server) {
  sequentialServers.add(server);
}
var UPLOAD_AHEAD_GREETINGS = /\bvsFTPd\b|^ferry test server\b/i;
var uploadAheadRefused = /* @__PURE__ */ new Set();
function mayEpsvAheadOfUpload(server, greeting) {
  return greeting !== void 0 && UPLOAD_AHEAD_GREETINGS.test(greeting.trimStart()) && !uploadAheadRefused.has(server);
}
function stopEpsvAheadOfUploads(server) {
  uploadAheadRefused.add(server);
}
var failures = /* @__PURE__ */ new WeakSet();
function markPipeliningFailure(error) {
  failures.add(error);
  return error;
}
function isPipeliningFailure(error) {
  return typeof error === "object" && error !== null && failures.has(error);
}
var POSITIVE = {
  USER: [
    230,
    331,
    332
  ],
  PASS: [
    230,
    202,
    332
  ],
  ACCT: [
    230,
    202
  ],
  FEAT: [
    211
  ],
  TYPE: [
    200
  ],
  SIZE: [
    213
  ],
  MDTM: [
    213
  ],
  EPSV: [
    229
  ],
  PASV: [
    227
  ],
  PWD: [
    257
  ],
  RNFR: [
    350
  ],
  REST: [
    350
  ]
};
function answers(line, reply) {
  if (reply.code >= 400) return true;
  const verb = line.split(" ", 1)[0].toUpperCase();
  const positive = POSITIVE[verb];
  return positive ? positive.includes(reply.code) : reply.code >= 200 && reply.code < 400;
}
function outOfStep(line, reply) {
  const said = JSON.stringify(`${reply.code} ${reply.text}`.slice(0, 200));
  return markPipeliningFailure(new FtpProtocolError(`The server answered "${redactCommand(line)}" with ${said}, which is no answer to it: its replies are out of step with the commands (it answered one sent together with it too early, or skipped a reply). ferry closed the connection and sends one command at a time to this server from now on; run the operation again (or set pipelining: false)`));
}
var DROPPED_HINT = " (it was sent together with other commands, which this server may drop: ferry sends one command at a time to it from now on; run the operation again)";

// src/client/_transfer.ts
var TRANSFER_CHUNK_BYTES = 1024 * 1024;
function transferBufferBytes(size) {
  if (size === void 0 || size >= TRANSFER_CHUNK_BYTES) return TRANSFER_CHUNK_BYTES;
  return Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(size + 1)));
}
var SPARE_BUFFER_BYTES = 64 * 1024;
var NEVER = new AbortController().signal;
function abortGrace(session, error) {
  if (!(error instanceof FtpTimeoutError)) return void 0;
  return graceMs(session.control.replyTimeout);
}
var SENDS = /^(STOR|APPE|STOU)\b/i;
var Transfer = class {
  data;
  /** The size the 150 reply announced, if any. */
  announcedSize;
  /** The preliminary (1xx) reply that started the transfer, when kept. */
  opening;
  /** The call's signal: aborting it closes the data connection at once. */
  signal;
  /** The 2xx reply that completed the transfer. */
  finalReply;
  #session;
  #command;
  #pendingFinal;
  #stopping;
  /**
   * The read of the 1xx of an upload whose data went before it (see
   * `earlyData` in _open_transfer.ts): it rejects with the server's refusal.
   */
  #earlyOpening;
  #onAbort;
  /** How the transfer ends: completion or abort, whichever began first. */
  #ending;
  #completing = false;
  /** ABOR sent while a completion waited for its reply; awaited before it ends. */
  #abortDrain;
  /**
   * @param pendingFinal A read of the final reply already under way (active
   * mode starts it while waiting for the server to connect).
   * @param opening The 1xx reply that started the transfer.
   * @param stopping Set by `stopReading`, so that the early read of the
   * final reply takes whatever reply comes next.
   */
  constructor(session, data, command, announcedSize, signal = NEVER, pendingFinal, opening, stopping, early) {
    this.#session = session;
    this.data = data;
    this.#command = command;
    this.announcedSize = announcedSize;
    this.signal = signal;
    this.#pendingFinal = pendingFinal;
    this.opening = opening;
    this.#stopping = stopping;
    this.#earlyOpening = early?.opening;
    this.#earlyOpening?.catch((error) => this.data.close(error));
    this.#onAbort = () => this.interrupt(abortReason(signal));
    signal.addEventListener("abort", this.#onAbort, {
      once: true
    });
  }
  /**
   * Stops the transfer where it stands, from outside the path running it:
   * closes the data connection (a read or write in progress fails at once)
   * and, if a completion is waiting for its final reply, sends ABOR.
   */
  interrupt(reason) {
    this.data.close(reason);
    if (this.#completing) this.#abortDrain ??= this.#session.abor().catch(() => void 0);
  }
  /** Whether the transfer has been completed or aborted (or is being). */
  get ended() {
    return this.#ending !== void 0;
  }
  #end() {
    this.signal.removeEventListener("abort", this.#onAbort);
  }
  /**
   * Ends a transfer whose data went through: closes the data connection (the
   * end of file for an upload) and reads the final reply, which must be 2xx.
   * Called again, or after the transfer ended otherwise, it waits for that
   * end and reports the same outcome.
   */
  async complete() {
    this.#ending ??= (async () => {
      this.#completing = true;
      try {
        return await this.#completion();
      } catch (error) {
        throw this.signal.aborted ? abortReason(this.signal) : error;
      } finally {
        this.#end();
        await this.#abortDrain;
      }
    })();
    await this.#ending;
    if (!this.finalReply) throw new FtpAbortError("The transfer was aborted before it completed");
    return this.finalReply;
  }
  async #completion() {
    let reply;
    let aheadSent = false;
    if (SENDS.test(this.#command)) {
      await this.data.endUpload();
      aheadSent = await this.#sendEpsvAhead(true);
      if (this.#earlyOpening) {
        try {
          await this.#earlyOpening;
        } catch (error) {
          this.data.close();
          throw error;
        }
      }
      const final = this.#readFinal();
      final.catch(() => {
      });
      await Promise.race([
        this.data.drain(),
        final.then(() => {
        }, () => {
        })
      ]);
      this.data.close();
      reply = await final;
      if (aheadSent) reply = await this.#uploadReply(reply);
    } else {
      this.data.close();
      aheadSent = await this.#sendEpsvAhead(false);
      reply = await this.#readFinal();
      if (aheadSent && reply.code === 229) {
        this.#session.stopPipelining();
        throw this.#session.control.close(outOfStep(this.#command, reply));
      }
    }
    if (!isCompletion(reply)) throw replyError(reply, redactCommand(this.#command));
    this.finalReply = reply;
    return reply;
  }
  /**
   * The upload's own final reply, when the next EPSV went ahead of it.
   * `first`, the reply read, is it when it is a completion other than 229:
   * the EPSV's 229 then follows, in turn, for the next transfer. A 229 or a
   * refusal may be the EPSV's answer out of turn (a server that read it
   * while the upload's data still arrived), so the next reply, which comes
   * in every case, tells them apart: after an out-of-turn 229, the upload's
   * reply; after a refusal, a 229 (the refusal was the upload's, in turn) or
   * the upload's reply (a completion: the refusal was the EPSV's). Of two
   * refusals, one is an "unknown command" (500, 502: the EPSV dropped) when
   * the other is not; otherwise the second is the upload's, since a server
   * that answers out of turn answers before the upload ends. Any answer out
   * of turn ends EPSV ahead of uploads to this server, for the process; the
   * upload is reported by its own reply either way. A session that ends
   * after a refusal leaves that refusal as the upload's reply: a failure is
   * never turned into a success.
   */
  async #uploadReply(first) {
    const session = this.#session;
    if (first.code !== 229 && isCompletion(first)) return first;
    if (first.code === 229) {
      session.epsvAheadAnswered(void 0);
      if (this.#abortDrain) throw outOfStep(this.#command, first);
      return await this.#readFinal();
    }
    if (first.code === 421 || this.#abortDrain) return first;
    let second;
    try {
      second = await this.#readFinal();
    } catch {
      return first;
    }
    if (second.code === 229) {
      if (!this.#abortDrain) session.epsvAheadAnswered(second);
      return first;
    }
    session.epsvAheadAnswered(void 0);
    if (isCompletion(second)) return second;
    return isUnknownCommand(second) && !isUnknownCommand(first) ? first : second;
  }
  /**
   * Sends the next transfer's EPSV with this one's end (see
   * `Session.sendEpsvAhead` and `Session.sendEpsvAheadOfUpload`), unless an
   * early read of the final reply is under way (active mode). Returns
   * whether it was sent.
   */
  async #sendEpsvAhead(upload) {
    if (this.#pendingFinal) return false;
    try {
      return upload ? await this.#session.sendEpsvAheadOfUpload() : await this.#session.sendEpsvAhead();
    } catch {
      return false;
    }
  }
  async #readFinal() {
    if (!this.#pendingFinal) return await this.#session.readFinal(this.#command);
    const control = this.#session.control;
    const timer = startTimer(control.replyTimeout, () => control.close(control.timeoutError(`the reply to "${redactCommand(this.#command)}"`)));
    try {
      return await this.#pendingFinal;
    } finally {
      timer.clear();
    }
  }
  /**
   * Stops the transfer with ABOR and drains the replies it causes, so the
   * next command reads its own reply. Returns the reply that ended the
   * transfer command, if one came. However many paths ask at once (the
   * call's signal, a failed write, a reader's cancel), ABOR goes out once
   * and all of them wait for the same drain; after a completion, there is
   * nothing left to abort.
   */
  async abort(reason) {
    this.#ending ??= (async () => {
      this.#end();
      this.data.close(reason);
      return await abortCommand(this.#session, abortGrace(this.#session, reason), this.#pendingFinal);
    })();
    return await this.#ending;
  }
  /**
   * Ends a download whose reader has every byte it wants (a segment's
   * range): closes the data connection and reads the transfer command's
   * final reply, whichever it is: 226 when the server had sent it all
   * already, else the 426 (or 451) of a server that found the connection
   * closed. One reply, whatever its code: Pure-FTPd (throttled) reports
   * the cut with its timing under the code 150, and then nothing more. No
   * ABOR: Pure-FTPd answers one during a transfer and drops the command
   * sent behind it, the PWD that marks the end of its replies. Returns that
   * reply; a connection that fails meanwhile fails the call.
   */
  async stopReading() {
    this.#ending ??= (async () => {
      this.#end();
      this.data.close();
      if (this.#stopping) this.#stopping.early = true;
      if (this.#pendingFinal) return await this.#readFinal();
      const control = this.#session.control;
      return await control.read(`the reply to "${redactCommand(this.#command)}"`, control.deadline());
    })();
    return await this.#ending;
  }
  /**
   * Ends the transfer after `error` (ABOR, unless it already ended) and
   * returns the error the caller should see: the abort reason when the call
   * was aborted; the server's reply (426, 451, 552...) when the server
   * dropped the data connection, since it says why better than "connection
   * reset" does; otherwise `error` itself. It returns only once the control
   * connection is in step again.
   */
  async failure(error) {
    if (this.#earlyOpening && this.#ending === void 0) {
      const refusal = await this.#earlyOpening.then(() => void 0, (e) => e);
      if (refusal !== void 0) {
        this.#ending = Promise.resolve(void 0);
        this.#end();
        this.data.close();
        return this.signal.aborted ? abortReason(this.signal) : refusal;
      }
    }
    const alreadyEnding = this.#ending !== void 0;
    let reply;
    try {
      reply = await this.abort(error instanceof FtpError ? error : void 0);
    } catch {
      return this.signal.aborted ? abortReason(this.signal) : error;
    }
    if (this.signal.aborted) return abortReason(this.signal);
    if (alreadyEnding) return error;
    if (error instanceof FtpConnectionError && reply && reply.code >= 400) {
      return replyError(reply, redactCommand(this.#command), {
        cause: error
      });
    }
    return error;
  }
  /**
   * The most bytes worth writing at once on this data connection (an
   * upload's pieces, and its file's reads): 1 MiB, or less where the stream
   * takes less at once. On Node's TLS path (256 KiB per message between
   * threads) each 1 MiB piece was copied into a 1 MiB buffer, a window of
   * them held in both threads (docs/performance.md, "Memory over FTPS").
   * Downloads keep 1 MiB read buffers: 256 KiB ones measured no lower.
   */
  get chunkBytes() {
    return Math.min(TRANSFER_CHUNK_BYTES, this.data.stream.chunkBytes ?? TRANSFER_CHUNK_BYTES);
  }
  /**
   * Reads the data connection until its end, yielding the bytes as they
   * come, then completes the transfer. Two buffers of `bufferBytes` take
   * turns: while the caller handles one (writes it to a file, say), the
   * next read fills the other. So the caller must be done with each view
   * before asking for the next. A caller that stops early (break, or a
   * throw such as a failed local write) gets the transfer aborted, so the
   * session stays usable.
   */
  async *receive(bufferBytes) {
    const reuse = bufferBytes <= SPARE_BUFFER_BYTES;
    const spare = reuse ? this.#session.spareBuffers : void 0;
    this.#session.spareBuffers = void 0;
    const [first, second] = spare ?? (reuse ? [
      new Uint8Array(SPARE_BUFFER_BYTES),
      new Uint8Array(SPARE_BUFFER_BYTES)
    ] : [
      new Uint8Array(bufferBytes),
      new Uint8Array(bufferBytes)
    ]);
    const buffers = [
      first.subarray(0, bufferBytes),
      second.subarray(0, bufferBytes)
    ];
    let completed = false;
    let current = 0;
    const readInto = (buffer) => {
      const reading = this.data.readMany(buffer);
      reading.catch(() => {
      });
      return reading;
    };
    let pending = readInto(buffers[current]);
    try {
      while (true) {
        let n;
        try {
          n = await pending;
        } catch (error) {
          throw await this.failure(error);
        }
        if (n === null) break;
        const filled = buffers[current].subarray(0, n);
        current ^= 1;
        pending = readInto(buffers[current]);
        yield filled;
      }
      await this.complete();
      completed = true;
    } finally {
      if (!this.ended) await this.abort().catch(() => {
      });
    }
    if (completed && reuse) this.#session.spareBuffers = [
      first,
      second
    ];
  }
};
async function abortCommand(session, grace, pendingFinal) {
  if (!pendingFinal) return await session.abor(grace);
  const control = session.control;
  const limit = grace ?? control.replyTimeout;
  const timer = startTimer(limit, () => {
    control.close(new FtpTimeoutError("reply", limit, "waiting for the replies to ABOR; closing the connection"));
  });
  try {
    const aborting = session.abor(grace);
    aborting.catch(() => {
    });
    const early = await pendingFinal.catch(() => void 0);
    const late = await aborting;
    return early ?? late;
  } finally {
    timer.clear();
  }
}
function isUnknownCommand(reply) {
  return reply.code === 500 || reply.code === 502;
}
function abortReason(signal) {
  return signal.reason instanceof FtpAbortError ? signal.reason : new FtpAbortError("The transfer was aborted", {
    cause: signal.reason
  });
}

export {
  isPreliminary,
  isCompletion,
  ReplyParser,
  mayPipeline,
  stopPipelining,
  mayEpsvAheadOfUpload,
  stopEpsvAheadOfUploads,
  markPipeliningFailure,
  isPipeliningFailure,
  answers,
  outOfStep,
  DROPPED_HINT,
  graceMs,
  TRANSFER_CHUNK_BYTES,
  transferBufferBytes,
  abortGrace,
  Transfer,
  abortCommand,
  abortReason
};
