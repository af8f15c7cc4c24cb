// Runs the ferry CLI as a subprocess, the way users run it, and helpers to
// compare directory trees.

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256File } from "../_helpers.ts";
import { run } from "../_servers/_common.ts";
import type { RunReport } from "../../src/runner/report.ts";

/**
 * The CLI the tests run: its sources, or with FERRY_TEST_CLI=dist the bundle
 * the README installs (dist/cli/mod.js, built by `deno task build`), so that
 * the whole CLI suite can run against what users get.
 */
export const CLI_UNDER_TEST: "src" | "dist" = Deno.env.get("FERRY_TEST_CLI") === "dist"
  ? "dist"
  : "src";
const CLI = fileURLToPath(
  new URL(
    CLI_UNDER_TEST === "dist" ? "../../dist/cli/mod.js" : "../../src/cli/mod.ts",
    import.meta.url,
  ),
);
/**
 * The folder of the CLI's own modules, which `ferry permissions` names in
 * `--allow-read` (they are read when a job needs them): src/, or dist/.
 */
export const CLI_OWN_MODULES = fileURLToPath(new URL(`../../${CLI_UNDER_TEST}`, import.meta.url));
/** ferry's configuration: the bundle needs its import map (npm packages) and unstable flag. */
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/** What a ferry run produced. */
export interface FerryResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of a ferry run. */
export interface FerryOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Permission flags; all of them by default. */
  permissions?: string[];
  timeoutMs?: number;
}

function ferryArgs(args: string[], options: FerryOptions): string[] {
  const config = CLI_UNDER_TEST === "dist" ? ["--config", CONFIG] : [];
  return ["run", "--quiet", ...config, ...(options.permissions ?? ["-A"]), CLI, ...args];
}

function command(args: string[], options: FerryOptions): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ferryArgs(args, options),
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs `ferry ARGS` to completion (killed after the timeout). */
export function ferry(args: string[], options: FerryOptions = {}): Promise<FerryResult> {
  return run(Deno.execPath(), ferryArgs(args, options), {
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    timeoutMs: options.timeoutMs,
  });
}

/** Starts `ferry ARGS` and returns the running process (for Ctrl-C tests). */
export function spawnFerry(args: string[], options: FerryOptions = {}): Deno.ChildProcess {
  return command(args, options).spawn();
}

/** Every file under a directory with its SHA-256, by relative path; directories end in "/". */
export async function treeOf(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (dir: string, prefix: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const rel = prefix + entry.name;
      if (entry.isDirectory) {
        out[`${rel}/`] = "dir";
        await visit(join(dir, entry.name), `${rel}/`);
      } else {
        out[rel] = await sha256File(join(dir, entry.name));
      }
    }
  };
  await visit(root, "");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Writes files (relative path to content; a path ending in "/" is a directory) under a directory. */
export async function writeTree(
  root: string,
  files: Record<string, string | Uint8Array>,
): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    if (rel.endsWith("/")) {
      await Deno.mkdir(path, { recursive: true });
      continue;
    }
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
  }
}

/** Writes a task file and returns its path. */
export async function writeTask(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, text);
  return path;
}

/**
 * Writes `task.yaml` in `dir`: `connection` is the inside of the connection
 * block's flow map (`url: "ftp://...", parallel: 2`), `steps` its step lines.
 */
export function writeServerTask(dir: string, connection: string, steps: string): Promise<string> {
  return writeTask(dir, "task.yaml", `version: 1\nconnection: { ${connection} }\nsteps:\n${steps}`);
}

/** Parses the JSON report a run printed with --json. */
export function reportOf(result: FerryResult): RunReport {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`not a JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}
