import {
  MAX_RETRIES,
  wholeNumberPattern
} from "../chunk-VAYOHSAC.js";
import {
  printable,
  printableLines
} from "../chunk-S6NQWXE5.js";
import {
  UsageError,
  processIo,
  urlPasswords
} from "../chunk-IGADUVIL.js";
import {
  TaskFileError
} from "../chunk-A3ZEX6XJ.js";
import {
  DURATION_PATTERN,
  RATE_EXPECTED,
  bytesPerSecond,
  durationMs
} from "../chunk-URKZZK3P.js";
import "../chunk-KOF6ERUA.js";
import {
  dirname,
  resolve
} from "../chunk-ZN2EVIR7.js";
import "../chunk-67NZJHGR.js";
import {
  FtpError,
  FtpInputError
} from "../chunk-UN72SBEK.js";

// deno.json
var deno_default = {
  name: "@ferry/ftp",
  version: "0.1.0",
  license: "MIT",
  exports: {
    ".": "./mod.ts",
    "./protocol": "./src/protocol/mod.ts",
    "./listing": "./src/listing/mod.ts",
    "./testing": "./src/testing/mod.ts",
    "./cli": "./src/cli/mod.ts",
    "./runner": "./src/runner/mod.ts"
  },
  nodeModulesDir: "none",
  unstable: ["lazy-dynamic-imports"],
  publish: {
    include: [
      "mod.ts",
      "src/",
      "schema/task.schema.json",
      "README.md",
      "LICENSE",
      "deno.json"
    ]
  },
  tasks: {
    test: "deno test --allow-net --allow-read --allow-write --allow-env --allow-run --allow-sys",
    check: "deno fmt --check && deno lint && deno check mod.ts src/ tests/ tasks/ schema/ bench/ && deno doc --lint mod.ts src/protocol/mod.ts src/listing/mod.ts src/testing/mod.ts src/cli/mod.ts src/runner/mod.ts && deno check --doc-only README.md && deno publish --dry-run --allow-dirty --quiet",
    build: "deno run --allow-read --allow-write --allow-run --allow-env tasks/build.ts",
    demo: "deno run --allow-net=127.0.0.1 --allow-read --allow-write tasks/demo.ts",
    bench: "deno bench --allow-read --allow-write --allow-net bench/",
    ferry: "deno run --allow-net --allow-read --allow-write --allow-env --allow-sys src/cli/mod.ts",
    schema: "deno run --allow-read --allow-write=schema schema/generate.ts",
    fuzz: "deno run --allow-run --allow-env --allow-read tests/hardening/run_fuzz.ts",
    soak: "deno run -A bench/soak.ts",
    "bench:peers": "deno run -A bench/peers.ts",
    "interop:report": "FERRY_INTEROP_REPORT=docs/interop.md FERRY_REQUIRE_PEERS=1 deno test -A tests/interop/matrix.test.ts",
    "bench:wan": "deno run -A bench/wan.ts",
    "bench:startup": "deno run -A bench/startup.ts",
    "bench:segments": "deno run -A bench/segments.ts",
    "bench:small-files": "deno run -A bench/small_files.ts",
    "bench:tls-memory": "deno run -A bench/tls_memory.ts",
    "cli:ftps-runs": "deno run -A tests/cli/ftps_runs.ts",
    "interop:load": "deno run -A --v8-flags=--expose-gc,--no-concurrent-array-buffer-sweeping tests/interop/load_long.ts"
  },
  imports: {
    "fast-check": "npm:fast-check@^4.10.2",
    yaml: "npm:yaml@^2.9.1",
    zod: "npm:zod@^4.6.7",
    "jsonc-parser": "npm:jsonc-parser@^3.3.1",
    picomatch: "npm:picomatch@^4.0.7",
    "@types/picomatch": "npm:@types/picomatch@^4.0.3"
  },
  fmt: {
    lineWidth: 100
  },
  exclude: [
    "node_modules",
    "dist",
    ".ci/work"
  ]
};

