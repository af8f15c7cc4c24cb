// The client's connection to its server: the session its calls run on, the
// state it reports, and the data-channel TLS policy (FTPS). It opens and
// logs in, replaces the session when a login or the TLS policy needs a new
// one (same user, same directory), and leaves. FtpClient queues the calls;
// this is what connecting, reconnecting and closing mean.

import { FtpConnectionError, FtpInputError } from "../errors.ts";
import type { FtpReply } from "../protocol/reply.ts";
import { startTimer, type Timer } from "../std/timer.ts";
import {
  type ConnectPlan,
  connectPlan,
  type Credentials,
  loginSession,
  openSession,
} from "./_connect.ts";
import type { JobContext } from "./_command_queue.ts";
import { graceMs } from "./_grace.ts";
import { probeDataTls } from "./_open_transfer.ts";
import { abortReason } from "./_transfer.ts";
import { isPipeliningFailure } from "./_pipelining.ts";
import type { Session } from "./_session.ts";
import { DataTlsPolicy } from "./_tls_policy.ts";
import type { BatchTls } from "./_download_batch.ts";
import {
  type FtpClientEventMap,
  type FtpCommandKind,
  FtpInfoEvent,
  FtpReplyEvent,
  type FtpState,
  FtpStateChangedEvent,
  FtpWarningEvent,
} from "./events.ts";
import type { FtpClientOptions, TransferMode } from "./options.ts";

/** Commands that open data connections. */
const DATA_COMMANDS = new Set<FtpCommandKind>(["download", "upload", "list", "nlst", "rmdir"]);

/** Where a connection's events go (the client, an EventTarget). */
export interface ConnectionEvents {
  /** Dispatches an event to its listeners. */
  dispatch(event: Event): void;
  /** Dispatches the event `make` makes, if anyone ever listened to `type`. */
  emit(type: keyof FtpClientEventMap, make: () => Event): void;
  /** The id of the running call (0 when none), for reply events. */
  currentId(): number;
}

/** A client's session, state and TLS policy, and how they are opened and replaced. */
export class Connection {
  /** The session the calls run on, while connected. */
  session?: Session;
  /** Passive or active data connections, for the sessions opened from now. */
  transferMode: TransferMode;
  /** The credentials of the login that succeeded, for reconnects. */
  credentials?: Credentials;
  /** Where and how to connect and log in, from the client's options. */
  readonly plan: ConnectPlan;
  /** Which TLS engine the sessions use, and what is known of the server (FTPS only). */
  readonly policy?: DataTlsPolicy;
  readonly #options: FtpClientOptions;
  readonly #events: ConnectionEvents;
  /** Calls' work that meets the data-channel TLS policy transfer by transfer (see `batchTls`). */
  readonly #selfPoliced = new WeakSet<(ctx: JobContext) => Promise<unknown>>();
  #state: FtpState = "unconnected";

  constructor(options: FtpClientOptions, encoding: string, events: ConnectionEvents) {
    this.#options = options;
    this.#events = events;
    this.plan = connectPlan(options, encoding);
    if (this.plan.tls) {
      this.policy = new DataTlsPolicy(
        this.plan,
        (message) => events.dispatch(new FtpInfoEvent(message)),
      );
    }
    this.transferMode = options.transferMode ?? "passive";
  }

  /** The connection state, as QFtp's `state()`. */
  get state(): FtpState {
    return this.#state;
  }

