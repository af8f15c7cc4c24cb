// One logged-in FTP session over a control connection, without queueing:
// one small method per protocol command, built on three low-level ones as in
// ftplib (sendCommand ~ sendcmd, voidCommand ~ voidcmd, openTransfer ~
// transfercmd). FtpClient queues calls and runs them against this.

import {
  type FtpError,
  FtpTimeoutError,
  FtpTlsError,
  FtpUnexpectedReplyError,
  FtpUnsupportedError,
  replyError,
} from "../errors.ts";
import { formatCommand, redactCommand } from "../protocol/command.ts";
import {
  type DataAddress,
  formatEprtArgument,
  formatPortArgument,
  parsePasvReply,
} from "../protocol/data_address.ts";
import { parseFeatures } from "../protocol/features.ts";
import { mlstOptsArgument } from "../listing/parse_mlsd.ts";
import { type FtpReply, isCompletion, isPreliminary } from "../protocol/reply.ts";
import { parsePathReply } from "../protocol/reply_text.ts";
import { formatTimeVal } from "../protocol/time_val.ts";
import type { ControlConnection } from "../transport/control_connection.ts";
import { hostPort } from "../protocol/host.ts";
import type { DataConnection } from "../transport/data_connection.ts";
import type { Transport } from "../transport/transport.ts";
import type { TransferMode, TransferType } from "./options.ts";
import {
  epsvPort,
  isDirectoryAnswer,
  isUnsupported,
  pathFrom,
  pathIn,
  sessionClosed,
  sizeAndTimeFrom,
  sizeAndTimeLines,
  sizeFrom,
  timeFrom,
} from "./_command_replies.ts";
import { EpsvAhead } from "./_epsv_ahead.ts";
import { loginFlight } from "./_login_flight.ts";
import { openTransfer } from "./_open_transfer.ts";
import {
  answers,
  DROPPED_HINT,
  markPipeliningFailure,
  mayPipeline,
  outOfStep,
  stopPipelining,
} from "./_pipelining.ts";
import type { DataTlsPolicy } from "./_tls_policy.ts";
import type { Transfer } from "./_transfer.ts";
import type { RateLimiter } from "./rate_limit.ts";

/** What a session needs from the client's options; fixed for its life. */
export interface SessionSettings {
  readonly trustPasvHost: boolean;
  readonly connectTimeout: number;
  readonly dataTimeout: number;
  /** Canonical encoding name for names on the wire. */
  readonly encoding: string;
  /** Makes the connections: Deno's TLS, or Node's (which resumes sessions). */
  readonly transport: Transport;
  /** The client's data-channel TLS policy, with TLS (FtpClient owns it). */
  readonly dataTls?: DataTlsPolicy;
  /** Paces every data connection of the client (its `rateLimit`). */
  readonly rateLimit?: RateLimiter;
  /** Whether commands that do not depend on each other may share a round trip. */
  readonly pipelining?: boolean;
}

/** Options for {@linkcode Session.openTransfer}. */
export interface OpenTransferOptions {
  type: TransferType;
  offset?: number;
  signal?: AbortSignal;
  /** Paces this transfer (the call's `rateLimit`), besides the client's limit. */
  rateLimit?: RateLimiter;
  /**
   * An upload small enough to sit in the socket buffers whatever the server
   * does (see `EARLY_DATA_MAX_BYTES`): its data may go before the 1xx.
   */
  earlyData?: boolean;
}

/**
 * The most bytes an upload sends before its 1xx (see `openPassive`): far
 * below any socket buffer, so the writes never wait for the server, which
 * reads them only once it has taken the transfer command.
 */
export const EARLY_DATA_MAX_BYTES = 64 * 1024;

const TYPE_CODE: Record<TransferType, string> = { binary: "I", ascii: "A" };

/**
 * The most MDTM commands sent together. The server reads one and answers it
 * before the next, so it stops reading only when it cannot write a reply:
 * 512 replies (20 to 60 bytes each, at most about 30 KiB) stay below any
 * socket buffer, so neither side can block the other however long the
 * paths. A 300-file deploy's times take one round trip.
 */
export const MDTM_BATCH = 512;

const OPTS_UTF8 = "OPTS UTF8 ON";

const SETTLED = Promise.resolve();
/** `readFinal` without `anyReply`: 1xx replies are passed over. */
const NOT_ANY = () => false;

