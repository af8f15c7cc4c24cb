// The interop matrix: real FTP servers (vsftpd with and without
// require_ssl_reuse, Pure-FTPd, ProFTPD, pyftpdlib) started on 127.0.0.1,
// the scenario run against each in plain FTP, explicit FTPS and implicit
// FTPS, then, for the servers that require TLS session reuse, four FTPS
// clients at once (tests/interop/_load.ts), and the result written to
// docs/interop.md. Fails on any failed cell or operation, on a password
// showing up in anything recorded, and (with FERRY_REQUIRE_PEERS=1, as in
// CI) on a server that cannot be started.

import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import {
  REPO_ROOT,
  type ServerHandle,
  type ServerTlsFiles,
  ServerUnavailableError,
  testPassword,
} from "../_servers/_common.ts";
import { startProftpd } from "../_servers/proftpd.ts";
import { startPureFtpd } from "../_servers/pure_ftpd.ts";
import { startPyftpdlib } from "../_servers/pyftpdlib.ts";
import { makeTestPki, serverTlsFiles } from "../_servers/certs.ts";
import {
  type Justification,
  normalizeMessage,
  preservedSection,
  renderReport,
  type ServerReport,
} from "./_report.ts";
import { runLoad } from "./_load.ts";
import { startInteropVsftpd } from "./_vsftpd.ts";
import {
  ftpsUnsupportedReason,
  type LocalFiles,
  type Mode,
  MODES,
  type Outcome,
  prepareLocalFiles,
  runScenario,
  type StepId,
  STEPS,
} from "./scenario.ts";

/**
 * Where a complete run writes its report: a gitignored file, so that running
 * the tests never changes tracked files; `deno task interop:report` sets
 * FERRY_INTEROP_REPORT=docs/interop.md to update the committed document.
 */
const REPORT_PATH = resolve(
  REPO_ROOT,
  Deno.env.get("FERRY_INTEROP_REPORT") || ".ci/work/interop/interop.md",
);

interface ServerSpec {
  id: string;
  title: string;
  setup: string[];
  start(tls: ServerTlsFiles): Promise<ServerHandle>;
  /** Why implicit FTPS is not run, when the server does not offer it. */
  noImplicit?: string;
  /** Also run several explicit-FTPS clients at once (servers that require TLS session reuse). */
  concurrency?: boolean;
}

/** The load each concurrency run puts on a server. */
const LOAD = { clients: 4, operations: 100, seed: 1 };

const VSFTPD_SETUP = [
  "Installed with apt (`vsftpd`); started as root through the shared launcher " +
  "(`tests/_servers/vsftpd.ts`) with TLS offered but not forced (`force_local_logins_ssl=NO`, " +
  "`force_local_data_ssl=NO`), so plain FTP and AUTH TLS share a port, and a second vsftpd " +
  "with `implicit_ssl=YES` serving the same directory for implicit FTPS.",
  "`ssl_ciphers=HIGH` (3.0.3's default list names nothing OpenSSL 3 still offers), " +
  "`seccomp_sandbox=NO`, `utf8_filesystem=YES`, `anonymous_enable=NO`.",
  "Logs in a system user (`ferryinterop`, made by the test, home `/var/lib/ferry-interop`, " +
  "password set for the run) through PAM (`pam_service_name=vsftpd`), `local_root` a " +
  "temporary directory.",
];

