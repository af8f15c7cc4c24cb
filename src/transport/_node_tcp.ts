// TCP connections made from a chosen local address (the `localAddress`
// option, ftplib's `source_address`). Deno.connect has no such option in
// Deno 2.9; node:net as Deno implements it binds the socket first. Used only
// when a local address is asked for: Deno's own TCP is faster, and it is
// what Deno's own TLS (Deno.startTls) needs underneath, so FTPS from a local
// address runs on Node's TLS (see the data-channel TLS policy).
//
// Deno checks a local bind as net access to "<address>:0", and in 2.9.6
// node:net reports a missing permission by throwing from a timer, which no
// caller can catch: the process would die. So the permission is checked (or
// asked for, when Deno may prompt) before node:net is called.

import type { Buffer } from "node:buffer";
import net from "node:net";
import { FtpConnectionError } from "../errors.ts";
import type { ByteStream } from "./byte_stream.ts";
import { ChunkQueue } from "./chunk_queue.ts";
import { hostForUrl } from "../protocol/host.ts";
import { hostPort } from "../protocol/host.ts";
import type { DialTarget } from "./transport.ts";
import { withDeadline } from "./_socket.ts";

/** Bytes held for the reader before the socket is paused (the kernel buffers the rest). */
const HIGH_WATER = 1024 * 1024;

/** Whether Deno lets this process bind `address` (asking, where Deno may prompt). */
function mayBind(address: string): boolean {
  const descriptor = { name: "net", host: `${hostForUrl(address)}:0` };
  const state = Deno.permissions.querySync(descriptor as Deno.NetPermissionDescriptor).state;
  if (state === "granted") return true;
  if (state === "denied") return false;
  return Deno.permissions.requestSync(descriptor as Deno.NetPermissionDescriptor).state ===
    "granted";
}

/**
 * Connects from `localAddress` within the deadline and the caller's signal.
 *
 * @param options Where to connect, how long to wait, and from where.
 * @returns The connection, with TCP_NODELAY on.
 */
export function dialFrom(options: DialTarget & { localAddress: string }): Promise<ByteStream> {
  const { localAddress } = options;
  if (!mayBind(localAddress)) {
    return Promise.reject(
      new FtpConnectionError(
        "denied",
        `Deno's permissions do not allow connecting from the local address ${localAddress}; ` +
          `grant it with --allow-net=${hostForUrl(localAddress)}`,
      ),
    );
  }
  return withDeadline(options, (signal) =>
    new Promise<ByteStream>((resolve, reject) => {
      // A host name is looked up in the local address's family: the only
      // one a connection from it can reach.
      const family = net.isIPv6(localAddress) ? 6 : 4;
      const socket = net.connect({ host: options.host, port: options.port, localAddress, family });
      const fail = (error: Error) => {
        socket.destroy();
        reject(bindError(error, localAddress, options));
      };
      const onAbort = () => fail(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once("error", fail);
      socket.once("connect", () => {
        signal.removeEventListener("abort", onAbort);
        socket.off("error", fail);
        if (options.noDelay !== false) socket.setNoDelay(true);
        resolve(new NodeTcpStream(socket));
      });
    }));
}

/** The error for a failed connection: one the local address caused is named as such. */
function bindError(error: Error, localAddress: string, target: DialTarget): Error {
  const code = (error as { code?: string }).code ?? "";
  const to = hostPort(target.host, target.port);
  if (code === "EADDRNOTAVAIL") {
    return new FtpConnectionError(
      "local-address",
      `Cannot open the ${target.purpose} to ${to} from ${localAddress}: it is not an address ` +
        `of this machine; set localAddress to one of its addresses`,
      { cause: error },
    );
  }
  if (code === "EINVAL" || code === "EAFNOSUPPORT") {
    return new FtpConnectionError(
      "local-address",
      `Cannot open the ${target.purpose} to ${to} from ${localAddress}: the local address ` +
        `and the server's are not of the same family (IPv4 and IPv6); set localAddress to an ` +
        `address of the server's family`,
      { cause: error },
    );
  }
  return error;
}

/** A node:net socket as a ByteStream: reads are pulled, with the socket paused while they wait. */
export class NodeTcpStream implements ByteStream {
  readonly #socket: net.Socket;
  readonly #queue = new ChunkQueue();
  readonly localAddr: Deno.NetAddr;
  readonly remoteAddr: Deno.NetAddr;

  /** @param socket A connected socket (its addresses are read now, while it has them). */
  constructor(socket: net.Socket) {
    this.#socket = socket;
    this.localAddr = {
      transport: "tcp",
      hostname: socket.localAddress ?? "",
      port: socket.localPort ?? 0,
    };
    this.remoteAddr = {
      transport: "tcp",
      hostname: socket.remoteAddress ?? "",
      port: socket.remotePort ?? 0,
    };
    socket.on("data", (chunk: Buffer) => {
      this.#queue.push(chunk);
      if (this.#queue.buffered >= HIGH_WATER) socket.pause();
    });
    socket.on("end", () => this.#queue.end());
    socket.on("error", (error: Error) => this.#queue.fail(error));
    socket.on("close", () => this.#queue.end());
  }

  async read(buffer: Uint8Array): Promise<number | null> {
    const n = await this.#queue.read(buffer);
    if (this.#queue.buffered < HIGH_WATER && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }

  write(bytes: Uint8Array): Promise<number> {
    const failed = this.#queue.error;
    if (failed) return Promise.reject(failed);
    // The callback fires once the bytes are handed to the kernel: the
    // caller may then reuse the buffer.
    return new Promise<number>((resolve, reject) => {
      this.#socket.write(bytes, (error?: Error | null) => {
        if (error) reject(error);
        else resolve(bytes.length);
      });
    });
  }

  closeWrite(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#socket.writableFinished || this.#socket.destroyed) return resolve();
      this.#socket.once("finish", () => resolve());
      this.#socket.once("close", () => resolve());
      this.#socket.end();
    });
  }

  close(): void {
    this.#socket.destroy();
    if (!this.#queue.ended) {
      this.#queue.fail(new Deno.errors.Interrupted("The connection was closed"));
    }
    this.#queue.end();
  }
}
