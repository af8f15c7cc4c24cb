// The published JSON Schema is the one the zod definition generates, and
// every example task file loads.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTask, TaskFileError, taskJsonSchema } from "../../src/runner/mod.ts";
import { wholeNumberPattern } from "../../src/runner/whole_number_pattern.ts";
import { tempDir } from "../_helpers.ts";

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

Deno.test("whole numbers given as strings (from ${VAR}) are range-checked like numbers", async () => {
  await using dir = await tempDir();
  const load = async (connection: string, step = "{ mkdir: x }") => {
    const file = join(dir.path, "t.yaml");
    await Deno.writeTextFile(
      file,
      `version: 1\nconnection: { url: "ftp://127.0.0.1/", ${connection} }\nsteps: [${step}]\n`,
    );
    return await loadTask(file, { envFile: false }).catch((error) => error);
  };
  for (
    const [connection, step, message] of [
      [`parallel: "0"`, undefined, /connection\.parallel: expected a whole number from 1 to 64/],
      [`parallel: "65"`, undefined, /from 1 to 64/],
      [`port: "99999"`, undefined, /connection\.port: expected a whole number from 1 to 65535/],
      [`port: "0"`, undefined, /from 1 to 65535/],
      [`port: "021"`, undefined, /from 1 to 65535/],
      [
        `parallel: 2`,
        `{ mkdir: x, retries: "100000" }`,
        /retries: expected a whole number from 0 to 100/,
      ],
    ] as const
  ) {
    const error = await load(connection, step);
    assert.ok(error instanceof TaskFileError, `${connection} ${step}: accepted`);
    assert.match(error.message, message);
  }
  const ok = await load(`port: "65535", parallel: "64"`, `{ mkdir: x, retries: "0" }`);
  assert.ok(!(ok instanceof Error), String(ok));
  assert.equal(ok.connection.options.port, 65535);
  assert.equal(ok.connection.parallel, 64);
});

Deno.test("the string pattern of a whole number matches exactly the numbers of its range", () => {
  for (const [min, max] of [[0, 100], [1, 64], [1, 65535], [7, 7], [9, 10], [99, 1001]]) {
    const pattern = new RegExp(wholeNumberPattern(min, max));
    for (let n = 0; n <= 70_000; n++) {
      assert.equal(pattern.test(String(n)), n >= min && n <= max, `${n} in ${min}..${max}`);
    }
    for (const bad of ["", "-1", "01", "1.0", " 1", "1e2", "٣"]) {
      assert.equal(pattern.test(bad), false, `${JSON.stringify(bad)} in ${min}..${max}`);
    }
  }
});
