/**
 * Mutual TLS for the control connection. `Deno.listenTls` cannot ask a
 * client for a certificate, but Deno's `node:tls` server can (`requestCert`
 * with a CA, verifying the chain, the dates and the clientAuth usage). Its
 * sockets, though, lose the end-of-stream event when it arrives while they
 * are paused, so they are read here in flowing mode, never paused, into a
 * bounded queue: fine for a control connection, whose commands are small,
 * and never used for data connections, which stay on Deno's TLS.
 *
 * @module
 */

import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { ChunkQueue } from "../transport/chunk_queue.ts";
import type { InternalTlsListener, TlsIdentity, TlsStream } from "./_tls_terminator.ts";

/** Unread control bytes beyond this close the connection (a flooding client). */
const QUEUE_LIMIT_BYTES = 1024 * 1024;

/** A verified node:tls server socket, read without ever pausing it. */
export class NodeTlsStream implements TlsStream {
  readonly #socket: tls.TLSSocket;
  readonly #queue = new ChunkQueue();

  /** @param socket A server socket whose handshake has completed. */
  constructor(socket: tls.TLSSocket) {
    this.#socket = socket;
    socket.on("data", (data: Uint8Array) => {
      this.#queue.push(data);
      if (this.#queue.buffered > QUEUE_LIMIT_BYTES) socket.destroy();
    });
    socket.on("end", () => this.#queue.end());
    socket.on("close", () => this.#queue.end());
    socket.on("error", (error: Error) => this.#queue.fail(error));
  }

  read(buffer: Uint8Array): Promise<number | null> {
    return this.#queue.read(buffer);
  }

  write(bytes: Uint8Array): Promise<number> {
    if (this.#socket.destroyed) return Promise.reject(new Deno.errors.BrokenPipe("closed"));
    return new Promise((resolve, reject) => {
      this.#socket.write(bytes.slice(), (error) => error ? reject(error) : resolve(bytes.length));
    });
  }

  closeWrite(): Promise<void> {
    if (this.#socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.once("close", resolve);
      this.#socket.end(resolve);
    });
  }

  close(): void {
    this.#socket.destroy();
    this.#queue.end();
  }

  handshake(): Promise<void> {
    return Promise.resolve(); // done before the socket is handed over
  }
}

/**
 * Starts a `node:tls` server on 127.0.0.1 that requires a client
 * certificate signed by `clientCa`. Connections are handed over once their
 * handshake succeeded; failed ones are closed by node:tls itself.
 */
export async function listenWithClientAuth(
  identity: TlsIdentity,
  clientCa: string,
  handshakeTimeoutMs: number,
): Promise<InternalTlsListener<NodeTlsStream>> {
  const server = tls.createServer({
    cert: identity.cert,
    key: identity.key,
    ca: [clientCa],
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: handshakeTimeoutMs,
  });
  const sockets = new Set<tls.TLSSocket>();
  const ready: { conn: NodeTlsStream; port: number }[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  server.on("secureConnection", (socket: tls.TLSSocket) => {
    if (closed) return void socket.destroy();
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    ready.push({ conn: new NodeTlsStream(socket), port: socket.remotePort ?? 0 });
    wake?.();
  });
  // A client without an acceptable certificate: node:tls closes it.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    async accept() {
      // Each wait ends with a connection or with close().
      while (ready.length === 0 && !closed) {
        await new Promise<void>((resolve) => wake = resolve);
      }
      const next = ready.shift();
      if (!next) throw new Deno.errors.BadResource("The listener is closed");
      return next;
    },
    async close() {
      if (closed) return;
      closed = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      for (const { conn } of ready.splice(0)) conn.close();
      wake?.();
      await stopped;
    },
  };
}
