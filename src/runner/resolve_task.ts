/**
 * Turns validated task data into a Task: the connection block becomes
 * FtpClientOptions (secure mode from the scheme or `secure`, CA file read,
 * credentials from the URL, the block or ~/.netrc), and every step gets the
 * common defaults, then its kind's resolution (steps/<kind>.ts): local
 * paths made absolute, its own defaults and a name. The CLI's one-shots
 * (`ferry ls URL`, `ferry get URL`) resolve their URL and flags here too, so
 * that netrc, the CA file and the checks are those of `ferry run`.
 *
 * @module
 */

import { resolve } from "../std/path.ts";
import type { FtpInputError } from "../errors.ts";
import type { FtpClientOptions } from "../client/options.ts";
import { type FtpUrl, parseFtpUrl } from "../protocol/url.ts";
import { hostForUrl, isIpAddress } from "../protocol/host.ts";
import { durationMs } from "./duration.ts";
import { bytesPerSecond, RATE_EXPECTED } from "./byte_rate.ts";
import { findNetrcEntry } from "./_netrc.ts";
import type { KeyPath } from "./_source.ts";
import { stepKind, type StepKindDef, stepKindNameOf } from "./steps/registry.ts";
import type { Step, Task, WatchSettings } from "./task.ts";
import type { TaskFileLocation } from "./task_file_error.ts";
import type { TaskConnection, TaskFile, TaskStep, WholeNumber } from "./task_file.ts";

/**
 * Where relative paths start, and how resolution reports a problem at a key
 * path.
 *
 * @example
 * ```ts
 * import type { Located } from "./resolve_task.ts";
 *
 * const at: Located = {
 *   baseDir: Deno.cwd(),
 *   error: (path, message) => new Error(`${path.join(".")}: ${message}`),
 * };
 * ```
 */
export interface Located {
  /** Relative local paths (steps, the CA file, the netrc) start here. */
  baseDir: string;
  /** The error for a problem at `path` (keys from the task's root). */
  error(path: KeyPath, message: string): Error;
  /** Where a key is in the task file, when the task came from one. */
  locate?(path: KeyPath): TaskFileLocation;
}

/**
 * Default number of pooled connections.
 *
 * @example
 * ```ts
 * import { DEFAULT_PARALLEL } from "./resolve_task.ts";
 * const parallel = Math.max(1, DEFAULT_PARALLEL); // 4
 * ```
 */
export const DEFAULT_PARALLEL = 4;
/**
 * Default retries of a transient failure.
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRIES } from "./resolve_task.ts";
 * const tries = DEFAULT_RETRIES + 1; // 4
 * ```
 */
export const DEFAULT_RETRIES = 3;
/**
 * Default retries of a timeout (within the retries).
 *
 * @example
 * ```ts
 * import { DEFAULT_TIMEOUT_RETRIES } from "./resolve_task.ts";
 * const timeoutTries = DEFAULT_TIMEOUT_RETRIES + 1; // 2
 * ```
 */
export const DEFAULT_TIMEOUT_RETRIES = 1;
/**
 * Default watch settings (see TaskWatch).
 *
 * @example
 * ```ts
 * import { DEFAULT_WATCH } from "./resolve_task.ts";
 * const quietFor = DEFAULT_WATCH.debounceMs; // 300
 * ```
 */
export const DEFAULT_WATCH: WatchSettings = {
  debounceMs: 300,
  maxWaitMs: 5_000,
  keepAliveMs: 30_000,
};

function whole(value: WholeNumber): number {
  return typeof value === "number" ? value : Number(value);
}

/**
 * Resolves validated task data (as `loadTask` does after validation).
 *
 * @example A task built in code
 * ```ts ignore
 * import { resolveTask } from "./resolve_task.ts";
 *
 * const task = await resolveTask({
 *   version: 1,
 *   connection: { url: "ftp://127.0.0.1:2121" },
 *   steps: [{ mkdir: "www" }],
 * }, { baseDir: Deno.cwd(), error: (_path, message) => new Error(message) });
 * ```
 */
