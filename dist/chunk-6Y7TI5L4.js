import {
  FtpTlsError
} from "./chunk-UN72SBEK.js";

// src/transport/transport.ts
var TLS_WORKER_MODULE = new URL("./transport/_isolated_worker.js", import.meta.url);
function tlsError(error, config, what) {
  if (error instanceof FtpTlsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error.code ?? "";
  const text = `${code} ${message}`;
  const name = config.serverName;
  const connection = /data/.test(what) ? "data" : "control";
  if (/NotValidForName|not valid for name|ALTNAME|hostname|Hostname\/IP/i.test(text)) {
    return new FtpTlsError("hostname", `The server's certificate on the ${what} is not valid for ${name}; connect by the name the certificate carries, or set tls.serverName`, {
      cause: error,
      connection
    });
  }
  if (/expired|CERT_HAS_EXPIRED/i.test(text)) {
    return new FtpTlsError("expired", `The server's certificate on the ${what} has expired; the server must renew it`, {
      cause: error,
      connection
    });
  }
  if (/UnknownIssuer|self[ -]signed|SELF_SIGNED|UNABLE_TO_(VERIFY|GET)|certificate|BadSignature/i.test(text)) {
    return new FtpTlsError("certificate", `The server's certificate on the ${what} is not trusted (${message}); pass its CA with tls.caCerts, or, only for testing, tls.verify: false`, {
      cause: error,
      connection
    });
  }
  return new FtpTlsError("handshake", `The TLS handshake on the ${what} failed: ${message}${boundHint(text, config)}`, {
    cause: error,
    connection
  });
}
function boundHint(text, config) {
  const { minVersion, maxVersion } = config.bounds ?? {};
  if (!minVersion && !maxVersion) return "";
  if (!/PROTOCOL_VERSION|ProtocolVersion|protocol version|incompatible/i.test(text)) return "";
  const bound = minVersion ? `tls.minVersion is ${minVersion}, and the server does not speak it` : `tls.maxVersion is ${maxVersion}, and the server speaks only newer versions`;
  return ` (${bound}; lift the bound, or have the server offer that version)`;
}

export {
  TLS_WORKER_MODULE,
  tlsError
};
