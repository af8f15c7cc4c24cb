// src/runner/duration.ts
var DURATION_PATTERN = /^\d+(\.\d+)?\s*(ms|s|m|h)$/;
var UNITS = {
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 36e5
};
function durationMs(value) {
  if (typeof value === "number") return value;
  const unit = DURATION_PATTERN.exec(value)[2];
  return Math.round(parseFloat(value) * UNITS[unit]);
}

// src/runner/byte_rate.ts
var RATE_PATTERN = /^(?=[\d.]*[1-9])(\d+(?:\.\d+)?)\s*([kKmMgG]|[KMG]iB|[kKMG]B|B)?(?:\/s)?$/;
var UNITS2 = {
  "": 1,
  B: 1,
  k: 1024,
  K: 1024,
  KiB: 1024,
  m: 1024 ** 2,
  M: 1024 ** 2,
  MiB: 1024 ** 2,
  g: 1024 ** 3,
  G: 1024 ** 3,
  GiB: 1024 ** 3,
  kB: 1e3,
  KB: 1e3,
  MB: 1e3 ** 2,
  GB: 1e3 ** 3
};
var RATE_EXPECTED = 'a rate in bytes per second above 0, such as 2097152, "500K", "2M" or "2MiB" (K, M, G: powers of 1024; kB, MB, GB: powers of 1000)';
function bytesPerSecond(value) {
  let rate;
  if (typeof value === "number") {
    rate = value;
  } else {
    const match = RATE_PATTERN.exec(value.trim());
    if (!match) return void 0;
    rate = parseFloat(match[1]) * UNITS2[match[2] ?? ""];
  }
  rate = Math.round(rate);
  return Number.isSafeInteger(rate) && rate >= 1 ? rate : void 0;
}

export {
  DURATION_PATTERN,
  durationMs,
  RATE_PATTERN,
  RATE_EXPECTED,
  bytesPerSecond
};
