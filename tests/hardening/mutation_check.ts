// Breaks one guard at a time in a scratch copy of the repository (the
// committed tree, `git archive HEAD`, in a temporary directory: never the
// working tree), runs the tests meant to catch it (in tests/hardening/, or
// a path relative to it), and reports whether they failed, as they must.
// See docs/reliability.md.
//
//   deno run -A tests/hardening/mutation_check.ts          # every mutation (a few minutes)
//   deno run -A tests/hardening/mutation_check.ts M2 M7    # some

import { join } from "node:path";
import { MUTATIONS } from "./_mutations.ts";

const repo = new URL("../../", import.meta.url).pathname;
const only = Deno.args;

async function run(cmd: string[], cwd: string, timeoutMs = 300_000) {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const output = await child.output().finally(() => clearTimeout(timer));
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  return { code: output.code, text };
}

const scratch = await Deno.makeTempDir({ prefix: "ferry-mutation-" });
try {
  // The committed tree, plus a copy of the npm packages installed here.
  const archive = join(scratch, "head.tar");
  const made = await run(["git", "archive", "-o", archive, "HEAD"], repo);
  if (made.code !== 0) throw new Error(made.text);
  await run(["tar", "-xf", archive, "-C", scratch], repo);
  await Deno.remove(archive);
  await run(["cp", "-r", join(repo, "node_modules"), join(scratch, "node_modules")], repo);

  let broken = 0;
  let stale = 0;
  for (const mutation of MUTATIONS) {
    if (only.length > 0 && !only.includes(mutation.id)) continue;
    const path = join(scratch, mutation.file);
    const original = await Deno.readTextFile(path);
    let mutated = original;
    for (const [from, to] of mutation.edits) {
      if (!mutated.includes(from)) {
        console.log(`${mutation.id} ${mutation.what}: NOT APPLIED (${mutation.file} changed)`);
        stale++;
        mutated = "";
        break;
      }
      mutated = mutated.replace(from, to);
    }
    if (mutated === "") continue;
    await Deno.writeTextFile(path, mutated);
    try {
      console.log(`${mutation.id} ${mutation.what}`);
      for (const test of mutation.tests) {
        const started = Date.now();
        const result = await run([
          Deno.execPath(),
          "test",
          "-A",
          "--no-check",
          `tests/hardening/${test.file}`,
          ...(test.filter ? ["--filter", test.filter] : []),
        ], scratch);
        const first = result.text.split("\n").find((l) => l.trim().startsWith("error:"));
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const label = `${test.file}${test.filter ? ` (${test.filter})` : ""}`;
        if (result.code === 0 && /\| 0 passed \|/.test(result.text)) {
          // A filter that names no test: nothing ran, so nothing was checked.
          stale++;
          console.log(`    ${label}: NO TEST RAN - its filter names no test (${seconds}s)`);
        } else if (result.code === 0) {
          broken++;
          console.log(`    ${label}: PASSED - the test did not catch it (${seconds}s)`);
        } else {
          console.log(`    ${label}: failed, as it must (${seconds}s)`);
          if (first) console.log(`      ${first.trim().slice(0, 200)}`);
        }
      }
    } finally {
      await Deno.writeTextFile(path, original);
    }
  }
  if (broken > 0) {
    console.log(`${broken} test run(s) passed with a broken guard`);
    Deno.exitCode = 1;
  }
  if (stale > 0) {
    console.log(
      `${stale} mutation(s) no longer match their file or name no test: update tests/hardening/_mutations.ts`,
    );
    Deno.exitCode = 1;
  }
} finally {
  await Deno.remove(scratch, { recursive: true });
}
