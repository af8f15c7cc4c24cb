import {
  assertSafeArgument
} from "./chunk-67NZJHGR.js";
import {
  FtpInputError
} from "./chunk-UN72SBEK.js";

// src/protocol/url.ts
var SCHEMES = {
  "ftp:": {
    secure: "none",
    port: 21
  },
  "ftps:": {
    secure: "implicit",
    port: 990
  },
  "ftpes:": {
    secure: "explicit",
    port: 21
  }
};
function redactUrl(url) {
  const at = url.lastIndexOf("@");
  if (at === -1) return url;
  const slashes = url.indexOf("://");
  const start = slashes !== -1 && slashes < at ? slashes + 3 : 0;
  const colon = url.indexOf(":", start);
  if (colon === -1 || colon > at) return url;
  return `${url.slice(0, colon)}:***${url.slice(at)}`;
}
function parseFtpUrl(text) {
  assertUserInfoEncoded(text);
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new FtpInputError(`${JSON.stringify(redactUrl(text))} is not a valid URL; expected ftp://[user[:password]@]host[:port][/path]`);
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) {
    throw new FtpInputError(`Unsupported scheme ${JSON.stringify(url.protocol)}: use ftp://, ftps:// (implicit TLS) or ftpes:// (explicit TLS)`);
  }
  let host = url.hostname;
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "") {
    throw new FtpInputError(`The URL ${JSON.stringify(redactUrl(text))} names no host`);
  }
  const port = url.port === "" ? scheme.port : Number(url.port);
  if (port === 0) {
    throw new FtpInputError(`The URL ${JSON.stringify(redactUrl(text))} names port 0; use a port from 1 to 65535`);
  }
  const result = {
    secure: scheme.secure,
    host,
    port
  };
  if (url.username !== "") result.user = decode(url.username, "user name");
  if (url.password !== "") result.password = decode(url.password, "password");
  const path = urlPath(url.pathname);
  if (path !== void 0) result.path = path;
  return result;
}
var ENCODE_HINT = 'percent-encode "@" as %40, "/" as %2F, "?" as %3F, "#" as %23 and "\\" as %5C in the user name and password (encodeURIComponent does)';
function assertUserInfoEncoded(text) {
  const start = text.indexOf("://");
  if (start === -1) return;
  const special = text.slice(0, start).toLowerCase() === "ftp";
  const rest = text.slice(start + 3);
  const end = rest.search(special ? /[/?#\\]/ : /[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const after = end === -1 ? "" : rest.slice(end);
  const ats = authority.split("@").length - 1;
  if (ats > 1) {
    throw new FtpInputError(`The URL ${JSON.stringify(redactUrl(text))} has more than one "@" before its host: ` + ENCODE_HINT);
  }
  const beforeHost = ats === 1 ? authority.slice(0, authority.indexOf("@")) : authority;
  if (after.includes("@") && beforeHost.replace(/\[[^\]]*\]/g, "").includes(":")) {
    throw new FtpInputError(`The URL ${JSON.stringify(redactUrl(text))} is ambiguous: an "@" follows its host part, as when a password holds an unencoded "/", "?", "#" or "\\": ${ENCODE_HINT}; if the "@" belongs to the path, write it as %40`);
  }
}
function urlPath(pathname) {
  if (pathname === "" || pathname === "/") return void 0;
  let raw = pathname.slice(1);
  if (raw.startsWith("/")) raw = raw.slice(1);
  else if (!/^%2f/i.test(raw)) return decode(raw, "path");
  else raw = raw.slice(3);
  return "/" + decode(raw, "path");
}
function decode(part, what) {
  let decoded;
  try {
    decoded = decodeURIComponent(part);
  } catch {
    throw new FtpInputError(`The URL's ${what} has invalid percent-encoding`);
  }
  if (what === "password") {
    if (/[\r\n\0]/.test(decoded)) {
      throw new FtpInputError("The URL's password contains CR, LF or NUL");
    }
    return decoded;
  }
  return assertSafeArgument(decoded, `URL ${what}`);
}

export {
  redactUrl,
  parseFtpUrl
};
