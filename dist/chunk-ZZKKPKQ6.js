import {
  FtpInputError,
  FtpProtocolError
} from "./chunk-UN72SBEK.js";

// src/protocol/data_address.ts
var PASV_NUMBERS = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/;
function assertPort(port, source) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FtpProtocolError(`${source} names port ${port}, which is not a usable TCP port (1-65535)`);
  }
  return port;
}
function parsePasvReply(text) {
  const match = PASV_NUMBERS.exec(text);
  if (!match) {
    throw new FtpProtocolError(`Cannot read an address from the PASV reply ${JSON.stringify(text)}`);
  }
  const numbers = match.slice(1).map(Number);
  if (numbers.some((n) => n > 255)) {
    throw new FtpProtocolError(`The PASV reply ${JSON.stringify(text)} holds a number above 255`);
  }
  const port = assertPort(numbers[4] * 256 + numbers[5], "The PASV reply");
  return {
    host: numbers.slice(0, 4).join("."),
    port
  };
}
function parseEpsvReply(text) {
  const open = text.indexOf("(");
  const close = text.indexOf(")", open + 1);
  const body = open === -1 || close === -1 ? "" : text.slice(open + 1, close);
  const d = body[0];
  const fields = body.split(d ?? "|");
  const valid = body.length >= 5 && d >= "!" && d <= "~" && fields.length === 5 && fields[0] === "" && fields[1] === "" && fields[2] === "" && fields[4] === "" && /^\d{1,5}$/.test(fields[3]);
  if (!valid) {
    throw new FtpProtocolError(`Cannot read a port from the EPSV reply ${JSON.stringify(text)}`);
  }
  return assertPort(Number(fields[3]), "The EPSV reply");
}
function formatPortArgument(address) {
  const octets = address.host.split(".");
  if (octets.length !== 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255)) {
    throw new FtpInputError(`PORT needs an IPv4 address, got ${JSON.stringify(address.host)}; use EPRT for IPv6`);
  }
  checkPort(address.port);
  return [
    ...octets,
    address.port >> 8,
    address.port & 255
  ].join(",");
}
function formatEprtArgument(address) {
  checkPort(address.port);
  const family = address.host.includes(":") ? 2 : 1;
  return `|${family}|${address.host}|${address.port}|`;
}
function parsePortArgument(argument) {
  const parts = argument.trim().split(",");
  if (parts.length !== 6 || parts.some((p) => !/^\d{1,3}$/.test(p))) {
    return void 0;
  }
  const n = parts.map(Number);
  if (n.some((x) => x > 255)) return void 0;
  const port = n[4] * 256 + n[5];
  if (port === 0) return void 0;
  return {
    host: n.slice(0, 4).join("."),
    port
  };
}
function parseEprtArgument(argument) {
  const d = argument[0];
  if (!d || d < "!" || d > "~") return void 0;
  const fields = argument.split(d);
  if (fields.length !== 5 || fields[0] !== "" || fields[4] !== "") {
    return void 0;
  }
  const [, family, host, portText] = fields;
  if (family !== "1" && family !== "2") return void 0;
  if (family === "1" && !/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return void 0;
  if (family === "2" && !/^[0-9A-Fa-f:.]+$/.test(host)) return void 0;
  if (!/^\d{1,5}$/.test(portText)) return void 0;
  const port = Number(portText);
  if (port < 1 || port > 65535) return void 0;
  return {
    host,
    port
  };
}
function checkPort(port) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FtpInputError(`${port} is not a TCP port (1-65535)`);
  }
}

export {
  parsePasvReply,
  parseEpsvReply,
  formatPortArgument,
  formatEprtArgument,
  parsePortArgument,
  parseEprtArgument
};
