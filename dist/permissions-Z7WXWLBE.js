import {
  stepKind
} from "./chunk-U3WY2XO2.js";
import {
  hostForUrl
} from "./chunk-RK3YRUIX.js";

// src/runner/permissions.ts
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { dirname, extname, resolve as resolve2, sep } from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";

// src/runner/_module_files.ts
import { fileURLToPath, pathToFileURL } from "node:url";
var SPECIFIER = /(?:\bimport|\bexport)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;
var MAX_MODULES = 1e4;
function resolve(specifier, parent) {
  try {
    if (/^\.{0,2}\//.test(specifier) || specifier.startsWith("file:")) {
      return new URL(specifier, parent);
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return void 0;
    const url = new URL(import.meta.resolve(specifier));
    return url.pathname.includes("/node_modules/") ? void 0 : url;
  } catch {
    return void 0;
  }
}
async function moduleFiles(entry) {
  const seen = /* @__PURE__ */ new Set();
  const queue = [
    pathToFileURL(entry)
  ];
  while (queue.length > 0 && seen.size < MAX_MODULES) {
    const url = queue.pop();
    if (url.protocol !== "file:" || seen.has(url.href)) continue;
    seen.add(url.href);
    let text;
    try {
      text = await Deno.readTextFile(url);
    } catch {
      continue;
    }
    for (const match of text.matchAll(SPECIFIER)) {
      const found = resolve(match[1] ?? match[2], url);
      if (found?.protocol === "file:" && !seen.has(found.href)) queue.push(found);
    }
  }
  return [
    ...seen
  ].map((href) => fileURLToPath(href));
}

// src/runner/permissions.ts
function unique(values) {
  return [
    ...new Set(values)
  ].sort();
}
var OWN_SOURCES = import.meta.url.startsWith("file:") ? fileURLToPath2(new URL("./", import.meta.url)).replace(/[/\\]$/, "") : void 0;
var isLoopback = (address) => /^127\./.test(address) || address === "::1";
async function addressesOf(host, notes) {
  if (isIP(host)) return [
    host
  ];
  try {
    return (await lookup(host, {
      all: true
    })).map((a) => a.address);
  } catch (error) {
    notes.push(`could not resolve ${host} (${error.message}): data connections go to its addresses, which the flags then lack`);
    return [];
  }
}
function listenAddresses(servers, notes) {
  let interfaces;
  try {
    interfaces = Deno.networkInterfaces().map((i) => i.address);
  } catch {
    interfaces = void 0;
  }
  const out = [];
  for (const server of servers) {
    const family = isIP(server);
    const loopback = isLoopback(server);
    const local = interfaces?.filter((a) => isIP(a) === family && isLoopback(a) === loopback);
    if (local && local.length > 0) out.push(...local);
    else if (loopback) out.push(family === 6 ? "::1" : "127.0.0.1");
    else {
      notes.push("active mode listens on a local address that could not be listed (run `ferry permissions` with --allow-sys=networkInterfaces)");
    }
  }
  return out.map((address) => `${hostForUrl(address)}:0`);
}
async function moduleReads(file) {
  const files = await moduleFiles(file);
  return files.map((path) => OWN_SOURCES !== void 0 && path.startsWith(OWN_SOURCES + sep) ? OWN_SOURCES : path);
}
async function taskPermissions(task, extra = {}) {
  const notes = [];
  const host = task.connection.options.host ?? "127.0.0.1";
  const addresses = await addressesOf(host, notes);
  const net = [
    host,
    ...addresses
  ].map(hostForUrl);
  const localAddress = task.connection.options.localAddress;
  if (localAddress !== void 0) {
    net.push(`${hostForUrl(localAddress)}:0`);
  } else if (task.connection.options.transferMode === "active") {
    net.push(...listenAddresses(addresses, notes));
  }
  const write = (extra.write ?? []).map((p) => resolve2(p));
  const read = [
    ...task.reads.files,
    ...write
  ];
  if (task.file && /^\.[mc]?[jt]s$/.test(extname(task.file))) {
    read.push(...await moduleReads(task.file));
  }
  if (OWN_SOURCES !== void 0) read.push(OWN_SOURCES);
  for (const step of task.steps) {
    const kind = await stepKind(step.kind);
    const access = await kind.permissions?.(step);
    read.push(...access?.read ?? []);
    write.push(...access?.write ?? []);
    const watched = extra.watch ? await kind.watch?.(step) : void 0;
    for (const source of watched?.sources ?? []) {
      read.push(source.type === "file" ? dirname(source.path) : source.path);
    }
  }
  return {
    net: unique(net),
    read: unique(read),
    write: unique(write),
    env: unique(task.reads.env),
    notes
  };
}
function permissionFlags(permissions) {
  const flags = [];
  const add = (name, values) => {
    if (values.length > 0) flags.push(`--allow-${name}=${values.join(",")}`);
  };
  add("net", permissions.net);
  add("read", permissions.read);
  add("write", permissions.write);
  add("env", permissions.env);
  return flags;
}
export {
  permissionFlags,
  taskPermissions
};
