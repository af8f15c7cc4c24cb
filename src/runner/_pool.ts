// A pool of logged-in FtpClients, each on its own control connection. A
// step's transfers run on up to `size` of them at once. Connections open on
// demand, in parallel (so N logins overlap), and a broken one is closed and
// replaced on the next acquire. When the server refuses an extra connection
// (many limit connections per address) while others work, the pool shrinks
// to what the server allows instead of failing. Every wait here ends: a
// release, a failed open and close() each wake a waiter, and so does the
// caller's signal.

import { FtpClient } from "../client/ftp_client.ts";
import type { FtpClientOptions } from "../client/options.ts";

/** A client on loan from the pool. */
export interface Lease {
  client: FtpClient;
  /** 1-based connection number, for traces. */
  id: number;
}

/** How the pool reports. */
export interface PoolHooks {
  warn(message: string): void;
  /** News that needs no action, such as a server that needs Node's TLS. */
  info?(message: string): void;
  /** Protocol trace lines (PASS already redacted by the client). */
  debug?(connection: number, line: string): void;
}

/** A connection warm() is opening: its lease, or undefined if the open failed. */
interface WarmSlot {
  claimed: boolean;
  /** The lease; or the open's error, and whether it was a refusal of one more. */
  lease: Promise<Lease | { error: unknown; refused: boolean }>;
}

/** The pool. */
export class ConnectionPool {
  readonly #options: FtpClientOptions;
  readonly #hooks: PoolHooks;
  readonly #idle: Lease[] = [];
  readonly #all = new Set<Lease>();
  readonly #waiters: ((lease: Lease | undefined) => void)[] = [];
  readonly #closing: Promise<void>[] = [];
  /** Connections warm() is opening that no tryAcquire has claimed yet. */
  readonly #unclaimed = new Set<WarmSlot>();
  #max: number;
  #opening = 0;
  #nextId = 1;
  #closed = false;

  constructor(options: FtpClientOptions, size: number, hooks: PoolHooks) {
    this.#options = options;
    this.#max = size;
    this.#hooks = hooks;
  }

  /** How many connections may be open at once (it may shrink). */
  get size(): number {
    return this.#max;
  }

  /** The features of any open connection (FEAT is the same for all). */
  get features(): ReadonlyMap<string, string> {
    const any = this.#all.values().next().value as Lease | undefined;
    return any?.client.features ?? new Map();
  }

  /** Lends an idle connection, opens a new one, or waits for one. */
  async acquire(signal: AbortSignal): Promise<Lease> {
    // Bounded: each pass either returns, opens, or waits for a release.
    for (;;) {
      const lease = await this.tryAcquire(signal);
      if (lease) return lease;
      const released = await this.#wait(signal);
      if (released) return released;
    }
  }