// src/cli/_help.ts
var COMMON = `
Output options:
  -q, --quiet          Print only failures and warnings
  -v, --verbose        Also print up-to-date files and the protocol trace (passwords hidden)
      --json           Print the report as JSON on stdout (the rest goes to stderr)
      --report FILE    Write the JSON report to FILE
      --parallel N     Connections for transfers (overrides the task file)`;
var CONNECTION = `
Connection options:
      --password-env VAR  Read the password from an environment variable
      --timeout T         How long the server may stay silent: connecting (greeting
                          included), each reply, a stalled transfer (500ms, 10s, 2m;
                          default 15s to connect, 30s for the rest)
      --active            Active mode: the server connects back (EPRT/PORT)
      --local-address IP  Connect from this address of the machine (active mode
                          listens on it); needs --allow-net for it
      --no-hidden         Do not ask for dot-files (LIST -a) on servers that hide them
      --limit-rate R      Bandwidth limit in bytes per second for the whole command,
                          shared by its connections and both directions (500K, 2M,
                          2MiB: K, M, G are powers of 1024; kB, MB, GB of 1000)
      --ca-file FILE      PEM file of extra certificate authorities to trust (FTPS)
      --insecure          Do not verify the server's certificate (FTPS; for tests only:
                          anyone on the way can then read and change the session)
      --ccc               Clear the control connection after the (encrypted) login, so
                          a NAT or firewall can read PORT/PASV; data stays encrypted
                          (CCC; ftpes:// only)
      --tls-min V         Oldest TLS version to accept: 1.2 or 1.3 (FTPS)
      --tls-max V         Newest TLS version to offer: 1.2 or 1.3 (FTPS)`;
var RETRIES = `
      --retries N       Retries of transient failures (default 3)
      --timeout-retries N  Retries of a timeout (default 1, within --retries)`;
