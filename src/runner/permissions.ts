/**
 * The narrowest Deno permissions a task needs: which host it talks to,
 * which paths it reads and writes, which variables it reads. `ferry
 * permissions FILE` prints them as flags, so a job can run with least
 * privilege.
 *
 * @module
 */

import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { dirname, extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { hostForUrl } from "../protocol/host.ts";
import { moduleFiles } from "./_module_files.ts";
import { stepKind } from "./steps/registry.ts";
import type { Task } from "./task.ts";

/**
 * Permissions by kind; each list is sorted and free of duplicates.
 *
 * @example
 * ```ts
 * import type { TaskPermissions } from "@ferry/ftp/runner";
 * const none: TaskPermissions = { net: [], read: [], write: [], env: [], notes: [] };
 * ```
 */
export interface TaskPermissions {
  /**
   * Hosts and their addresses (all ports: data connections use ports the
   * server picks), in active mode the local addresses ferry listens on
   * (`127.0.0.1:0`), and the `localAddress` connections are made from
   * (`192.0.2.7:0`: Deno checks a bind of it as net access to port 0).
   */
  net: string[];
  /** Paths read (directories cover what is below them). */
  read: string[];
  /** Paths written. */
  write: string[];
  /** Environment variables read. */
  env: string[];
  /** What could not be worked out, so that the flags may fall short. */
  notes: string[];
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** ferry's own source directory, when it runs from files: one entry instead of every module. */
const OWN_SOURCES = import.meta.url.startsWith("file:")
  ? fileURLToPath(new URL("../", import.meta.url)).replace(/[/\\]$/, "")
  : undefined;

const isLoopback = (address: string) => /^127\./.test(address) || address === "::1";

/** The addresses a host name stands for (the host itself when it is one). */
async function addressesOf(host: string, notes: string[]): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch (error) {
    notes.push(
      `could not resolve ${host} (${(error as Error).message}): data connections go to its ` +
        `addresses, which the flags then lack`,
    );
    return [];
  }
}

/**
 * Where active mode listens: the control connection's local address, which
 * is a loopback address for a loopback server and an interface's address
 * (of the same family) otherwise.
 */
function listenAddresses(servers: string[], notes: string[]): string[] {
  let interfaces: string[] | undefined;
  try {
    interfaces = Deno.networkInterfaces().map((i) => i.address);
  } catch {
    interfaces = undefined;
  }
  const out: string[] = [];
  for (const server of servers) {
    const family = isIP(server);
    const loopback = isLoopback(server);
    const local = interfaces?.filter((a) => isIP(a) === family && isLoopback(a) === loopback);
    if (local && local.length > 0) out.push(...local);
    else if (loopback) out.push(family === 6 ? "::1" : "127.0.0.1");
    else {
      notes.push(
        "active mode listens on a local address that could not be listed " +
          "(run `ferry permissions` with --allow-sys=networkInterfaces)",
      );
    }
  }
  return out.map((address) => `${hostForUrl(address)}:0`);
}

/** The local files a module task loads, ferry's own sources as one directory. */
async function moduleReads(file: string): Promise<string[]> {
  const files = await moduleFiles(file);
  return files.map((path) =>
    OWN_SOURCES !== undefined && path.startsWith(OWN_SOURCES + sep) ? OWN_SOURCES : path
  );
}

/**
 * Works out the permissions a task needs. It resolves the server's host
 * name (data connections go to its addresses) and, for a TypeScript or
 * JavaScript task, reads the module's local imports; it contacts no FTP
 * server.
 *
 * @param task A loaded task.
 * @param extra Files written besides the task's own (a `--report` file),
 * and `watch: true` for watch mode ({@linkcode watchTask}), which also
 * reads the folder of each single file a put step uploads (to see an
 * editor's save through a temporary and a rename).
 * @returns Hosts, paths and variables, and notes on what may be missing.
 *
 * @example
 * ```ts
 * import { loadTask, permissionFlags, taskPermissions } from "@ferry/ftp/runner";
 * const flags = permissionFlags(await taskPermissions(await loadTask("deploy.yaml")));
 * console.log(`deno run ${flags.join(" ")} jsr:@ferry/ftp/cli run deploy.yaml`);
 * ```
 */
export async function taskPermissions(
  task: Task,
  extra: { write?: string[]; watch?: boolean } = {},
): Promise<TaskPermissions> {
  const notes: string[] = [];
  const host = task.connection.options.host ?? "127.0.0.1";
  const addresses = await addressesOf(host, notes);
  const net = [host, ...addresses].map(hostForUrl);
  const localAddress = task.connection.options.localAddress;
  if (localAddress !== undefined) {
    // Connecting from it binds it (Deno checks "<address>:0"), and active
    // mode listens on it.
    net.push(`${hostForUrl(localAddress)}:0`);
  } else if (task.connection.options.transferMode === "active") {
    net.push(...listenAddresses(addresses, notes));
  }
  const write = (extra.write ?? []).map((p) => resolve(p));
  // Files are written under a temporary name and renamed, and a rename
  // needs read access as well.
  const read = [...task.reads.files, ...write];
  if (task.file && /^\.[mc]?[jt]s$/.test(extname(task.file))) {
    read.push(...await moduleReads(task.file));
  }
  // Run from local files, ferry reads its own modules as a job needs them:
  // deno.json's "lazy-dynamic-imports" loads a dynamic import (the task-file
  // loader, the runner, a step kind, FTPS's TLS worker) when its line runs,
  // not at start, and Deno checks read access to each such file.
  if (OWN_SOURCES !== undefined) read.push(OWN_SOURCES);
  for (const step of task.steps) {
    const kind = await stepKind(step.kind);
    const access = await kind.permissions?.(step);
    read.push(...access?.read ?? []);
    write.push(...access?.write ?? []);
    const watched = extra.watch ? await kind.watch?.(step) : undefined;
    for (const source of watched?.sources ?? []) {
      read.push(source.type === "file" ? dirname(source.path) : source.path);
    }
  }
  return {
    net: unique(net),
    read: unique(read),
    write: unique(write),
    env: unique(task.reads.env),
    notes,
  };
}

/**
 * Turns permissions into `deno run` flags.
 *
 * @param permissions From {@linkcode taskPermissions}.
 * @returns Flags such as `--allow-net=ftp.example.com`.
 *
 * @example
 * ```ts
 * import { permissionFlags } from "@ferry/ftp/runner";
 * const permissions = { net: ["127.0.0.1"], read: ["/srv/site"], write: [], env: [], notes: [] };
 * console.log(permissionFlags(permissions));
 * // ["--allow-net=127.0.0.1", "--allow-read=/srv/site"]
 * ```
 */
export function permissionFlags(permissions: TaskPermissions): string[] {
  const flags: string[] = [];
  const add = (name: string, values: string[]) => {
    if (values.length > 0) flags.push(`--allow-${name}=${values.join(",")}`);
  };
  add("net", permissions.net);
  add("read", permissions.read);
  add("write", permissions.write);
  add("env", permissions.env);
  return flags;
}
