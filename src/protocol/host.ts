/**
 * IP address spellings. A host may arrive as `127.0.0.1`, `127.000.0.1`,
 * `::ffff:127.0.0.1`, `0:0:0:0:0:0:0:1` or `::1`. The client (which data
 * connections to accept) and the embedded server (bounce protection, passive
 * peers) compare addresses, so they compare one canonical form.
 *
 * @module
 */

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * The canonical text of an address: IPv4 in plain decimal, IPv6 compressed
 * and lower case, IPv4-mapped IPv6 as IPv4. Anything else is returned lower
 * cased, so that it never equals a real address by accident.
 *
 * @example Spellings of one address
 * ```ts
 * import { canonicalHost } from "@ferry/ftp/protocol";
 *
 * canonicalHost("127.000.0.1"); // "127.0.0.1"
 * canonicalHost("::ffff:127.0.0.1"); // "127.0.0.1"
 * canonicalHost("0:0:0:0:0:0:0:1"); // "::1"
 * ```
 */
export function canonicalHost(host: string): string {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (IPV4.test(bare)) return bare.split(".").map(Number).join(".");
  if (!bare.includes(":")) return bare.toLowerCase();
  let compressed: string;
  try {
    // The URL parser implements the IPv6 text rules (RFC 5952 output form).
    compressed = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return bare.toLowerCase();
  }
  const mapped = MAPPED_IPV4.exec(compressed);
  if (!mapped) return compressed;
  const high = parseInt(mapped[1], 16);
  const low = parseInt(mapped[2], 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

/**
 * Whether two spellings name the same address.
 *
 * @example
 * ```ts
 * import { sameHost } from "@ferry/ftp/protocol";
 *
 * sameHost("::ffff:127.0.0.1", "127.0.0.1"); // true
 * ```
 */
export function sameHost(a: string, b: string): boolean {
  return canonicalHost(a) === canonicalHost(b);
}

/**
 * Whether an address is IPv6 (after unmapping IPv4-mapped ones).
 *
 * @example
 * ```ts
 * import { isIpv6 } from "@ferry/ftp/protocol";
 *
 * isIpv6("::1"); // true
 * isIpv6("::ffff:127.0.0.1"); // false
 * ```
 */
export function isIpv6(host: string): boolean {
  return canonicalHost(host).includes(":");
}

/**
 * The host as written in a URL or `host:port` text: IPv6 in brackets.
 *
 * @example
 * ```ts
 * import { hostForUrl } from "@ferry/ftp/protocol";
 *
 * hostForUrl("::1"); // "[::1]"
 * hostForUrl("127.0.0.1"); // "127.0.0.1"
 * ```
 */
export function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

const IPV4_STRICT = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Whether `text` is an IP address as written without brackets: an IPv4
 * dotted quad, or an IPv6 address (no zone index).
 */
export function isIpAddress(text: string): boolean {
  if (IPV4_STRICT.test(text)) return true;
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Host and port as `host:port` text, bracketing IPv6 addresses.
 *
 * @example
 * ```ts
 * import { hostPort } from "@ferry/ftp/protocol";
 *
 * hostPort("::1", 21); // "[::1]:21"
 * ```
 */
export function hostPort(host: string, port: number): string {
  return `${hostForUrl(host)}:${port}`;
}
