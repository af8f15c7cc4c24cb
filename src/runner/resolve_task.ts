// Turns validated task data into a Task: the connection block becomes
// FtpClientOptions (secure mode from the scheme or `secure`, CA file read,
// credentials from the URL, the block or ~/.netrc), and every step gets the
// common defaults, then its kind's resolution (steps/<kind>.ts): local
// paths made absolute, its own defaults and a name.

import { resolve } from "node:path";
import type { FtpInputError } from "../errors.ts";
import type { FtpClientOptions } from "../client/options.ts";
import { type FtpUrl, parseFtpUrl } from "../protocol/url.ts";
import { hostForUrl } from "../protocol/host.ts";
import { durationMs } from "./duration.ts";
import { findNetrcEntry } from "./_netrc.ts";
import type { KeyPath } from "./_source.ts";
import { stepKindOf } from "./steps/registry.ts";
import type { Step, Task, WatchSettings } from "./task.ts";
import type { TaskFileLocation } from "./task_file_error.ts";
import type { TaskConnection, TaskFile, TaskStep, WholeNumber } from "./task_file.ts";

/** How resolution reports a problem at a key path. */
export interface Located {
  baseDir: string;
  error(path: KeyPath, message: string): Error;
  /** Where a key is in the task file, when the task came from one. */
  locate?(path: KeyPath): TaskFileLocation;
}

/** Default number of pooled connections. */
export const DEFAULT_PARALLEL = 4;
/** Default retries of a transient failure. */
export const DEFAULT_RETRIES = 3;
/** Default retries of a timeout (within the retries). */
export const DEFAULT_TIMEOUT_RETRIES = 1;
/** Default watch settings (see TaskWatch). */
export const DEFAULT_WATCH: WatchSettings = {
  debounceMs: 300,
  maxWaitMs: 5_000,
  keepAliveMs: 30_000,
};

function whole(value: WholeNumber): number {
  return typeof value === "number" ? value : Number(value);
}

/** Resolves validated task data. */
export async function resolveTask(data: TaskFile, at: Located): Promise<Task> {
  const reads = { env: [] as string[], files: [] as string[] };
  const secrets: string[] = [];
  const connection = await resolveConnection(data.connection, at, reads, secrets);
  const steps = data.steps.map((step, index) => resolveStep(step, index, at));
  const w = data.watch ?? {};
  const watch: WatchSettings = {
    debounceMs: w.debounce === undefined ? DEFAULT_WATCH.debounceMs : durationMs(w.debounce),
    maxWaitMs: w.maxWait === undefined ? DEFAULT_WATCH.maxWaitMs : durationMs(w.maxWait),
    keepAliveMs: w.keepAlive === undefined ? DEFAULT_WATCH.keepAliveMs : durationMs(w.keepAlive),
  };
  return { baseDir: at.baseDir, connection, steps, watch, secrets, reads };
}

async function resolveConnection(
  block: TaskConnection,
  at: Located,
  reads: Task["reads"],
  secrets: string[],
): Promise<Task["connection"]> {
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
  if (block.connectTimeout !== undefined) {
    options.connectTimeout = durationMs(block.connectTimeout);
  }
  if (block.replyTimeout !== undefined) options.replyTimeout = durationMs(block.replyTimeout);
  if (block.dataTimeout !== undefined) options.dataTimeout = durationMs(block.dataTimeout);
  if (block.encoding !== undefined) options.encoding = block.encoding;
  if (block.listHidden !== undefined) options.listHidden = block.listHidden;
  if (block.tls) {
    const tls: NonNullable<FtpClientOptions["tls"]> = {};
    if (block.tls.verify !== undefined) tls.verify = block.tls.verify;
    if (block.tls.serverName !== undefined) tls.serverName = block.tls.serverName;
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
  return {
    options,
    parallel: block.parallel === undefined ? DEFAULT_PARALLEL : whole(block.parallel),
    display,
  };
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

function resolveStep(step: TaskStep, index: number, at: Located): Step {
  const kind = stepKindOf(step);
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
