// One-shot commands on URLs: ls, and get/put/mkdir/rm as one-step tasks, so
// they get the runner's plan, pool, retries, resume and temporary names.

import { FtpClient } from "../client/ftp_client.ts";
import { parseFtpUrl } from "../protocol/url.ts";
import { resolveTask } from "../runner/_resolve.ts";
import type { Task } from "../runner/task.ts";
import type { TaskConnection, TaskStep } from "../runner/task_file.ts";
import { formatBytes } from "./_format.ts";
import { type CliIo, UsageError } from "./_io.ts";
import { printable } from "./_printable.ts";

/** What a one-shot command adds to its URL. */
export interface UrlOptions {
  /** `--password-env`: the variable holding the password. */
  passwordEnv?: string;
  /** `--timeout`: the connect, reply and data timeouts, in milliseconds. */
  timeoutMs?: number;
}

/** The connection block a URL stands for, and the path it names. */
function fromUrl(url: string, { passwordEnv, timeoutMs }: UrlOptions) {
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
  return { connection, path: parsed.path };
}

/** A one-step task on a URL; `step` receives the URL's path. */
export async function urlTask(
  url: string,
  options: UrlOptions,
  step: (path: string | undefined) => TaskStep,
): Promise<Task> {
  const { passwordEnv } = options;
  const { connection, path } = fromUrl(url, options);
  const task = await resolveTask({ version: 1, connection, steps: [step(path)] }, {
    baseDir: Deno.cwd(),
    error: (_path, message) => new UsageError(message),
  });
  if (passwordEnv !== undefined) task.reads.env.push(passwordEnv);
  return task;
}

/** `ferry ls URL`. */
export async function listCommand(
  url: string,
  flags: UrlOptions & { json: boolean },
  io: CliIo,
): Promise<number> {
  const { connection, path } = fromUrl(url, flags);
  const task = await resolveTask({ version: 1, connection, steps: [{ mkdir: "." }] }, {
    baseDir: Deno.cwd(),
    error: (_path, message) => new UsageError(message),
  });
  io.hide(task.secrets);
  await using client = await FtpClient.connect(task.connection.options);
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
