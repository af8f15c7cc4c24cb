// `deno task build`: writes dist/, the CLI as the README installs it from a
// checkout, from src/. dist/ is not committed (generated code would drift
// from src/ with every change, and differ by Deno version): the README's
// install runs this first, and the tests that run the bundle build it.
//
// Why a bundle: a one-file `ferry get` from src/ loads 97 modules, and each
// costs Deno 0.3-0.5 ms of CPU to read, check against its code cache and
// instantiate; esbuild's code splitting (`deno bundle --code-splitting`) puts
// the same code in fewer files and keeps every lazy import lazy, each loading
// its own chunk (docs/performance.md, "Cold start").
//
// The bundle is minified, with linked source maps (`--minify --sourcemap
// linked`): a one-file get from it loads 178 KB of code instead of 399 KB,
// which V8 reads, hashes against its code cache and keeps on its heap (the
// unminified bundle filled the young generation twice during a get, two
// scavenges; the minified one, none), and the functions a get calls are
// compiled from shorter text. Deno maps a stack trace through the `.map`
// files to src/'s files, lines and columns (function names stay minified:
// `--keep-names` gave the gain back, its `__name` calls run for every
// function at load). Code must therefore not depend on a class's or
// function's `name` (errors set their `name` themselves).
//
// Every chunk's functions are then marked for V8 to compile with their chunk
// (tasks/eager_compile.ts: function and arrow expressions in parentheses,
// declarations that nothing can call before their statement as `var f =
// (function f…)`): Deno makes a module's code cache when it compiles the
// module, before it runs, so a lazily compiled function is compiled again in
// every process; marked, it comes from the cache. A one-file get compiles
// 318 of ferry's functions in the process instead of 556 (the classes'
// methods are what is left), with no V8 flag changed (docs/performance.md,
// "Cold start", eighth round). Chunks in an import cycle keep their
// declarations.
//
// What the build takes care of:
// - npm packages stay imports (`--external`, resolved through deno.json's
//   import map when the CLI runs with `--config deno.json`): bundled, their
//   CommonJS shims would put a `node:module` import in a chunk every other
//   chunk imports, and the first node: module starts Deno's Node layer.
// - The Node-TLS worker is an entry of its own (dist/transport/
//   _isolated_worker.js), and the one place that names its file relative to
//   `import.meta.url` (src/transport/transport.ts) is rewritten to name that
//   file relative to the chunk it ended up in.
// - `ferry permissions` grants reading ferry's own modules as one folder
//   (src/runner/permissions.ts: `new URL("../", import.meta.url)`, src/ in a
//   checkout); in the bundle it is rewritten to name dist/.
// Each rewrite must match exactly once, or the build fails: a source that
// changes shape is caught here, not by a user's FTPS job.

import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { markForEagerCompile, modulesInCycles, staticImports } from "./eager_compile.ts";
import { shiftColumns, type SourceMap } from "./_source_map.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
/** Where the README's install line and `ferry permissions` expect the bundle. */
export const DIST = join(REPO, "dist");
/** The bundle's entry points, relative to the repository. */
const ENTRIES = ["src/cli/mod.ts", "src/transport/_isolated_worker.ts"];
/** The worker's file in the bundle, relative to dist/. */
const WORKER = "transport/_isolated_worker.js";

interface Rewrite {
  /** The text esbuild copies from the source (minified: no space after the comma). */
  from: string;
  /** The source that holds it, named when the count is wrong. */
  source: string;
  /** The replacement, for a chunk at `chunk` (a path relative to dist/). */
  to: (chunk: string) => string;
}

/** `./x`, `../x` or `./`: `target` (relative to dist/) from a chunk at `chunk`. */
const fromChunk = (chunk: string, target: string) => {
  const path = relative(dirname(chunk), target).replaceAll("\\", "/");
  return path === "" ? "./" : path.startsWith(".") ? path : `./${path}`;
};

const REWRITES: Rewrite[] = [
  {
    from: `new URL("./_isolated_worker.ts",import.meta.url)`,
    source: "src/transport/transport.ts (TLS_WORKER_MODULE)",
    to: (chunk) => `new URL(${JSON.stringify(fromChunk(chunk, WORKER))}, import.meta.url)`,
  },
  {
    from: `new URL("../",import.meta.url)`,
    source: "src/runner/permissions.ts (OWN_SOURCES)",
    to: (chunk) =>
      `new URL(${JSON.stringify(fromChunk(chunk, "").replace(/\/?$/, "/"))}, import.meta.url)`,
  },
];

/**
 * The chunks (paths relative to dist/) that import themselves through their
 * static imports: one module of such a cycle may run before another has.
 */
