import {
  delay
} from "./chunk-W4H3KNTN.js";
import {
  crlfToLf,
  lfToCrlf
} from "./chunk-YAX2L4F7.js";
import {
  EXIT_INTERRUPTED,
  UsageError,
  withInterrupt
} from "./chunk-IGADUVIL.js";
import "./chunk-KOF6ERUA.js";
import {
  ChunkQueue
} from "./chunk-P22UIT5E.js";
import {
  parseEprtArgument,
  parsePortArgument
} from "./chunk-ZZKKPKQ6.js";
import {
  writeAll
} from "./chunk-IOE4GXSG.js";
import {
  closeQuietly
} from "./chunk-OKDFGV22.js";
import {
  canonicalHost,
  hostForUrl,
  isIpv6,
  sameHost
} from "./chunk-RK3YRUIX.js";
import {
  formatTimeVal,
  parseTimeVal
} from "./chunk-Q64DFV4C.js";
import {
  redactCommand
} from "./chunk-67NZJHGR.js";
import "./chunk-UN72SBEK.js";

// src/testing/_commands_hash.ts
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
var ALGORITHMS = [
  "SHA-256",
  "SHA-512",
  "SHA-1",
  "MD5",
  "CRC32"
];
var NODE_NAMES = {
  "SHA-256": "sha256",
  "SHA-512": "sha512",
  "SHA-1": "sha1",
  MD5: "md5"
};
var chosen = /* @__PURE__ */ new WeakMap();
function hashFeatures(session) {
  const current = chosen.get(session) ?? ALGORITHMS[0];
  const list = ALGORITHMS.map((a) => a === current ? `${a}*` : a).join(";");
  return [
    [
      `HASH ${list};`,
      [
        "HASH"
      ]
    ],
    [
      "XCRC",
      [
        "XCRC"
      ]
    ],
    [
      "XMD5",
      [
        "XMD5"
      ]
    ],
    [
      "XSHA1",
      [
        "XSHA1"
      ]
    ],
    [
      "XSHA256",
      [
        "XSHA256"
      ]
    ],
    [
      "XSHA512",
      [
        "XSHA512"
      ]
    ]
  ];
}
async function optsHash(session, value) {
  if (session.server.disabled.has("HASH")) {
    return await session.reply(502, "HASH is not implemented on this server");
  }
  if (value === "") return await session.reply(200, chosen.get(session) ?? ALGORITHMS[0]);
  const algorithm = ALGORITHMS.find((a) => a === value.toUpperCase());
  if (!algorithm) return await session.reply(501, `Unknown algorithm ${value}`);
  chosen.set(session, algorithm);
  await session.reply(200, algorithm);
}
async function checksum(path, algorithm) {
  using file = await Deno.open(path);
  let size = 0;
  if (algorithm === "CRC32") {
    let crc = 0;
    for await (const chunk of file.readable) {
      crc = crc32(chunk, crc);
      size += chunk.length;
    }
    return [
      crc.toString(16).padStart(8, "0"),
      size
    ];
  }
  const hash = createHash(NODE_NAMES[algorithm]);
  for await (const chunk of file.readable) {
    hash.update(chunk);
    size += chunk.length;
  }
  return [
    hash.digest("hex"),
    size
  ];
}
async function regularFile(session, argument) {
  if (argument === "") {
    await session.reply(501, "Give a file name");
    return void 0;
  }
  const fs = session.server.fs;
  const real = await fs.existing(fs.resolve(session.cwd, argument));
  if ((await Deno.stat(real)).isFile) return real;
  await session.reply(553, `${argument}: Not a regular file`);
  return void 0;
}
function xCommand(algorithm) {
  return {
    async run(session, argument) {
      const name = /^".*"$/.test(argument) ? argument.slice(1, -1) : argument;
      const real = await regularFile(session, name);
      if (real === void 0) return;
      const [digest] = await checksum(real, algorithm);
      await session.reply(250, digest.toUpperCase());
    }
  };
}
var HASH_VERBS = [
  "HASH",
  "XSHA256",
  "XSHA512",
  "XSHA1",
  "XMD5",
  "XCRC"
];
var hashCommands = {
  HASH: {
    async run(session, argument) {
      const real = await regularFile(session, argument);
      if (real === void 0) return;
      const algorithm = chosen.get(session) ?? ALGORITHMS[0];
      const [digest, size] = await checksum(real, algorithm);
      await session.reply(213, `${algorithm} 0-${size} ${digest} ${argument}`);
    }
  },
  XSHA256: xCommand("SHA-256"),
  XSHA512: xCommand("SHA-512"),
  XSHA1: xCommand("SHA-1"),
  XMD5: xCommand("MD5"),
  XCRC: xCommand("CRC32")
};

// src/testing/_listing_format.ts
var MLST_FACTS = [
  "type",
  "size",
  "modify",
  "perm",
  "unix.mode"
];
var MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec"
];
var HALF_YEAR_MS = 15778476e3;
function modeOf(info) {
  return info.mode ?? (info.isDirectory ? 493 : 420);
}
function rwx(mode) {
  const letters = "rwxrwxrwx";
  let out = "";
  for (let bit = 0; bit < 9; bit++) {
    out += mode & 256 >> bit ? letters[bit] : "-";
  }
  return out;
}
function lsDate(date, now) {
  const age = now.getTime() - date.getTime();
  const recent = age >= 0 && age < HALF_YEAR_MS;
  const day = String(date.getUTCDate()).padStart(2, " ");
  const tail = recent ? `${String(date.getUTCHours()).padStart(2, "0")}:${String(date.getUTCMinutes()).padStart(2, "0")}` : String(date.getUTCFullYear()).padStart(5, " ");
  return `${MONTHS[date.getUTCMonth()]} ${day} ${tail}`;
}
function unixListLine(entry, now) {
  const { info } = entry;
  const type = info.isSymlink ? "l" : info.isDirectory ? "d" : "-";
  const permissions = info.isSymlink ? "rwxrwxrwx" : rwx(modeOf(info));
  const links = String(info.nlink ?? 1).padStart(3, " ");
  const size = String(info.size).padStart(12, " ");
  const date = lsDate(info.mtime ?? /* @__PURE__ */ new Date(0), now);
  const name = info.isSymlink && entry.linkTarget !== void 0 ? `${entry.name} -> ${entry.linkTarget}` : entry.name;
  return `${type}${permissions} ${links} ftp      ftp      ${size} ${date} ${name}`;
}
var LIST_FORMATS = {
  unix: unixListLine
};
var FACT_VALUE = /^[A-Za-z0-9,.:!@#$%^&()\-_+?/\\'"]+$/;
function mlsxFacts(entry, selected, role) {
  const { info } = entry;
  const values = {
    modify: timeVal(info.mtime)
  };
  if (info.isSymlink) {
    const target = entry.linkTarget;
    values.type = target !== void 0 && FACT_VALUE.test(target) ? `OS.unix=slink:${target}` : "OS.unix=symlink";
  } else {
    const mode = modeOf(info);
    const writable = (mode & 128) !== 0;
    values.type = role ?? (info.isDirectory ? "dir" : info.isFile ? "file" : "OS.unix=special");
    values.size = info.isFile ? String(info.size) : void 0;
    values.perm = info.isDirectory ? writable ? "cdeflmp" : "el" : writable ? "adfrw" : "r";
    values["unix.mode"] = "0" + (mode & 4095).toString(8).padStart(3, "0");
  }
  let out = "";
  for (const fact of MLST_FACTS) {
    const value = values[fact];
    if (value !== void 0 && selected.has(fact)) out += `${fact}=${value};`;
  }
  return out;
}
function timeVal(date) {
  if (!date) return void 0;
  try {
    return formatTimeVal(date);
  } catch {
    return void 0;
  }
}
function mlstFeature(selected) {
  return "MLST " + MLST_FACTS.map((f) => `${f}${selected.has(f) ? "*" : ""};`).join("");
}

// src/testing/_abortable.ts
function sleep(ms, signal) {
  if (signal.aborted || !(ms > 0)) return Promise.resolve();
  return delay(ms, {
    signal
  }).catch(() => {
  });
}
function untilAborted(signal) {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener("abort", () => resolve(), {
      once: true
    });
  });
}
function within(promise, ms, signal) {
  if (signal.aborted) return Promise.resolve({
    ok: false,
    reason: "aborted"
  });
  return new Promise((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    const finish = (result) => {
      settle();
      resolve(result);
    };
    const onAbort = () => finish({
      ok: false,
      reason: "aborted"
    });
    const timer = setTimeout(() => finish({
      ok: false,
      reason: "timeout"
    }), ms);
    signal.addEventListener("abort", onAbort, {
      once: true
    });
    promise.then((value) => finish({
      ok: true,
      value
    }), (error) => {
      settle();
      reject(error);
    });
  });
}

