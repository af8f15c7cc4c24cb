// The README installs the CLI with `--v8-flags=--no-lazy`: V8 then compiles
// every function of a module with the module, Deno's code cache keeps them,
// and a one-file get compiles none of ferry's functions in the process; with
// V8's default (lazy) compilation every process compiles each function again
// on its first call, about 20 µs each (docs/performance.md, "Cold start",
// seventh round). Counted from V8's function events, not timed.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../src/testing/mod.ts";
import { tempDir } from "./_helpers.ts";
import { bundleBuilt } from "./_bundle.ts";
import { readmeInstallFlags } from "./_install_line.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** What V8 logged of the bundle's functions in one get: compiled in the process, or read from the cache. */
interface Compiles {
  /** The bundle's functions compiled on their first call. */
  compiled: number;
  /** The bundle's files whose code came from the code cache. */
  fromCache: number;
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
  const log = join(dir, "v8.log");
  const out = join(dir, "out.txt");
  await Deno.remove(out).catch(() => {});
  const v8 = flags.filter((flag) => flag.startsWith("--v8-flags="))
    .map((flag) => flag.slice("--v8-flags=".length));
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...flags.filter((flag) => !flag.startsWith("--v8-flags=")),
      // Logging flags do not change what the code cache is made for.
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
    env: { NO_COLOR: "1" },
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  assert.equal(await Deno.readTextFile(out), "hello\n");
  // V8's log: `script-details,ID,URL,…` names a script, `function,EVENT,ID,…`
  // is an event of one of its functions, `script,EVENT,ID` of the script.
  const scripts = new Set<string>();
  let compiled = 0;
  let fromCache = 0;
  const lines = (await Deno.readTextFile(log)).split("\n");
  for (const line of lines) {
    const [kind, id, url] = line.split(",", 3);
    if (kind === "script-details" && url.startsWith(`file://${dist}/`)) scripts.add(id);
  }
  for (const line of lines) {
    const [kind, event, id] = line.split(",", 3);
    if (!scripts.has(id)) continue;
    if (kind === "function" && event === "parse-function") compiled++;
    if (kind === "script" && event === "deserialize") fromCache++;
  }
  return { compiled, fromCache };
}

Deno.test("with the README's V8 flags, a one-file get from the bundle compiles none of ferry's functions: they come from the code cache", async () => {
  const dist = await bundleBuilt();
  const flags = await readmeInstallFlags(ROOT);
  assert.ok(flags.includes("--v8-flags=--no-lazy"), `${flags}`);
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(join(server.root, "a.txt"), "hello\n");
  const url = `ftp://127.0.0.1:${server.port}/a.txt`;
  await using dir = await tempDir();

  // The first run compiles and fills the cache; the second is every run after.
  await getLogged(dist, flags, url, dir.path);
  const installed = await getLogged(dist, flags, url, dir.path);
  assert.equal(installed.compiled, 0);
  assert.ok(installed.fromCache >= 40, `${installed.fromCache} files from the cache`);

  // Without the flag (a cache for those flags made by the first run), each
  // process compiles every function a get calls: 428 at the time of writing.
  const permissions = flags.filter((flag) => !flag.startsWith("--v8-flags="));
  await getLogged(dist, permissions, url, dir.path);
  const lazy = await getLogged(dist, permissions, url, dir.path);
  assert.ok(lazy.fromCache >= 40, `${lazy.fromCache} files from the cache`);
  assert.ok(lazy.compiled >= 200, `${lazy.compiled} functions compiled`);
});
