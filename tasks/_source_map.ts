// Source map (version 3) column moves for tasks/build.ts's edits of the
// bundle's chunks: a minified chunk is mostly one line, so without them every
// frame of a stack trace after an edit would point a few tokens off.

/** The part of a source map (version 3) that a rewrite changes. */
export interface SourceMap {
  /** Per generated line (`;`-separated), segments (`,`-separated) of base64 VLQs. */
  mappings: string;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The first VLQ of a segment: its generated column, relative to the segment before. */
function firstVlq(segment: string): number {
  let value = 0;
  for (let i = 0, shift = 0;; i++, shift += 5) {
    const digit = BASE64.indexOf(segment[i]);
    value += (digit & 31) << shift;
    if (!(digit & 32)) break;
  }
  return value & 1 ? -(value >>> 1) : value >>> 1;
}

/** `segment` with its first VLQ replaced by `value`. */
function withFirstVlq(segment: string, value: number): string {
  let rest = 0;
  while (BASE64.indexOf(segment[rest]) & 32) rest++;
  let vlq = value < 0 ? (-value << 1) | 1 : value << 1;
  let encoded = "";
  do {
    const digit = vlq & 31;
    vlq >>>= 5;
    encoded += BASE64[vlq ? digit | 32 : digit];
  } while (vlq);
  return encoded + segment.slice(rest + 1);
}

/**
 * Keeps `map` true to a chunk whose text grows by `delta` characters before
 * offset `end` (the end of a rewritten expression): the first mapping segment
 * at or after `end` on that line moves by `delta`, and with it every later one on the line (each column is
 * relative to the one before). A minified chunk is mostly one line, so
 * without this every frame after a rewrite would point a few tokens off.
 */
export function shiftColumns(map: SourceMap, text: string, end: number, delta: number) {
  // Shorter text would leave the segments inside the rewritten span past the
  // ones moved back, out of order; the rewrites only ever add a path's length.
  if (delta < 0) {
    throw new Error(
      `a rewrite shortened the text by ${-delta}: shiftColumns only moves columns right`,
    );
  }
  const lineStart = text.lastIndexOf("\n", end - 1) + 1;
  const line = text.slice(0, lineStart).split("\n").length - 1;
  const column = end - lineStart;
  const lines = map.mappings.split(";");
  const segments = lines[line]?.split(",") ?? [];
  let generated = 0;
  for (const [i, segment] of segments.entries()) {
    if (segment === "") continue;
    const relative = firstVlq(segment);
    generated += relative;
    if (generated >= column) {
      segments[i] = withFirstVlq(segment, relative + delta);
      break;
    }
  }
  lines[line] = segments.join(",");
  map.mappings = lines.join(";");
}

/**
 * Keeps `map` true to a chunk `text` after `insertions` (sorted by offset in
 * `text`): every mapping segment at or after an insertion's column, on the
 * insertion's line, moves right by the inserted length.
 */
export function shiftColumnsFor(
  map: SourceMap,
  text: string,
  insertions: readonly { offset: number; text: string }[],
) {
  const lines = map.mappings.split(";");
  let lineStart = 0;
  let line = 0;
  let next = 0;
  while (next < insertions.length) {
    const lineEnd = text.indexOf("\n", lineStart);
    const end = lineEnd === -1 ? text.length + 1 : lineEnd + 1;
    const onLine: { column: number; delta: number }[] = [];
    while (next < insertions.length && insertions[next].offset < end) {
      const { offset, text: inserted } = insertions[next++];
      onLine.push({ column: offset - lineStart, delta: inserted.length });
    }
    if (onLine.length > 0 && lines[line]) {
      const segments = lines[line].split(",");
      let generated = 0;
      let shift = 0;
      let shiftedBefore = 0;
      let i = 0;
      for (const [s, segment] of segments.entries()) {
        if (segment === "") continue;
        const relative = firstVlq(segment);
        generated += relative;
        while (i < onLine.length && onLine[i].column <= generated) shift += onLine[i++].delta;
        if (shift !== shiftedBefore) {
          segments[s] = withFirstVlq(segment, relative + shift - shiftedBefore);
          shiftedBefore = shift;
        }
      }
      lines[line] = segments.join(",");
    }
    lineStart = end;
    line++;
  }
  map.mappings = lines.join(";");
}
