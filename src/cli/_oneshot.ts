// One-shot commands on URLs: ls, and get/put/mkdir/rm as one-step tasks, so
// they get the runner's plan, pool, retries, resume and temporary names.

import { FtpClient } from "../client/ftp_client.ts";
import { isIpAddress } from "../protocol/host.ts";
import { parseFtpUrl } from "../protocol/url.ts";
import {
  type Located,
  resolveConnection,
  type ResolvedConnection,
  resolveTask,
} from "../runner/resolve_task.ts";
import type { Task } from "../runner/task.ts";
import type { TaskConnection, TaskStep } from "../runner/task_file.ts";
import { formatBytes } from "./_format.ts";
import { type CliIo, UsageError } from "./_io.ts";
import { printable } from "./_printable.ts";

/**
 * What a one-shot command adds to its URL: the fields of a task file's
 * connection block that people reach for.
 */
export interface UrlOptions {
  /** `--password-env`: the variable holding the password. */
  passwordEnv?: string;
  /** `--timeout`: the connect, reply and data timeouts, in milliseconds. */
  timeoutMs?: number;
  /** `--active`: the server connects back (EPRT/PORT). */
  active?: boolean;
  /** `--local-address`: the IP address of this machine to connect from. */
  localAddress?: string;
  /** `--ca-file`: PEM file of extra certificate authorities (FTPS). */
  caFile?: string;
  /** `--insecure`: no certificate verification (FTPS). */
  insecure?: boolean;
  /** `--ccc`: clear the control connection after login (explicit FTPS). */
  clearControl?: boolean;
  /** `--tls-min`: the oldest TLS version to accept (`1.2` or `1.3`). */
  tlsMin?: string;
  /** `--tls-max`: the newest TLS version to offer (`1.2` or `1.3`). */
  tlsMax?: string;
  /** `--no-hidden` makes this `false`: do not ask for dot-files with `LIST -a`. */
  listHidden?: boolean;
  /** `--limit-rate`: bytes per second for the whole command. */
  rateLimit?: number;
}