export async function resolveTask(data: TaskFile, at: Located): Promise<Task> {
  const { connection, secrets, reads } = await resolveConnection(data.connection, at);
  // Each kind's module loads here, when a task first uses the kind.
  const kinds = await Promise.all(data.steps.map((step) => stepKind(stepKindNameOf(step))));
  const steps = data.steps.map((step, index) => resolveStep(step, index, kinds[index], at));
  const w = data.watch ?? {};
  const watch: WatchSettings = {
    debounceMs: w.debounce === undefined ? DEFAULT_WATCH.debounceMs : durationMs(w.debounce),
    maxWaitMs: w.maxWait === undefined ? DEFAULT_WATCH.maxWaitMs : durationMs(w.maxWait),
    keepAliveMs: w.keepAlive === undefined ? DEFAULT_WATCH.keepAliveMs : durationMs(w.keepAlive),
  };
  return { baseDir: at.baseDir, connection, steps, watch, secrets, reads };
}

/** A task's connection block, resolved: what opening a client needs, and what it read. */
export interface ResolvedConnection {
  /** The client options (password included), the pool size and the display name. */
  connection: Task["connection"];
  /** Strings never to show: the password, wherever it came from. */
  secrets: string[];
  /** What resolution read besides the block: environment variables and files. */
  reads: Task["reads"];
}

/**
 * Resolves a task file's connection block alone: what `ferry run` makes of
 * it, for whoever opens a client without a task (the CLI's `ferry ls URL`
 * and pipes).
 *
 * @example
 * ```ts ignore
 * import { FtpClient } from "@ferry/ftp";
 * import { resolveConnection } from "./resolve_task.ts";
 *
 * const { connection } = await resolveConnection({ url: "ftp://127.0.0.1:2121" }, {
 *   baseDir: Deno.cwd(),
 *   error: (_path, message) => new Error(message),
 * });
 * await using client = await FtpClient.connect(connection.options);
 * ```
 */