export class Session {
  readonly control: ControlConnection;
  readonly settings: SessionSettings;
  /** Passive or active data connections; the client may change it between calls. */
  transferMode: TransferMode;
  greeting?: FtpReply;
  features: ReadonlyMap<string, string> = new Map();
  #type?: TransferType;
  #eprtRefused = false;
  #restSentRaw = false;
  #dataProtected = false;
  /** The directory last confirmed by PWD, for reconnecting (see FtpClient). */
  knownDirectory?: string;
  /**
   * The current directory where it is known without asking: the login's
   * PWD, a PWD since, or an absolute CWD; unknown after a relative CWD,
   * CDUP or a raw command. Lets a probe that must come back (isDirectory)
   * send its way back with its way in.
   */
  #cwd?: string;
  /**
   * How LIST gets dot-files here, once known (see `_listing.ts`): `"ask"`
   * with `LIST -a`; `"shown"` by a plain LIST; `"unasked"` a plain LIST
   * that may leave them out (the server refused `-a`, or never told).
   */
  dotFiles?: "ask" | "shown" | "unasked";
  /** `LIST -a` probes that could not tell so far. */
  dotFileProbes = 0;
  /** Whether a listing of this session used LIST (no MLSD). */
  listedWithList = false;
  /** The EPSV sent ahead, and what the session learnt of EPSV (see `_epsv_ahead.ts`). */
  readonly #ahead: EpsvAhead;
  /** The read buffers of small transfers, reused from one to the next (see Transfer.receive). */
  spareBuffers?: [Uint8Array, Uint8Array];
  #serverKey?: string;

  constructor(control: ControlConnection, settings: SessionSettings, transferMode: TransferMode) {
    this.control = control;
    this.settings = settings;
    this.transferMode = transferMode;
    this.#ahead = new EpsvAhead(this);
    control.dismiss = this.#ahead.dismiss;
  }

  /** Whether data connections use TLS (PROT P was accepted). */
  get dataProtected(): boolean {
    return this.#dataProtected;
  }

  // ---- Low level --------------------------------------------------------

  /** Sends a command and returns its first non-preliminary reply. */
  async sendCommand(line: string): Promise<FtpReply> {
    await this.#ahead.settle();
    this.control.assertInStep();
    await this.control.send(line);
    return await this.readFinal(line);
  }

  /**
   * Whether commands may be sent before the replies to earlier ones
   * arrived: on unless the `pipelining` option is off or this server
   * mishandled it earlier in the process (see `_pipelining.ts`).
   */
  get pipelining(): boolean {
    return this.settings.pipelining !== false && mayPipeline(this.serverKey);
  }

