// What a one-file `ferry get` and a library script load at start. Every module
// costs start-up time, and the first node: module costs most (Deno then
// initialises its Node compatibility): docs/performance.md, "Cold start", and
// `deno task bench:startup`. These tests guard the structure the measured start
// relies on, not a time: the modules come from `deno info --json` (the static
// imports, plus the dynamic imports a get takes: src/cli/mod.ts loads
// _oneshot.ts and _job.ts for it, the step registry the get step's module).
// The README installs the bundle (dist/, tasks/build.ts), whose get must load
// the same code in fewer files, with the same lazy imports left lazy.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { FtpTestServer } from "../src/testing/mod.ts";
import { tempDir } from "./_helpers.ts";
import { moduleGraph } from "./_module_graph.ts";
import { bundleBuilt } from "./_bundle.ts";

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
  /^src\/client\/(_listing|_iterator_stream|_walk|_recursive|_segmented_download|_segment_lines|_fetch_range)\.ts$/,
  /^src\/listing\/parse_(list|unix|dos|eplf)\.ts$/,
  // Downloads into streams and the line-end transform streams: defining or
  // testing for a stream class loads Deno's web streams.
  /^src\/client\/_download\.ts$/,
  // Uploads and replacing renames (their option checks are in _upload_options.ts).
  /^src\/client\/(_upload|_upload_source|_replace)\.ts$/,
  /^src\/protocol\/line_ending_streams\.ts$/,
];

/** The source modules a one-file get loads, from src/. */
const sourcesOfAGet = async () =>
  (await moduleGraph(`${ROOT}src/cli/mod.ts`, [
    `${ROOT}src/cli/_oneshot.ts`,
    `${ROOT}src/cli/_job.ts`,
    `${ROOT}src/runner/steps/get.ts`,
  ])).map(project);

Deno.test("a one-file ferry get loads no task-file, watch, server or TLS-worker code", async () => {
  const modules = await sourcesOfAGet();
  const offenders = modules.filter((m) => NOT_FOR_A_GET.some((pattern) => pattern.test(m)));
  assert.deepEqual(offenders, []);
  // No node: module: the first one starts Deno's Node layer (node:path alone
  // costs about 15 ms of CPU); paths and arguments use src/std/path.ts and
  // src/cli/_parse_args.ts.
  assert.deepEqual(modules.filter((m) => m.startsWith("node:")), []);
  // 97 at the time of writing (125 before the step registry and the client
  // loaded what a get does not use on first use, 100 before downloads into
  // streams and uploads did). 101 since _session.ts and control_connection.ts
  // were split by concept (_command_replies.ts, _epsv_ahead.ts,
  // _reply_queue.ts, _reply_redactor.ts): the same code in four more files,
  // about 0.05 ms of CPU each from src/ and none from the bundle (43 files).
  // 102 since the control connection's reply timer went back beside it
  // (transport/_reply_timer.ts) from std/timer.ts, which holds stand-ins for
  // @std functions and the timers every layer uses, not one user's policy.
  assert.ok(modules.length <= 102, `${modules.length} modules`);
});

/** The bundle's file for a lazily imported module (esbuild names it `NAME-HASH.js`). */
function bundled(dist: string, name: string): string {
  const files = [...Deno.readDirSync(dist)].map((entry) => entry.name)
    .filter((file) =>
      file.startsWith(`${name}-`) && /^[A-Z0-9]+\.js$/.test(file.slice(name.length + 1))
    );
  assert.equal(files.length, 1, `dist/${name}-*.js: ${files}`);
  return `${dist}/${files[0]}`;
}

Deno.test("a one-file ferry get from the bundle loads the same modules' code as from src/, in at most 43 files and 196 KB, none node: or npm:", async () => {
  const dist = await bundleBuilt();
  const files = await moduleGraph(`${dist}/cli/mod.js`, [
    bundled(dist, "_oneshot"),
    bundled(dist, "_job"),
    bundled(dist, "get"),
  ]);
  assert.deepEqual(files.filter((file) => !file.startsWith("file:")), []);
  // Each file's source map names the modules whose code it holds.
  const sources = new Set<string>();
  for (const file of files) {
    const map = JSON.parse(await Deno.readTextFile(new URL(`${file}.map`)));
    for (const source of map.sources as string[]) {
      sources.add(project(new URL(source, file).href));
    }
  }
  // The same code as a get from src/: none of what a get must not load,
  // nothing else. The minifier inlines a module that only exports a
  // constant, which then has no code of its own in the bundle.
  const inlined = ["src/runner/limits.ts"];
  assert.deepEqual(
    [...sources].sort(),
    (await sourcesOfAGet()).filter((module) => !inlined.includes(module)),
  );
  // 43 at the time of writing, for the 97 modules of src/ (47 before the
  // batch download path and the client's split added lazy imports, 52
  // after: esbuild puts code in a chunk by the set of entries and lazy
  // imports that reach it, so each new lazy import can split the shared
  // chunks further; 43 since each of the client's lazy modules imports
  // ftp_client.ts, see src/client/_lazy_module.ts).
  assert.ok(files.length <= 43, `${files.length} files`);
  // Minified (tasks/build.ts): 191 KB of code at the time of writing, 399 KB
  // unminified (178 KB before the eager-compile marks, about 5 KB of
  // parentheses, and the split of the session and control connection into
  // classes of their own, about 3 KB). V8 reads, hashes and keeps every byte
  // of it, and a get from the unminified bundle filled the young generation
  // twice (two scavenges).
  let bytes = 0;
  for (const file of files) bytes += (await Deno.stat(new URL(file))).size;
  assert.ok(bytes <= 196_000, `${bytes} bytes`);
});