const SERVERS: ServerSpec[] = [
  {
    id: "vsftpd-reuse",
    title: "vsftpd, require_ssl_reuse=YES",
    setup: [
      ...VSFTPD_SETUP,
      "`require_ssl_reuse=YES` (vsftpd's default): a data connection that does not resume the " +
      "control connection's TLS session is refused with `522 SSL connection failed: session " +
      "reuse required`.",
    ],
    start: (tls) => startInteropVsftpd({ tls, implicit: true, requireSslReuse: true }),
    concurrency: true,
  },
  {
    id: "vsftpd-noreuse",
    title: "vsftpd, require_ssl_reuse=NO",
    setup: [...VSFTPD_SETUP, "`require_ssl_reuse=NO`: fresh TLS sessions on data connections."],
    start: (tls) => startInteropVsftpd({ tls, implicit: true, requireSslReuse: false }),
  },
  {
    id: "pure-ftpd",
    title: "Pure-FTPd",
    setup: [
      "Conflicts with vsftpd as a package, so fetched with `apt-get download pure-ftpd` and " +
      "unpacked with `dpkg-deb -x` into `.ci/work/interop/pure-ftpd/` (kept between runs), never " +
      "installed.",
      "Started as root: `--tls 1` (TLS offered, plain allowed) with the CA-signed certificate, a " +
      "PureDB virtual user (SHA-512 crypt: pure-pw's argon2id default makes each login take " +
      "seconds) chrooted to a tmpfs directory, `--limitrecursion 100000:16` (listings are cut at " +
      "10,000 entries otherwise), passive ports in a block of 20.",
    ],
    start: (tls) => startPureFtpd({ tls }),
    noImplicit: "Pure-FTPd offers no implicit TLS as Debian builds it",
  },
  {
    id: "proftpd",
    title: "ProFTPD (mod_tls)",
    setup: [
      "Conflicts with vsftpd as a package, so fetched with `apt-get download` (`proftpd-core`, " +
      "`proftpd-mod-crypto` for `mod_tls.so`, and `libhiredis0.14`, `libmemcached11`, " +
      "`libmemcachedutil2`, `libhashkit2`, `libpcre2-posix3`) and unpacked with `dpkg-deb -x` " +
      "into `.ci/work/interop/proftpd/`, run with `LD_LIBRARY_PATH` pointing there.",
      "Started as root (`--nodaemon`): `LoadModule mod_tls.c`, `TLSEngine on`, `TLSRequired off`, " +
      "`TLSProtocol TLSv1.2 TLSv1.3`, session reuse required (ProFTPD's default: no " +
      "`NoSessionReuseRequired`), a `<VirtualHost>` on a second port with " +
      "`TLSOptions UseImplicitSSL` for implicit FTPS.",
      "An `AuthUserFile` user (SHA-512 crypt) whose home is a tmpfs directory, `DefaultRoot ~`, " +
      "`AllowStoreRestart on`, passive ports in a block of 1000 (four clients at once leave many " +
      "in TIME_WAIT).",
    ],
    // Four clients at once hold many data connections in TIME_WAIT: more passive ports.
    start: (tls) => startProftpd({ tls, implicit: true, passivePorts: 1000 }),
    concurrency: true,
  },
  {
    id: "proftpd-noreuse",
    title: "ProFTPD (mod_tls), NoSessionReuseRequired",
    setup: [
      "The same ProFTPD with `TLSOptions NoSessionReuseRequired`: data connections may start " +
      "fresh TLS sessions.",
    ],
    start: (tls) => startProftpd({ tls, implicit: true, noSessionReuseRequired: true }),
  },
  {
    id: "pyftpdlib",
    title: "pyftpdlib (TLS_FTPHandler)",
    setup: [
      "Installed with apt (`python3-pyftpdlib`, `python3-openssl`), run by Debian's " +
      "`/usr/bin/python3` with a small script: `TLS_FTPHandler` with the CA-signed certificate, " +
      "`tls_control_required` and `tls_data_required` off (plain allowed), a `DummyAuthorizer` " +
      "user on a tmpfs directory, passive ports in a block of 20. Needs no root.",
    ],
    start: (tls) => startPyftpdlib({ tls }),
    noImplicit: "pyftpdlib has no implicit TLS",
  },
];

/** Every skip reason the matrix may give, and why it is acceptable. */
function justify(reason: string): string | undefined {
  if (reason === "n/a: plain FTP") {
    return "The TLS check is about FTPS; plain FTP has no TLS to check.";
  }
  if (reason === "the server does not offer MFMT") {
    return "vsftpd has no MFMT (its FEAT does not list it). ferry refuses setLastModified " +
      "without MFMT by design (README: it does not guess at server-specific alternatives).";
  }
  if (reason === "Pure-FTPd offers no implicit TLS as Debian builds it") {
    return "Implicit TLS in Pure-FTPd is a compile-time switch (`--with-implicittls`, which then " +
      "makes every connection implicit TLS; upstream's help says \"DO NOT USE unless you know " +
      "what you are doing\"). Debian's build leaves it off, as the plain column shows.";
  }
  if (reason === "pyftpdlib has no implicit TLS") {
    return "pyftpdlib's `TLS_FTPHandler` implements AUTH TLS (RFC 4217) only.";
  }
  if (reason === "not run: login failed" || reason === "not run: two steps hung") {
    return "Follows from a failed step in the same column, which fails the run by itself.";
  }
  return undefined;
}

function peersRequired(): boolean {
  return Deno.env.get("FERRY_REQUIRE_PEERS") === "1";
}

function emptyCells(outcome: Outcome): Record<Mode, Record<StepId, Outcome>> {
  const cells = {} as Record<Mode, Record<StepId, Outcome>>;
  for (const mode of MODES) {
    cells[mode] = {} as Record<StepId, Outcome>;
    for (const [step] of STEPS) cells[mode][step] = outcome;
  }
  return cells;
}