  /**
   * Lends an idle connection or opens a new one, but never waits: returns
   * `undefined` when every connection the pool may open is in use (or the
   * server just refused one more). For extra helpers of a caller that
   * already holds a connection: waiting there could wait for itself.
   */
  async tryAcquire(signal: AbortSignal): Promise<Lease | undefined> {
    signal.throwIfAborted();
    if (this.#closed) throw new Error("The connection pool is closed");
    const idle = this.#idle.pop();
    if (idle) return idle;
    const warming = this.#unclaimed.values().next().value;
    if (warming) {
      this.#unclaimed.delete(warming);
      warming.claimed = true;
      const opened = await warming.lease;
      if ("client" in opened) return opened;
      // As when this call's own open fails, below.
      if (opened.refused) return this.#idle.pop();
      throw opened.error;
    }
    if (this.#all.size + this.#opening >= this.#max) return undefined;
    this.#opening++;
    try {
      const lease = await this.#open(signal);
      this.#all.add(lease);
      return lease;
    } catch (error) {
      // A connection released while this one was being refused went idle
      // with no one waiting: lend it now, or the caller would wait for a
      // release that never comes.
      if (this.#refused(signal)) return this.#idle.pop();
      throw error;
    } finally {
      this.#opening--;
    }
  }

  /**
   * Opens connections up to the pool's size in the background, so that
   * their logins overlap the planning of a step that will have work for
   * them (a directory's files) instead of following it. One still opening
   * is claimed by the next tryAcquire that finds none idle, which waits for
   * it rather than passing it by; one no one claimed goes to a waiter or
   * idle once logged in. A refusal shrinks the pool as in tryAcquire, and
   * any other failure is left for the next open to meet.
   */
  warm(signal: AbortSignal): void {
    if (this.#closed || signal.aborted) return;
    const missing = this.#max - this.#all.size - this.#opening;
    for (let i = 0; i < missing; i++) {
      this.#opening++;
      const slot = { claimed: false } as WarmSlot;
      slot.lease = this.#open(signal).then(
        (lease) => {
          this.#opening--;
          this.#unclaimed.delete(slot);
          this.#all.add(lease);
          if (!slot.claimed) this.release(lease);
          return lease;
        },
        (error) => {
          this.#opening--;
          this.#unclaimed.delete(slot);
          const refused = this.#refused(signal);
          if (refused && !slot.claimed) {
            // Lent to no one (see tryAcquire): a waiter takes it now.
            const idle = this.#idle.pop();
            if (idle) this.release(idle);
          }
          return { error, refused };
        },
      );
      this.#unclaimed.add(slot);
      this.#closing.push(slot.lease.then(() => {}));
    }
  }

  /**
   * After a failed open: whether it was the server refusing one more
   * connection while others work (a limit: 421, or 530 as ProFTPD words
   * it, since the same login works on the others), which shrinks the pool.
   * Otherwise a caller waiting for this slot opens its own instead.
   */
  #refused(signal: AbortSignal): boolean {
    if (this.#all.size > 0 && !signal.aborted) {
      // Several opens may fail at once: say it once.
      const allowed = Math.max(1, this.#all.size);
      if (allowed < this.#max) {
        this.#max = allowed;
        this.#hooks.warn(`The server refused connection ${allowed + 1}; going on with ${allowed}`);
      }
      return true;
    }
    this.#waiters.shift()?.(undefined);
    return false;
  }

  /**
   * Returns a connection. A broken one (or one that is no longer logged in)
   * is closed, and a waiter then opens a fresh one.
   */
  release(lease: Lease, broken = false): void {
    if (broken || lease.client.state !== "loggedIn" || this.#closed) {
      this.#all.delete(lease);
      this.#closing.push(lease.client.close().catch(() => {}));
      this.#waiters.shift()?.(undefined);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter(lease);
    else this.#idle.push(lease);
  }

  /**
   * Sends NOOP on every idle connection, so that the server's idle timeout
   * does not close it (watch mode, between batches). One that fails (the
   * server dropped it, or answers 421) is closed, and the next acquire
   * opens a fresh one. Connections on loan are left alone.
   *
   * @returns How many answered, and how many were found dropped.
   */
  async keepAlive(signal: AbortSignal): Promise<{ alive: number; dropped: number }> {
    const leases = this.#idle.splice(0);
    let alive = 0;
    let dropped = 0;
    await Promise.all(leases.map(async (lease) => {
      try {
        await lease.client.noop({ signal });
        alive++;
        this.release(lease);
      } catch {
        // A NOOP cut short by the signal leaves its reply unread: not reusable either.
        if (!signal.aborted) dropped++;
        this.release(lease, true);
      }
    }));
    return { alive, dropped };
  }

  /** Closes every connection (QUIT where possible). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    const clients = [...this.#all].map((lease) => lease.client.close().catch(() => {}));
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.all(clients);
    // A connection still opening when the pool closed is closed when its
    // open ends, and that close joins the list: bounded by the opens begun.
    while (this.#closing.length > 0) await Promise.all(this.#closing.splice(0));
  }

  #wait(signal: AbortSignal): Promise<Lease | undefined> {
    // Released between the caller's look and now (a refused open settles
    // later than the release of another connection): no release will come.
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject(signal.reason);
      };
      const waiter = (lease: Lease | undefined) => {
        signal.removeEventListener("abort", onAbort);
        resolve(lease);
      };
      this.#waiters.push(waiter);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  async #open(signal: AbortSignal): Promise<Lease> {
    const id = this.#nextId++;
    const debug = this.#hooks.debug;
    // One failed command must not cancel the next: a commit that failed is
    // followed by the checks that decide what to do about it.
    const client = new FtpClient({
      ...this.#options,
      cancelPendingOnError: false,
      debug: debug &&
        ((m) => debug(id, `${m.direction === "send" ? ">" : "<"} ${m.line}`)),
    });
    client.addEventListener("warning", (event) => this.#hooks.warn(event.message));
    client.addEventListener("info", (event) => this.#hooks.info?.(event.message));
    try {
      await client.connect({ signal });
    } catch (error) {
      // Closing may wait a moment for a command still running on a silent
      // server; the caller need not (close() waits for it at the end).
      this.#closing.push(client.close().catch(() => {}));
      throw error;
    }
    return { client, id };
  }
}
