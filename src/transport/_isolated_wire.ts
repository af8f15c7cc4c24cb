// The messages between the isolated TLS transport (_isolated_transport.ts)
// and its worker (_isolated_worker.ts), and how errors cross between them:
// structured cloning keeps only plain data, so each error travels as its
// class name and fields and is rebuilt as the same class on the other side
// (callers test `instanceof FtpTlsError`, `Deno.errors.NotCapable`...).

import {
  type ConnectionFailure,
  FtpAbortError,
  FtpConnectionError,
  FtpError,
  FtpProtocolError,
  FtpTimeoutError,
  FtpTlsError,
  type TimeoutPhase,
  type TlsFailure,
} from "../errors.ts";
import type { TlsConfig } from "./transport.ts";

/**
 * The most bytes one read message carries between the threads (the
 * worker caps its reads). Each data stream has two read buffers of this
 * size in circulation (one filled in the worker, one copied out in the
 * client's thread); 256 KiB had a lower peak RSS than 1 MiB for a 1 GiB
 * download, at the same speed (docs/performance.md). A write message is as
 * large as the write: an upload's writer sizes its writes to this through
 * the stream's `chunkBytes`.
 */
export const MESSAGE_BYTES = 256 * 1024;

/** Where and how long to connect, without the signal (which cannot cross). */
export interface WireTarget {
  host: string;
  port: number;
  timeoutMs: number;
  purpose: string;
  phase?: TimeoutPhase;
}

/** What the transport asks its worker. Each request carries a number the reply repeats. */
export type WorkerRequest =
  | { req: number; op: "init"; tls: TlsConfig; localAddress?: string }
  | { req: number; op: "openControl"; target: WireTarget; implicitTls: boolean }
  | { req: number; op: "secureControl"; id: number }
  | { req: number; op: "clearControl"; id: number; timeoutMs: number }
  | { req: number; op: "openData"; target: WireTarget }
  | { req: number; op: "secureData"; id: number }
  | { req: number; op: "listen"; host: string }
  | { req: number; op: "accept"; listener: number; serverHost: string; timeoutMs: number }
  | { req: number; op: "read"; id: number; size: number; buffer?: ArrayBuffer }
  | { req: number; op: "write"; id: number; bytes: ArrayBuffer; n: number }
  | { req: number; op: "closeWrite"; id: number }
  | { req: number; op: "liveBytes" }
  | { req: number; op: "stats" };

/** Requests that get no reply. */
export type WorkerNotice =
  | { op: "abort"; target: number }
  | { op: "close"; id: number }
  | { op: "closeListener"; listener: number };

/** A stream the worker opened, as the transport sees it. */
export interface WireStream {
  id: number;
  local: Deno.NetAddr;
  remote: Deno.NetAddr;
}

/** The worker's answer to one request. */
export type WorkerReply =
  | ({ req: number; ok: true } & WireResult)
  | { req: number; ok: false; error: WireError; resumed?: boolean };

/** What a successful request returns (fields by operation). */
export interface WireResult {
  stream?: WireStream;
  listener?: { id: number; address: { host: string; port: number } };
  /** Bytes read (`read`), or accepted (`write`, whose buffer comes back in `bytes`). */
  n?: number;
  /**
   * The bytes read (the first `n` of the buffer), absent at the end of the
   * stream. A read's buffer is transferred, never copied, and goes back to
   * the worker with a later read, so that bytes cross without allocating.
   */
  bytes?: ArrayBuffer;
  /** The stream ended (`read`). */
  end?: boolean;
  /** Whether the stream's TLS handshake resumed a session, once known. */
  resumed?: boolean;
  /** Bytes alive in the worker after a forced collection (`liveBytes`). */
  live?: number;
  /** What the worker counted (`stats`). */
  stats?: WorkerStats;
}

