/**
 * The FEAT reply (RFC 2389): which extensions the server offers.
 *
 * @module
 */

import type { FtpReply } from "./reply.ts";

/**
 * Reads a FEAT reply into a map from upper-case feature name to its
 * parameters (`""` when it has none), such as `MLST` to
 * `type*;size*;modify*;`. Feature lines are read liberally: the RFC 2389
 * form (` MLST type*;`) and the RFC 959 multi-line form that repeats the
 * code on every line (`211-MLST type*;`, `211- REST STREAM`) both count.
 *
 * @param reply The 211 reply to FEAT.
 * @returns The features offered.
 *
 * @example
 * ```ts
 * import { parseFeatures } from "@ferry/ftp/protocol";
 *
 * const features = parseFeatures({
 *   code: 211,
 *   text: "",
 *   lines: ["211-Features:", " MDTM", " MLST type*;size*;", " UTF8", "211 End"],
 * });
 * console.log(features.get("MLST")); // "type*;size*;"
 * ```
 */
export function parseFeatures(reply: FtpReply): Map<string, string> {
  const features = new Map<string, string>();
  if (reply.code !== 211) return features;
  // RFC 2389 puts each feature on a line of its own starting with a space;
  // some servers write the RFC 959 multi-line form instead, repeating the
  // code on every line ("211-MLST type*;", "211- REST STREAM"). Both count.
  const prefix = `${reply.code}-`;
  for (const line of reply.lines.slice(1, -1)) {
    const text = (line.startsWith(prefix) ? line.slice(prefix.length) : line).trim();
    if (text === "") continue;
    const [name] = text.split(/\s/, 1);
    features.set(name.toUpperCase(), text.slice(name.length).trim());
  }
  return features;
}