var HELP = {
  "": `ferry: FTP jobs from task files, and one-shot FTP commands

Usage: ferry <command> [options]

Task files:
  run FILE           Plan and carry out a task file (YAML, JSON, JSONC or TypeScript)
  plan FILE          Show what run would do, and change nothing (same as run --dry-run)
  watch FILE         Run a task file, then upload local changes as they happen
  check FILE         Validate a task file without contacting anyone
  permissions FILE   Print the narrowest deno permission flags the task needs

One-shot commands:
  ls URL             List a remote directory
  get URL [LOCAL]    Download a file, a directory or a glob
  put LOCAL URL      Upload a file, a directory or a glob
  mkdir URL          Create a remote directory (and its parents)
  rm URL             Delete remote files (globs allowed)
  serve              Run ferry's embedded FTP server, for trying things locally

Run "ferry <command> --help" for a command's options and examples;
"ferry --version" (-V) prints the version.
Exit codes: 0 success, 1 a step failed, 2 invalid task file or arguments, 130 interrupted (Ctrl-C).`,
  run: `Usage: ferry run FILE [options]

Plans each step (expands globs, lists the server, compares), shows the plan, then
carries it out over a pool of connections with retries. Ctrl-C stops new work,
aborts running transfers and leaves no partial file at a final path.

Options:
  -n, --dry-run        Plan only: change nothing anywhere
      --limit-rate R   Bandwidth limit for the whole run, in bytes per second, shared
                       by every connection and both directions (500K, 2M, 2MiB;
                       overrides the task's connection.rateLimit)
      --env-file FILE  Read \${VAR} values from FILE (default: .env beside the task file)
      --no-env-file    Do not read a .env file${COMMON}

Examples:
  ferry run tasks/deploy-site.yaml
  ferry run nightly-backup.yaml --limit-rate 2M
  ferry run deploy.yaml --dry-run
  FTP_PASSWORD=s3cret ferry run deploy.yaml --report report.json
  ferry run mirror.jsonc --json > report.json`,
  plan: `Usage: ferry plan FILE [options]

Shows every action run would take (uploads, downloads, deletes, renames) and why,
and changes nothing. Same as "ferry run FILE --dry-run".

Options:
      --env-file FILE  Read \${VAR} values from FILE
      --no-env-file    Do not read a .env file${COMMON}

Examples:
  ferry plan tasks/deploy-site.yaml
  ferry plan deploy.yaml --verbose     # also list files that are up to date`,
  check: `Usage: ferry check FILE [--env-file FILE]

Validates a task file: syntax, schema, \${VAR} references, the CA file. Contacts
nobody. Problems are printed as file:line:column: key: what is wrong; a valid
file gets one line per step, with its kind.

Examples:
  ferry check tasks/deploy-site.yaml
  ferry check deploy.yaml --env-file prod.env`,
  watch: `Usage: ferry watch FILE [options]

Runs the task once (as "ferry run" does), then watches the local folders of its
upload steps (put, sync with direction up) and uploads what changes, in batches:
once changes stop for the debounce time (a save of many files is one batch), or
at the latest the longest wait after the first. Only the changed paths are
planned; a removed one is deleted on the server only where the step has
"delete: true"; an "atomic: true" step renames each batch's files into place
together once all are uploaded. Other steps (get, mkdir, rm, rename, chmod,
verify, sync down) run in the first run only. Connections stay open between
batches (NOOP keeps them alive; one the server closed is replaced). A failed
batch is reported and retried with the next change. One line per batch;
Ctrl-C stops (a batch in flight stops as a run does) with exit code 130.

Options:
      --debounce T     Quiet time before a batch (default 300ms; task: watch.debounce)
      --max-wait T     Longest a change waits for quiet (default 5s; watch.maxWait)
      --keep-alive T   NOOP interval of idle connections, 0 for none
                       (default 30s; watch.keepAlive)
      --limit-rate R   Bandwidth limit in bytes per second, shared by every connection
                       (500K, 2M, 2MiB; overrides connection.rateLimit)
      --env-file FILE  Read \${VAR} values from FILE (default: .env beside the task file)
      --no-env-file    Do not read a .env file

Output options:
  -q, --quiet          Print only failed batches and warnings
  -v, --verbose        Name every path of a batch, and print the protocol trace
      --json           One JSON line per event on stdout: {"type":"run","report":...},
                       {"type":"watching",...}, {"type":"batch",...} per batch,
                       {"type":"dropped",...}, {"type":"stopped",...}
      --parallel N     Connections for transfers (overrides the task file)

Examples:
  ferry watch deploy.yaml
  ferry watch deploy.yaml --debounce 1s --keep-alive 20s
  ferry watch deploy.yaml --json | jq -c 'select(.type == "batch") | .totals'`,
  permissions: `Usage: ferry permissions FILE [--env-file FILE] [--report FILE] [--watch]

Prints the narrowest deno permissions the task needs: the server's host and its
addresses (all ports: FTP data connections use ports the server picks), in
active mode the local address ferry listens on, the paths read and written
(for a TypeScript task, its module and local imports too), and the
environment variables read. --watch adds what "ferry watch" reads besides: the
folder of each single file a put step uploads.

Examples:
  ferry permissions deploy.yaml
  deno run $(ferry permissions deploy.yaml --watch) jsr:@ferry/ftp/cli watch deploy.yaml
  deno run $(ferry permissions deploy.yaml) jsr:@ferry/ftp/cli run deploy.yaml`,
  ls: `Usage: ferry ls URL [--json] [connection options]

Lists a remote directory: type, size, modification time (UTC) and name.
--json prints one JSON array of {name, type, size, modified, target}.
${CONNECTION}

Examples:
  ferry ls ftp://ftp.example.com/pub/
  ferry ls ftp://alice@127.0.0.1:2121/ --password-env FTP_PASSWORD
  ferry ls ftpes://127.0.0.1:2121/ --ca-file ca.pem --json | jq -r '.[].name'`,
  get: `Usage: ferry get URL [LOCAL] [options]

Downloads a file, a directory (URL ending in /) or a glob into LOCAL (default:
the current directory). Files land under a temporary name and are renamed into
place when complete. LOCAL "-" writes one file to standard output instead (a
pipe is not retried).

Options:
      --overwrite WHEN  always, never, newer or different (default: different)
      --resume          Continue shorter local files that only grew (logs), once
                        the server's bytes before that point match
      --segments N      Fetch each file over N connections at once (1-16),
                        byte ranges into one temporary; files under 8 MiB and
                        servers without REST use one${RETRIES}
${CONNECTION}
${COMMON}

Examples:
  ferry get ftp://ftp.example.com/pub/readme.txt
  ferry get 'ftp://127.0.0.1:2121/logs/*.log' ./logs/ --resume
  ferry get ftp://mirror.example.com/iso/big.iso --segments 4
  ferry get ftp://alice@host/site/ ./backup/ --password-env FTP_PASSWORD
  ferry get ftp://host/backup.tar - | tar x
  ferry get ftp://host/big.iso --limit-rate 2M`,
  put: `Usage: ferry put LOCAL URL [options]

Uploads a file, a directory (its content) or a glob to URL (a directory when it
ends in /). LOCAL "-" uploads standard input to the file URL names: it goes to a
temporary name first and is renamed over the old file only once whole (a pipe
is not retried).

Options:
      --atomic          Upload to temporary names, rename into place at the end
      --overwrite WHEN  always, never, newer or different (default: different)${RETRIES}
${CONNECTION}
${COMMON}

Examples:
  ferry put ./report.pdf ftp://alice@host/reports/
  ferry put 'dist/**' ftp://host/www/ --atomic --password-env FTP_PASSWORD
  tar c dir | ferry put - ftp://alice@host/backup.tar --password-env FTP_PASSWORD`,
  mkdir: `Usage: ferry mkdir URL [options]

Creates a remote directory and any missing parents.
${RETRIES}
${CONNECTION}

Examples:
  ferry mkdir ftp://alice@host/www/assets/img`,
  rm: `Usage: ferry rm URL [options]

Deletes remote files; the URL's path may be a glob. A file that is already
absent is not an error.
${RETRIES}
${CONNECTION}

Examples:
  ferry rm ftp://alice@host/www/old.html
  ferry rm 'ftp://alice@host/tmp/*.part'`,
  serve: `Usage: ferry serve [--root DIR] [--port N] [--host ADDR] [--user NAME:PASSWORD]...

Runs ferry's embedded FTP server until Ctrl-C: a real FTP server on loopback
serving DIR (default: a new temporary directory, removed on exit). Anonymous
login is allowed unless users are given.

Examples:
  ferry serve --root ./public --port 2121
  ferry serve --user alice:wonderland --user bob:builder`
};