async function chunksInCycles(
  outDir: string,
  chunks: readonly string[],
  packages: readonly string[],
): Promise<Set<string>> {
  const imports = new Map<string, string[]>();
  for (const chunk of chunks) {
    const text = await Deno.readTextFile(join(outDir, chunk));
    const specifiers = staticImports(text);
    // A chunk imported by another form of specifier would drop out of the
    // cycle search unseen; the others are node: modules and the npm
    // packages of deno.json's import map.
    const unknown = specifiers.filter((specifier) =>
      !specifier.startsWith(".") && !specifier.startsWith("node:") && !packages.includes(specifier)
    );
    if (unknown.length > 0) {
      throw new Error(
        `tasks/build.ts: ${chunk} imports ${
          unknown.join(", ")
        }, neither a relative path, a node: ` +
          "module nor a name of deno.json's imports; teach chunksInCycles that form",
      );
    }
    imports.set(
      chunk,
      specifiers.filter((specifier) => specifier.startsWith("."))
        .map((specifier) => join(dirname(chunk), specifier).replaceAll("\\", "/")),
    );
  }
  return modulesInCycles(imports);
}

async function files(root: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(join(root, prefix))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) found.push(...await files(root, path));
    else found.push(path);
  }
  return found.sort();
}

/**
 * Bundles the CLI into `outDir` (which must not exist) and returns its files
 * (paths relative to `outDir`, sorted).
 */
export async function build(outDir: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  const externals = Object.keys(config.imports ?? {}).flatMap((name) => ["--external", name]);
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      join(REPO, "deno.json"),
      "--platform",
      "deno",
      "--code-splitting",
      "--minify",
      "--sourcemap",
      "linked",
      ...externals,
      "--outdir",
      outDir,
      ...ENTRIES.map((entry) => join(REPO, entry)),
    ],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(output.stderr)}`);
  }
  const written = await files(outDir);
  const counts = REWRITES.map(() => 0);
  const chunks = written.filter((file) => file.endsWith(".js"));
  const inCycles = await chunksInCycles(outDir, chunks, Object.keys(config.imports ?? {}));
  for (const chunk of chunks) {
    const path = join(outDir, chunk);
    let text = await Deno.readTextFile(path);
    // Functions first, so that V8 compiles them with their chunk (the
    // rewrites below find their text unchanged).
    const map = JSON.parse(await Deno.readTextFile(`${path}.map`)) as SourceMap;
    try {
      text = markForEagerCompile(text, map, inCycles.has(chunk));
    } catch (error) {
      throw new Error(`tasks/build.ts: marking dist/${chunk} for eager compiling failed`, {
        cause: error,
      });
    }
    for (const [i, rewrite] of REWRITES.entries()) {
      const to = rewrite.to(chunk);
      for (let at = text.indexOf(rewrite.from); at !== -1; at = text.indexOf(rewrite.from, at)) {
        counts[i]++;
        // The segments after the edited text move, those inside the common
        // tail (`import.meta.url)`) included.
        let tail = 0;
        while (
          tail < Math.min(to.length, rewrite.from.length) &&
          to.at(-1 - tail) === rewrite.from.at(-1 - tail)
        ) tail++;
        shiftColumns(map, text, at + rewrite.from.length - tail, to.length - rewrite.from.length);
        text = text.slice(0, at) + to + text.slice(at + rewrite.from.length);
        at += to.length;
      }
    }
    await Deno.writeTextFile(path, text);
    await Deno.writeTextFile(`${path}.map`, JSON.stringify(map));
  }
  REWRITES.forEach((rewrite, i) => {
    if (counts[i] !== 1) {
      throw new Error(
        `tasks/build.ts: expected ${rewrite.from} (from ${rewrite.source}) once in the ` +
          `bundle, found it ${counts[i]} times; update REWRITES for the source's new shape, ` +
          `or write the same URL elsewhere differently`,
      );
    }
  });
  for (const entry of ["cli/mod.js", WORKER]) {
    if (!written.includes(entry)) throw new Error(`tasks/build.ts: the bundle has no ${entry}`);
  }
  return written;
}

/**
 * Replaces `outDir` (dist/ by default) with a fresh build; returns its files.
 * The build goes to a sibling folder first and is then renamed into place,
 * so a build that fails leaves the old bundle, and a `ferry` running from it
 * never finds the folder half written.
 */
export async function rebuild(outDir: string = DIST): Promise<string[]> {
  const fresh = `${outDir}.new-${Deno.pid}`;
  const old = `${outDir}.old-${Deno.pid}`;
  await Deno.remove(fresh, { recursive: true }).catch(() => {});
  try {
    const written = await build(fresh);
    const hadOne = await Deno.rename(outDir, old).then(() => true, (error) => {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    });
    await Deno.rename(fresh, outDir);
    if (hadOne) await Deno.remove(old, { recursive: true });
    return written;
  } finally {
    await Deno.remove(fresh, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const written = await rebuild();
  console.log(`dist/: ${written.length} files from ${ENTRIES.join(", ")}`);
}
