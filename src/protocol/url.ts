/**
 * `ftp://`, `ftps://` (implicit TLS) and `ftpes://` (explicit TLS) URLs.
 *
 * @module
 */

import { FtpInputError } from "../errors.ts";
import { assertSafeArgument } from "./command.ts";

/**
 * How TLS is used: not at all, from the first byte (implicit) or after AUTH TLS (explicit).
 *
 * @example
 * ```ts
 * import { parseFtpUrl, type SecureMode } from "@ferry/ftp";
 *
 * const mode: SecureMode = parseFtpUrl("ftpes://example.com").secure; // "explicit"
 * ```
 */
export type SecureMode = "none" | "implicit" | "explicit";

/**
 * The parts of an FTP URL, percent-decoded.
 *
 * @example
 * ```ts
 * import type { FtpUrl } from "@ferry/ftp";
 * const url: FtpUrl = { secure: "none", host: "127.0.0.1", port: 21 };
 * ```
 */
export interface FtpUrl {
  /** TLS mode implied by the scheme. */
  secure: SecureMode;
  /** Host name or IP address; IPv6 without brackets. */
  host: string;
  /** Port; the scheme's default when the URL names none. */
  port: number;
  /** User name, when the URL has one. */
  user?: string;
  /** Password, when the URL has one. */
  password?: string;
  /**
   * Directory or file path. As in RFC 1738 and curl, it is relative to the
   * login directory (`ftp://h/pub` is `pub`); a leading `%2F` or an empty first
   * segment makes it absolute (`ftp://h/%2Fpub` and `ftp://h//pub` are `/pub`).
   */
  path?: string;
}

const SCHEMES: Record<string, { secure: SecureMode; port: number }> = {
  "ftp:": { secure: "none", port: 21 },
  "ftps:": { secure: "implicit", port: 990 },
  "ftpes:": { secure: "explicit", port: 21 },
};

/**
 * Removes the password from a URL so that it can be shown.
 *
 * @param url A URL as the user wrote it.
 * @returns The URL with any password replaced by `***`.
 *
 * @example
 * ```ts
 * import { redactUrl } from "@ferry/ftp";
 * console.log(redactUrl("ftp://bob:secret@host/")); // "ftp://bob:***@host/"
 * ```
 */
export function redactUrl(url: string): string {
  // The user info runs from the authority's start (after "://", or the
  // very start when the scheme is missing or mangled) to the last "@": a
  // password may itself hold "@" or "/", and text that is not a valid URL
  // must not leak it either. When in doubt, this hides too much rather than
  // too little.
  const at = url.lastIndexOf("@");
  if (at === -1) return url;
  const slashes = url.indexOf("://");
  const start = slashes !== -1 && slashes < at ? slashes + 3 : 0;
  const colon = url.indexOf(":", start);
  if (colon === -1 || colon > at) return url;
  return `${url.slice(0, colon)}:***${url.slice(at)}`;
}

/**
 * Parses an FTP URL.
 *
 * @param text The URL, such as `ftp://user:pa%40ss@host:2121/dir`.
 * @returns Its parts, percent-decoded.
 * @throws {FtpInputError} For another scheme, a missing host, an invalid
 * port or percent-encoding, a decoded part holding CR, LF or NUL, or user
 * info holding an unencoded `@`, `/`, `?`, `#` or `\` (which would put part
 * of the password in the host, port or path).
 *
 * @example
 * ```ts
 * import { parseFtpUrl } from "@ferry/ftp";
 * console.log(parseFtpUrl("ftpes://bob:s%40fe@example.com/%2Fsrv/www"));
 * // { secure: "explicit", host: "example.com", port: 21, user: "bob", password: "s@fe", path: "/srv/www" }
 * ```
 */