// src/cli/_flags.ts
function parallelFlag(value) {
  if (value === void 0) return void 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(`--parallel must be a whole number from 1 to 64, got ${JSON.stringify(value)}`);
  }
  return n;
}
function segmentsFlag(value) {
  if (value === void 0) return void 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    throw new UsageError(`--segments must be a whole number from 1 to 16, got ${JSON.stringify(value)}`);
  }
  return n;
}
function requirePath(path, what) {
  if (path === void 0 || path === "") {
    throw new UsageError(`the URL names no ${what}: add it after the host, as in ftp://host/dir/file`);
  }
  return path;
}
function timeoutFlag(value) {
  if (value === void 0) return void 0;
  const ms = DURATION_PATTERN.test(value) ? durationMs(value) : 0;
  if (ms < 1) {
    throw new UsageError(`--timeout must be a duration with its unit, such as 500ms, 10s or 2m, got ${JSON.stringify(value)}`);
  }
  return ms;
}
function durationFlag(flag, value) {
  if (value === void 0) return void 0;
  if (/^0+$/.test(value)) return 0;
  if (!DURATION_PATTERN.test(value)) {
    throw new UsageError(`--${flag} must be 0 or a duration with its unit, such as 300ms, 5s or 1m, got ${JSON.stringify(value)}`);
  }
  return durationMs(value);
}
function rateFlag(value) {
  if (value === void 0) return void 0;
  const rate = bytesPerSecond(value);
  if (rate === void 0) {
    throw new UsageError(`--limit-rate must be ${RATE_EXPECTED}, got ${JSON.stringify(value)}`);
  }
  return rate;
}

