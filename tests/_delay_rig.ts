// The embedded server behind the benchmark's delay proxy
// (bench/_delay_proxy.ts), which counts the client's flights (what it sends
// after something arrived from the server: each waited a round trip). The
// one-way delay is long enough (50 ms) that commands sent together cannot be
// split by an early reply, however loaded the machine; tests count round
// trips with it and assert no time.

import { DelayProxy } from "../bench/_delay_proxy.ts";
import { FtpClient, type FtpClientOptions } from "../mod.ts";
import { FtpTestServer, type FtpTestServerOptions } from "../src/testing/mod.ts";

const DELAY_MS = 50;

/** A server behind the proxy; disposing it closes both. */
export interface DelayRig extends AsyncDisposable {
  server: FtpTestServer;
  proxy: DelayProxy;
  /** The proxy's address as an `ftp://` URL (no user: anonymous). */
  url: string;
  /** Flights of every session so far. */
  flights(): number;
  /** Command counts of every session so far. */
  verbs(): Record<string, number>;
  /** A client connected through the proxy. */
  connect(options?: FtpClientOptions): Promise<FtpClient>;
}

/** Starts the embedded server with `options` and the delay proxy in front of it. */
export async function delayRig(options: FtpTestServerOptions = {}): Promise<DelayRig> {
  const server = await FtpTestServer.start(options);
  const proxy = DelayProxy.start({
    target: { hostname: "127.0.0.1", port: server.port },
    delayMs: DELAY_MS,
  });
  return {
    server,
    proxy,
    url: `ftp://${proxy.hostname}:${proxy.port}`,
    flights: () => proxy.stats().flights,
    verbs: () => proxy.stats().verbs,
    connect: (extra = {}) =>
      FtpClient.connect({ host: proxy.hostname, port: proxy.port, ...extra }),
    async [Symbol.asyncDispose]() {
      await proxy.close();
      await server.close();
    },
  };
}
