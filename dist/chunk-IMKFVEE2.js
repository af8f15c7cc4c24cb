import {
  FtpAbortError,
  FtpConnectionError,
  FtpError,
  FtpProtocolError,
  FtpTimeoutError,
  FtpTlsError
} from "./chunk-UN72SBEK.js";

// src/transport/_isolated_wire.ts
var MESSAGE_BYTES = 256 * 1024;
var DENO_ERRORS = new Set(Object.keys(Deno.errors));
var MAX_CAUSES = 4;
function encodeError(error, depth = 0) {
  if (!(error instanceof Error)) return {
    type: "Error",
    message: String(error)
  };
  const wire = {
    type: "Error",
    message: error.message
  };
  const code = error.code;
  if (typeof code === "string") wire.code = code;
  if (error instanceof FtpConnectionError) Object.assign(wire, {
    kind: error.kind
  });
  else if (error instanceof FtpTlsError) {
    Object.assign(wire, {
      kind: error.kind,
      connection: error.connection
    });
  } else if (error instanceof FtpTimeoutError) {
    Object.assign(wire, {
      phase: error.phase,
      timeoutMs: error.timeoutMs
    });
  }
  if (error instanceof FtpError) wire.type = error.constructor.name;
  else if (DENO_ERRORS.has(error.name) && error instanceof errorClass(error.name)) {
    wire.type = `Deno.${error.name}`;
  }
  if (error.cause !== void 0 && depth < MAX_CAUSES) {
    wire.cause = encodeError(error.cause, depth + 1);
  }
  return wire;
}
function decodeError(wire) {
  const options = wire.cause ? {
    cause: decodeError(wire.cause)
  } : void 0;
  let error;
  switch (wire.type) {
    case "FtpConnectionError":
      error = new FtpConnectionError(wire.kind, wire.message, options);
      break;
    case "FtpTlsError":
      error = new FtpTlsError(wire.kind, wire.message, {
        ...options,
        connection: wire.connection
      });
      break;
    case "FtpTimeoutError":
      error = new FtpTimeoutError(wire.phase, wire.timeoutMs ?? 0, "");
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
      const name = wire.type.startsWith("Deno.") ? wire.type.slice(5) : void 0;
      const ErrorClass = name && DENO_ERRORS.has(name) ? errorClass(name) : Error;
      error = new ErrorClass(wire.message, options);
    }
  }
  if (wire.code !== void 0) error.code = wire.code;
  return error;
}
function errorClass(name) {
  return Deno.errors[name];
}

export {
  MESSAGE_BYTES,
  encodeError,
  decodeError
};