  /** Opens a session (greeting, AUTH TLS for explicit FTPS), not yet logged in. */
  async open(ctx: JobContext): Promise<void> {
    if (this.session && !this.session.control.closed) {
      throw new FtpInputError("Already connected; close() before connecting again");
    }
    if (!/^[\d.]+$|:/.test(this.plan.host)) this.setState("hostLookup");
    this.setState("connecting");
    if (this.plan.tls && !this.plan.tls.verify) {
      this.#warn(
        "TLS certificate verification is off (tls.verify: false): any certificate is accepted",
      );
    }
    const hooks = {
      transferMode: this.transferMode,
      signal: ctx.signal,
      onReply: (reply: FtpReply) =>
        this.#events.emit("reply", () => new FtpReplyEvent(reply, this.#events.currentId())),
    };
    try {
      // Another connection of the process may be finding out which TLS engine the server needs.
      await this.policy?.beforeConnect(this.#options.connectTimeout ?? 15_000, ctx.signal);
      try {
        this.session = await openSession(this.plan, this.policy, hooks);
      } catch (error) {
        // A server that refuses the TLS 1.2 Node's TLS offers gets 1.3 (once).
        if (!this.policy?.retryConnect(error)) throw error;
        this.session = await openSession(this.plan, this.policy, hooks);
      }
    } catch (error) {
      this.policy?.failed();
      this.setState("unconnected");
      throw error;
    }
    this.setState("connected");
  }

  /**
   * After a login on Deno's TLS, when nobody in the process knows yet
   * whether the server requires TLS session reuse: a listing finds out, and
   * if it does, the client logs in again on Node's TLS. So connect() ends
   * on the TLS engine that works, and its first transfer is not refused.
   */
  async settleDataTls(ctx: JobContext, session: Session): Promise<void> {
    const policy = this.policy;
    if (!policy) return;
    await policy.afterLogin(session.dataProtected, () => probeDataTls(session, ctx.signal));
    if (policy.switchNeeded) await this.#useResumingEngine(ctx);
  }

  /**
   * A call's work, run under the data-channel TLS policy (see `#dataCommand`)
   * when it opens data connections and the connection is FTPS.
   */
  underTlsPolicy<T>(
    kind: FtpCommandKind,
    run: (ctx: JobContext) => Promise<T>,
  ): (ctx: JobContext) => Promise<T> {
    // Commands with data connections go through the data-channel TLS policy.
    return DATA_COMMANDS.has(kind) && this.policy && !this.#selfPoliced.has(run)
      ? (ctx: JobContext) => this.#dataCommand(ctx, () => run(ctx))
      : run;
  }

