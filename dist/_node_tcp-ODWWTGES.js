import {
  ChunkQueue
} from "./chunk-P22UIT5E.js";
import {
  withDeadline
} from "./chunk-JTZGJBJ2.js";
import "./chunk-OKDFGV22.js";
import {
  hostForUrl,
  hostPort
} from "./chunk-RK3YRUIX.js";
import "./chunk-WYTJSAQ3.js";
import {
  FtpConnectionError
} from "./chunk-UN72SBEK.js";

// src/transport/_node_tcp.ts
import net from "node:net";
var HIGH_WATER = 1024 * 1024;
function mayBind(address) {
  const descriptor = {
    name: "net",
    host: `${hostForUrl(address)}:0`
  };
  const state = Deno.permissions.querySync(descriptor).state;
  if (state === "granted") return true;
  if (state === "denied") return false;
  return Deno.permissions.requestSync(descriptor).state === "granted";
}
function dialFrom(options) {
  const { localAddress } = options;
  if (!mayBind(localAddress)) {
    return Promise.reject(new FtpConnectionError("denied", `Deno's permissions do not allow connecting from the local address ${localAddress}; grant it with --allow-net=${hostForUrl(localAddress)}`));
  }
  return withDeadline(options, (signal) => new Promise((resolve, reject) => {
    const family = net.isIPv6(localAddress) ? 6 : 4;
    const socket = net.connect({
      host: options.host,
      port: options.port,
      localAddress,
      family
    });
    const fail = (error) => {
      socket.destroy();
      reject(bindError(error, localAddress, options));
    };
    const onAbort = () => fail(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, {
      once: true
    });
    socket.once("error", fail);
    socket.once("connect", () => {
      signal.removeEventListener("abort", onAbort);
      socket.off("error", fail);
      socket.setNoDelay(true);
      resolve(new NodeTcpStream(socket));
    });
  }));
}
function bindError(error, localAddress, target) {
  const code = error.code ?? "";
  const to = hostPort(target.host, target.port);
  if (code === "EADDRNOTAVAIL") {
    return new FtpConnectionError("local-address", `Cannot open the ${target.purpose} to ${to} from ${localAddress}: it is not an address of this machine; set localAddress to one of its addresses`, {
      cause: error
    });
  }
  if (code === "EINVAL" || code === "EAFNOSUPPORT") {
    return new FtpConnectionError("local-address", `Cannot open the ${target.purpose} to ${to} from ${localAddress}: the local address and the server's are not of the same family (IPv4 and IPv6); set localAddress to an address of the server's family`, {
      cause: error
    });
  }
  return error;
}
var NodeTcpStream = class {
  #socket;
  #queue = new ChunkQueue();
  localAddr;
  remoteAddr;
  /** @param socket A connected socket (its addresses are read now, while it has them). */
  constructor(socket) {
    this.#socket = socket;
    this.localAddr = {
      transport: "tcp",
      hostname: socket.localAddress ?? "",
      port: socket.localPort ?? 0
    };
    this.remoteAddr = {
      transport: "tcp",
      hostname: socket.remoteAddress ?? "",
      port: socket.remotePort ?? 0
    };
    socket.on("data", (chunk) => {
      this.#queue.push(chunk);
      if (this.#queue.buffered >= HIGH_WATER) socket.pause();
    });
    socket.on("end", () => this.#queue.end());
    socket.on("error", (error) => this.#queue.fail(error));
    socket.on("close", () => this.#queue.end());
  }
  async read(buffer) {
    const n = await this.#queue.read(buffer);
    if (this.#queue.buffered < HIGH_WATER && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }
  write(bytes) {
    const failed = this.#queue.error;
    if (failed) return Promise.reject(failed);
    return new Promise((resolve, reject) => {
      this.#socket.write(bytes, (error) => {
        if (error) reject(error);
        else resolve(bytes.length);
      });
    });
  }
  closeWrite() {
    return new Promise((resolve) => {
      if (this.#socket.writableFinished || this.#socket.destroyed) return resolve();
      this.#socket.once("finish", () => resolve());
      this.#socket.once("close", () => resolve());
      this.#socket.end();
    });
  }
  close() {
    this.#socket.destroy();
    if (!this.#queue.ended) {
      this.#queue.fail(new Deno.errors.Interrupted("The connection was closed"));
    }
    this.#queue.end();
  }
};
export {
  NodeTcpStream,
  dialFrom
};
