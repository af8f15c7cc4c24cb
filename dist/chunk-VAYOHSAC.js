// src/runner/limits.ts
var MAX_RETRIES = 100;

// src/runner/whole_number_pattern.ts
function wholeNumberPattern(min, max) {
  const parts = [];
  const longest = String(max).length;
  for (let digits = String(min).length; digits <= longest; digits++) {
    const low = Math.max(min, digits === 1 ? 0 : 10 ** (digits - 1));
    const high = Math.min(max, 10 ** digits - 1);
    if (low <= high) parts.push(...sameLength(String(low), String(high)));
  }
  return `^(?:${parts.join("|")})$`;
}
function digitClass(from, to) {
  return from === to ? String(from) : `[${from}-${to}]`;
}
function anyDigits(count) {
  return count === 0 ? "" : count === 1 ? "\\d" : `\\d{${count}}`;
}
function sameLength(low, high) {
  if (low === high) return [
    low
  ];
  let common = 0;
  while (low[common] === high[common]) common++;
  const prefix = low.slice(0, common);
  const from = Number(low[common]);
  const to = Number(high[common]);
  const rest = low.length - common - 1;
  const lowRest = low.slice(common + 1);
  const highRest = high.slice(common + 1);
  if (/^0*$/.test(lowRest) && /^9*$/.test(highRest)) {
    const head = from === 0 && to === 9 ? anyDigits(rest + 1) : digitClass(from, to) + anyDigits(rest);
    return [
      prefix + head
    ];
  }
  const out = sameLength(lowRest, "9".repeat(rest)).map((p) => `${prefix}${from}${p}`);
  if (to - from >= 2) out.push(prefix + digitClass(from + 1, to - 1) + anyDigits(rest));
  out.push(...sameLength("0".repeat(rest), highRest).map((p) => `${prefix}${to}${p}`));
  return out;
}

export {
  MAX_RETRIES,
  wholeNumberPattern
};
