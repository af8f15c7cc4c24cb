import {
  isDirectory,
  statEntry
} from "./chunk-NWFYDGVE.js";
import {
  discardSegmented
} from "./chunk-BFTUMHFL.js";
import {
  checkDownloadOptions,
  checkMaxBytes,
  checkTransferOptions,
  isUploadSource,
  isWritableStream,
  offsetOf,
  transferType,
  urlOptions
} from "./chunk-MH6OJTMF.js";
import {
  localFile,
  localPath
} from "./chunk-3CMHRS5E.js";
import {
  crlfToLf
} from "./chunk-YAX2L4F7.js";
import {
  partialPath
} from "./chunk-FS6M5UPR.js";
import {
  secretMatcher
} from "./chunk-IGADUVIL.js";
import {
  NativeTransport
} from "./chunk-EWLIKXQH.js";
import {
  Session,
  probeDataTls,
  rateLimiterOf
} from "./chunk-VANQ5W6K.js";
import {
  writeAll,
  writeAllSync
} from "./chunk-IOE4GXSG.js";
import {
  connectionError
} from "./chunk-JTZGJBJ2.js";
import {
  closeQuietly
} from "./chunk-OKDFGV22.js";
import {
  hostPort,
  isIpAddress
} from "./chunk-RK3YRUIX.js";
import {
  ReplyParser,
  graceMs,
  isCompletion,
  isPipeliningFailure,
  isPreliminary,
  transferBufferBytes
} from "./chunk-EJRZ22DK.js";
import {
  assertSafeArgument,
  redactCommand
} from "./chunk-67NZJHGR.js";
import {
  startTimer
} from "./chunk-WYTJSAQ3.js";
import {
  FtpAbortError,
  FtpConnectionError,
  FtpInputError,
  FtpProtocolError,
  FtpReplyError,
  FtpSizeMismatchError,
  FtpTimeoutError,
  FtpTlsError,
  replyError
} from "./chunk-UN72SBEK.js";

// src/protocol/text_codec.ts
var codecs = /* @__PURE__ */ new Map();
function textCodec(label = "utf-8") {
  let decoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    throw new FtpInputError(`Unknown text encoding ${JSON.stringify(label)}; use a label such as "utf-8", "latin1", "windows-1252", "gbk" or "shift_jis"`);
  }
  const name = decoder.encoding;
  let codec = codecs.get(name);
  if (!codec) {
    codec = name === "utf-8" ? utf8Codec(decoder) : legacyCodec(decoder);
    codecs.set(name, codec);
  }
  return codec;
}
function utf8Codec(decoder) {
  const encoder = new TextEncoder();
  return {
    encoding: "utf-8",
    encode: (text) => encoder.encode(text),
    decode: (bytes) => decoder.decode(bytes)
  };
}
function legacyCodec(decoder) {
  if (decoder.encoding.startsWith("utf-16")) {
    throw new FtpInputError(`${decoder.encoding} cannot carry FTP commands, which are ASCII lines; use a byte-oriented encoding`);
  }
  const table = encodeTable(decoder);
  return {
    encoding: decoder.encoding,
    encode(text) {
      const out = [];
      for (const char of text) {
        const bytes = table.get(char);
        if (bytes === void 0) {
          throw new FtpInputError(`${JSON.stringify(char)} cannot be written in ${decoder.encoding}, the encoding set for this server`);
        }
        out.push(...bytes);
      }
      return Uint8Array.from(out);
    },
    decode: (bytes) => decoder.decode(bytes)
  };
}
function encodeTable(decoder) {
  const table = /* @__PURE__ */ new Map();
  const add = (bytes) => {
    const char = decoder.decode(Uint8Array.from(bytes));
    if (char.length === 0 || char.includes("\uFFFD") || [
      ...char
    ].length !== 1) return false;
    if (!table.has(char)) table.set(char, bytes);
    return true;
  };
  for (let lead = 0; lead < 256; lead++) {
    if (add([
      lead
    ])) continue;
    for (let trail = 64; trail < 256; trail++) add([
      lead,
      trail
    ]);
  }
  return table;
}

