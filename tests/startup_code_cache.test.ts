// The README's opt-in "Faster start" install line adds `--v8-flags=--no-lazy`:
// V8 then compiles every function of a module with the module, Deno's code
// cache keeps them, and a one-file get compiles none of ferry's functions in
// the process. With the default line (V8's lazy compilation) every process
// compiles each function again on its first call (docs/performance.md, "Cold
// start", seventh round), except those the build marked for V8 to compile
// with their module (tasks/eager_compile.ts; eighth round). Counted from V8's
// function events, not timed.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../src/testing/mod.ts";
import { tempDir } from "./_helpers.ts";
import { bundleBuilt } from "./_bundle.ts";
import { readmeInstallFlags } from "./_install_line.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * V8's function events (`--log-function-events`) that mean a function was
 * parsed or compiled to bytecode in the process: `parse-function` for a
 * function compiled lazily on its first call, `full-parse`, `parse`,
 * `preparse-…` and `parse-script` for a script compiled whole (under
 * --no-lazy an uncached script logs these and no `parse-function`), and
 * `interpreter` for the bytecode made. Not `baseline` (Sparkplug compiles
 * machine code from the bytecode in every run; the code cache holds bytecode)
 * nor `first-execution`, and `deserialize` is the code cache.
 */
const COMPILE_EVENT = /^(parse|full-parse|preparse-|interpreter)/;

/** What V8 logged of the bundle's files in one get. */
interface Compiles {
  /** The bundle's files the get loaded (distinct script ids). */
  scripts: number;
  /** Those whose code came from the code cache (distinct script ids with a deserialize event). */
  fromCache: number;
  /** The bundle's functions parsed or compiled in the process (distinct, by script and position). */
  compiled: number;
}

/**
 * The environment of the child: only what Deno needs to find itself and its
 * cache, so that a DENO_V8_FLAGS (or other DENO_*) of the caller cannot
 * change the flags under test.
 */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Runs `ferry get` from the bundle with `flags` and V8's function events
 * logged, and counts the events for the bundle's files.
 */
async function getLogged(
  dist: string,
  flags: string[],
  url: string,
  dir: string,
): Promise<Compiles> {
  // Always the same log path: Deno's code cache entry is made for the exact
  // V8 flags, logging flags included, so a cache made with another log path
  // (or without logging) is rejected and the run compiles everything.
  const log = join(dir, "v8.log");
  const out = join(dir, "out.txt");
  await Deno.remove(out).catch(() => {});
  const v8 = flags.filter((flag) => flag.startsWith("--v8-flags="))
    .map((flag) => flag.slice("--v8-flags=".length));
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...flags.filter((flag) => !flag.startsWith("--v8-flags=")),
      `--v8-flags=${
        [...v8, "--log-function-events", `--logfile=${log}`, "--no-logfile-per-isolate"].join(",")
      }`,
      "--config",
      join(ROOT, "deno.json"),
      join(dist, "cli/mod.js"),
      "get",
      "--quiet",
      url,
      out,
    ],
    cwd: dir,
    clearEnv: true,
    env: childEnv(),
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.equal(await Deno.readTextFile(out), "hello\n");
  // V8's log: `script-details,ID,URL,…` names a script, `function,EVENT,ID,
  // START,END,…` is an event of one of its functions, `script,EVENT,ID` of
  // the script (V8 logs `script,deserialize` twice per script).
  const scripts = new Set<string>();
  let entry = false;
  const lines = (await Deno.readTextFile(log)).split("\n");
  for (const line of lines) {
    const [kind, id, url] = line.split(",", 3);
    if (kind !== "script-details" || !url.startsWith(`file://${dist}/`)) continue;
    scripts.add(id);
    if (url === `file://${join(dist, "cli/mod.js")}`) entry = true;
  }
  assert.ok(entry, "the log names the bundle's entry");
  const fromCache = new Set<string>();
  const compiled = new Set<string>();
  for (const line of lines) {
    const [kind, event, id, start, end] = line.split(",", 5);
    if (!scripts.has(id)) continue;
    if (kind === "script" && event === "deserialize") fromCache.add(id);
    if (kind === "function" && COMPILE_EVENT.test(event)) compiled.add(`${id},${start},${end}`);
  }
  return { scripts: scripts.size, fromCache: fromCache.size, compiled: compiled.size };
}

Deno.test("with the README's opt-in V8 flags, a one-file get from the bundle compiles none of ferry's functions: they come from the code cache; with the default line, the build's marks leave at most 340 to compile in every process", async () => {
  const dist = await bundleBuilt();
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(join(server.root, "a.txt"), "hello\n");
  const url = `ftp://127.0.0.1:${server.port}/a.txt`;
  await using dir = await tempDir();

  // The first run compiles and fills the cache (for its exact flags); the
  // second is every run after.
  const fastFlags = await readmeInstallFlags(ROOT, "fast-start");
  await getLogged(dist, fastFlags, url, dir.path);
  const fast = await getLogged(dist, fastFlags, url, dir.path);
  assert.equal(fast.fromCache, fast.scripts, `${fast.fromCache} of ${fast.scripts} files cached`);
  assert.equal(fast.compiled, 0, `${fast.compiled} functions compiled`);

  // The default line: the files come from the cache too, with the code
  // compiled when each was loaded. V8 compiles lazily, but the build marks
  // the bundle's functions for V8 to compile with their module
  // (tasks/eager_compile.ts), so the cache holds all but the classes'
  // methods, what they hold, and the declarations the build has to leave
  // hoisted: 318 distinct functions parsed or compiled in the process at the
  // time of writing, 556 before the build marked them.
  const defaultFlags = await readmeInstallFlags(ROOT);
  await getLogged(dist, defaultFlags, url, dir.path);
  const lazy = await getLogged(dist, defaultFlags, url, dir.path);
  assert.equal(lazy.fromCache, lazy.scripts, `${lazy.fromCache} of ${lazy.scripts} files cached`);
  assert.ok(lazy.compiled >= 100, `${lazy.compiled} functions compiled`);
  assert.ok(lazy.compiled <= 340, `${lazy.compiled} functions compiled`);
});
