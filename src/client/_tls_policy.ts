// The data-channel TLS policy: which TLS engine a client's sessions use,
// how a server that requires data connections to resume the control
// connection's TLS session is found out, and what the process remembers
// about each server, so that one connection's discovery serves them all.
//
// Deno's own TLS is the faster engine but cannot resume sessions; Node's
// TLS (in a worker per control connection, _isolated_transport.ts) can.
// With `tls.sessionReuse: "auto"`, the first connection of the process to a
// server finds out, right after its login, with a listing (LIST, of which
// only the first bytes are read): refused (vsftpd: `522 ... session reuse
// required`; ProFTPD: `425 ... Operation not permitted`, or the handshake
// broken off), the server requires reuse, and the connection logs in again
// on Node's TLS. The process remembers the answer per server: every later
// connection to it starts on the TLS engine that works, and connections
// opened while the first one is finding out wait for its answer (up to the
// connect timeout) instead of each drawing a refusal and a second login.
// Should the listing say nothing (the server refuses it before opening a
// data connection), the first transfer finds out instead.
//
// On Node's TLS the sessions offer TLS 1.2 (TLS 1.3 only to a server that
// refuses 1.2): a TLS 1.2 session serves any number of data connections,
// while rustls spends each TLS 1.3 ticket once and ProFTPD issues none on
// upload connections, so a run of uploads would use them up. The user's
// bounds win: `tls.minVersion: "TLSv1.3"` offers only 1.3, and
// `tls.maxVersion: "TLSv1.2"` is never raised for a server that refuses it.
//
// Node's TLS is also the engine for what Deno's TLS cannot do at all:
// version bounds, connections from a chosen local address, and CCC.
//
// FtpClient owns one policy; its sessions reach it (read-only) through
// their settings, for openTransfer's hooks.

import { FtpTlsError } from "../errors.ts";
import type { SecuredStream, TlsConfig } from "../transport/transport.ts";
import type { ConnectPlan } from "./_connect.ts";
import {
  clientCertificateRefusal,
  handshakeFailure,
  isNamed,
  isTlsRefusal,
  reuseRefusal,
} from "./_tls_refusals.ts";

/** Which TLS engine a session uses. */
export type TlsEngine = "native" | "node";

/** What the process knows about one server's FTPS data connections. */
interface ServerRecord {
  /** Whether data connections must resume the control connection's session. */
  reuse?: "required" | "not-required";
  /** The server refused TLS 1.2, so Node's TLS offers it 1.3. */
  tls13Only?: boolean;
  /** Settles when the connection finding out `reuse` is done. */
  finding?: Promise<void>;
  /** Whether the change of engine was announced. */
  announced?: boolean;
}

/** Per server (secure mode, host, port): one decision for every connection of the process. */
const servers = new Map<string, ServerRecord>();

/** The data-channel TLS policy of one client. */
export class DataTlsPolicy {
  readonly #plan: ConnectPlan;
  readonly #record: ServerRecord;
  readonly #announce: (message: string) => void;
  #engine: TlsEngine;
  /** The last protected data connection opened for the transfer under way. */
  #stream?: SecuredStream;
  /** This client holds the server's `finding` and settles it. */
  #finding?: () => void;
  /** The session's protected data connections worked (nothing left to find out). */
  #verified = false;
  /** A listing already stood in for an upload's data connection on this session. */
  #listingProbed = false;

  /**
   * @param plan The resolved connection options.
   * @param announce Tells the user, once per server, that it needs Node's TLS.
   */
  constructor(plan: ConnectPlan, announce: (message: string) => void) {
    this.#plan = plan;
    this.#announce = announce;
    const key = `${plan.secure} ${plan.host} ${plan.port}`;
    let record = servers.get(key);
    if (!record) servers.set(key, record = {});
    this.#record = record;
    this.#engine = this.#firstEngine();
  }

  #firstEngine(): TlsEngine {
    const { tls, reuseMode } = this.#plan;
    if (!tls) return "native";
    if (reuseMode === "always" || !tls.verify) return "node";
    // Deno's startTls cannot present a client certificate, so neither an
    // explicit-TLS control connection nor any data connection could.
    if (tls.clientCertificate) return "node";
    // Deno's TLS takes no version bounds, runs only over Deno's TCP (which
    // cannot choose a local address), and cannot give back the TCP
    // connection under it (CCC).
    if (tls.bounds || this.#plan.localAddress !== undefined || this.#plan.clearControl) {
      return "node";
    }
    if (reuseMode === "auto" && this.#record.reuse === "required") return "node";
    return "native";
  }

