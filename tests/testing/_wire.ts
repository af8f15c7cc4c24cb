/**
 * A deliberately tiny FTP speaker for testing the test server: raw sockets,
 * whole replies, nothing clever, so that a server bug cannot hide behind
 * client logic.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** One reply as read from the wire. */
export interface Reply {
  code: number;
  /** Every line, without CRLF. */
  lines: string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const WAIT_MS = 15_000;

/** Reads with a deadline, so that a silent server fails the test instead of hanging it. */
async function readWithin(conn: Deno.Conn, buffer: Uint8Array, ms: number): Promise<number | null> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, ms);
  try {
    return await conn.read(buffer);
  } catch (error) {
    if (timedOut) throw new Error(`Nothing arrived within ${ms} ms`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** A control connection to the server under test. */
export class Wire {
  /** The control connection: TCP, or TLS after {@linkcode Wire.startTls}. */
  conn: Deno.Conn;
  #pending = new Uint8Array(0);
  #closed = false;

  private constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  /** Connects and reads the greeting. */
  static async open(server: { hostname: string; port: number }): Promise<[Wire, Reply]> {
    const wire = new Wire(await Deno.connect({ hostname: server.hostname, port: server.port }));
    return [wire, await wire.reply()];
  }

  /**
   * Connects with TLS from the first byte (implicit FTPS) and reads the
   * greeting.
   */
  static async openTls(
    server: { hostname: string; port: number },
    caPem: string,
  ): Promise<[Wire, Reply]> {
    const conn = await Deno.connectTls({
      hostname: "localhost",
      port: server.port,
      caCerts: [caPem],
    });
    const wire = new Wire(conn);
    return [wire, await wire.reply()];
  }

  /** Takes over an open control connection (TLS made elsewhere) and reads the greeting. */
  static async adopt(conn: Deno.Conn): Promise<[Wire, Reply]> {
    const wire = new Wire(conn);
    return [wire, await wire.reply()];
  }

  /** Sends AUTH TLS, expects 234, and runs the TLS handshake as client. */
  async startTls(caPem: string, command = "AUTH TLS"): Promise<Reply> {
    const reply = await this.expect(command, 234);
    if (this.#pending.length > 0) throw new Error("Bytes after the 234 reply, in plain text");
    const tls = await Deno.startTls(this.conn as Deno.TcpConn, {
      hostname: "localhost",
      caCerts: [caPem],
    });
    this.conn = tls;
    await tls.handshake();
    return reply;
  }

  /** Connects, logs in anonymously and returns the wire. */
  static async login(
    server: { hostname: string; port: number },
    user = "anonymous",
    password = "test@example.com",
  ): Promise<Wire> {
    const [wire] = await Wire.open(server);
    await wire.expect(`USER ${user}`, 331);
    await wire.expect(`PASS ${password}`, 230);
    return wire;
  }

  /** Sends one command line (CRLF added) or raw bytes. */
  async send(line: string | Uint8Array): Promise<void> {
    const bytes = typeof line === "string" ? encoder.encode(`${line}\r\n`) : line;
    let offset = 0;
    while (offset < bytes.length) offset += await this.conn.write(bytes.subarray(offset));
  }

  /** Reads one line without its CRLF; `null` at end of stream. */
  async line(ms = WAIT_MS): Promise<string | null> {
    const buffer = new Uint8Array(4096);
    for (let rounds = 0; rounds < 10_000; rounds++) {
      const end = this.#pending.indexOf(0x0a);
      if (end !== -1) {
        const line = this.#pending.subarray(0, end);
        this.#pending = this.#pending.slice(end + 1);
        return decoder.decode(line).replace(/\r$/, "");
      }
      const n = await readWithin(this.conn, buffer, ms);
      if (n === null) {
        if (this.#pending.length === 0) return null;
        const rest = decoder.decode(this.#pending);
        this.#pending = new Uint8Array(0);
        return rest;
      }
      const joined = new Uint8Array(this.#pending.length + n);
      joined.set(this.#pending);
      joined.set(buffer.subarray(0, n), this.#pending.length);
      this.#pending = joined;
    }
    throw new Error("A reply line that never ends");
  }

  /** Reads one complete reply, multi-line ones included. */
  async reply(ms = WAIT_MS): Promise<Reply> {
    const first = await this.line(ms);
    if (first === null) throw new Error("The server closed the control connection");
    const match = /^(\d{3})([ -])/.exec(first);
    if (!match) throw new Error(`Not a reply line: ${JSON.stringify(first)}`);
    const lines = [first];
    if (match[2] === "-") {
      for (let i = 0; i < 100_000; i++) {
        const next = await this.line(ms);
        if (next === null) throw new Error("Closed inside a multi-line reply");
        lines.push(next);
        if (next.startsWith(`${match[1]} `)) break;
      }
    }
    return { code: Number(match[1]), lines };
  }

  /** Sends a command and reads its reply. */
  async command(line: string): Promise<Reply> {
    await this.send(line);
    return await this.reply();
  }

  /** Sends a command and fails unless the reply has `code`. */
  async expect(line: string, code: number): Promise<Reply> {
    const reply = await this.command(line);
    if (reply.code !== code) {
      throw new Error(`${line} -> ${reply.lines.join(" | ")}, expected ${code}`);
    }
    return reply;
  }

  /** EPSV, then connects to the announced port. */
  async passive(): Promise<Deno.Conn> {
    const reply = await this.expect("EPSV", 229);
    const port = Number(/\(\|\|\|(\d+)\|\)/.exec(reply.lines[0])![1]);
    const { hostname } = this.conn.remoteAddr as Deno.NetAddr;
    return await Deno.connect({ hostname, port });
  }

  /** PASV, then connects to the announced address. */
  async pasv(): Promise<Deno.Conn> {
    const reply = await this.expect("PASV", 227);
    const n = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply.lines[0])!.slice(1).map(Number);
    return await Deno.connect({ hostname: n.slice(0, 4).join("."), port: n[4] * 256 + n[5] });
  }

  /** Reads until the server closes the control connection. */
  async untilClosed(ms = WAIT_MS): Promise<string[]> {
    const lines: string[] = [];
    for (let line = await this.line(ms); line !== null; line = await this.line(ms)) {
      lines.push(line);
    }
    return lines;
  }

  /** Closes the control connection (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch {
      // Already closed by a timeout.
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** A listener for active mode and the PORT/EPRT argument that names it. */
export function activeListener(hostname = "127.0.0.1"): Deno.Listener {
  return Deno.listen({ hostname, port: 0 });
}

/** Reads a data connection to its end, then closes it. */
export async function readAll(conn: Deno.Conn, ms = WAIT_MS): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await readWithin(conn, buffer, ms);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
  } finally {
    try {
      conn.close();
    } catch {
      // Closed by a timeout.
    }
  }
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Reads exactly `length` bytes (fails on an early end), leaving the connection open. */
export async function readExactly(
  conn: Deno.Conn,
  length: number,
  ms = WAIT_MS,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await readWithin(conn, out.subarray(filled), ms);
    if (n === null) throw new Error(`The connection ended after ${filled} of ${length} bytes`);
    filled += n;
  }
  return out;
}

/** Writes all bytes to a data connection, then closes it. */
export async function writeAndClose(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  try {
    let offset = 0;
    while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
  } finally {
    conn.close();
  }
}

/** The hex SHA-256 of some bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** UTF-8 text as bytes. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes as UTF-8 text. */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Deterministic pseudo-random bytes, so failures reproduce. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
