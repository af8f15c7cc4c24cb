/**
 * A user-space TCP proxy on loopback that makes an FTP server look far away
 * (these kernels have no netem): every byte, in both directions, is passed on
 * one one-way delay after the proxy read it, so a round trip costs `2 ×
 * delayMs`. Optionally each connection's direction is capped at a rate.
 *
 * Clients connect to the proxy's control port (on its own loopback address,
 * 127.0.0.2 by default). The proxy rewrites the server's passive replies:
 * a PASV reply (227) gets the proxy's address and a port of a listener it
 * opened for that reply, an EPSV reply (229) the listener's port (the client
 * connects to it on the control connection's peer, the proxy). Each such
 * listener takes one connection and forwards it, with the same delay, to the
 * port the server announced. So the server needs no configuration, and two
 * proxies never compete for ports. Active mode (PORT, EPRT) is not proxied:
 * the server would connect straight to the client.
 *
 * What it does not emulate: a TCP connect completes at once (no SYN round
 * trip; the proxy connects to the server as soon as the client connects);
 * nothing is lost or reordered; the window (`windowBytes`, bytes read but not
 * yet passed on) is fixed, so throughput per connection is at most
 * `windowBytes / delay`. TLS control connections pass through, but the
 * proxy cannot read them: their passive replies are not rewritten (the data
 * connections would bypass it) and their counts mean nothing.
 *
 * Counting: per FTP session (a control connection and the data connections
 * its passive replies announced), the client's flights (what it sends after
 * something arrived from the server on any of them: each flight waited a
 * round trip; closing a data connection counts, as vsftpd waits for it
 * before its 226), the commands in each, the verbs, and the data
 * connections opened.
 *
 * @example
 * ```ts
 * import { DelayProxy } from "./_delay_proxy.ts";
 *
 * await using proxy = DelayProxy.start({ target: { hostname: "127.0.0.1", port: 2121 }, delayMs: 20 });
 * console.log(`ftp://${proxy.hostname}:${proxy.port}/`); // 40 ms round trips
 * // ... run a client ...
 * console.log(proxy.stats().flights);
 * ```
 *
 * @module
 */

import { type ControlRecord, ControlTap } from "./_control_tap.ts";
import { DelayedPipe, type PipeHooks, type PipeShape } from "./_delayed_pipe.ts";

/** Options of {@linkcode DelayProxy.start}. */
export interface DelayProxyOptions {
  /** The FTP server's control address. */
  target: { hostname: string; port: number };
  /**
   * One-way delay in milliseconds; the round trip is twice this.
   *
   * @default {20}
   */
  delayMs?: number;
  /**
   * Bytes per second each connection may carry in each direction.
   *
   * @default {undefined (no cap)}
   */
  rateBytesPerSecond?: number;
  /**
   * Most bytes held per connection and direction (read, not yet passed on).
   *
   * @default {8 MiB}
   */
  windowBytes?: number;
  /**
   * The loopback address the proxy listens on, for control and data; not the
   * server's, so that a data port the server uses is free here too.
   *
   * @default {"127.0.0.2"}
   */
  hostname?: string;
  /**
   * The control port.
   *
   * @default {0 (any free port)}
   */
  port?: number;
}

/** Totals over the control connections since the start or the last reset. */
export interface ProxyStats {
  /** Control connections accepted. */
  controlConnections: number;
  /** Client flights over all control connections. */
  flights: number;
  /** Command lines over all control connections. */
  commands: number;
  /** Data connections accepted. */
  dataConnections: number;
  /** Each verb's count. */
  verbs: Record<string, number>;
  /** Connections (control and data) still open now. */
  openConnections: number;
  /** The most bytes one direction of one connection held at once. */
  maxQueuedBytes: number;
  /** Each control connection's record, in the order they were accepted. */
  connections: ControlRecord[];
}

/** The running proxy. */
export class DelayProxy implements AsyncDisposable {
  /** The address clients connect to. */
  readonly hostname: string;
  /** The control port clients connect to. */
  readonly port: number;
  readonly #target: { hostname: string; port: number };
  readonly #shape: PipeShape;
  readonly #listener: Deno.Listener;
  readonly #dataListeners = new Set<Deno.Listener>();
  readonly #open = new Set<Deno.Conn>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #pipes = new Set<DelayedPipe>();
  #records: ControlRecord[] = [];
  #dataConnections = 0;
  #maxQueuedBytes = 0;
  #closing: Promise<void> | undefined;