// src/cli/_parse_args.ts
var ParseArgsError = class extends TypeError {
  name = "ParseArgsError";
};
var own = (options, name) => Object.hasOwn(options, name) ? options[name] : void 0;
function longForShort(options, letter) {
  for (const [name, spec] of Object.entries(options)) if (spec.short === letter) return name;
  return letter;
}
var isShort = (arg) => arg.length >= 2 && arg[0] === "-" && arg[1] !== "-";
function parseArgs(args, options) {
  const values = /* @__PURE__ */ Object.create(null);
  const positionals = [];
  const remaining = [
    ...args
  ];
  const usage = (name) => {
    const short = own(options, name)?.short;
    return short === void 0 ? `--${name}` : `-${short}, --${name}`;
  };
  const store = (name, rawName, value, inline) => {
    const spec = own(options, name);
    if (spec === void 0) {
      throw new ParseArgsError(`Unknown option '${rawName}'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- ${JSON.stringify(rawName)}`);
    }
    if (spec.type === "string" && value === void 0) {
      throw new ParseArgsError(`Option '${usage(name)} <value>' argument missing`);
    }
    if (spec.type === "boolean" && value !== void 0) {
      throw new ParseArgsError(`Option '${usage(name)}' does not take an argument`);
    }
    if (spec.type === "string" && !inline && value.length > 1 && value[0] === "-") {
      const example = rawName.startsWith("--") ? `'--${name}=-XYZ'` : `'--${name}=-XYZ' or '${rawName}-XYZ'`;
      throw new ParseArgsError(`Option '${rawName}' argument is ambiguous.
Did you forget to specify the option argument for '${rawName}'?
To specify an option argument starting with a dash use ${example}.`);
    }
    if (name === "__proto__") return;
    const stored = value ?? true;
    if (spec.multiple) {
      const list = values[name];
      if (Array.isArray(list)) list.push(stored);
      else values[name] = [
        stored
      ];
    } else {
      values[name] = stored;
    }
  };
  while (remaining.length > 0) {
    const arg = remaining.shift();
    if (arg === "--") {
      positionals.push(...remaining);
      break;
    }
    if (isShort(arg) && arg.length === 2) {
      const name = longForShort(options, arg[1]);
      const takesValue = own(options, name)?.type === "string";
      const value = takesValue ? remaining.shift() : void 0;
      store(name, arg, value, false);
    } else if (isShort(arg)) {
      const first = longForShort(options, arg[1]);
      if (own(options, first)?.type === "string") {
        store(first, `-${arg[1]}`, arg.slice(2), true);
        continue;
      }
      const expanded = [];
      for (let index = 1; index < arg.length; index++) {
        const letter = arg[index];
        const type = own(options, longForShort(options, letter))?.type;
        if (type !== "string" || index === arg.length - 1) {
          expanded.push(`-${letter}`);
        } else {
          expanded.push(`-${arg.slice(index)}`);
          break;
        }
      }
      remaining.unshift(...expanded);
    } else if (arg.length > 2 && arg.startsWith("--")) {
      const equals = arg.indexOf("=", 3);
      if (equals === -1) {
        const name = arg.slice(2);
        const takesValue = own(options, name)?.type === "string";
        store(name, arg, takesValue ? remaining.shift() : void 0, false);
      } else {
        const at = arg.indexOf("=");
        const name = arg.slice(2, at);
        store(name, `--${name}`, arg.slice(at + 1), true);
      }
    } else {
      positionals.push(arg);
    }
  }
  return {
    values,
    positionals
  };
}

