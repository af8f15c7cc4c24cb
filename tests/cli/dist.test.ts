// dist/ (the bundle the README installs) must be what `deno task build` makes
// from the sources now: a change to src/ or deno.json without a rebuild fails
// here, so the committed bundle cannot drift from the code that is tested.

import assert from "node:assert/strict";
import { join } from "node:path";
import { build, differences } from "../../tasks/build.ts";
import { tempDir } from "../_helpers.ts";

Deno.test("dist/ is exactly what `deno task build` makes from src/ now", async () => {
  await using dir = await tempDir();
  const fresh = join(dir.path, "dist");
  const written = await build(fresh);
  assert.ok(written.includes("cli/mod.js") && written.includes("transport/_isolated_worker.js"));
  const stale = await differences(fresh);
  assert.deepEqual(
    stale,
    [],
    "dist/ is stale against src/: run `deno task build` and commit dist/",
  );
});

Deno.test("the staleness check sees a changed, a missing and an extra file", async () => {
  await using dir = await tempDir();
  const fresh = join(dir.path, "fresh");
  const copy = join(dir.path, "copy");
  await Deno.mkdir(join(fresh, "cli"), { recursive: true });
  await Deno.mkdir(join(copy, "cli"), { recursive: true });
  for (const root of [fresh, copy]) {
    await Deno.writeTextFile(join(root, "cli/mod.js"), "export {};\n");
    await Deno.writeTextFile(join(root, "chunk-A.js"), "export const a = 1;\n");
  }
  assert.deepEqual(await differences(fresh, copy), []);
  await Deno.writeTextFile(join(copy, "chunk-A.js"), "export const a = 2;\n");
  await Deno.writeTextFile(join(copy, "chunk-OLD.js"), "export {};\n");
  await Deno.writeTextFile(join(fresh, "chunk-NEW.js"), "export {};\n");
  assert.deepEqual(await differences(fresh, copy), ["chunk-A.js", "chunk-NEW.js", "chunk-OLD.js"]);
});
