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
import { hashCommands } from "./_commands_hash.ts";
import { listingCommands } from "./_commands_listing.ts";
import { transferCommands } from "./_commands_transfer.ts";
import { securityCommands } from "./_commands_security.ts";
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
import { closeQuietly } from "../transport/close_quietly.ts";
import { MLST_FACTS } from "./_listing_format.ts";
import type { DataPipe, PumpOutcome } from "./_transfer_pump.ts";
import { transferOver } from "./_transfer_frame.ts";
import { fsFailure } from "./_virtual_fs.ts";
import { redactCommand } from "../protocol/command.ts";
import type { CommandSpec, ServerContext } from "./_server_context.ts";
import type { SecureConn, TlsStream } from "./_tls_terminator.ts";

export type { CommandSpec, CommandTable, ServerContext } from "./_server_context.ts";

const COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(Object.entries({
  ...loginCommands,
  ...controlCommands,
  ...dataCommands,
  ...fileCommands,
  ...hashCommands,
  ...listingCommands,
  ...transferCommands,
  ...securityCommands,
}));

/** The commands of RFC 4217, offered only by a server with a certificate. */
const TLS_VERBS: ReadonlySet<string> = new Set(Object.keys(securityCommands));

/** Commands waiting behind a transfer, before the reader pauses. */
const QUEUE_CAPACITY = 64;
const TRANSFER_BUFFER_BYTES = 1024 * 1024;

type QueueItem = ControlInput | { kind: "idle" };

/**
 * The lines after which the reader stops until the command is answered:
 * AUTH and CCC change what the connection carries (TLS starts or ends).
 */
