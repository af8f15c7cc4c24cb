import {
  localPathExists
} from "./chunk-3CMHRS5E.js";
import {
  segmentStatePath
} from "./chunk-FS6M5UPR.js";

// src/client/_segment_state.ts
function splitRanges(size, count) {
  const block = 64 * 1024;
  const step = Math.max(block, Math.ceil(size / count / block) * block);
  const segments = [];
  for (let from = 0; from < size && segments.length < count; from += step) {
    const to = segments.length === count - 1 ? size : Math.min(size, from + step);
    segments.push({
      from,
      to,
      done: 0
    });
  }
  segments[segments.length - 1].to = size;
  return segments;
}
function loadSegments(path, file) {
  let saved;
  try {
    saved = JSON.parse(Deno.readTextFileSync(path));
  } catch {
    return void 0;
  }
  if (saved?.version !== 1 || saved.remote !== file.remote || saved.size !== file.size || saved.mtime !== file.mtime || !Array.isArray(saved.segments)) {
    return void 0;
  }
  let expected = 0;
  for (const s of saved.segments) {
    const sound = Number.isSafeInteger(s?.from) && Number.isSafeInteger(s.to) && Number.isSafeInteger(s.done) && s.from === expected && s.to > s.from && s.done >= 0 && s.done <= s.to - s.from;
    if (!sound) return void 0;
    expected = s.to;
  }
  if (expected !== file.size) return void 0;
  return saved.segments.map((s) => ({
    from: s.from,
    to: s.to,
    done: s.done
  }));
}
function saveSegments(path, file, segments) {
  const state = {
    version: 1,
    ...file,
    segments
  };
  const writing = `${path}.new`;
  Deno.writeTextFileSync(writing, JSON.stringify(state));
  Deno.renameSync(writing, path);
}
function removeSegments(path) {
  for (const name of [
    path,
    `${path}.new`
  ]) {
    try {
      Deno.removeSync(name);
    } catch {
    }
  }
}
function discardSegmented(part, statePath = segmentStatePath(part)) {
  if (!localPathExists(statePath)) return;
  try {
    Deno.removeSync(part);
  } catch {
  }
  removeSegments(statePath);
}

export {
  splitRanges,
  loadSegments,
  saveSegments,
  removeSegments,
  discardSegmented
};
