/**
 * The interop scenario: one run of every client feature the matrix proves,
 * against one server in one mode (plain FTP, explicit FTPS or implicit
 * FTPS). Every step records pass, fail (with the client's error message) or
 * skip (with the reason); a failed step never stops the steps after it, and a
 * connection lost on the way is re-opened before the next step.
 *
 * @example
 * ```ts
 * import { prepareLocalFiles, runScenario } from "./scenario.ts";
 *
 * await using files = await prepareLocalFiles();
 * const results = await runScenario(
 *   { host: "127.0.0.1", port: 2121, user: "u", password: "p", mode: "plain" },
 *   files,
 *   "cell-plain",
 * );
 * console.log(results);
 * ```
 *
 * @module
 */

import {
  FtpClient,
  type FtpClientOptions,
  FtpConnectionError,
  FtpError,
  FtpInputError,
  FtpPermanentError,
  FtpReplyError,
} from "../../mod.ts";
import type { FileInfo, FtpDebugMessage, FtpWarningEvent } from "../../mod.ts";
import { sha256File, writeRandomFile } from "../_helpers.ts";
import { makeTempDir } from "../_servers/_common.ts";
import { createHash } from "node:crypto";
import { mayPipeline } from "../../src/client/_pipelining.ts";

/** How the client talks to the server. */
export type Mode = "plain" | "explicit" | "implicit";

/** All modes, in table order. */
export const MODES: readonly Mode[] = ["plain", "explicit", "implicit"];

/** The outcome of one step. */
export type Outcome =
  | { status: "pass" }
  | { status: "fail"; message: string }
  | { status: "skip"; reason: string };

/** The steps, in order, with the titles the report shows. */
export const STEPS = [
  ["login", "connect and log in"],
  ["tls", "TLS on control and data (AUTH TLS, PBSZ 0, PROT P)"],
  ["feat", "FEAT read"],
  ["mkdir", "mkdir recursive (existing levels are fine)"],
  ["empty", "upload + download a 0-byte file (sha256)"],
  ["big", "upload + download 64 MiB (uploadFrom/downloadTo, sha256)"],
  ["unicode", "upload + download a name with spaces and non-ASCII letters"],
  ["list", "list: names, types and sizes"],
  ["stat", "stat: file and directory (type, size, name)"],
  ["rename", "rename"],
  ["size", "size"],
  ["lastModified", "lastModified (MDTM)"],
  ["setLastModified", "setLastModified (MFMT)"],
  ["resumeDownload", "resume download at an offset (REST + RETR, sha256)"],
  ["resumeUpload", "resume upload at an offset (REST + STOR, sha256)"],
  ["append", "append (APPE)"],
  ["remove", "remove"],
  ["passive", "passive mode: upload, list, download"],
  ["active", "active mode: upload, list, download"],
  ["loginLater", "a wrong password refused once (530); connect with login: false, then login()"],
  ["rawCommands", 'command()/voidCommand() throw on 4xx/5xx; send("LIST") refused'],
  ["dataCommands", 'downloadCommand("LIST dir"), uploadCommand("STOU")'],
  ["pipelined", "commands sent together: downloads in a row, MDTM batch, stat; still trusted"],
  ["rmdir", "rmdir recursive"],
  ["quit", "quit"],
] as const;

/** A step's id. */
export type StepId = typeof STEPS[number][0];

/** One step's result. */
export interface StepResult {
  step: StepId;
  outcome: Outcome;
}

/** Where and how to connect. */
export interface ScenarioTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  mode: Mode;
  /** PEM of the CA that signed the server's certificate. */
  caCertPem?: string;
}

/** A local file and its hash. */
export interface LocalFile {
  path: string;
  size: number;
  sha256: string;
}

/** The local files every run uploads, made once (on a tmpfs when there is one). */
export interface LocalFiles extends AsyncDisposable {
  dir: string;
  empty: LocalFile;
  big: LocalFile;
  /** A small file whose remote name has spaces and non-ASCII letters. */
  unicode: LocalFile;
  /** The first `resumeOffset` bytes of `big`. */
  bigHead: LocalFile;
  /** Where resumed transfers start (not a round number, on purpose). */
  resumeOffset: number;
  close(): Promise<void>;
}

/** 64 MiB, as the issue asks. */
export const BIG_SIZE = 64 * 1024 * 1024;