export function parseFtpUrl(text: string): FtpUrl {
  assertUserInfoEncoded(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FtpInputError(
      `${
        JSON.stringify(redactUrl(text))
      } is not a valid URL; expected ftp://[user[:password]@]host[:port][/path]`,
    );
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) {
    throw new FtpInputError(
      `Unsupported scheme ${
        JSON.stringify(url.protocol)
      }: use ftp://, ftps:// (implicit TLS) or ftpes:// (explicit TLS)`,
    );
  }
  let host = url.hostname;
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "") {
    throw new FtpInputError(`The URL ${JSON.stringify(redactUrl(text))} names no host`);
  }
  const port = url.port === "" ? scheme.port : Number(url.port);
  if (port === 0) {
    throw new FtpInputError(
      `The URL ${JSON.stringify(redactUrl(text))} names port 0; use a port from 1 to 65535`,
    );
  }
  const result: FtpUrl = { secure: scheme.secure, host, port };
  if (url.username !== "") result.user = decode(url.username, "user name");
  if (url.password !== "") result.password = decode(url.password, "password");
  const path = urlPath(url.pathname);
  if (path !== undefined) result.path = path;
  return result;
}

const ENCODE_HINT = 'percent-encode "@" as %40, "/" as %2F, "?" as %3F, "#" as %23 and "\\" ' +
  "as %5C in the user name and password (encodeURIComponent does)";

/**
 * Refuses user info that the URL parser would split in the wrong place. The
 * authority ends at the first "/", "?" or "#" (or a backslash in `ftp:`), and the
 * user info at its last "@". So a password holding an unencoded "@" leaves
 * two "@" in the authority, and one holding "/", "?", "#" or a backslash ends the
 * authority early: the host (or the port) is then a piece of the password,
 * or the user name, and the rest of the password lands in the path, where
 * errors would quote it.
 *
 * The second shape is told by an "@" after the authority while the
 * authority holds a ":" before its "@" (a password, or a port). That is also
 * how `ftp://host:2121/a@b` looks, which is the same text as user "host"
 * with password "2121/a" unencoded; since the two cannot be told apart, the
 * "@" must then be written %40. An "@" in the path of a URL with no password
 * and no port (`ftp://host/a@b`, `ftp://bob@host/a@b`) is unambiguous.
 */
function assertUserInfoEncoded(text: string): void {
  const start = text.indexOf("://");
  if (start === -1) return;
  const special = text.slice(0, start).toLowerCase() === "ftp";
  const rest = text.slice(start + 3);
  const end = rest.search(special ? /[/?#\\]/ : /[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const after = end === -1 ? "" : rest.slice(end);
  const ats = authority.split("@").length - 1;
  if (ats > 1) {
    throw new FtpInputError(
      `The URL ${JSON.stringify(redactUrl(text))} has more than one "@" before its host: ` +
        ENCODE_HINT,
    );
  }
  const beforeHost = ats === 1 ? authority.slice(0, authority.indexOf("@")) : authority;
  // An IPv6 address is the one place a host holds ":".
  if (after.includes("@") && beforeHost.replace(/\[[^\]]*\]/g, "").includes(":")) {
    throw new FtpInputError(
      `The URL ${JSON.stringify(redactUrl(text))} is ambiguous: an "@" follows its host part, ` +
        `as when a password holds an unencoded "/", "?", "#" or "\\": ${ENCODE_HINT}; ` +
        `if the "@" belongs to the path, write it as %40`,
    );
  }
}

function urlPath(pathname: string): string | undefined {
  if (pathname === "" || pathname === "/") return undefined;
  let raw = pathname.slice(1);
  if (raw.startsWith("/")) raw = raw.slice(1);
  else if (!/^%2f/i.test(raw)) return decode(raw, "path");
  else raw = raw.slice(3);
  return "/" + decode(raw, "path");
}

function decode(part: string, what: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(part);
  } catch {
    throw new FtpInputError(`The URL's ${what} has invalid percent-encoding`);
  }
  if (what === "password") {
    // Never echo the password itself, even in an input error.
    if (/[\r\n\0]/.test(decoded)) {
      throw new FtpInputError("The URL's password contains CR, LF or NUL");
    }
    return decoded;
  }
  return assertSafeArgument(decoded, `URL ${what}`);
}