  /** The engine of the next session. */
  get engine(): TlsEngine {
    return this.#engine;
  }

  /** The TLS settings for a session on the current engine. */
  get tls(): TlsConfig | undefined {
    const tls = this.#plan.tls;
    if (!tls || this.#engine !== "node") return tls;
    // TLS 1.2 is preferred within the user's bounds, never against them.
    const { minVersion, maxVersion } = tls.bounds ?? {};
    const preferred = this.#record.tls13Only || minVersion === "TLSv1.3" ? "TLSv1.3" : "TLSv1.2";
    return { ...tls, maxVersion: maxVersion ?? preferred };
  }

  /** A new session starts: what was learned of the old one is forgotten. */
  startSession(): void {
    this.#stream = undefined;
    this.#verified = false;
    this.#listingProbed = false;
  }

  /**
   * Whether a failed connect should be tried again: the server refused the
   * TLS 1.2 that Node's TLS offered, so it gets 1.3 from now on.
   */
  retryConnect(error: unknown): boolean {
    if (this.#engine !== "node" || this.#record.tls13Only) return false;
    // Bounds the user set are kept, and the error names them.
    if (this.#plan.tls?.bounds) return false;
    if (!(error instanceof FtpTlsError) || error.kind !== "handshake") return false;
    const code = (error.cause as { code?: string } | undefined)?.code ?? "";
    if (!/PROTOCOL_VERSION|ProtocolVersion|protocol version/i.test(`${code} ${error.message}`)) {
      return false;
    }
    this.#record.tls13Only = true;
    return true;
  }

  /**
   * Whether the session may still be replaced by one on Node's TLS, so
   * that it must keep its directory known (to return there).
   */
  get mayReconnect(): boolean {
    return this.#engine === "native" && this.#plan.reuseMode === "auto" &&
      this.#plan.tls !== undefined && this.#record.reuse !== "not-required" && !this.#verified;
  }

  /**
   * Whether the client should move to Node's TLS before its next transfer:
   * the server is known to require reuse, and Deno's TLS cannot give it.
   */
  get switchNeeded(): boolean {
    return this.#engine === "native" && this.#plan.reuseMode === "auto" &&
      this.#record.reuse === "required" && !this.#plan.tls?.clientCertificate;
  }

  /** The client moves to Node's TLS (it reconnects next). Announced once per server. */
  useResumingEngine(): void {
    this.#engine = "node";
    this.#release();
    if (this.#record.announced) return;
    this.#record.announced = true;
    this.#announce(
      `${this.#plan.host} requires data connections to resume the control connection's TLS ` +
        `session: ferry uses Node's TLS, which can, for its connections`,
    );
  }

  /** A data command begins: a data connection of an earlier one says nothing about it. */
  startCommand(): void {
    this.#stream = undefined;
  }

  /** Whether reads are peeked at, so that a refusal fails the call rather than the stream. */
  get peeksReads(): boolean {
    return this.#engine === "node" || !this.#verified;
  }

  /**
   * Before a connection: while another connection of the process is finding
   * out whether the server requires reuse, waits for its answer (up to
   * `timeoutMs`), so as to start on the engine that works; when nobody
   * knows yet, this client finds out (at its login, see `afterLogin`).
   *
   * @param timeoutMs The longest wait for another connection's answer.
   * @param signal Cancels the wait.
   */
  async beforeConnect(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const record = this.#record;
    if (this.#engine !== "native" || this.#plan.reuseMode !== "auto" || this.#finding) return;
    if (record.finding && record.reuse === undefined) {
      await waitFor(record.finding, timeoutMs, signal);
    }
    if (this.switchNeeded) this.#engine = "node";
    else if (record.reuse === undefined && !record.finding) this.#claim();
  }

  /** This client finds out; the others wait for `record.finding`. */
  #claim(): void {
    const record = this.#record;
    let settle!: () => void;
    record.finding = new Promise<void>((resolve) => (settle = resolve));
    this.#finding = () => {
      settle();
      record.finding = undefined;
    };
  }

  /**
   * After a login on Deno's TLS by the client finding out: a listing of the
   * current directory (its first bytes), whose data connection tells
   * whether the server requires reuse. Afterwards `switchNeeded` says
   * whether to log in again on Node's TLS.
   *
   * @param dataProtected Whether the session's data connections use TLS.
   * @param probe Opens the listing (see `probeDataTls`).
   */
  async afterLogin(dataProtected: boolean, probe: () => Promise<void>): Promise<void> {
    if (!this.#finding || this.#engine !== "native") return;
    try {
      if (dataProtected) await probe();
    } catch (error) {
      // A refusal is the answer: the client logs in again on Node's TLS.
      if (!this.switchNeeded) throw error;
    }
    // Said nothing (no data connection, or PROT C): the first transfer finds out.
    if (this.#record.reuse === undefined) this.#release();
  }

  /** The connection or the login failed: whoever waits for this client's answer stops. */
  failed(): void {
    this.#release();
  }

  /**
   * Before a protected data connection: on Deno's TLS, while the server's
   * answer is unknown (the login's listing said nothing), waits for
   * another connection that is finding out, or finds out itself (an upload
   * first asks a listing, since its refusal would come after its data was
   * sent). Fails at once where the answer is known and nothing can be done.
   *
   * @param isRead Whether the transfer brings data (a refusal shows before the caller reads).
   * @param probe Opens a listing as a stand-in for an upload's data connection.
   * @param signal Cancels the wait.
   */
  async beforeTransfer(
    isRead: boolean,
    probe: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    this.#stream = undefined;
    const record = this.#record;
    if (record.reuse === "required" && this.#plan.tls?.clientCertificate) {
      throw clientCertificateRefusal();
    }
    if (this.#engine === "node" || this.#verified || this.#finding) return;
    // Bounded: each wait ends when the other connection's transfer does.
    while (record.finding && record.reuse === undefined) {
      await waitFor(record.finding, Infinity, signal);
    }
    if (record.reuse === "not-required") {
      this.#verified = true;
      return;
    }
    if (record.reuse === "required") throw reuseRefusal(undefined, this.#plan.reuseMode);
    this.#claim();
    if (!isRead && !this.#listingProbed) {
      this.#listingProbed = true;
      await probe();
    }
  }

  /** A protected data connection was opened for the transfer under way. */
  secured(stream: SecuredStream): void {
    this.#stream = stream;
  }

  /** A transfer (or the listing standing in for one) went through on this session. */
  succeeded(): void {
    if (this.#engine !== "native" || this.#verified) return;
    // No protected data connection, nothing learnt: let the others ask.
    if (!this.#stream) return this.#giveUpFinding();
    this.#verified = true;
    if (this.#finding) this.#record.reuse = "not-required";
    this.#release();
  }

  /** Ends this client's finding out with no answer (it asks again next time). */
  #giveUpFinding(): void {
    if (this.#finding && !this.#verified) this.#release();
  }

  /** Ends this client's finding out, whatever came of it, so others stop waiting. */
  #release(): void {
    const finish = this.#finding;
    this.#finding = undefined;
    finish?.();
  }

  /**
   * The error a caller should see for a failed transfer: a refusal of the
   * data connection that comes from its TLS becomes an `FtpTlsError` that
   * says so; on Deno's TLS, while finding out, it is the server's answer
   * (the client then moves to Node's TLS, when allowed).
   *
   * @param error What the transfer threw.
   * @returns The error to throw.
   */
  classify(error: unknown): unknown {
    if (isNamed(error)) return error;
    const stream = this.#stream;
    const tls = this.#plan.tls;
    if (!tls) return error;
    if (!stream || !isTlsRefusal(error)) {
      // A failure before any protected data connection (a 550 to RETR), or
      // any other error, ends this client's finding out without an answer:
      // the others would otherwise wait for one that never comes.
      this.#giveUpFinding();
      return error;
    }
    if (this.#engine === "native") {
      // A refusal while Deno's TLS was still on trial is the server's answer.
      if (this.#verified) return handshakeFailure(error, stream);
      this.#record.reuse = "required";
      this.#release();
      if (tls.clientCertificate) return clientCertificateRefusal(error);
      return reuseRefusal(error, this.#plan.reuseMode);
    }
    if (stream.sessionResumed !== true && tls.clientCertificate) {
      this.#record.reuse = "required";
      return clientCertificateRefusal(error);
    }
    return handshakeFailure(error, stream);
  }
}

/** Waits for `promise` at most `timeoutMs`; rejects when `signal` aborts. */
function waitFor(promise: Promise<void>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = Number.isFinite(timeoutMs) ? setTimeout(done, timeoutMs) : undefined;
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(done);
  });
}