export async function resolveConnection(
  block: TaskConnection,
  at: Located,
): Promise<ResolvedConnection> {
  const reads: Task["reads"] = { env: [], files: [] };
  const secrets: string[] = [];
  let url: FtpUrl | undefined;
  if (block.url !== undefined) {
    try {
      url = parseFtpUrl(block.url);
    } catch (error) {
      throw at.error(["connection", "url"], (error as FtpInputError).message);
    }
  } else if (block.host === undefined) {
    throw at.error(["connection"], 'give "url" (ftp://host:port/path) or "host"');
  }
  const secure = block.secure ?? url?.secure ?? "none";
  const host = block.host ?? url!.host;
  const explicitPort = block.url !== undefined && new URL(block.url).port !== "";
  const options: FtpClientOptions = {
    host,
    port: block.port !== undefined
      ? whole(block.port)
      : explicitPort
      ? url!.port
      : (secure === "implicit" ? 990 : 21),
    secure,
  };
  let user = block.user ?? url?.user;
  let password = block.password ?? url?.password;
  let account = block.account;
  if (password === undefined && block.netrc !== false) {
    const netrcFile = typeof block.netrc === "string"
      ? resolve(at.baseDir, block.netrc)
      : defaultNetrc(reads);
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
  if (user !== undefined) options.user = user;
  if (password !== undefined) {
    options.password = password;
    if (password !== "") secrets.push(password);
  }
  if (account !== undefined) options.account = account;
  if (url?.path !== undefined) options.path = url.path;
  if (block.mode) options.transferMode = block.mode;
  if (block.localAddress !== undefined) {
    if (!isIpAddress(block.localAddress)) {
      throw at.error(
        ["connection", "localAddress"],
        `must be an IP address of this machine, such as 192.0.2.7 or ::1 (IPv6 without ` +
          `brackets), got ${JSON.stringify(block.localAddress)}`,
      );
    }
    options.localAddress = block.localAddress;
  }
  if (block.connectTimeout !== undefined) {
    options.connectTimeout = durationMs(block.connectTimeout);
  }
  if (block.replyTimeout !== undefined) options.replyTimeout = durationMs(block.replyTimeout);
  if (block.dataTimeout !== undefined) options.dataTimeout = durationMs(block.dataTimeout);
  if (block.rateLimit !== undefined) {
    const rate = bytesPerSecond(block.rateLimit);
    if (rate === undefined) {
      throw at.error(["connection", "rateLimit"], `expected ${RATE_EXPECTED}`);
    }
    options.rateLimit = rate;
  }
  if (block.encoding !== undefined) options.encoding = block.encoding;
  if (block.listHidden !== undefined) options.listHidden = block.listHidden;
  if (block.tls) {
    const tls: NonNullable<FtpClientOptions["tls"]> = {};
    if (block.tls.verify !== undefined) tls.verify = block.tls.verify;
    if (block.tls.serverName !== undefined) tls.serverName = block.tls.serverName;
    if (block.tls.minVersion !== undefined) tls.minVersion = block.tls.minVersion;
    if (block.tls.maxVersion !== undefined) tls.maxVersion = block.tls.maxVersion;
    if (block.tls.clearControl !== undefined) tls.clearControl = block.tls.clearControl;
    if (block.tls.clearControl && secure !== "explicit") {
      throw at.error(
        ["connection", "tls", "clearControl"],
        `CCC clears a control connection that AUTH TLS secured: it needs explicit FTPS ` +
          `(an ftpes:// URL or secure: explicit), not secure: ${secure}`,
      );
    }
    if (block.tls.minVersion === "TLSv1.3" && block.tls.maxVersion === "TLSv1.2") {
      throw at.error(
        ["connection", "tls", "minVersion"],
        'TLSv1.3 is newer than maxVersion "TLSv1.2": no version is left',
      );
    }
    if (block.tls.caFile !== undefined) {
      const file = resolve(at.baseDir, block.tls.caFile);
      reads.files.push(file);
      try {
        tls.caCerts = [await Deno.readTextFile(file)];
      } catch (error) {
        throw at.error(
          ["connection", "tls", "caFile"],
          `cannot read the CA file ${file}: ${
            error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message
          }`,
        );
      }
    }
    options.tls = tls;
  }
  const scheme = secure === "implicit" ? "ftps" : secure === "explicit" ? "ftpes" : "ftp";
  const who = options.user !== undefined ? `${encodeURIComponent(options.user)}@` : "";
  // A relative path shows as ftp://h/pub, an absolute one as ftp://h//srv.
  const display = `${scheme}://${who}${hostForUrl(host)}:${options.port}/${options.path ?? ""}`;
  const parallel = block.parallel === undefined ? DEFAULT_PARALLEL : whole(block.parallel);
  return { connection: { options, parallel, display }, secrets, reads };
}

function defaultNetrc(reads: Task["reads"]): string | undefined {
  for (const name of ["NETRC", "HOME", "USERPROFILE"]) {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") continue;
    const value = Deno.env.get(name);
    if (!value) continue;
    reads.env.push(name);
    return name === "NETRC" ? value : resolve(value, ".netrc");
  }
  return undefined;
}

async function readNetrc(file: string, host: string, user: string | undefined) {
  if (Deno.permissions.querySync({ name: "read", path: file }).state !== "granted") {
    return undefined;
  }
  try {
    return findNetrcEntry(await Deno.readTextFile(file), host, user);
  } catch {
    return undefined; // No netrc is the common case.
  }
}

function resolveStep(step: TaskStep, index: number, kind: StepKindDef, at: Located): Step {
  const action = (step as unknown as Record<string, unknown>)[kind.kind];
  const resolved = kind.resolve(action, {
    baseDir: at.baseDir,
    locate: at.locate && ((path) => at.locate!(["steps", index, kind.kind, ...path])),
  });
  return {
    index,
    continueOnError: step.continueOnError ?? false,
    retries: step.retries === undefined ? DEFAULT_RETRIES : whole(step.retries),
    timeoutRetries: step.timeoutRetries === undefined
      ? DEFAULT_TIMEOUT_RETRIES
      : whole(step.timeoutRetries),
    name: step.name ?? resolved.name,
    ...(resolved.sourcesAt ? { sourcesAt: resolved.sourcesAt } : {}),
    kind: kind.kind,
    ...resolved.fields as object,
  } as Step;
}
