/**
 * The `ferry` command line: run task files (`ferry run`, `plan`, `check`,
 * `permissions`, and `watch`, which keeps uploading local changes), one-shot commands on URLs (`ls`, `get`, `put`, `mkdir`,
 * `rm`), and `serve` for the embedded FTP server. Run it with
 * `deno task ferry` or `deno run -A jsr:@ferry/ftp/cli`.
 *
 * Exit codes: 0 when everything succeeded, 1 when a step failed, 2 for an
 * invalid task file or arguments, 130 when interrupted with Ctrl-C.
 *
 * @example Run the CLI from code
 * ```ts
 * import { main } from "@ferry/ftp/cli";
 *
 * const code = await main(["plan", "tasks/deploy-site.yaml"]);
 * console.log("exit code", code);
 * ```
 *
 * @module
 */

import { dirname, resolve } from "../std/path.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { FtpError, FtpInputError } from "../errors.ts";
import { MAX_RETRIES } from "../runner/limits.ts";
import { wholeNumberPattern } from "../runner/whole_number_pattern.ts";
import { urlPasswords } from "../runner/redact.ts";
import { TaskFileError } from "../runner/task_file_error.ts";
import type { OverwritePolicy, TaskStep } from "../runner/task_file.ts";
import { HELP } from "./_help.ts";
import {
  durationFlag,
  parallelFlag,
  rateFlag,
  requirePath,
  segmentsFlag,
  timeoutFlag,
} from "./_flags.ts";
import { type CliIo, processIo, UsageError } from "./_io.ts";
import type { UrlOptions } from "./_oneshot.ts";
import { type OptionSpec, parseArgs } from "./_parse_args.ts";
import { printable, printableLines } from "./_printable.ts";

// What a command needs is loaded when it runs: a one-shot `get` should not
// pay for the task-file parsers, the schema or the embedded server at start.
const oneShotModule = () => import("./_oneshot.ts");
const jobModule = () => import("./_job.ts");

/**
 * Options of {@linkcode main}, for embedding the CLI.
 *
 * @example
 * ```ts
 * import { main, type CliOptions } from "@ferry/ftp/cli";
 *
 * const options: CliOptions = { env: { FTP_URL: "ftp://127.0.0.1:2121" } };
 * await main(["run", "tasks/demo.yaml"], options);
 * ```
 */
export interface CliOptions {
  /**
   * Values for `${VAR}` in task files, ahead of the environment and `.env`.
   *
   * @default {{}}
   */
  env?: Record<string, string>;
}

const OUTPUT = {
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  json: { type: "boolean" },
  report: { type: "string" },
  parallel: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const TASK = {
  ...OUTPUT,
  "dry-run": { type: "boolean", short: "n" },
  "env-file": { type: "string" },
  "no-env-file": { type: "boolean" },
} as const;

/** `ferry watch`: the task options but a dry run and a report, plus the batching. */
const WATCH = {
  quiet: OUTPUT.quiet,
  verbose: OUTPUT.verbose,
  json: OUTPUT.json,
  parallel: OUTPUT.parallel,
  help: OUTPUT.help,
  "env-file": TASK["env-file"],
  "no-env-file": TASK["no-env-file"],
  debounce: { type: "string" },
  "max-wait": { type: "string" },
  "keep-alive": { type: "string" },
  "limit-rate": { type: "string" },
} as const;

/** How a one-shot command connects: the connection block's fields people reach for. */
const CONNECTION = {
  "password-env": { type: "string" },
  timeout: { type: "string" },
  active: { type: "boolean" },
  "local-address": { type: "string" },
  "ca-file": { type: "string" },
  insecure: { type: "boolean" },
  ccc: { type: "boolean" },
  "tls-min": { type: "string" },
  "tls-max": { type: "string" },
  "no-hidden": { type: "boolean" },
  "limit-rate": { type: "string" },
} as const;

const ONE_SHOT = {
  ...OUTPUT,
  ...CONNECTION,
  overwrite: { type: "string" },
  retries: { type: "string" },
  "timeout-retries": { type: "string" },
} as const;

const POLICIES = ["always", "never", "newer", "different"];

function parse(
  args: string[],
  options: Readonly<Record<string, OptionSpec>>,
  positionals: [number, number],
  command: string,
) {
  let parsed;
  try {
    parsed = parseArgs(args, options);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) return { help: true as const };
  const [min, max] = positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new UsageError(`${command} takes ${min === max ? min : `${min} to ${max}`} argument(s)`);
  }
  return { help: false as const, values, positionals: parsed.positionals };
}

