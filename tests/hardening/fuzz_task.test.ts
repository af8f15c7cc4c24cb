// Property tests of the task file loader: any YAML, JSON or JSONC text,
// whether a near-valid task with wrong types and unknown keys or plain
// garbage, loads as a task or fails with TaskFileError only: no other
// exception, no hang, every issue located inside the file, and the password
// never quoted back.
//
// Covered elsewhere: the loader's examples and located messages (tests/
// runner/load_task.test.ts, tests/cli/errors.test.ts).

import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { loadTask, TaskFileError } from "../../src/runner/mod.ts";
import { tempDir } from "../_helpers.ts";
import { fuzzParams } from "./_fuzz.ts";

const PASSWORD = "Fz-Task-Pw-31";

/** Values of every kind, some of them almost right. */
const value = fc.oneof(
  fc.constantFrom(
    "ftp://127.0.0.1:2121/",
    "ftps://h",
    "ftp//bad",
    "www/",
    "dist/**",
    "*.log",
    "30s",
    "-1s",
    "up",
    "down",
    "sideways",
    "always",
    "${UNSET_FUZZ_VAR}",
    "${FUZZ_VAR:-x}",
    "$${literal}",
    "",
  ),
  fc.integer({ min: -3, max: 100 }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
);
const step = fc.oneof(
  fc.record({ mkdir: fc.oneof(value, fc.array(value, { maxLength: 3 })) }),
  fc.record({ rm: value }),
  fc.record({ rmdir: value }),
  fc.record({ rename: fc.record({ from: value, to: value }, { requiredKeys: [] }) }),
  fc.record({
    put: fc.record({ from: value, to: value, atomic: value, overwrite: value }, {
      requiredKeys: [],
    }),
    retries: value,
  }, { requiredKeys: ["put"] }),
  fc.record({
    get: fc.record({ from: value, to: value, resume: value }, { requiredKeys: [] }),
    name: value,
  }, { requiredKeys: ["get"] }),
  fc.record({
    sync: fc.record({
      direction: value,
      local: value,
      remote: value,
      delete: value,
      filter: fc.array(fc.record({ include: value }), { maxLength: 2 }),
    }, { requiredKeys: [] }),
    continueOnError: value,
  }, { requiredKeys: ["sync"] }),
  fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 2 }),
);
const task = fc.record({
  version: fc.oneof(fc.constant(1), value),
  connection: fc.oneof(
    fc.record({
      url: value,
      user: value,
      password: fc.constant(PASSWORD),
      parallel: value,
      replyTimeout: value,
      mode: value,
      tls: fc.oneof(value, fc.record({ verify: value, caFile: value }, { requiredKeys: [] })),
    }, { requiredKeys: ["password"] }),
    value,
  ),
  steps: fc.oneof(fc.array(step, { maxLength: 4 }), value),
  extra: value,
}, { requiredKeys: ["connection"] });

/** A text edit: insert, delete or replace a few characters somewhere. */
const edits = fc.array(
  fc.tuple(
    fc.nat(),
    fc.nat({ max: 3 }),
    fc.constantFrom("", ":", "{", "]", "\n", "  ", "#", '"', "\t", "- ", "&a", "*a", "!!binary "),
  ),
  { maxLength: 3 },
);

function edit(text: string, changes: [number, number, string][]): string {
  let out = text;
  for (const [at, remove, insert] of changes) {
    const pos = at % (out.length + 1);
    // Never cut into the password: quoting it back would then be fair game.
    const hit = out.indexOf(PASSWORD);
    if (hit !== -1 && pos + remove > hit && pos < hit + PASSWORD.length) continue;
    out = out.slice(0, pos) + insert + out.slice(pos + remove);
  }
  return out;
}

Deno.test("loadTask: any text loads or fails with TaskFileError, located, never quoting the password", async () => {
  await using dir = await tempDir();
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      task,
      fc.constantFrom(".yaml", ".json", ".jsonc"),
      edits,
      async (data, ext, changes) => {
        const source = ext === ".yaml" ? stringify(data) : JSON.stringify(data, null, 1);
        const text = edit(source, changes);
        const file = join(dir.path, `t${n++}${ext}`);
        await Deno.writeTextFile(file, text);
        let loaded;
        try {
          loaded = await loadTask(file, { envFile: false, env: { FUZZ_VAR: "v" } });
        } catch (error) {
          assert.ok(error instanceof TaskFileError, `${error}\n---\n${text}`);
          assert.ok(error.issues.length > 0);
          const lines = text.split("\n");
          for (const issue of error.issues) {
            assert.equal(issue.file, file);
            if (issue.line !== undefined) {
              assert.ok(issue.line >= 1 && issue.line <= lines.length + 1, `line ${issue.line}`);
              assert.ok(issue.column === undefined || issue.column >= 1, JSON.stringify(issue));
            }
          }
          // The first issue points into its line (yaml's recovery after it may drift).
          const [first] = error.issues;
          if (first.line !== undefined && first.column !== undefined) {
            const width = (lines[first.line - 1] ?? "").length;
            assert.ok(first.column <= width + 2, JSON.stringify(first));
          }
          for (const issue of error.issues) {
            assert.ok(!issue.message.includes(PASSWORD), `${issue.message}\n---\n${text}`);
          }
          return;
        } finally {
          await Deno.remove(file);
        }
        assert.ok(Array.isArray(loaded.steps) && loaded.steps.length > 0);
        assert.ok(loaded.secrets.includes(PASSWORD) || !text.includes(PASSWORD));
      },
    ),
    fuzzParams(0.4),
  );
});

Deno.test("loadTask: arbitrary bytes as YAML or JSON: TaskFileError, never a crash", async () => {
  await using dir = await tempDir();
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.uint8Array({ maxLength: 300 })),
      fc.constantFrom(".yaml", ".json", ".jsonc"),
      async (content, ext) => {
        const file = join(dir.path, `b${n++}${ext}`);
        if (typeof content === "string") await Deno.writeTextFile(file, content);
        else await Deno.writeFile(file, content);
        try {
          await loadTask(file, { envFile: false });
        } catch (error) {
          assert.ok(error instanceof TaskFileError, String(error));
        } finally {
          await Deno.remove(file);
        }
      },
    ),
    fuzzParams(0.4),
  );
});

Deno.test({
  name: "loadTask: a YAML syntax error never quotes the password that follows it",
  fn: async () => {
    await using dir = await tempDir();
    const file = join(dir.path, "task.yaml");
    await Deno.writeTextFile(
      file,
      `version: 1\nconnection:\n ]url: ftp://127.0.0.1/\n  password: ${PASSWORD}\nsteps: [{ mkdir: x }]\n`,
    );
    const error = await loadTask(file, { envFile: false }).catch((e) => e);
    assert.ok(error instanceof TaskFileError, String(error));
    assert.ok(!error.message.includes(PASSWORD), error.message);
  },
});
