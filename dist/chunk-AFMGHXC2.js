import {
  parseTimeVal
} from "./chunk-Q64DFV4C.js";

// src/listing/_common.ts
function unknownEntry(raw) {
  return {
    name: "",
    type: "unknown",
    raw
  };
}
function stripLineEnd(line) {
  const last = line.charCodeAt(line.length - 1);
  if (last === 10) {
    return line.charCodeAt(line.length - 2) === 13 ? line.slice(0, -2) : line.slice(0, -1);
  }
  return last === 13 ? line.slice(0, -1) : line;
}
function nameVerdict(name) {
  if (name === "") return "bad";
  if (name === "." || name === "..") return "dot";
  if (name.indexOf("/") !== -1 || name.indexOf("\0") !== -1) return "bad";
  return "ok";
}
function readDecimal(text, start, end) {
  const value = readDigits(text, start, end, 10, 16);
  return value !== void 0 && Number.isSafeInteger(value) ? value : void 0;
}
function readOctalMode(text, start, end) {
  const value = readDigits(text, start, end, 8, 7);
  return value === void 0 ? void 0 : value & 4095;
}
function readDigits(text, start, end, radix, maxDigits) {
  if (end <= start || end - start > maxDigits) return void 0;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit >= radix) return void 0;
    value = value * radix + digit;
  }
  return value;
}
function isRealDay(year, month, day) {
  if (month < 1 || month > 12 || day < 1) return false;
  if (day <= 28) return true;
  return day <= new Date(Date.UTC(2e3 + year % 400, month, 0)).getUTCDate();
}
function utcDate(year, month, day, hour, minute, second) {
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (year < 100) date.setUTCFullYear(year);
  return date;
}