/** The remote name with spaces and non-ASCII letters. */
export const UNICODE_NAME = "Grüße aus Köln – ñandú 東京.txt";
/** What it is renamed to. */
export const RENAMED_NAME = "renamed Ærø ü.txt";

/** Writes the local files (the 64 MiB one is pseudo-random, seeded, so runs repeat). */
export async function prepareLocalFiles(bigSize = BIG_SIZE): Promise<LocalFiles> {
  const dir = await makeTempDir("ferry-interop-files-");
  const file = async (name: string, write: (path: string) => Promise<string>) => {
    const path = `${dir}/${name}`;
    const sha256 = await write(path);
    return { path, size: (await Deno.stat(path)).size, sha256 };
  };
  const empty = await file("empty.bin", async (path) => {
    await Deno.writeFile(path, new Uint8Array(0));
    return createHash("sha256").digest("hex");
  });
  const big = await file("big.bin", (path) => writeRandomFile(path, bigSize, 11));
  const unicode = await file("unicode.txt", (path) => writeRandomFile(path, 100_003, 13));
  const resumeOffset = Math.floor(bigSize * 0.6) + 12_345;
  const bigHead = await file("big-head.bin", async (path) => {
    await copyHead(big.path, path, resumeOffset);
    return sha256File(path);
  });
  const close = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  return {
    dir,
    empty,
    big,
    unicode,
    bigHead,
    resumeOffset,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Copies the first `length` bytes of a file. */
async function copyHead(from: string, to: string, length: number): Promise<void> {
  using source = await Deno.open(from);
  using target = await Deno.open(to, { write: true, create: true, truncate: true });
  const buffer = new Uint8Array(1 << 20);
  let copied = 0;
  // Bounded by `length` (and by the source's end).
  while (copied < length) {
    const n = await source.read(buffer.subarray(0, Math.min(buffer.length, length - copied)));
    if (n === null) break;
    let written = 0;
    while (written < n) written += await target.write(buffer.subarray(written, n));
    copied += n;
  }
}

/**
 * Whether this build of the client supports FTPS at all: today's client
 * refuses `ftpes://` with an FtpInputError saying it does not support FTPS
 * yet. Returns undefined when supported, or the reason when not.
 */
export async function ftpsUnsupportedReason(): Promise<string | undefined> {
  try {
    // Port 1 on loopback refuses at once: a client that supports FTPS fails
    // with a connection error, one that does not with FtpInputError.
    const client = await FtpClient.connect("ftpes://127.0.0.1:1/", { connectTimeout: 2_000 });
    await client.close();
  } catch (error) {
    if (error instanceof FtpInputError && /FTPS/.test(error.message)) {
      return `the client does not support FTPS yet ("${error.message}")`;
    }
  }
  return undefined;
}

/** Why a step threw: the error's name and message on one line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const name = error instanceof FtpError || error.name !== "Error" ? `${error.name}: ` : "";
    return `${name}${error.message}`;
  }
  return String(error);
}

class StepFailure extends Error {}

/** A step that did not finish within its bound: its client is abandoned. */
class StepTimeout extends StepFailure {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailure(message);
}

function equal<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) {
    throw new StepFailure(
      `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }
}

/** A step's body skips by throwing this. */
class Skip extends Error {}

/** Step time limits: generous bounds so that a hang fails a step instead of the run. */
const STEP_TIMEOUT_MS = 60_000;
const BIG_STEP_TIMEOUT_MS = 120_000;

/** Runs `body` with a bound: past `ms` it rejects (the caller then closes the client). */
async function bounded<T>(ms: number, body: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StepTimeout(`did not finish within ${ms / 1000} s (hung?)`)),
      ms,
    );
  });
  try {
    return await Promise.race([body(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a scenario run produced besides the step results. */
export interface ScenarioRun {
  results: StepResult[];
  /** The last control-connection lines (passwords redacted by the client), for diagnosis. */
  trace: string[];
}

/**
 * Runs the scenario in a fresh directory `cell` under the login directory,
 * removing it at the end.
 */
export async function runScenario(
  target: ScenarioTarget,
  files: LocalFiles,
  cell: string,
  options: {
    /** Skip every step with this reason (the mode cannot run). */
    skipAll?: string;
    /** Extra TLS options (the matrix runs ferry's defaults; this is for experiments). */
    tls?: FtpClientOptions["tls"];
    /** Called after each step (progress output). */
    onStep?: (result: StepResult) => void;
    /**
     * A documented limitation: a failed step whose message it matches is
     * recorded as a skip with its reason (a passing step stays a pass).
     */
  } = {},
): Promise<ScenarioRun> {
  const results: StepResult[] = [];
  const trace: string[] = [];
  /** Every EPSV/PASV/EPRT/PORT sent, in order (the trace keeps only the last lines). */
  const dataSetups: string[] = [];
  const record = (m: FtpDebugMessage) => {
    trace.push(`${m.direction === "send" ? ">" : "<"} ${m.line}`);
    if (m.direction === "send" && /^(EPSV|PASV|EPRT|PORT)\b/.test(m.line)) {
      dataSetups.push(m.line.split(" ")[0]);
    }
    if (Deno.env.get("FERRY_INTEROP_TRACE") === "1") console.error(trace.at(-1));
    if (trace.length > 400) trace.splice(0, trace.length - 400);
  };
  if (options.skipAll !== undefined) {
    for (const [step] of STEPS) {
      results.push({ step, outcome: { status: "skip", reason: options.skipAll } });
    }
    return { results, trace };
  }
  const clientOptions: FtpClientOptions = {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    secure: target.mode === "plain" ? "none" : target.mode,
    transferMode: "passive",
    connectTimeout: 10_000,
    replyTimeout: 30_000,
    dataTimeout: 30_000,
    debug: record,
  };
  if (target.mode !== "plain") {
    clientOptions.tls = {
      caCerts: target.caCertPem ? [target.caCertPem] : [],
      ...options.tls,
    };
  }
  let client: FtpClient | undefined;
  let notRun: string | undefined;
  let hangs = 0;
  const connect = async () => {
    client = new FtpClient(clientOptions);
    try {
      await client.connect();
    } catch (error) {
      await client.close().catch(() => {});
      client = undefined;
      throw error;
    }
  };
  const scratch = `${files.dir}/${cell}`;
  await Deno.mkdir(scratch, { recursive: true });
  const remote = (name: string) => `${cell}/${name}`;
  const bigSize = files.big.size;

  const bodies: Record<StepId, (c: FtpClient) => Promise<void> | void> = {
    login: () => {
      // The connection itself is the step (made before the body runs).
    },
    tls: () => {
      if (target.mode === "plain") throw new Skip("n/a: plain FTP");
      const sent = (verb: string) => trace.some((l) => l.startsWith(`> ${verb}`));
      // The code of the final reply to the first command sent that starts
      // with `verb`: replies are matched to commands in order, as commands
      // sent together (pipelined) are logged before their replies.
      const replied = (code: string, verb: string) => {
        const sentAhead: string[] = [];
        let open: string | undefined;
        for (const line of trace) {
          if (line.startsWith("> ")) {
            sentAhead.push(line.slice(2));
            continue;
          }
          const head = /^< (\d{3})([ -])/.exec(line);
          let final: string;
          if (open !== undefined) {
            if (!head || head[1] !== open || head[2] !== " ") continue;
            final = open;
            open = undefined;
          } else if (head?.[2] === "-") {
            open = head[1];
            continue;
          } else if (head) {
            final = head[1];
          } else {
            continue;
          }
          if (final.startsWith("1")) continue;
          const command = sentAhead.length > 0 ? sentAhead.shift()! : undefined;
          if (command?.startsWith(verb)) return final === code;
        }
        return false;
      };
      if (target.mode === "explicit") {
        check(sent("AUTH TLS") || sent("AUTH SSL"), "the client never sent AUTH TLS");
        check(replied("234", "AUTH"), "AUTH TLS was not answered with 234");
        const auth = trace.findIndex((l) => l.startsWith("> AUTH"));
        const user = trace.findIndex((l) => l.startsWith("> USER"));
        check(auth !== -1 && auth < user, "USER was sent before AUTH TLS (in plain text)");
      }
      check(sent("PROT P"), "the client never sent PROT P: data connections are not encrypted");
      check(replied("200", "PROT P"), "PROT P was not answered with 200");
    },
    feat: (c) => {
      check(c.features.size > 0, "no FEAT features recorded");
      if (target.mode === "explicit") {
        check(c.features.has("AUTH"), "FEAT does not list AUTH (TLS)");
      }
    },
    mkdir: async (c) => {
      await c.mkdir(remote("deep/er/est"), { recursive: true });
      await c.mkdir(remote("deep/er/est"), { recursive: true });
      const names = (await c.list(remote("deep/er"))).map((e) => `${e.type}:${e.name}`);
      check(names.includes("directory:est"), `deep/er lists ${JSON.stringify(names)}`);
    },
    empty: async (c) => {
      const up = await c.uploadFrom(files.empty.path, remote("empty.bin"));
      equal(up.bytes, 0, "bytes uploaded");
      const local = `${scratch}/empty.bin`;
      const down = await c.downloadTo(remote("empty.bin"), local);
      equal(down.bytes, 0, "bytes downloaded");
      equal(await sha256File(local), files.empty.sha256, "sha256 of the download");
    },
    big: async (c) => {
      const up = await c.uploadFrom(files.big.path, remote("big.bin"));
      equal(up.bytes, bigSize, "bytes uploaded");
      const local = `${scratch}/big.bin`;
      const down = await c.downloadTo(remote("big.bin"), local);
      equal(down.bytes, bigSize, "bytes downloaded");
      equal(await sha256File(local), files.big.sha256, "sha256 of the download");
      await Deno.remove(local);
    },
    unicode: async (c) => {
      await c.uploadFrom(files.unicode.path, remote(UNICODE_NAME));
      const local = `${scratch}/unicode.txt`;
      await c.downloadTo(remote(UNICODE_NAME), local);
      equal(await sha256File(local), files.unicode.sha256, "sha256 of the download");
      const names = (await c.list(cell)).map((e) => e.name);
      check(names.includes(UNICODE_NAME), `the listing shows ${JSON.stringify(names)}`);
    },
    list: async (c) => {
      const entries = await c.list(cell);
      const byName = new Map(entries.map((e) => [e.name, e]));
      const expect = (name: string, type: string, size?: number) => {
        const entry = byName.get(name);
        check(entry, `${JSON.stringify(name)} missing from ${JSON.stringify([...byName.keys()])}`);
        equal(entry.type, type, `type of ${name}`);
        if (size !== undefined) equal(entry.size, size, `size of ${name}`);
      };
      expect("deep", "directory");
      expect("empty.bin", "file", 0);
      expect("big.bin", "file", bigSize);
      expect(UNICODE_NAME, "file", files.unicode.size);
      for (const name of [".", ".."]) check(!byName.has(name), `list() returned ${name}`);
    },
    stat: async (c) => {
      const file = await c.stat(remote("big.bin"));
      equal(file.type, "file", "type of big.bin");
      equal(file.size, bigSize, "size of big.bin");
      equal(file.name, "big.bin", "name of big.bin");
      const dir = await c.stat(remote("deep"));
      equal(dir.type, "directory", "type of deep");
      equal(dir.name, "deep", "name of deep");
      // statAll asks the same of many paths together: what stat says of each,
      // a missing one's refusal in its place, every reply in step (300 paths:
      // more than one flight's worth of MLST replies).
      const some = ["big.bin", "deep", "deep/er/", "no-such-file", "deep/er/est"].map(remote);
      const many = Array.from({ length: 300 }, (_, i) => some[i % some.length]);
      const found = await c.statAll(many);
      equal(found.length, many.length, "statAll's results");
      const shown = (entry: FileInfo | Error) =>
        entry instanceof Error
          ? `error ${(entry as FtpPermanentError).code}`
          : `${entry.type}:${entry.name}:${entry.type === "file" ? entry.size : ""}`;
      const expected: string[] = [];
      // One at a time: a failed call clears the calls queued behind it.
      for (const path of some) expected.push(await c.stat(path).then(shown, shown));
      equal(expected[3], "error 550", "stat of a missing file");
      for (const [i, entry] of found.entries()) {
        equal(shown(entry), expected[i % some.length], `statAll of ${many[i]}`);
      }
    },
    rename: async (c) => {
      await c.rename(remote(UNICODE_NAME), remote(RENAMED_NAME));
      equal(await c.size(remote(RENAMED_NAME)), files.unicode.size, "size after rename");
      const names = (await c.list(cell)).map((e) => e.name);
      check(names.includes(RENAMED_NAME), `renamed file missing: ${JSON.stringify(names)}`);
      check(!names.includes(UNICODE_NAME), "the old name is still listed");
    },
    size: async (c) => {
      equal(await c.size(remote("big.bin")), bigSize, "SIZE of big.bin");
      equal(await c.size(remote("empty.bin")), 0, "SIZE of empty.bin");
    },
    lastModified: async (c) => {
      const date = await c.lastModified(remote("big.bin"));
      check(date instanceof Date && !Number.isNaN(date.getTime()), "not a valid date");
      // The server runs on this machine: its clock is ours (a sanity bound, not a timing).
      const skew = Math.abs(date.getTime() - Date.now());
      check(skew < 86_400_000, `MDTM says ${date.toISOString()}, more than a day off`);
    },
    setLastModified: async (c) => {
      if (!c.features.has("MFMT")) throw new Skip("the server does not offer MFMT");
      const when = new Date("2001-02-03T04:05:06Z");
      await c.setLastModified(remote("big.bin"), when);
      equal(
        (await c.lastModified(remote("big.bin"))).toISOString(),
        when.toISOString(),
        "MDTM after MFMT",
      );
    },
    resumeDownload: async (c) => {
      const local = `${scratch}/resumed-download.bin`;
      await Deno.copyFile(files.bigHead.path, local);
      const down = await c.downloadTo(remote("big.bin"), local, { offset: files.resumeOffset });
      equal(down.bytes, bigSize - files.resumeOffset, "bytes downloaded after the offset");
      equal((await Deno.stat(local)).size, bigSize, "local size");
      equal(await sha256File(local), files.big.sha256, "sha256 of the resumed download");
      await Deno.remove(local);
    },
    resumeUpload: async (c) => {
      await c.uploadFrom(files.bigHead.path, remote("resumed.bin"));
      const up = await c.uploadFrom(files.big.path, remote("resumed.bin"), {
        offset: files.resumeOffset,
      });
      equal(up.bytes, bigSize - files.resumeOffset, "bytes uploaded after the offset");
      equal(await c.size(remote("resumed.bin")), bigSize, "remote size");
      const local = `${scratch}/resumed-upload.bin`;
      await c.downloadTo(remote("resumed.bin"), local);
      equal(await sha256File(local), files.big.sha256, "sha256 of the resumed upload");
      await Deno.remove(local);
      await c.remove(remote("resumed.bin"));
    },
    append: async (c) => {
      await c.upload(remote("log.txt"), "first line\n");
      await c.upload(remote("log.txt"), "second line ü\n", { append: true });
      const text = await new Response(await c.download(remote("log.txt"))).text();
      equal(text, "first line\nsecond line ü\n", "content after APPE");
    },
    remove: async (c) => {
      await c.remove(remote("log.txt"));
      const names = (await c.list(cell)).map((e) => e.name);
      check(!names.includes("log.txt"), "log.txt is still listed");
      let gone = false;
      try {
        await c.size(remote("log.txt"));
      } catch (error) {
        gone = error instanceof FtpError;
      }
      check(gone, "SIZE of the removed file succeeded");
    },
    passive: (c) => roundTrip(c, "passive"),
    active: (c) => roundTrip(c, "active"),
    loginLater: async () => {
      // A wrong password, sent with the set-up commands: the error is the
      // 530 naming PASS, the password goes once (no retry on a new
      // connection), and the server keeps its pipelining.
      const passesBefore = trace.filter((l) => l.startsWith("> PASS")).length;
      const wrong = new FtpClient({ ...clientOptions, password: "not-the-password" });
      const warnings: string[] = [];
      wrong.addEventListener("warning", (e) => warnings.push((e as FtpWarningEvent).message));
      const refused = await wrong.connect().catch((e) => e);
      await wrong.close().catch(() => {});
      check(
        refused instanceof FtpPermanentError && refused.code === 530 &&
          /PASS \*\*\*/.test(refused.message),
        `a wrong password: ${describeError(refused)}`,
      );
      equal(trace.filter((l) => l.startsWith("> PASS")).length - passesBefore, 1, "PASS sent");
      equal(warnings.length, 0, `warnings (${warnings.join("; ")})`);
      check(mayPipeline(serverKey(target)), "pipelining kept after a wrong password");
      // A second session, as ported QFtp/ftplib code opens it: connect, then log in.
      await using later = await FtpClient.connect({ ...clientOptions, login: false });
      equal(later.state, "connected", "state before login()");
      const early = await later.pwd().catch((e) => e);
      check(
        early instanceof FtpConnectionError && early.kind === "not-logged-in",
        `pwd() before login(): ${describeError(early)}`,
      );
      await later.login(target.user, target.password);
      equal(later.state, "loggedIn", "state after login()");
      check((await later.list(cell)).some((e) => e.name === "deep"), "listing after login()");
    },
    rawCommands: async (c) => {
      const home = await c.pwd();
      check((await c.command("SYST")).code === 215, "SYST through command()");
      equal((await c.voidCommand("NOOP")).code, 200, "NOOP through voidCommand()");
      const refused = await c.command(`CWD ${cell}/no-such-directory`).catch((e) => e);
      check(
        refused instanceof FtpPermanentError && refused.code === 550,
        `command() of a CWD into nothing: ${describeError(refused)}`,
      );
      const list = await c.send("LIST").catch((e) => e);
      check(list instanceof FtpInputError, `send("LIST"): ${describeError(list)}`);
      equal(await c.pwd(), home, "the session is in step");
    },
    dataCommands: async (c) => {
      // A command line of the caller's own (pyftpdlib takes `-la dir` for a path name).
      const listing = await c.downloadCommand(`LIST ${cell}`);
      equal(Math.floor(listing.reply.code / 100), 1, "the reply that started the listing");
      const text = await new Response(listing.stream).text();
      check(/deep/.test(text), `LIST ${cell} shows ${JSON.stringify(text.slice(0, 300))}`);
      const home = await c.pwd();
      await c.cd(cell);
      try {
        const before = new Set((await c.list()).map((e) => e.name));
        const unique = await c.uploadCommand("STOU").catch((e) => e);
        if (unique instanceof FtpReplyError && [500, 502, 504].includes(unique.code)) {
          throw new Skip(`the server does not offer STOU (${unique.code})`);
        }
        if (unique instanceof Error) throw unique;
        await new Blob(["made by STOU\n"]).stream().pipeTo(unique.stream);
        const made = (await c.list()).filter((e) => e.type === "file" && !before.has(e.name));
        equal(made.length, 1, `files STOU made (${made.map((e) => e.name).join(", ")})`);
        const content = await new Response(await c.download(made[0].name)).text();
        equal(content, "made by STOU\n", "content of the STOU file");
        await c.remove(made[0].name);
      } finally {
        await c.cd(home);
      }
    },
    pipelined: async (c) => {
      // Each download's end sends the next EPSV ahead; the listing after the
      // last takes it; the MDTMs go in one flight; stat pipelines SIZE and
      // MDTM where there is no MLST. The server must answer all in step.
      const setupsBefore = dataSetups.length;
      const names = [0, 1, 2, 3, 4, 5].map((i) => `pipelined-${i}.txt`);
      const content = (i: number) => `pipelined ${i}\n`.repeat(i + 1);
      for (const [i, name] of names.entries()) await c.upload(remote(name), content(i));
      for (const [i, name] of names.entries()) {
        const text = await new Response(await c.download(remote(name))).text();
        equal(text, content(i), `content of ${name}`);
      }
      const listed = (await c.list(cell)).map((e) => e.name);
      check(names.every((n) => listed.includes(n)), `the listing after them: ${listed}`);
      const times = await c.lastModifiedAll([...names.map(remote), remote("no-such-file")]);
      check(times.slice(0, -1).every((t) => t instanceof Date), `MDTM batch: ${times}`);
      // A full batch and then some (512, then 89): every reply in step (over
      // TLS too: Pure-FTPd leaves unread what a TLS record holds past 4 KiB,
      // so commands go in writes of at most 2 KiB).
      const many = Array.from({ length: 600 }, (_, i) => remote(names[i % names.length]));
      const manyTimes = await c.lastModifiedAll([...many, remote("no-such-file")]);
      check(
        manyTimes.length === 601 &&
          manyTimes.slice(0, -1).every((t, i) =>
            t instanceof Date && t.getTime() === (times[i % names.length] as Date).getTime()
          ) && manyTimes[600] instanceof FtpPermanentError,
        `MDTM batches of 512 and 89: ${
          manyTimes.filter((t) => !(t instanceof Date)).length
        } not times`,
      );
      const missing = times.at(-1);
      check(
        missing instanceof FtpPermanentError && /MDTM /.test(missing.message),
        `MDTM of a missing file: ${describeError(missing)}`,
      );
      equal((await c.stat(remote(names[5]))).size, content(5).length, "stat's size");
      check(
        mayPipeline(serverKey(target)),
        "the server was found to mishandle commands sent together",
      );
      // 13 transfers: 6 uploads (an EPSV each: none goes ahead of an
      // upload), the first download's EPSV, and one sent ahead with the end
      // of each download (5 downloads and the listing take them) and of the
      // listing (kept through the MDTMs and the stat, which expect a
      // transfer to follow; the first DELE drops it).
      const setups = dataSetups.slice(setupsBefore);
      if (setups.every((d) => d === "EPSV")) equal(setups.length, 6 + 1 + 6 + 1, "EPSVs sent");
      // A small upload's data goes with its STOR: a refused one still fails
      // naming STOR, and the session stays in step.
      const refused = await c.upload(remote("no-such-dir/x.txt"), "x\n").catch((e) => e);
      check(
        refused instanceof FtpReplyError && /STOR /.test(refused.message),
        `a small upload into a missing directory: ${describeError(refused)}`,
      );
      equal((await c.stat(remote(names[0]))).size, content(0).length, "stat after the refusal");
      for (const name of names) await c.remove(remote(name));
    },
    rmdir: async (c) => {
      await c.rmdir(cell, { recursive: true });
      const names = (await c.list()).map((e) => e.name);
      check(!names.includes(cell), `${cell} is still listed`);
    },
    quit: async (c) => {
      await c.quit();
      client = undefined;
    },
  };

  async function roundTrip(c: FtpClient, mode: "passive" | "active"): Promise<void> {
    c.transferMode = mode;
    const from = dataSetups.length;
    try {
      const name = remote(`${mode}.txt`);
      const content = `${mode} mode ✓\n`.repeat(1000);
      await c.upload(name, content);
      const names = (await c.list(cell)).map((e) => e.name);
      check(names.includes(`${mode}.txt`), `${mode}.txt missing from the listing`);
      equal(await new Response(await c.download(name)).text(), content, "content");
      await c.remove(name);
      // The mode really was used: the data connections were set up that way.
      const used = dataSetups.slice(from);
      const expected = mode === "active" ? ["EPRT", "PORT"] : ["EPSV", "PASV"];
      check(used.length > 0, "no data connection was set up");
      check(
        used.every((verb) => expected.includes(verb)),
        `${mode} mode, but the data connections were set up with ${used.join(", ")}`,
      );
    } finally {
      c.transferMode = "passive";
    }
  }

  for (const [step] of STEPS) {
    if (notRun !== undefined) {
      results.push({ step, outcome: { status: "skip", reason: notRun } });
      continue;
    }
    let outcome: Outcome;
    try {
      const timeout = ["big", "resumeDownload", "resumeUpload"].includes(step)
        ? BIG_STEP_TIMEOUT_MS
        : STEP_TIMEOUT_MS;
      await bounded(timeout, async () => {
        if (step === "login" || client === undefined || client.state === "unconnected") {
          await connect();
        }
        await bodies[step](client!);
      });
      outcome = { status: "pass" };
    } catch (error) {
      outcome = error instanceof Skip
        ? { status: "skip", reason: error.message }
        : { status: "fail", message: describeError(error) };
      if (step === "login" && outcome.status === "fail") {
        notRun = "not run: login failed";
      }
      // Bounds a cell whose every step hangs: after two hangs, stop trying.
      if (error instanceof StepTimeout && ++hangs >= 2) notRun = "not run: two steps hung";
      const lost = client !== undefined && client.state !== "loggedIn";
      if (
        outcome.status === "fail" && client !== undefined && (lost || error instanceof StepTimeout)
      ) {
        // Lost on the way, or hung: start over on a fresh connection next step.
        const stale = client;
        client = undefined;
        await bounded(5_000, () => stale.close()).catch(() => {});
      }
    }
    results.push({ step, outcome });
    options.onStep?.({ step, outcome });
  }
  if (client !== undefined) {
    const last = client;
    await bounded(5_000, () => last.close()).catch(() => {});
  }
  await Deno.remove(scratch, { recursive: true }).catch(() => {});
  return { results, trace };
}

/** How `_pipelining.ts` names the server of `target` (host:port). */
function serverKey(target: { host: string; port: number }): string {
  return target.host.includes(":")
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
}