// src/cli/mod.ts
var oneShotModule = () => import("../_oneshot-RKOKAVH3.js");
var jobModule = () => import("../_job-UCMG746F.js");
var OUTPUT = {
  quiet: {
    type: "boolean",
    short: "q"
  },
  verbose: {
    type: "boolean",
    short: "v"
  },
  json: {
    type: "boolean"
  },
  report: {
    type: "string"
  },
  parallel: {
    type: "string"
  },
  help: {
    type: "boolean",
    short: "h"
  }
};
var TASK = {
  ...OUTPUT,
  "dry-run": {
    type: "boolean",
    short: "n"
  },
  "env-file": {
    type: "string"
  },
  "no-env-file": {
    type: "boolean"
  }
};
var WATCH = {
  quiet: OUTPUT.quiet,
  verbose: OUTPUT.verbose,
  json: OUTPUT.json,
  parallel: OUTPUT.parallel,
  help: OUTPUT.help,
  "env-file": TASK["env-file"],
  "no-env-file": TASK["no-env-file"],
  debounce: {
    type: "string"
  },
  "max-wait": {
    type: "string"
  },
  "keep-alive": {
    type: "string"
  },
  "limit-rate": {
    type: "string"
  }
};
var CONNECTION2 = {
  "password-env": {
    type: "string"
  },
  timeout: {
    type: "string"
  },
  active: {
    type: "boolean"
  },
  "local-address": {
    type: "string"
  },
  "ca-file": {
    type: "string"
  },
  insecure: {
    type: "boolean"
  },
  ccc: {
    type: "boolean"
  },
  "tls-min": {
    type: "string"
  },
  "tls-max": {
    type: "string"
  },
  "no-hidden": {
    type: "boolean"
  },
  "limit-rate": {
    type: "string"
  }
};
var ONE_SHOT = {
  ...OUTPUT,
  ...CONNECTION2,
  overwrite: {
    type: "string"
  },
  retries: {
    type: "string"
  },
  "timeout-retries": {
    type: "string"
  }
};
var POLICIES = [
  "always",
  "never",
  "newer",
  "different"
];
function parse(args, options, positionals, command) {
  let parsed;
  try {
    parsed = parseArgs(args, options);
  } catch (error) {
    throw new UsageError(error.message);
  }
  const values = parsed.values;
  if (values.help) return {
    help: true
  };
  const [min, max] = positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    throw new UsageError(`${command} takes ${min === max ? min : `${min} to ${max}`} argument(s)`);
  }
  return {
    help: false,
    values,
    positionals: parsed.positionals
  };
}
function outputFlags(values, dryRun = false) {
  return {
    dryRun,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    json: values.json === true,
    report: values.report,
    parallel: parallelFlag(values.parallel)
  };
}
function oneShotStep(values) {
  const overwrite = values.overwrite ?? "different";
  if (!POLICIES.includes(overwrite)) {
    throw new UsageError(`--overwrite must be one of ${POLICIES.join(", ")}`);
  }
  const count = (flag) => {
    const value = values[flag];
    if (value !== void 0 && !new RegExp(wholeNumberPattern(0, MAX_RETRIES)).test(value)) {
      throw new UsageError(`--${flag} must be a whole number from 0 to ${MAX_RETRIES}`);
    }
    return value;
  };
  const common = {
    retries: count("retries"),
    timeoutRetries: count("timeout-retries")
  };
  return {
    overwrite,
    common
  };
}
function connectionFlags(values, io) {
  const flags = {
    passwordEnv: values["password-env"],
    timeoutMs: timeoutFlag(values.timeout),
    active: values.active === true,
    localAddress: values["local-address"],
    caFile: values["ca-file"],
    insecure: values.insecure === true,
    clearControl: values.ccc === true,
    tlsMin: values["tls-min"],
    tlsMax: values["tls-max"],
    listHidden: values["no-hidden"] === true ? false : void 0,
    rateLimit: rateFlag(values["limit-rate"])
  };
  if (flags.insecure) {
    io.stderr("ferry: WARNING: --insecure: the server's certificate is not checked, so anyone on the way can read and change this session, password included; use --ca-file instead\n");
  }
  return flags;
}
async function oneShot(url, values, io, step) {
  const [{ urlTask }, { runJob }] = await Promise.all([
    oneShotModule(),
    jobModule()
  ]);
  const task = await urlTask(url, connectionFlags(values, io), step);
  return await runJob(task, outputFlags(values), io);
}
var NOT_FOR_PIPES = [
  "json",
  "report",
  "parallel",
  "overwrite",
  "retries",
  "timeout-retries",
  "atomic",
  "resume",
  "segments"
];
async function pipe(direction, url, values, io) {
  const refused = NOT_FOR_PIPES.filter((name) => values[name] !== void 0);
  if (refused.length > 0) {
    throw new UsageError(`--${refused[0]} does not apply to "-": a pipe moves one file once (standard input cannot be read again, nor standard output taken back)`);
  }
  const { pipeGet, pipePut } = await import("../_pipe-ZSBSRY5P.js");
  const flags = {
    ...connectionFlags(values, io),
    quiet: values.quiet === true
  };
  return direction === "get" ? await pipeGet(url, flags, io) : await pipePut(url, flags, io);
}
var TRANSFERS = {
  get: {
    url: 0,
    positionals: [
      1,
      2
    ],
    flag: "resume",
    extra: {
      segments: {
        type: "string"
      }
    },
    step: (path, local, overwrite, resume, values) => {
      const segments = segmentsFlag(values.segments);
      return {
        get: {
          from: requirePath(path, "file"),
          to: local ?? "./",
          overwrite,
          resume,
          ...segments !== void 0 ? {
            segments
          } : {}
        }
      };
    }
  },
  put: {
    url: 1,
    positionals: [
      2,
      2
    ],
    flag: "atomic",
    extra: {},
    step: (path, local, overwrite, atomic) => ({
      put: {
        from: local,
        to: path ?? "./",
        overwrite,
        atomic
      }
    })
  }
};
async function dispatch(args, options, io) {
  const [command = "", ...rest] = args;
  if (command === "" || command === "help" || command === "--help" || command === "-h") {
    const topic = command === "help" ? rest[0] ?? "" : "";
    io.stdout((HELP[topic] ?? HELP[""]) + "\n");
    return 0;
  }
  if (command === "--version" || command === "-V") {
    io.stdout(`ferry ${deno_default.version}
`);
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
      const p = parse(rest, WATCH, [
        1,
        1
      ], command);
      if (p.help) return help();
      const flags = {
        quiet: p.values.quiet === true,
        verbose: p.values.verbose === true,
        json: p.values.json === true,
        parallel: parallelFlag(p.values.parallel),
        debounceMs: durationFlag("debounce", p.values.debounce),
        maxWaitMs: durationFlag("max-wait", p.values["max-wait"]),
        keepAliveMs: durationFlag("keep-alive", p.values["keep-alive"])
      };
      const rateLimit = rateFlag(p.values["limit-rate"]);
      const envFile = p.values["no-env-file"] ? false : p.values["env-file"];
      const { loadTask } = await import("../load_task-NNA7FSGR.js");
      const task = await loadTask(p.positionals[0], {
        envFile,
        env: options.env
      });
      if (rateLimit !== void 0) task.connection.options.rateLimit = rateLimit;
      const { watchJob } = await import("../_watch-SCWDAJLT.js");
      return await watchJob(task, flags, io);
    }
    case "run":
    case "plan":
    case "check":
    case "permissions": {
      const p = parse(rest, command === "permissions" ? {
        ...TASK,
        watch: {
          type: "boolean"
        }
      } : command === "check" ? TASK : {
        ...TASK,
        "limit-rate": {
          type: "string"
        }
      }, [
        1,
        1
      ], command);
      if (p.help) return help();
      const rateLimit = rateFlag(p.values["limit-rate"]);
      const envFile = p.values["no-env-file"] ? false : p.values["env-file"];
      const { loadTask } = await import("../load_task-NNA7FSGR.js");
      const task = await loadTask(p.positionals[0], {
        envFile,
        env: options.env
      });
      if (rateLimit !== void 0) task.connection.options.rateLimit = rateLimit;
      io.hide(task.secrets);
      if (command === "check") {
        io.stdout(`${p.positionals[0]}: valid (${task.steps.length} steps, ${task.connection.display})
`);
        for (const step of task.steps) {
          const kind = step.name.startsWith(`${step.kind} `) ? "" : ` (${step.kind})`;
          io.stdout(`  step ${step.index + 1}: ${printable(step.name)}${kind}
`);
        }
        return 0;
      }
      if (command === "permissions") {
        const report = p.values.report;
        const write = report ? [
          dirname(resolve(report))
        ] : [];
        const { permissionFlags, taskPermissions } = await import("../permissions-Z7WXWLBE.js");
        const permissions = await taskPermissions(task, {
          write,
          watch: p.values.watch === true
        });
        for (const note of permissions.notes) io.stderr(`ferry: note: ${printable(note)}
`);
        io.stdout(permissionFlags(permissions).join(" ") + "\n");
        return 0;
      }
      const { runJob } = await jobModule();
      return await runJob(task, outputFlags(p.values, command === "plan" || p.values["dry-run"] === true), io);
    }
    case "ls": {
      const p = parse(rest, {
        json: OUTPUT.json,
        help: OUTPUT.help,
        ...CONNECTION2
      }, [
        1,
        1
      ], command);
      if (p.help) return help();
      const flags = connectionFlags(p.values, io);
      const { listCommand } = await oneShotModule();
      return await listCommand(p.positionals[0], {
        json: p.values.json === true,
        ...flags
      }, io);
    }
    case "get":
    case "put": {
      const transfer = TRANSFERS[command];
      const options2 = {
        ...ONE_SHOT,
        ...transfer.extra,
        [transfer.flag]: {
          type: "boolean"
        }
      };
      const p = parse(rest, options2, transfer.positionals, command);
      if (p.help) return help();
      const url = p.positionals[transfer.url];
      const local = p.positionals[1 - transfer.url];
      if (local === "-") return await pipe(command, url, p.values, io);
      const { overwrite, common } = oneShotStep(p.values);
      const on = p.values[transfer.flag] === true;
      const step = (path) => transfer.step(path, local, overwrite, on, p.values);
      if (command === "get") segmentsFlag(p.values.segments);
      return await oneShot(url, p.values, io, (path) => ({
        ...common,
        ...step(path)
      }));
    }
    case "mkdir":
    case "rm": {
      const p = parse(rest, ONE_SHOT, [
        1,
        1
      ], command);
      if (p.help) return help();
      const { common } = oneShotStep(p.values);
      return await oneShot(p.positionals[0], p.values, io, (path) => command === "mkdir" ? {
        ...common,
        mkdir: requirePath(path, "directory")
      } : {
        ...common,
        rm: requirePath(path, "file")
      });
    }
    case "serve": {
      const p = parse(rest, {
        root: {
          type: "string"
        },
        port: {
          type: "string"
        },
        host: {
          type: "string"
        },
        user: {
          type: "string",
          multiple: true
        },
        help: OUTPUT.help
      }, [
        0,
        0
      ], command);
      if (p.help) return help();
      const { serveCommand } = await import("../_serve-7PRQII4H.js");
      return await serveCommand({
        root: p.values.root,
        port: p.values.port,
        host: p.values.host,
        user: p.values.user ?? []
      }, io);
    }
  }
  return help();
}
async function main(args, options = {}) {
  const io = processIo();
  io.hide(args.flatMap(urlPasswords));
  try {
    return await dispatch(args, options, io);
  } catch (error) {
    if (error instanceof TaskFileError) {
      io.stderr(`${printableLines(error.message)}
`);
      return 2;
    }
    if (error instanceof UsageError) {
      const command = args[0] && args[0] in HELP ? args[0] : "";
      io.stderr(`ferry: ${printable(error.message)}
Run "ferry ${command ? `${command} ` : ""}--help" for usage.
`);
      return 2;
    }
    if (error instanceof FtpInputError) {
      io.stderr(`ferry: ${printableLines(error.message).replaceAll("\n", "\nferry: ")}
`);
      return 2;
    }
    io.stderr(`ferry: ${printable(error instanceof FtpError ? error.message : String(error))}
`);
    return 1;
  }
}
if (import.meta.main) Deno.exit(await main(Deno.args));
export {
  main
};