Deno.test("every module the client loads on first use imports the client, so that the bundle keeps the client in one chunk", async () => {
  // src/client/_lazy_module.ts says why.
  const client = await Deno.readTextFile(`${ROOT}src/client/ftp_client.ts`);
  const lazy = [...client.matchAll(/lazyModule\(\(\) => import\("\.\/([\w.]+)"\)\)/g)]
    .map((match) => match[1]);
  assert.ok(lazy.length >= 12, `${lazy}`);
  const missing: string[] = [];
  for (const module of lazy) {
    const text = await Deno.readTextFile(`${ROOT}src/client/${module}`);
    if (!/^import "\.\/ftp_client\.ts";/m.test(text)) {
      missing.push(module);
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("ferry --version from the bundle loads at most 11 files, none of a get's", async () => {
  const dist = await bundleBuilt();
  const files = await moduleGraph(`${dist}/cli/mod.js`);
  // 10 before the client's lazy modules imported the client: its secret
  // matcher (src/protocol/secret_text.ts) now falls in a chunk of its own.
  assert.ok(files.length <= 11, `${files.length} files`);
  const sources = new Set<string>();
  for (const file of files) {
    const map = JSON.parse(await Deno.readTextFile(new URL(`${file}.map`)));
    for (const source of map.sources as string[]) sources.add(project(new URL(source, file).href));
  }
  const ofAGet = [...sources].filter((source) =>
    /^src\/(client|transport)\//.test(source) || /^src\/cli\/_(oneshot|job)\.ts$/.test(source)
  );
  assert.deepEqual(ofAGet, []);
});

/**
 * Globals whose first use makes Deno load more of itself: the timers load its
 * Node timers (node:timers and about twenty modules of its Node layer, 10-16
 * ms of CPU; even `clearTimeout(undefined)`), the stream classes its web
 * streams (about 6 ms; even `x instanceof WritableStream`, or a module that
 * defines a subclass of `TransformStream`).
 */
const LOADS_MORE = [
  "setTimeout",
  "setInterval",
  "clearTimeout",
  "clearInterval",
  "ReadableStream",
  "WritableStream",
  "TransformStream",
];

/**
 * Runs `body` (which gets the file's URL and a local path as `Deno.args`) in
 * a child process that records every read of a `LOADS_MORE` global (where
 * from); returns what `body` returned and the reads.
 */
async function globalsReadBy(body: string): Promise<{ code: number; read: string[] }> {
  await using server = await FtpTestServer.start();
  await Deno.mkdir(`${server.root}/pub`);
  await Deno.writeTextFile(`${server.root}/pub/a.txt`, "hello\n");
  await using dir = await tempDir();
  const child = `
    const read = [];
    for (const name of ${JSON.stringify(LOADS_MORE)}) {
      const own = Object.getOwnPropertyDescriptor(globalThis, name);
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          read.push(name + ": " + new Error().stack.split("\\n")[2].trim());
          return own.get ? own.get.call(globalThis) : own.value;
        },
      });
    }
    const code = await (async () => { ${body} })();
    console.log(JSON.stringify({ code, read }));
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

for (const from of ["src/", "the bundle"]) {
  Deno.test(`a one-file ferry get from ${from} uses no timer or stream global (their first use loads more of Deno)`, async () => {
    const entry = from === "src/" ? `${ROOT}src/cli/mod.ts` : `${await bundleBuilt()}/cli/mod.js`;
    const { code, read } = await globalsReadBy(`
      const { main } = await import(${JSON.stringify(entry)});
      return await main(["get", "-q", Deno.args[0], Deno.args[1]]);
    `);
    assert.equal(code, 0);
    assert.deepEqual(read, []);
  });
}

Deno.test("a ferry get of a directory uses no timer or stream global either (listing, plan, pool)", async () => {
  const { code, read } = await globalsReadBy(`
    const { main } = await import(${JSON.stringify(`${ROOT}src/cli/mod.ts`)});
    const [file, local] = Deno.args;
    const directory = (path) => path.slice(0, path.lastIndexOf("/") + 1);
    return await main(["get", "-q", directory(file), directory(local)]);
  `);
  assert.equal(code, 0);
  assert.deepEqual(read, []);
});

Deno.test("the library's connect, downloadTo and close use no timer or stream global", async () => {
  const { code, read } = await globalsReadBy(`
    const { FtpClient } = await import(${JSON.stringify(`${ROOT}mod.ts`)});
    const url = new URL(Deno.args[0]);
    const client = await FtpClient.connect(url.origin);
    await client.downloadTo(url.pathname, Deno.args[1]);
    await client.close();
    return 0;
  `);
  assert.equal(code, 0);
  assert.deepEqual(read, []);
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
  assert.deepEqual(
    modules.filter((m) =>
      /^src\/(client\/(_download|_upload|_upload_source|_replace)|protocol\/line_ending_streams)\.ts$/
        .test(m)
    ),
    [],
  );
});
