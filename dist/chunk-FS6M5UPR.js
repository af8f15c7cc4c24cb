// src/client/temporary_names.ts
var PARTIAL_SUFFIX = ".ferry-part";
var ASIDE_SUFFIX = `.ferry-old${PARTIAL_SUFFIX}`;
function partialPath(path) {
  return path + PARTIAL_SUFFIX;
}
function segmentStatePath(part) {
  const base = part.endsWith(PARTIAL_SUFFIX) ? part.slice(0, -PARTIAL_SUFFIX.length) : part;
  return `${base}.ferry-segments${PARTIAL_SUFFIX}`;
}

export {
  PARTIAL_SUFFIX,
  ASIDE_SUFFIX,
  partialPath,
  segmentStatePath
};