function isSecurityLine(input: ControlInput): boolean {
  if (input.kind !== "line") return false;
  const { verb } = splitCommand(input.text);
  return verb === "AUTH" || verb === "CCC";
}

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
  /** The control connection's peer address. */
  readonly peerHost: string;
  /** The control connection's local address. */
  readonly localHost: string;

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
  /** PBSZ was accepted since TLS started (PROT needs it first). */
  pbszDone = false;
  /** PROT P: data connections use TLS too. */
  protectData = false;

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
  /** The accepted TCP connection. */
  readonly #raw: Deno.Conn;
  /** Where commands are read and replies written: `#raw`, or TLS over it. */
  #control: Pick<TlsStream, "read" | "write">;
  #secureControl: SecureConn<TlsStream> | undefined;
  /** Bytes read after an AUTH line, held until AUTH is answered. */
  #held: Uint8Array | undefined;
  /** Resolved once the AUTH command the reader stopped at has been handled. */
  #authHandled: PromiseWithResolvers<void> | undefined;

  /**
   * @param id The session number.
   * @param server The shared server state.
   * @param conn The accepted control connection.
   */
  constructor(id: number, server: ServerContext, conn: Deno.Conn) {
    this.id = id;
    this.server = server;
    this.#raw = conn;
    this.#control = conn;
    this.peerHost = (conn.remoteAddr as Deno.NetAddr).hostname;
    this.localHost = (conn.localAddr as Deno.NetAddr).hostname;
    this.#writer = new ReplyWriter(conn, () => server.faults(), this.signal, () => this.close());
    this.recordConnection("control", conn);
  }

  /** Lists a connection of this session in the server's connections. */
  recordConnection(kind: "control" | "data", conn: Deno.Conn, mode?: "passive" | "active"): void {
    const end = (addr: Deno.Addr) => {
      const { hostname, port } = addr as Deno.NetAddr;
      return { hostname, port };
    };
    this.server.recordConnection({
      session: this.id,
      kind,
      ...(mode ? { mode } : {}),
      client: end(conn.remoteAddr),
      server: end(conn.localAddr),
    });
  }

  /** Aborts when the session ends. */
  get signal(): AbortSignal {
    return this.#closer.signal;
  }

  /** Whether the control connection is protected by TLS. */
  get tlsActive(): boolean {
    return this.#secureControl !== undefined;
  }

  /** The pending data setup, described for STAT. */
  get dataDescription(): string {
    return this.#dataSetup?.description ?? "none";
  }

  /** Every verb this server answers, disabled ones left out. */
  knownVerbs(): string[] {
    return [...COMMANDS.keys()].filter((v) =>
      !this.server.disabled.has(v) && (this.server.tls !== undefined || !TLS_VERBS.has(v))
    ).sort();
  }

  /** Runs the session to its end. Never rejects. */
  async run(): Promise<void> {
    let reading: Promise<void> | undefined;
    this.#armIdleTimer();
    try {
      if (this.server.implicitTls) await this.startTls();
      reading = this.#readLoop();
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
      // Bounded: releases are, and closing TLS ends when bytes stop moving.
      while (this.#releases.size > 0) await Promise.all([...this.#releases]);
    }
  }

  /**
   * Makes the control connection TLS (after `234` to AUTH TLS, or at once
   * for implicit FTPS) and completes the handshake. The PROT state and the
   * login start afresh.
   *
   * @throws {SessionEnded} If the handshake fails: the session is over.
   */
  async startTls(): Promise<void> {
    const first = this.#held;
    this.#held = undefined;
    const secured = this.signal.aborted
      ? undefined
      : await this.server.controlTls?.secure(this.#raw, { first });
    if (!secured) {
      this.close();
      throw new SessionEnded();
    }
    this.#secureControl = secured;
    this.#control = secured.conn;
    this.#writer.switchTo(secured.conn);
    if (this.signal.aborted) {
      this.track(secured.close(false, 1));
      throw new SessionEnded();
    }
    if (!await secured.handshake(this.server.dataTimeoutMs, this.signal)) {
      this.close();
      throw new SessionEnded();
    }
    this.pbszDone = false;
    this.protectData = false;
  }

  /**
   * Takes TLS off the control connection after `200` to CCC (RFC 4217
   * section 6): close_notify both ways, then plain text on the same TCP
   * connection. Data connections keep their PROT level.
   *
   * @throws {SessionEnded} If TLS does not end cleanly: the session is over.
   */
  async clearTls(): Promise<void> {
    const secured = this.#secureControl;
    if (!secured) return;
    const plain = await secured.unwrap(this.server.dataTimeoutMs, this.signal);
    if (!plain) {
      this.close();
      throw new SessionEnded();
    }
    this.#secureControl = undefined;
    this.#control = { read: (buffer) => plain.read(buffer), write: (b) => this.#raw.write(b) };
    this.#writer.switchTo(this.#raw);
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
    if (this.#secureControl) {
      // close_notify, then let the last replies reach the client.
      this.track(this.#secureControl.close(true, this.server.dataTimeoutMs));
    } else {
      closeQuietly(this.#raw);
    }
    this.#authHandled?.resolve();
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
    this.track(setup.close());
  }

  /** Keeps a cleanup running past its caller; run() waits for it at the end. */
  track(work: Promise<void>): void {
    const settled = work.catch(() => {});
    this.#releases.add(settled);
    settled.finally(() => this.#releases.delete(settled));
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
   * once per transfer. `upload` marks STOR and APPE (see `_transfer_frame.ts`).
   */
  async transfer(
    opening: string,
    move: (pipe: DataPipe) => Promise<PumpOutcome>,
    upload = false,
  ): Promise<void> {
    const setup = this.#dataSetup;
    this.#dataSetup = undefined;
    if (!setup) return await this.reply(425, "Use PORT, PASV, EPRT or EPSV first");
    if (this.server.requireTls && !this.protectData) {
      this.#release(setup);
      return await this.reply(521, "Data connections must be protected: send PBSZ 0 and PROT P");
    }
    const controller = new AbortController();
    this.#transfer = controller;
    this.#transferAbortedByAbor = false;
    try {
      if (this.#readerDone) return await this.reply(426, "Control connection closed");
      this.#buffer ??= new Uint8Array(TRANSFER_BUFFER_BYTES);
      await transferOver(this, setup, {
        opening,
        upload,
        move,
        signal: controller.signal,
        buffer: this.#buffer,
      });
    } finally {
      this.#transfer = undefined;
      this.#release(setup);
    }
  }

  async #readLoop(): Promise<void> {
    let splitter = new LineSplitter();
    const chunk = new Uint8Array(8192);
    try {
      while (!this.signal.aborted) {
        const conn = this.#control;
        const n = await conn.read(chunk);
        if (n === null) break;
        let bytes: Uint8Array | undefined = chunk.subarray(0, n);
        // Each round either consumes everything or stops at an AUTH line.
        while (bytes !== undefined && bytes.length > 0 && !this.signal.aborted) {
          const { inputs, rest } = splitter.pushUntil(bytes, isSecurityLine);
          for (const input of inputs) this.#received(input);
          if (rest === undefined) break;
          // What follows AUTH TLS is the TLS handshake: read nothing more from
          // this connection until AUTH has been answered.
          this.#held = rest.slice();
          this.#authHandled = Promise.withResolvers<void>();
          await this.#authHandled.promise;
          this.#authHandled = undefined;
          bytes = this.#held; // still here unless TLS took it
          this.#held = undefined;
          if (this.#control !== conn) splitter = new LineSplitter();
        }
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
    try {
      await this.#dispatch(verb, argument);
    } finally {
      // The reader waits after every AUTH and CCC line, however it was answered.
      if (verb === "AUTH" || verb === "CCC") this.#authHandled?.resolve();
    }
  }

  async #dispatch(verb: string, argument: string): Promise<void> {
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
