// Help texts, one per command, each with examples.

const COMMON = `
Output options:
  -q, --quiet          Print only failures and warnings
  -v, --verbose        Also print up-to-date files and the protocol trace (passwords hidden)
      --json           Print the report as JSON on stdout (the rest goes to stderr)
      --report FILE    Write the JSON report to FILE
      --parallel N     Connections for transfers (overrides the task file)`;

const CONNECTION = `
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

const RETRIES = `
      --retries N       Retries of transient failures (default 3)
      --timeout-retries N  Retries of a timeout (default 1, within --retries)`;

/** Help for each command; `""` is the overview. */
export const HELP: Record<string, string> = {
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
  ferry serve --user alice:wonderland --user bob:builder`,
};
