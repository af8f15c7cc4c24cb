// The boundaries of the source tree: a `_`-prefixed file is private to its
// folder (and that folder's subfolders, as `runner/steps/` is the runner's),
// so no other folder imports it; what folders share is a module without the
// underscore, documented like the rest of that folder's surface.

import assert from "node:assert/strict";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Every `.ts` file below `dir`. */
async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.isFile && entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** The relative specifiers a module imports or re-exports, statically or dynamically. */
function relativeImports(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\b[^;]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** Whether a file in `importerDir` may import the private file `target`. */
function mayImportPrivate(importerDir: string, target: string): boolean {
  const owner = dirname(target);
  return importerDir === owner || importerDir.startsWith(owner + sep);
}

/** `importer -> target` for each import of another folder's `_` file. */
async function crossFolderPrivateImports(files: string[]): Promise<string[]> {
  const offences: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    for (const specifier of relativeImports(text)) {
      const target = resolve(dirname(file), specifier);
      const name = target.slice(target.lastIndexOf(sep) + 1);
      if (!name.startsWith("_")) continue;
      if (mayImportPrivate(dirname(file), target)) continue;
      offences.push(`${relative(ROOT, file)} -> ${relative(ROOT, target)}`);
    }
  }
  return offences.sort();
}

Deno.test("no module imports another folder's _-prefixed file", async () => {
  const files = [...await sourceFiles(join(ROOT, "src")), join(ROOT, "mod.ts")];
  assert.ok(files.length > 100, `expected the whole source tree, read ${files.length} files`);
  assert.deepEqual(await crossFolderPrivateImports(files), []);
});

Deno.test("the boundary check sees static, type-only, re-exported and dynamic imports", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ferry-structure-" });
  try {
    await Deno.mkdir(join(dir, "a", "inner"), { recursive: true });
    await Deno.mkdir(join(dir, "b"));
    const write = (path: string, text: string) => Deno.writeTextFile(join(dir, path), text);
    await write("a/_private.ts", "export const x = 1;\n");
    await write("a/inner/child.ts", 'import { x } from "../_private.ts";\n');
    await write("a/sibling.ts", 'import { x } from "./_private.ts";\n');
    await write(
      "b/user.ts",
      [
        'import { x } from "../a/_private.ts";',
        'import type {\n  Y,\n} from "../a/_types.ts";',
        'export { z } from "../a/_reexported.ts";',
        'const m = await import("../a/_lazy.ts");',
        'import { fine } from "../a/public.ts";',
      ].join("\n"),
    );
    const files = ["a/_private.ts", "a/inner/child.ts", "a/sibling.ts", "b/user.ts"]
      .map((path) => join(dir, path));
    const offences = (await crossFolderPrivateImports(files)).map((line) =>
      line.replaceAll(relative(ROOT, dir) + sep, "")
    );
    assert.deepEqual(offences, [
      "b/user.ts -> a/_lazy.ts",
      "b/user.ts -> a/_private.ts",
      "b/user.ts -> a/_reexported.ts",
      "b/user.ts -> a/_types.ts",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the root entry point is what a script needs; wire helpers and parsers have subpaths", async () => {
  const root = await import("../mod.ts");
  const protocol = await import("../src/protocol/mod.ts");
  const listing = await import("../src/listing/mod.ts");
  for (
    const name of ["FtpClient", "FtpError", "FtpTimeoutError", "PARTIAL_SUFFIX", "parseFtpUrl"]
  ) {
    assert.ok(name in root, `${name} belongs to @ferry/ftp`);
  }
  for (const name of ["formatEprtArgument", "parsePasvReply", "ReplyParser", "parseFeatures"]) {
    assert.ok(!(name in root), `${name} is a wire helper: @ferry/ftp/protocol, not the root`);
    assert.ok(name in protocol, `${name} is missing from @ferry/ftp/protocol`);
  }
  for (const name of ["parseList", "parseUnixLine", "parseMlsdLine", "ListParser"]) {
    assert.ok(!(name in root), `${name} is a listing parser: @ferry/ftp/listing, not the root`);
    assert.ok(name in listing, `${name} is missing from @ferry/ftp/listing`);
  }
});

Deno.test("every entry point in deno.json exists, is re-exports or a program, and has a @module doc", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const exports: Record<string, string> = config.exports;
  assert.deepEqual(Object.keys(exports).sort(), [
    ".",
    "./cli",
    "./listing",
    "./protocol",
    "./runner",
    "./testing",
  ]);
  for (const [name, path] of Object.entries(exports)) {
    const text = await Deno.readTextFile(join(ROOT, path));
    assert.match(text, /@module/, `${name} (${path}) needs a @module doc`);
    assert.ok(config.tasks.check.includes(path.replace(/^\.\//, "")), `${path} is doc-linted`);
  }
});

/** The folder (or root file) below src/ a path belongs to. */
function areaOf(path: string): string {
  const [area] = relative(join(ROOT, "src"), path).split(sep);
  return area;
}

/** What each layer may import (docs/architecture.md, "Layers"). */
const MAY_IMPORT: Record<string, string[]> = {
  "std": [],
  "errors.ts": ["protocol"],
  "protocol": ["errors.ts", "std"],
  "listing": ["protocol", "errors.ts", "std"],
  "transport": ["protocol", "errors.ts", "std"],
  "client": ["transport", "listing", "protocol", "errors.ts", "std"],
  "runner": ["client", "transport", "listing", "protocol", "errors.ts", "std"],
  "testing": ["transport", "protocol", "errors.ts", "std"],
  "cli": ["runner", "client", "testing", "listing", "protocol", "errors.ts", "std", "deno.json"],
};

Deno.test("each layer imports only the layers below it (the embedded server: protocol and transport)", async () => {
  const offences: string[] = [];
  for (const file of await sourceFiles(join(ROOT, "src"))) {
    const from = areaOf(file);
    const allowed = MAY_IMPORT[from];
    assert.ok(allowed, `src/${from} is a new folder: give it a place in MAY_IMPORT and the docs`);
    for (const specifier of relativeImports(await Deno.readTextFile(file))) {
      const target = resolve(dirname(file), specifier);
      const to = target.startsWith(join(ROOT, "src") + sep)
        ? areaOf(target)
        : relative(ROOT, target);
      if (to !== from && !allowed.includes(to)) offences.push(`${relative(ROOT, file)} -> ${to}`);
    }
  }
  assert.deepEqual(offences, []);
});
