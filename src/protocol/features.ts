/**
 * The FEAT reply (RFC 2389): which extensions the server offers.
 *
 * @module
 */

import type { FtpReply } from "./reply.ts";

/**
 * Reads a FEAT reply into a map from upper-case feature name to its
 * parameters (`""` when it has none), such as `MLST` to
 * `type*;size*;modify*;`.
 *
 * @param reply The 211 reply to FEAT.
 * @returns The features offered.
 *
 * @example
 * ```ts
 * import { parseFeatures } from "@ferry/ftp";
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
  // RFC 2389 puts each feature on its own line starting with a space.
  for (const line of reply.lines.slice(1, -1)) {
    const text = line.trim();
    if (text === "") continue;
    const space = text.indexOf(" ");
    const name = (space === -1 ? text : text.slice(0, space)).toUpperCase();
    features.set(name, space === -1 ? "" : text.slice(space + 1).trim());
  }
  return features;
}
