// The published JSON Schema is the one the zod definition generates, and
// every example task file loads.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadTask, taskJsonSchema } from "../../mod.ts";

Deno.test("schema/task.schema.json is up to date (run deno task schema)", async () => {
  const committed = JSON.parse(
    await Deno.readTextFile(
      fileURLToPath(new URL("../../schema/task.schema.json", import.meta.url)),
    ),
  );
  assert.deepEqual(committed, await taskJsonSchema());
  assert.deepEqual(committed.required, ["version", "connection", "steps"]);
});

Deno.test("every example task file validates", async () => {
  const dir = fileURLToPath(new URL("../../tasks/", import.meta.url));
  const env = {
    FTP_PASSWORD: "x",
    DEMO_URL: "ftp://127.0.0.1:2121",
    DEMO_PASSWORD: "x",
    DEMO_DIR: "/tmp",
  };
  let count = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (!/\.(ya?ml|jsonc?)$/.test(entry.name)) continue;
    const task = await loadTask(`${dir}${entry.name}`, { env, envFile: false });
    assert.ok(task.steps.length > 0);
    count++;
  }
  assert.ok(count >= 4);
});