// src/testing/_control_channel.ts
var MAX_LINE_BYTES = 4096;
var CR = 13;
var LF = 10;
var NUL = 0;
var IAC = 255;
var WILL = 251;
var DONT = 254;
var FIRST_TELNET_COMMAND = 240;
var LineSplitter = class {
  #line = new Uint8Array(MAX_LINE_BYTES);
  #length = 0;
  #overflow = false;
  #afterCr = false;
  /** Feeds received bytes; returns the lines they complete. */
  push(bytes) {
    return this.pushUntil(bytes, () => false).inputs;
  }
  /**
   * Feeds received bytes, stopping right after the first input for which
   * `stop` is true (AUTH TLS: what follows it is the TLS handshake, not
   * command text).
   *
   * @returns The inputs completed, and the bytes after the stopping input,
   * or `undefined` as `rest` if none stopped.
   */
  pushUntil(bytes, stop) {
    const inputs = [];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (this.#afterCr) {
        this.#afterCr = false;
        if (byte === LF || byte === NUL) continue;
      }
      if (byte === CR || byte === LF) {
        this.#afterCr = byte === CR;
        const input = this.#overflow ? {
          kind: "too-long"
        } : {
          kind: "line",
          text: decodeCommandLine(this.#line.subarray(0, this.#length))
        };
        inputs.push(input);
        this.#length = 0;
        this.#overflow = false;
        if (stop(input)) {
          let next = i + 1;
          if (this.#afterCr && (bytes[next] === LF || bytes[next] === NUL)) {
            this.#afterCr = false;
            next++;
          }
          return {
            inputs,
            rest: bytes.subarray(next)
          };
        }
      } else if (this.#length < MAX_LINE_BYTES) {
        this.#line[this.#length++] = byte;
      } else {
        this.#overflow = true;
      }
    }
    return {
      inputs,
      rest: void 0
    };
  }
};
var decoder = new TextDecoder();
function decodeCommandLine(bytes) {
  if (!bytes.includes(IAC)) return decoder.decode(bytes);
  const kept = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== IAC) {
      kept.push(bytes[i]);
      continue;
    }
    const next = bytes[i + 1];
    if (next === IAC) {
      kept.push(IAC);
      i++;
    } else if (next >= WILL && next <= DONT) {
      i += 2;
    } else if (next >= FIRST_TELNET_COMMAND) {
      i++;
    }
  }
  return decoder.decode(Uint8Array.from(kept));
}
function formatReply(code, text) {
  const lines = (typeof text === "string" ? text.split("\n") : [
    ...text
  ]).map((line) => line.replace(/[\r\n]/g, " "));
  if (lines.length === 1) return `${code} ${lines[0]}\r
`;
  const last = lines.length - 1;
  return lines.map((line, i) => {
    if (i === 0) return `${code}-${line}`;
    if (i === last) return `${code} ${line}`;
    return /^\d{3}[ -]/.test(line) ? ` ${line}` : line;
  }).join("\r\n") + "\r\n";
}
var SessionEnded = class extends Error {
  /** Creates the marker error. */
  constructor() {
    super("The control connection is closed");
    this.name = "SessionEnded";
  }
};
var encoder = new TextEncoder();
var ReplyWriter = class {
  #written = 0;
  #conn;
  #faults;
  #signal;
  #drop;
  /**
   * @param conn The control connection.
   * @param faults Reads the current faults.
   * @param signal Aborts when the session ends.
   * @param drop Closes the session (for `controlDropAfterBytes`).
   */
  constructor(conn, faults, signal, drop) {
    this.#conn = conn;
    this.#faults = faults;
    this.#signal = signal;
    this.#drop = drop;
  }
  /** Sends the replies from now on over `conn` (the control connection after AUTH TLS). */
  switchTo(conn) {
    this.#conn = conn;
  }
  /**
   * Sends raw reply text.
   *
   * @throws {SessionEnded} If the connection is, or gets, closed.
   */
  async send(text) {
    const faults = this.#faults();
    if (faults.replyDelayMs) await sleep(faults.replyDelayMs, this.#signal);
    if (this.#signal.aborted) throw new SessionEnded();
    let bytes = encoder.encode(text);
    const limit = faults.controlDropAfterBytes;
    const cut = limit !== void 0 && this.#written + bytes.length > limit;
    if (cut) bytes = bytes.subarray(0, Math.max(0, limit - this.#written));
    try {
      await writeAll(this.#conn, bytes);
    } catch {
      throw new SessionEnded();
    }
    this.#written += bytes.length;
    if (cut) {
      this.#drop();
      throw new SessionEnded();
    }
  }
};

// src/testing/_command_fault.ts
function unlessAborted(promise, signal) {
  if (signal.aborted) return Promise.resolve(void 0);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(void 0);
    signal.addEventListener("abort", onAbort, {
      once: true
    });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
async function applyCommandFault(faults, command, target) {
  const hook = faults.onCommand;
  if (!hook) return false;
  const asked = Promise.resolve().then(() => hook(command));
  asked.catch(() => {
  });
  let action;
  try {
    action = await unlessAborted(asked, target.signal);
  } catch (error) {
    await target.send(formatReply(451, `Fault hook failed: ${String(error)}`));
    return true;
  }
  if (target.signal.aborted) throw new SessionEnded();
  if (!action) return false;
  if (action.delayMs) await sleep(action.delayMs, target.signal);
  if (action.drop) target.close();
  else if (action.stall) await untilAborted(target.signal);
  if (target.signal.aborted) throw new SessionEnded();
  if (action.reply === void 0) return false;
  await target.send(action.reply);
  return true;
}

// src/testing/_commands_login.ts
var ANONYMOUS_NAMES = /* @__PURE__ */ new Set([
  "anonymous",
  "ftp"
]);
function isAnonymous(session, name) {
  return session.server.anonymous && ANONYMOUS_NAMES.has(name.toLowerCase()) && !session.server.users.has(name);
}
function resetLogin(session) {
  session.user = void 0;
  session.loggedIn = false;
  session.expectedAccount = void 0;
}
async function refusedInPlainText(session) {
  if (!session.server.requireTls || session.tlsActive) return false;
  await session.reply(530, "This server requires TLS: send AUTH TLS before logging in");
  return true;
}
async function logIn(session) {
  session.loggedIn = true;
  session.expectedAccount = void 0;
  await session.reply(230, `User ${session.user} logged in`);
}
var loginCommands = {
  USER: {
    beforeLogin: true,
    async run(session, name) {
      if (await refusedInPlainText(session)) return;
      if (name === "") return await session.reply(501, "USER needs a user name");
      resetLogin(session);
      session.user = name;
      await session.reply(331, isAnonymous(session, name) ? "Anonymous login okay, send your e-mail address as password" : `Password required for ${name}`);
    }
  },
  PASS: {
    beforeLogin: true,
    async run(session, password) {
      if (await refusedInPlainText(session)) return;
      if (session.loggedIn) return await session.reply(202, "Already logged in");
      const name = session.user;
      if (name === void 0) return await session.reply(503, "Send USER first");
      if (session.expectedAccount !== void 0) {
        return await session.reply(503, "Send ACCT next");
      }
      const user = session.server.users.get(name);
      if (user ? user.password !== password : !isAnonymous(session, name)) {
        resetLogin(session);
        return await session.reply(530, "Login incorrect");
      }
      if (user?.account !== void 0) {
        session.expectedAccount = user.account;
        return await session.reply(332, "Need account for login");
      }
      await logIn(session);
    }
  },
  ACCT: {
    beforeLogin: true,
    async run(session, account) {
      if (await refusedInPlainText(session)) return;
      if (session.user === void 0) return await session.reply(503, "Send USER first");
      if (session.loggedIn) return await session.reply(202, "No account needed");
      if (session.expectedAccount === void 0) {
        return await session.reply(503, "Send PASS first");
      }
      if (account !== session.expectedAccount) {
        resetLogin(session);
        return await session.reply(530, "Login incorrect");
      }
      await logIn(session);
    }
  },
  QUIT: {
    beforeLogin: true,
    async run(session) {
      session.quit();
      await session.reply(221, "Goodbye");
    }
  }
};

// src/testing/_transfer_pump.ts
var Watchdog = class {
  reason;
  #moved = false;
  #paused = false;
  #conn;
  #signal;
  #timer;
  #onAbort = () => this.#stop("aborted");
  constructor(pipe) {
    this.#conn = pipe.conn;
    this.#signal = pipe.signal;
    this.#signal.addEventListener("abort", this.#onAbort, {
      once: true
    });
    if (this.#signal.aborted) this.#stop("aborted");
    this.#timer = setInterval(() => {
      if (!this.#moved && !this.#paused) this.#stop("timed-out");
      this.#moved = false;
    }, pipe.idleTimeoutMs);
  }
  moved() {
    this.#moved = true;
  }
  /** A stall is deliberate: it must not time out on the server side. */
  pause() {
    this.#paused = true;
  }
  dispose() {
    clearInterval(this.#timer);
    this.#signal.removeEventListener("abort", this.#onAbort);
  }
  #stop(reason) {
    this.reason ??= reason;
    closeQuietly(this.#conn);
  }
};
function allowance(pipe, moved) {
  let limit = Infinity;
  if (pipe.dropAfterBytes !== void 0) limit = Math.min(limit, pipe.dropAfterBytes);
  if (pipe.stallAfterBytes !== void 0) limit = Math.min(limit, pipe.stallAfterBytes);
  return Math.max(0, limit - moved);
}
async function atLimit(pipe, watchdog, moved, waitForPeer) {
  if (pipe.dropAfterBytes !== void 0 && moved >= pipe.dropAfterBytes) {
    closeQuietly(pipe.conn);
    return "dropped";
  }
  watchdog.pause();
  if (!waitForPeer) {
    await untilAborted(pipe.signal);
    return watchdog.reason ?? "aborted";
  }
  const scratch = new Uint8Array(512);
  try {
    while (await pipe.conn.read(scratch) !== null) {
    }
  } catch {
  }
  return watchdog.reason ?? "peer-closed";
}
async function sendChunks(pipe, chunks) {
  const watchdog = new Watchdog(pipe);
  let sent = 0;
  try {
    for await (const chunk of chunks) {
      if (watchdog.reason) return watchdog.reason;
      const room = allowance(pipe, sent);
      const piece = room < chunk.length ? chunk.subarray(0, room) : chunk;
      try {
        await writeAll(pipe.conn, piece);
      } catch {
        return watchdog.reason ?? "peer-closed";
      }
      sent += piece.length;
      watchdog.moved();
      if (piece.length < chunk.length) return await atLimit(pipe, watchdog, sent, true);
    }
    return watchdog.reason ?? "complete";
  } finally {
    watchdog.dispose();
  }
}
async function receiveChunks(pipe, sink) {
  const watchdog = new Watchdog(pipe);
  let received = 0;
  try {
    for (; ; ) {
      const room = allowance(pipe, received);
      if (room === 0) return await atLimit(pipe, watchdog, received, false);
      let n;
      try {
        n = await pipe.conn.read(pipe.buffer.subarray(0, Math.min(room, pipe.buffer.length)));
      } catch {
        return watchdog.reason ?? "peer-closed";
      }
      if (n === null) return watchdog.reason ?? "complete";
      received += n;
      watchdog.moved();
      await sink(pipe.buffer.subarray(0, n));
    }
  } finally {
    watchdog.dispose();
  }
}

// src/testing/_commands_listing.ts
var LS_OPTION = /^-[A-Za-z0-9]+(?: +|$)/;
function lsArgument(argument, readOptions = true) {
  if (!readOptions) return {
    path: argument,
    all: false
  };
  let rest = argument;
  let all = false;
  for (; ; ) {
    const match = LS_OPTION.exec(rest);
    if (!match) return {
      path: rest,
      all
    };
    all ||= match[0].includes("a");
    rest = rest.slice(match[0].length);
  }
}
async function shownEntries(session, argument) {
  const { path, all } = lsArgument(argument, session.server.listOptions);
  const { virtual, real, isDirectory, entries } = await entriesOf(session, path);
  if (!session.server.hideDotFiles || !isDirectory) return {
    path,
    isDirectory,
    entries
  };
  if (!all) return {
    path,
    isDirectory,
    entries: entries.filter((e) => !e.name.startsWith("."))
  };
  const fs = session.server.fs;
  const parent = await fs.existing(fs.resolve(virtual, ".."));
  return {
    path,
    isDirectory,
    entries: [
      await fs.describe(real, "."),
      await fs.describe(parent, ".."),
      ...entries
    ]
  };
}
async function entriesOf(session, argument) {
  const fs = session.server.fs;
  const virtual = fs.resolve(session.cwd, argument);
  const real = await fs.existing(virtual);
  if ((await Deno.stat(real)).isDirectory) {
    return {
      virtual,
      real,
      isDirectory: true,
      entries: await fs.list(real)
    };
  }
  return {
    virtual,
    real,
    isDirectory: false,
    entries: [
      await fs.describeVirtual(virtual)
    ]
  };
}
function listLines(session, entries) {
  const format = LIST_FORMATS[session.server.listFormat];
  const now = /* @__PURE__ */ new Date();
  return entries.map((entry) => format(entry, now));
}
async function sendFaultListing(session, verb, argument) {
  const path = session.server.fs.resolve(session.cwd, argument);
  const lines = session.server.faults().listing?.({
    verb,
    path,
    session: session.id
  });
  if (lines === void 0) return false;
  await session.transfer("Opening ASCII mode data connection for file list", (pipe) => sendChunks(pipe, batched(lines)));
  return true;
}
async function* batched(lines) {
  const encoder2 = new TextEncoder();
  const crlf = encoder2.encode("\r\n");
  let parts = [];
  let size = 0;
  for await (const line of lines) {
    const bytes = typeof line === "string" ? encoder2.encode(line) : line;
    parts.push(bytes, crlf);
    size += bytes.length + 2;
    if (size >= 65536) {
      yield concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield concat(parts, size);
}
function concat(parts, size) {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
async function sendListing(session, lines) {
  const bytes = new TextEncoder().encode(lines.map((line) => `${line}\r
`).join(""));
  await session.transfer(`Opening ASCII mode data connection for file list (${bytes.length} bytes)`, (pipe) => sendChunks(pipe, [
    bytes
  ]));
}
async function statPath(session, argument) {
  const { virtual, entries } = await entriesOf(session, lsArgument(argument).path);
  await session.reply(213, [
    `Status of ${virtual}:`,
    ...listLines(session, entries),
    "End of status"
  ]);
}
var listingCommands = {
  LIST: {
    transfer: true,
    async run(session, argument) {
      const path = lsArgument(argument, session.server.listOptions).path;
      if (await sendFaultListing(session, "LIST", path)) return;
      const { entries } = await shownEntries(session, argument);
      await sendListing(session, listLines(session, entries));
    }
  },
  NLST: {
    transfer: true,
    async run(session, argument) {
      const path = lsArgument(argument, session.server.listOptions).path;
      if (await sendFaultListing(session, "NLST", path)) return;
      const { isDirectory, entries } = await shownEntries(session, argument);
      await sendListing(session, isDirectory ? entries.map((e) => e.name) : [
        path
      ]);
    }
  },
  MLSD: {
    transfer: true,
    async run(session, argument) {
      if (await sendFaultListing(session, "MLSD", argument)) return;
      const fs = session.server.fs;
      const { virtual, real, isDirectory, entries } = await entriesOf(session, argument);
      if (!isDirectory) return await session.reply(501, `${argument}: not a directory`);
      const facts = session.mlstFacts;
      const parent = await fs.existing(fs.resolve(virtual, ".."));
      const lines = [
        `${mlsxFacts(await fs.describe(real, "."), facts, "cdir")} .`,
        `${mlsxFacts(await fs.describe(parent, ".."), facts, "pdir")} ..`,
        ...entries.map((entry) => `${mlsxFacts(entry, facts)} ${entry.name}`)
      ];
      await sendListing(session, lines);
    }
  },
  MLST: {
    async run(session, argument) {
      const fs = session.server.fs;
      const virtual = fs.resolve(session.cwd, argument);
      await fs.existing(virtual);
      const entry = await fs.describeVirtual(virtual);
      await session.reply(250, [
        `Listing ${virtual}`,
        ` ${mlsxFacts(entry, session.mlstFacts)} ${virtual}`,
        "End"
      ]);
    }
  }
};

// src/testing/_commands_control.ts
function features(session) {
  const offered = [
    [
      "EPRT",
      [
        "EPRT"
      ]
    ],
    [
      "EPSV",
      [
        "EPSV"
      ]
    ],
    [
      "MDTM",
      [
        "MDTM"
      ]
    ],
    [
      "MFMT",
      [
        "MFMT"
      ]
    ],
    [
      mlstFeature(session.mlstFacts),
      [
        "MLST",
        "MLSD"
      ]
    ],
    [
      "PASV",
      [
        "PASV"
      ]
    ],
    [
      "REST STREAM",
      [
        "REST"
      ]
    ],
    [
      "SIZE",
      [
        "SIZE"
      ]
    ],
    [
      "TVFS",
      [
        "TVFS"
      ]
    ],
    [
      "UTF8",
      [
        "UTF8",
        "OPTS"
      ]
    ],
    ...hashFeatures(session)
  ];
  if (session.server.tls !== void 0) {
    if (!session.server.implicitTls) offered.unshift([
      "AUTH TLS",
      [
        "AUTH"
      ]
    ]);
    offered.push([
      "PBSZ",
      [
        "PBSZ"
      ]
    ], [
      "PROT",
      [
        "PROT"
      ]
    ]);
  }
  const disabled = session.server.disabled;
  return offered.filter(([, verbs]) => !verbs.some((v) => disabled.has(v))).map(([line]) => line).sort();
}
async function setMlstFacts(session, list) {
  if (session.server.disabled.has("MLST") || session.server.disabled.has("MLSD")) {
    return await session.reply(502, "MLST is not implemented on this server");
  }
  const wanted = new Set(list.toLowerCase().split(";").map((f) => f.trim()));
  session.mlstFacts.clear();
  for (const fact of MLST_FACTS) if (wanted.has(fact)) session.mlstFacts.add(fact);
  const chosen2 = [
    ...session.mlstFacts
  ].map((f) => `${f};`).join("");
  await session.reply(200, chosen2 ? `MLST OPTS ${chosen2}` : "MLST OPTS");
}
function onlyTheDefault(verb, noun, supported, defined) {
  return {
    async run(session, argument) {
      const value = argument.trim().toUpperCase();
      if (value === supported) return await session.reply(200, `${noun} set to ${value}`);
      if (defined.includes(value)) {
        return await session.reply(504, `${verb} ${value} is not supported`);
      }
      await session.reply(501, `Unknown ${verb} ${value}`);
    }
  };
}
var controlCommands = {
  NOOP: {
    beforeLogin: true,
    async run(session) {
      await session.reply(200, "NOOP ok");
    }
  },
  SYST: {
    beforeLogin: true,
    async run(session) {
      await session.reply(215, "UNIX Type: L8");
    }
  },
  FEAT: {
    beforeLogin: true,
    async run(session) {
      await session.reply(211, [
        "Features:",
        ...features(session).map((f) => ` ${f}`),
        "End"
      ]);
    }
  },
  OPTS: {
    beforeLogin: true,
    async run(session, argument) {
      const text = argument.trim();
      const space = text.indexOf(" ");
      const option = (space === -1 ? text : text.slice(0, space)).toUpperCase();
      const value = space === -1 ? "" : text.slice(space + 1).trim();
      if (option === "MLST") return await setMlstFacts(session, value);
      if (option === "HASH") return await optsHash(session, value);
      if (option !== "UTF8") return await session.reply(501, `Unknown option ${option}`);
      if (session.server.disabled.has("UTF8")) {
        return await session.reply(502, "UTF8 is not implemented on this server");
      }
      const mode = value.toUpperCase();
      if (mode === "ON" || mode === "") return await session.reply(200, "UTF8 mode is on");
      if (mode === "OFF") return await session.reply(504, "UTF8 mode cannot be turned off");
      await session.reply(501, "OPTS UTF8 takes ON or OFF");
    }
  },
  HELP: {
    beforeLogin: true,
    async run(session, argument) {
      const verb = argument.trim().toUpperCase();
      const verbs = session.knownVerbs();
      if (verb === "") {
        const rows = [];
        for (let i = 0; i < verbs.length; i += 8) rows.push(" " + verbs.slice(i, i + 8).join(" "));
        return await session.reply(214, [
          "The following commands are recognized:",
          ...rows,
          "OK"
        ]);
      }
      if (verbs.includes(verb)) return await session.reply(214, `${verb} is supported`);
      await session.reply(502, `Unknown command ${verb}`);
    }
  },
  STAT: {
    async run(session, argument) {
      if (argument !== "") return await statPath(session, argument);
      await session.reply(211, [
        "ferry test server status:",
        ` Connected from ${hostForUrl(session.peerHost)}`,
        ` Logged in as ${session.user}`,
        ` TYPE: ${session.type === "A" ? "ASCII" : "BINARY"}; STRU: File; MODE: Stream`,
        ` Data connection: ${session.dataDescription}`,
        "End of status"
      ]);
    }
  },
  TYPE: {
    async run(session, argument) {
      const words = argument.trim().toUpperCase().split(/\s+/);
      const [code, format] = words;
      if (words.length > 2 || !/^[AEIL]$/.test(code)) {
        return await session.reply(501, `Unknown TYPE ${argument.trim()}`);
      }
      if (code === "A" && (format ?? "N") === "N" || code === "I" && !format) {
        session.type = code;
      } else if (code === "L" && format === "8") {
        session.type = "I";
      } else {
        return await session.reply(504, `TYPE ${words.join(" ")} is not supported`);
      }
      await session.reply(200, `Type set to ${session.type}`);
    }
  },
  MODE: onlyTheDefault("MODE", "Mode", "S", [
    "B",
    "C"
  ]),
  STRU: onlyTheDefault("STRU", "Structure", "F", [
    "R",
    "P"
  ]),
  REST: {
    async run(session, argument) {
      const text = argument.trim();
      const offset = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(offset)) {
        return await session.reply(501, "REST needs a byte offset");
      }
      session.restOffset = offset;
      await session.reply(350, `Restarting at ${offset}. Send RETR, STOR or APPE to transfer`);
    }
  },
  ALLO: {
    async run(session) {
      await session.reply(202, "ALLO not needed");
    }
  },
  ABOR: {
    beforeLogin: true,
    async run(session) {
      if (session.takeTransferAbortedByAbor()) {
        return await session.reply(226, "Abort successful");
      }
      session.setDataSetup(void 0);
      await session.reply(225, "No transfer to abort");
    }
  }
};

// src/testing/_data_channel.ts
var PassiveSetup = class _PassiveSetup {
  /** The port the listener got. */
  port;
  description;
  mode = "passive";
  #listener;
  #accepted;
  #handedOver = false;
  constructor(listener, peerHost) {
    this.#listener = listener;
    this.port = listener.addr.port;
    this.description = `passive, listening on port ${this.port}`;
    this.#accepted = this.#acceptFrom(peerHost);
  }
  /** Listens on `localHost`, port 0, for a connection from `peerHost`. */
  static listen(localHost, peerHost) {
    return new _PassiveSetup(Deno.listen({
      hostname: localHost,
      port: 0
    }), peerHost);
  }
  async #acceptFrom(peerHost) {
    try {
      for (; ; ) {
        const conn = await this.#listener.accept();
        if (sameHost(conn.remoteAddr.hostname, peerHost)) return conn;
        closeQuietly(conn);
      }
    } catch {
      return void 0;
    } finally {
      closeQuietly(this.#listener);
    }
  }
  async open(signal, timeoutMs) {
    const result = await within(this.#accepted, timeoutMs, signal);
    if (!result.ok || !result.value) return void 0;
    this.#handedOver = true;
    return result.value;
  }
  async close() {
    closeQuietly(this.#listener);
    const conn = await this.#accepted;
    if (conn && !this.#handedOver) closeQuietly(conn);
  }
};
var ActiveSetup = class {
  description;
  mode = "active";
  #address;
  /** @param address Where to connect; the caller has checked it. */
  constructor(address) {
    this.#address = address;
    this.description = `active, to port ${address.port}`;
  }
  async open(signal, timeoutMs) {
    const giveUp = new AbortController();
    const stop = () => giveUp.abort();
    const timer = setTimeout(stop, timeoutMs);
    signal.addEventListener("abort", stop, {
      once: true
    });
    try {
      return await Deno.connect({
        hostname: this.#address.host,
        port: this.#address.port,
        signal: giveUp.signal
      });
    } catch {
      return void 0;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
    }
  }
  close() {
    return Promise.resolve();
  }
};

// src/testing/_commands_data.ts
function family(host) {
  return isIpv6(host) ? 2 : 1;
}
async function refusedByEpsvAll(session, verb) {
  if (!session.epsvAll) return false;
  await session.reply(503, `${verb} refused after EPSV ALL; use EPSV`);
  return true;
}
async function connectBack(session, verb, address) {
  if (family(address.host) !== family(session.peerHost)) {
    return await session.reply(522, `Network protocol not supported, use (${family(session.peerHost)})`);
  }
  if (!sameHost(address.host, session.peerHost)) {
    return await session.reply(500, `${verb} refused: data connections go only to the client's own address`);
  }
  if (address.port < 1024) {
    return await session.reply(504, `${verb} refused: privileged port ${address.port}`);
  }
  session.setDataSetup(new ActiveSetup(address));
  await session.reply(200, `${verb} command successful`);
}
function listen(session) {
  const setup = PassiveSetup.listen(session.localHost, session.peerHost);
  session.setDataSetup(setup);
  return setup;
}
var dataCommands = {
  PASV: {
    async run(session) {
      if (await refusedByEpsvAll(session, "PASV")) return;
      if (isIpv6(session.localHost)) {
        return await session.reply(522, "PASV cannot announce an IPv6 address; use EPSV");
      }
      const { port } = listen(session);
      const host = session.server.faults().pasvAddress ?? canonicalHost(session.localHost);
      const numbers = [
        ...host.split("."),
        port >> 8,
        port & 255
      ].join(",");
      await session.reply(227, `Entering Passive Mode (${numbers}).`);
    }
  },
  EPSV: {
    async run(session, argument) {
      const mode = argument.trim().toUpperCase();
      if (mode === "ALL") {
        session.epsvAll = true;
        return await session.reply(200, "EPSV ALL accepted");
      }
      const own = family(session.localHost);
      if (mode !== "" && mode !== String(own)) {
        return await session.reply(522, `Network protocol not supported, use (${own})`);
      }
      const { port } = listen(session);
      await session.reply(229, `Entering Extended Passive Mode (|||${port}|)`);
    }
  },
  PORT: {
    async run(session, argument) {
      if (await refusedByEpsvAll(session, "PORT")) return;
      const address = parsePortArgument(argument);
      if (!address) return await session.reply(501, "PORT needs h1,h2,h3,h4,p1,p2");
      await connectBack(session, "PORT", address);
    }
  },
  EPRT: {
    async run(session, argument) {
      if (await refusedByEpsvAll(session, "EPRT")) return;
      const text = argument.trim();
      const protocol = /^(.)(\d+)\1/.exec(text)?.[2];
      if (protocol !== void 0 && protocol !== "1" && protocol !== "2") {
        return await session.reply(522, `Network protocol not supported, use (${family(session.peerHost)})`);
      }
      const address = parseEprtArgument(text);
      if (!address) return await session.reply(501, "EPRT needs |protocol|address|port|");
      await connectBack(session, "EPRT", address);
    }
  }
};

// src/testing/_commands_transfer.ts
var CR2 = 13;
var LF2 = 10;
async function asciiWireSize(real, offset) {
  using file = await Deno.open(real, {
    read: true
  });
  await file.seek(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(64 * 1024);
  let total = 0;
  let previous = 0;
  for (; ; ) {
    const n = await file.read(buffer);
    if (n === null) return total;
    if (n === 0) continue;
    const chunk = buffer.subarray(0, n);
    total += n;
    for (let i = chunk.indexOf(LF2); i !== -1; i = chunk.indexOf(LF2, i + 1)) {
      if ((i === 0 ? previous : chunk[i - 1]) !== CR2) total++;
    }
    previous = chunk[n - 1];
  }
}
async function* fileChunks(file, buffer, ascii) {
  let previousWasCr = false;
  for (; ; ) {
    const n = await file.read(buffer);
    if (n === null) return;
    if (n === 0) continue;
    const chunk = buffer.subarray(0, n);
    yield ascii ? lfToCrlf(chunk, previousWasCr) : chunk;
    previousWasCr = chunk[n - 1] === CR2;
  }
}
function modeName(session) {
  return session.type === "A" ? "ASCII" : "BINARY";
}
async function seekToRestart(session, argument, file, offset) {
  const info = await file.stat();
  if (!info.isFile) {
    await session.reply(550, `${argument}: not a regular file`);
    return void 0;
  }
  if (offset > info.size) {
    await session.reply(554, `Restart offset ${offset} is beyond the end of the file`);
    return void 0;
  }
  await file.seek(offset, Deno.SeekMode.Start);
  return info;
}
async function retrieve(session, argument) {
  if (argument === "") return await session.reply(501, "RETR needs a file name");
  const fs = session.server.fs;
  const real = await fs.existing(fs.resolve(session.cwd, argument));
  const offset = session.restOffset;
  using file = await Deno.open(real, {
    read: true
  });
  const info = await seekToRestart(session, argument, file, offset);
  if (!info) return;
  const ascii = session.type === "A";
  const bytes = ascii ? await asciiWireSize(real, offset) : info.size - offset;
  const size = session.server.faults().hideSizes ? "" : ` (${bytes} bytes)`;
  await session.transfer(`Opening ${modeName(session)} mode data connection for ${argument}${size}`, (pipe) => sendChunks(pipe, fileChunks(file, pipe.buffer, ascii)));
}
async function uniqueFile(session, argument) {
  const fs = session.server.fs;
  const base = argument || "stou";
  for (let i = 0; i < 1e3; i++) {
    const name = i === 0 && argument ? argument : `${base}.${i}`;
    const real = await fs.writable(fs.resolve(session.cwd, name));
    try {
      return {
        name,
        file: await Deno.open(real, {
          write: true,
          createNew: true
        })
      };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
  return void 0;
}
async function store(session, argument, mode) {
  if (argument === "" && mode !== "unique") {
    return await session.reply(501, "A file name is needed");
  }
  const fs = session.server.fs;
  const append = mode === "append";
  const offset = mode === "replace" ? session.restOffset : 0;
  let opened;
  if (mode === "unique") {
    const unique = await uniqueFile(session, argument);
    if (!unique) return await session.reply(553, "No unique file name could be made");
    opened = unique.file;
    argument = unique.name;
  } else {
    opened = await Deno.open(await fs.writable(fs.resolve(session.cwd, argument)), {
      write: true,
      create: true,
      append,
      truncate: !append && offset === 0
    });
  }
  using file = opened;
  const info = await seekToRestart(session, argument, file, offset);
  if (!info) return;
  const ascii = session.type === "A";
  let room = session.server.faults().uploadKeepBytes ?? Infinity;
  await session.transfer(mode === "unique" ? `FILE: ${argument}` : `Opening ${modeName(session)} mode data connection for ${argument}`, async (pipe) => {
    let heldCr = false;
    const outcome = await receiveChunks(pipe, async (received) => {
      const chunk = received.subarray(0, Math.min(received.length, room));
      room -= chunk.length;
      if (!ascii) return await writeAll(file, chunk);
      const converted = crlfToLf(chunk, heldCr);
      heldCr = converted.heldCr;
      await writeAll(file, converted.bytes);
    });
    if (heldCr) await writeAll(file, Uint8Array.of(CR2));
    if (offset > 0) await file.truncate(await file.seek(0, Deno.SeekMode.Current));
    return outcome;
  }, true);
}
var transferCommands = {
  RETR: {
    transfer: true,
    run: retrieve
  },
  STOR: {
    transfer: true,
    run: (session, argument) => store(session, argument, "replace")
  },
  APPE: {
    transfer: true,
    run: (session, argument) => store(session, argument, "append")
  },
  STOU: {
    transfer: true,
    run: (session, argument) => store(session, argument, "unique")
  }
};

// src/testing/_commands_files.ts
function quoted(path) {
  return `"${path.replaceAll('"', '""')}"`;
}
async function existingFile(session, argument) {
  const real = await session.server.fs.existing(session.server.fs.resolve(session.cwd, argument));
  if ((await Deno.stat(real)).isFile) return real;
  await session.reply(550, `${argument}: not a regular file`);
  return void 0;
}
async function changeDirectory(session, argument) {
  const fs = session.server.fs;
  const virtual = fs.resolve(session.cwd, argument);
  if (!(await Deno.stat(await fs.existing(virtual))).isDirectory) {
    return await session.reply(550, `${argument}: not a directory`);
  }
  session.cwd = virtual;
  await session.reply(250, `Directory changed to ${virtual}`);
}
var pwd = {
  async run(session) {
    await session.reply(257, `${quoted(session.cwd)} is the current directory`);
  }
};
var cwd = {
  async run(session, argument) {
    if (argument === "") return await session.reply(501, "CWD needs a directory");
    await changeDirectory(session, argument);
  }
};
var cdup = {
  async run(session) {
    await changeDirectory(session, "..");
  }
};
var mkd = {
  async run(session, argument) {
    if (argument === "") return await session.reply(501, "MKD needs a directory name");
    const virtual = session.server.fs.resolve(session.cwd, argument);
    await Deno.mkdir(await session.server.fs.entry(virtual));
    await session.reply(257, `${quoted(virtual)} created`);
  }
};
var rmd = {
  async run(session, argument) {
    if (argument === "") return await session.reply(501, "RMD needs a directory name");
    const real = await session.server.fs.entry(session.server.fs.resolve(session.cwd, argument));
    if (!(await Deno.lstat(real)).isDirectory) {
      return await session.reply(550, `${argument}: not a directory`);
    }
    await Deno.remove(real);
    await session.reply(250, "Directory removed");
  }
};
async function chmod(session, rest) {
  const space = rest.indexOf(" ");
  const mode = rest.slice(0, space);
  if (space === -1 || !/^[0-7]{1,4}$/.test(mode)) {
    return await session.reply(501, "Usage: SITE CHMOD <octal mode> <path>");
  }
  const path = rest.slice(space + 1);
  const real = await session.server.fs.existing(session.server.fs.resolve(session.cwd, path));
  await Deno.chmod(real, parseInt(mode, 8));
  await session.reply(200, "SITE CHMOD command successful");
}
var fileCommands = {
  PWD: pwd,
  XPWD: pwd,
  CWD: cwd,
  XCWD: cwd,
  CDUP: cdup,
  XCUP: cdup,
  MKD: mkd,
  XMKD: mkd,
  RMD: rmd,
  XRMD: rmd,
  DELE: {
    async run(session, argument) {
      if (argument === "") return await session.reply(501, "DELE needs a file name");
      const real = await session.server.fs.entry(session.server.fs.resolve(session.cwd, argument));
      if ((await Deno.lstat(real)).isDirectory) {
        return await session.reply(550, `${argument}: is a directory; use RMD`);
      }
      await Deno.remove(real);
      await session.reply(250, "File deleted");
    }
  },
  RNFR: {
    async run(session, argument) {
      if (argument === "") return await session.reply(501, "RNFR needs a path");
      const real = await session.server.fs.entry(session.server.fs.resolve(session.cwd, argument));
      await Deno.lstat(real);
      session.renameFrom = real;
      await session.reply(350, "Ready for RNTO");
    }
  },
  RNTO: {
    async run(session, argument) {
      const from = session.renameFrom;
      session.renameFrom = void 0;
      if (from === void 0) return await session.reply(503, "Send RNFR first");
      if (argument === "") return await session.reply(501, "RNTO needs a path");
      const to = await session.server.fs.entry(session.server.fs.resolve(session.cwd, argument));
      await Deno.rename(from, to);
      await session.reply(250, "Rename successful");
    }
  },
  SIZE: {
    async run(session, argument) {
      const real = await existingFile(session, argument);
      if (real === void 0) return;
      const size = session.type === "I" ? (await Deno.stat(real)).size : await asciiWireSize(real, 0);
      await session.reply(213, String(size));
    }
  },
  MDTM: {
    async run(session, argument) {
      const real = await existingFile(session, argument);
      if (real === void 0) return;
      const modified = (await Deno.stat(real)).mtime;
      if (!modified) return await session.reply(550, "Modification time unknown");
      await session.reply(213, formatTimeVal(modified));
    }
  },
  MFMT: {
    async run(session, argument) {
      const space = argument.indexOf(" ");
      const time = space === -1 ? void 0 : parseTimeVal(argument.slice(0, space));
      if (!time) return await session.reply(501, "Usage: MFMT YYYYMMDDHHMMSS path");
      const path = argument.slice(space + 1);
      const fs = session.server.fs;
      const real = await fs.existing(fs.resolve(session.cwd, path));
      const info = await Deno.stat(real);
      await Deno.utime(real, info.atime ?? time, time);
      await session.reply(213, `Modify=${formatTimeVal(time)}; ${path}`);
    }
  },
  SITE: {
    async run(session, argument) {
      const space = argument.indexOf(" ");
      const command = (space === -1 ? argument : argument.slice(0, space)).toUpperCase();
      if (command === "CHMOD") return await chmod(session, argument.slice(space + 1));
      if (command === "HELP") {
        return await session.reply(214, [
          "SITE commands recognized:",
          " CHMOD HELP",
          "OK"
        ]);
      }
      if (command === "") return await session.reply(501, "SITE needs a command");
      await session.reply(500, `Unknown SITE command ${command}`);
    }
  }
};

// src/testing/_commands_security.ts
var TLS_MECHANISMS = /* @__PURE__ */ new Set([
  "TLS",
  "TLS-C",
  "SSL"
]);
async function refusedWithoutTls(session, verb) {
  if (session.server.tls !== void 0) return false;
  await session.reply(502, `${verb} is not implemented on this server (no TLS certificate)`);
  return true;
}
var securityCommands = {
  AUTH: {
    beforeLogin: true,
    async run(session, argument) {
      if (await refusedWithoutTls(session, "AUTH")) return;
      const mechanism = argument.trim().toUpperCase();
      if (mechanism === "") return await session.reply(501, "AUTH needs a mechanism: AUTH TLS");
      if (!TLS_MECHANISMS.has(mechanism)) {
        return await session.reply(504, `AUTH ${mechanism} is not supported; use AUTH TLS`);
      }
      if (session.tlsActive) return await session.reply(503, "TLS is already active");
      await session.reply(234, `AUTH ${mechanism} successful; start the TLS handshake`);
      await session.startTls();
      session.user = void 0;
      session.loggedIn = false;
      session.expectedAccount = void 0;
    }
  },
  PBSZ: {
    beforeLogin: true,
    async run(session, argument) {
      if (await refusedWithoutTls(session, "PBSZ")) return;
      if (!session.tlsActive) return await session.reply(503, "PBSZ needs AUTH TLS first");
      const text = argument.trim();
      if (!/^\d+$/.test(text)) return await session.reply(501, "PBSZ needs a decimal size: PBSZ 0");
      session.pbszDone = true;
      await session.reply(200, "PBSZ=0");
    }
  },
  PROT: {
    beforeLogin: true,
    async run(session, argument) {
      if (await refusedWithoutTls(session, "PROT")) return;
      if (!session.tlsActive) return await session.reply(503, "PROT needs AUTH TLS first");
      if (!session.pbszDone) return await session.reply(503, "PROT needs PBSZ first");
      const level = argument.trim().toUpperCase();
      if (level === "P") {
        session.protectData = true;
        return await session.reply(200, "Protection level set to P (Private)");
      }
      if (level === "C") {
        if (session.server.requireTls) {
          return await session.reply(534, "PROT C refused: this server requires PROT P");
        }
        session.protectData = false;
        return await session.reply(200, "Protection level set to C (Clear)");
      }
      if (level === "S" || level === "E") {
        return await session.reply(536, `PROT ${level} is not supported with TLS; use P or C`);
      }
      await session.reply(504, `Unknown protection level ${JSON.stringify(level)}; use P or C`);
    }
  },
  CCC: {
    beforeLogin: true,
    async run(session) {
      if (await refusedWithoutTls(session, "CCC")) return;
      if (!session.tlsActive) return await session.reply(503, "CCC needs AUTH TLS first");
      if (session.server.requireTls) {
        return await session.reply(534, "CCC refused: the control connection stays protected");
      }
      await session.reply(200, "Clearing control channel protection");
      await session.clearTls();
    }
  }
};

// src/testing/_command_queue.ts
var CommandQueue = class {
  #items = [];
  #capacity;
  #ended = false;
  #wakeTaker;
  #wakeGiver;
  /** @param capacity How many items may wait before `waitForRoom` blocks. */
  constructor(capacity) {
    this.#capacity = capacity;
  }
  /** Adds an item (ignored once the queue has ended). */
  push(item) {
    if (this.#ended) return;
    this.#items.push(item);
    this.#wake();
  }
  /** Marks the end: `take` drains what is left, then returns `undefined`. */
  end() {
    this.#ended = true;
    this.#wake();
  }
  /** Drops every waiting item, for a session that is going away. */
  clear() {
    this.#items.length = 0;
    this.#wake();
  }
  /** The next item, or `undefined` once the queue has ended and is empty. */
  async take() {
    while (this.#items.length === 0 && !this.#ended) {
      await new Promise((resolve) => this.#wakeTaker = resolve);
    }
    const item = this.#items.shift();
    this.#wake();
    return item;
  }
  /** Resolves when there is room for another item, or the queue has ended. */
  async waitForRoom() {
    while (this.#items.length >= this.#capacity && !this.#ended) {
      await new Promise((resolve) => this.#wakeGiver = resolve);
    }
  }
  #wake() {
    const taker = this.#wakeTaker;
    const giver = this.#wakeGiver;
    this.#wakeTaker = void 0;
    this.#wakeGiver = void 0;
    taker?.();
    giver?.();
  }
};

// src/testing/_virtual_fs.ts
import { basename, join, sep } from "node:path";
var PathRefused = class extends Error {
  /** @param message Why the path is refused. */
  constructor(message) {
    super(message);
    this.name = "PathRefused";
  }
};
var WINDOWS = Deno.build.os === "windows";
var VirtualFs = class _VirtualFs {
  /** The root with every symlink resolved. */
  realRoot;
  #prefix;
  constructor(realRoot) {
    this.realRoot = realRoot;
    this.#prefix = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  }
  /**
   * Opens a root directory.
   *
   * @throws If `root` does not exist or is not a directory.
   */
  static async open(root) {
    const realRoot = await Deno.realPath(root);
    if (!(await Deno.stat(realRoot)).isDirectory) {
      throw new Deno.errors.NotADirectory(`The FTP root ${root} is not a directory`);
    }
    return new _VirtualFs(realRoot);
  }
  /**
   * Resolves a command's path argument against the current directory,
   * POSIX style, clamping `..` at the root. Segments are kept exactly,
   * spaces included.
   *
   * @returns An absolute virtual path such as `/a/b c`.
   */
  resolve(cwd2, argument) {
    const segments = argument.startsWith("/") ? [] : cwd2.split("/").filter(Boolean);
    for (const part of argument.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") segments.pop();
      else segments.push(part);
    }
    return "/" + segments.join("/");
  }
  /** Whether a real path lies in the root (or is it). */
  isInside(real) {
    return real === this.realRoot || real.startsWith(this.#prefix);
  }
  /**
   * The real path of an existing file or directory, symlinks followed.
   *
   * @throws {PathRefused} If it resolves outside the root.
   * @throws {Deno.errors.NotFound} If it does not exist (or dangles).
   */
  async existing(virtual) {
    const real = await Deno.realPath(this.#mapped(virtual));
    if (!this.isInside(real)) {
      throw new PathRefused(`${virtual} leads outside the served directory`);
    }
    return real;
  }
  /**
   * The real path of a directory entry itself, not following it if it is a
   * symlink: its parent is resolved and checked, its name appended. For
   * deleting, renaming and creating entries.
   *
   * @throws {PathRefused} For the root itself, or a parent outside the root.
   */
  async entry(virtual) {
    if (virtual === "/") throw new PathRefused("The root directory itself cannot be changed");
    const cut = virtual.lastIndexOf("/");
    const parent = await this.existing(virtual.slice(0, cut) || "/");
    return join(parent, this.#checkedSegment(virtual.slice(cut + 1)));
  }
  /**
   * The real path to write a file at: an existing target is followed (and
   * must stay inside, so a symlink to `/etc/passwd` is refused, as is a
   * dangling one whose target could be created outside), a new one is
   * placed in its checked parent.
   */
  async writable(virtual) {
    try {
      await Deno.lstat(this.#mapped(virtual));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return await this.entry(virtual);
      throw error;
    }
    return await this.existing(virtual);
  }
  /** Describes one entry, not following it if it is a symlink. */
  async describe(real, name) {
    const info = await Deno.lstat(real);
    if (!info.isSymlink) return {
      name,
      info
    };
    return {
      name,
      info,
      linkTarget: await Deno.readLink(real).catch(() => void 0)
    };
  }
  /** Describes what a virtual path names, the root included. */
  async describeVirtual(virtual) {
    if (virtual === "/") return await this.describe(this.realRoot, "/");
    return await this.describe(await this.entry(virtual), basename(virtual));
  }
  /**
   * The entries of a real directory, sorted by name. Names holding CR or LF
   * are left out: no listing format can carry them.
   */
  async list(realDir) {
    const names = [];
    for await (const item of Deno.readDir(realDir)) {
      if (!/[\r\n]/.test(item.name)) names.push(item.name);
    }
    names.sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
    const entries = [];
    for (const name of names) {
      try {
        entries.push(await this.describe(join(realDir, name), name));
      } catch {
      }
    }
    return entries;
  }
  #mapped(virtual) {
    const segments = virtual.split("/").filter(Boolean).map((s) => this.#checkedSegment(s));
    return join(this.realRoot, ...segments);
  }
  #checkedSegment(segment) {
    if (segment.includes("\0") || WINDOWS && /[\\:]/.test(segment)) {
      throw new PathRefused(`The name ${JSON.stringify(segment)} is not allowed`);
    }
    return segment;
  }
};
var FAILURES = {
  ENOENT: {
    code: 550,
    text: "No such file or directory"
  },
  EACCES: {
    code: 550,
    text: "Permission denied"
  },
  EPERM: {
    code: 550,
    text: "Operation not permitted"
  },
  EEXIST: {
    code: 550,
    text: "File exists"
  },
  ENOTDIR: {
    code: 550,
    text: "Not a directory"
  },
  EISDIR: {
    code: 550,
    text: "Is a directory"
  },
  ENOTEMPTY: {
    code: 550,
    text: "Directory not empty"
  },
  ELOOP: {
    code: 550,
    text: "Too many levels of symbolic links"
  },
  EINVAL: {
    code: 550,
    text: "Invalid argument"
  },
  EBUSY: {
    code: 450,
    text: "Resource busy"
  },
  ENAMETOOLONG: {
    code: 553,
    text: "File name too long"
  },
  ENOSPC: {
    code: 452,
    text: "Insufficient storage space"
  },
  EDQUOT: {
    code: 552,
    text: "Storage quota exceeded"
  }
};
function fsFailure(error) {
  if (error instanceof PathRefused) {
    return {
      code: 550,
      text: `Permission denied: ${error.message}`
    };
  }
  const code = error?.code;
  if (typeof code === "string" && code in FAILURES) return FAILURES[code];
  if (error instanceof Deno.errors.NotFound) return FAILURES.ENOENT;
  if (error instanceof Deno.errors.PermissionDenied) return FAILURES.EACCES;
  if (error instanceof Deno.errors.AlreadyExists) return FAILURES.EEXIST;
  if (error instanceof Deno.errors.NotADirectory) return FAILURES.ENOTDIR;
  if (error instanceof Deno.errors.IsADirectory) return FAILURES.EISDIR;
  return void 0;
}

// src/testing/_transfer_frame.ts
var OUTCOME_REPLIES = {
  "complete": [
    226,
    "Transfer complete"
  ],
  "aborted": [
    426,
    "Transfer aborted"
  ],
  "dropped": [
    426,
    "Connection closed; transfer aborted."
  ],
  "peer-closed": [
    426,
    "Connection closed; transfer aborted."
  ],
  "timed-out": [
    426,
    "Data connection timed out; transfer aborted."
  ]
};
async function transferOver(session, setup, plan) {
  const { signal } = plan;
  const timeoutMs = session.server.dataTimeoutMs;
  let conn;
  let secured;
  const finish = (graceful) => {
    if (secured) session.track(secured.close(graceful, timeoutMs));
    else closeQuietly(conn);
  };
  try {
    await session.reply(150, plan.opening);
    conn = await setup.open(signal, timeoutMs);
    if (!conn) {
      if (signal.aborted) return await session.reply(426, "Transfer aborted");
      return await session.reply(425, "Cannot open data connection");
    }
    if ("setNoDelay" in conn) conn.setNoDelay(true);
    session.recordConnection("data", conn, setup.mode);
    if (session.protectData) {
      secured = await secureData(session, conn, signal, plan.upload === true);
      if (!secured) {
        if (signal.aborted) return await session.reply(426, "Transfer aborted");
        return await session.reply(425, "Cannot open data connection: TLS negotiation failed");
      }
      const reuse = session.server.requireSessionReuse ? await secured.sessionReuse : "resumed";
      if (reuse !== "resumed" && reuse !== "offered") {
        secured.destroy();
        return await session.reply(522, "SSL connection failed: session reuse required");
      }
      conn = secured.conn;
    }
    const faults = session.server.faults();
    let outcome;
    try {
      outcome = await plan.move({
        conn,
        signal,
        buffer: plan.buffer,
        dropAfterBytes: faults.dropTransfer?.({
          session: session.id,
          offset: session.restOffset,
          upload: plan.upload === true
        }) ?? faults.dataDropAfterBytes,
        stallAfterBytes: faults.dataStallAfterBytes,
        idleTimeoutMs: timeoutMs
      });
    } catch (error) {
      finish(false);
      const failure = fsFailure(error);
      return await session.reply(451, `Local error: ${failure?.text ?? String(error)}`);
    }
    finish(outcome === "complete");
    await session.reply(...OUTCOME_REPLIES[outcome]);
  } finally {
    finish(false);
  }
}
async function secureData(session, raw, signal, upload) {
  const secured = await session.server.tls?.secure(raw, {
    holdAfterHandshake: upload,
    probeResumption: session.server.requireSessionReuse
  });
  if (!secured) {
    closeQuietly(raw);
    return void 0;
  }
  const timeoutMs = session.server.dataTimeoutMs;
  if (await secured.handshake(timeoutMs, signal)) return secured;
  session.track(secured.close(false, timeoutMs));
  return void 0;
}

// src/testing/_session.ts
var COMMANDS = new Map(Object.entries({
  ...loginCommands,
  ...controlCommands,
  ...dataCommands,
  ...fileCommands,
  ...hashCommands,
  ...listingCommands,
  ...transferCommands,
  ...securityCommands
}));
var TLS_VERBS = new Set(Object.keys(securityCommands));
var QUEUE_CAPACITY = 64;
var TRANSFER_BUFFER_BYTES = 1024 * 1024;
function isSecurityLine(input) {
  if (input.kind !== "line") return false;
  const { verb } = splitCommand(input.text);
  return verb === "AUTH" || verb === "CCC";
}
function splitCommand(line) {
  const space = line.indexOf(" ");
  if (space === -1) return {
    verb: line.toUpperCase(),
    argument: ""
  };
  return {
    verb: line.slice(0, space).toUpperCase(),
    argument: line.slice(space + 1)
  };
}
var Session = class {
  /** Numbered from 1 per server. */
  id;
  server;
  /** The control connection's peer address. */
  peerHost;
  /** The control connection's local address. */
  localHost;
  /** The virtual current directory. */
  cwd = "/";
  /** TYPE: ASCII (RFC 959's default) or image. */
  type = "A";
  user;
  loggedIn = false;
  /** The account ACCT must name to finish the login, while one is due. */
  expectedAccount;
  /** The real path RNFR named; cleared by any command but RNTO. */
  renameFrom;
  restOffset = 0;
  mlstFacts = new Set(MLST_FACTS);
  /** After `EPSV ALL`, only EPSV may set up data connections. */
  epsvAll = false;
  /** PBSZ was accepted since TLS started (PROT needs it first). */
  pbszDone = false;
  /** PROT P: data connections use TLS too. */
  protectData = false;
  #closer = new AbortController();
  #queue = new CommandQueue(QUEUE_CAPACITY);
  #writer;
  #faultTarget = {
    signal: this.signal,
    send: (text) => this.#writer.send(text),
    close: () => this.close()
  };
  #releases = /* @__PURE__ */ new Set();
  #dataSetup;
  #transfer;
  #transferAbortedByAbor = false;
  #quitting = false;
  #readerDone = false;
  #idleTimer;
  #buffer;
  /** The accepted TCP connection. */
  #raw;
  /** Where commands are read and replies written: `#raw`, or TLS over it. */
  #control;
  #secureControl;
  /** Bytes read after an AUTH line, held until AUTH is answered. */
  #held;
  /** Resolved once the AUTH command the reader stopped at has been handled. */
  #authHandled;
  /**
   * @param id The session number.
   * @param server The shared server state.
   * @param conn The accepted control connection.
   */
  constructor(id, server, conn) {
    this.id = id;
    this.server = server;
    this.#raw = conn;
    this.#control = conn;
    this.peerHost = conn.remoteAddr.hostname;
    this.localHost = conn.localAddr.hostname;
    this.#writer = new ReplyWriter(conn, () => server.faults(), this.signal, () => this.close());
    this.recordConnection("control", conn);
  }
  /** Lists a connection of this session in the server's connections. */
  recordConnection(kind, conn, mode) {
    const end = (addr) => {
      const { hostname, port } = addr;
      return {
        hostname,
        port
      };
    };
    this.server.recordConnection({
      session: this.id,
      kind,
      ...mode ? {
        mode
      } : {},
      client: end(conn.remoteAddr),
      server: end(conn.localAddr)
    });
  }
  /** Aborts when the session ends. */
  get signal() {
    return this.#closer.signal;
  }
  /** Whether the control connection is protected by TLS. */
  get tlsActive() {
    return this.#secureControl !== void 0;
  }
  /** The pending data setup, described for STAT. */
  get dataDescription() {
    return this.#dataSetup?.description ?? "none";
  }
  /** Every verb this server answers, disabled ones left out. */
  knownVerbs() {
    return [
      ...COMMANDS.keys()
    ].filter((v) => !this.server.disabled.has(v) && (this.server.tls !== void 0 || !TLS_VERBS.has(v))).sort();
  }
  /** Runs the session to its end. Never rejects. */
  async run() {
    let reading;
    this.#armIdleTimer();
    try {
      if (this.server.implicitTls) await this.startTls();
      reading = this.#readLoop();
      await this.#writer.send(formatReply(220, this.server.greeting));
      while (!this.#quitting) {
        const item = await this.#queue.take();
        if (!item) break;
        await this.#execute(item);
      }
    } catch {
    } finally {
      this.close();
      await reading;
      while (this.#releases.size > 0) await Promise.all([
        ...this.#releases
      ]);
    }
  }
  /**
   * Makes the control connection TLS (after `234` to AUTH TLS, or at once
   * for implicit FTPS) and completes the handshake. The PROT state and the
   * login start afresh.
   *
   * @throws {SessionEnded} If the handshake fails: the session is over.
   */
  async startTls() {
    const first = this.#held;
    this.#held = void 0;
    const secured = this.signal.aborted ? void 0 : await this.server.controlTls?.secure(this.#raw, {
      first
    });
    if (!secured) {
      this.close();
      throw new SessionEnded();
    }
    this.#secureControl = secured;
    this.#control = secured.conn;
    this.#writer.switchTo(secured.conn);
    if (this.signal.aborted) {
      this.track(secured.close(false, 1));
      throw new SessionEnded();
    }
    if (!await secured.handshake(this.server.dataTimeoutMs, this.signal)) {
      this.close();
      throw new SessionEnded();
    }
    this.pbszDone = false;
    this.protectData = false;
  }
  /**
   * Takes TLS off the control connection after `200` to CCC (RFC 4217
   * section 6): close_notify both ways, then plain text on the same TCP
   * connection. Data connections keep their PROT level.
   *
   * @throws {SessionEnded} If TLS does not end cleanly: the session is over.
   */
  async clearTls() {
    const secured = this.#secureControl;
    if (!secured) return;
    const plain = await secured.unwrap(this.server.dataTimeoutMs, this.signal);
    if (!plain) {
      this.close();
      throw new SessionEnded();
    }
    this.#secureControl = void 0;
    this.#control = {
      read: (buffer) => plain.read(buffer),
      write: (b) => this.#raw.write(b)
    };
    this.#writer.switchTo(this.#raw);
  }
  /** Ends the session at once; idempotent. */
  close() {
    if (this.signal.aborted) return;
    this.#closer.abort();
    clearTimeout(this.#idleTimer);
    this.#transfer?.abort();
    this.#queue.clear();
    this.#queue.end();
    this.setDataSetup(void 0);
    if (this.#secureControl) {
      this.track(this.#secureControl.close(true, this.server.dataTimeoutMs));
    } else {
      closeQuietly(this.#raw);
    }
    this.#authHandled?.resolve();
  }
  /** Sends a reply (several lines for a multi-line one). */
  async reply(code, text) {
    await this.#writer.send(formatReply(code, text));
  }
  /** Ends the session after the current command. */
  quit() {
    this.#quitting = true;
  }
  /** Replaces the pending data setup (PASV, EPSV, PORT, EPRT), releasing the old one. */
  setDataSetup(setup) {
    const old = this.#dataSetup;
    this.#dataSetup = setup;
    if (old) this.#release(old);
  }
  #release(setup) {
    this.track(setup.close());
  }
  /** Keeps a cleanup running past its caller; run() waits for it at the end. */
  track(work) {
    const settled = work.catch(() => {
    });
    this.#releases.add(settled);
    settled.finally(() => this.#releases.delete(settled));
  }
  /** Whether the last transfer was ended by ABOR (and forgets it). */
  takeTransferAbortedByAbor() {
    const aborted = this.#transferAbortedByAbor;
    this.#transferAbortedByAbor = false;
    return aborted;
  }
  /**
   * The frame of every transfer: 150, open the data connection, move the
   * bytes, close it, then 226, or 425 (no connection), 426 (broken or
   * aborted) or 451 (local error). The data-side faults are read here,
   * once per transfer. `upload` marks STOR and APPE (see `_transfer_frame.ts`).
   */
  async transfer(opening, move, upload = false) {
    const setup = this.#dataSetup;
    this.#dataSetup = void 0;
    if (!setup) return await this.reply(425, "Use PORT, PASV, EPRT or EPSV first");
    if (this.server.requireTls && !this.protectData) {
      this.#release(setup);
      return await this.reply(521, "Data connections must be protected: send PBSZ 0 and PROT P");
    }
    const controller = new AbortController();
    this.#transfer = controller;
    this.#transferAbortedByAbor = false;
    try {
      if (this.#readerDone) return await this.reply(426, "Control connection closed");
      this.#buffer ??= new Uint8Array(TRANSFER_BUFFER_BYTES);
      await transferOver(this, setup, {
        opening,
        upload,
        move,
        signal: controller.signal,
        buffer: this.#buffer
      });
    } finally {
      this.#transfer = void 0;
      this.#release(setup);
    }
  }
  async #readLoop() {
    let splitter = new LineSplitter();
    const chunk = new Uint8Array(8192);
    try {
      while (!this.signal.aborted) {
        const conn = this.#control;
        const n = await conn.read(chunk);
        if (n === null) break;
        let bytes = chunk.subarray(0, n);
        while (bytes !== void 0 && bytes.length > 0 && !this.signal.aborted) {
          const { inputs, rest } = splitter.pushUntil(bytes, isSecurityLine);
          for (const input of inputs) this.#received(input);
          if (rest === void 0) break;
          this.#held = rest.slice();
          this.#authHandled = Promise.withResolvers();
          await this.#authHandled.promise;
          this.#authHandled = void 0;
          bytes = this.#held;
          this.#held = void 0;
          if (this.#control !== conn) splitter = new LineSplitter();
        }
        await this.#queue.waitForRoom();
      }
    } catch {
    } finally {
      this.#readerDone = true;
      this.#transfer?.abort();
      this.#queue.end();
    }
  }
  #received(input) {
    this.#armIdleTimer();
    if (input.kind === "too-long") {
      this.server.record(`<command line over ${MAX_LINE_BYTES} bytes>`);
    } else {
      this.server.record(redactCommand(input.text));
      if (this.#transfer && splitCommand(input.text).verb === "ABOR") {
        this.#transferAbortedByAbor = true;
        this.#transfer.abort();
      }
    }
    this.#queue.push(input);
  }
  #armIdleTimer() {
    clearTimeout(this.#idleTimer);
    if (this.signal.aborted) return;
    this.#idleTimer = setTimeout(() => {
      if (this.#transfer) this.#armIdleTimer();
      else this.#queue.push({
        kind: "idle"
      });
    }, this.server.idleTimeoutMs);
  }
  async #execute(item) {
    if (item.kind === "too-long") {
      return await this.reply(500, `Command line too long (limit ${MAX_LINE_BYTES} bytes)`);
    }
    if (item.kind === "idle") {
      this.quit();
      return await this.reply(421, "Idle timeout; closing the control connection");
    }
    const { verb, argument } = splitCommand(item.text);
    try {
      await this.#dispatch(verb, argument);
    } finally {
      if (verb === "AUTH" || verb === "CCC") this.#authHandled?.resolve();
    }
  }
  async #dispatch(verb, argument) {
    const command = {
      verb,
      argument,
      session: this.id
    };
    if (await applyCommandFault(this.server.faults(), command, this.#faultTarget)) return;
    if (verb !== "RNTO") this.renameFrom = void 0;
    const spec = COMMANDS.get(verb);
    if (this.server.disabled.has(verb)) {
      return await this.reply(502, `${verb} is not implemented on this server`);
    }
    if (!spec) return await this.reply(500, `Unknown command ${JSON.stringify(verb)}`);
    if (!spec.beforeLogin && !this.loggedIn) {
      return await this.reply(530, "Please log in with USER and PASS first");
    }
    try {
      await spec.run(this, argument);
    } catch (error) {
      if (error instanceof SessionEnded) throw error;
      const failure = fsFailure(error);
      if (failure) await this.reply(failure.code, failure.text);
      else await this.reply(451, `Local error: ${String(error)}`);
    } finally {
      if (spec.transfer) {
        this.restOffset = 0;
        this.setDataSetup(void 0);
      }
    }
  }
};

// src/testing/_client_auth_listener.ts
import tls from "node:tls";
var QUEUE_LIMIT_BYTES = 1024 * 1024;
var NodeTlsStream = class {
  #socket;
  #queue = new ChunkQueue();
  /** @param socket A server socket whose handshake has completed. */
  constructor(socket) {
    this.#socket = socket;
    socket.on("data", (data) => {
      this.#queue.push(data);
      if (this.#queue.buffered > QUEUE_LIMIT_BYTES) socket.destroy();
    });
    socket.on("end", () => this.#queue.end());
    socket.on("close", () => this.#queue.end());
    socket.on("error", (error) => this.#queue.fail(error));
  }
  read(buffer) {
    return this.#queue.read(buffer);
  }
  write(bytes) {
    if (this.#socket.destroyed) return Promise.reject(new Deno.errors.BrokenPipe("closed"));
    return new Promise((resolve, reject) => {
      this.#socket.write(bytes.slice(), (error) => error ? reject(error) : resolve(bytes.length));
    });
  }
  closeWrite() {
    if (this.#socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.once("close", resolve);
      this.#socket.end(resolve);
    });
  }
  close() {
    this.#socket.destroy();
    this.#queue.end();
  }
  handshake() {
    return Promise.resolve();
  }
};
async function listenWithClientAuth(identity, clientCa, handshakeTimeoutMs) {
  const server = tls.createServer({
    cert: identity.cert,
    key: identity.key,
    ca: [
      clientCa
    ],
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: handshakeTimeoutMs
  });
  const sockets = /* @__PURE__ */ new Set();
  const ready = [];
  let wake;
  let closed = false;
  server.on("secureConnection", (socket) => {
    if (closed) return void socket.destroy();
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    ready.push({
      conn: new NodeTlsStream(socket),
      port: socket.remotePort ?? 0
    });
    wake?.();
  });
  server.on("tlsClientError", () => {
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = server.address().port;
  return {
    port,
    async accept() {
      while (ready.length === 0 && !closed) {
        await new Promise((resolve) => wake = resolve);
      }
      const next = ready.shift();
      if (!next) throw new Deno.errors.BadResource("The listener is closed");
      return next;
    },
    async close() {
      if (closed) return;
      closed = true;
      const stopped = new Promise((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      for (const { conn } of ready.splice(0)) conn.close();
      wake?.();
      await stopped;
    }
  };
}

// src/testing/_tls_hello.ts
var RECORD_HEADER = 5;
var HANDSHAKE = 22;
var CLIENT_HELLO = 1;
var SERVER_HELLO = 2;
var EXTENSION_PRE_SHARED_KEY = 41;
var EXTENSION_SUPPORTED_VERSIONS = 43;
var COLLECT_LIMIT = 64 * 1024;
var RETRY_RANDOM = "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c";
function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
var HandshakeReader = class {
  #bytes = new Uint8Array(0);
  #offset = 0;
  #handshake = new Uint8Array(0);
  overflow = false;
  push(chunk) {
    if (this.overflow) return;
    if (this.#bytes.length + chunk.length > COLLECT_LIMIT) {
      this.overflow = true;
      return;
    }
    const joined = new Uint8Array(this.#bytes.length + chunk.length);
    joined.set(this.#bytes);
    joined.set(chunk, this.#bytes.length);
    this.#bytes = joined;
    for (; ; ) {
      const at = this.#offset;
      if (this.#bytes.length - at < RECORD_HEADER) return;
      const length = this.#bytes[at + 3] << 8 | this.#bytes[at + 4];
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
  message(index) {
    let at = 0;
    for (let i = 0; at + 4 <= this.#handshake.length; i++) {
      const length = this.#handshake[at + 1] << 16 | this.#handshake[at + 2] << 8 | this.#handshake[at + 3];
      if (at + 4 + length > this.#handshake.length) return void 0;
      if (i === index) {
        return {
          type: this.#handshake[at],
          body: this.#handshake.subarray(at + 4, at + 4 + length)
        };
      }
      at += 4 + length;
    }
    return void 0;
  }
};
function sessionId(body) {
  const at = 2 + 32;
  if (body.length < at + 1) return void 0;
  const length = body[at];
  if (body.length < at + 1 + length) return void 0;
  return body.subarray(at + 1, at + 1 + length);
}
function extensionTypes(body, start) {
  let at = start;
  if (body.length < at + 2) return [];
  const end = Math.min(body.length, at + 2 + (body[at] << 8 | body[at + 1]));
  at += 2;
  const types = [];
  while (at + 4 <= end) {
    types.push(body[at] << 8 | body[at + 1]);
    at += 4 + (body[at + 2] << 8 | body[at + 3]);
  }
  return types;
}
function serverExtensions(body) {
  const idLength = body[2 + 32] ?? 0;
  return extensionTypes(body, 2 + 32 + 1 + idLength + 2 + 1);
}
function clientExtensions(body) {
  let at = 2 + 32;
  at += 1 + (body[at] ?? 0);
  if (body.length < at + 2) return [];
  at += 2 + (body[at] << 8 | body[at + 1]);
  at += 1 + (body[at] ?? 0);
  return extensionTypes(body, at);
}
var ResumptionProbe = class {
  reuse;
  #client = new HandshakeReader();
  #server = new HandshakeReader();
  #settle;
  #settled = false;
  constructor() {
    this.reuse = new Promise((resolve) => this.#settle = resolve);
  }
  /** Whether the answer is known (nothing more needs to be fed). */
  get settled() {
    return this.#settled;
  }
  /** Feeds bytes the client sent. */
  pushClient(bytes) {
    if (this.#settled) return;
    this.#client.push(bytes);
    this.#decide();
  }
  /** Feeds bytes the server sent. */
  pushServer(bytes) {
    if (this.#settled) return;
    this.#server.push(bytes);
    this.#decide();
  }
  /** Gives up (the connection ended first). */
  abandon() {
    this.#finish(void 0);
  }
  #decide() {
    if (this.#client.overflow || this.#server.overflow) return this.#finish(void 0);
    let hello;
    for (let i = 0; (hello = this.#server.message(i)) !== void 0; i++) {
      if (hello.type !== SERVER_HELLO) return this.#finish(void 0);
      if (hex(hello.body.subarray(2, 34)) !== RETRY_RANDOM) break;
    }
    if (!hello) return;
    const offer = this.#client.message(0);
    if (!offer) return;
    if (offer.type !== CLIENT_HELLO) return this.#finish(void 0);
    const extensions = serverExtensions(hello.body);
    if (extensions.includes(EXTENSION_SUPPORTED_VERSIONS)) {
      if (extensions.includes(EXTENSION_PRE_SHARED_KEY)) return this.#finish("resumed");
      const offered = clientExtensions(offer.body).includes(EXTENSION_PRE_SHARED_KEY);
      return this.#finish(offered ? "offered" : "none");
    }
    const id = sessionId(offer.body) ?? new Uint8Array(0);
    const echoed = sessionId(hello.body);
    const sameId = id.length > 0 && echoed !== void 0 && hex(id) === hex(echoed);
    this.#finish(sameId ? "resumed" : "none");
  }
  #finish(reuse) {
    if (this.#settled) return;
    this.#settled = true;
    this.#settle(reuse);
  }
};

// src/testing/_tls_records.ts
var HEADER_BYTES = 5;
var APPLICATION_DATA = 23;
var RecordScanner = class {
  #header = new Uint8Array(HEADER_BYTES);
  #headerLength = 0;
  /** Bytes of the current record's body still to skip. */
  #bodyLeft = 0;
  #seen = false;
  /** Whether an `application_data` record has begun. */
  get seen() {
    return this.#seen;
  }
  /**
   * Feeds the next bytes of the stream.
   *
   * @returns Whether an `application_data` record has begun, in these
   * bytes or before.
   */
  push(bytes) {
    let i = 0;
    while (!this.#seen && i < bytes.length) {
      if (this.#bodyLeft > 0) {
        const skip = Math.min(this.#bodyLeft, bytes.length - i);
        this.#bodyLeft -= skip;
        i += skip;
        continue;
      }
      this.#header[this.#headerLength++] = bytes[i++];
      if (this.#headerLength < HEADER_BYTES) continue;
      this.#headerLength = 0;
      if (this.#header[0] === APPLICATION_DATA) this.#seen = true;
      this.#bodyLeft = this.#header[3] << 8 | this.#header[4];
    }
    return this.#seen;
  }
};
var RecordSplitter = class {
  #partial = new Uint8Array(0);
  /**
   * Feeds the next bytes.
   *
   * @returns The whole records among them (with what was held back before),
   * and the plain bytes once the TLS stream has ended (nothing more is
   * split after that).
   */
  push(bytes) {
    const data = new Uint8Array(this.#partial.length + bytes.length);
    data.set(this.#partial);
    data.set(bytes, this.#partial.length);
    let whole = 0;
    while (whole < data.length) {
      const type = data[whole];
      if (type < 20 || type > 24) {
        this.#partial = new Uint8Array(0);
        return {
          records: data.subarray(0, whole),
          plain: data.slice(whole)
        };
      }
      if (data.length - whole < HEADER_BYTES) break;
      const length = data[whole + 3] << 8 | data[whole + 4];
      if (data.length - whole < HEADER_BYTES + length) break;
      whole += HEADER_BYTES + length;
    }
    this.#partial = data.slice(whole);
    return {
      records: data.subarray(0, whole)
    };
  }
};

// src/testing/_relay.ts
var RELAY_BUFFER_BYTES = 64 * 1024;
var HOLD_LIMIT_BYTES = 64 * 1024;
var Relay = class {
  /** Settles once both connections are closed and nothing of the relay runs. */
  done;
  /** Settles once the inner side's bytes have ended (its end of stream, or teardown). */
  innerEnded;
  /**
   * With `probeResumption`: how the TLS handshake dealt with earlier
   * sessions, known once the ServerHello has passed (`undefined` if it
   * could not be read, or without the option).
   */
  sessionReuse;
  #outer;
  #inner;
  #destroyed = false;
  #moved = false;
  #watchdog;
  /** Set while the client's records are being scanned for the end of the handshake. */
  #scanner;
  #holding = false;
  #held = [];
  #heldBytes = 0;
  /** The write of released bytes to `outer`, which later writes wait for. */
  #flushing = Promise.resolve();
  #probe;
  /** The client-to-server direction, which settles when it stops. */
  #inbound;
  /** Set by {@linkcode Relay.unwrap}: the client's connection outlives TLS. */
  #unwrap;
  /**
   * @param outer The client's connection.
   * @param inner The connection to the internal listener.
   * @param options Bytes to send first, and whether to hold the server's bytes.
   */
  constructor(outer, inner, options = {}) {
    this.#outer = outer;
    this.#inner = inner;
    if (options.holdAfterHandshake) this.#scanner = new RecordScanner();
    if (options.probeResumption) this.#probe = new ResumptionProbe();
    this.sessionReuse = this.#probe?.reuse ?? Promise.resolve(void 0);
    if (options.first) this.#probe?.pushClient(options.first);
    this.innerEnded = this.#pipe(inner, outer);
    this.#inbound = this.#pipe(outer, inner, options.first);
    this.done = Promise.all([
      this.#inbound,
      this.innerEnded
    ]).then(() => this.destroy());
  }
  /** How many of the server's bytes are held back (see {@linkcode RelayOptions}). */
  get heldBytes() {
    return this.#heldBytes;
  }
  /**
   * From now on, end the relay once `idleMs` pass with no byte moving either
   * way. Called when the server side is done with the connection: a client
   * that neither reads nor closes cannot keep the relay alive, while a slow
   * one still receives everything.
   */
  release(idleMs) {
    if (this.#destroyed || this.#watchdog !== void 0) return;
    this.#moved = true;
    this.#watchdog = setInterval(() => {
      if (!this.#moved) this.destroy();
      this.#moved = false;
    }, idleMs);
  }
  /** Stops holding the server's bytes and sends those held, in order. */
  releaseHeld() {
    this.#scanner = void 0;
    if (!this.#holding) return;
    this.#holding = false;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    this.#flushing = this.#flushing.then(async () => {
      for (const chunk of held) await writeAll(this.#outer, chunk);
    }).catch(() => this.destroy());
  }
  /**
   * The TLS stream is ending on a connection that goes on in plain text
   * (CCC): the end of the server's side no longer ends the client's, and
   * from the client only whole TLS records are passed on; what follows them
   * is kept for {@linkcode Relay.handOff}.
   */
  unwrap() {
    this.#unwrap ??= {
      splitter: new RecordSplitter(),
      plain: [],
      handedOff: false,
      ended: false
    };
  }
  /**
   * Once the TLS side has read the client's close_notify: the client's
   * connection, as a reader that first yields what the relay read past the
   * TLS stream (the relay reads no more of it). The relay no longer closes it.
   */
  handOff() {
    this.unwrap();
    const state = this.#unwrap;
    state.handedOff = true;
    let inboundDone = false;
    this.#inbound.then(() => inboundDone = true);
    return {
      read: async (buffer) => {
        while (true) {
          const chunk = state.plain[0];
          if (chunk) {
            const n = Math.min(chunk.length, buffer.length);
            buffer.set(chunk.subarray(0, n));
            if (n === chunk.length) state.plain.shift();
            else state.plain[0] = chunk.subarray(n);
            return n;
          }
          if (!inboundDone) {
            await this.#inbound;
            inboundDone = true;
            continue;
          }
          if (state.ended) return null;
          return await this.#outer.read(buffer);
        }
      }
    };
  }
  /** Closes both connections at once; pending reads and writes end. Idempotent. */
  destroy() {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#probe?.abandon();
    clearInterval(this.#watchdog);
    if (!this.#unwrap) closeQuietly(this.#outer);
    closeQuietly(this.#inner);
  }
  /** Closes the client's connection, which {@linkcode Relay.destroy} leaves open once TLS is ending. */
  closeClient() {
    closeQuietly(this.#outer);
  }
  async #pipe(from, to, first) {
    const outbound = to === this.#outer;
    try {
      if (first !== void 0 && first.length > 0) await writeAll(to, first);
    } catch {
      return this.destroy();
    }
    const buffer = new Uint8Array(RELAY_BUFFER_BYTES);
    while (!this.#destroyed) {
      let n;
      try {
        n = await from.read(buffer);
      } catch {
        n = null;
      }
      if (!outbound && this.#unwrap) {
        if (await this.#unwrapping(n, buffer, to)) continue;
        break;
      }
      if (n === null) break;
      const chunk = buffer.subarray(0, n);
      this.#moved = true;
      if (this.#probe && !this.#probe.settled) {
        if (outbound) this.#probe.pushServer(chunk);
        else this.#probe.pushClient(chunk);
      }
      if (outbound && this.#holding) {
        this.#hold(chunk);
        continue;
      }
      if (!outbound && this.#scanner?.push(chunk)) {
        this.#scanner = void 0;
        this.#holding = true;
      }
      try {
        if (outbound) await this.#flushing;
        await writeAll(to, chunk);
      } catch {
        return this.destroy();
      }
    }
    try {
      if (outbound) {
        this.releaseHeld();
        await this.#flushing;
      }
      if (!this.#destroyed && !(outbound && this.#unwrap)) await to.closeWrite();
    } catch {
    }
  }
  /**
   * A read from the client while TLS ends: whole records go to the TLS
   * side, plain bytes are kept. Returns whether to read on.
   */
  async #unwrapping(n, buffer, to) {
    const state = this.#unwrap;
    if (n === null) {
      state.ended = true;
      return false;
    }
    this.#moved = true;
    const chunk = buffer.slice(0, n);
    if (state.handedOff) {
      state.plain.push(chunk);
      return false;
    }
    const { records, plain } = state.splitter.push(chunk);
    try {
      if (records.length > 0) await writeAll(to, records);
    } catch {
    }
    if (plain === void 0) return true;
    state.plain.push(plain);
    return false;
  }
  #hold(chunk) {
    this.#held.push(chunk.slice());
    this.#heldBytes += chunk.length;
    if (this.#heldBytes > HOLD_LIMIT_BYTES) this.releaseHeld();
  }
};

// src/testing/_tls_terminator.ts
var UNCLAIMED_LIMIT = 64;
var SecureConn = class {
  /** The TLS connection to read and write. */
  conn;
  #relay;
  #closing;
  /** CCC handed the client's connection to the session, which now closes it. */
  #handedOff = false;
  /** @internal */
  constructor(conn, relay) {
    this.conn = conn;
    this.#relay = relay;
  }
  /** Settles when the relay has closed both of its connections. */
  get relayDone() {
    return this.#relay.done;
  }
  /** How the handshake dealt with earlier sessions (with `probeResumption`). */
  get sessionReuse() {
    return this.#relay.sessionReuse;
  }
  /**
   * Completes the TLS handshake; on failure, tears the connection down.
   *
   * @returns Whether it succeeded within `timeoutMs` and before `signal` aborted.
   */
  async handshake(timeoutMs, signal) {
    const attempt = this.conn.handshake();
    try {
      const result = await within(attempt, timeoutMs, signal);
      if (result.ok) return true;
    } catch {
    }
    this.destroy();
    await attempt.catch(() => {
    });
    return false;
  }
  /**
   * Ends the connection: when `graceful`, sends TLS close_notify and the end
   * of stream first, then lets the relay deliver what is still in flight for
   * as long as bytes keep moving (at most `idleMs` without progress).
   * Resolves when nothing of the connection is left. Idempotent.
   */
  close(graceful, idleMs) {
    this.#closing ??= this.#close(graceful, idleMs);
    return this.#closing;
  }
  /**
   * Ends TLS and keeps the client's connection (CCC, RFC 4217 section 6):
   * sends close_notify, waits for the client's, and hands the connection
   * over for plain text. Call it right after the 200 to CCC, with nothing
   * else to send. On failure (no close_notify in time, or the connection
   * closes) everything is torn down.
   *
   * @returns A reader of the client's connection from the end of its TLS
   * stream on, or `undefined` on failure.
   */
  async unwrap(timeoutMs, signal) {
    this.#relay.unwrap();
    const scratch = new Uint8Array(1024);
    const untilClientsCloseNotify = async () => {
      await this.conn.closeWrite();
      while (await this.conn.read(scratch) !== null) {
      }
    };
    try {
      const result = await within(untilClientsCloseNotify(), timeoutMs, signal);
      if (!result.ok) throw new Error("no close_notify in time");
    } catch {
      this.destroy();
      return void 0;
    }
    const plain = this.#relay.handOff();
    this.#handedOff = true;
    closeQuietly(this.conn);
    return plain;
  }
  /** Tears everything down at once. */
  destroy() {
    closeQuietly(this.conn);
    this.#relay.destroy();
    if (!this.#handedOff) this.#relay.closeClient();
  }
  async #close(graceful, idleMs) {
    this.#relay.release(idleMs);
    this.#relay.releaseHeld();
    if (graceful) {
      await this.conn.closeWrite().catch(() => {
      });
    }
    closeQuietly(this.conn);
    await this.#relay.done;
    if (!this.#handedOff) this.#relay.closeClient();
  }
};
var TlsTerminator = class _TlsTerminator {
  #listener;
  #unclaimed = /* @__PURE__ */ new Map();
  #waiting = /* @__PURE__ */ new Map();
  #open = /* @__PURE__ */ new Set();
  #accepting;
  #closed = false;
  /** @param listener The internal listener; the terminator owns and closes it. */
  constructor(listener) {
    this.#listener = listener;
    this.#accepting = this.#acceptLoop();
  }
  /**
   * A terminator on Deno's own TLS (`Deno.listenTls`, rustls).
   *
   * @throws If the certificate or key cannot be used.
   */
  static start(identity) {
    const listener = Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: identity.cert,
      key: identity.key
    });
    return new _TlsTerminator({
      port: listener.addr.port,
      async accept() {
        const conn = await listener.accept();
        return {
          conn,
          port: conn.remoteAddr.port
        };
      },
      close: () => closeQuietly(listener)
    });
  }
  /**
   * Secures `raw`: from now on its bytes belong to the returned connection,
   * which acts as the TLS server. The handshake runs on first use or on
   * {@linkcode SecureConn.handshake}.
   *
   * @param raw A plain connection nobody else reads or writes any more.
   * @param options `first`: bytes already read from `raw` that belong to the
   * TLS stream; `holdAfterHandshake`: for uploads (see {@linkcode RelayOptions}).
   * @returns The secured connection, or `undefined` if the server is closing
   * or the internal listener never produced it (a handshake that failed
   * before the connection was handed over).
   */
  async secure(raw, options = {}) {
    if (this.#closed) return void 0;
    let back;
    try {
      back = await Deno.connect({
        hostname: "127.0.0.1",
        port: this.#listener.port
      });
    } catch {
      return void 0;
    }
    back.setNoDelay(true);
    const port = back.localAddr.port;
    const relay = new Relay(raw, back, options);
    let conn = this.#unclaimed.get(port);
    this.#unclaimed.delete(port);
    if (conn === void 0) {
      const claimed = new Promise((resolve) => this.#waiting.set(port, resolve));
      conn = await Promise.race([
        claimed,
        relay.innerEnded.then(() => void 0)
      ]);
      this.#waiting.delete(port);
    }
    if (conn === void 0 || this.#closed) {
      closeQuietly(conn);
      relay.destroy();
      await relay.done;
      return void 0;
    }
    const secured = new SecureConn(conn, relay);
    this.#open.add(secured);
    secured.relayDone.then(() => this.#open.delete(secured));
    return secured;
  }
  /** Closes the listener and every secured connection; resolves when all are gone. */
  async close() {
    this.#closed = true;
    await this.#listener.close();
    await this.#accepting;
    const closing = [
      ...this.#open
    ].map((secured) => {
      secured.destroy();
      return secured.close(false, 1);
    });
    await Promise.all(closing);
  }
  async #acceptLoop() {
    try {
      for (; ; ) {
        const { conn, port } = await this.#listener.accept();
        const waiter = this.#waiting.get(port);
        if (waiter) {
          this.#waiting.delete(port);
          waiter(conn);
          continue;
        }
        if (this.#unclaimed.size >= UNCLAIMED_LIMIT) {
          const [oldest, stale] = this.#unclaimed.entries().next().value;
          this.#unclaimed.delete(oldest);
          closeQuietly(stale);
        }
        this.#unclaimed.set(port, conn);
      }
    } catch {
    } finally {
      for (const waiter of this.#waiting.values()) waiter(void 0);
      this.#waiting.clear();
      for (const conn of this.#unclaimed.values()) closeQuietly(conn);
      this.#unclaimed.clear();
    }
  }
};

// src/testing/ftp_test_server.ts
async function startTerminators(options, handshakeTimeoutMs) {
  const data = TlsTerminator.start(options);
  if (options.clientCa === void 0) return {
    data,
    control: data
  };
  try {
    const listener = await listenWithClientAuth(options, options.clientCa, handshakeTimeoutMs);
    return {
      data,
      control: new TlsTerminator(listener)
    };
  } catch (error) {
    await data.close();
    throw error;
  }
}
async function closeTerminators(terminators) {
  if (!terminators) return;
  await Promise.all([
    terminators.data.close(),
    terminators.control.close()
  ]);
}
var COMMAND_LOG_LIMIT = 1e5;
var FtpTestServer = class _FtpTestServer {
  /** The address the server listens on, such as `"127.0.0.1"` or `"::1"`. */
  hostname;
  /** The port the server listens on. */
  port;
  /** The directory served as `/`. */
  root;
  /**
   * The faults in force. Change fields, or assign a new object, at any time;
   * each is read when it matters.
   */
  faults;
  /**
   * The FTPS mode: `"none"` (plain FTP), `"explicit"` (AUTH TLS offered)
   * or `"implicit"` (TLS from the first byte), as ferry's `secure` option
   * names them.
   */
  secure;
  #listener;
  #tls;
  #context;
  #ownsRoot;
  #commands = [];
  #connections = [];
  #sessions = /* @__PURE__ */ new Map();
  #accepting;
  #nextSessionId = 1;
  #closing;
  constructor(listener, fs, root, ownsRoot, options, tls2) {
    this.#listener = listener;
    this.#tls = tls2;
    this.secure = tls2 === void 0 ? "none" : options.implicitTls ? "implicit" : "explicit";
    const address = listener.addr;
    this.hostname = address.hostname;
    this.port = address.port;
    this.root = root;
    this.#ownsRoot = ownsRoot;
    this.faults = {
      ...options.faults
    };
    const users = /* @__PURE__ */ new Map();
    for (const [name, user] of Object.entries(options.users ?? {})) {
      users.set(name, typeof user === "string" ? {
        password: user
      } : {
        ...user
      });
    }
    this.#context = {
      fs,
      users,
      anonymous: options.anonymous ?? true,
      greeting: options.greeting ?? "ferry test server ready",
      // Checksum commands are offered only when asked for, so that the
      // server's FEAT stays what tests of other features expect.
      disabled: new Set([
        ...options.disabledCommands ?? [],
        ...options.hashCommands ? [] : HASH_VERBS
      ].map((c) => c.toUpperCase())),
      listFormat: options.listFormat ?? "unix",
      hideDotFiles: options.hideDotFiles ?? false,
      listOptions: options.listOptions ?? true,
      idleTimeoutMs: options.idleTimeoutMs ?? 3e5,
      dataTimeoutMs: options.dataTimeoutMs ?? 3e4,
      tls: tls2?.data,
      controlTls: tls2?.control,
      implicitTls: tls2 !== void 0 && options.implicitTls === true,
      requireTls: tls2 !== void 0 && options.requireTls === true,
      requireSessionReuse: tls2 !== void 0 && options.requireSessionReuse === true,
      faults: () => this.faults,
      record: (line) => {
        this.#commands.push(line);
        if (this.#commands.length > COMMAND_LOG_LIMIT) this.#commands.shift();
      },
      recordConnection: (connection) => {
        this.#connections.push(connection);
        if (this.#connections.length > COMMAND_LOG_LIMIT) this.#connections.shift();
      }
    };
    this.#accepting = this.#acceptLoop();
  }
  /**
   * Starts a server and resolves once it listens.
   *
   * @param options How to run it; everything has a default.
   * @returns The running server. Close it with `close()` or `await using`.
   * @throws {TypeError} For an unknown `listFormat`; `implicitTls`,
   * `requireTls` or `requireSessionReuse` without `tls`; or
   * `requireSessionReuse` with `tls.clientCa`.
   * @throws If the root does not exist or the address cannot be listened on.
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * const server = await FtpTestServer.start({ hostname: "::1", users: { bob: "pw" } });
   * console.log(server.url); // "ftp://[::1]:40123", say
   * await server.close();
   * ```
   */
  static async start(options = {}) {
    const format = options.listFormat ?? "unix";
    if (!Object.hasOwn(LIST_FORMATS, format)) {
      throw new TypeError(`Unknown listFormat ${JSON.stringify(format)}; use "unix"`);
    }
    for (const needsTls of [
      "implicitTls",
      "requireTls",
      "requireSessionReuse"
    ]) {
      if (options[needsTls] && !options.tls) {
        throw new TypeError(`${needsTls} needs tls: { cert, key }`);
      }
    }
    if (options.requireSessionReuse && options.tls?.clientCa !== void 0) {
      throw new TypeError("requireSessionReuse cannot be met with tls.clientCa: the control connection's TLS (node:tls) and the data connections' (Deno) share no sessions");
    }
    const ownsRoot = options.root === void 0;
    const root = options.root ?? await Deno.makeTempDir({
      prefix: "ferry-ftp-test-"
    });
    let tls2;
    try {
      const fs = await VirtualFs.open(root);
      if (options.tls) tls2 = await startTerminators(options.tls, options.dataTimeoutMs ?? 3e4);
      const listener = Deno.listen({
        hostname: options.hostname ?? "127.0.0.1",
        port: options.port ?? 0
      });
      return new _FtpTestServer(listener, fs, root, ownsRoot, options, tls2);
    } catch (error) {
      await closeTerminators(tls2);
      if (ownsRoot) await Deno.remove(root, {
        recursive: true
      }).catch(() => {
      });
      throw error;
    }
  }
  /**
   * The server's URL, such as `ftp://127.0.0.1:40123` or `ftp://[::1]:40123`.
   * The scheme follows {@linkcode FtpTestServer.secure} as ferry's client
   * reads it: `ftpes://` for explicit FTPS, `ftps://` for implicit FTPS
   * (curl, which knows no `ftpes://`, wants `ftp://` with `--ssl-reqd`).
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * await using server = await FtpTestServer.start();
   * console.log(new URL(server.url).port === String(server.port)); // true
   * ```
   */
  get url() {
    const scheme = {
      none: "ftp",
      explicit: "ftpes",
      implicit: "ftps"
    }[this.secure];
    return `${scheme}://${hostForUrl(this.hostname)}:${this.port}`;
  }
  /**
   * Every command line received so far, from all connections, in arrival
   * order, with the arguments of PASS and ACCT replaced by `***`. A line is
   * logged when it arrives, before it is handled. This is a live view, not
   * a copy; it keeps the latest 100 000 lines.
   *
   * @example Prove that a client refused to send a command
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * await using server = await FtpTestServer.start();
   * // ... a client call that must fail before sending DELE ...
   * console.log(server.commands.some((line) => line.startsWith("DELE"))); // false
   * ```
   */
  get commands() {
    return this.#commands;
  }
  /**
   * Every TCP connection so far, control and data, in the order they were
   * made, with the addresses of both ends (the client's address, as the
   * server saw it, is where the client connected from; for an active-mode
   * data connection, where the server connected to). A data connection is
   * listed once made, before its TLS, if any. This is a live view, not a
   * copy; it keeps the latest 100 000.
   *
   * @example Where did the client connect from?
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * await using server = await FtpTestServer.start();
   * // ... a client connects and lists a directory ...
   * for (const c of server.connections) {
   *   console.log(c.session, c.kind, c.mode ?? "", c.client.hostname);
   * }
   * ```
   */
  get connections() {
    return this.#connections;
  }
  /**
   * How many control connections are open.
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * await using server = await FtpTestServer.start();
   * console.log(server.sessionCount); // 0
   * ```
   */
  get sessionCount() {
    return this.#sessions.size;
  }
  /**
   * Stops listening, ends every session and transfer, waits for all of
   * them, and deletes the root if the server created it. Safe to call more
   * than once.
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * const server = await FtpTestServer.start();
   * await server.close();
   * ```
   */
  close() {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }
  /**
   * Closes the server, for `await using`.
   *
   * @example
   * ```ts
   * import { FtpTestServer } from "@ferry/ftp/testing";
   *
   * {
   *   await using server = await FtpTestServer.start();
   * } // closed here
   * ```
   */
  [Symbol.asyncDispose]() {
    return this.close();
  }
  async #shutDown() {
    closeQuietly(this.#listener);
    await this.#accepting;
    for (const session of this.#sessions.keys()) session.close();
    await Promise.all([
      ...this.#sessions.values(),
      closeTerminators(this.#tls)
    ]);
    if (this.#ownsRoot) await Deno.remove(this.root, {
      recursive: true
    }).catch(() => {
    });
  }
  async #acceptLoop() {
    for (; ; ) {
      let conn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return;
      }
      if (this.#closing) {
        closeQuietly(conn);
        return;
      }
      conn.setNoDelay(true);
      const session = new Session(this.#nextSessionId++, this.#context, conn);
      const done = session.run().finally(() => this.#sessions.delete(session));
      this.#sessions.set(session, done);
    }
  }
};

// src/cli/_serve.ts
async function serveCommand(flags, io) {
  const users = {};
  for (const pair of flags.user) {
    const colon = pair.indexOf(":");
    if (colon <= 0) {
      throw new UsageError(`--user takes NAME:PASSWORD, got ${JSON.stringify(pair.split(":")[0])}`);
    }
    users[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  const port = flags.port === void 0 ? 2121 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number from 0 to 65535, got ${JSON.stringify(flags.port)}`);
  }
  if (flags.root !== void 0) {
    const info = await Deno.stat(flags.root).catch(() => void 0);
    if (!info?.isDirectory) throw new UsageError(`--root ${flags.root} is not a directory`);
  }
  const names = Object.keys(users);
  const server = await FtpTestServer.start({
    root: flags.root,
    port,
    hostname: flags.host ?? "127.0.0.1",
    users,
    anonymous: names.length === 0
  });
  try {
    io.stdout(`ferry serve: ${server.url} serving ${server.root}
  login: ${names.length > 0 ? names.join(", ") : "anonymous"}; Ctrl-C stops the server
`);
    await withInterrupt(io, (signal) => new Promise((resolve) => signal.addEventListener("abort", () => resolve(), {
      once: true
    })));
  } finally {
    await server.close();
  }
  return EXIT_INTERRUPTED;
}
export {
  serveCommand
};
