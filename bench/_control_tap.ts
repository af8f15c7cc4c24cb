// What the delay proxy sees of one FTP session (a control connection and
// the data connections it announced): the client's flights and the command
// lines in each, and the passive-mode replies, whose address it rewrites so
// that the data connections come through the proxy too.
//
// A flight is what the client sends after something arrived from the server
// on any of the session's connections, so each flight waited for at least
// one round trip. On a data connection the client's close counts as sending:
// servers such as vsftpd wait for it before their 226, so it costs a round
// trip (a close of the control connection waits for nothing and does not).

/** One control connection's counts. */
export interface ControlRecord {
  /**
   * Commands (CRLF-terminated lines) in each flight, in order; 0 for a flight
   * that only sent data or closed a data connection.
   */
  commandsPerFlight: number[];
  /** How often each command verb was sent (verbs only: no arguments, so no password). */
  verbs: Record<string, number>;
  /** Data connections opened through the addresses this connection was given. */
  dataConnections: number;
  /** Bytes from the client, and to it, on this control connection. */
  bytesUp: number;
  bytesDown: number;
}

/** Opens a data listener for a passive reply and returns the port the client should use. */
export type AnnounceDataPort = (serverHost: string, serverPort: number) => number;

const LF = 0x0a;
/** A reply line longer than this is passed on as it comes (no passive reply is that long). */
const MAX_LINE = 4096;
const VERB = /^[A-Za-z]{3,4}$/;

const ascii = new TextDecoder("latin1");
const encoder = new TextEncoder();

/** Counts one control connection's flights and rewrites its passive replies. */
export class ControlTap {
  readonly record: ControlRecord = {
    commandsPerFlight: [],
    verbs: {},
    dataConnections: 0,
    bytesUp: 0,
    bytesDown: 0,
  };
  #serverSpoke = false;
  #verbPrefix = "";
  #atLineStart = true;
  #heldReply = new Uint8Array(0);
  #atReplyStart = true;
  readonly #serverHost: string;
  readonly #proxyHost: string;
  readonly #announce: AnnounceDataPort;

  /**
   * @param serverHost The server's control address (where EPSV ports are).
   * @param proxyHost The proxy's address, announced in rewritten PASV replies.
   * @param announce Opens a data listener for a server port.
   */
  constructor(serverHost: string, proxyHost: string, announce: AnnounceDataPort) {
    this.#serverHost = serverHost;
    this.#proxyHost = proxyHost;
    this.#announce = announce;
  }

  /** The client sent something: a new flight if the server spoke since its last one. */
  #clientSends(): void {
    if (this.record.commandsPerFlight.length === 0 || this.#serverSpoke) {
      this.record.commandsPerFlight.push(0);
      this.#serverSpoke = false;
    }
  }

  /** Client → server bytes or close on one of the session's data connections. */
  dataFromClient(): void {
    this.#clientSends();
  }

  /** Client → server bytes on the control connection, as the proxy reads them. */
  fromClient(chunk: Uint8Array): Uint8Array {
    this.record.bytesUp += chunk.length;
    this.#clientSends();
    let lines = 0;
    for (const byte of chunk) {
      if (this.#atLineStart || this.#verbPrefix.length > 0) {
        this.#atLineStart = false;
        if (byte === 0x20 || byte === 0x0d || byte === LF) this.#countVerb();
        else if (this.#verbPrefix.length < 8) this.#verbPrefix += String.fromCharCode(byte);
      }
      if (byte === LF) {
        lines++;
        this.#atLineStart = true;
        this.#verbPrefix = "";
      }
    }
    this.record.commandsPerFlight[this.record.commandsPerFlight.length - 1] += lines;
    return chunk;
  }

  #countVerb(): void {
    const verb = this.#verbPrefix.toUpperCase();
    this.#verbPrefix = "";
    if (!VERB.test(verb)) return;
    this.record.verbs[verb] = (this.record.verbs[verb] ?? 0) + 1;
  }

  /**
   * Server → client bytes (or a close) are being written to the client, on
   * the control connection or a data connection: what it sends from now on
   * starts a new flight.
   */
  deliveredToClient(): void {
    this.#serverSpoke = true;
  }

  /**
   * Server → client bytes, as the proxy reads them. They go on at once, but
   * for a line that is or may become a passive reply (227 or 229): that one
   * waits for its end, to be rewritten whole.
   */
  fromServer(chunk: Uint8Array): Uint8Array {
    this.record.bytesDown += chunk.length;
    const bytes = this.#heldReply.length === 0 ? chunk : concat(this.#heldReply, chunk);
    this.#heldReply = new Uint8Array(0);
    const out: Uint8Array[] = [];
    // Bounded: each pass moves `pos` forward by at least one byte.
    for (let pos = 0; pos < bytes.length;) {
      const lf = bytes.indexOf(LF, pos);
      const end = lf === -1 ? bytes.length : lf + 1;
      const piece = bytes.subarray(pos, end);
      pos = end;
      if (this.#atReplyStart && lf === -1 && mayBePassiveReply(piece) && piece.length <= MAX_LINE) {
        this.#heldReply = piece.slice(); // still at the start of a reply
        continue;
      }
      // The rest of a line that is no passive reply goes on as it is.
      out.push(this.#atReplyStart && lf !== -1 ? this.#rewritten(piece) : piece);
      this.#atReplyStart = lf !== -1;
    }
    return out.length === 1 ? out[0] : concat(...out);
  }

  /** The server closed: a held partial line goes on as it is. */
  serverEnded(): Uint8Array {
    const rest = this.#heldReply;
    this.#heldReply = new Uint8Array(0);
    return rest;
  }

  /** A whole line, rewritten if it is a passive reply. */
  #rewritten(line: Uint8Array): Uint8Array {
    if (!mayBePassiveReply(line) || line.length < 5) return line;
    const replaced = this.#rewriteLine(ascii.decode(line));
    return replaced === undefined ? line : encoder.encode(replaced);
  }

  #rewriteLine(line: string): string | undefined {
    if (line.startsWith("227")) {
      const match = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(line);
      if (!match) return undefined;
      const [h1, h2, h3, h4, p1, p2] = match.slice(1).map(Number);
      const port = this.#announce(`${h1}.${h2}.${h3}.${h4}`, p1 * 256 + p2);
      const address = [...this.#proxyHost.split("."), port >> 8, port & 0xff].join(",");
      return line.slice(0, match.index) + address + line.slice(match.index + match[0].length);
    }
    const match = /\((.)\1\1(\d{1,5})\1\)/.exec(line);
    if (!match) return undefined;
    const port = this.#announce(this.#serverHost, Number(match[2]));
    const d = match[1];
    return line.slice(0, match.index) + `(${d}${d}${d}${port}${d})` +
      line.slice(match.index + match[0].length);
  }
}

/** Whether a line (or the start of one) is, or may grow into, a final 227 or 229 reply. */
function mayBePassiveReply(line: Uint8Array): boolean {
  const pattern = [0x32, 0x32, -1, 0x20]; // "22?" then a space
  for (let i = 0; i < Math.min(line.length, pattern.length); i++) {
    if (i === 2 ? line[i] !== 0x37 && line[i] !== 0x39 : line[i] !== pattern[i]) return false;
  }
  return true;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