  /**
   * Runs a command that opens data connections under the data-channel TLS
   * policy. When the server turns out to require TLS session reuse (or is
   * known to), and Deno's TLS is in use, the client moves to Node's TLS
   * first: reconnects (same user, same directory) and runs the work, once.
   * Refusals of a data connection's TLS reach the caller named as such.
   */
  async #dataCommand<T>(ctx: JobContext, work: () => Promise<T>): Promise<T> {
    const policy = this.policy!;
    // Known from another connection of the process: no refused transfer needed here.
    if (policy.switchNeeded && this.session) await this.#useResumingEngine(ctx);
    policy.startCommand();
    try {
      const result = await work();
      policy.succeeded();
      return result;
    } catch (error) {
      const failure = policy.classify(error);
      if (!policy.switchNeeded || !this.session) throw failure;
      await this.#useResumingEngine(ctx);
      policy.startCommand();
      const result = await work();
      policy.succeeded();
      return result;
    }
  }

  /**
   * Marks a call's work that meets the data-channel TLS policy itself, one
   * transfer at a time (`batchTls`): `underTlsPolicy` leaves it as it is,
   * so that a move to Node's TLS, and its failure, is the batch's to report.
   */
  selfPoliced<T>(run: (ctx: JobContext) => Promise<T>): (ctx: JobContext) => Promise<T> {
    this.#selfPoliced.add(run);
    return run;
  }

  /**
   * The data-channel TLS policy's hooks for a call of many transfers
   * (downloadAllTo, marked `selfPoliced`): each file is judged as one
   * `downloadTo`, and the batch moves to Node's TLS between files when that
   * is needed (known before, or learnt from a file's refusal).
   */
  batchTls(ctx: JobContext): BatchTls | undefined {
    const policy = this.policy;
    if (!policy) return undefined;
    return {
      switchNeeded: () => policy.switchNeeded && this.session !== undefined,
      failed: (error) => {
        const named = policy.classify(error);
        // A failed file's data connection says nothing for the next file.
        policy.startCommand();
        return named;
      },
      succeeded: () => policy.succeeded(),
      switchEngine: () => this.#useResumingEngine(ctx),
    };
  }

  async #useResumingEngine(ctx: JobContext): Promise<void> {
    const directory = this.session?.knownDirectory;
    this.policy!.useResumingEngine();
    await this.#reconnect(ctx, directory);
  }

  /**
   * Logs the session in. A server that mishandled the commands the login
   * sends together (see the `pipelining` option) now gets one at a time:
   * the login is tried once more, on a new connection.
   */
  async loginOnce(ctx: JobContext, session: Session, credentials: Credentials): Promise<void> {
    try {
      await loginSession(session, this.plan, credentials);
    } catch (error) {
      if (!isPipeliningFailure(error) || ctx.signal.aborted) throw error;
      this.#warn(`${(error as Error).message}; logging in again`);
      session.control.close();
      this.session = undefined;
      await this.open(ctx);
      await loginSession(this.session!, this.plan, credentials);
    }
  }

  /** Replaces the session with a new one: connect, log in, return to `directory`. */
  async #reconnect(ctx: JobContext, directory: string | undefined): Promise<void> {
    this.session?.control.close();
    this.session = undefined;
    await this.open(ctx);
    const session = this.session!;
    // The call's signal ends a login or cwd that hangs, not only the reply timeout.
    const stop = () => session.control.close(abortReason(ctx.signal));
    ctx.signal.addEventListener("abort", stop, { once: true });
    try {
      await loginSession(session, this.plan, this.credentials!);
      this.setState("loggedIn");
      if (directory !== undefined) await session.cwd(directory);
    } finally {
      ctx.signal.removeEventListener("abort", stop);
    }
  }

  /** The session, connected (and logged in, unless `state` says connected is enough). */
  require(state: "connected" | "loggedIn" = "loggedIn"): Session {
    const session = this.session;
    if (!session || session.control.closed) {
      throw new FtpConnectionError("not-connected", "Not connected: call connect() first");
    }
    if (state === "loggedIn" && this.#state !== "loggedIn") {
      throw new FtpConnectionError(
        "not-logged-in",
        "Not logged in: the login failed or has not happened yet; call login() first",
      );
    }
    return session;
  }

  /** QUIT, then the session is dropped whatever the server answered. */
  async quit(): Promise<void> {
    const session = this.require("connected");
    this.setState("closing");
    try {
      await session.quit();
    } finally {
      this.drop();
    }
  }

  /**
   * Leaves once the running call has wound down (`settled()`), waiting for it
   * the grace (1 s at most): then QUIT, whose goodbye is awaited for the
   * same grace at most. A call that did not wind down drops the connection.
   */
  async leave(settled: () => Promise<void>): Promise<void> {
    let timer: Timer | undefined;
    const grace = new Promise<boolean>((resolve) => {
      timer = startTimer(graceMs(this.#options.replyTimeout ?? 30_000), () => resolve(false));
    });
    const done = await Promise.race([settled().then(() => true), grace]);
    timer?.clear();
    const session = this.session;
    if (!session || session.control.closed || !done) {
      session?.control.close(new FtpConnectionError("not-connected", "The client was closed"));
      return this.drop();
    }
    this.setState("closing");
    try {
      // Leaving does not depend on the goodbye: wait for it only briefly.
      await session.quit(graceMs(session.control.replyTimeout));
    } catch {
      // Leaving anyway: a server that fumbles QUIT changes nothing here.
    } finally {
      this.drop();
    }
  }

  /** Closes the session, if any, and becomes unconnected. */
  drop(): void {
    this.session?.control.close();
    this.session = undefined;
    this.setState("unconnected");
  }

  /** Moves to `state`, telling the listeners (`stateChanged`) when it is new. */
  setState(state: FtpState): void {
    if (state === this.#state) return;
    const previous = this.#state;
    this.#state = state;
    this.#events.dispatch(new FtpStateChangedEvent(state, previous));
  }

  #warn(message: string): void {
    this.#events.dispatch(new FtpWarningEvent(message));
  }
}