/** Counters of a TLS worker, for tests of how bytes cross. */
export interface WorkerStats {
  /** Read buffers the worker allocated (the others came back from the client's thread). */
  readBuffersMade: number;
  /** Reads of data connections answered: one message each, carrying a filled buffer. */
  dataReadsServed: number;
  /** The most decrypted bytes one stream held, waiting for the reader. */
  mostPlaintextHeld: number;
  /** The most plaintext handed to node:tls in one write. */
  largestTlsWrite: number;
  /** The most ciphertext one stream had waiting to be written to its connection. */
  mostCiphertextQueued: number;
  /** node:tls's buffers (ciphertext written, plaintext read) freed as soon as they were used. */
  tlsBuffersReleased: number;
}

/** An error as plain data. */
export interface WireError {
  /** The class: an ferry error's name, a `Deno.errors` name, or "Error". */
  type: string;
  message: string;
  kind?: string;
  /** Which connection a TLS error concerns. */
  connection?: "control" | "data";
  phase?: string;
  timeoutMs?: number;
  /** Node's error code (`ECONNRESET`...), which the error mapping reads. */
  code?: string;
  cause?: WireError;
}

const DENO_ERRORS = new Set(Object.keys(Deno.errors));
/** Causes are kept a few levels deep: enough for every test ferry makes of them. */
const MAX_CAUSES = 4;

/** Turns an error into plain data that keeps its class and fields. */
export function encodeError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) return { type: "Error", message: String(error) };
  const wire: WireError = { type: "Error", message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") wire.code = code;
  if (error instanceof FtpConnectionError) Object.assign(wire, { kind: error.kind });
  else if (error instanceof FtpTlsError) {
    Object.assign(wire, { kind: error.kind, connection: error.connection });
  } else if (error instanceof FtpTimeoutError) {
    Object.assign(wire, { phase: error.phase, timeoutMs: error.timeoutMs });
  }
  // The class by the error's `name`, which ferry's errors set themselves (the
  // CLI's bundle is minified, which renames classes: tasks/build.ts);
  // FtpAbortError's `name` is "AbortError", as for fetch.
  if (error instanceof FtpError) {
    wire.type = error instanceof FtpAbortError ? "FtpAbortError" : error.name;
  } else if (DENO_ERRORS.has(error.name) && error instanceof errorClass(error.name)) {
    wire.type = `Deno.${error.name}`;
  }
  if (error.cause !== undefined && depth < MAX_CAUSES) {
    wire.cause = encodeError(error.cause, depth + 1);
  }
  return wire;
}

/** Rebuilds an error from {@linkcode encodeError}'s data, as the same class. */
export function decodeError(wire: WireError): Error {
  const options = wire.cause ? { cause: decodeError(wire.cause) } : undefined;
  let error: Error;
  switch (wire.type) {
    case "FtpConnectionError":
      error = new FtpConnectionError(wire.kind as ConnectionFailure, wire.message, options);
      break;
    case "FtpTlsError":
      error = new FtpTlsError(wire.kind as TlsFailure, wire.message, {
        ...options,
        connection: wire.connection,
      });
      break;
    case "FtpTimeoutError":
      error = new FtpTimeoutError(wire.phase as TimeoutPhase, wire.timeoutMs ?? 0, "");
      error.message = wire.message;
      break;
    case "FtpAbortError":
      error = new FtpAbortError(wire.message, options);
      break;
    case "FtpProtocolError":
      error = new FtpProtocolError(wire.message, options);
      break;
    case "FtpError":
      error = new FtpError(wire.message, options);
      break;
    default: {
      if (wire.type.startsWith("Ftp")) {
        error = new FtpError(wire.message, options);
        break;
      }
      const name = wire.type.startsWith("Deno.") ? wire.type.slice(5) : undefined;
      const ErrorClass = name && DENO_ERRORS.has(name) ? errorClass(name) : Error;
      error = new ErrorClass(wire.message, options);
    }
  }
  if (wire.code !== undefined) (error as { code?: string }).code = wire.code;
  return error;
}

function errorClass(name: string): ErrorConstructor {
  return (Deno.errors as unknown as Record<string, ErrorConstructor>)[name];
}
