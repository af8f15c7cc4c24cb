// The stand-ins for @std functions (src/std/): the behaviour their @std
// namesakes document, so that swapping the import changes nothing.

import assert from "node:assert/strict";
import { closestString } from "../../src/std/closest_string.ts";
import { delay } from "../../src/std/delay.ts";
import { levenshteinDistance } from "../../src/std/levenshtein_distance.ts";

Deno.test("levenshteinDistance counts insertions, deletions and substitutions", () => {
  assert.equal(levenshteinDistance("", ""), 0);
  assert.equal(levenshteinDistance("abc", ""), 3);
  assert.equal(levenshteinDistance("", "abc"), 3);
  assert.equal(levenshteinDistance("kitten", "sitting"), 3);
  assert.equal(levenshteinDistance("paralel", "parallel"), 1);
  assert.equal(levenshteinDistance("direction", "diretcion"), 2);
});

Deno.test("closestString picks the nearest word, case aside unless asked, the first of ties", () => {
  assert.equal(closestString("paralel", ["url", "host", "parallel", "port"]), "parallel");
  assert.equal(closestString("KEEPALIVE", ["debounce", "keepAlive"]), "keepAlive");
  assert.equal(closestString("ab", ["ax", "ay"]), "ax");
  assert.equal(closestString("AB", ["ab", "Ax"], { caseSensitive: true }), "Ax");
  assert.equal(
    closestString("abc", ["abcdef", "z"], { compareFn: (a, b) => Math.abs(a.length - b.length) }),
    "z",
  );
  assert.throws(() => closestString("a", []), TypeError);
});

Deno.test("delay resolves after the time, rejects with the signal's reason, leaves no timer", async () => {
  const started = performance.now();
  await delay(20);
  assert.ok(performance.now() - started >= 15);

  const controller = new AbortController();
  const waiting = delay(60_000, { signal: controller.signal });
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  // Already aborted: rejects at once (the test sanitizer fails on a leaked timer).
  await assert.rejects(delay(60_000, { signal: controller.signal }), (error) => error === reason);
});