function outputFlags(values: Record<string, unknown>, dryRun = false) {
  return {
    dryRun,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    json: values.json === true,
    report: values.report as string | undefined,
    parallel: parallelFlag(values.parallel as string | undefined),
  };
}

function oneShotStep(values: Record<string, unknown>) {
  const overwrite = (values.overwrite as string | undefined) ?? "different";
  if (!POLICIES.includes(overwrite)) {
    throw new UsageError(`--overwrite must be one of ${POLICIES.join(", ")}`);
  }
  const count = (flag: "retries" | "timeout-retries") => {
    const value = values[flag] as string | undefined;
    if (value !== undefined && !new RegExp(wholeNumberPattern(0, MAX_RETRIES)).test(value)) {
      throw new UsageError(`--${flag} must be a whole number from 0 to ${MAX_RETRIES}`);
    }
    return value;
  };
  // The keys every step has; unset ones take the step defaults.
  const common = { retries: count("retries"), timeoutRetries: count("timeout-retries") };
  return { overwrite: overwrite as OverwritePolicy, common };
}

/** The connection flags of a one-shot command, warning loudly about --insecure. */
function connectionFlags(values: Record<string, unknown>, io: CliIo): UrlOptions {
  const flags = {
    passwordEnv: values["password-env"] as string | undefined,
    timeoutMs: timeoutFlag(values.timeout as string | undefined),
    active: values.active === true,
    localAddress: values["local-address"] as string | undefined,
    caFile: values["ca-file"] as string | undefined,
    insecure: values.insecure === true,
    clearControl: values.ccc === true,
    tlsMin: values["tls-min"] as string | undefined,
    tlsMax: values["tls-max"] as string | undefined,
    listHidden: values["no-hidden"] === true ? false : undefined,
    rateLimit: rateFlag(values["limit-rate"] as string | undefined),
  };
  if (flags.insecure) {
    io.stderr(
      "ferry: WARNING: --insecure: the server's certificate is not checked, so anyone on the " +
        "way can read and change this session, password included; use --ca-file instead\n",
    );
  }
  return flags;
}

/** A one-step task on a URL (get, put, mkdir, rm), run like `ferry run`. */
async function oneShot(
  url: string,
  values: Record<string, unknown>,
  io: CliIo,
  step: (path: string | undefined) => TaskStep,
): Promise<number> {
  const [{ urlTask }, { runJob }] = await Promise.all([oneShotModule(), jobModule()]);
  const task = await urlTask(url, connectionFlags(values, io), step);
  return await runJob(task, outputFlags(values), io);
}

/** Options that mean nothing for a pipe (one file, no task, no retries). */
const NOT_FOR_PIPES = [
  "json",
  "report",
  "parallel",
  "overwrite",
  "retries",
  "timeout-retries",
  "atomic",
  "resume",
  "segments",
];

/** `ferry get URL -` and `ferry put - URL`. */
async function pipe(
  direction: "get" | "put",
  url: string,
  values: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const refused = NOT_FOR_PIPES.filter((name) => values[name] !== undefined);
  if (refused.length > 0) {
    throw new UsageError(
      `--${refused[0]} does not apply to "-": a pipe moves one file once (standard input ` +
        `cannot be read again, nor standard output taken back)`,
    );
  }
  const { pipeGet, pipePut } = await import("./_pipe.ts");
  const flags = { ...connectionFlags(values, io), quiet: values.quiet === true };
  return direction === "get" ? await pipeGet(url, flags, io) : await pipePut(url, flags, io);
}

/**
 * `ferry get URL [LOCAL]` and `ferry put LOCAL URL`: which positional is the
 * URL (the other is the local side, `-` for a pipe), the boolean flag each
 * adds, and the one-step task it runs.
 */