// src/listing/parse_mlsd.ts
function parseMlsdLine(line) {
  const raw = stripLineEnd(line);
  if (raw.trim() === "") return void 0;
  const parsed = parseFacts(raw, true);
  if (parsed === void 0) return unknownEntry(raw);
  const kind = readType(parsed.facts.type);
  if (kind.selfOrParent) return void 0;
  const verdict = nameVerdict(parsed.name);
  if (verdict === "dot") return void 0;
  if (verdict === "bad") return unknownEntry(raw);
  return buildEntry(parsed.name, kind, parsed.facts, raw);
}
function parseMlstLine(line) {
  const raw = stripLineEnd(line);
  if (raw.trim() === "") return void 0;
  const text = raw.charCodeAt(0) === 32 ? raw.slice(1) : raw;
  const parsed = parseFacts(text, false);
  if (parsed === void 0 || parsed.name.indexOf("\0") !== -1) return unknownEntry(raw);
  const kind = readType(parsed.facts.type);
  if (kind.selfOrParent) kind.type = "directory";
  let end = parsed.name.length;
  while (end > 0 && parsed.name.charCodeAt(end - 1) === 47) end--;
  const base = parsed.name.slice(parsed.name.lastIndexOf("/", end - 1) + 1, end);
  const name = nameVerdict(base) === "ok" ? base : "";
  return buildEntry(name, kind, parsed.facts, raw);
}
var WANTED_FACTS = /* @__PURE__ */ new Set([
  "type",
  "size",
  "sizd",
  "modify",
  "unix.mode",
  "unix.owner",
  "unix.ownername",
  "unix.uid",
  "unix.group",
  "unix.groupname",
  "unix.gid"
]);
function mlstOptsArgument(featParams) {
  let argument = "";
  let needed = false;
  for (const item of featParams.split(";")) {
    let fact = item.trim();
    const enabled = fact.endsWith("*");
    if (enabled) fact = fact.slice(0, -1);
    if (fact === "" || fact.indexOf(" ") !== -1) continue;
    if (!WANTED_FACTS.has(fact.toLowerCase())) continue;
    argument += fact + ";";
    if (!enabled) needed = true;
  }
  return needed ? argument : void 0;
}
function parseFacts(text, allowIndent) {
  let pos = 0;
  if (allowIndent && text.charCodeAt(0) === 32) {
    const eq = text.indexOf("=", 1);
    const semi = text.indexOf(";", 1);
    const space = text.indexOf(" ", 1);
    if (eq > 1 && semi > eq && (space === -1 || space > eq)) pos = 1;
  }
  const facts = {};
  while (pos < text.length) {
    if (text.charCodeAt(pos) === 32) {
      return {
        facts,
        name: text.slice(pos + 1)
      };
    }
    const eq = text.indexOf("=", pos);
    const semi = text.indexOf(";", pos);
    if (eq <= pos || semi === -1 || eq > semi) return void 0;
    const key = text.slice(pos, eq);
    if (key.indexOf(" ") !== -1) return void 0;
    setFact(facts, lowerKey(key), text.slice(eq + 1, semi));
    pos = semi + 1;
  }
  return void 0;
}
var KEY_CACHE = /* @__PURE__ */ new Map();
var KEY_CACHE_LIMIT = 256;
function lowerKey(key) {
  let lower = KEY_CACHE.get(key);
  if (lower === void 0) {
    lower = key.toLowerCase();
    if (KEY_CACHE.size < KEY_CACHE_LIMIT) KEY_CACHE.set(key, lower);
  }
  return lower;
}
function setFact(facts, key, value) {
  if (key === "__proto__") {
    Object.defineProperty(facts, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true
    });
  } else {
    facts[key] = value;
  }
}
function readType(value) {
  if (value === void 0) return {
    type: "unknown",
    selfOrParent: false
  };
  const lower = value.toLowerCase();
  switch (lower) {
    case "file":
      return {
        type: "file",
        selfOrParent: false
      };
    case "dir":
      return {
        type: "directory",
        selfOrParent: false
      };
    case "cdir":
    case "pdir":
      return {
        type: "directory",
        selfOrParent: true
      };
  }
  if (lower.startsWith("os.unix=slink") || lower.startsWith("os.unix=symlink")) {
    const colon = value.indexOf(":");
    const target = colon === -1 ? "" : value.slice(colon + 1);
    return target === "" ? {
      type: "symlink",
      selfOrParent: false
    } : {
      type: "symlink",
      selfOrParent: false,
      target
    };
  }
  return {
    type: "unknown",
    selfOrParent: false
  };
}
function buildEntry(name, kind, facts, raw) {
  const entry = {
    name,
    type: kind.type,
    raw
  };
  const sizeText = facts.size ?? facts.sizd;
  if (sizeText !== void 0) {
    const size = readDecimal(sizeText, 0, sizeText.length);
    if (size !== void 0) entry.size = size;
  }
  const modify = facts.modify;
  if (modify !== void 0) {
    const modified = parseTimeVal(modify);
    if (modified !== void 0) {
      entry.modified = modified;
      entry.modifiedPrecision = modify.indexOf(".") === -1 ? "second" : "millisecond";
      entry.modifiedIsUtc = true;
    }
  }
  const mode = facts["unix.mode"];
  if (mode !== void 0) {
    const permissions = readOctalMode(mode, 0, mode.length);
    if (permissions !== void 0) entry.permissions = permissions;
  }
  const ownerName = facts["unix.ownername"];
  const ownerId = facts["unix.owner"] ?? facts["unix.uid"];
  const groupName = facts["unix.groupname"];
  const groupId = facts["unix.group"] ?? facts["unix.gid"];
  const preferIds = kind.type === "symlink";
  const owner = preferIds ? ownerId ?? ownerName : ownerName ?? ownerId;
  const group = preferIds ? groupId ?? groupName : groupName ?? groupId;
  if (owner !== void 0 && owner !== "") entry.owner = owner;
  if (group !== void 0 && group !== "") entry.group = group;
  if (kind.target !== void 0) entry.target = kind.target;
  entry.facts = facts;
  return entry;
}

export {
  unknownEntry,
  stripLineEnd,
  nameVerdict,
  readDecimal,
  readOctalMode,
  isRealDay,
  utcDate,
  parseMlsdLine,
  parseMlstLine,
  mlstOptsArgument
};
