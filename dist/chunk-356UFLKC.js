import {
  isRealDay,
  nameVerdict,
  parseMlsdLine,
  readDecimal,
  readOctalMode,
  stripLineEnd,
  unknownEntry,
  utcDate
} from "./chunk-AFMGHXC2.js";
import {
  TRANSFER_CHUNK_BYTES
} from "./chunk-EJRZ22DK.js";
import {
  FtpLimitError,
  FtpPermanentError,
  FtpProtocolError,
  FtpReplyError
} from "./chunk-UN72SBEK.js";

// src/listing/parse_dos.ts
var DOS_LINE = /^(\d{1,2})([-/])(\d{1,2})\2(\d{4}|\d{2})[ \t]+(\d{1,2}):(\d{2})(?::(\d{2}))?[ \t]?([AaPp][Mm])?[ \t]+(?:<([A-Za-z]{3,9})>|(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d+))(?=[ \t])/;
var GROUPING = /[,.]/g;
var TAG_COLUMNS = 15;
function parseDosLine(line) {
  const raw = stripLineEnd(line);
  const m = DOS_LINE.exec(raw);
  if (m === null) return raw.trim() === "" ? void 0 : unknownEntry(raw);
  const month = Number(m[1]);
  const day = Number(m[3]);
  let year = Number(m[4]);
  if (m[4].length === 2) year += year >= 69 ? 1900 : 2e3;
  let hour = Number(m[5]);
  const minute = Number(m[6]);
  const second = m[7] === void 0 ? 0 : Number(m[7]);
  if (m[8] !== void 0) {
    if (hour > 12) return unknownEntry(raw);
    const pm = (m[8].charCodeAt(0) | 32) === 112;
    hour = hour % 12 + (pm ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 59 || !isRealDay(year, month, day)) {
    return unknownEntry(raw);
  }
  let type;
  let size;
  let nameStart;
  const fieldEnd = m[0].length;
  if (m[9] !== void 0) {
    const tag = m[9].toUpperCase();
    if (tag === "DIR") type = "directory";
    else if (tag === "JUNCTION" || tag === "SYMLINK" || tag === "SYMLINKD") type = "symlink";
    else return unknownEntry(raw);
    const tagStart = fieldEnd - m[9].length - 2;
    nameStart = fieldEnd;
    while (nameStart < raw.length && nameStart < tagStart + TAG_COLUMNS && isBlank(raw, nameStart)) {
      nameStart++;
    }
    if (nameStart < tagStart + TAG_COLUMNS) {
      while (nameStart < raw.length && isBlank(raw, nameStart)) nameStart++;
    }
  } else {
    type = "file";
    const digits = m[10].length > 3 ? m[10].replace(GROUPING, "") : m[10];
    size = readDecimal(digits, 0, digits.length);
    nameStart = fieldEnd + 1;
  }
  let name = raw.slice(nameStart);
  let target;
  if (type === "symlink" && name.endsWith("]")) {
    const open = name.lastIndexOf(" [");
    if (open > 0) {
      target = name.slice(open + 2, -1);
      name = name.slice(0, open);
    }
  }
  const verdict = nameVerdict(name);
  if (verdict === "dot") return void 0;
  if (verdict === "bad") return unknownEntry(raw);
  const entry = {
    name,
    type,
    raw
  };
  if (size !== void 0) entry.size = size;
  entry.modified = utcDate(year, month, day, hour, minute, second);
  entry.modifiedPrecision = m[7] === void 0 ? "minute" : "second";
  entry.modifiedIsUtc = false;
  if (target !== void 0 && target !== "") entry.target = target;
  return entry;
}
function isBlank(text, index) {
  const code = text.charCodeAt(index);
  return code === 32 || code === 9;
}

// src/listing/parse_eplf.ts
function parseEplfLine(line) {
  const raw = stripLineEnd(line);
  if (raw.charCodeAt(0) !== 43) return raw.trim() === "" ? void 0 : unknownEntry(raw);
  const tab = raw.indexOf("	");
  if (tab === -1) return unknownEntry(raw);
  const name = raw.slice(tab + 1);
  const verdict = nameVerdict(name);
  if (verdict === "dot") return void 0;
  if (verdict === "bad") return unknownEntry(raw);
  let file = false;
  let directory = false;
  let size;
  let seconds;
  let permissions;
  let start = 1;
  while (start < tab) {
    let end = raw.indexOf(",", start);
    if (end === -1 || end > tab) end = tab;
    switch (raw.charCodeAt(start)) {
      case 114:
        file = true;
        break;
      case 47:
        directory = true;
        break;
      case 115:
        size = readDecimal(raw, start + 1, end);
        break;
      case 109:
        seconds = readDecimal(raw, start + 1, end);
        break;
      case 117:
        if (raw.charCodeAt(start + 1) === 112) permissions = readOctalMode(raw, start + 2, end);
        break;
    }
    start = end + 1;
  }
  const type = directory ? "directory" : file ? "file" : "unknown";
  const entry = {
    name,
    type,
    raw
  };
  if (size !== void 0) entry.size = size;
  if (seconds !== void 0 && seconds <= 864e10) {
    entry.modified = new Date(seconds * 1e3);
    entry.modifiedPrecision = "second";
    entry.modifiedIsUtc = true;
  }
  if (permissions !== void 0) entry.permissions = permissions;
  return entry;
}

// src/listing/_unix_fields.ts
function readMode(raw) {
  let bits = 0;
  for (let who = 0; who < 3; who++) {
    const base = 1 + who * 3;
    const shift = (2 - who) * 3;
    const r = raw.charCodeAt(base);
    const w = raw.charCodeAt(base + 1);
    const x = raw.charCodeAt(base + 2);
    if (r === 114) bits |= 4 << shift;
    else if (r !== 45) return -1;
    if (w === 119) bits |= 2 << shift;
    else if (w !== 45) return -1;
    const special = who === 0 ? 2048 : who === 1 ? 1024 : 512;
    const lowerSpecial = who === 2 ? 116 : 115;
    if (x === 120) bits |= 1 << shift;
    else if (x === lowerSpecial) bits |= 1 << shift | special;
    else if (x === lowerSpecial - 32) bits |= special;
    else if (who === 1 && (x === 108 || x === 76)) bits |= special;
    else if (x === 45) {
    } else if (who === 2 && x === 32) {
    } else return -1;
  }
  return bits;
}
function readSize(raw, start, end) {
  const comma = raw.indexOf(",", start);
  if (comma === -1 || comma >= end) return readDecimal(raw, start, end);
  if (comma - start > 3) return void 0;
  let digits = raw.slice(start, comma);
  for (let at = comma; at < end; at += 4) {
    if (raw.charCodeAt(at) !== 44 || at + 4 > end) return void 0;
    digits += raw.slice(at + 1, at + 4);
  }
  return readDecimal(digits, 0, digits.length);
}
function readTimeOrYear(raw, start, end) {
  const length = end - start;
  if (length === 4) {
    const year = readDecimal(raw, start, end);
    if (year !== void 0) {
      return {
        year,
        month: 0,
        day: 0,
        hour: 0,
        minute: 0,
        second: 0,
        precision: "day"
      };
    }
  }
  if (length < 4 || length > 8 || length === 6) return void 0;
  const colon = raw.charCodeAt(start + 1) === 58 ? start + 1 : start + 2;
  if (raw.charCodeAt(colon) !== 58 || colon + 3 > end) return void 0;
  const hour = readDecimal(raw, start, colon);
  const minute = readDecimal(raw, colon + 1, colon + 3);
  if (hour === void 0 || minute === void 0 || hour > 23 || minute > 59) return void 0;
  let second = 0;
  let precision = "minute";
  if (colon + 3 !== end) {
    if (raw.charCodeAt(colon + 3) !== 58 || colon + 6 !== end) return void 0;
    const s = readDecimal(raw, colon + 4, end);
    if (s === void 0 || s > 59) return void 0;
    second = s;
    precision = "second";
  }
  return {
    year: 0,
    month: 0,
    day: 0,
    hour,
    minute,
    second,
    precision
  };
}
function readIsoDate(raw, start, end) {
  if (end - start !== 10) return void 0;
  if (raw.charCodeAt(start + 4) !== 45 || raw.charCodeAt(start + 7) !== 45) return void 0;
  const year = readDecimal(raw, start, start + 4);
  const month = readDecimal(raw, start + 5, start + 7);
  const day = readDecimal(raw, start + 8, end);
  if (year === void 0 || month === void 0 || day === void 0) return void 0;
  return [
    year,
    month,
    day
  ];
}
var MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
function readMonth(raw, start, end) {
  if (end - start !== 3) return 0;
  const a = raw.charCodeAt(start) | 32;
  const b = raw.charCodeAt(start + 1) | 32;
  const c = raw.charCodeAt(start + 2) | 32;
  for (let i = 0; i < 36; i += 3) {
    if (MONTHS.charCodeAt(i) === a && MONTHS.charCodeAt(i + 1) === b && MONTHS.charCodeAt(i + 2) === c) return i / 3 + 1;
  }
  return 0;
}
function utf8Length(text, from) {
  let bytes = 0;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) bytes += 1;
    else if (code < 2048) bytes += 2;
    else if (code >= 55296 && code <= 56319 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// src/listing/parse_unix.ts
var DAY_MS = 24 * 60 * 60 * 1e3;
var MAX_TOKENS_BEFORE_SIZE = 6;
var MAX_TOKENS = MAX_TOKENS_BEFORE_SIZE + 4;
var TOTAL_LINE = /^total\s+\d[\d.,]*\s*[KMGTPkmgtp]?\s*$/i;
var starts = new Int32Array(MAX_TOKENS);
var ends = new Int32Array(MAX_TOKENS);
function parseUnixLine(line, options) {
  const raw = stripLineEnd(line);
  const length = raw.length;
  if (length === 0) return void 0;
  const type = fileTypeOf(raw.charCodeAt(0));
  if (type === void 0) {
    if ((raw.charCodeAt(0) | 32) === 116 && TOTAL_LINE.test(raw)) return void 0;
    return raw.trim() === "" ? void 0 : unknownEntry(raw);
  }
  const permissions = readMode(raw);
  if (permissions < 0) return unknownEntry(raw);
  let pos = raw.charCodeAt(9) === 32 ? 9 : 10;
  const mark = raw.charCodeAt(pos);
  if (mark === 43 || mark === 64 || mark === 46) pos++;
  if (!isBlank2(raw.charCodeAt(pos))) return unknownEntry(raw);
  let count = 0;
  let date;
  let sizeIndex = -1;
  while (count < MAX_TOKENS) {
    while (pos < length && isBlank2(raw.charCodeAt(pos))) pos++;
    if (pos >= length) break;
    starts[count] = pos;
    while (pos < length && !isBlank2(raw.charCodeAt(pos))) pos++;
    ends[count] = pos;
    count++;
    if (count >= 3) {
      const found = dateEndingAt(raw, count - 1);
      if (found !== void 0) {
        date = found.date;
        sizeIndex = found.sizeIndex;
        break;
      }
    }
  }
  if (date === void 0) return unknownEntry(raw);
  let size;
  let ownerTokens = sizeIndex;
  const sizeStart = starts[sizeIndex];
  const sizeEnd = ends[sizeIndex];
  const typeChar = raw.charCodeAt(0);
  if (typeChar === 98 || typeChar === 99) {
    if (sizeIndex > 0 && raw.charCodeAt(ends[sizeIndex - 1] - 1) === 44) {
      ownerTokens = sizeIndex - 1;
    } else {
      size = readDecimal(raw, sizeStart, sizeEnd);
    }
  } else {
    size = readSize(raw, sizeStart, sizeEnd);
  }
  const nameStart = ends[count - 1] + 1;
  let name = nameStart < length ? raw.slice(nameStart) : "";
  let target;
  if (type === "symlink") {
    const split = splitLink(name, size);
    if (split !== void 0) {
      name = split[0];
      if (split[1] !== "") target = split[1];
    }
  }
  const verdict = nameVerdict(name);
  if (verdict === "dot") return void 0;
  if (verdict === "bad") return unknownEntry(raw);
  const entry = {
    name,
    type,
    raw
  };
  if (size !== void 0) entry.size = size;
  const modified = resolveDate(date, options?.now);
  if (modified !== void 0) {
    entry.modified = modified;
    entry.modifiedPrecision = date.precision;
    entry.modifiedIsUtc = false;
  }
  entry.permissions = permissions;
  assignOwnerGroup(entry, raw, ownerTokens);
  if (target !== void 0) entry.target = target;
  return entry;
}
function fileTypeOf(code) {
  switch (code) {
    case 45:
      return "file";
    case 100:
      return "directory";
    case 108:
      return "symlink";
    case 98:
    case 99:
    case 112:
    case 115:
    case 68:
      return "unknown";
  }
  return void 0;
}
function isBlank2(code) {
  return code === 32 || code === 9;
}
function dateEndingAt(raw, last) {
  const time = readTimeOrYear(raw, starts[last], ends[last]);
  if (time === void 0) return void 0;
  if (time.precision !== "day" && last >= 2) {
    const iso = readIsoDate(raw, starts[last - 1], ends[last - 1]);
    if (iso !== void 0 && last - 2 <= MAX_TOKENS_BEFORE_SIZE && isSizeToken(raw, last - 2)) {
      time.year = iso[0];
      time.month = iso[1];
      time.day = iso[2];
      return {
        date: time,
        sizeIndex: last - 2
      };
    }
  }
  if (last < 3 || last - 3 > MAX_TOKENS_BEFORE_SIZE || !isSizeToken(raw, last - 3)) {
    return void 0;
  }
  const a = last - 2;
  const b = last - 1;
  let month = readMonth(raw, starts[a], ends[a]);
  let day = readDecimal(raw, starts[b], ends[b]);
  if (month === 0 || ends[b] - starts[b] > 2) {
    month = readMonth(raw, starts[b], ends[b]);
    day = ends[a] - starts[a] > 2 ? void 0 : readDecimal(raw, starts[a], ends[a]);
  }
  if (month === 0 || day === void 0 || day < 1 || day > 31) return void 0;
  time.month = month;
  time.day = day;
  return {
    date: time,
    sizeIndex: last - 3
  };
}
function isSizeToken(raw, index) {
  const start = starts[index];
  const end = ends[index];
  for (let i = start; i < end; i++) {
    const code = raw.charCodeAt(i);
    if (code >= 48 && code <= 57) continue;
    if (code !== 44 || i === start || i === end - 1) return false;
  }
  return end > start;
}
function resolveDate(date, now) {
  let year = date.year;
  if (date.precision !== "day" && year === 0) {
    const nowDate = now ?? /* @__PURE__ */ new Date();
    const nowMs = nowDate.getTime();
    if (Number.isNaN(nowMs)) return void 0;
    year = nowDate.getUTCFullYear();
    const candidate = Date.UTC(year, date.month - 1, date.day, date.hour, date.minute);
    if (candidate > nowMs + DAY_MS) year--;
  }
  if (!isRealDay(year, date.month, date.day)) return void 0;
  return utcDate(year, date.month, date.day, date.hour, date.minute, date.second);
}
function splitLink(text, size) {
  const first = text.indexOf(" -> ");
  if (first === -1) return void 0;
  if (size !== void 0) {
    for (let at = first, guard = 0; at !== -1 && guard < text.length; guard++) {
      if (utf8Length(text, at + 4) === size) return [
        text.slice(0, at),
        text.slice(at + 4)
      ];
      at = text.indexOf(" -> ", at + 1);
    }
  }
  return [
    text.slice(0, first),
    text.slice(first + 4)
  ];
}
function assignOwnerGroup(entry, raw, count) {
  if (count === 0) return;
  const isLinks = readDecimal(raw, starts[0], ends[0]) !== void 0;
  if (count === 1) {
    if (!isLinks) entry.owner = raw.slice(starts[0], ends[0]);
    return;
  }
  if (count === 2) {
    if (isLinks) {
      entry.owner = raw.slice(starts[1], ends[1]);
    } else {
      entry.owner = raw.slice(starts[0], ends[0]);
      entry.group = raw.slice(starts[1], ends[1]);
    }
    return;
  }
  const first = isLinks ? 1 : 0;
  entry.owner = raw.slice(starts[first], ends[first]);
  entry.group = raw.slice(starts[first + 1], ends[count - 1]);
}

// src/listing/parse_list.ts
var ListParser = class {
  #unixOptions;
  #format;
  /**
   * Creates a parser for one listing.
   *
   * @param options When the listing was made.
   */
  constructor(options) {
    this.#unixOptions = {
      now: options?.now ?? /* @__PURE__ */ new Date()
    };
  }
  /**
   * The format the listing has shown, or `undefined` before its first entry.
   *
   * @example
   * ```ts
   * import { ListParser } from "@ferry/ftp/listing";
   *
   * const parser = new ListParser();
   * parser.parseLine("10-19-20  03:19PM       <DIR>          pub");
   * console.log(parser.format); // "dos"
   * ```
   */
  get format() {
    return this.#format;
  }
  /**
   * Parses the next line of the listing.
   *
   * @param line One line; one line terminator (CRLF, LF or CR) at its end is
   * ignored.
   * @returns The entry, or `undefined` for a line that is no entry.
   *
   * @example
   * ```ts
   * import { ListParser } from "@ferry/ftp/listing";
   *
   * const parser = new ListParser({ now: new Date("2026-11-22T01:27:00Z") });
   * console.log(parser.parseLine("total 8")); // undefined
   * console.log(parser.parseLine("-rw-r--r-- 1 ftp ftp 5 Nov 20 14:05 a b")?.name); // "a b"
   * ```
   */
  parseLine(line) {
    const raw = stripLineEnd(line);
    if (raw.length === 0) return void 0;
    switch (this.#format) {
      case "unix":
        return parseUnixLine(raw, this.#unixOptions);
      case "dos":
        return parseDosLine(raw);
      case "eplf":
        return parseEplfLine(raw);
    }
    const first = raw.charCodeAt(0);
    let format;
    let entry;
    if (first >= 48 && first <= 57) {
      format = "dos";
      entry = parseDosLine(raw);
    } else if (first === 43) {
      format = "eplf";
      entry = parseEplfLine(raw);
    } else {
      format = "unix";
      entry = parseUnixLine(raw, this.#unixOptions);
    }
    if (entry !== void 0 && (entry.name !== "" || entry.type !== "unknown")) {
      this.#format = format;
    }
    return entry;
  }
};

// src/protocol/line_splitter.ts
var LF = 10;
var CR = 13;
var BOM = 65279;
var LineSplitter = class {
  #decoder;
  #maxLineBytes;
  #carry = new Uint8Array(0);
  /**
   * Creates a splitter.
   *
   * @param options `maxLineBytes` (default 65536) bounds one line; `decoder`
   * (default UTF-8, invalid bytes replaced) turns bytes into text.
   */
  constructor(options = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? 65536;
    this.#decoder = options.decoder ?? new TextDecoder("utf-8");
  }
  /**
   * Feeds bytes; returns the lines they completed, without line ends.
   *
   * @param chunk The next bytes.
   * @returns Complete lines.
   * @throws {FtpProtocolError} When a line exceeds the limit.
   */
  push(chunk) {
    const lines = [];
    let start = 0;
    let lf = chunk.indexOf(LF);
    if (this.#carry.length > 0 && lf !== -1) {
      lines.push(this.#decode(concat(this.#carry, chunk.subarray(0, lf))));
      this.#carry = new Uint8Array(0);
      start = lf + 1;
      lf = chunk.indexOf(LF, start);
    }
    if (lf !== -1) {
      let lineStart = start;
      let last = lf;
      while (lf !== -1) {
        this.#checkLength(chunk, lineStart, lf);
        last = lf;
        lineStart = lf + 1;
        lf = chunk.indexOf(LF, lineStart);
      }
      const text = this.#decoder.decode(chunk.subarray(start, last));
      const first = lines.length;
      for (const line of text.split("\n")) {
        lines.push(line.endsWith("\r") ? line.slice(0, -1) : line);
      }
      if (!this.#decoder.ignoreBOM) {
        for (let i = first + 1; i < lines.length; i++) {
          if (lines[i].charCodeAt(0) === BOM) lines[i] = lines[i].slice(1);
        }
      }
      start = last + 1;
    }
    if (start < chunk.length) {
      this.#carry = concat(this.#carry, chunk.subarray(start));
      if (this.#carry.length > this.#maxLineBytes + 1) {
        throw new FtpProtocolError(`The server sent a listing line longer than ${this.#maxLineBytes} bytes`);
      }
    }
    return lines;
  }
  #checkLength(bytes, start, lf) {
    const end = lf > start && bytes[lf - 1] === CR ? lf - 1 : lf;
    if (end - start > this.#maxLineBytes) {
      throw new FtpProtocolError(`The server sent a listing line longer than ${this.#maxLineBytes} bytes`);
    }
  }
  /**
   * Ends the stream; returns a last line that had no line end, if any.
   *
   * @returns Zero or one line.
   */
  end() {
    if (this.#carry.length === 0) return [];
    const line = this.#decode(this.#carry);
    this.#carry = new Uint8Array(0);
    return [
      line
    ];
  }
  #decode(bytes) {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    if (end > this.#maxLineBytes) {
      throw new FtpProtocolError(`The server sent a listing line longer than ${this.#maxLineBytes} bytes`);
    }
    return this.#decoder.decode(bytes.subarray(0, end));
  }
};
function concat(a, b) {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// src/client/_listing.ts
async function* transferLines(session, transfer, maxBytes) {
  const splitter = new LineSplitter({
    decoder: new TextDecoder(session.settings.encoding)
  });
  let bytes = 0;
  for await (const chunk of transfer.receive(TRANSFER_CHUNK_BYTES / 4)) {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      throw new FtpLimitError("maxListingBytes", `The listing passed ${maxBytes} bytes and was stopped; raise maxListingBytes (or pass { maxBytes }) to read more`);
    }
    yield splitter.push(chunk);
  }
  yield splitter.end();
}
async function openListing(session, path, signal, maxBytes, dotFiles) {
  if (session.hasMlst) {
    let transfer2;
    try {
      transfer2 = await session.mlsd(path, signal);
    } catch (error) {
      if (!(error instanceof FtpPermanentError && [
        500,
        502
      ].includes(error.code))) throw error;
    }
    if (transfer2) {
      return parsed(transferLines(session, transfer2, maxBytes), parseMlsdLine);
    }
  }
  session.listedWithList = true;
  if (dotFiles.ask && session.dotFiles === void 0) {
    const entries = await probeDotFiles(session, path, signal, maxBytes, dotFiles.warn);
    return async function* () {
      if (entries.length > 0) yield entries;
    }();
  }
  const all = dotFiles.ask && session.dotFiles === "ask";
  const transfer = await session.list(path, signal, all);
  const parser = new ListParser();
  return parsed(transferLines(session, transfer, maxBytes), (line) => parser.parseLine(line));
}
var REFUSES_ARGUMENT = /* @__PURE__ */ new Set([
  450,
  500,
  501,
  502,
  504,
  550
]);
var MAX_DOT_FILE_PROBES = 3;
var SELF_LINE = /^(?:d\S*\s.*|.*<DIR>)\s\.$/i;
async function readList(session, path, signal, maxBytes, all) {
  const transfer = await session.list(path, signal, all);
  const parser = new ListParser();
  const entries = [];
  let self = false;
  for await (const lines of transferLines(session, transfer, maxBytes)) {
    for (const line of lines) {
      if (line.trim() === "") continue;
      const entry = parser.parseLine(line);
      if (entry) entries.push(entry);
      else if (SELF_LINE.test(line.trimEnd())) self = true;
    }
  }
  return {
    entries,
    self
  };
}
async function probeDotFiles(session, path, signal, maxBytes, warn) {
  let asked;
  let refusal;
  try {
    asked = await readList(session, path, signal, maxBytes, true);
  } catch (error) {
    if (!(error instanceof FtpReplyError) || !REFUSES_ARGUMENT.has(error.code)) throw error;
    refusal = error;
  }
  if (asked?.self) {
    session.dotFiles = "ask";
    return asked.entries;
  }
  const plain = (await readList(session, path, signal, maxBytes, false)).entries;
  const plainNames = new Set(plain.map((e) => e.name));
  const showsDotFiles = plain.some((e) => e.name.startsWith("."));
  if (asked) {
    const extra = asked.entries.filter((e) => !plainNames.has(e.name));
    const superset = asked.entries.length - extra.length === plainNames.size;
    if (superset && extra.length > 0 && extra.every((e) => e.name.startsWith("."))) {
      session.dotFiles = "ask";
      return asked.entries;
    }
    if (superset && extra.length === 0) {
      if (showsDotFiles) session.dotFiles = "shown";
      else if (++session.dotFileProbes >= MAX_DOT_FILE_PROBES) session.dotFiles = "unasked";
      return plain;
    }
  } else if (!(refusal instanceof FtpPermanentError)) {
    return plain;
  }
  session.dotFiles = showsDotFiles ? "shown" : "unasked";
  if (!showsDotFiles) {
    warn(`The server does not take "LIST -a" ${refusal ? `(${refusal.code} ${refusal.text})` : "(it listed something else)"} and offers no MLSD, so its listings leave out names that start with a dot (.htaccess) if it hides them. Name such files one by one; listHidden: false stops ferry asking`);
  }
  return plain;
}
async function* parsed(batches, parse) {
  for await (const lines of batches) {
    const entries = [];
    for (const line of lines) {
      if (line.trim() === "") continue;
      const entry = parse(line);
      if (entry) entries.push(entry);
    }
    if (entries.length > 0) yield entries;
  }
}
async function listAll(session, path, signal, maxBytes, dotFiles, onEntry) {
  const entries = [];
  for await (const batch of await openListing(session, path, signal, maxBytes, dotFiles)) {
    for (const entry of batch) {
      entries.push(entry);
      onEntry?.(entry);
    }
  }
  return entries;
}
async function nameList(session, path, signal, maxBytes) {
  const names = [];
  const transfer = await session.nlst(path, signal);
  for await (const lines of transferLines(session, transfer, maxBytes)) {
    for (const line of lines) if (line !== "" && !isDotEntry(line)) names.push(line);
  }
  return names;
}
function isDotEntry(name) {
  return /(^|\/)\.\.?$/.test(name);
}

export {
  openListing,
  MAX_DOT_FILE_PROBES,
  listAll,
  nameList
};
