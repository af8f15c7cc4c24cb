/**
 * The narrowest Deno permissions a task needs: which host it talks to,
 * which paths it reads and writes, which variables it reads. `ferry
 * permissions FILE` prints them as flags, so a job can run with least
 * privilege.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { splitGlob } from "./_filter.ts";
import type { Task } from "./task.ts";

/**
 * Permissions by kind; each list is sorted and free of duplicates.
 *
 * @example
 * ```ts
 * import type { TaskPermissions } from "@ferry/ftp";
 * const none: TaskPermissions = { net: [], read: [], write: [], env: [] };
 * ```
 */
export interface TaskPermissions {
  /** Hosts (all ports: data connections use ports the server picks). */
  net: string[];
  /** Paths read (directories cover what is below them). */
  read: string[];
  /** Paths written. */
  write: string[];
  /** Environment variables read. */
  env: string[];
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** The directory a local path or glob lives in. */
function localBase(path: string): string {
  const { base, glob } = splitGlob(path.replaceAll("\\", "/"));
  return glob ? (base === "" ? "." : base) : path.replace(/[/\\]$/, "");
}

/**
 * Works out the permissions a task needs.
 *
 * @param task A loaded task.
 * @param extra Files written besides the task's own (a `--report` file).
 * @returns Hosts, paths and variables.
 *
 * @example
 * ```ts
 * import { loadTask, permissionFlags, taskPermissions } from "@ferry/ftp";
 * const flags = permissionFlags(taskPermissions(await loadTask("deploy.yaml")));
 * console.log(`deno run ${flags.join(" ")} jsr:@ferry/ftp/cli run deploy.yaml`);
 * ```
 */
export function taskPermissions(task: Task, extra: { write?: string[] } = {}): TaskPermissions {
  const host = task.connection.options.host ?? "127.0.0.1";
  const write = (extra.write ?? []).map((p) => resolve(p));
  // Files are written under a temporary name and renamed, and a rename
  // needs read access as well.
  const read = [...task.reads.files, ...write];
  for (const step of task.steps) {
    if (step.kind === "put") read.push(...step.from.map(localBase));
    if (step.kind === "get") {
      // Destinations are compared (read) and written as <name>.ferry-part
      // beside the final name, then renamed: the directory is needed.
      const to = step.to.replace(/[/\\]$/, "");
      const target = /[/\\]$/.test(step.to) || step.from.length > 1 ? to : dirname(to);
      read.push(target);
      write.push(target);
    }
    if (step.kind === "sync") {
      const local = step.local.replace(/[/\\]$/, "");
      read.push(local);
      if (step.direction === "down") write.push(local);
    }
  }
  return {
    net: [host.includes(":") ? `[${host}]` : host],
    read: unique(read),
    write: unique(write),
    env: unique(task.reads.env),
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
 * import { permissionFlags } from "@ferry/ftp";
 * console.log(permissionFlags({ net: ["127.0.0.1"], read: ["/srv/site"], write: [], env: [] }));
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
