import {
  stepKind,
  stepKindNameOf
} from "./chunk-U3WY2XO2.js";
import {
  RATE_EXPECTED,
  bytesPerSecond,
  durationMs
} from "./chunk-URKZZK3P.js";
import {
  parseFtpUrl
} from "./chunk-KOF6ERUA.js";
import {
  resolve
} from "./chunk-ZN2EVIR7.js";
import {
  hostForUrl,
  isIpAddress
} from "./chunk-RK3YRUIX.js";

// src/runner/_netrc.ts
function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === '"') {
      let token = "";
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        token += text[i++];
      }
      i++;
      tokens.push(token);
    } else {
      let token = "";
      while (i < text.length && !/\s/.test(text[i])) token += text[i++];
      if (token === "macdef") {
        const end = text.indexOf("\n\n", i);
        i = end === -1 ? text.length : end + 2;
        continue;
      }
      tokens.push(token);
    }
  }
  return tokens;
}
function findNetrcEntry(text, host, login) {
  const tokens = tokenize(text);
  let fallback;
  for (let i = 0; i < tokens.length; i++) {
    const isDefault = tokens[i] === "default";
    if (tokens[i] !== "machine" && !isDefault) continue;
    const machine = isDefault ? void 0 : tokens[++i];
    const entry = {};
    while (i + 2 < tokens.length + 1 && [
      "login",
      "password",
      "account"
    ].includes(tokens[i + 1])) {
      const key = tokens[i + 1];
      entry[key] = tokens[i + 2];
      i += 2;
    }
    if (login !== void 0 && entry.login !== void 0 && entry.login !== login) continue;
    if (machine !== void 0 && machine.toLowerCase() === host.toLowerCase()) return entry;
    if (isDefault) fallback ??= entry;
  }
  return fallback;
}

