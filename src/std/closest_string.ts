/**
 * A stand-in for `@std/text`'s `closestString`, with the same name and
 * behaviour, while JSR is out of reach: replace the import when it is not.
 *
 * @module
 */

import { levenshteinDistance } from "./levenshtein_distance.ts";

/** Options of {@linkcode closestString}. */
export interface ClosestStringOptions {
  /**
   * Whether case counts when comparing.
   *
   * @default {false}
   */
  caseSensitive?: boolean;
  /**
   * The distance between two strings.
   *
   * @default {levenshteinDistance}
   */
  compareFn?: (a: string, b: string) => number;
}

/**
 * The word of `possibleWords` closest to `input` (the first of equally close
 * ones), for "did you mean" hints. Throws when there is no word to choose.
 *
 * @example
 * ```ts
 * import { closestString } from "./closest_string.ts";
 *
 * closestString("direcion", ["direction", "delete", "local"]); // "direction"
 * ```
 */
export function closestString(
  input: string,
  possibleWords: ReadonlyArray<string>,
  options: ClosestStringOptions = {},
): string {
  if (possibleWords.length === 0) {
    throw new TypeError("closestString: possibleWords is empty; give at least one word");
  }
  const { caseSensitive = false, compareFn = levenshteinDistance } = options;
  const fold = (text: string) => caseSensitive ? text : text.toLowerCase();
  const target = fold(input);
  let best = possibleWords[0];
  let bestDistance = Infinity;
  for (const word of possibleWords) {
    const distance = compareFn(target, fold(word));
    if (distance < bestDistance) [best, bestDistance] = [word, distance];
  }
  return best;
}
