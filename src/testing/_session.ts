/**
 * One control connection: the reader that runs alongside transfers (so ABOR
 * can interrupt them), the queue that keeps every other command in order,
 * login state, dispatch, and the transfer frame shared by RETR, STOR, APPE
 * and the listings.
 *
 * @module
 */

import { applyCommandFault, type FaultTarget } from "./_command_fault.ts";
import { loginCommands } from "./_commands_login.ts";
import { controlCommands } from "./_commands_control.ts";
import { dataCommands } from "./_commands_data.ts";
import { fileCommands } from "./_commands_files.ts";
import { listingCommands } from "./_commands_listing.ts";
import { transferCommands } from "./_commands_transfer.ts";
import { CommandQueue } from "./_command_queue.ts";
import {
  type ControlInput,
  formatReply,
  LineSplitter,
  MAX_LINE_BYTES,
  ReplyWriter,
  SessionEnded,
} from "./_control_channel.ts";
import type { DataSetup } from "./_data_channel.ts";
import { closeQuietly } from "../transport/_io.ts";
import { MLST_FACTS } from "./_listing_format.ts";
import type { DataPipe, PumpOutcome } from "./_transfer_pump.ts";
import { fsFailure, type VirtualFs } from "./_virtual_fs.ts";
import type { FtpFaults } from "./faults.ts";
import type { FtpTestUser, ListFormat } from "./ftp_test_server.ts";
import { redactCommand } from "../protocol/command.ts";

/** What sessions share with their server. */
export interface ServerContext {
  readonly fs: VirtualFs;
  readonly users: ReadonlyMap<string, FtpTestUser>;
  readonly anonymous: boolean;
  readonly greeting: string;
  /** Upper-case verbs (and `UTF8`, `TVFS`) that are switched off. */
  readonly disabled: ReadonlySet<string>;
  readonly listFormat: ListFormat;
  readonly idleTimeoutMs: number;
  readonly dataTimeoutMs: number;
  /** The faults in force right now. */
  faults(): FtpFaults;
  /** Adds a received (redacted) command line to the server's log. */
  record(line: string): void;
}

/** How one command is run. */
export interface CommandSpec {
  /** Handles the command. File system errors it throws become 4xx/5xx replies. */
  run(session: Session, argument: string): Promise<void>;
  /** Allowed before login. */
  beforeLogin?: boolean;
  /** Uses the data connection: consumes the pending PASV/PORT and REST. */
  transfer?: boolean;
}

/** Command handlers by upper-case verb. */
export type CommandTable = Readonly<Record<string, CommandSpec>>;

const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(Object.entries({
  ...loginCommands,
  ...controlCommands,
  ...dataCommands,
  ...fileCommands,
  ...listingCommands,
  ...transferCommands,
}));

/** Commands waiting behind a transfer, before the reader pauses. */
const QUEUE_CAPACITY = 64;
const TRANSFER_BUFFER_BYTES = 1024 * 1024;

type QueueItem = ControlInput | { kind: "idle" };

/** Splits a command line into its upper-case verb and exact argument. */
export function splitCommand(line: string): { verb: string; argument: string } {
  const space = line.indexOf(" ");
  if (space === -1) return { verb: line.toUpperCase(), argument: "" };
  return { verb: line.slice(0, space).toUpperCase(), argument: line.slice(space + 1) };
}

/** One control connection and its state. */
export class Session {
  /** Numbered from 1 per server. */
  readonly id: number;
  readonly server: ServerContext;
  readonly conn: Deno.Conn;

  /** The virtual current directory. */
  cwd = "/";
  /** TYPE: ASCII (RFC 959's default) or image. */
  type: "A" | "I" = "A";
  user: string | undefined;
  loggedIn = false;
  /** The account ACCT must name to finish the login, while one is due. */
  expectedAccount: string | undefined;
  /** The real path RNFR named; cleared by any command but RNTO. */
  renameFrom: string | undefined;
  restOffset = 0;
  readonly mlstFacts: Set<string> = new Set(MLST_FACTS);
  /** After `EPSV ALL`, only EPSV may set up data connections. */
  epsvAll = false;

