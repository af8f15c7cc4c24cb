/**
 * Loading a task file: read, parse (YAML, JSON, JSONC or a TypeScript
 * module), interpolate `${VAR}`, validate against the schema, and resolve
 * into a {@linkcode Task}. Every problem becomes a {@linkcode TaskFileError}
 * naming file, line and column, before anything is contacted.
 *
 * @module
 */

import { dirname, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { KeyPath, ParsedSource, Position, SourceFormat } from "./_source.ts";
import { interpolate, referencedNames } from "./_interpolate.ts";
import { type Located, resolveTask } from "./resolve_task.ts";
import type { Task } from "./task.ts";
import { TaskFileError, type TaskFileIssue } from "./task_file_error.ts";

/**
 * Options of {@linkcode loadTask}.
 *
 * @example
 * ```ts
 * import { loadTask, type LoadTaskOptions } from "@ferry/ftp/runner";
 * const options: LoadTaskOptions = { envFile: "./prod.env" };
 * const task = await loadTask("deploy.yaml", options);
 * ```
 */
export interface LoadTaskOptions {
  /**
   * A dotenv file whose variables fill `${VAR}` references (the process
   * environment wins). It must exist when given; `false` reads none.
   *
   * @default {".env beside the task file, if there is one"}
   */
  envFile?: string | false;
  /**
   * Variables that take precedence over the process environment and the
   * env file (for embedding ferry, tests and demos).
   *
   * @default {{}}
   */
  env?: Record<string, string>;
}

const FORMATS: Record<string, SourceFormat | "module"> = {
  ".yaml": "yaml",
  ".yml": "yaml",
  ".json": "json",
  ".jsonc": "json",
  ".ts": "module",
  ".mts": "module",
  ".js": "module",
  ".mjs": "module",
};

function fail(file: string, message: string, position?: Position, path = ""): never {
  throw new TaskFileError([{ file, ...position, path, message }]);
}

/**
 * Loads and validates a task file.
 *
 * @param path The task file: `.yaml`/`.yml`, `.json`/`.jsonc`, or a
 * `.ts`/`.js` module whose default export is the task.
 * @param options Where `${VAR}` values come from.
 * @returns The task, ready for {@linkcode runTask}.
 * @throws {TaskFileError} When the file cannot be read, parsed or validated.
 *
 * @example
 * ```ts
 * import { loadTask } from "@ferry/ftp/runner";
 * const task = await loadTask("tasks/deploy-site.yaml", { env: { FTP_PASSWORD: "s3cret" } });
 * console.log(task.steps.map((s) => s.name));
 * ```
 */
export async function loadTask(path: string, options: LoadTaskOptions = {}): Promise<Task> {
  const absolute = resolve(path);
  const format = FORMATS[extname(absolute).toLowerCase()];
  if (!format) {
    fail(
      path,
      `unknown task file type ${JSON.stringify(extname(absolute) || "(none)")}: ` +
        `use .yaml, .yml, .json, .jsonc, .ts or .js`,
    );
  }
  let source: ParsedSource;
  if (format === "module") {
    source = await importModule(path, absolute);
  } else {
    let text: string;
    try {
      text = await Deno.readTextFile(absolute);
    } catch (error) {
      fail(path, `cannot read the task file: ${errorText(error)}`);
    }
    const { parseSource } = await import("./_source.ts");
    const parsed = parseSource(text, format);
    if ("errors" in parsed) {
      throw new TaskFileError(parsed.errors.map((e) => ({ file: path, path: "", ...e })));
    }
    source = parsed;
  }
  return await buildTask(path, absolute, source, options);
}

async function importModule(path: string, absolute: string): Promise<ParsedSource> {
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(absolute).href);
  } catch (error) {
    fail(path, `cannot load the task module: ${errorText(error)}`);
  }
  if (module.default === undefined) {
    fail(path, "the module has no default export: write `export default defineTask({...})`");
  }
  return { data: module.default, locate: () => ({}) as Position };
}

async function buildTask(
  file: string,
  absolute: string,
  source: ParsedSource,
  options: LoadTaskOptions,
): Promise<Task> {
  const baseDir = dirname(absolute);
  const issueAt = (
    path: KeyPath,
    message: string,
    at: "key" | "value" = "value",
  ): TaskFileIssue => {
    const position = source.locate(path, at);
    return { file, ...position, path: formatPath(path), message };
  };

  const { values: dotenv, file: envFile } = await readEnvFile(file, baseDir, options.envFile);
  const names = new Set<string>();
  collectNames(source.data, names);
  const denied = new Set<string>();
  const lookup = (name: string) => options.env?.[name] ?? processEnv(name, denied) ?? dotenv[name];
  const { data, problems } = interpolate(source.data, lookup);
  if (problems.length > 0) {
    throw new TaskFileError(sorted(problems.map((p) => {
      const hint = p.name !== undefined && denied.has(p.name)
        ? ` (ferry may not read it: run deno with --allow-env=${p.name})`
        : "";
      return issueAt(p.path, p.message + hint);
    })));
  }

  const { validate } = await import("./_validate.ts");
  const issues = validate(data).map((i) => issueAt(i.path, i.message, i.at));
  if (issues.length > 0) throw new TaskFileError(sorted(issues));

  const located: Located = {
    baseDir,
    error: (path, message) => new TaskFileError([issueAt(path, message)]),
    locate: (path) => {
      const { message: _, ...location } = issueAt(path, "");
      return location;
    },
  };
  const task = await resolveTask(data as never, located);
  task.file = absolute;
  task.reads.env.push(...[...names].filter((n) => options.env?.[n] === undefined));
  task.reads.files.unshift(absolute);
  if (envFile) task.reads.files.push(envFile);
  return task;
}

function collectNames(value: unknown, into: Set<string>): void {
  if (typeof value === "string") { for (const name of referencedNames(value)) into.add(name); }
  else if (Array.isArray(value)) { for (const item of value) collectNames(item, into); }
  else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) collectNames(item, into);
  }
}

/** Reads a variable only where ferry may, so that it never prompts. */
function processEnv(name: string, denied: Set<string>): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    denied.add(name);
    return undefined;
  }
  return Deno.env.get(name);
}

async function readEnvFile(
  file: string,
  baseDir: string,
  option: string | false | undefined,
): Promise<{ values: Record<string, string>; file?: string }> {
  if (option === false) return { values: {} };
  const path = option === undefined ? resolve(baseDir, ".env") : resolve(option);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    // The default .env is optional; one named on purpose must be there.
    if (option === undefined) return { values: {} };
    fail(option, `cannot read the env file: ${errorText(error)}`);
  }
  const { parseEnv } = await import("node:util");
  try {
    return { values: { ...parseEnv(text) } as Record<string, string>, file: path };
  } catch (error) {
    fail(option || file, `cannot parse the env file: ${errorText(error)}`);
  }
}

function sorted(issues: TaskFileIssue[]): TaskFileIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** `["steps", 2, "put", "to"]` as `steps[2].put.to`. */
function formatPath(path: KeyPath): string {
  let out = "";
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : (out === "" ? segment : `.${segment}`);
  }
  return out;
}

function errorText(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return "permission denied (see `ferry permissions`)";
  }
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}