  /** The server as `host:port`, the key of what this process learnt about it. */
  get serverKey(): string {
    // Asked several times per small file: made once.
    return this.#serverKey ??= hostPort(
      this.control.remoteAddr.hostname,
      this.control.remoteAddr.port,
    );
  }

  /**
   * Sends `lines` together, in one round trip, and returns their final
   * replies in order; one at a time where pipelining is off. Only for
   * commands none of which depends on another's reply: every reply is read
   * whatever the others said, so the session stays in step, and each caller
   * judges its own reply (its errors name its command). A reply that cannot
   * answer its command, or one that never comes, ends pipelining to this
   * server (see `_pipelining.ts`).
   */
  async pipeline(lines: readonly string[], epsvAhead = false): Promise<FtpReply[]> {
    const replies: FtpReply[] = [];
    // An EPSV already sent ahead is kept for the transfer that follows these.
    const keep = epsvAhead && this.pipelining &&
      (this.#ahead.sent || this.#ahead.ready !== undefined);
    if (!keep) await this.#ahead.settle();
    const ahead = epsvAhead && !keep && this.#ahead.maySendNow();
    if ((lines.length < 2 && !ahead && !keep) || !this.pipelining) {
      for (const line of lines) replies.push(await this.sendCommand(line));
      return replies;
    }
    this.control.assertInStep();
    await this.control.sendMany(ahead ? [...lines, "EPSV"] : lines);
    // The EPSV sent after these commands is the one ahead now (none was
    // unread: `settle` read it, and `ahead` and `keep` exclude each other).
    if (ahead) this.#ahead.noteSent();
    // Its reply comes before these commands' replies.
    if (keep) this.#ahead.ready = await this.#ahead.take();
    for (const line of lines) replies.push(await this.readPipelined(line));
    return replies;
  }

  /**
   * Reads the final reply to `line`, sent together with others. A 421 is
   * the server closing the session: the commands sent after `line` will
   * get no reply, so the 421 is the error, naming `line` (or, for an EPSV
   * sent `ahead`, which the caller never asked for, the session closed).
   */
  readPipelined(line: string, ahead = false): Promise<FtpReply> {
    // Mostly there already (the EPSV's 229 that came with a transfer's 226,
    // a batch of MDTMs' replies): judged at once, with no async frame.
    const queued = this.control.takeQueued(NOT_ANY);
    if (queued === undefined) return this.#readPipelined(line, ahead);
    try {
      return Promise.resolve(this.pipelinedReply(line, queued, ahead));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #readPipelined(line: string, ahead: boolean): Promise<FtpReply> {
    let reply: FtpReply;
    try {
      reply = await this.readFinal(line);
    } catch (error) {
      if (error instanceof FtpTimeoutError) {
        this.stopPipelining();
        if (!error.message.endsWith(DROPPED_HINT)) error.message += DROPPED_HINT;
        markPipeliningFailure(error);
      }
      throw error;
    }
    return this.pipelinedReply(line, reply, ahead);
  }

  /** `reply` as the answer to `line`, sent together with others (see `readPipelined`). */
  pipelinedReply(line: string, reply: FtpReply, ahead: boolean): FtpReply {
    if (reply.code === 421) {
      throw this.control.close(
        ahead ? sessionClosed(reply) : replyError(reply, redactCommand(line)),
      );
    }
    if (!answers(line, reply)) {
      this.stopPipelining();
      throw this.control.close(outOfStep(line, reply));
    }
    return reply;
  }

  /** From now on, this server gets one command at a time (it misbehaved). */
  stopPipelining(): void {
    stopPipelining(this.serverKey);
  }

  /**
   * After a download's or a listing's data ended (its last byte read: the
   * server is done with the data connection), sends the next transfer's EPSV
   * before reading the transfer's final reply: EPSV depends on nothing the
   * final reply says, so the two replies share a round trip. Only in passive mode, with EPSV known to
   * work and pipelining on. The reply is read by the next passive transfer,
   * or dropped before any other command (the server then replaces the
   * listener it opened when the next transfer asks).
   */
  async sendEpsvAhead(): Promise<boolean> {
    const withTransfer = this.#ahead.sentWithTransfer();
    if (withTransfer !== undefined) return withTransfer;
    if (!this.#ahead.dueAtTransferEnd) return false;
    await this.control.send("EPSV");
    this.#ahead.noteSent();
    return true;
  }

  /** See `EpsvAhead.sentWithTransfer`. */
  epsvWithTransferAhead(): boolean | undefined {
    return this.#ahead.sentWithTransfer();
  }

  /**
   * After an upload's data went and its connection was closed by the client,
   * sends the next transfer's EPSV before the upload's final reply, where
   * the server's software is known to answer it after that reply (see
   * `mayEpsvDuringTransfer`): the upload's end and the next address then
   * share a round trip. Returns whether it was sent.
   */
  async sendEpsvAheadOfUpload(): Promise<boolean> {
    this.#ahead.withTransfer = false;
    if (!this.#ahead.mayEpsvDuringTransfer()) return false;
    return await this.sendEpsvAhead();
  }

  /** See `EpsvAhead.answered`. */
  epsvAheadAnswered(reply: FtpReply | undefined): void {
    this.#ahead.answered(reply);
  }

  /** Whether the last transfer's command went with the next EPSV, still unanswered. */
  get epsvWentWithTransfer(): boolean {
    return this.#ahead.wentWithTransfer;
  }

  /** See `EpsvAhead.dueAtTransferEnd`. */
  get epsvAheadDue(): boolean {
    return this.#ahead.dueAtTransferEnd;
  }

  /**
   * Reads replies until one is not 1xx (some servers send 1xx chatter). One
   * reply timeout covers them all, so endless chatter still times out.
   */
  readFinal(
    line?: string,
    deadline = this.control.deadline(),
    timeout?: () => FtpError,
    anyReply?: () => boolean,
  ): Promise<FtpReply> {
    const waitingFor = line === undefined ? "a reply" : { replyTo: line };
    // The connection's read passes over the 1xx replies itself (bounded by
    // the deadline): no frame here per reply. `anyReply`: a transfer stopped
    // early takes whatever comes (see Transfer.stopReading).
    return this.control.read(waitingFor, deadline, timeout, anyReply ?? NOT_ANY);
  }

  /** Sends a command that must succeed with a 2xx reply (ftplib voidcmd). */
  async voidCommand(line: string): Promise<FtpReply> {
    return this.#check(line, await this.sendCommand(line), isCompletion);
  }

  /** Sends a command and checks its reply with `accept`. */
  async expect(line: string, accept: (code: number) => boolean): Promise<FtpReply> {
    return this.#check(line, await this.sendCommand(line), (r) => accept(r.code));
  }

  #check(line: string, reply: FtpReply, ok: (reply: FtpReply) => boolean): FtpReply {
    if (!ok(reply)) throw replyError(reply, redactCommand(line));
    return reply;
  }

  /**
   * Opens a data connection and starts a transfer command on it (ftplib's
   * transfercmd): TYPE, EPSV/PASV or EPRT/PORT, REST, the command, its 1xx.
   * The steps live in `_open_transfer.ts`.
   */
  openTransfer(line: string, options: OpenTransferOptions): Promise<Transfer> {
    return openTransfer(this, line, options);
  }

  /**
   * The passive-mode address when it is here already, with no frame of
   * `passiveAddress`'s (see `EpsvAhead.readyAddress`); `undefined` when
   * `passiveAddress` must decide.
   */
  readyAddress(): DataAddress | undefined {
    return this.#ahead.readyAddress();
  }

  /** The passive-mode address: EPSV, or PASV once the server refused EPSV. */
  async passiveAddress(): Promise<DataAddress> {
    const peer = this.control.remoteAddr.hostname;
    if (!this.#ahead.refused) {
      let ahead = await this.#ahead.take();
      // Judged before its listener is forgotten (an expired one is stale).
      const verdict = ahead && this.#ahead.judge(ahead);
      this.#ahead.listener = undefined; // Used now, or replaced by the EPSV below.
      // EPSV worked on this session before: a refusal of the one sent ahead
      // says the server took it out of turn. Ask again, in turn.
      if (verdict === "outOfTurn") this.stopPipelining();
      // Refused, or its listener gone or maybe gone: ask for another.
      if (verdict !== "use") ahead = undefined;
      this.#ahead.gaveAddress = ahead !== undefined;
      const port = ahead ? epsvPort(ahead) : await this.epsv();
      if (port !== undefined) {
        this.#ahead.worked = true;
        return { host: peer, port };
      }
      this.#ahead.refused = true;
    }
    if (peer.includes(":")) {
      throw new FtpUnsupportedError(
        "The server refused EPSV, and PASV cannot work over IPv6; try active mode",
      );
    }
    const address = await this.pasv();
    return this.settings.trustPasvHost ? address : { host: peer, port: address.port };
  }

  /**
   * Whether the last passive address came from an EPSV sent ahead: its
   * listener may be gone (timed out by the server, its 421 not read yet),
   * so a refused connection to it asks for a new one.
   */
  get addressAhead(): boolean {
    return this.#ahead.gaveAddress;
  }

  /** Announces an active-mode address: EPRT, or PORT once the server refused EPRT. */
  async announce(address: DataAddress): Promise<void> {
    if (!this.#eprtRefused) {
      if (await this.eprt(address)) return;
      this.#eprtRefused = true;
    }
    await this.port(address);
  }

  /** Whether a download's or a listing's command may go with the next EPSV (see `EpsvAhead`). */
  mayEpsvWithRead(): boolean {
    return this.#ahead.mayEpsvWithRead();
  }

  /**
   * Sends a transfer command and reads its 1xx (one frame: one per small
   * file); `withEpsv` sends the next transfer's EPSV with it (see
   * `mayEpsvWithRead`).
   */
  async startTransfer(line: string, withEpsv = false): Promise<FtpReply> {
    if (this.#ahead.sent || this.#ahead.ready !== undefined) await this.#ahead.take();
    this.#ahead.withTransfer = withEpsv;
    if (withEpsv) {
      await this.control.sendMany([line, "EPSV"]);
      this.#ahead.noteSent();
    } else {
      await this.control.send(line);
    }
    return this.#ahead.judgeOpening(line, await this.control.read({ replyTo: line }));
  }

  /** Sends a transfer command (its data connection is set up already). */
  async sendTransfer(line: string): Promise<void> {
    await this.#ahead.settle();
    this.#ahead.withTransfer = false;
    await this.control.send(line);
  }

  /** Reads the 1xx that starts the transfer `line`; any other reply is thrown. */
  async readOpening(line: string): Promise<FtpReply> {
    return this.#ahead.judgeOpening(line, await this.control.read({ replyTo: line }));
  }

  // ---- One method per command ---------------------------------------------

  /**
   * Reads the greeting by `deadline` (120 "ready in nnn minutes" chatter
   * included); `timeout` makes the error when it passes.
   */
  async readGreeting(deadline: number, timeout: () => FtpError): Promise<FtpReply> {
    // 120 means "ready in nnn minutes": wait on for the 220.
    const reply = await this.readFinal(undefined, deadline, timeout);
    if (reply.code !== 220) throw replyError(reply);
    this.greeting = reply;
    return reply;
  }

  /**
   * USER, then PASS and ACCT as the server asks (230/331/332), and the
   * session's set-up: FEAT, TYPE I, `OPTS UTF8 ON`, and with TLS `PBSZ 0`
   * and PROT at `protection`. The set-up depends on no reply of the
   * login's, so it goes with the login's last command (PASS, usually): all
   * in two round trips. Where that command is not the last (the server asks
   * for ACCT) or fails, the set-up's replies are read and left, so the
   * session stays in step. `OPTS MLST`, which depends on FEAT's reply,
   * follows only where the server's default facts leave out one ferry reads.
   */
  async login(
    user: string,
    password: string,
    account?: string,
    protection?: "P" | "C",
  ): Promise<FtpReply> {
    this.control.hide(password);
    if (account !== undefined) this.control.hide(account);
    this.#type = undefined;
    const setup = this.#setupCommands(protection);
    let line = formatCommand("USER", user);
    let reply = await this.sendCommand(line);
    let setupReplies: FtpReply[] | undefined;
    const withSetup = async (first?: string) => {
      const replies = first === undefined
        ? await this.pipeline(setup)
        : await loginFlight(this, first, setup);
      if (first !== undefined) reply = replies.shift()!;
      setupReplies = replies;
    };
    if (reply.code === 230 || reply.code === 202) {
      await withSetup();
    } else if (reply.code === 331) {
      line = formatCommand("PASS", password);
      await withSetup(line);
    }
    if (reply.code === 332) {
      // FtpUnexpectedReplyError's hint for 332 says to pass `account`.
      if (account === undefined) throw new FtpUnexpectedReplyError(reply, redactCommand(line));
      line = formatCommand("ACCT", account);
      await withSetup(line); // The set-up again: it was answered before the login was whole.
    }
    // 202: "superfluous" PASS or ACCT, accepted as logged in.
    if (reply.code !== 230 && reply.code !== 202) throw replyError(reply, redactCommand(line));
    await this.#takeSetup(setup, setupReplies ?? await this.pipeline(setup));
    return reply;
  }

  /**
   * The set-up sent with the login. `OPTS UTF8 ON` goes before FEAT's
   * reply is known where names are UTF-8 anyway (a server without it
   * refuses, which is harmless); with another encoding, only where FEAT
   * offers UTF8 (see #takeSetup).
   */
  #setupCommands(protection?: "P" | "C"): string[] {
    const lines = ["FEAT", formatCommand("TYPE", TYPE_CODE.binary)];
    if (this.settings.encoding === "utf-8") lines.push(OPTS_UTF8);
    // Where the session starts, for the probes that must come back to it.
    lines.push("PWD");
    if (protection) lines.push("PBSZ 0", formatCommand("PROT", protection));
    return lines;
  }

  /** Takes the set-up's replies; PBSZ's and PROT's failures are errors. */
  async #takeSetup(lines: readonly string[], replies: readonly FtpReply[]): Promise<void> {
    for (const [i, line] of lines.entries()) {
      const reply = replies[i];
      if (line === "FEAT") this.#takeFeatures(reply);
      else if (line.startsWith("TYPE")) this.#type = reply.code === 200 ? "binary" : undefined;
      else if (line === "PWD") this.#cwd = pathIn(reply);
      else if (line.startsWith("PBSZ")) this.#check(line, reply, isCompletion);
      else if (line.startsWith("PROT")) {
        this.#check(line, reply, isCompletion);
        this.#dataProtected = line.endsWith(" P");
      }
    }
    // Failures are harmless: names stay as they are; the default facts still parse.
    if (!lines.includes(OPTS_UTF8) && this.features.has("UTF8")) await this.sendCommand(OPTS_UTF8);
    const facts = this.features.get("MLST");
    const argument = facts === undefined ? undefined : mlstOptsArgument(facts);
    if (argument !== undefined) await this.sendCommand(formatCommand("OPTS", `MLST ${argument}`));
  }

  /** FEAT, read once after login; a server without FEAT offers nothing. */
  async feat(): Promise<ReadonlyMap<string, string>> {
    return this.#takeFeatures(await this.sendCommand("FEAT"));
  }

  #takeFeatures(reply: FtpReply): ReadonlyMap<string, string> {
    this.features = isCompletion(reply) ? parseFeatures(reply) : new Map();
    return this.features;
  }

  /**
   * Forgets what raw commands may have changed behind the session's back: a
   * TYPE sent with `send()` makes the cached type wrong, and a REST sent
   * with `send()` would shift the next transfer.
   */
  forgetState(rawLine: string): void {
    this.#type = undefined;
    this.#cwd = undefined;
    if (/^REST\b/i.test(rawLine)) this.#restSentRaw = true;
  }

  /** Cancels a REST a raw command left pending, unless this transfer sets its own. */
  clearStrayRest(offset?: number): Promise<void> {
    // Asked before every transfer, and hardly ever needed: no frame then.
    if (!this.#restSentRaw) return SETTLED;
    this.#restSentRaw = false;
    return offset ? SETTLED : this.rest(0);
  }

  type(type: TransferType): Promise<void> {
    // Asked before every transfer, and mostly set already: no frame then.
    if (this.#type === type) return SETTLED;
    return this.#setType(type);
  }

  async #setType(type: TransferType): Promise<void> {
    await this.voidCommand(formatCommand("TYPE", TYPE_CODE[type]));
    this.#type = type;
  }

  async pwd(): Promise<string> {
    this.#cwd = pathFrom(await this.sendCommand("PWD"));
    return this.#cwd;
  }

  /** The current directory where it is known without a PWD (see #cwd). */
  get currentDirectory(): string | undefined {
    return this.#cwd;
  }

  /**
   * Whether `path` is a directory: CWD into it and back, the one portable
   * test. PWD and that CWD go together (one round trip), then the CWD back
   * with the next transfer's EPSV (a stat is mostly followed by a listing).
   */
  async isDirectory(path: string): Promise<boolean> {
    const into = formatCommand("CWD", path);
    if (this.#cwd !== undefined && this.pipelining) {
      return await this.#isDirectoryFrom(this.#cwd, into);
    }
    const [pwdReply, cwdReply] = await this.pipeline(["PWD", into]);
    let start: string;
    try {
      start = pathFrom(pwdReply);
    } catch (error) {
      // The CWD went through without PWD's answer: where to go back is unknown.
      if (isCompletion(cwdReply)) throw this.control.close(error as FtpError);
      throw error;
    }
    if (!isDirectoryAnswer(into, cwdReply)) return false;
    const back = formatCommand("CWD", start);
    this.#check(back, (await this.pipeline([back], true))[0], isCompletion);
    await this.#trackDirectory();
    return true;
  }

  /**
   * isDirectory where the current directory is known: the CWD back goes
   * with the CWD in (and the next transfer's EPSV), one round trip. Where
   * the CWD in fails, the CWD back leads where the session already is.
   */
  async #isDirectoryFrom(start: string, into: string): Promise<boolean> {
    const back = formatCommand("CWD", start);
    const [intoReply, backReply] = await this.pipeline([into, back], true);
    if (!isDirectoryAnswer(into, intoReply)) return false;
    this.assertBack(back, backReply);
    return true;
  }

  /**
   * After a directory probe went in (its CWD answered 2xx): the CWD `line`
   * back must have worked too, or where the session is now is unknown, so
   * it is closed.
   */
  assertBack(line: string, reply: FtpReply): void {
    if (!isCompletion(reply)) throw this.control.close(replyError(reply, redactCommand(line)));
  }

  async cwd(path: string): Promise<void> {
    this.#cwd = undefined;
    await this.voidCommand(formatCommand("CWD", path));
    if (path.startsWith("/")) this.#cwd = path;
    await this.#trackDirectory();
  }

  async cdup(): Promise<void> {
    this.#cwd = undefined;
    await this.voidCommand("CDUP");
    await this.#trackDirectory();
  }

  /** While a reconnect may still be needed (see knownDirectory), keep the directory known. */
  async #trackDirectory(): Promise<void> {
    if (this.knownDirectory !== undefined && this.settings.dataTls?.mayReconnect) {
      this.knownDirectory = this.#cwd ?? await this.pwd();
    }
  }

  /** MKD; returns the path the server reports, or the one asked for. */
  async mkd(path: string): Promise<string> {
    const reply = await this.voidCommand(formatCommand("MKD", path));
    return parsePathReply(reply.text) ?? path;
  }

  async rmd(path: string): Promise<void> {
    await this.voidCommand(formatCommand("RMD", path));
  }

  async dele(path: string): Promise<void> {
    await this.voidCommand(formatCommand("DELE", path));
  }

  async rename(from: string, to: string): Promise<void> {
    const toLine = formatCommand("RNTO", to); // Refuse a bad target before RNFR is sent.
    await this.expect(formatCommand("RNFR", from), (c) => c === 350);
    await this.voidCommand(toLine);
  }

  async size(path: string): Promise<number> {
    // SIZE in ASCII mode would count converted line ends, or be refused.
    await this.type("binary");
    const line = formatCommand("SIZE", path);
    return sizeFrom(line, await this.sendCommand(line));
  }

  async mdtm(path: string): Promise<Date> {
    const line = formatCommand("MDTM", path);
    return timeFrom(line, await this.sendCommand(line));
  }

  /**
   * SIZE and MDTM of one path in one round trip (pipelined): the size (its
   * refusal is thrown), and the time when MDTM gave one.
   */
  async sizeAndTime(path: string): Promise<{ size: number; modified?: Date }> {
    await this.type("binary");
    const lines = sizeAndTimeLines(path);
    // A stat is mostly followed by a transfer (a get of the file, a listing
    // of the directory): its EPSV goes now.
    const [sizeReply, timeReply] = await this.pipeline(lines, true);
    return sizeAndTimeFrom(lines, [sizeReply, timeReply]);
  }

  /**
   * MDTM for many paths, `MDTM_BATCH` to a round trip (pipelined), the
   * last batch with the next transfer's EPSV: each path's time, or the
   * error its reply makes (which names its command).
   */
  async mdtmAll(paths: readonly string[]): Promise<(Date | FtpError)[]> {
    const results: (Date | FtpError)[] = [];
    for (let i = 0; i < paths.length; i += MDTM_BATCH) {
      const lines = paths.slice(i, i + MDTM_BATCH).map((path) => formatCommand("MDTM", path));
      // Times are asked before transfers (a plan's downloads): the first
      // batch carries the next transfer's EPSV (or keeps one already sent
      // ahead), and the later batches keep it.
      const replies = await this.pipeline(lines, true);
      replies.forEach((reply, j) => {
        try {
          results.push(timeFrom(lines[j], reply));
        } catch (error) {
          results.push(error as FtpError);
        }
      });
    }
    return results;
  }

  /**
   * MFMT. With `epsvAhead` (an upload's time, set after its end), an EPSV
   * sent ahead is kept for the next transfer, or one goes with it (see
   * `pipeline`): the time costs no round trip of the next upload's.
   */
  async mfmt(path: string, date: Date, epsvAhead = false): Promise<void> {
    if (!this.features.has("MFMT")) {
      throw new FtpUnsupportedError(
        "The server does not offer MFMT (not in its FEAT reply), so modification times cannot be set",
      );
    }
    const line = formatCommand("MFMT", `${formatTimeVal(date)} ${path}`);
    const [reply] = await this.pipeline([line], epsvAhead);
    this.#check(line, reply, (r) => r.code === 213 || r.code === 253);
  }

  async site(argument: string): Promise<FtpReply> {
    return await this.voidCommand(formatCommand("SITE", argument));
  }

  async noop(): Promise<void> {
    await this.voidCommand("NOOP");
  }

  /**
   * MLST: one entry's facts over the control connection. With `epsvAhead`,
   * the next transfer's EPSV goes with it (see `pipeline`).
   */
  async mlst(path: string, epsvAhead = false): Promise<FtpReply> {
    const line = formatCommand("MLST", path);
    const [reply] = await this.pipeline([line], epsvAhead);
    return this.#check(line, reply, isCompletion);
  }

  /**
   * QUIT. With `waitMs`, the goodbye is awaited only that long: leaving
   * does not depend on it (see FtpClient.close).
   */
  async quit(waitMs?: number): Promise<FtpReply> {
    if (waitMs === undefined) return await this.voidCommand("QUIT");
    await this.#ahead.settle().catch(() => {}); // Leaving anyway.
    this.control.assertInStep();
    await this.control.send("QUIT");
    const said = "the reply to QUIT";
    const timeout = () =>
      new FtpTimeoutError("reply", waitMs, `waiting for ${said} (ferry leaves anyway)`);
    const reply = await this.readFinal("QUIT", performance.now() + waitMs, timeout);
    return this.#check("QUIT", reply, isCompletion);
  }

  async rest(offset: number): Promise<void> {
    await this.expect(formatCommand("REST", String(offset)), (c) => c === 350);
  }

  /**
   * ABOR, then PWD as a marker: every reply up to PWD's 257 belongs to the
   * abort, however many the server sends (426 then 226, or just 225).
   * Returns the first final reply, which ended the transfer command.
   *
   * The replies are awaited for the reply timeout, or, with `graceMs` (after
   * a timeout, when the server may well be gone), only that long: a server
   * that does not answer by then is taken as gone and the connection closed.
   */
  async abor(graceMs?: number): Promise<FtpReply | undefined> {
    // The reply to an EPSV sent ahead comes before PWD's: the drain reads it.
    let epsvAhead = this.#ahead.sent;
    this.#ahead.sent = false;
    this.#ahead.ready = undefined;
    await this.control.send("ABOR");
    await this.control.send("PWD");
    let transferReply: FtpReply | undefined;
    const waitingFor = "the replies to ABOR";
    const deadline = graceMs === undefined ? this.control.deadline() : performance.now() + graceMs;
    const timeout = graceMs === undefined ? undefined : () =>
      new FtpTimeoutError(
        "reply",
        graceMs,
        `waiting for ${waitingFor} after a timeout (the abort grace); closing the connection`,
      );
    // Bounded by the deadline, which covers the whole exchange.
    while (true) {
      const reply = await this.control.read(waitingFor, deadline, timeout);
      if (reply.code === 257) return transferReply;
      if (epsvAhead && reply.code === 229) epsvAhead = false;
      else if (!isPreliminary(reply)) transferReply ??= reply;
    }
  }

  /** EPSV: the port, or `undefined` when the server does not support it. */
  async epsv(): Promise<number | undefined> {
    return epsvPort(await this.sendCommand("EPSV"));
  }

  async pasv(): Promise<DataAddress> {
    return parsePasvReply((await this.expect("PASV", (c) => c === 227)).text);
  }

  /** EPRT: `false` when the server does not support it. */
  async eprt(address: DataAddress): Promise<boolean> {
    const line = formatCommand("EPRT", formatEprtArgument(address));
    const reply = await this.sendCommand(line);
    if (isCompletion(reply)) return true;
    if (isUnsupported(reply)) return false;
    throw replyError(reply, line);
  }

  async port(address: DataAddress): Promise<void> {
    await this.voidCommand(formatCommand("PORT", formatPortArgument(address)));
  }

  /**
   * AUTH TLS, then the TLS handshake on the control connection. A refusal
   * fails the connection: ferry never carries on in plain text when TLS
   * was asked for.
   */
  async authTls(): Promise<void> {
    const reply = await this.sendCommand("AUTH TLS");
    if (reply.code !== 234) {
      throw this.control.close(
        new FtpTlsError(
          "auth-refused",
          `The server refused AUTH TLS (${reply.code} ${reply.text}); ferry does not continue in plain text. ` +
            `Check that the server offers FTPS, or use implicit TLS (ftps://) if it expects TLS from the first byte`,
          { cause: replyError(reply, "AUTH TLS") },
        ),
      );
    }
    await this.control.secure(this.settings.transport);
  }

  /**
   * CCC (RFC 4217 section 6): after its 200, TLS comes off the control
   * connection, which goes on in plain text; data connections keep their
   * PROT level. A refusal (4xx/5xx) leaves the connection as it was.
   */
  async ccc(): Promise<void> {
    await this.voidCommand("CCC");
    await this.control.clear(this.settings.transport);
  }

  retr(path: string, options: OpenTransferOptions): Promise<Transfer> {
    return this.openTransfer(formatCommand("RETR", path), options);
  }

  stor(path: string, options: OpenTransferOptions): Promise<Transfer> {
    return this.openTransfer(formatCommand("STOR", path), options);
  }

  appe(path: string, options: OpenTransferOptions): Promise<Transfer> {
    return this.openTransfer(formatCommand("APPE", path), options);
  }

  // Listings stay in TYPE I: the line splitter takes CRLF or LF, and not
  // switching types saves a round trip per listing.
  mlsd(path: string | undefined, signal?: AbortSignal): Promise<Transfer> {
    return this.openTransfer(formatCommand("MLSD", path || undefined), { type: "binary", signal });
  }

  /**
   * LIST; with `all`, `LIST -a` (dot-files too, where the server hides
   * them). A path always follows `-a` (`.` for the current directory: some
   * servers list a file called "-a" for a bare `LIST -a`), and a relative
   * path that starts with `-` is sent as `./-x`, so that no server reads a
   * name as options or options as a name.
   */
  list(path: string | undefined, signal?: AbortSignal, all = false): Promise<Transfer> {
    const target = path?.startsWith("-") ? `./${path}` : path || undefined;
    const argument = all ? `-a ${target ?? "."}` : target;
    return this.openTransfer(formatCommand("LIST", argument), { type: "binary", signal });
  }

  nlst(path: string | undefined, signal?: AbortSignal): Promise<Transfer> {
    return this.openTransfer(formatCommand("NLST", path || undefined), { type: "binary", signal });
  }

  /** Whether the server's FEAT offered MLST (and so MLSD). */
  get hasMlst(): boolean {
    return this.features.has("MLST");
  }
}

export type { DataConnection };
