// The mutation check (tests/hardening/mutation_check.ts, a few minutes, not
// in CI) skipped a guard whose code had moved, and said so only in a line of
// its output: three of its guards went unchecked that way. This test, fast
// enough for CI, fails as soon as a mutation's text is no longer in its file
// or a test file it names is gone.

import assert from "node:assert/strict";
import { MUTATIONS } from "./_mutations.ts";

const repo = new URL("../../", import.meta.url);

Deno.test("every guard of the mutation check still finds the text it breaks, once, and the test files it names exist", async () => {
  assert.ok(MUTATIONS.length >= 27, `${MUTATIONS.length} mutations`);
  const ids = new Set<string>();
  for (const mutation of MUTATIONS) {
    assert.ok(!ids.has(mutation.id), `${mutation.id} twice`);
    ids.add(mutation.id);
    let text = await Deno.readTextFile(new URL(mutation.file, repo));
    for (const [from, to] of mutation.edits) {
      const at = text.indexOf(from);
      assert.ok(at >= 0, `${mutation.id} (${mutation.what}): its text is not in ${mutation.file}`);
      assert.ok(
        text.indexOf(from, at + 1) < 0,
        `${mutation.id}: its text is in ${mutation.file} more than once, so the edit is ambiguous`,
      );
      assert.notEqual(from, to, `${mutation.id}: an edit that changes nothing`);
      text = text.replace(from, to);
    }
    // A filter that names no test shows in the check itself: no test fails, so it reports the
    // guard as not caught. A missing file would be an error there, read as caught.
    for (const test of mutation.tests) {
      const path = new URL(`tests/hardening/${test.file}`, repo);
      await Deno.stat(path).catch(() => assert.fail(`${mutation.id}: no ${test.file}`));
    }
  }
});