  private constructor(listener: Deno.Listener, options: DelayProxyOptions) {
    this.#listener = listener;
    const address = listener.addr as Deno.NetAddr;
    this.hostname = address.hostname;
    this.port = address.port;
    this.#target = options.target;
    this.#shape = {
      delayMs: options.delayMs ?? 20,
      rateBytesPerSecond: options.rateBytesPerSecond,
      windowBytes: options.windowBytes ?? 8 << 20,
    };
    this.#track(this.#acceptControl());
  }

  /**
   * Listens and starts forwarding.
   *
   * @param options The server, the delay, the rate cap.
   * @returns The running proxy; `close()` it.
   */
  static start(options: DelayProxyOptions): DelayProxy {
    const listener = Deno.listen({
      hostname: options.hostname ?? "127.0.0.2",
      port: options.port ?? 0,
    });
    return new DelayProxy(listener, options);
  }

  /** Totals since the start or the last {@linkcode DelayProxy.resetStats}. */
  stats(): ProxyStats {
    const verbs: Record<string, number> = {};
    for (const record of this.#records) {
      for (const [verb, n] of Object.entries(record.verbs)) verbs[verb] = (verbs[verb] ?? 0) + n;
    }
    const sum = (f: (r: ControlRecord) => number) => this.#records.reduce((n, r) => n + f(r), 0);
    return {
      controlConnections: this.#records.length,
      flights: sum((r) => r.commandsPerFlight.length),
      commands: sum((r) => r.commandsPerFlight.reduce((a, b) => a + b, 0)),
      dataConnections: this.#dataConnections,
      verbs,
      openConnections: this.#open.size,
      maxQueuedBytes: Math.max(
        this.#maxQueuedBytes,
        ...[...this.#pipes].map((p) => p.maxQueuedBytes),
      ),
      connections: this.#records.map((r) => structuredClone(r)),
    };
  }

  /** Starts counting afresh (connections still open count on in their old records). */
  resetStats(): void {
    this.#records = [];
    this.#dataConnections = 0;
    this.#maxQueuedBytes = 0;
  }

  /** Stops listening, closes every connection and waits for the forwarding to end. */
  close(): Promise<void> {
    return this.#closing ??= (async () => {
      closeQuietly(this.#listener);
      for (const listener of this.#dataListeners) closeQuietly(listener);
      for (const conn of this.#open) closeQuietly(conn);
      // Bounded: every task ends once its connections or listener are closed.
      while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
    })();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #track(task: Promise<void>): void {
    const settled = task.catch(() => {}).finally(() => this.#tasks.delete(settled));
    this.#tasks.add(settled);
  }

  async #acceptControl(): Promise<void> {
    // Ends when the listener is closed.
    for await (const client of this.#listener) {
      // Data listeners nobody connected to go when their control connection does.
      const unused = new Set<Deno.Listener>();
      const tap: ControlTap = new ControlTap(
        this.#target.hostname,
        this.hostname,
        (host, port): number => this.#listenForData(tap, unused, host, port),
      );
      this.#records.push(tap.record);
      const forwarding = this.#forward(client, this.#target, {
        onRead: (chunk) => tap.fromClient(chunk),
      }, {
        onRead: (chunk) => tap.fromServer(chunk),
        onEnd: () => tap.serverEnded(),
        onDeliver: () => tap.deliveredToClient(),
      });
      this.#track(forwarding.finally(() => unused.forEach(closeQuietly)));
    }
  }

  /** Opens a one-connection listener that forwards to the server's data port. */
  #listenForData(
    tap: ControlTap,
    unused: Set<Deno.Listener>,
    serverHost: string,
    serverPort: number,
  ): number {
    const listener = Deno.listen({ hostname: this.hostname, port: 0 });
    this.#dataListeners.add(listener);
    unused.add(listener);
    this.#track((async () => {
      try {
        const client = await listener.accept();
        unused.delete(listener);
        closeQuietly(listener);
        tap.record.dataConnections++;
        this.#dataConnections++;
        await this.#forward(client, { hostname: serverHost, port: serverPort }, {
          onRead: (chunk) => {
            tap.dataFromClient();
            return chunk;
          },
          onEnd: () => {
            tap.dataFromClient();
            return undefined;
          },
        }, { onDeliver: () => tap.deliveredToClient() });
      } finally {
        this.#dataListeners.delete(listener);
        closeQuietly(listener);
      }
    })());
    return (listener.addr as Deno.NetAddr).port;
  }

  /** Connects to the server and forwards both ways until both have closed or one fails. */
  async #forward(
    client: Deno.Conn,
    target: { hostname: string; port: number },
    upHooks: PipeHooks,
    downHooks: PipeHooks,
  ): Promise<void> {
    this.#open.add(client);
    let server: Deno.TcpConn | undefined;
    try {
      server = await Deno.connect(target);
      this.#open.add(server);
      // The proxy must not add Nagle's wait to small writes: the clients decide theirs.
      (client as Deno.TcpConn).setNoDelay(true);
      server.setNoDelay(true);
      const up = new DelayedPipe(client, server, this.#shape, upHooks);
      const down = new DelayedPipe(server, client, this.#shape, downHooks);
      this.#pipes.add(up).add(down);
      try {
        await Promise.all([up.done, down.done]);
      } finally {
        this.#pipes.delete(up);
        this.#pipes.delete(down);
        this.#maxQueuedBytes = Math.max(
          this.#maxQueuedBytes,
          up.maxQueuedBytes,
          down.maxQueuedBytes,
        );
      }
    } finally {
      for (const conn of [client, server]) {
        if (!conn) continue;
        this.#open.delete(conn);
        closeQuietly(conn);
      }
    }
  }
}

function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch {
    // Already closed.
  }
}