const TRANSFERS = {
  get: {
    url: 0,
    positionals: [1, 2],
    flag: "resume",
    extra: { segments: { type: "string" } },
    step: (path, local, overwrite, resume, values) => {
      const segments = segmentsFlag(values.segments as string | undefined);
      return {
        get: {
          from: requirePath(path, "file"),
          to: local ?? "./",
          overwrite,
          resume,
          ...(segments !== undefined ? { segments } : {}),
        },
      };
    },
  },
  put: {
    url: 1,
    positionals: [2, 2],
    flag: "atomic",
    extra: {},
    step: (path, local, overwrite, atomic) => ({
      put: { from: local!, to: path ?? "./", overwrite, atomic },
    }),
  },
} satisfies Record<"get" | "put", {
  url: 0 | 1;
  positionals: [number, number];
  flag: string;
  /** Options of this command only, besides the one-shots' and `flag`. */
  extra: Record<string, { type: "string" }>;
  step(
    path: string | undefined,
    local: string | undefined,
    overwrite: OverwritePolicy,
    on: boolean,
    values: Record<string, unknown>,
  ): TaskStep;
}>;

async function dispatch(args: string[], options: CliOptions, io: CliIo): Promise<number> {
  const [command = "", ...rest] = args;
  if (command === "" || command === "help" || command === "--help" || command === "-h") {
    const topic = command === "help" ? rest[0] ?? "" : "";
    io.stdout((HELP[topic] ?? HELP[""]) + "\n");
    return 0;
  }
  if (command === "--version" || command === "-V") {
    io.stdout(`ferry ${denoJson.version}\n`);
    return 0;
  }
  if (!(command in HELP)) {
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
  const help = () => {
    io.stdout(HELP[command] + "\n");
    return 0;
  };
  switch (command) {
    case "watch": {
      const p = parse(rest, WATCH, [1, 1], command);
      if (p.help) return help();
      const flags = {
        quiet: p.values.quiet === true,
        verbose: p.values.verbose === true,
        json: p.values.json === true,
        parallel: parallelFlag(p.values.parallel as string | undefined),
        debounceMs: durationFlag("debounce", p.values.debounce as string | undefined),
        maxWaitMs: durationFlag("max-wait", p.values["max-wait"] as string | undefined),
        keepAliveMs: durationFlag("keep-alive", p.values["keep-alive"] as string | undefined),
      };
      const rateLimit = rateFlag(p.values["limit-rate"] as string | undefined);
      const envFile = p.values["no-env-file"] ? false : p.values["env-file"] as string | undefined;
      const { loadTask } = await import("../runner/load_task.ts");
      const task = await loadTask(p.positionals[0], { envFile, env: options.env });
      if (rateLimit !== undefined) task.connection.options.rateLimit = rateLimit;
      const { watchJob } = await import("./_watch.ts");
      return await watchJob(task, flags, io);
    }
    case "run":
    case "plan":
    case "check":
    case "permissions": {
      const p = parse(
        rest,
        command === "permissions"
          ? { ...TASK, watch: { type: "boolean" } }
          : command === "check"
          ? TASK
          : { ...TASK, "limit-rate": { type: "string" } },
        [1, 1],
        command,
      );
      if (p.help) return help();
      // Overrides the task file's connection.rateLimit; checked before the task is read.
      const rateLimit = rateFlag(p.values["limit-rate"] as string | undefined);
      const envFile = p.values["no-env-file"] ? false : p.values["env-file"] as string | undefined;
      const { loadTask } = await import("../runner/load_task.ts");
      const task = await loadTask(p.positionals[0], { envFile, env: options.env });
      if (rateLimit !== undefined) task.connection.options.rateLimit = rateLimit;
      io.hide(task.secrets);
      if (command === "check") {
        io.stdout(
          `${p.positionals[0]}: valid (${task.steps.length} steps, ${task.connection.display})\n`,
        );
        // Each step by name, and by kind where the name does not say it.
        for (const step of task.steps) {
          const kind = step.name.startsWith(`${step.kind} `) ? "" : ` (${step.kind})`;
          io.stdout(`  step ${step.index + 1}: ${printable(step.name)}${kind}\n`);
        }
        return 0;
      }
      if (command === "permissions") {
        const report = p.values.report as string | undefined;
        // The report is written beside its name first, then renamed: its directory is needed.
        const write = report ? [dirname(resolve(report))] : [];
        const { permissionFlags, taskPermissions } = await import("../runner/permissions.ts");
        const permissions = await taskPermissions(task, { write, watch: p.values.watch === true });
        for (const note of permissions.notes) io.stderr(`ferry: note: ${printable(note)}\n`);
        io.stdout(permissionFlags(permissions).join(" ") + "\n");
        return 0;
      }
      const { runJob } = await jobModule();
      return await runJob(
        task,
        outputFlags(p.values, command === "plan" || p.values["dry-run"] === true),
        io,
      );
    }
    case "ls": {
      const p = parse(
        rest,
        { json: OUTPUT.json, help: OUTPUT.help, ...CONNECTION },
        [1, 1],
        command,
      );
      if (p.help) return help();
      const flags = connectionFlags(p.values, io);
      const { listCommand } = await oneShotModule();
      return await listCommand(p.positionals[0], { json: p.values.json === true, ...flags }, io);
    }
    case "get":
    case "put": {
      const transfer = TRANSFERS[command];
      const options = {
        ...ONE_SHOT,
        ...transfer.extra,
        [transfer.flag]: { type: "boolean" as const },
      };
      const p = parse(rest, options, transfer.positionals, command);
      if (p.help) return help();
      const url = p.positionals[transfer.url];
      const local = p.positionals[1 - transfer.url];
      if (local === "-") return await pipe(command, url, p.values, io);
      const { overwrite, common } = oneShotStep(p.values);
      const on = p.values[transfer.flag] === true;
      // Checked before anything is contacted, not when the step is built.
      const step = (path: string | undefined) =>
        transfer.step(path, local, overwrite, on, p.values as Record<string, unknown>);
      if (command === "get") segmentsFlag(p.values.segments as string | undefined);
      return await oneShot(url, p.values, io, (path) => ({ ...common, ...step(path) }));
    }
    case "mkdir":
    case "rm": {
      const p = parse(rest, ONE_SHOT, [1, 1], command);
      if (p.help) return help();
      const { common } = oneShotStep(p.values);
      return await oneShot(
        p.positionals[0],
        p.values,
        io,
        (path) =>
          command === "mkdir"
            ? { ...common, mkdir: requirePath(path, "directory") }
            : { ...common, rm: requirePath(path, "file") },
      );
    }
    case "serve": {
      const p = parse(
        rest,
        {
          root: { type: "string" },
          port: { type: "string" },
          host: { type: "string" },
          user: { type: "string", multiple: true },
          help: OUTPUT.help,
        },
        [0, 0],
        command,
      );
      if (p.help) return help();
      const { serveCommand } = await import("./_serve.ts");
      return await serveCommand({
        root: p.values.root as string | undefined,
        port: p.values.port as string | undefined,
        host: p.values.host as string | undefined,
        user: (p.values.user as string[] | undefined) ?? [],
      }, io);
    }
  }
  return help();
}

/**
 * Runs the CLI with the given arguments and returns its exit code (it does
 * not exit the process).
 *
 * @param args The arguments, without the program name.
 * @param options Values for `${VAR}` in task files.
 * @returns 0 success, 1 a step failed, 2 invalid task file or arguments,
 * 130 interrupted.
 *
 * @example
 * ```ts
 * import { main } from "@ferry/ftp/cli";
 * Deno.exit(await main(["check", "tasks/deploy-site.yaml"]));
 * ```
 */
export async function main(args: string[], options: CliOptions = {}): Promise<number> {
  const io = processIo();
  // A URL argument's password is hidden before anything can echo it.
  io.hide(args.flatMap(urlPasswords));
  try {
    return await dispatch(args, options, io);
  } catch (error) {
    if (error instanceof TaskFileError) {
      io.stderr(`${printableLines(error.message)}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      const command = args[0] && args[0] in HELP ? args[0] : "";
      io.stderr(
        `ferry: ${printable(error.message)}\n` +
          `Run "ferry ${command ? `${command} ` : ""}--help" for usage.\n`,
      );
      return 2;
    }
    // Bad input found before anything was sent (a missing local source).
    if (error instanceof FtpInputError) {
      io.stderr(`ferry: ${printableLines(error.message).replaceAll("\n", "\nferry: ")}\n`);
      return 2;
    }
    // Connection and server failures outside a task (ls).
    io.stderr(`ferry: ${printable(error instanceof FtpError ? error.message : String(error))}\n`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