  readonly #closer = new AbortController();
  readonly #queue = new CommandQueue<QueueItem>(QUEUE_CAPACITY);
  readonly #writer: ReplyWriter;
  readonly #faultTarget: FaultTarget = {
    signal: this.signal,
    send: (text) => this.#writer.send(text),
    close: () => this.close(),
  };
  readonly #releases = new Set<Promise<void>>();
  #dataSetup: DataSetup | undefined;
  #transfer: AbortController | undefined;
  #transferAbortedByAbor = false;
  #quitting = false;
  #readerDone = false;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #buffer: Uint8Array | undefined;

  /**
   * @param id The session number.
   * @param server The shared server state.
   * @param conn The accepted control connection.
   */
  constructor(id: number, server: ServerContext, conn: Deno.Conn) {
    this.id = id;
    this.server = server;
    this.conn = conn;
    this.#writer = new ReplyWriter(conn, () => server.faults(), this.signal, () => this.close());
  }

  /** Aborts when the session ends. */
  get signal(): AbortSignal {
    return this.#closer.signal;
  }

  /** The control connection's peer address. */
  get peerHost(): string {
    return (this.conn.remoteAddr as Deno.NetAddr).hostname;
  }

  /** The control connection's local address. */
  get localHost(): string {
    return (this.conn.localAddr as Deno.NetAddr).hostname;
  }

  /** The pending data setup, described for STAT. */
  get dataDescription(): string {
    return this.#dataSetup?.description ?? "none";
  }

  /** Every verb this server answers, disabled ones left out. */
  knownVerbs(): string[] {
    return [...COMMANDS.keys()].filter((v) => !this.server.disabled.has(v)).sort();
  }

  /** Runs the session to its end. Never rejects. */
  async run(): Promise<void> {
    const reading = this.#readLoop();
    this.#armIdleTimer();
    try {
      await this.#writer.send(formatReply(220, this.server.greeting));
      while (!this.#quitting) {
        const item = await this.#queue.take();
        if (!item) break;
        await this.#execute(item);
      }
    } catch {
      // SessionEnded, or a write to a vanished peer: the session is over.
    } finally {
      this.close();
      await reading;
      await Promise.all([...this.#releases]);
    }
  }

  /** Ends the session at once; idempotent. */
  close(): void {
    if (this.signal.aborted) return;
    this.#closer.abort();
    clearTimeout(this.#idleTimer);
    this.#transfer?.abort();
    this.#queue.clear();
    this.#queue.end();
    this.setDataSetup(undefined);
    closeQuietly(this.conn);
  }

  /** Sends a reply (several lines for a multi-line one). */
  async reply(code: number, text: string | readonly string[]): Promise<void> {
    await this.#writer.send(formatReply(code, text));
  }

  /** Ends the session after the current command. */
  quit(): void {
    this.#quitting = true;
  }

  /** Replaces the pending data setup (PASV, EPSV, PORT, EPRT), releasing the old one. */
  setDataSetup(setup: DataSetup | undefined): void {
    const old = this.#dataSetup;
    this.#dataSetup = setup;
    if (old) this.#release(old);
  }

  #release(setup: DataSetup): void {
    const released = setup.close().catch(() => {});
    this.#releases.add(released);
    released.finally(() => this.#releases.delete(released));
  }

  /** Whether the last transfer was ended by ABOR (and forgets it). */
  takeTransferAbortedByAbor(): boolean {
    const aborted = this.#transferAbortedByAbor;
    this.#transferAbortedByAbor = false;
    return aborted;
  }

  /**
   * The frame of every transfer: 150, open the data connection, move the
   * bytes, close it, then 226, or 425 (no connection), 426 (broken or
   * aborted) or 451 (local error). The data-side faults are read here,
   * once per transfer.
   */
  async transfer(opening: string, move: (pipe: DataPipe) => Promise<PumpOutcome>): Promise<void> {
    const setup = this.#dataSetup;
    this.#dataSetup = undefined;
    if (!setup) return await this.reply(425, "Use PORT, PASV, EPRT or EPSV first");
    try {
      if (this.#readerDone) return await this.reply(426, "Control connection closed");
      await this.#transferOver(setup, opening, move);
    } finally {
      this.#release(setup);
    }
  }

  async #transferOver(
    setup: DataSetup,
    opening: string,
    move: (pipe: DataPipe) => Promise<PumpOutcome>,
  ): Promise<void> {
    const controller = new AbortController();
    this.#transfer = controller;
    this.#transferAbortedByAbor = false;
    let conn: Deno.Conn | undefined;
    try {
      await this.reply(150, opening);
      conn = await setup.open(controller.signal, this.server.dataTimeoutMs);
      if (!conn) {
        if (controller.signal.aborted) return await this.reply(426, "Transfer aborted");
        return await this.reply(425, "Cannot open data connection");
      }
      if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
      const faults = this.server.faults();
      this.#buffer ??= new Uint8Array(TRANSFER_BUFFER_BYTES);
      let outcome: PumpOutcome;
      try {
        outcome = await move({
          conn,
          signal: controller.signal,
          buffer: this.#buffer,
          dropAfterBytes: faults.dataDropAfterBytes,
          stallAfterBytes: faults.dataStallAfterBytes,
          idleTimeoutMs: this.server.dataTimeoutMs,
        });
      } catch (error) {
        closeQuietly(conn);
        const failure = fsFailure(error);
        return await this.reply(451, `Local error: ${failure?.text ?? String(error)}`);
      }
      closeQuietly(conn);
      await this.reply(...OUTCOME_REPLIES[outcome]);
    } finally {
      closeQuietly(conn);
      this.#transfer = undefined;
    }
  }

  async #readLoop(): Promise<void> {
    const splitter = new LineSplitter();
    const chunk = new Uint8Array(8192);
    try {
      while (!this.signal.aborted) {
        const n = await this.conn.read(chunk);
        if (n === null) break;
        for (const input of splitter.push(chunk.subarray(0, n))) this.#received(input);
        await this.#queue.waitForRoom();
      }
    } catch {
      // Reset by the peer, or closed by close().
    } finally {
      this.#readerDone = true;
      // Nobody is left to report a transfer's result to.
      this.#transfer?.abort();
      this.#queue.end();
    }
  }

  #received(input: ControlInput): void {
    this.#armIdleTimer();
    if (input.kind === "too-long") {
      this.server.record(`<command line over ${MAX_LINE_BYTES} bytes>`);
    } else {
      this.server.record(redactCommand(input.text));
      // ABOR acts at once on a running transfer; its reply waits its turn.
      if (this.#transfer && splitCommand(input.text).verb === "ABOR") {
        this.#transferAbortedByAbor = true;
        this.#transfer.abort();
      }
    }
    this.#queue.push(input);
  }

  #armIdleTimer(): void {
    clearTimeout(this.#idleTimer);
    if (this.signal.aborted) return;
    this.#idleTimer = setTimeout(() => {
      // A long transfer is not idleness; look again later.
      if (this.#transfer) this.#armIdleTimer();
      else this.#queue.push({ kind: "idle" });
    }, this.server.idleTimeoutMs);
  }

  async #execute(item: QueueItem): Promise<void> {
    if (item.kind === "too-long") {
      return await this.reply(500, `Command line too long (limit ${MAX_LINE_BYTES} bytes)`);
    }
    if (item.kind === "idle") {
      this.quit();
      return await this.reply(421, "Idle timeout; closing the control connection");
    }
    const { verb, argument } = splitCommand(item.text);
    const command = { verb, argument, session: this.id };
    if (await applyCommandFault(this.server.faults(), command, this.#faultTarget)) return;
    if (verb !== "RNTO") this.renameFrom = undefined;
    const spec = COMMANDS.get(verb);
    if (this.server.disabled.has(verb)) {
      return await this.reply(502, `${verb} is not implemented on this server`);
    }
    if (!spec) return await this.reply(500, `Unknown command ${JSON.stringify(verb)}`);
    if (!spec.beforeLogin && !this.loggedIn) {
      return await this.reply(530, "Please log in with USER and PASS first");
    }
    try {
      await spec.run(this, argument);
    } catch (error) {
      if (error instanceof SessionEnded) throw error;
      const failure = fsFailure(error);
      if (failure) await this.reply(failure.code, failure.text);
      else await this.reply(451, `Local error: ${String(error)}`);
    } finally {
      if (spec.transfer) {
        this.restOffset = 0;
        this.setDataSetup(undefined);
      }
    }
  }
}

const OUTCOME_REPLIES: Record<PumpOutcome, [number, string]> = {
  "complete": [226, "Transfer complete"],
  "aborted": [426, "Transfer aborted"],
  "dropped": [426, "Connection closed; transfer aborted."],
  "peer-closed": [426, "Connection closed; transfer aborted."],
  "timed-out": [426, "Data connection timed out; transfer aborted."],
};
