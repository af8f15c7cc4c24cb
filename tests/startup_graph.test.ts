// What a one-file `ferry get` and a library script load at start. Every module
// costs start-up time, and the first node: module costs most (Deno then
// initialises its Node compatibility): docs/performance.md, "Cold start", and
// `deno task bench:startup`. These tests guard the structure the measured start
// relies on, not a time: the modules come from `deno info --json` (the static
// imports, plus the dynamic imports a get takes: src/cli/mod.ts loads
// _oneshot.ts and _job.ts for it, the step registry the get step's module).

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../src/testing/mod.ts";
import { tempDir } from "./_helpers.ts";
import { moduleGraph } from "./_module_graph.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const project = (specifier: string) => specifier.replace(`file://${ROOT}`, "");

/** What a one-file get must not load: other commands' code, TLS workers, parsers it has no use for. */
const NOT_FOR_A_GET = [
  /^npm:/, // yaml, zod, jsonc-parser, picomatch: task files and filters
  /^src\/runner\/(load_task|_schema|_schema_parts|_validate|_source|_interpolate|_module_files)\.ts$/,
  /^src\/runner\/(watch_task|_watch_batch|_watch_changes|permissions|task_schema)\.ts$/,
  /^src\/cli\/(_watch|_serve|_pipe)\.ts$/,
  /^src\/testing\//,
  /^src\/transport\/(_isolated_|_node_)/, // the Node TLS path, for servers that require session reuse
  // Step kinds other than get, loaded when a task uses them (steps/registry.ts), and their planning.
  /^src\/runner\/steps\/(chmod|mkdir|put|rename|rm|rmdir|sync|verify|all_kinds)\.ts$/,
  /^src\/runner\/steps\/_(verify_checksum|directories)\.ts$/,
  /^src\/runner\/(_plan_up|_upload_file|_plan_changes)\.ts$/,
  // The client's listings, tree operations and segmented downloads, loaded on their first call.
  /^src\/client\/(_listing|_walk|_recursive|_segmented_download|_segment_lines|_fetch_range)\.ts$/,
  /^src\/listing\/parse_(list|unix|dos|eplf)\.ts$/,
];

Deno.test("a one-file ferry get loads no task-file, watch, server or TLS-worker code", async () => {
  const modules = (await moduleGraph(`${ROOT}src/cli/mod.ts`, [
    `${ROOT}src/cli/_oneshot.ts`,
    `${ROOT}src/cli/_job.ts`,
    `${ROOT}src/runner/steps/get.ts`,
  ])).map(project);
  const offenders = modules.filter((m) => NOT_FOR_A_GET.some((pattern) => pattern.test(m)));
  assert.deepEqual(offenders, []);
  // No node: module: the first one starts Deno's Node layer (node:path alone
  // costs about 15 ms of CPU); paths and arguments use src/std/path.ts and
  // src/cli/_parse_args.ts.
  assert.deepEqual(modules.filter((m) => m.startsWith("node:")), []);
  // 100 at the time of writing (125 before the step registry and the client
  // loaded what a get does not use on first use).
  assert.ok(modules.length <= 104, `${modules.length} modules`);
});

/**
 * Runs `body` (which gets the file's URL and a local path as `Deno.args`) in
 * a child process that records every setTimeout and setInterval started and
 * every clearTimeout and clearInterval called (the first of any of them loads
 * Deno's Node timers), and every first look at a stream global
 * (`ReadableStream`, `TransformStream` and the like, which Deno loads on that
 * look); returns what `body` returned, the timer calls and the stream globals.
 */
async function timersStartedBy(
  body: string,
): Promise<{ code: number; started: string[]; streams: string[] }> {
  await using server = await FtpTestServer.start();
  await Deno.mkdir(`${server.root}/pub`);
  await Deno.writeTextFile(`${server.root}/pub/a.txt`, "hello\n");
  await using dir = await tempDir();
  const child = `
    const started = [];
    for (const name of ["setTimeout", "setInterval", "clearTimeout", "clearInterval"]) {
      const original = globalThis[name];
      globalThis[name] = (...args) => {
        started.push(name + ": " + new Error().stack.split("\\n")[2].trim());
        return original(...args);
      };
    }
    const streams = new Set();
    for (const name of Object.getOwnPropertyNames(globalThis)) {
      if (!/Stream|QueuingStrategy/.test(name)) continue;
      const property = Object.getOwnPropertyDescriptor(globalThis, name);
      if (!property.get) continue;
      Object.defineProperty(globalThis, name, {
        ...property,
        get() {
          streams.add(name + ": " + new Error().stack.split("\\n")[2].trim());
          return property.get.call(this);
        },
      });
    }
    const code = await (async () => { ${body} })();
    console.log(JSON.stringify({ code, started, streams: [...streams] }));
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--config",
      `${ROOT}deno.json`,
      child,
      `${server.url}/pub/a.txt`,
      `${dir.path}/a.txt`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, stderr);
  const result = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(await Deno.readTextFile(`${dir.path}/a.txt`), "hello\n", stderr);
  return result;
}

Deno.test("a one-file ferry get starts no setTimeout or setInterval (the first loads Deno's Node timers)", async () => {
  const { code, started } = await timersStartedBy(`
    const { main } = await import(${JSON.stringify(`${ROOT}src/cli/mod.ts`)});
    return await main(["get", "-q", Deno.args[0], Deno.args[1]]);
  `);
  assert.equal(code, 0);
  assert.deepEqual(started, []);
});

Deno.test("a ferry get of one file, and of a directory, loads no Deno streams and no Node timers", async () => {
  // A directory goes through the runner's listing, planning and pool.
  for (const directory of [false, true]) {
    const { code, started, streams } = await timersStartedBy(`
      const { main } = await import(${JSON.stringify(`${ROOT}src/cli/mod.ts`)});
      const [file, local] = Deno.args;
      const args = ${directory}
        ? [file.slice(0, file.lastIndexOf("/") + 1), local.slice(0, local.lastIndexOf("/") + 1)]
        : [file, local];
      return await main(["get", "-q", ...args]);
    `);
    assert.equal(code, 0);
    assert.deepEqual(started, [], directory ? "directory" : "one file");
    assert.deepEqual(streams, [], directory ? "directory" : "one file");
  }
});

Deno.test("the library's connect, downloadTo and close start no setTimeout or setInterval and load no streams", async () => {
  const { code, started, streams } = await timersStartedBy(`
    const { FtpClient } = await import(${JSON.stringify(`${ROOT}mod.ts`)});
    const url = new URL(Deno.args[0]);
    const client = await FtpClient.connect(url.origin);
    await client.downloadTo(url.pathname, Deno.args[1]);
    await client.close();
    return 0;
  `);
  assert.equal(code, 0);
  assert.deepEqual(started, []);
  assert.deepEqual(streams, []);
});

Deno.test("the library's entry point loads no node: module, no runner, CLI or test server", async () => {
  const modules = (await moduleGraph(`${ROOT}mod.ts`)).map(project);
  const offenders = modules.filter((m) =>
    !m.startsWith("src/client/") && !m.startsWith("src/protocol/") &&
    !m.startsWith("src/listing/") && !m.startsWith("src/transport/") &&
    !m.startsWith("src/std/") && m !== "mod.ts" && m !== "src/errors.ts"
  );
  assert.deepEqual(offenders, []);
  assert.deepEqual(modules.filter((m) => /^src\/transport\/(_isolated_|_node_)/.test(m)), []);
});