// src/transport/control_connection.ts
var LOGIN_COMMAND = /^(USER|PASS|ACCT)\b/i;
var MAX_QUEUED_REPLIES = 64;
var READ_BUFFER_BYTES = 64 * 1024;
var MAX_WRITE_BYTES = 2048;
function writesOf(lines) {
  const writes = [];
  let parts = [];
  let size = 0;
  const flush = () => {
    if (parts.length === 0) return;
    const joined = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    writes.push(joined);
    parts = [];
    size = 0;
  };
  for (const line of lines) {
    if (size + line.length > MAX_WRITE_BYTES) flush();
    parts.push(line);
    size += line.length;
  }
  flush();
  return writes;
}
var ControlConnection = class _ControlConnection {
  #conn;
  #parser;
  #buffer = new Uint8Array(READ_BUFFER_BYTES);
  #queued = [];
  #debug;
  #codec;
  #replyTimeout;
  #readChain = Promise.resolve();
  #failure;
  #cleared = false;
  /** Texts (passwords) replaced by `***` where a reply quotes them. */
  #secrets = /* @__PURE__ */ new Set();
  /**
   * The commands sent whose final reply has not arrived yet, oldest first
   * (the greeting counts as one): whether each is USER, PASS or ACCT, whose
   * replies are redacted more strictly. Several are outstanding when
   * commands were sent together (pipelined).
   */
  #outstanding = [
    false
  ];
  /** Final replies that arrived when no command was outstanding. */
  #unasked = /* @__PURE__ */ new WeakSet();
  /** The reply timer (see `#armTimer`), and when it fires. */
  #timer;
  #timerAt = Infinity;
  /** The deadline of the read waiting now, and how to fail it. */
  #waitUntil = Infinity;
  #expire;
  /** The secrets' matchers (during login, after it), made once per change. */
  #matchers;
  /** Called with every complete reply, in order. */
  onReply;
  /**
   * Tells a final reply that answers no command and is to be dropped where
   * it arrives: the session expects it (see Session, a passive listener
   * ferry opened ahead that the server times out). It is traced, not read.
   */
  dismiss;
  constructor(conn, options) {
    this.#conn = conn;
    this.#replyTimeout = options.replyTimeout;
    this.#debug = options.debug;
    this.#codec = textCodec(options.encoding);
    this.#parser = new ReplyParser({
      maxLineBytes: options.maxReplyLineBytes,
      maxReplyBytes: options.maxReplyBytes,
      decoder: new TextDecoder(this.#codec.encoding)
    });
  }
  /**
   * Opens the connection (TCP, or TLS from the first byte for implicit
   * FTPS). The greeting is not read here.
   *
   * @param transport Makes the connection.
   * @param options Where to connect and the limits to apply.
   * @param implicitTls Whether TLS starts at once.
   * @returns The open connection.
   */
  static async open(transport, options, implicitTls = false) {
    const conn = await transport.openControl({
      host: options.host,
      port: options.port,
      timeoutMs: options.connectTimeout,
      signal: options.signal,
      purpose: "control connection"
    }, implicitTls);
    return new _ControlConnection(conn, options);
  }
  /**
   * Upgrades the connection to TLS after AUTH TLS's 234. Only an idle
   * connection can be upgraded: reads happen only while a reply is awaited,
   * so after the 234 nothing is pending.
   *
   * @param transport Makes the TLS connection.
   */
  async secure(transport) {
    this.#throwIfClosed();
    if (this.#parser.hasPartial || this.#queued.length > 0) {
      throw this.close(new FtpProtocolError("The server sent more after accepting AUTH TLS; closing the connection"));
    }
    await this.#readChain;
    try {
      this.#conn = await transport.secureControl(this.#conn);
    } catch (error) {
      throw this.close(error);
    }
  }
  /**
   * Takes TLS off the connection after CCC's 200 (RFC 4217 section 6):
   * close_notify both ways, then plain text on the same TCP connection.
   * Like {@linkcode ControlConnection.secure}, only when idle. A failure
   * closes the connection: half-ended TLS cannot be carried on.
   *
   * @param transport Owns the TLS (Node's: Deno's cannot do this).
   */
  async clear(transport) {
    this.#throwIfClosed();
    if (this.#parser.hasPartial || this.#queued.length > 0) {
      throw this.close(new FtpProtocolError("The server sent more after accepting CCC; closing the connection"));
    }
    await this.#readChain;
    try {
      this.#conn = await transport.clearControl(this.#conn, this.#replyTimeout);
    } catch (error) {
      throw this.close(error instanceof Deno.errors.TimedOut ? new FtpTimeoutError("reply", this.#replyTimeout, "waiting for the server to end TLS after CCC") : connectionError(error, "control connection (ending TLS after CCC)"));
    }
    this.#cleared = true;
  }
  /** Whether CCC took TLS off the connection. */
  get cleared() {
    return this.#cleared;
  }
  /** The server's address. */
  get remoteAddr() {
    return this.#conn.remoteAddr;
  }
  /** This end's address, used to listen for active-mode data connections. */
  get localAddr() {
    return this.#conn.localAddr;
  }
  /** Whether the connection has been closed or has failed. */
  get closed() {
    return this.#failure !== void 0;
  }
  /** Milliseconds allowed for each reply. */
  get replyTimeout() {
    return this.#replyTimeout;
  }
  /**
   * Sends one command line (CRLF is added).
   *
   * @param line The command, already validated by `formatCommand`.
   */
  async send(line) {
    await this.sendMany([
      line
    ]);
  }
  /**
   * Sends command lines in one write (pipelining): their replies are read
   * afterwards, in order, with {@linkcode read}. Only commands that do not
   * depend on each other's replies may be sent together.
   *
   * @param lines The commands, each already validated by `formatCommand`.
   */
  async sendMany(lines) {
    this.#throwIfClosed();
    const writes = writesOf(lines.map((line) => this.#codec.encode(line + "\r\n")));
    for (const line of lines) {
      this.#outstanding.push(LOGIN_COMMAND.test(line));
      this.#debug?.({
        direction: "send",
        line: redactCommand(line)
      });
    }
    try {
      for (const bytes of writes) await writeAll(this.#conn, bytes);
    } catch (error) {
      throw this.close(connectionError(error, "control connection"));
    }
  }
  /**
   * Reads the next reply. Waits until `deadline` (a `performance.now()`
   * time; by default the reply timeout from when this read starts waiting).
   * The deadline covers the whole reply, however slowly its bytes trickle in.
   * On timeout, or on a malformed reply, the connection is closed and every
   * later call fails.
   *
   * @param waitingFor Names the awaited reply in a timeout error.
   * @param deadline When to give up; `Infinity` waits for ever.
   * @param timeout Makes the error for a deadline that passes, when the
   * reply timeout is not what set it (the greeting, an abort's grace).
   * @returns The next reply, preliminary (1xx) ones included.
   */
  read(waitingFor = "a reply", deadline, timeout = () => this.timeoutError(waitingFor)) {
    const until = deadline ?? this.deadline();
    const next = this.#readChain.then(() => this.#readOne(waitingFor, until, timeout));
    this.#readChain = next.catch(() => {
    });
    return next;
  }
  /** The deadline of a reply awaited from now on. */
  deadline() {
    return performance.now() + this.#replyTimeout;
  }
  async #readOne(waitingFor, deadline, timeout) {
    while (this.#queued.length === 0) {
      this.#throwIfClosed();
      const n = await this.#readBytes(deadline, timeout);
      if (n === null) {
        throw this.close(new FtpConnectionError("closed", `The server closed the control connection (${hostPort(this.remoteAddr.hostname, this.remoteAddr.port)}) while ferry was waiting for ${waitingFor}`));
      }
      let replies;
      try {
        replies = this.#parser.push(this.#buffer.subarray(0, n));
      } catch (error) {
        throw this.close(error);
      }
      for (const raw of replies) {
        const reply = this.#redact(raw, this.#outstanding[0] ?? false);
        if (!isPreliminary(reply) && this.dismiss?.(reply)) {
          for (const line of reply.lines) this.#debug?.({
            direction: "receive",
            line
          });
          continue;
        }
        if (!isPreliminary(reply)) {
          if (this.#outstanding.length === 0) this.#unasked.add(reply);
          else this.#outstanding.shift();
        }
        for (const line of reply.lines) this.#debug?.({
          direction: "receive",
          line
        });
        this.onReply?.(reply);
        this.#queued.push(reply);
      }
      if (this.#queued.filter((r) => this.#unasked.has(r)).length > MAX_QUEUED_REPLIES) {
        throw this.close(new FtpProtocolError(`The server sent more than ${MAX_QUEUED_REPLIES} replies nobody asked for; closing the connection`));
      }
    }
    return this.#queued.shift();
  }
  async #readBytes(deadline, timeoutError) {
    if (deadline === Infinity) {
      try {
        return await this.#conn.read(this.#buffer);
      } catch (error) {
        throw this.#failure ?? this.close(connectionError(error, "control connection"));
      }
    }
    const timeout = new Promise((_, reject) => {
      this.#expire = () => reject(this.close(timeoutError()));
    });
    this.#waitUntil = deadline;
    this.#armTimer(deadline);
    this.#timer.ref();
    try {
      return await Promise.race([
        this.#conn.read(this.#buffer),
        timeout
      ]);
    } catch (error) {
      throw this.#failure ?? this.close(connectionError(error, "control connection"));
    } finally {
      this.#expire = void 0;
      this.#waitUntil = Infinity;
      this.#timer?.unref();
    }
  }
  /**
   * One timer per connection for the reply deadlines, rather than one per
   * reply read (three or more per small file): it is armed for the earliest
   * deadline and, when it fires before the waiting read's deadline (the
   * reads it was armed for are over), armed again for that one.
   */
  #armTimer(deadline) {
    if (this.#timer !== void 0 && this.#timerAt <= deadline) return;
    this.#timer?.clear();
    this.#timerAt = deadline;
    this.#timer = startTimer(deadline - performance.now(), () => {
      this.#timer = void 0;
      this.#timerAt = Infinity;
      if (this.#expire === void 0) return;
      if (performance.now() >= this.#waitUntil) return this.#expire();
      this.#armTimer(this.#waitUntil);
    });
  }
  /**
   * Registers a secret (a password) to hide where a reply quotes it, as is
   * or percent-encoded: a server that echoes the command it refuses must not
   * get it into errors, events or the debug trace. A short secret (see
   * `MIN_SECRET_LENGTH`) is hidden only in replies to USER, PASS and ACCT,
   * where a server echoes it, and only where it stands alone, so that other
   * replies are not mangled ("should-not-e***ist" for a password "x").
   *
   * @param secret The text to hide; empty texts are ignored.
   */
  hide(secret) {
    if (secret.length > 0) this.#secrets.add(secret);
    this.#matchers = void 0;
  }
  #redact(reply, toLogin) {
    this.#matchers ??= {
      login: secretMatcher(this.#secrets, "alone"),
      other: secretMatcher(this.#secrets, "skip")
    };
    const matcher = toLogin ? this.#matchers.login : this.#matchers.other;
    if (!matcher) return reply;
    const clean = (text) => text.replace(matcher, "***");
    return {
      code: reply.code,
      text: clean(reply.text),
      lines: reply.lines.map(clean)
    };
  }
  /**
   * Refuses to go on when replies are waiting that no command asked for
   * (they arrived when every command sent had its final reply): read as the
   * next command's reply, they would put every later answer one step behind
   * (a stale "213 5" taken for a file's size). A 421 among them is the
   * server closing the connection. Replies waiting for commands sent
   * together (pipelined) are in step: their readers take them.
   */
  assertInStep() {
    const stray = this.#queued.find((reply) => this.#unasked.has(reply));
    if (!stray) return;
    const said = JSON.stringify(`${stray.code} ${stray.text}`.slice(0, 200));
    throw this.close(stray.code === 421 ? new FtpConnectionError("closed", `The server closed the session: ${said}`) : new FtpProtocolError(`The server sent a reply nobody asked for (${said}); closing the connection, whose replies can no longer be matched to commands`));
  }
  /**
   * The error for a reply that did not come in time.
   *
   * @param waitingFor What was awaited.
   * @returns The timeout error.
   */
  timeoutError(waitingFor) {
    return new FtpTimeoutError("reply", this.#replyTimeout, `waiting for ${waitingFor} from the server`);
  }
  /**
   * Closes the connection. Later and pending calls fail with `reason`.
   * Idempotent: the first reason wins.
   *
   * @param reason Why it was closed.
   * @returns The reason that stands (the first one given).
   */
  close(reason = new FtpConnectionError("not-connected", "The control connection is closed; connect again")) {
    if (this.#failure) return this.#failure;
    this.#failure = reason;
    this.#timer?.clear();
    this.#timer = void 0;
    closeQuietly(this.#conn);
    return reason;
  }
  #throwIfClosed() {
    if (this.#failure) throw this.#failure;
  }
};

// src/transport/open_transport.ts
async function openTransport(options) {
  const { tls, engine = "native", localAddress } = options;
  if (engine !== "node" || !tls) return new NativeTransport(tls, localAddress);
  const { IsolatedTlsTransport } = await import("./_isolated_transport-IXVIR6NL.js");
  const transport = new IsolatedTlsTransport(tls, localAddress);
  await transport.ready();
  return transport;
}

// src/client/_connect.ts
var TLS_VERSIONS = [
  "TLSv1.2",
  "TLSv1.3"
];
function versionBounds(tls) {
  for (const key of [
    "minVersion",
    "maxVersion"
  ]) {
    const value = tls[key];
    if (value !== void 0 && !TLS_VERSIONS.includes(value)) {
      throw new FtpInputError(`tls.${key} must be "TLSv1.2" or "TLSv1.3", got ${JSON.stringify(value)}` + (/^(TLSv1(\.[01])?|SSLv[23])$/.test(String(value)) ? " (ferry's TLS, rustls, speaks only TLS 1.2 and 1.3)" : ""));
    }
  }
  if (tls.minVersion === "TLSv1.3" && tls.maxVersion === "TLSv1.2") {
    throw new FtpInputError('tls.minVersion "TLSv1.3" is newer than tls.maxVersion "TLSv1.2": no version is left');
  }
  const bounds = {};
  if (tls.minVersion === "TLSv1.3") bounds.minVersion = "TLSv1.3";
  if (tls.maxVersion === "TLSv1.2") bounds.maxVersion = "TLSv1.2";
  return bounds.minVersion || bounds.maxVersion ? bounds : void 0;
}
function checkLocalAddress(address) {
  if (address === void 0) return void 0;
  if (typeof address !== "string" || !isIpAddress(address)) {
    throw new FtpInputError(`localAddress must be an IP address of this machine, such as "192.0.2.7" or "::1" (IPv6 without brackets), got ${JSON.stringify(address)}`);
  }
  return address;
}
function connectPlan(options, encoding) {
  const secure = options.secure ?? "none";
  if (![
    "none",
    "explicit",
    "implicit"
  ].includes(secure)) {
    throw new FtpInputError(`secure must be "none", "explicit" or "implicit", got ${JSON.stringify(secure)}`);
  }
  const host = options.proxy?.host ?? options.host ?? "127.0.0.1";
  const defaultPort = secure === "implicit" ? 990 : 21;
  const port = options.proxy ? options.proxy.port ?? 21 : options.port ?? defaultPort;
  const tlsOptions = options.tls ?? {};
  const reuseMode = tlsOptions.sessionReuse ?? "auto";
  if (![
    "auto",
    "always",
    "never"
  ].includes(reuseMode)) {
    throw new FtpInputError(`tls.sessionReuse must be "auto", "always" or "never", got ${reuseMode}`);
  }
  const protection = tlsOptions.dataProtection ?? "private";
  if (protection !== "private" && protection !== "clear") {
    throw new FtpInputError(`tls.dataProtection must be "private" or "clear", got ${protection}`);
  }
  const bounds = versionBounds(tlsOptions);
  const clearControl = tlsOptions.clearControl ?? false;
  if (typeof clearControl !== "boolean") {
    throw new FtpInputError(`tls.clearControl must be true or false, got ${clearControl}`);
  }
  if (clearControl && secure !== "explicit") {
    throw new FtpInputError(`tls.clearControl needs explicit FTPS (secure: "explicit", ftpes://), got secure: "${secure}": CCC (RFC 4217) clears a control connection that AUTH TLS secured`);
  }
  const localAddress = checkLocalAddress(options.localAddress);
  const tls = secure === "none" ? void 0 : {
    serverName: tlsOptions.serverName ?? options.host ?? host,
    caCerts: tlsOptions.caCerts ?? [],
    verify: tlsOptions.verify ?? true,
    clientCertificate: tlsOptions.clientCertificate,
    handshakeTimeoutMs: options.connectTimeout ?? 15e3,
    ...bounds ? {
      bounds
    } : {}
  };
  return {
    host,
    port,
    secure,
    tls,
    reuseMode,
    dataProtection: protection === "private" ? "P" : "C",
    localAddress,
    clearControl,
    options,
    encoding,
    rateLimit: rateLimiterOf(options.rateLimit, "rateLimit")
  };
}
function transportFor(plan, policy) {
  return openTransport({
    tls: policy?.tls ?? plan.tls,
    engine: policy?.engine,
    localAddress: plan.localAddress
  });
}
async function openSession(plan, policy, hooks) {
  const { options } = plan;
  const transport = await transportFor(plan, policy);
  const connectTimeout = options.connectTimeout ?? 15e3;
  const replyTimeout = options.replyTimeout ?? 3e4;
  const started = performance.now();
  const control = await ControlConnection.open(transport, {
    host: plan.host,
    port: plan.port,
    connectTimeout,
    replyTimeout,
    maxReplyLineBytes: options.maxReplyLineBytes,
    maxReplyBytes: options.maxReplyBytes,
    debug: options.debug,
    encoding: plan.encoding,
    signal: hooks.signal
  }, plan.secure === "implicit");
  control.onReply = hooks.onReply;
  const session = new Session(control, {
    trustPasvHost: options.trustPasvHost ?? false,
    pipelining: options.pipelining ?? true,
    connectTimeout,
    dataTimeout: options.dataTimeout ?? 3e4,
    encoding: plan.encoding,
    transport,
    dataTls: policy,
    rateLimit: plan.rateLimit
  }, hooks.transferMode);
  policy?.startSession();
  try {
    await session.readGreeting(...greetingDeadline(plan, started, connectTimeout, replyTimeout));
    if (plan.secure === "explicit") await session.authTls();
  } catch (error) {
    control.close();
    throw error;
  }
  return session;
}
function greetingDeadline(plan, started, connectTimeout, replyTimeout) {
  const byConnect = started + connectTimeout;
  const byReply = performance.now() + replyTimeout;
  const [deadline, limit, option] = byConnect <= byReply ? [
    byConnect,
    connectTimeout,
    "connectTimeout"
  ] : [
    byReply,
    replyTimeout,
    "replyTimeout"
  ];
  const where = hostPort(plan.host, plan.port);
  const timeout = () => new FtpTimeoutError("greeting", limit, `waiting for the server's greeting (220) on ${where}`, option);
  return [
    deadline,
    timeout
  ];
}
function assertClearable(session, plan) {
  assertExplicitTls(plan);
  if (session.control.cleared) {
    throw new FtpInputError("The control connection is already clear (CCC was accepted)");
  }
  if (session.settings.transport.kind !== "node") {
    throw new FtpInputError(`ccc() needs Node's TLS, which can end TLS and keep the TCP connection under it (Deno's own TLS, this session's, cannot): connect with tls.clearControl: true to have CCC sent after login, or with tls.sessionReuse: "always" to call ccc() yourself`);
  }
}
function assertExplicitTls(plan) {
  if (plan.secure !== "explicit") {
    throw new FtpInputError(`ccc() needs explicit FTPS (secure: "explicit", ftpes://), got secure: "${plan.secure}": CCC (RFC 4217) clears a control connection that AUTH TLS secured`);
  }
}
async function clearAfterLogin(session) {
  try {
    await session.ccc();
  } catch (error) {
    if (!(error instanceof FtpReplyError)) throw error;
    throw session.control.close(new FtpTlsError("ccc-refused", `The server refused CCC (${error.code} ${error.text}), which tls.clearControl asks for after login; the control connection stays encrypted with this server (vsftpd and Pure-FTPd have no CCC; ProFTPD refuses it under TLSRequired on), so leave tls.clearControl off for it`, {
      cause: error,
      connection: "control"
    }));
  }
}
async function loginSession(session, plan, credentials) {
  const { user, password, account } = credentials;
  await session.login(user, password, account, plan.tls ? plan.dataProtection : void 0);
  if (plan.clearControl) await clearAfterLogin(session);
  if (session.settings.dataTls?.mayReconnect && session.dataProtected) {
    session.knownDirectory = session.currentDirectory ?? await session.pwd();
  }
}

// src/client/_tls_refusals.ts
var named = /* @__PURE__ */ new WeakSet();
var TRANSFER_COMMANDS = /^(RETR|STOR|APPE|STOU|LIST|NLST|MLSD)\b/i;
var TLS_WORDS = /reuse|resum|TLS|SSL/i;
var SERVER_SETTINGS = 'vsftpd: require_ssl_reuse=NO; FileZilla Server: "Require TLS session resumption"; ProFTPD: TLSOptions NoSessionReuseRequired';
function isNamed(error) {
  return typeof error === "object" && error !== null && named.has(error);
}
function isTlsRefusal(error) {
  if (error instanceof FtpTlsError) return error.connection === "data";
  if (!(error instanceof FtpReplyError) || !TRANSFER_COMMANDS.test(error.command ?? "")) {
    return false;
  }
  if (error.code === 425 || error.code === 522) return true;
  return [
    426,
    450,
    451,
    534
  ].includes(error.code) && TLS_WORDS.test(error.text);
}
function mark(error) {
  named.add(error);
  return error;
}
function reuseRefusal(error, reuseMode) {
  const reply = error instanceof FtpReplyError ? ` (${error.code} ${error.text})` : "";
  const what = error instanceof FtpReplyError && /reuse|resum/i.test(error.text) ? "The server requires data connections to resume the control connection's TLS session" : "The server refused a protected data connection that did not resume the control connection's TLS session, as servers that require TLS session reuse do";
  const next = reuseMode === "never" ? `Set tls.sessionReuse to "auto" or "always", or turn off the server's requirement (${SERVER_SETTINGS})` : "ferry reconnects with Node's TLS, which resumes sessions, and retries";
  return mark(new FtpTlsError("session-reuse", `${what}${reply}. ${next}`, {
    cause: error,
    connection: "data"
  }));
}
function clientCertificateRefusal(cause) {
  return mark(new FtpTlsError("session-reuse", `The server requires data connections to resume the control connection's TLS session, and Deno 2.9 cannot resume a TLS session on a connection that presents a client certificate (node:tls gives each such connection a certificate resolver of its own, and rustls resumes only sessions made with the same one). Connect without tls.clientCertificate, or let the server accept fresh sessions (${SERVER_SETTINGS})`, {
    cause,
    connection: "data"
  }));
}
function handshakeFailure(error, stream) {
  const resumed = stream.sessionResumed;
  const what = error instanceof FtpReplyError ? `The server refused the data connection (${error.code} ${error.text}) after its TLS handshake` : `The TLS handshake on the data connection failed (${detail(error)})`;
  const state = resumed === true ? "it resumed a TLS session" : resumed === false ? "it did not resume the control connection's TLS session" : "it did not complete";
  return mark(new FtpTlsError("handshake", `${what}; ${state}. Servers that require TLS session reuse refuse data connections that do not resume the control connection's session; a new data connection, or a new login (a new session), usually succeeds`, {
    cause: error,
    connection: "data"
  }));
}
function detail(error) {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^The TLS handshake on the data connection failed: /, "");
}

// src/client/_tls_policy.ts
var servers = /* @__PURE__ */ new Map();
var DataTlsPolicy = class {
  #plan;
  #record;
  #announce;
  #engine;
  /** The last protected data connection opened for the transfer under way. */
  #stream;
  /** This client holds the server's `finding` and settles it. */
  #finding;
  /** The session's protected data connections worked (nothing left to find out). */
  #verified = false;
  /** A listing already stood in for an upload's data connection on this session. */
  #listingProbed = false;
  /**
   * @param plan The resolved connection options.
   * @param announce Tells the user, once per server, that it needs Node's TLS.
   */
  constructor(plan, announce) {
    this.#plan = plan;
    this.#announce = announce;
    const key = `${plan.secure} ${plan.host} ${plan.port}`;
    let record = servers.get(key);
    if (!record) servers.set(key, record = {});
    this.#record = record;
    this.#engine = this.#firstEngine();
  }
  #firstEngine() {
    const { tls, reuseMode } = this.#plan;
    if (!tls) return "native";
    if (reuseMode === "always" || !tls.verify) return "node";
    if (tls.clientCertificate) return "node";
    if (tls.bounds || this.#plan.localAddress !== void 0 || this.#plan.clearControl) {
      return "node";
    }
    if (reuseMode === "auto" && this.#record.reuse === "required") return "node";
    return "native";
  }
  /** The engine of the next session. */
  get engine() {
    return this.#engine;
  }
  /** The TLS settings for a session on the current engine. */
  get tls() {
    const tls = this.#plan.tls;
    if (!tls || this.#engine !== "node") return tls;
    const { minVersion, maxVersion } = tls.bounds ?? {};
    const preferred = this.#record.tls13Only || minVersion === "TLSv1.3" ? "TLSv1.3" : "TLSv1.2";
    return {
      ...tls,
      maxVersion: maxVersion ?? preferred
    };
  }
  /** A new session starts: what was learned of the old one is forgotten. */
  startSession() {
    this.#stream = void 0;
    this.#verified = false;
    this.#listingProbed = false;
  }
  /**
   * Whether a failed connect should be tried again: the server refused the
   * TLS 1.2 that Node's TLS offered, so it gets 1.3 from now on.
   */
  retryConnect(error) {
    if (this.#engine !== "node" || this.#record.tls13Only) return false;
    if (this.#plan.tls?.bounds) return false;
    if (!(error instanceof FtpTlsError) || error.kind !== "handshake") return false;
    const code = error.cause?.code ?? "";
    if (!/PROTOCOL_VERSION|ProtocolVersion|protocol version/i.test(`${code} ${error.message}`)) {
      return false;
    }
    this.#record.tls13Only = true;
    return true;
  }
  /**
   * Whether the session may still be replaced by one on Node's TLS, so
   * that it must keep its directory known (to return there).
   */
  get mayReconnect() {
    return this.#engine === "native" && this.#plan.reuseMode === "auto" && this.#plan.tls !== void 0 && this.#record.reuse !== "not-required" && !this.#verified;
  }
  /**
   * Whether the client should move to Node's TLS before its next transfer:
   * the server is known to require reuse, and Deno's TLS cannot give it.
   */
  get switchNeeded() {
    return this.#engine === "native" && this.#plan.reuseMode === "auto" && this.#record.reuse === "required" && !this.#plan.tls?.clientCertificate;
  }
  /** The client moves to Node's TLS (it reconnects next). Announced once per server. */
  useResumingEngine() {
    this.#engine = "node";
    this.#release();
    if (this.#record.announced) return;
    this.#record.announced = true;
    this.#announce(`${this.#plan.host} requires data connections to resume the control connection's TLS session: ferry uses Node's TLS, which can, for its connections`);
  }
  /** A data command begins: a data connection of an earlier one says nothing about it. */
  startCommand() {
    this.#stream = void 0;
  }
  /** Whether reads are peeked at, so that a refusal fails the call rather than the stream. */
  get peeksReads() {
    return this.#engine === "node" || !this.#verified;
  }
  /**
   * Before a connection: while another connection of the process is finding
   * out whether the server requires reuse, waits for its answer (up to
   * `timeoutMs`), so as to start on the engine that works; when nobody
   * knows yet, this client finds out (at its login, see `afterLogin`).
   *
   * @param timeoutMs The longest wait for another connection's answer.
   * @param signal Cancels the wait.
   */
  async beforeConnect(timeoutMs, signal) {
    const record = this.#record;
    if (this.#engine !== "native" || this.#plan.reuseMode !== "auto" || this.#finding) return;
    if (record.finding && record.reuse === void 0) {
      await waitFor(record.finding, timeoutMs, signal);
    }
    if (this.switchNeeded) this.#engine = "node";
    else if (record.reuse === void 0 && !record.finding) this.#claim();
  }
  /** This client finds out; the others wait for `record.finding`. */
  #claim() {
    const record = this.#record;
    let settle;
    record.finding = new Promise((resolve) => settle = resolve);
    this.#finding = () => {
      settle();
      record.finding = void 0;
    };
  }
  /**
   * After a login on Deno's TLS by the client finding out: a listing of the
   * current directory (its first bytes), whose data connection tells
   * whether the server requires reuse. Afterwards `switchNeeded` says
   * whether to log in again on Node's TLS.
   *
   * @param dataProtected Whether the session's data connections use TLS.
   * @param probe Opens the listing (see `probeDataTls`).
   */
  async afterLogin(dataProtected, probe) {
    if (!this.#finding || this.#engine !== "native") return;
    try {
      if (dataProtected) await probe();
    } catch (error) {
      if (!this.switchNeeded) throw error;
    }
    if (this.#record.reuse === void 0) this.#release();
  }
  /** The connection or the login failed: whoever waits for this client's answer stops. */
  failed() {
    this.#release();
  }
  /**
   * Before a protected data connection: on Deno's TLS, while the server's
   * answer is unknown (the login's listing said nothing), waits for
   * another connection that is finding out, or finds out itself (an upload
   * first asks a listing, since its refusal would come after its data was
   * sent). Fails at once where the answer is known and nothing can be done.
   *
   * @param isRead Whether the transfer brings data (a refusal shows before the caller reads).
   * @param probe Opens a listing as a stand-in for an upload's data connection.
   * @param signal Cancels the wait.
   */
  async beforeTransfer(isRead, probe, signal) {
    this.#stream = void 0;
    const record = this.#record;
    if (record.reuse === "required" && this.#plan.tls?.clientCertificate) {
      throw clientCertificateRefusal();
    }
    if (this.#engine === "node" || this.#verified || this.#finding) return;
    while (record.finding && record.reuse === void 0) {
      await waitFor(record.finding, Infinity, signal);
    }
    if (record.reuse === "not-required") {
      this.#verified = true;
      return;
    }
    if (record.reuse === "required") throw reuseRefusal(void 0, this.#plan.reuseMode);
    this.#claim();
    if (!isRead && !this.#listingProbed) {
      this.#listingProbed = true;
      await probe();
    }
  }
  /** A protected data connection was opened for the transfer under way. */
  secured(stream) {
    this.#stream = stream;
  }
  /** A transfer (or the listing standing in for one) went through on this session. */
  succeeded() {
    if (this.#engine !== "native" || this.#verified || !this.#stream) return;
    this.#verified = true;
    if (this.#finding) this.#record.reuse = "not-required";
    this.#release();
  }
  /** Ends this client's finding out, whatever came of it, so others stop waiting. */
  #release() {
    const finish = this.#finding;
    this.#finding = void 0;
    finish?.();
  }
  /**
   * The error a caller should see for a failed transfer: a refusal of the
   * data connection that comes from its TLS becomes an `FtpTlsError` that
   * says so; on Deno's TLS, while finding out, it is the server's answer
   * (the client then moves to Node's TLS, when allowed).
   *
   * @param error What the transfer threw.
   * @returns The error to throw.
   */
  classify(error) {
    if (isNamed(error)) return error;
    const stream = this.#stream;
    const tls = this.#plan.tls;
    if (!stream || !tls) return error;
    if (!isTlsRefusal(error)) {
      if (this.#finding && !this.#verified) this.#release();
      return error;
    }
    if (this.#engine === "native") {
      if (this.#verified) return handshakeFailure(error, stream);
      this.#record.reuse = "required";
      this.#release();
      if (tls.clientCertificate) return clientCertificateRefusal(error);
      return reuseRefusal(error, this.#plan.reuseMode);
    }
    if (stream.sessionResumed !== true && tls.clientCertificate) {
      this.#record.reuse = "required";
      return clientCertificateRefusal(error);
    }
    return handshakeFailure(error, stream);
  }
};
function waitFor(promise, timeoutMs, signal) {
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = Number.isFinite(timeoutMs) ? setTimeout(done, timeoutMs) : void 0;
    signal?.addEventListener("abort", onAbort, {
      once: true
    });
    promise.then(done);
  });
}

// src/client/_command_queue.ts
var CommandQueue = class {
  #listener;
  #cancelPendingOnError;
  #waiting = [];
  #current;
  #nextId = 1;
  #startScheduled = false;
  #batchFailed = false;
  constructor(listener, cancelPendingOnError) {
    this.#listener = listener;
    this.#cancelPendingOnError = cancelPendingOnError;
  }
  /** Commands queued and not yet started. */
  get pending() {
    return this.#waiting.length;
  }
  /** The running command, if any. */
  get current() {
    const job = this.#current;
    return job && {
      id: job.id,
      kind: job.kind
    };
  }
  /**
   * Queues a command.
   *
   * @param kind Its name in events.
   * @param run The work, started when its turn comes.
   * @param signal Cancels it while queued or running.
   * @param ownsAbort Whether the work reacts to its signal itself (a
   * transfer sends ABOR and cleans up, then rejects); otherwise the call
   * rejects at once and the command runs on to keep the connection in step.
   * @returns The call's promise with the command id.
   */
  enqueue(kind, run, signal, ownsAbort = false) {
    const id = this.#nextId++;
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const request = Object.assign(promise, {
      id
    });
    if (signal?.aborted) {
      reject(abortError(signal));
      return request;
    }
    const job = {
      id,
      kind,
      run,
      resolve,
      reject,
      signal,
      controller: new AbortController(),
      ownsAbort
    };
    if (signal) {
      const onAbort = () => this.#abortJob(job, abortError(signal));
      signal.addEventListener("abort", onAbort, {
        once: true
      });
      job.detach = () => signal.removeEventListener("abort", onAbort);
    }
    this.#waiting.push(job);
    if (!this.#current && !this.#startScheduled) {
      this.#startScheduled = true;
      queueMicrotask(() => {
        this.#startScheduled = false;
        this.#startNext();
      });
    }
    return request;
  }
  /**
   * Rejects every queued command that has not started. No events are sent
   * for them, as in QFtp.
   *
   * @param reason The rejection.
   */
  clearPending(reason) {
    for (const job of this.#takePending()) job.reject(reason);
  }
  /**
   * Cancels the running command: its promise rejects at once and its signal
   * fires so that a transfer sends ABOR.
   *
   * @param reason The rejection.
   */
  abortCurrent(reason) {
    if (this.#current) this.#abortJob(this.#current, reason);
  }
  /** Resolves when the command running now (if any) has finished. */
  currentSettled() {
    return this.#current?.settled ?? Promise.resolve();
  }
  #takePending() {
    const jobs = this.#waiting.splice(0);
    for (const job of jobs) job.detach?.();
    return jobs;
  }
  #abortJob(job, reason) {
    const index = this.#waiting.indexOf(job);
    const queued = index !== -1;
    if (queued) this.#waiting.splice(index, 1);
    job.detach?.();
    if (queued || !job.ownsAbort) job.reject(reason);
    job.controller.abort(reason);
  }
  /** Starts the next queued command, unless one is running or none waits. */
  #startNext() {
    if (this.#current) return;
    const job = this.#waiting.shift();
    if (!job) return;
    this.#current = job;
    let markSettled;
    job.settled = new Promise((resolve) => markSettled = resolve);
    this.#listener.started(job.id, job.kind);
    let resolvedEarly = false;
    let holds = 0;
    let workDone = false;
    let over = false;
    let value;
    let failure;
    const settleIfOver = () => {
      if (over || !workDone || holds > 0) return;
      over = true;
      const signal = job.controller.signal;
      if (!failure && signal.aborted && !job.ownsAbort) failure = signal.reason;
      this.#finish(job, failure, resolvedEarly ? void 0 : () => job.resolve(value));
      markSettled();
    };
    const context = {
      id: job.id,
      signal: job.controller.signal,
      hold: (work) => {
        holds++;
        work.then(() => {
          holds--;
          settleIfOver();
        }, (error) => {
          holds--;
          failure ??= asError(error);
          settleIfOver();
        });
      }
    };
    let running;
    try {
      running = job.run(context);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then((result) => {
      value = result;
      workDone = true;
      if (holds > 0) {
        resolvedEarly = true;
        job.resolve(result);
      }
      settleIfOver();
    }, (error) => {
      failure = asError(error);
      workDone = true;
      holds = 0;
      settleIfOver();
    });
  }
  /**
   * Books a command's end: cancels what was queued behind a failure, sends
   * `finished` (and `done` when nothing waits), settles the call, then starts
   * the next command. All synchronous, so the call's handlers see it done.
   */
  #finish(job, error, resolve) {
    job.detach?.();
    this.#current = void 0;
    let cancelled = [];
    if (error) {
      this.#batchFailed = true;
      if (this.#cancelPendingOnError && !(error instanceof FtpAbortError)) {
        cancelled = this.#takePending();
      }
    }
    this.#listener.finished(job.id, job.kind, error);
    if (!this.#current && this.#waiting.length === 0) {
      const failed = this.#batchFailed;
      this.#batchFailed = false;
      this.#listener.done(failed);
    }
    if (error) job.reject(error);
    else resolve?.();
    if (cancelled.length > 0) {
      const reason = new FtpAbortError(`Cancelled because command #${job.id} (${job.kind}) failed before it: ${error.message}`, {
        cause: error
      });
      for (const other of cancelled) other.reject(reason);
    }
    this.#startNext();
  }
};
function asError(error) {
  return error instanceof Error ? error : new Error(String(error));
}
function abortError(signal) {
  const reason = signal.reason;
  if (reason instanceof FtpAbortError) return reason;
  return new FtpAbortError("The call was aborted by its signal", {
    cause: reason
  });
}

// src/client/_download_file.ts
async function downloadToFile(session, remote, destination, options) {
  const path = localPath(destination);
  if (options.offset > 0) return await continueInPlace(session, remote, path, options);
  const part = partialPath(path);
  discardSegmented(part);
  const file = Deno.openSync(part, {
    read: true,
    write: true,
    create: true,
    truncate: !options.resume
  });
  try {
    let start = startOf(session, file, options);
    let received = await receive(session, remote, file, start, options);
    if (received === void 0) {
      options.warn(`${part} does not end with the bytes ${remote} has there (replaced, or rotated?): starting over`);
      file.truncateSync(0);
      file.seekSync(0, Deno.SeekMode.Start);
      start = {
        offset: 0,
        check: 0
      };
      received = await receive(session, remote, file, start, options);
    }
    const total = start.offset + received.bytes - start.check;
    checkSize(remote, total, options, options.keepTemporary);
    file.close();
    const mtime = options.mtime === "remote" ? await session.mdtm(remote).catch(() => void 0) : options.mtime;
    if (mtime) Deno.utimeSync(part, /* @__PURE__ */ new Date(), mtime);
    Deno.renameSync(part, path);
    const result = {
      bytes: received.bytes,
      reply: received.reply
    };
    if (start.offset > 0) result.resumedFrom = start.offset;
    return result;
  } catch (error) {
    close(file);
    if (!options.keepTemporary) {
      try {
        Deno.removeSync(part);
      } catch {
      }
    }
    throw error;
  }
}
function startOf(session, file, options) {
  if (!options.resume) return {
    offset: 0,
    check: 0
  };
  const held = file.statSync().size;
  const size = options.size;
  const continuable = held > 0 && (size === void 0 || held < size) && options.type === "binary" && session.features.has("REST");
  if (!continuable) {
    if (held > 0) file.truncateSync(0);
    return {
      offset: 0,
      check: 0
    };
  }
  return {
    offset: held,
    check: Math.min(Math.max(0, options.resumeCheck), held)
  };
}
function checkSize(remote, total, options, kept) {
  const size = options.size;
  if (size === void 0 || options.type !== "binary" || total >= size) return;
  throw new FtpSizeMismatchError(remote, size, total, `${remote}: received ${total} of ${size} bytes, though the server reported the transfer complete; ${kept ? "the partial file is kept to resume" : "nothing was put in place"}`);
}
async function receive(session, remote, file, start, options) {
  const { check, offset } = start;
  const expected = check > 0 ? readAt(file, offset - check, check) : void 0;
  const transfer = await session.retr(remote, {
    type: options.type,
    offset: offset - check,
    signal: options.signal,
    rateLimit: options.rateLimit
  });
  const carried = options.events(transfer.announcedSize);
  const total = options.size ?? (offset === 0 ? transfer.announcedSize : void 0);
  const report = (bytes2) => options.onProgress?.({
    bytes: bytes2,
    offset,
    total
  });
  const write = writer(file, options.type);
  let bytes = 0;
  let compared = 0;
  if (check === 0 && offset > 0) file.seekSync(offset, Deno.SeekMode.Start);
  if (check === 0) report(offset);
  const remaining = options.size === void 0 ? transfer.announcedSize : Math.max(0, options.size - offset + check);
  try {
    for await (const chunk of transfer.receive(transferBufferBytes(remaining))) {
      bytes += chunk.length;
      carried(bytes);
      let fresh = chunk;
      if (compared < check) {
        const take = Math.min(check - compared, fresh.length);
        if (!equalBytes(fresh.subarray(0, take), expected.subarray(compared, compared + take))) {
          return void 0;
        }
        compared += take;
        fresh = fresh.subarray(take);
        if (compared < check) continue;
        file.seekSync(offset, Deno.SeekMode.Start);
        report(offset);
      }
      if (fresh.length === 0) continue;
      write(fresh);
      report(offset + bytes - check);
    }
    write();
  } catch (error) {
    throw await transfer.failure(error);
  }
  if (compared < check) return void 0;
  return {
    bytes,
    reply: transfer.finalReply?.text ?? ""
  };
}
async function continueInPlace(session, remote, path, options) {
  const file = Deno.openSync(path, {
    write: true
  });
  try {
    file.seekSync(options.offset, Deno.SeekMode.Start);
    const transfer = await session.retr(remote, {
      type: options.type,
      offset: options.offset,
      signal: options.signal,
      rateLimit: options.rateLimit
    });
    const carried = options.events(transfer.announcedSize);
    const report = (bytes2) => options.onProgress?.({
      bytes: bytes2,
      offset: options.offset,
      total: options.size
    });
    report(options.offset);
    const write = writer(file, options.type);
    let bytes = 0;
    try {
      for await (const chunk of transfer.receive(transferBufferBytes(transfer.announcedSize))) {
        write(chunk);
        bytes += chunk.length;
        carried(bytes);
        report(options.offset + bytes);
      }
      write();
    } catch (error) {
      throw await transfer.failure(error);
    }
    file.truncateSync(file.seekSync(0, Deno.SeekMode.Current));
    checkSize(remote, options.offset + bytes, options, true);
    return {
      bytes,
      reply: transfer.finalReply?.text ?? "",
      resumedFrom: options.offset
    };
  } finally {
    close(file);
  }
}
function writer(file, type) {
  if (type === "binary") return (bytes) => bytes && writeAllSync(file, bytes);
  let heldCr = false;
  return (bytes) => {
    if (!bytes) {
      if (heldCr) writeAllSync(file, Uint8Array.of(13));
      return;
    }
    const out = crlfToLf(bytes, heldCr);
    heldCr = out.heldCr;
    if (out.bytes.length > 0) writeAllSync(file, out.bytes);
  };
}
function readAt(file, offset, length) {
  const bytes = new Uint8Array(length);
  file.seekSync(offset, Deno.SeekMode.Start);
  let done = 0;
  while (done < length) {
    const n = file.readSync(bytes.subarray(done));
    if (n === null) break;
    done += n;
  }
  return bytes.subarray(0, done);
}
function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
function close(file) {
  try {
    file.close();
  } catch {
  }
}

// src/client/_lazy_module.ts
function lazyModule(load) {
  let module;
  let loading;
  return {
    get module() {
      return module;
    },
    load() {
      loading ??= load().then((loaded) => module = loaded, (error) => {
        loading = void 0;
        throw error;
      });
      return loading;
    }
  };
}

// src/client/_upload_options.ts
function sourceUploadOptions(options) {
  const resume = options.resume === true;
  return {
    append: options.append === true,
    atomic: options.atomic === true,
    temporary: options.temporary,
    resume,
    keepTemporary: options.keepTemporary ?? resume,
    checkSize: options.checkSize,
    mtime: options.mtime
  };
}
function checkUploadOptions(path, options, source) {
  const wholeOnly = [
    "atomic",
    "temporary",
    "resume",
    "keepTemporary",
    "checkSize",
    "mtime"
  ].filter((name) => options[name] !== void 0);
  if (source === void 0 && wholeOnly.length > 0) {
    throw new FtpInputError(`${wholeOnly.join(", ")} need a whole source: use upload(path, source, options) or uploadFrom(localPath, path, options)`);
  }
  if (options.append && (options.atomic || options.resume)) {
    throw new FtpInputError("append adds to the remote file: it goes with neither atomic nor resume");
  }
  if (options.resume && options.offset) {
    throw new FtpInputError("Use either resume (from the size the server holds) or offset, not both");
  }
  if (options.atomic && options.offset) {
    throw new FtpInputError("An atomic upload writes a new temporary: offset does not apply");
  }
  if (options.temporary !== void 0 && !options.atomic) {
    throw new FtpInputError("temporary names an atomic upload's temporary: add atomic: true");
  }
  if (options.temporary !== void 0 && (options.temporary === "" || options.temporary === path)) {
    throw new FtpInputError("An atomic upload's temporary must be another name than its target");
  }
  const localSource = typeof source === "object" && "localPath" in source;
  if (options.resume && source !== void 0 && !localSource) {
    throw new FtpInputError("resume reads the source from the byte the server holds: it needs a local file (uploadFrom, or a file: URL)");
  }
  if (options.checkSize && options.append) {
    throw new FtpInputError("checkSize cannot know what an appended file should hold: the server's bytes before the append are not counted");
  }
  if (options.checkSize && options.type === "ascii") {
    throw new FtpInputError("checkSize compares byte counts, which ASCII uploads change on the way: use binary");
  }
  if (options.mtime !== void 0 && !(options.mtime instanceof Date && !isNaN(+options.mtime))) {
    throw new FtpInputError("mtime must be a valid Date");
  }
}

// src/client/events.ts
var FtpCommandStartedEvent = class extends Event {
  /** The command's id, as returned on the call's promise. */
  id;
  /** Which command. */
  command;
  /**
   * Creates the event.
   *
   * @param id The command id.
   * @param command The command kind.
   */
  constructor(id, command) {
    super("commandStarted");
    this.id = id;
    this.command = command;
  }
};
var FtpCommandFinishedEvent = class extends Event {
  /** The command's id. */
  id;
  /** Which command. */
  command;
  /** Why it failed, or `undefined` on success. */
  error;
  /**
   * Creates the event.
   *
   * @param id The command id.
   * @param command The command kind.
   * @param error The failure, if any.
   */
  constructor(id, command, error) {
    super("commandFinished");
    this.id = id;
    this.command = command;
    this.error = error;
  }
};
var FtpStateChangedEvent = class extends Event {
  /** The new state. */
  state;
  /** The state before. */
  previous;
  /**
   * Creates the event.
   *
   * @param state The new state.
   * @param previous The old state.
   */
  constructor(state, previous) {
    super("stateChanged");
    this.state = state;
    this.previous = previous;
  }
};
var FtpProgressEvent = class extends Event {
  /** The transfer command's id. */
  id;
  /** Bytes moved so far on the data connection. */
  bytes;
  /** Expected bytes, when known. */
  total;
  /**
   * Creates the event.
   *
   * @param id The command id.
   * @param bytes Bytes so far.
   * @param total Expected total, if known.
   */
  constructor(id, bytes, total) {
    super("progress");
    this.id = id;
    this.bytes = bytes;
    this.total = total;
  }
};
var FtpReplyEvent = class extends Event {
  /** The reply. */
  reply;
  /** The id of the command running when it arrived, or 0. */
  id;
  /**
   * Creates the event.
   *
   * @param reply The reply.
   * @param id The running command's id, or 0.
   */
  constructor(reply, id) {
    super("reply");
    this.reply = reply;
    this.id = id;
  }
};
var FtpListInfoEvent = class extends Event {
  /** The listing command's id. */
  id;
  /** The entry. */
  entry;
  /**
   * Creates the event.
   *
   * @param id The command id.
   * @param entry The entry.
   */
  constructor(id, entry) {
    super("listInfo");
    this.id = id;
    this.entry = entry;
  }
};
var FtpDoneEvent = class extends Event {
  /** Whether any command since the last `done` failed. */
  error;
  /**
   * Creates the event.
   *
   * @param error Whether the batch had a failure.
   */
  constructor(error) {
    super("done");
    this.error = error;
  }
};
var FtpWarningEvent = class extends Event {
  /** What happened. */
  message;
  /**
   * Creates the event.
   *
   * @param message What happened.
   */
  constructor(message) {
    super("warning");
    this.message = message;
  }
};
var FtpInfoEvent = class extends Event {
  /** What the client does, and why. */
  message;
  /**
   * Creates the event.
   *
   * @param message What the client does, and why.
   */
  constructor(message) {
    super("info");
    this.message = message;
  }
};

// src/client/_iterator_stream.ts
function iteratorStream(iterator, signal, onItem) {
  let settle;
  const finished = new Promise((resolve, reject) => {
    settle = (error) => error === void 0 ? resolve() : reject(error);
  });
  let controller;
  const stop = async (reason) => {
    signal.removeEventListener("abort", onAbort);
    try {
      await iterator.return(void 0);
      settle(reason);
    } catch (error) {
      settle(error);
    }
  };
  const onAbort = () => {
    controller.error(signal.reason);
    void stop(signal.reason);
  };
  signal.addEventListener("abort", onAbort, {
    once: true
  });
  const stream = new ReadableStream({
    start(c) {
      controller = c;
    },
    async pull(c) {
      try {
        let next;
        do {
          next = await iterator.next();
          if (signal.aborted) return;
        } while (!next.done && next.value.length === 0);
        if (next.done) {
          signal.removeEventListener("abort", onAbort);
          settle();
          return c.close();
        }
        for (const item of next.value) {
          onItem(item);
          c.enqueue(item);
        }
      } catch (error) {
        if (signal.aborted) return;
        signal.removeEventListener("abort", onAbort);
        settle(error);
        c.error(error);
      }
    },
    cancel: () => stop(new FtpAbortError("The listing was cancelled by its reader"))
  }, {
    highWaterMark: 0
  });
  return {
    stream,
    finished
  };
}

// src/client/_raw_commands.ts
var INSTEAD = {
  LIST: 'list(), listStream() or downloadCommand("LIST ...")',
  NLST: 'nlst() or downloadCommand("NLST ...")',
  MLSD: 'list() or downloadCommand("MLSD ...")',
  RETR: 'download(), downloadTo() or downloadCommand("RETR ...")',
  STOR: 'upload(), uploadFrom() or uploadCommand("STOR ...")',
  STOU: 'uploadCommand("STOU")',
  APPE: 'upload(path, source, { append: true }) or uploadCommand("APPE ...")',
  AUTH: "the secure option (ftpes:// or ftps://) when connecting",
  PBSZ: "the secure option: ferry sends PBSZ 0 after login",
  PROT: "the tls.dataProtection option",
  CCC: "ccc(), or the tls.clearControl option (CCC after every login)",
  REIN: "close() and connect() again",
  QUIT: "quit() or close()",
  ABOR: "abort(), or the call's signal"
};
function assertRawCommand(line) {
  const verb = /^\s*([A-Za-z]+)/.exec(line)?.[1]?.toUpperCase() ?? "";
  const instead = INSTEAD[verb];
  if (instead !== void 0) {
    throw new FtpInputError(`${verb} cannot be sent as a raw command: it ${DATA_VERBS.has(verb) ? "needs a data connection" : "changes the session's state"}; use ${instead}`);
  }
}
var DATA_VERBS = /* @__PURE__ */ new Set([
  "LIST",
  "NLST",
  "MLSD",
  "RETR",
  "STOR",
  "STOU",
  "APPE"
]);
function isUploadVerb(line) {
  return /^\s*(STOR|STOU|APPE)\b/i.test(line);
}

// src/client/ftp_client.ts
var listing = lazyModule(() => import("./_listing-OGJWF5PC.js"));
var recursive = lazyModule(() => import("./_recursive-FDMECVC3.js"));
var directories = lazyModule(() => import("./_make_directories-ACWUGXBG.js"));
var walking = lazyModule(() => import("./_walk-JIDV44Q6.js"));
var statting = lazyModule(() => import("./_stat_all-RR3EHZG5.js"));
var segmented = lazyModule(() => import("./_segmented_download-C73DBEYP.js"));
var ranges = lazyModule(() => import("./_fetch_range-KIR52X6Z.js"));
var streaming = lazyModule(() => import("./_download-D64S3FNB.js"));
var uploads = lazyModule(() => import("./_upload-677KWCLG.js"));
var sourceUploads = lazyModule(() => import("./_upload_source-VDOL2EYQ.js"));
var replacing = lazyModule(() => import("./_replace-LWVH5A5B.js"));
var FtpClient = class _FtpClient extends EventTarget {
  #options;
  #queue;
  #session;
  #state = "unconnected";
  #transferMode;
  #closing;
  #lastError;
  #codec;
  #plan;
  /** The event types anyone added a listener for (see `#emit`). */
  #heard = /* @__PURE__ */ new Set();
  /** Which TLS engine the sessions use, and what is known of the server (FTPS only). */
  #policy;
  #credentials;
  /** The arguments of the login that succeeded, for clones (see `segments`). */
  #loginWith;
  /** The options' path, still to change into after a `login()` (with `login: false`). */
  #pathAfterLogin;
  /**
   * Creates a client without connecting; call `connect()` (or use the static
   * `FtpClient.connect`). Listeners added now see every event from the start.
   *
   * @param options Server, credentials, timeouts and behaviour.
   */
  constructor(options = {}) {
    super();
    this.#options = {
      ...options
    };
    this.#codec = textCodec(options.encoding);
    checkMaxBytes({
      maxBytes: options.maxListingBytes
    });
    this.#plan = connectPlan(this.#options, this.#codec.encoding);
    if (this.#plan.tls) {
      this.#policy = new DataTlsPolicy(this.#plan, (message) => this.dispatchEvent(new FtpInfoEvent(message)));
    }
    this.#transferMode = options.transferMode ?? "passive";
    this.#queue = new CommandQueue({
      started: (id, kind) => {
        this.#lastError = void 0;
        this.#emit("commandStarted", () => new FtpCommandStartedEvent(id, kind));
      },
      finished: (id, kind, error) => {
        if (error) this.#lastError = error;
        if (this.#session?.control.closed) this.#dropSession();
        this.#emit("commandFinished", () => new FtpCommandFinishedEvent(id, kind, error));
      },
      done: (error) => this.#emit("done", () => new FtpDoneEvent(error))
    }, options.cancelPendingOnError ?? true);
  }
  /**
   * Connects and logs in, then changes into the URL's path (if any).
   *
   * @param target An `ftp://user:password@host:port/path` URL
   * (percent-decoded) or an options object.
   * @param options More options; with a URL, these add to what it says.
   * @returns A logged-in client. Use `await using` to quit when done.
   * @throws {FtpConnectionError} When the host is unknown or refuses.
   * @throws {FtpReplyError} When the server refuses the login.
   *
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   *
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121/pub", { replyTimeout: 5000 });
   * console.log(client.welcome, await client.pwd());
   * ```
   */
  static async connect(target, options = {}) {
    const fromTarget = typeof target === "string" ? urlOptions(target) : target;
    const client = new _FtpClient({
      ...fromTarget,
      ...options
    });
    try {
      await client.connect();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }
  /** The connection state, as QFtp's `state()`. */
  get state() {
    return this.#state;
  }
  /** The server's greeting text (ftplib's `getwelcome()`), once connected. */
  get welcome() {
    return this.#session?.greeting?.text;
  }
  /** The features from FEAT, read once after login: name to parameters. */
  get features() {
    return this.#session?.features ?? /* @__PURE__ */ new Map();
  }
  /**
   * Whether listings of this connection may have left out names that start
   * with a dot (`.htaccess`): it listed with LIST (no MLSD), and either the
   * `listHidden` option is off or the server has shown neither that it
   * takes `LIST -a` nor dot-files in a plain listing (a server that refused
   * `-a` was reported with a `warning`). A sync must not take such names
   * for absent.
   */
  get listingsMayMissDotFiles() {
    const session = this.#session;
    if (!session?.listedWithList) return false;
    if (!(this.#options.listHidden ?? true)) return true;
    return session.dotFiles !== "ask" && session.dotFiles !== "shown";
  }
  /**
   * The error of the last command that finished, or `undefined` if it
   * succeeded; reset when a command starts (QFtp's `error()` and
   * `errorString()`: use `lastError?.message`).
   */
  get lastError() {
    return this.#lastError;
  }
  /** Number of queued calls not yet started (QFtp's `hasPendingCommands`). */
  get pending() {
    return this.#queue.pending;
  }
  /** The running command's id and kind, or `undefined` when idle. */
  get currentCommand() {
    const current = this.#queue.current;
    return current && {
      id: current.id,
      command: current.kind
    };
  }
  /** Passive or active data connections; takes effect from the next transfer. */
  get transferMode() {
    return this.#transferMode;
  }
  set transferMode(mode) {
    if (mode !== "passive" && mode !== "active") {
      throw new FtpInputError(`transferMode must be "passive" or "active", got ${mode}`);
    }
    this.#transferMode = mode;
    if (this.#session) this.#session.transferMode = mode;
  }
  /**
   * Queues connect and login (and a change of directory when the options name
   * a path), as QFtp's `connectToHost` + `login`. With the `login: false`
   * option it only connects (greeting, and AUTH TLS for explicit FTPS):
   * call `login()` next.
   *
   * @param options A signal to cancel.
   * @returns Resolves when logged in (or connected, with `login: false`);
   * its id is the connect command's.
   * @example Connect now, log in later (QFtp's connectToHost, then login)
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   *
   * const client = new FtpClient({ host: "127.0.0.1", port: 2121, login: false });
   * await client.connect();
   * console.log(client.state, client.welcome); // "connected", the greeting
   * await client.login("alice", "s3cret");
   * await client.close();
   * ```
   */
  connect(options = {}) {
    const closing = this.#closing;
    this.#closing = void 0;
    const opened = this.#queue.enqueue("connect", async (ctx) => {
      await closing;
      await this.#open(ctx);
    }, options.signal);
    const path = this.#options.path;
    if (this.#options.login === false) {
      this.#pathAfterLogin = path;
      return opened;
    }
    const steps = [
      opened,
      this.login(void 0, void 0, void 0, options)
    ];
    if (path !== void 0) steps.push(this.cd(path, options));
    return Object.assign(Promise.all(steps).then(() => {
    }), {
      id: opened.id
    });
  }
  /**
   * Logs in: USER, then PASS and ACCT as the server asks. Defaults come from
   * the options (anonymous when none). Then reads FEAT and turns on UTF-8.
   * `connect()` calls it unless the `login: false` option is given; after
   * such a connect, this login also changes into the options' `path`. A
   * refused login leaves the client connected: call `login()` again.
   *
   * @param user User name.
   * @param password Password (never logged).
   * @param account Account, sent if the server asks (332).
   * @param options A signal to cancel.
   * @returns Resolves when logged in.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   *
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121", { login: false });
   * await client.login("alice", Deno.env.get("FTP_PASSWORD"));
   * ```
   */
  login(user, password, account, options = {}) {
    const name = user ?? this.#options.user ?? "anonymous";
    const secret = password ?? this.#options.password ?? (/^(anonymous|ftp)$/i.test(name) ? "anonymous@" : "");
    const acct = account ?? this.#options.account;
    const checkSecrets = () => {
      assertSafeArgument(secret, "password", false);
      if (acct !== void 0) assertSafeArgument(acct, "account", false);
    };
    return this.#call("login", [
      name
    ], async (ctx) => {
      const session = this.#require("connected");
      const proxy = this.#options.proxy;
      const host = this.#options.host ?? "127.0.0.1";
      const port = this.#options.port ?? 21;
      const target = port === 21 ? host : `${host}:${port}`;
      const credentials = {
        user: proxy ? `${name}@${target}` : name,
        password: secret,
        account: acct
      };
      try {
        await this.#loginOnce(ctx, session, credentials);
      } catch (error) {
        this.#policy?.failed();
        throw user === void 0 && this.#options.user === void 0 ? anonymousRefusal(error) : error;
      }
      this.#credentials = credentials;
      this.#loginWith = [
        user,
        password,
        account
      ];
      this.#setState("loggedIn");
      await this.#settleDataTls(ctx, this.#require());
      const path = this.#pathAfterLogin;
      this.#pathAfterLogin = void 0;
      if (path !== void 0) await this.#require().cwd(path);
    }, options, checkSecrets);
  }
  /**
   * The current directory (PWD).
   *
   * @param options A signal to cancel.
   * @returns The path.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * console.log(await client.pwd()); // "/"
   * ```
   */
  pwd(options = {}) {
    return this.#call("pwd", [], () => this.#require().pwd(), options);
  }
  /**
   * Changes the current directory (CWD).
   *
   * @param path The directory.
   * @param options A signal to cancel.
   * @returns Resolves when changed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.cd("pub");
   * ```
   */
  cd(path, options = {}) {
    return this.#call("cd", [
      path
    ], () => this.#require().cwd(path), options);
  }
  /**
   * Changes to the parent directory (CDUP).
   *
   * @param options A signal to cancel.
   * @returns Resolves when changed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121/pub");
   * await client.cdup();
   * ```
   */
  cdup(options = {}) {
    return this.#call("cdup", [], () => this.#require().cdup(), options);
  }
  /**
   * Creates a directory (MKD); with `recursive`, also its missing parents,
   * and an existing directory is not an error. `recursive` sends the MKD of
   * every level (`a`, `a/b`, `a/b/c`) and a CWD into the path and back
   * together: one round trip whether none, some or all levels exist, where
   * the server takes commands sent together (see the `pipelining` option).
   * A level that is a file fails the call with the MKD reply of that level,
   * the path named in its message. The current directory is not changed.
   *
   * @param path The directory.
   * @param options `recursive`, and a signal to cancel.
   * @returns Resolves when created.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.mkdir("site/assets/img", { recursive: true });
   * ```
   */
  mkdir(path, options = {}) {
    return this.#call("mkdir", [
      path
    ], async () => {
      const session = this.#require();
      if (!options.recursive) return void await session.mkd(path);
      const { makeDirectories } = directories.module ?? await directories.load();
      const [error] = await makeDirectories(session, [
        path
      ], {
        recursive: true,
        probeLast: true
      });
      if (error) throw error;
    }, options);
  }
  /**
   * Creates many directories (MKD), with `recursive` each with its missing
   * parents, every MKD sent together, parents first: one round trip where
   * the server takes commands sent together (see the `pipelining` option),
   * one per directory where it does not. A path that exists already as a
   * directory is no error; only paths whose MKD failed are then asked
   * about (CWD in and back, again together). Without `recursive`, each
   * path's parent must exist or come earlier in `paths`. The session's
   * directory is not changed.
   *
   * A path that is not a directory afterwards does not fail the call: its
   * place holds the error, the MKD reply of the level in the way (the path,
   * or the topmost level above it that is a file or could not be made),
   * with the path named in its message.
   *
   * @param paths The directories, relative to the current one or absolute.
   * @param options `recursive`, and a signal to cancel.
   * @returns For each path, in order, `undefined` where it is a directory
   * now, or the error that says why not.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const results = await client.mkdirAll(["site/css", "site/img/icons"], { recursive: true });
   * for (const error of results) if (error) console.error(error.message);
   * ```
   */
  mkdirAll(paths, options = {}) {
    const recursive2 = options.recursive === true;
    return this.#call("mkdir", [
      ...paths
    ], async () => {
      const session = this.#require();
      const { makeDirectories } = directories.module ?? await directories.load();
      return await makeDirectories(session, [
        ...paths
      ], {
        recursive: recursive2
      });
    }, options);
  }
  /**
   * Removes a directory (RMD); with `recursive`, first everything in it.
   * Symbolic links inside are deleted, never followed, and entries whose
   * names could point outside (`..`, `a/b`) are skipped with a `warning`.
   *
   * @param path The directory.
   * @param options `recursive`, and a signal to cancel.
   * @returns Resolves when removed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.rmdir("old-site", { recursive: true });
   * ```
   */
  rmdir(path, options = {}) {
    if (!options.recursive) {
      return this.#call("rmdir", [
        path
      ], () => this.#require().rmd(path), options);
    }
    return this.#call("rmdir", [
      path
    ], async (ctx) => {
      const session = this.#require();
      const { removeTree } = recursive.module ?? await recursive.load();
      await removeTree(session, path, ctx.signal, this.#maxListingBytes, this.#dotFiles);
    }, options, void 0, true);
  }
  /**
   * Deletes a file (DELE).
   *
   * @param path The file.
   * @param options A signal to cancel.
   * @returns Resolves when deleted.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.remove("old.log");
   * ```
   */
  remove(path, options = {}) {
    return this.#call("remove", [
      path
    ], () => this.#require().dele(path), options);
  }
  /**
   * Renames or moves a file or directory (RNFR + RNTO). With `replace`, an
   * existing `to` is replaced even on servers that will not rename over a
   * file: the old one is moved aside, the new one renamed into place, then
   * the old one removed (see {@linkcode RenameOptions}).
   *
   * @param from The current path.
   * @param to The new path.
   * @param options `replace`, and a signal to cancel.
   * @returns Resolves when renamed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.rename("upload.tmp", "report.pdf");
   * await client.rename("index.html.new", "index.html", { replace: true });
   * ```
   */
  rename(from, to, options = {}) {
    if (!options.replace) {
      return this.#call("rename", [
        from,
        to
      ], () => this.#require().rename(from, to), options);
    }
    return this.#call("rename", [
      from,
      to
    ], async () => {
      const { replaceFile } = replacing.module ?? await replacing.load();
      return await replaceFile(this.#require(), from, to, (message) => this.#warn(message));
    }, options);
  }
  /**
   * A file's size in bytes (SIZE, in binary type).
   *
   * @param path The file.
   * @param options A signal to cancel.
   * @returns The size.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * console.log(await client.size("big.iso"));
   * ```
   */
  size(path, options = {}) {
    return this.#call("size", [
      path
    ], () => this.#require().size(path), options);
  }
  /**
   * A file's modification time (MDTM), an exact UTC instant.
   *
   * @param path The file.
   * @param options A signal to cancel.
   * @returns The time.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * console.log((await client.lastModified("a.txt")).toISOString());
   * ```
   */
  lastModified(path, options = {}) {
    return this.#call("lastModified", [
      path
    ], () => this.#require().mdtm(path), options);
  }
  /**
   * The modification times (MDTM) of many files, asked together: up to 512
   * commands share one round trip where the server takes commands sent
   * together (see the `pipelining` option), instead of one round trip each.
   * A file the server refuses (a missing one: 550) does not fail the call:
   * its place holds the error, which names its command.
   *
   * @param paths The files.
   * @param options A signal to cancel.
   * @returns For each path, in order, its time or the error its reply made.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const times = await client.lastModifiedAll(["a.txt", "b.txt"]);
   * for (const time of times) console.log(time instanceof Date ? time.toISOString() : time.message);
   * ```
   */
  lastModifiedAll(paths, options = {}) {
    return this.#call("lastModified", [
      ...paths
    ], () => this.#require().mdtmAll(paths), options);
  }
  /**
   * Sets a file's modification time (MFMT). Fails with
   * `FtpUnsupportedError` when the server does not offer MFMT.
   *
   * @param path The file.
   * @param date The time to set (sent to the second, in UTC).
   * @param options A signal to cancel.
   * @returns Resolves when set.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.setLastModified("a.txt", new Date("2026-01-01T00:00:00Z"));
   * ```
   */
  setLastModified(path, date, options = {}) {
    return this.#call("setLastModified", [
      path
    ], () => this.#require().mfmt(path, date), options);
  }
  /**
   * Lists a directory: MLSD when the server offers it, otherwise LIST with
   * the format detected. `.` and `..` are left out. Each entry is also sent
   * as a `listInfo` event as it arrives.
   *
   * @param path The directory; the current one when omitted.
   * @param options A signal to cancel.
   * @returns The entries.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * for (const entry of await client.list("/pub")) console.log(entry.name, entry.size);
   * ```
   */
  list(path, options = {}) {
    return this.#call("list", path ? [
      path
    ] : [], async (ctx) => {
      const session = this.#require();
      const onEntry = (entry) => this.#emit("listInfo", () => new FtpListInfoEvent(ctx.id, entry));
      const { listAll } = listing.module ?? await listing.load();
      return await listAll(session, path, ctx.signal, this.#maxBytes(options), this.#dotFiles, onEntry);
    }, options, () => checkMaxBytes(options));
  }
  /**
   * Lists a directory as a stream of entries parsed while the bytes arrive:
   * memory stays constant however many entries the directory holds. The
   * listing completes when the stream has been read to its end; cancelling
   * it sends ABOR. Until then, later calls wait in the queue.
   *
   * @param path The directory; the current one when omitted.
   * @param options `maxBytes` (default: the `maxListingBytes` option), and a signal.
   * @returns The stream, once the server has started sending.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * let total = 0;
   * for await (const entry of await client.listStream("/huge")) total += entry.size ?? 0;
   * ```
   */
  listStream(path, options = {}) {
    return this.#call("list", path ? [
      path
    ] : [], async (ctx) => {
      const session = this.#require();
      const { openListing } = listing.module ?? await listing.load();
      const entries = await openListing(session, path, ctx.signal, this.#maxBytes(options), this.#dotFiles);
      const onEntry = (entry) => this.#emit("listInfo", () => new FtpListInfoEvent(ctx.id, entry));
      const { stream, finished } = iteratorStream(entries, ctx.signal, onEntry);
      ctx.hold(finished);
      return stream;
    }, options, () => checkMaxBytes(options));
  }
  /**
   * Walks a directory tree depth first, each entry before the entries inside
   * it. Each directory is one queued `list`, so the loop body may run other
   * calls (downloads, say) between entries. Names that could escape their
   * directory (`.`, `..`, names with `/`, `\`, NUL, CR or LF, drive prefixes
   * such as `C:`) are never yielded: they are skipped with a `warning` event,
   * so a hostile server cannot steer a recursive download or delete outside
   * its target.
   *
   * @param path The directory to walk; the current one when omitted.
   * @param options `maxDepth`, `filter`, `followSymlinks`, `list` and `readAhead` (several
   * directories listed at once, over other connections), and a signal.
   * @returns The entries, each with its `path` and `depth`.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * for await (const entry of client.walk("/pub", { maxDepth: 3 })) {
   *   if (entry.type === "file") console.log(entry.path, entry.size);
   * }
   * ```
   */
  walk(path = "", options = {}) {
    const signal = options.signal;
    const list = options.list;
    const tree = {
      list: list ? (dir) => list(dir) : (dir) => this.list(dir || void 0, {
        signal
      }),
      isDirectory: (dir) => this.#call("stat", [
        dir
      ], () => isDirectory(this.#require(), dir), {
        signal
      }),
      warn: (message) => this.#warn(message)
    };
    if (walking.module) return walking.module.walkTree(path, tree, options);
    return async function* () {
      yield* (await walking.load()).walkTree(path, tree, options);
    }();
  }
  /**
   * Bare names in a directory (NLST), as the server gives them.
   *
   * @param path The directory; the current one when omitted.
   * @param options A signal to cancel.
   * @returns The names.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * console.log(await client.nlst());
   * ```
   */
  nlst(path, options = {}) {
    return this.#call("nlst", path ? [
      path
    ] : [], async (ctx) => {
      const session = this.#require();
      const { nameList } = listing.module ?? await listing.load();
      return await nameList(session, path, ctx.signal, this.#maxBytes(options));
    }, options, () => checkMaxBytes(options));
  }
  /**
   * One entry's details: MLST when offered, otherwise SIZE and MDTM (and a
   * directory probe).
   *
   * @param path The file or directory.
   * @param options A signal to cancel.
   * @returns The entry; `name` is the path's last segment.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const info = await client.stat("a.txt");
   * console.log(info.type, info.size, info.modified);
   * ```
   */
  stat(path, options = {}) {
    return this.#call("stat", [
      path
    ], () => statEntry(this.#require(), path), options);
  }
  /**
   * What {@linkcode FtpClient.stat} learns of one path, asked of many
   * together: the MLSTs sent together where the server offers MLST;
   * otherwise the SIZE and MDTM of every path together, then the directory
   * probes (CWD in and back) of those that are no file, together. Commands
   * sent together go in flights of at most 32 KiB of replies (about 75
   * MLSTs or 150 SIZE and MDTM pairs of short paths), each one round trip,
   * where the server takes commands sent together (see the `pipelining`
   * option); one command at a time where it does not. A name that ends in
   * `/` is probed first, as `stat` does. The session's directory is not
   * changed.
   *
   * A path the server refuses (a missing one: 550) does not fail the call:
   * its place holds the error, which names its command.
   *
   * @param paths Files or directories, relative to the current directory or absolute.
   * @param options A signal to cancel.
   * @returns For each path, in order, its entry or the error its reply made.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const found = await client.statAll(["a.txt", "site", "missing"]);
   * for (const entry of found) console.log("type" in entry ? entry.type : entry.message);
   * ```
   */
  statAll(paths, options = {}) {
    return this.#call("stat", [
      ...paths
    ], async () => {
      const session = this.#require();
      const { statEntries } = statting.module ?? await statting.load();
      return await statEntries(session, [
        ...paths
      ]);
    }, options);
  }
  /**
   * Sends a SITE command, which must succeed (2xx).
   *
   * @param argument The SITE argument, such as `CHMOD 644 a.txt`.
   * @param options A signal to cancel.
   * @returns The reply.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.site("CHMOD 644 a.txt");
   * ```
   */
  site(argument, options = {}) {
    return this.#call("site", [
      argument
    ], () => this.#require().site(argument), options);
  }
  /**
   * Sends NOOP, which keeps an idle connection alive.
   *
   * @param options A signal to cancel.
   * @returns Resolves on the server's 200.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.noop();
   * ```
   */
  noop(options = {}) {
    return this.#call("noop", [], () => this.#require().noop(), options);
  }
  /**
   * Clears the control connection: CCC (RFC 4217 section 6, ftplib's
   * `FTP_TLS.ccc()`). After the server's 200, both sides end TLS with
   * close_notify and the control connection goes on in plain text, so that
   * a NAT or firewall can read PORT and PASV; data connections keep their
   * protection (PROT P). Needs explicit FTPS on Node's TLS (connect with
   * `tls.sessionReuse: "always"`; `tls.clearControl: true` instead sends CCC
   * after every login itself): otherwise, before login (the password must
   * not travel in clear), and when already clear, it fails with
   * `FtpInputError` before anything is sent. A refusal (vsftpd and
   * Pure-FTPd have no CCC) is an `FtpPermanentError`, and the connection
   * stays encrypted and usable. A new connection starts encrypted again.
   *
   * @param options A signal to cancel.
   * @returns Resolves once the control connection is plain text.
   * @throws {FtpInputError} Without explicit FTPS on Node's TLS, before login, or when already clear.
   * @throws {FtpReplyError} When the server refuses CCC.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftpes://bob:pw@127.0.0.1:2121", {
   *   tls: { sessionReuse: "always" }, // Node's TLS, which can end TLS on the connection
   * });
   * await client.ccc();
   * await client.list(); // EPSV and LIST in plain text, the listing itself encrypted
   * ```
   */
  ccc(options = {}) {
    return this.#call("ccc", [], async () => {
      const session = this.#require("connected");
      if (this.#state !== "loggedIn") {
        throw new FtpInputError("ccc() clears the control connection only after login, so that the password never travels in clear text: call login() first");
      }
      assertClearable(session, this.#plan);
      await session.ccc();
    }, options, () => assertExplicitTls(this.#plan));
  }
  /**
   * Sends any command and returns the server's reply without judging it:
   * a 4xx or 5xx reply is returned, not thrown (ftplib's `sendcmd`, QFtp's
   * `rawCommand`). Commands that need a data connection are not supported
   * here; use the transfer methods.
   *
   * @param command The command line, such as `"HELP"` or `"SITE CHMOD 600 key"`.
   * @param options A signal to cancel.
   * @returns The reply (preliminary 1xx replies are skipped).
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const reply = await client.send("SYST");
   * console.log(reply.code, reply.text);
   * ```
   */
  send(command, options = {}) {
    return this.#raw(command, options, (reply) => reply);
  }
  /**
   * Sends any command and returns its reply, throwing on a 4xx or 5xx
   * (ftplib's `sendcmd`): `FtpTransientError` or `FtpPermanentError` with
   * the code, so ported `except error_perm` code keeps working. Commands
   * that need a data connection are refused; use `downloadCommand()` or
   * `uploadCommand()`.
   *
   * @param command The command line, such as `"SITE CHMOD 600 key"`.
   * @param options A signal to cancel.
   * @returns The reply (1xx, 2xx or 3xx).
   * @throws {FtpTransientError} On a 4xx reply.
   * @throws {FtpPermanentError} On a 5xx reply.
   * @example
   * ```ts
   * import { FtpClient, FtpPermanentError } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * try {
   *   await client.command("SITE CHMOD 600 key");
   * } catch (error) {
   *   if (error instanceof FtpPermanentError) console.log(error.code, error.text);
   * }
   * ```
   */
  command(command, options = {}) {
    return this.#raw(command, options, (reply) => {
      if (reply.code >= 400) throw replyError(reply, redactCommand(command));
      return reply;
    });
  }
  /**
   * Sends any command that must succeed with a 2xx reply (ftplib's
   * `voidcmd`): a 4xx or 5xx throws as in `command()`, and a 1xx or 3xx
   * (such as RNFR's 350) throws `FtpUnexpectedReplyError`.
   *
   * @param command The command line, such as `"NOOP"`.
   * @param options A signal to cancel.
   * @returns The 2xx reply.
   * @throws {FtpReplyError} On any reply that is not 2xx.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.voidCommand("MODE S");
   * ```
   */
  voidCommand(command, options = {}) {
    return this.#raw(command, options, (reply) => {
      if (!isCompletion(reply)) throw replyError(reply, redactCommand(command));
      return reply;
    });
  }
  #raw(command, options, judge) {
    return this.#call("send", [
      command
    ], async () => {
      const session = this.#require("connected");
      session.forgetState(command);
      return judge(await session.sendCommand(command));
    }, options, () => assertRawCommand(command));
  }
  /**
   * Runs any command that answers on a data connection towards the client
   * (ftplib's `transfercmd`/`ntransfercmd` for reads): `LIST -la`, `MLSD`,
   * a `SITE` command some servers answer that way, or `RETR` with your own
   * `offset`. The data connection is opened as for `download()` (passive or
   * active, TLS, timeouts), and the command's 1xx reply and the size it
   * announced come back with the stream. Reading the stream to its end
   * completes the command (226); cancelling it sends ABOR. Until then, later
   * calls wait in the queue.
   *
   * @param command The command line.
   * @param options `offset` (REST before the command), `type`, and a signal.
   * @returns The stream, the size the server announced (or `undefined`) and
   * its 1xx reply.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const { stream } = await client.downloadCommand("LIST -la");
   * console.log(await new Response(stream).text());
   * ```
   */
  downloadCommand(command, options = {}) {
    return this.#call("download", [
      command
    ], async (ctx) => {
      const type = transferType(options.type);
      const { downloadStream } = streaming.module ?? await streaming.load();
      const transfer = await this.#openCommandTransfer(command, options, ctx);
      const size = transfer.announcedSize;
      const offset = offsetOf(options.offset);
      const { stream, finished } = downloadStream(transfer, type, this.#hooks(ctx, size ?? options.size, progressOf(options, offset, size ?? options.size)));
      ctx.hold(finished);
      return {
        stream,
        size,
        reply: transfer.opening
      };
    }, options, () => {
      checkDataCommand(command, "download", options);
      checkDownloadOptions(options, true);
    }, void 0, true);
  }
  /** Opens the data connection of a raw data command (downloadCommand, uploadCommand). */
  #openCommandTransfer(command, options, ctx) {
    return this.#require().openTransfer(command, {
      type: transferType(options.type),
      offset: offsetOf(options.offset),
      signal: ctx.signal,
      rateLimit: rateLimiterOf(options.rateLimit, "rateLimit")
    });
  }
  /**
   * Runs any command that takes data from the client on a data connection
   * (ftplib's `transfercmd` for writes): `STOU` (the server picks the name,
   * which its 1xx reply gives), `APPE`, `STOR` with your own `offset`. The
   * data connection is opened as for `upload()`. Closing the returned stream
   * completes the command and resolves once the server confirmed; aborting
   * it sends ABOR.
   *
   * @param command The command line.
   * @param options `offset` (REST before the command), `type`, and a signal.
   * @returns The writable stream and the command's 1xx reply.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const { stream, reply } = await client.uploadCommand("STOU");
   * console.log(reply.text); // such as "FILE: ftp0001"
   * await new Blob(["unique\n"]).stream().pipeTo(stream);
   * ```
   */
  uploadCommand(command, options = {}) {
    return this.#call("upload", [
      command
    ], async (ctx) => {
      const type = transferType(options.type);
      const { uploadStream } = uploads.module ?? await uploads.load();
      const transfer = await this.#openCommandTransfer(command, options, ctx);
      const offset = offsetOf(options.offset);
      const hooks = this.#hooks(ctx, void 0, progressOf(options, offset, void 0));
      const { stream, finished } = uploadStream(transfer, type, hooks);
      ctx.hold(finished);
      return {
        stream,
        reply: transfer.opening
      };
    }, options, () => {
      checkDataCommand(command, "upload", options);
      checkUploadOptions(command, options);
    }, void 0, true);
  }
  /**
   * Downloads a file as a byte stream. The transfer completes (the server's
   * 226 is read) when the stream has been read to its end; a 4xx/5xx then
   * errors the stream. Cancelling the stream sends ABOR and leaves the client
   * usable. Until the stream ends, later calls wait in the queue.
   *
   * @param path The remote file.
   * @param options `offset` to resume (REST), `type`, and a signal.
   * @returns The stream, once the server has started sending.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const stream = await client.download("report.csv");
   * await stream.pipeTo((await Deno.create("report.csv")).writable);
   * ```
   */
  download(path, options = {}) {
    return this.#call("download", [
      path
    ], async (ctx) => {
      const type = transferType(options.type);
      const offset = offsetOf(options.offset);
      const { downloadStream } = streaming.module ?? await streaming.load();
      const transfer = await this.#require().retr(path, {
        type,
        offset,
        signal: ctx.signal,
        rateLimit: rateLimiterOf(options.rateLimit, "rateLimit")
      });
      const total = transfer.announcedSize ?? options.size;
      const { stream, finished } = downloadStream(transfer, type, this.#hooks(ctx, total, progressOf(options, offset, options.size ?? total)));
      ctx.hold(finished);
      return stream;
    }, options, () => checkDownloadOptions(options, true));
  }
  /**
   * Downloads a file into a local file or a writable stream. A local file is
   * written under a temporary name (`<name>.ferry-part`) and renamed into
   * place only when complete (and of `size` bytes, when given), so a failed
   * download never leaves a truncated file at the final path. With
   * `resume`, an interrupted attempt's temporary file is kept and the next
   * attempt continues it (REST), after checking its last `resumeCheck`
   * bytes against the server's. With `offset`, the local file itself is
   * resumed in place from that byte. `mtime` gives the file a modification
   * time before the rename.
   *
   * @param path The remote file.
   * @param destination A local path (string or file URL) or a writable stream.
   * @param options `size`, `resume`, `resumeCheck`, `keepTemporary`, `mtime`,
   * `offset`, `type`, `onProgress`, and a signal (see {@linkcode DownloadOptions}).
   * @returns The byte count, final reply, and where it resumed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const { bytes } = await client.downloadTo("backup.tar", "./backup.tar");
   * await client.downloadTo("big.iso", "./big.iso", {
   *   size: await client.size("big.iso"),
   *   resume: true,
   *   resumeCheck: 64 * 1024,
   *   onProgress: (p) => console.log(p.bytes, "of", p.total),
   * });
   * ```
   */
  downloadTo(path, destination, options = {}) {
    return this.#call("download", [
      path
    ], (ctx) => {
      const type = transferType(options.type);
      const offset = offsetOf(options.offset);
      const rateLimit = rateLimiterOf(options.rateLimit, "rateLimit");
      if (isWritableStream(destination)) {
        const into = ({ downloadIntoStream }) => downloadIntoStream(this.#require(), path, destination, {
          type,
          offset,
          signal: ctx.signal,
          rateLimit,
          hooks: (size) => this.#hooks(ctx, size ?? options.size, progressOf(options, offset, options.size ?? size))
        });
        return streaming.module ? into(streaming.module) : streaming.load().then(into);
      }
      const resume = options.resume === true;
      const single = () => downloadToFile(this.#require(), path, destination, {
        type,
        offset,
        resume,
        resumeCheck: options.resumeCheck ?? 0,
        keepTemporary: options.keepTemporary ?? resume,
        size: options.size,
        mtime: options.mtime,
        signal: ctx.signal,
        rateLimit,
        events: (size) => this.#hooks(ctx, size ?? options.size).progress,
        onProgress: options.onProgress,
        warn: (message) => this.#warn(message)
      });
      if ((options.segments ?? 1) === 1) return single();
      const session = this.#require();
      return (async () => {
        const [{ downloadSegmented }, { fetchRange }] = await Promise.all([
          segmented.module ?? segmented.load(),
          ranges.module ?? ranges.load()
        ]);
        return await downloadSegmented(session, path, destination, {
          segments: options.segments,
          resume,
          keepTemporary: options.keepTemporary ?? resume,
          size: options.size,
          mtime: options.mtime,
          signal: ctx.signal,
          events: (size) => this.#hooks(ctx, size ?? options.size).progress,
          onProgress: options.onProgress,
          warn: (message) => this.#warn(message),
          info: (message) => this.dispatchEvent(new FtpInfoEvent(message)),
          own: (session2) => ({
            // The call's limit is one budget for all its segments.
            fetch: (request) => fetchRange(session2, {
              ...request,
              rateLimit
            }),
            get usable() {
              return !session2.control.closed;
            },
            close: () => Promise.resolve()
          }),
          open: async (signal) => {
            const clone = await (options.segmentConnection?.(signal) ?? this.#clone(signal));
            return {
              fetch: (request) => clone.#fetchRange({
                ...request,
                rateLimit
              }),
              get usable() {
                return clone.state === "loggedIn";
              },
              close: () => clone.close()
            };
          },
          single
        });
      })();
    }, options, () => checkDownloadOptions(options, isWritableStream(destination)));
  }
  /** A new client with this one's options and login, for the segments of a download. */
  async #clone(signal) {
    const clone = new _FtpClient({
      ...this.#options,
      login: false,
      path: void 0,
      rateLimit: this.#require().settings.rateLimit
    });
    try {
      await clone.connect({
        signal
      });
      const [user, password, account] = this.#loginWith ?? [];
      await clone.login(user, password, account, {
        signal
      });
    } catch (error) {
      await clone.close();
      throw error;
    }
    return clone;
  }
  /** One segment of a segmented download, on this client (a clone). */
  #fetchRange(request) {
    return this.#call("download", [
      request.remote
    ], async (ctx) => {
      const session = this.#require();
      const { fetchRange } = ranges.module ?? await ranges.load();
      return await fetchRange(session, {
        ...request,
        signal: ctx.signal
      });
    }, {
      signal: request.signal
    });
  }
  upload(path, sourceOrOptions, maybeOptions) {
    if (isUploadSource(sourceOrOptions)) {
      const source = sourceOrOptions instanceof URL ? localFile(sourceOrOptions) : sourceOrOptions;
      return this.#uploadSource(path, source, maybeOptions ?? {});
    }
    const options = sourceOrOptions ?? {};
    return this.#call("upload", [
      path
    ], async (ctx) => {
      const type = transferType(options.type);
      const { uploadStream } = uploads.module ?? await uploads.load();
      const transfer = await this.#startUpload(path, options, ctx);
      const offset = offsetOf(options.offset);
      const hooks = this.#hooks(ctx, void 0, progressOf(options, offset, void 0));
      const { stream, finished } = uploadStream(transfer, type, hooks);
      ctx.hold(finished);
      return stream;
    }, options, () => {
      checkTransferOptions(options);
      checkUploadOptions(path, options);
    });
  }
  /**
   * Uploads a local file (the mirror of `downloadTo`). With `atomic`, the
   * bytes go to a temporary that is renamed over the target only once the
   * server holds all of them (SIZE), so the target never holds a part; with
   * `resume`, what the target (or the temporary) holds already is continued
   * (REST + STOR, or APPE); `mtime` sets the remote time (MFMT).
   *
   * @param localPath The local file.
   * @param path The remote file.
   * @param options `atomic`, `temporary`, `resume`, `keepTemporary`,
   * `checkSize`, `mtime`, `append`, `offset` (the local file is read from
   * the same byte), `type`, `onProgress`, signal (see
   * {@linkcode UploadOptions}).
   * @returns The byte count, final reply, and where it resumed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.uploadFrom("./dist/index.html", "www/index.html");
   * const info = await Deno.stat("./dist/app.js");
   * await client.uploadFrom("./dist/app.js", "www/app.js", {
   *   atomic: true, // www/app.js.ferry-part, renamed over www/app.js once whole
   *   mtime: info.mtime ?? undefined,
   * });
   * ```
   */
  uploadFrom(localPath2, path, options = {}) {
    return this.#uploadSource(path, localFile(localPath2), options);
  }
  #uploadSource(path, source, options) {
    return this.#call("upload", options.atomic ? [
      path,
      options.temporary ?? path
    ] : [
      path
    ], async (ctx) => {
      const { uploadSource } = sourceUploads.module ?? await sourceUploads.load();
      return await uploadSource(this.#require(), path, source, {
        ...sourceUploadOptions(options),
        type: transferType(options.type),
        offset: offsetOf(options.offset),
        signal: ctx.signal,
        rateLimit: rateLimiterOf(options.rateLimit, "rateLimit"),
        events: (total) => this.#hooks(ctx, total).progress,
        onProgress: options.onProgress,
        warn: (message) => this.#warn(message)
      });
    }, options, () => {
      checkTransferOptions(options);
      checkUploadOptions(path, options, source);
    });
  }
  #startUpload(path, options, ctx, earlyData = false) {
    const session = this.#require();
    const type = transferType(options.type);
    const rateLimit = rateLimiterOf(options.rateLimit, "rateLimit");
    return options.append ? session.appe(path, {
      type,
      signal: ctx.signal,
      rateLimit,
      earlyData
    }) : session.stor(path, {
      type,
      offset: offsetOf(options.offset),
      signal: ctx.signal,
      rateLimit,
      earlyData
    });
  }
  /**
   * Queues QUIT: after the calls queued before it, says goodbye and closes
   * (QFtp's `close()`).
   *
   * @param options A signal to cancel.
   * @returns Resolves when closed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * const client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.quit();
   * ```
   */
  quit(options = {}) {
    return this.#call("quit", [], async () => {
      const session = this.#require("connected");
      this.#setState("closing");
      try {
        await session.quit();
      } finally {
        this.#dropSession();
      }
    }, options);
  }
  /**
   * Closes now. Queued calls reject with `FtpAbortError`. A running call is
   * aborted and given a short grace (a tenth of the reply timeout, between
   * 250 ms and 1 s) to wind down, else the connection is dropped. Then
   * QUIT, whose goodbye is awaited for the same grace at most: leaving does
   * not depend on it. Idempotent, and what `await using` calls.
   *
   * @returns Resolves when closed.
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * const client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * await client.close();
   * await client.close(); // no-op
   * ```
   */
  close() {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }
  async #shutDown() {
    const reason = new FtpAbortError("The client was closed");
    this.#queue.clearPending(reason);
    this.#queue.abortCurrent(reason);
    let timer;
    const grace = new Promise((resolve) => {
      timer = startTimer(graceMs(this.#options.replyTimeout ?? 3e4), () => resolve(false));
    });
    const settled = await Promise.race([
      this.#queue.currentSettled().then(() => true),
      grace
    ]);
    timer?.clear();
    const session = this.#session;
    if (!session || session.control.closed || !settled) {
      session?.control.close(new FtpConnectionError("not-connected", "The client was closed"));
      return this.#dropSession();
    }
    this.#setState("closing");
    try {
      await session.quit(graceMs(session.control.replyTimeout));
    } catch {
    } finally {
      this.#dropSession();
    }
  }
  /**
   * Aborts the running command (a transfer gets ABOR) and clears the queue,
   * as QFtp's `abort()`. Each affected call rejects with `FtpAbortError`; the
   * client stays connected.
   *
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const pending = client.downloadTo("huge.iso", "./huge.iso");
   * setTimeout(() => client.abort(), 1000);
   * await pending.catch((e) => console.log(e.name)); // "AbortError"
   * ```
   */
  abort() {
    const reason = new FtpAbortError("Aborted by abort()");
    this.#queue.clearPending(reason);
    this.#queue.abortCurrent(reason);
  }
  /**
   * Rejects every queued call that has not started yet with
   * `FtpAbortError` (QFtp's `clearPendingCommands`). The running call goes on.
   *
   * @example
   * ```ts
   * import { FtpClient } from "@ferry/ftp";
   * await using client = await FtpClient.connect("ftp://127.0.0.1:2121");
   * const later = client.noop();
   * client.clearPending();
   * await later.catch((e) => console.log(e.name)); // "AbortError"
   * ```
   */
  clearPending() {
    this.#queue.clearPending(new FtpAbortError("Removed from the queue by clearPending()"));
  }
  /** Closes the client; see `close()`. */
  [Symbol.asyncDispose]() {
    return this.close();
  }
  addEventListener(type, listener, options) {
    if (listener) this.#heard.add(type);
    super.addEventListener(type, listener, options);
  }
  /**
   * Dispatches the event `make` makes, if anyone ever listened to `type`:
   * a small file's transfer has eight events (replies, progress, command
   * start and end), which cost more to make than nobody hearing them.
   */
  #emit(type, make) {
    if (this.#heard.has(type)) this.dispatchEvent(make());
  }
  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
  }
  // ---- Internals ------------------------------------------------------------
  /**
   * Validates the arguments and options, then queues. Bad input rejects at
   * once with `FtpInputError` (id 0): nothing is queued, nothing is sent.
   */
  #call(kind, args, run, options, check, ownsAbort = OWNS_ABORT.has(kind), argsAreCommands = kind === "send") {
    try {
      for (const arg of args) {
        if (argsAreCommands) assertSafeArgument(arg, "command", redactCommand(arg));
        else assertSafeArgument(arg, "path");
        if (this.#codec.encoding !== "utf-8") this.#codec.encode(arg);
      }
      check?.();
    } catch (error) {
      return Object.assign(Promise.reject(error), {
        id: 0
      });
    }
    const work = DATA_COMMANDS.has(kind) && this.#policy ? (ctx) => this.#dataCommand(ctx, () => run(ctx)) : run;
    return this.#queue.enqueue(kind, work, options.signal, ownsAbort);
  }
  async #open(ctx) {
    if (this.#session && !this.#session.control.closed) {
      throw new FtpInputError("Already connected; close() before connecting again");
    }
    if (!/^[\d.]+$|:/.test(this.#plan.host)) this.#setState("hostLookup");
    this.#setState("connecting");
    if (this.#plan.tls && !this.#plan.tls.verify) {
      this.#warn("TLS certificate verification is off (tls.verify: false): any certificate is accepted");
    }
    const hooks = {
      transferMode: this.#transferMode,
      signal: ctx.signal,
      onReply: (reply) => this.#emit("reply", () => new FtpReplyEvent(reply, this.#queue.current?.id ?? 0))
    };
    try {
      await this.#policy?.beforeConnect(this.#options.connectTimeout ?? 15e3, ctx.signal);
      try {
        this.#session = await openSession(this.#plan, this.#policy, hooks);
      } catch (error) {
        if (!this.#policy?.retryConnect(error)) throw error;
        this.#session = await openSession(this.#plan, this.#policy, hooks);
      }
    } catch (error) {
      this.#policy?.failed();
      this.#setState("unconnected");
      throw error;
    }
    this.#setState("connected");
  }
  /**
   * After a login on Deno's TLS, when nobody in the process knows yet
   * whether the server requires TLS session reuse: a listing finds out, and
   * if it does, the client logs in again on Node's TLS. So connect() ends
   * on the TLS engine that works, and its first transfer is not refused.
   */
  async #settleDataTls(ctx, session) {
    const policy = this.#policy;
    if (!policy) return;
    await policy.afterLogin(session.dataProtected, () => probeDataTls(session, ctx.signal));
    if (policy.switchNeeded) await this.#useResumingEngine(ctx);
  }
  /**
   * Runs a command that opens data connections under the data-channel TLS
   * policy. When the server turns out to require TLS session reuse (or is
   * known to), and Deno's TLS is in use, the client moves to Node's TLS
   * first: reconnects (same user, same directory) and runs the work, once.
   * Refusals of a data connection's TLS reach the caller named as such.
   */
  async #dataCommand(ctx, work) {
    const policy = this.#policy;
    if (policy.switchNeeded && this.#session) await this.#useResumingEngine(ctx);
    policy.startCommand();
    try {
      const result = await work();
      policy.succeeded();
      return result;
    } catch (error) {
      const failure = policy.classify(error);
      if (!policy.switchNeeded || !this.#session) throw failure;
      await this.#useResumingEngine(ctx);
      policy.startCommand();
      const result = await work();
      policy.succeeded();
      return result;
    }
  }
  async #useResumingEngine(ctx) {
    const directory = this.#session?.knownDirectory;
    this.#policy.useResumingEngine();
    await this.#reconnect(ctx, directory);
  }
  /**
   * Logs the session in. A server that mishandled the commands the login
   * sends together (see the `pipelining` option) now gets one at a time:
   * the login is tried once more, on a new connection.
   */
  async #loginOnce(ctx, session, credentials) {
    try {
      await loginSession(session, this.#plan, credentials);
    } catch (error) {
      if (!isPipeliningFailure(error) || ctx.signal.aborted) throw error;
      this.#warn(`${error.message}; logging in again`);
      session.control.close();
      this.#session = void 0;
      await this.#open(ctx);
      await loginSession(this.#session, this.#plan, credentials);
    }
  }
  /** Replaces the session with a new one: connect, log in, return to `directory`. */
  async #reconnect(ctx, directory) {
    this.#session?.control.close();
    this.#session = void 0;
    await this.#open(ctx);
    await loginSession(this.#session, this.#plan, this.#credentials);
    this.#setState("loggedIn");
    if (directory !== void 0) await this.#session.cwd(directory);
  }
  #require(state = "loggedIn") {
    const session = this.#session;
    if (!session || session.control.closed) {
      throw new FtpConnectionError("not-connected", "Not connected: call connect() first");
    }
    if (state === "loggedIn" && this.#state !== "loggedIn") {
      throw new FtpConnectionError("not-logged-in", "Not logged in: the login failed or has not happened yet; call login() first");
    }
    return session;
  }
  #dropSession() {
    this.#session?.control.close();
    this.#session = void 0;
    this.#setState("unconnected");
  }
  #setState(state) {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.dispatchEvent(new FtpStateChangedEvent(state, previous));
  }
  get #maxListingBytes() {
    return this.#options.maxListingBytes ?? DEFAULT_MAX_LISTING_BYTES;
  }
  #maxBytes(options) {
    return options.maxBytes ?? this.#maxListingBytes;
  }
  /** How listings ask for dot-files (the `listHidden` option), and where a refusal is told. */
  get #dotFiles() {
    return {
      ask: this.#options.listHidden ?? true,
      warn: (message) => this.#warn(message)
    };
  }
  #warn(message) {
    this.dispatchEvent(new FtpWarningEvent(message));
  }
  /**
   * Progress of one transfer: the client-wide `progress` event (bytes
   * moved, from 0 now), and the call's own `onProgress` when given
   * (`perCall`, which counts from the transfer's offset).
   */
  #hooks(ctx, total, perCall) {
    this.#emit("progress", () => new FtpProgressEvent(ctx.id, 0, total));
    perCall?.(0);
    return {
      signal: ctx.signal,
      progress: (bytes) => {
        this.#emit("progress", () => new FtpProgressEvent(ctx.id, bytes, total));
        perCall?.(bytes);
      }
    };
  }
};
function progressOf(options, offset, total) {
  const report = options.onProgress;
  if (!report) return void 0;
  return (moved) => report({
    bytes: offset + moved,
    offset,
    total
  });
}
var OWNS_ABORT = /* @__PURE__ */ new Set([
  "download",
  "upload",
  "list",
  "nlst"
]);
var DATA_COMMANDS = /* @__PURE__ */ new Set([
  "download",
  "upload",
  "list",
  "nlst",
  "rmdir"
]);
var DEFAULT_MAX_LISTING_BYTES = 256 * 1024 * 1024;
function checkDataCommand(command, direction, options) {
  checkTransferOptions(options);
  if (options.append) {
    throw new FtpInputError("append is for upload(); with uploadCommand, send APPE yourself");
  }
  if (isUploadVerb(command) !== (direction === "upload")) {
    throw new FtpInputError(direction === "upload" ? `"${redactCommand(command)}" sends data to the client: use downloadCommand()` : `"${redactCommand(command)}" sends data to the server: use uploadCommand()`);
  }
  try {
    assertRawCommand(command);
  } catch (error) {
    if (!/needs a data connection/.test(error.message)) throw error;
  }
}
function anonymousRefusal(error) {
  if (error instanceof FtpReplyError) {
    error.message += ". This was an anonymous login, because no user was given: pass user and password, or connect with { login: false } and call login() yourself";
  }
  return error;
}

// src/cli/_format.ts
function formatBytes(bytes) {
  if (bytes < 1e3) return `${bytes} B`;
  const units = [
    "kB",
    "MB",
    "GB",
    "TB"
  ];
  let value = bytes / 1e3;
  let unit = 0;
  while (value >= 1e3 && unit < units.length - 1) {
    value /= 1e3;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
function formatDuration(ms) {
  if (ms < 1e3) return `${Math.round(ms)} ms`;
  if (ms < 6e4) return `${(ms / 1e3).toFixed(1)} s`;
  const s = Math.round(ms / 1e3);
  return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
}
function formatEta(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor(s % 3600 / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
function fit(text, width) {
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, Math.max(0, width));
  return text.slice(0, width - 1) + "\u2026";
}

export {
  FtpClient,
  formatBytes,
  formatDuration,
  formatEta,
  fit
};