/** The connection block a URL stands for, and the path it names. */
function fromUrl(url: string, options: UrlOptions) {
  const { passwordEnv, timeoutMs } = options;
  let parsed;
  try {
    parsed = parseFtpUrl(url);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const connection: TaskConnection = {
    host: parsed.host,
    port: parsed.port,
    secure: parsed.secure,
  };
  if (parsed.user !== undefined) connection.user = parsed.user;
  if (parsed.password !== undefined) connection.password = parsed.password;
  if (timeoutMs !== undefined) {
    connection.connectTimeout = connection.replyTimeout = connection.dataTimeout = timeoutMs;
  }
  if (passwordEnv !== undefined) {
    const state = Deno.permissions.querySync({ name: "env", variable: passwordEnv }).state;
    const value = state === "granted" ? Deno.env.get(passwordEnv) : undefined;
    if (value === undefined) {
      throw new UsageError(
        `--password-env: the variable ${passwordEnv} is not set (or may not be read)`,
      );
    }
    connection.password = value;
  }
  if (options.active) connection.mode = "active";
  if (options.localAddress !== undefined) {
    if (!isIpAddress(options.localAddress)) {
      throw new UsageError(
        `--local-address must be an IP address of this machine, such as 192.0.2.7 or ::1, ` +
          `got ${JSON.stringify(options.localAddress)}`,
      );
    }
    connection.localAddress = options.localAddress;
  }
  if (options.listHidden === false) connection.listHidden = false;
  if (options.rateLimit !== undefined) connection.rateLimit = options.rateLimit;
  const tlsFlags = options.caFile !== undefined || options.insecure || options.clearControl ||
    options.tlsMin !== undefined || options.tlsMax !== undefined;
  if (tlsFlags) {
    if (parsed.secure === "none") {
      throw new UsageError(
        "--ca-file, --insecure, --ccc, --tls-min and --tls-max are for FTPS: use an ftpes:// " +
          "(explicit TLS) or ftps:// (implicit TLS) URL",
      );
    }
    connection.tls = {};
    if (options.caFile !== undefined) connection.tls.caFile = options.caFile;
    if (options.insecure) connection.tls.verify = false;
    if (options.clearControl) {
      if (parsed.secure !== "explicit") {
        throw new UsageError(
          "--ccc clears a control connection that AUTH TLS secured: use an ftpes:// URL " +
            "(explicit TLS), not ftps://",
        );
      }
      connection.tls.clearControl = true;
    }
    if (options.tlsMin !== undefined) {
      connection.tls.minVersion = tlsVersion("--tls-min", options.tlsMin);
    }
    if (options.tlsMax !== undefined) {
      connection.tls.maxVersion = tlsVersion("--tls-max", options.tlsMax);
    }
  }
  return { connection, path: parsed.path };
}

/** `1.2`/`1.3` (or `TLSv1.2`/`TLSv1.3`) as a task file's TLS version. */
function tlsVersion(flag: string, value: string): "TLSv1.2" | "TLSv1.3" {
  const version = value.replace(/^TLSv/i, "");
  if (version === "1.2" || version === "1.3") return `TLSv${version}`;
  throw new UsageError(
    `${flag} must be 1.2 or 1.3 (the TLS versions ferry's TLS engines speak), got ${
      JSON.stringify(value)
    }`,
  );
}

/** Resolution from the working directory, its problems reported as usage errors. */
function atWorkingDir(): Located {
  return { baseDir: Deno.cwd(), error: (_path, message) => new UsageError(message) };
}

/** A one-step task on a URL, resolved as `ferry run` would; `step` receives the URL's path. */
export async function urlTask(
  url: string,
  options: UrlOptions,
  step: (path: string | undefined) => TaskStep,
): Promise<Task> {
  const { connection, path } = fromUrl(url, options);
  const task = await resolveTask(
    { version: 1, connection, steps: [step(path)] },
    atWorkingDir(),
  );
  if (options.passwordEnv !== undefined) task.reads.env.push(options.passwordEnv);
  return task;
}

/**
 * The connection a URL and options stand for, resolved as a task's
 * connection block is (netrc, the CA file, the checks), and the path the
 * URL names: for `ferry ls` and the pipes, which open one client and run no
 * task.
 */
export async function urlConnection(
  url: string,
  options: UrlOptions,
): Promise<ResolvedConnection & { path: string | undefined }> {
  const { connection, path } = fromUrl(url, options);
  const resolved = await resolveConnection(connection, atWorkingDir());
  if (options.passwordEnv !== undefined) resolved.reads.env.push(options.passwordEnv);
  return { ...resolved, path };
}

/** `ferry ls URL`. */
export async function listCommand(
  url: string,
  flags: UrlOptions & { json: boolean },
  io: CliIo,
): Promise<number> {
  const { connection, secrets, path } = await urlConnection(url, flags);
  io.hide(secrets);
  await using client = await FtpClient.connect(connection.options);
  client.addEventListener(
    "warning",
    (event) => io.stderr(`warning: ${printable(event.message)}\n`),
  );
  const entries = await client.list(path);
  if (flags.json) {
    const rows = entries.map((e) => ({
      name: e.name,
      type: e.type,
      size: e.size,
      modified: e.modified?.toISOString(),
      ...(e.target !== undefined ? { target: e.target } : {}),
    }));
    io.stdout(JSON.stringify(rows, null, 2) + "\n");
    return 0;
  }
  // One write for the whole listing: a write (and a redaction pass) per
  // line costs more than the listing itself on large directories.
  const rows: string[] = [];
  for (const e of entries) {
    const kind = e.type === "directory"
      ? "d"
      : e.type === "symlink"
      ? "l"
      : e.type === "file"
      ? "-"
      : "?";
    const size = e.type === "directory" ? "" : e.size === undefined ? "?" : formatBytes(e.size);
    const when = e.modified ? e.modified.toISOString().slice(0, 16).replace("T", " ") : "";
    const name = e.type === "symlink" && e.target ? `${e.name} -> ${e.target}` : e.name || e.raw;
    rows.push(`${kind} ${size.padStart(8)}  ${when.padEnd(16)}  ${printable(name)}\n`);
  }
  io.stdout(rows.join(""));
  return 0;
}