async function environment(files: LocalFiles): Promise<string[]> {
  const lines = [`Deno ${Deno.version.deno} (${Deno.build.os}, ${Deno.build.arch})`];
  try {
    const osRelease = await Deno.readTextFile("/etc/os-release");
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
    if (pretty) lines.push(`Operating system: ${pretty}`);
  } catch {
    // not Linux
  }
  try {
    const out = await new Deno.Command("openssl", { args: ["version"], stdout: "piped" }).output();
    const version = new TextDecoder().decode(out.stdout).trim().split(/\s+/).slice(0, 2).join(" ");
    if (version) lines.push(`Servers' TLS library: ${version} (the system's)`);
  } catch {
    // no openssl
  }
  lines.push(
    "All servers on 127.0.0.1, files on a tmpfs; the large file is 64 MiB of seeded " +
      `pseudo-random bytes; resumed transfers start at byte ${files.resumeOffset}.`,
  );
  return lines;
}

/** Formats and writes the report (deno fmt, so that `deno fmt --check` stays clean). */
async function writeReport(text: string): Promise<void> {
  await Deno.mkdir(dirname(REPORT_PATH), { recursive: true });
  const temp = `${REPORT_PATH}.tmp.md`;
  await Deno.writeTextFile(temp, text);
  const fmt = await new Deno.Command(Deno.execPath(), {
    // The project's line width, given outright: the default report path lies
    // in .ci/work, which the project's config excludes from formatting.
    args: ["fmt", "--no-config", "--line-width=100", "--quiet", temp],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!fmt.success) {
    await Deno.remove(temp).catch(() => {});
    throw new Error(`deno fmt failed on the report: ${new TextDecoder().decode(fmt.stderr)}`);
  }
  const formatted = await Deno.readTextFile(temp);
  await Deno.remove(temp);
  let previous: string | undefined;
  try {
    previous = await Deno.readTextFile(REPORT_PATH);
  } catch {
    // first run
  }
  if (previous !== formatted) await Deno.writeTextFile(REPORT_PATH, formatted);
}

Deno.test({
  name: "interop matrix against real FTP servers",
  // Server processes, TLS sockets of a step that hung and timers are all
  // closed explicitly; a hung client call is reported as a failed cell rather
  // than as a leak of the whole test.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const password = testPassword();
    const ftpsReason = await ftpsUnsupportedReason();
    const pki = await makeTestPki();
    const tls: ServerTlsFiles = serverTlsFiles(pki);
    await using files: LocalFiles = await prepareLocalFiles();
    const reports: ServerReport[] = [];
    const recorded: string[] = [];

    // FERRY_INTEROP_ONLY=proftpd,pyftpdlib runs only those rows (ids above)
    // and then leaves docs/interop.md alone: a partial matrix is no report.
    const onlyList = Deno.env.get("FERRY_INTEROP_ONLY")?.trim();
    const only = onlyList ? onlyList.split(",").map((id) => id.trim()) : undefined;
    const selected = only ? SERVERS.filter((spec) => only.includes(spec.id)) : SERVERS;
    assert.ok(
      selected.length > 0,
      `FERRY_INTEROP_ONLY names no server of ${SERVERS.map((s) => s.id)}`,
    );
    for (const spec of selected) {
      await t.step(spec.title, async () => {
        let server: ServerHandle;
        try {
          server = await spec.start(tls);
        } catch (error) {
          if (!(error instanceof ServerUnavailableError)) throw error;
          const reason = `${spec.title} could not be started here: ${error.message}`;
          reports.push({
            id: spec.id,
            title: spec.title,
            version: "not started",
            setup: spec.setup,
            cells: emptyCells({ status: "skip", reason: normalizeMessage(reason) }),
          });
          if (peersRequired()) {
            assert.fail(`${reason}\n(FERRY_REQUIRE_PEERS=1: a server that cannot start fails)`);
          }
          console.warn(`skipped: ${reason}`);
          return;
        }
        try {
          const cells = {} as Record<Mode, Record<StepId, Outcome>>;
          const failures: string[] = [];
          for (const mode of MODES) {
            let skipAll: string | undefined;
            if (mode !== "plain" && ftpsReason !== undefined) skipAll = ftpsReason;
            if (mode === "implicit" && spec.noImplicit !== undefined) skipAll = spec.noImplicit;
            const port = mode === "implicit" ? server.implicitPort : server.port;
            if (skipAll === undefined && port === undefined) {
              skipAll = "the launcher gave no implicit TLS port";
            }
            const started = Date.now();
            const { results, trace } = await runScenario(
              {
                host: server.host,
                port: port ?? server.port,
                user: server.user,
                password: server.password,
                mode,
                caCertPem: pki.caPem,
              },
              files,
              `ferry-interop-${mode}`,
              { skipAll },
            );
            console.log(
              `${spec.title} / ${mode}: ${
                results.filter((r) => r.outcome.status === "pass").length
              }` +
                ` passed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
            );
            cells[mode] = {} as Record<StepId, Outcome>;
            for (const { step, outcome } of results) {
              cells[mode][step] = outcome;
              if (outcome.status === "fail") {
                recorded.push(outcome.message);
                failures.push(`${mode} / ${step}: ${outcome.message}`);
              }
              if (outcome.status === "skip") recorded.push(outcome.reason);
            }
            recorded.push(...trace);
            if (results.some((r) => r.outcome.status === "fail")) {
              failures.push(
                `--- ${mode}: last control-connection lines\n${trace.slice(-40).join("\n")}`,
              );
            }
          }
          // Redact anything that leaked before it reaches the report or the console;
          // the assertion below still fails the run.
          for (const mode of MODES) {
            for (const [step] of STEPS) {
              const outcome = cells[mode][step];
              if (outcome.status === "fail") {
                cells[mode][step] = {
                  status: "fail",
                  message: outcome.message.split(password).join("***"),
                };
              }
            }
          }
          let concurrency: ServerReport["concurrency"];
          if (spec.concurrency && ftpsReason === undefined) {
            // The explicit column above already met this server in this process: every
            // client starts on the TLS engine that works (no refused data connection,
            // one login each).
            const load = await runLoad({ ...server, caCertPem: pki.caPem }, LOAD);
            console.log(
              `${spec.title} / ${LOAD.clients} clients at once: ${load.operations} operations, ` +
                `${load.failures.length} failed, in ${(load.durationMs / 1000).toFixed(1)} s`,
            );
            const problems = [...load.failures];
            if (load.refusals !== 0) problems.push(`${load.refusals} refused data connections`);
            if (load.logins !== LOAD.clients) problems.push(`${load.logins} logins`);
            concurrency = {
              clients: LOAD.clients,
              operations: LOAD.operations,
              failures: problems.map((p) => p.split(password).join("***")),
            };
            recorded.push(...load.failures);
            if (problems.length > 0) {
              failures.push(
                `${LOAD.clients} clients at once:\n${problems.slice(0, 20).join("\n")}`,
              );
            }
          }
          reports.push({
            id: spec.id,
            title: spec.title,
            version: server.version,
            setup: spec.setup,
            cells,
            concurrency,
          });
          if (failures.length > 0) {
            const logs = server.logs().split("\n").slice(-60).join("\n");
            assert.fail(
              `${spec.title}: failed cells\n${failures.join("\n")}\n--- server output\n${logs}`
                .split(password).join("***"),
            );
          }
        } finally {
          await server.close();
        }
      });
    }

    const justifications: Justification[] = [];
    const unjustified: string[] = [];
    for (const report of reports) {
      for (const mode of MODES) {
        for (const [step] of STEPS) {
          const outcome = report.cells[mode][step];
          if (outcome.status !== "skip") continue;
          if (justifications.some((j) => j.reason === outcome.reason)) continue;
          const why = justify(outcome.reason);
          if (why === undefined && report.version === "not started") {
            justifications.push({
              reason: outcome.reason,
              why: "The software could not be installed or started on the machine that ran the " +
                "matrix (CI sets FERRY_REQUIRE_PEERS=1, which makes this a failure instead).",
            });
          } else if (why === undefined) {
            unjustified.push(`${report.title} / ${mode} / ${step}: ${outcome.reason}`);
            justifications.push({ reason: outcome.reason, why: "(not justified)" });
          } else {
            justifications.push({ reason: outcome.reason, why });
          }
        }
      }
    }
    // The committed report shows a complete matrix: a partial run (FERRY_INTEROP_ONLY, or a
    // machine where some server cannot start, such as a run without root) leaves it alone.
    const complete = !only && reports.every((r) => r.version !== "not started");
    if (complete) {
      const previous = await Deno.readTextFile(REPORT_PATH).catch(() => "");
      await writeReport(
        renderReport(reports, await environment(files), justifications, preservedSection(previous)),
      );
    } else {
      console.warn(`${REPORT_PATH} left unchanged: this run did not cover every server`);
    }

    await t.step("no password in any recorded error, reason or control line", () => {
      const leaks = recorded.filter((text) => text.includes(password));
      assert.equal(
        leaks.length,
        0,
        `the password appears in:\n${leaks.map((l) => l.split(password).join("***")).join("\n")}`,
      );
    });
    await t.step("every skip is justified", () => {
      assert.deepEqual(unjustified, []);
    });
  },
});
