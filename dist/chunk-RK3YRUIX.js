// src/protocol/host.ts
var IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
var MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;
function canonicalHost(host) {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (IPV4.test(bare)) return bare.split(".").map(Number).join(".");
  if (!bare.includes(":")) return bare.toLowerCase();
  let compressed;
  try {
    compressed = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return bare.toLowerCase();
  }
  const mapped = MAPPED_IPV4.exec(compressed);
  if (!mapped) return compressed;
  const high = parseInt(mapped[1], 16);
  const low = parseInt(mapped[2], 16);
  return [
    high >> 8,
    high & 255,
    low >> 8,
    low & 255
  ].join(".");
}
function sameHost(a, b) {
  return canonicalHost(a) === canonicalHost(b);
}
function isIpv6(host) {
  return canonicalHost(host).includes(":");
}
function hostForUrl(host) {
  return host.includes(":") ? `[${host}]` : host;
}
var IPV4_STRICT = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
function isIpAddress(text) {
  if (IPV4_STRICT.test(text)) return true;
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}
function hostPort(host, port) {
  return `${hostForUrl(host)}:${port}`;
}

export {
  canonicalHost,
  sameHost,
  isIpv6,
  hostForUrl,
  isIpAddress,
  hostPort
};
