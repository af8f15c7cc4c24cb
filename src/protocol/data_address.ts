/**
 * Codecs for the addresses that set up data connections: PASV's 227 reply and
 * PORT's argument (RFC 959), EPSV's 229 reply and EPRT's argument (RFC 2428).
 *
 * @module
 */

import { FtpInputError, FtpProtocolError } from "../errors.ts";

/**
 * A host and port for a data connection.
 *
 * @example
 * ```ts
 * import type { DataAddress } from "@ferry/ftp/protocol";
 * const address: DataAddress = { host: "127.0.0.1", port: 50000 };
 * ```
 */
export interface DataAddress {
  /** An IPv4 or IPv6 address in text form (no brackets). */
  host: string;
  /** A TCP port, 1 to 65535. */
  port: number;
}

const PASV_NUMBERS = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/;

function assertPort(port: number, source: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FtpProtocolError(
      `${source} names port ${port}, which is not a usable TCP port (1-65535)`,
    );
  }
  return port;
}

/**
 * Reads the address from a 227 reply's text, such as
 * `Entering Passive Mode (127,0,0,1,195,80).`
 *
 * @param text The reply text.
 * @returns The host and port the server named.
 * @throws {FtpProtocolError} If no valid address is found.
 *
 * @example
 * ```ts
 * import { parsePasvReply } from "@ferry/ftp/protocol";
 * console.log(parsePasvReply("Entering Passive Mode (127,0,0,1,195,80)"));
 * // { host: "127.0.0.1", port: 50000 }
 * ```
 */
export function parsePasvReply(text: string): DataAddress {
  const match = PASV_NUMBERS.exec(text);
  if (!match) {
    throw new FtpProtocolError(
      `Cannot read an address from the PASV reply ${JSON.stringify(text)}`,
    );
  }
  const numbers = match.slice(1).map(Number);
  if (numbers.some((n) => n > 255)) {
    throw new FtpProtocolError(
      `The PASV reply ${JSON.stringify(text)} holds a number above 255`,
    );
  }
  const port = assertPort(numbers[4] * 256 + numbers[5], "The PASV reply");
  return { host: numbers.slice(0, 4).join("."), port };
}

/**
 * Reads the port from a 229 reply's text, such as
 * `Entering Extended Passive Mode (|||50000|)`. The delimiter may be any
 * printable character, as RFC 2428 allows.
 *
 * @param text The reply text.
 * @returns The port.
 * @throws {FtpProtocolError} If the text holds no valid port.
 *
 * @example
 * ```ts
 * import { parseEpsvReply } from "@ferry/ftp/protocol";
 * console.log(parseEpsvReply("Entering Extended Passive Mode (|||50000|)")); // 50000
 * ```
 */
export function parseEpsvReply(text: string): number {
  // Read in place (once a file): `(`, the delimiter three times, 1 to 5
  // digits, the delimiter, `)`; no split, no regular expression.
  const open = text.indexOf("(");
  const close = open === -1 ? -1 : text.indexOf(")", open + 1);
  const length = close - open - 1;
  const d = length >= 5 && length <= 9 ? text.charCodeAt(open + 1) : 0;
  let port = -1;
  if (
    d >= 0x21 && d <= 0x7e && text.charCodeAt(open + 2) === d &&
    text.charCodeAt(open + 3) === d && text.charCodeAt(close - 1) === d
  ) {
    port = 0;
    for (let i = open + 4; i < close - 1; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39 || c === d) {
        port = -1;
        break;
      }
      port = port * 10 + c - 0x30;
    }
  }
  if (port === -1) {
    throw new FtpProtocolError(
      `Cannot read a port from the EPSV reply ${JSON.stringify(text)}`,
    );
  }
  return assertPort(port, "The EPSV reply");
}

/**
 * Formats the argument of PORT: `h1,h2,h3,h4,p1,p2`. IPv4 only.
 *
 * @param address The local address and port to announce.
 * @returns The PORT argument.
 * @throws {FtpInputError} For an IPv6 host or an invalid port.
 *
 * @example
 * ```ts
 * import { formatPortArgument } from "@ferry/ftp/protocol";
 * console.log(formatPortArgument({ host: "127.0.0.1", port: 50000 })); // "127,0,0,1,195,80"
 * ```
 */
export function formatPortArgument(address: DataAddress): string {
  const octets = address.host.split(".");
  if (
    octets.length !== 4 ||
    octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)
  ) {
    throw new FtpInputError(
      `PORT needs an IPv4 address, got ${JSON.stringify(address.host)}; use EPRT for IPv6`,
    );
  }
  checkPort(address.port);
  return [...octets, address.port >> 8, address.port & 0xff].join(",");
}

/**
 * Formats the argument of EPRT: `|1|host|port|` or `|2|host|port|`.
 *
 * @param address The local address and port to announce.
 * @returns The EPRT argument.
 * @throws {FtpInputError} For an invalid port.
 *
 * @example
 * ```ts
 * import { formatEprtArgument } from "@ferry/ftp/protocol";
 * console.log(formatEprtArgument({ host: "::1", port: 50000 })); // "|2|::1|50000|"
 * ```
 */
export function formatEprtArgument(address: DataAddress): string {
  checkPort(address.port);
  const family = address.host.includes(":") ? 2 : 1;
  return `|${family}|${address.host}|${address.port}|`;
}

/**
 * Reads PORT's argument (server side).
 *
 * @param argument Text such as `127,0,0,1,195,80`.
 * @returns The address, or `undefined` if malformed.
 *
 * @example
 * ```ts
 * import { parsePortArgument } from "@ferry/ftp/protocol";
 * console.log(parsePortArgument("127,0,0,1,195,80")); // { host: "127.0.0.1", port: 50000 }
 * ```
 */
export function parsePortArgument(argument: string): DataAddress | undefined {
  const parts = argument.trim().split(",");
  if (parts.length !== 6 || parts.some((p) => !/^\d{1,3}$/.test(p))) {
    return undefined;
  }
  const n = parts.map(Number);
  if (n.some((x) => x > 255)) return undefined;
  const port = n[4] * 256 + n[5];
  if (port === 0) return undefined;
  return { host: n.slice(0, 4).join("."), port };
}

/**
 * Reads EPRT's argument (server side).
 *
 * @param argument Text such as `|2|::1|50000|`.
 * @returns The address, or `undefined` if malformed.
 *
 * @example
 * ```ts
 * import { parseEprtArgument } from "@ferry/ftp/protocol";
 * console.log(parseEprtArgument("|1|127.0.0.1|50000|")); // { host: "127.0.0.1", port: 50000 }
 * ```
 */
export function parseEprtArgument(argument: string): DataAddress | undefined {
  const d = argument[0];
  if (!d || d < "!" || d > "~") return undefined;
  const fields = argument.split(d);
  if (fields.length !== 5 || fields[0] !== "" || fields[4] !== "") {
    return undefined;
  }
  const [, family, host, portText] = fields;
  if (family !== "1" && family !== "2") return undefined;
  if (family === "1" && !/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return undefined;
  if (family === "2" && !/^[0-9A-Fa-f:.]+$/.test(host)) return undefined;
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { host, port };
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FtpInputError(`${port} is not a TCP port (1-65535)`);
  }
}