// src/runner/resolve_task.ts
var DEFAULT_PARALLEL = 4;
var DEFAULT_RETRIES = 3;
var DEFAULT_TIMEOUT_RETRIES = 1;
var DEFAULT_WATCH = {
  debounceMs: 300,
  maxWaitMs: 5e3,
  keepAliveMs: 3e4
};
function whole(value) {
  return typeof value === "number" ? value : Number(value);
}
async function resolveTask(data, at) {
  const { connection, secrets, reads } = await resolveConnection(data.connection, at);
  const kinds = await Promise.all(data.steps.map((step) => stepKind(stepKindNameOf(step))));
  const steps = data.steps.map((step, index) => resolveStep(step, index, kinds[index], at));
  const w = data.watch ?? {};
  const watch = {
    debounceMs: w.debounce === void 0 ? DEFAULT_WATCH.debounceMs : durationMs(w.debounce),
    maxWaitMs: w.maxWait === void 0 ? DEFAULT_WATCH.maxWaitMs : durationMs(w.maxWait),
    keepAliveMs: w.keepAlive === void 0 ? DEFAULT_WATCH.keepAliveMs : durationMs(w.keepAlive)
  };
  return {
    baseDir: at.baseDir,
    connection,
    steps,
    watch,
    secrets,
    reads
  };
}
async function resolveConnection(block, at) {
  const reads = {
    env: [],
    files: []
  };
  const secrets = [];
  let url;
  if (block.url !== void 0) {
    try {
      url = parseFtpUrl(block.url);
    } catch (error) {
      throw at.error([
        "connection",
        "url"
      ], error.message);
    }
  } else if (block.host === void 0) {
    throw at.error([
      "connection"
    ], 'give "url" (ftp://host:port/path) or "host"');
  }
  const secure = block.secure ?? url?.secure ?? "none";
  const host = block.host ?? url.host;
  const explicitPort = block.url !== void 0 && new URL(block.url).port !== "";
  const options = {
    host,
    port: block.port !== void 0 ? whole(block.port) : explicitPort ? url.port : secure === "implicit" ? 990 : 21,
    secure
  };
  let user = block.user ?? url?.user;
  let password = block.password ?? url?.password;
  let account = block.account;
  if (password === void 0 && block.netrc !== false) {
    const netrcFile = typeof block.netrc === "string" ? resolve(at.baseDir, block.netrc) : defaultNetrc(reads);
    if (netrcFile) {
      reads.files.push(netrcFile);
      const entry = await readNetrc(netrcFile, host, user);
      if (entry) {
        user ??= entry.login;
        password = entry.password;
        account ??= entry.account;
      }
    }
  }
  if (user !== void 0) options.user = user;
  if (password !== void 0) {
    options.password = password;
    if (password !== "") secrets.push(password);
  }
  if (account !== void 0) options.account = account;
  if (url?.path !== void 0) options.path = url.path;
  if (block.mode) options.transferMode = block.mode;
  if (block.localAddress !== void 0) {
    if (!isIpAddress(block.localAddress)) {
      throw at.error([
        "connection",
        "localAddress"
      ], `must be an IP address of this machine, such as 192.0.2.7 or ::1 (IPv6 without brackets), got ${JSON.stringify(block.localAddress)}`);
    }
    options.localAddress = block.localAddress;
  }
  if (block.connectTimeout !== void 0) {
    options.connectTimeout = durationMs(block.connectTimeout);
  }
  if (block.replyTimeout !== void 0) options.replyTimeout = durationMs(block.replyTimeout);
  if (block.dataTimeout !== void 0) options.dataTimeout = durationMs(block.dataTimeout);
  if (block.rateLimit !== void 0) {
    const rate = bytesPerSecond(block.rateLimit);
    if (rate === void 0) {
      throw at.error([
        "connection",
        "rateLimit"
      ], `expected ${RATE_EXPECTED}`);
    }
    options.rateLimit = rate;
  }
  if (block.encoding !== void 0) options.encoding = block.encoding;
  if (block.listHidden !== void 0) options.listHidden = block.listHidden;
  if (block.tls) {
    const tls = {};
    if (block.tls.verify !== void 0) tls.verify = block.tls.verify;
    if (block.tls.serverName !== void 0) tls.serverName = block.tls.serverName;
    if (block.tls.minVersion !== void 0) tls.minVersion = block.tls.minVersion;
    if (block.tls.maxVersion !== void 0) tls.maxVersion = block.tls.maxVersion;
    if (block.tls.clearControl !== void 0) tls.clearControl = block.tls.clearControl;
    if (block.tls.clearControl && secure !== "explicit") {
      throw at.error([
        "connection",
        "tls",
        "clearControl"
      ], `CCC clears a control connection that AUTH TLS secured: it needs explicit FTPS (an ftpes:// URL or secure: explicit), not secure: ${secure}`);
    }
    if (block.tls.minVersion === "TLSv1.3" && block.tls.maxVersion === "TLSv1.2") {
      throw at.error([
        "connection",
        "tls",
        "minVersion"
      ], 'TLSv1.3 is newer than maxVersion "TLSv1.2": no version is left');
    }
    if (block.tls.caFile !== void 0) {
      const file = resolve(at.baseDir, block.tls.caFile);
      reads.files.push(file);
      try {
        tls.caCerts = [
          await Deno.readTextFile(file)
        ];
      } catch (error) {
        throw at.error([
          "connection",
          "tls",
          "caFile"
        ], `cannot read the CA file ${file}: ${error instanceof Deno.errors.NotFound ? "no such file" : error.message}`);
      }
    }
    options.tls = tls;
  }
  const scheme = secure === "implicit" ? "ftps" : secure === "explicit" ? "ftpes" : "ftp";
  const who = options.user !== void 0 ? `${encodeURIComponent(options.user)}@` : "";
  const display = `${scheme}://${who}${hostForUrl(host)}:${options.port}/${options.path ?? ""}`;
  const parallel = block.parallel === void 0 ? DEFAULT_PARALLEL : whole(block.parallel);
  return {
    connection: {
      options,
      parallel,
      display
    },
    secrets,
    reads
  };
}
function defaultNetrc(reads) {
  for (const name of [
    "NETRC",
    "HOME",
    "USERPROFILE"
  ]) {
    if (Deno.permissions.querySync({
      name: "env",
      variable: name
    }).state !== "granted") continue;
    const value = Deno.env.get(name);
    if (!value) continue;
    reads.env.push(name);
    return name === "NETRC" ? value : resolve(value, ".netrc");
  }
  return void 0;
}
async function readNetrc(file, host, user) {
  if (Deno.permissions.querySync({
    name: "read",
    path: file
  }).state !== "granted") {
    return void 0;
  }
  try {
    return findNetrcEntry(await Deno.readTextFile(file), host, user);
  } catch {
    return void 0;
  }
}
function resolveStep(step, index, kind, at) {
  const action = step[kind.kind];
  const resolved = kind.resolve(action, {
    baseDir: at.baseDir,
    locate: at.locate && ((path) => at.locate([
      "steps",
      index,
      kind.kind,
      ...path
    ]))
  });
  return {
    index,
    continueOnError: step.continueOnError ?? false,
    retries: step.retries === void 0 ? DEFAULT_RETRIES : whole(step.retries),
    timeoutRetries: step.timeoutRetries === void 0 ? DEFAULT_TIMEOUT_RETRIES : whole(step.timeoutRetries),
    name: step.name ?? resolved.name,
    ...resolved.sourcesAt ? {
      sourcesAt: resolved.sourcesAt
    } : {},
    kind: kind.kind,
    ...resolved.fields
  };
}

export {
  DEFAULT_WATCH,
  resolveTask,
  resolveConnection
};
