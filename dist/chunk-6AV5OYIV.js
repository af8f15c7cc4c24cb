import {
  FtpClient,
  formatBytes
} from "./chunk-OAUP5DGT.js";
import {
  resolveConnection,
  resolveTask
} from "./chunk-MDAPYFKY.js";
import {
  printable
} from "./chunk-S6NQWXE5.js";
import {
  UsageError
} from "./chunk-IGADUVIL.js";
import {
  parseFtpUrl
} from "./chunk-KOF6ERUA.js";
import {
  isIpAddress
} from "./chunk-RK3YRUIX.js";

// src/cli/_oneshot.ts
function fromUrl(url, options) {
  const { passwordEnv, timeoutMs } = options;
  let parsed;
  try {
    parsed = parseFtpUrl(url);
  } catch (error) {
    throw new UsageError(error.message);
  }
  const connection = {
    host: parsed.host,
    port: parsed.port,
    secure: parsed.secure
  };
  if (parsed.user !== void 0) connection.user = parsed.user;
  if (parsed.password !== void 0) connection.password = parsed.password;
  if (timeoutMs !== void 0) {
    connection.connectTimeout = connection.replyTimeout = connection.dataTimeout = timeoutMs;
  }
  if (passwordEnv !== void 0) {
    const state = Deno.permissions.querySync({
      name: "env",
      variable: passwordEnv
    }).state;
    const value = state === "granted" ? Deno.env.get(passwordEnv) : void 0;
    if (value === void 0) {
      throw new UsageError(`--password-env: the variable ${passwordEnv} is not set (or may not be read)`);
    }
    connection.password = value;
  }
  if (options.active) connection.mode = "active";
  if (options.localAddress !== void 0) {
    if (!isIpAddress(options.localAddress)) {
      throw new UsageError(`--local-address must be an IP address of this machine, such as 192.0.2.7 or ::1, got ${JSON.stringify(options.localAddress)}`);
    }
    connection.localAddress = options.localAddress;
  }
  if (options.listHidden === false) connection.listHidden = false;
  if (options.rateLimit !== void 0) connection.rateLimit = options.rateLimit;
  const tlsFlags = options.caFile !== void 0 || options.insecure || options.clearControl || options.tlsMin !== void 0 || options.tlsMax !== void 0;
  if (tlsFlags) {
    if (parsed.secure === "none") {
      throw new UsageError("--ca-file, --insecure, --ccc, --tls-min and --tls-max are for FTPS: use an ftpes:// (explicit TLS) or ftps:// (implicit TLS) URL");
    }
    connection.tls = {};
    if (options.caFile !== void 0) connection.tls.caFile = options.caFile;
    if (options.insecure) connection.tls.verify = false;
    if (options.clearControl) {
      if (parsed.secure !== "explicit") {
        throw new UsageError("--ccc clears a control connection that AUTH TLS secured: use an ftpes:// URL (explicit TLS), not ftps://");
      }
      connection.tls.clearControl = true;
    }
    if (options.tlsMin !== void 0) {
      connection.tls.minVersion = tlsVersion("--tls-min", options.tlsMin);
    }
    if (options.tlsMax !== void 0) {
      connection.tls.maxVersion = tlsVersion("--tls-max", options.tlsMax);
    }
  }
  return {
    connection,
    path: parsed.path
  };
}
function tlsVersion(flag, value) {
  const version = value.replace(/^TLSv/i, "");
  if (version === "1.2" || version === "1.3") return `TLSv${version}`;
  throw new UsageError(`${flag} must be 1.2 or 1.3 (the TLS versions ferry's TLS engines speak), got ${JSON.stringify(value)}`);
}
function atWorkingDir() {
  return {
    baseDir: Deno.cwd(),
    error: (_path, message) => new UsageError(message)
  };
}
async function urlTask(url, options, step) {
  const { connection, path } = fromUrl(url, options);
  const task = await resolveTask({
    version: 1,
    connection,
    steps: [
      step(path)
    ]
  }, atWorkingDir());
  if (options.passwordEnv !== void 0) task.reads.env.push(options.passwordEnv);
  return task;
}
async function urlConnection(url, options) {
  const { connection, path } = fromUrl(url, options);
  const resolved = await resolveConnection(connection, atWorkingDir());
  if (options.passwordEnv !== void 0) resolved.reads.env.push(options.passwordEnv);
  return {
    ...resolved,
    path
  };
}
async function listCommand(url, flags, io) {
  const { connection, secrets, path } = await urlConnection(url, flags);
  io.hide(secrets);
  await using client = await FtpClient.connect(connection.options);
  client.addEventListener("warning", (event) => io.stderr(`warning: ${printable(event.message)}
`));
  const entries = await client.list(path);
  if (flags.json) {
    const rows2 = entries.map((e) => ({
      name: e.name,
      type: e.type,
      size: e.size,
      modified: e.modified?.toISOString(),
      ...e.target !== void 0 ? {
        target: e.target
      } : {}
    }));
    io.stdout(JSON.stringify(rows2, null, 2) + "\n");
    return 0;
  }
  const rows = [];
  for (const e of entries) {
    const kind = e.type === "directory" ? "d" : e.type === "symlink" ? "l" : e.type === "file" ? "-" : "?";
    const size = e.type === "directory" ? "" : e.size === void 0 ? "?" : formatBytes(e.size);
    const when = e.modified ? e.modified.toISOString().slice(0, 16).replace("T", " ") : "";
    const name = e.type === "symlink" && e.target ? `${e.name} -> ${e.target}` : e.name || e.raw;
    rows.push(`${kind} ${size.padStart(8)}  ${when.padEnd(16)}  ${printable(name)}
`);
  }
  io.stdout(rows.join(""));
  return 0;
}

export {
  urlTask,
  urlConnection,
  listCommand
};
