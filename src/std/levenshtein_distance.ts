/**
 * A stand-in for `@std/text`'s `levenshteinDistance`, with the same name and
 * behaviour, while JSR is out of reach: replace the import when it is not.
 *
 * @module
 */

/**
 * The number of single-character insertions, deletions and substitutions
 * that turn `a` into `b`.
 *
 * @example
 * ```ts
 * import { levenshteinDistance } from "./levenshtein_distance.ts";
 *
 * levenshteinDistance("direction", "diretcion"); // 2
 * levenshteinDistance("aaa", "aaa"); // 0
 * ```
 */
export function levenshteinDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}
