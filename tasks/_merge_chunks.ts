// The second step of `deno task build` (tasks/build.ts): the chunks a
// one-file `ferry get` loads, merged into one file.
//
// esbuild puts each module in a chunk by the set of entries and lazily
// imported modules that reach it, so the ~100 modules of a get came out in
// about 45 files (docs/performance.md, "Cold start"), and each file costs
// Deno a read, a code-cache lookup and a module instantiation at start. This
// step takes the files a get loads beyond what every command loads (the
// entry's own chunks) and beyond the TLS worker's (a separate isolate, which
// must not load a get's code), bundles them once more into one file, and
// points every import of those chunks at it. No module is in two files: the
// merged chunks are deleted, and every file that imported one imports the
// same binding from the merged file (its exports are named after the chunk
// and the export, `CHUNKHASH_name`). Other commands load the merged file
// where they loaded any of its chunks: most of the client and the runner,
// which they use anyway.
//
// It works on esbuild's minified output, whose cross-chunk imports have two
// forms (`import{a,b as c}from"./chunk-X.js"` and `import"./chunk-X.js"`)
// and whose chunks end with one `export{…}`; anything else referring to a
// merged chunk fails the build, so a new esbuild output shape is caught
// here, not by a user.

import { join } from "node:path";

/** A static import of a file of the bundle, as esbuild writes it (minified). */
const IMPORT = /import(?:\{([^}]*)\}from)?"(\.\.?\/[^"]+\.js)"/g;
/** A chunk's exports (its last statement). */
const EXPORT = /export\{([^}]*)\};?\s*(?:\/\/# sourceMappingURL=\S+\s*)?$/;

/** Where `specifier` (relative to `file`, both relative to the bundle's root) points. */
function target(file: string, specifier: string): string {
  const parts = file.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

/** The files `file` imports statically, transitively (with itself). */
function closure(imports: Map<string, string[]>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...roots];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...imports.get(next) ?? []);
  }
  return seen;
}

/** Options of {@linkcode mergeChunks}. */
export interface MergeOptions {
  /** The CLI's entry (`cli/mod.js`): what every command loads stays as it is. */
  entry: string;
  /** The files a one-file get imports dynamically (the lazy modules' entries). */
  lazy: string[];
  /** Entries of other isolates (the TLS worker): their files stay as they are. */
  isolated: string[];
  /** The merged file's name. */
  name: string;
  /** Runs `deno bundle` with these arguments. */
  bundle: (args: string[]) => Promise<void>;
  /** Rewrites `text` (a file of the bundle) and keeps its source map true. */
  rewrite: (file: string, edits: { at: number; length: number; to: string }[]) => Promise<void>;
}

/**
 * Merges the chunks a get loads into `options.name` in `outDir`; returns the
 * merged chunks' names (deleted), or an empty list when there are fewer than
 * two.
 */
export async function mergeChunks(
  outDir: string,
  files: string[],
  options: MergeOptions,
): Promise<string[]> {
  const scripts = files.filter((file) => file.endsWith(".js"));
  const texts = new Map<string, string>();
  const imports = new Map<string, string[]>();
  for (const file of scripts) {
    const text = await Deno.readTextFile(join(outDir, file));
    texts.set(file, text);
    imports.set(file, [...text.matchAll(IMPORT)].map((match) => target(file, match[2])));
  }
  const everyCommand = closure(imports, [options.entry]);
  const isolated = closure(imports, options.isolated);
  const merged = [...closure(imports, [options.entry, ...options.lazy])].filter((file) =>
    !everyCommand.has(file) && !isolated.has(file) && !options.lazy.includes(file) &&
    !file.includes("/")
  ).sort();
  if (merged.length < 2) return [];
  const prefix = (file: string) => `$${file.replace(/^chunk-/, "").replace(/\.js$/, "")}`;

  // One file re-exporting every merged chunk's exports under new names, and
  // bundled with everything else external: esbuild renames what collides.
  const reexports: string[] = [];
  const exportsOf = new Map<string, Set<string>>();
  for (const file of merged) {
    const found = EXPORT.exec(texts.get(file)!);
    const names = found
      ? found[1].split(",").filter(Boolean).map((item) => item.split(" as ").at(-1)!.trim())
      : [];
    exportsOf.set(file, new Set(names));
    const list = names.map((name) => `${name} as ${prefix(file)}_${name}`).join(",");
    reexports.push(list ? `export{${list}}from"./${file}";` : `import"./${file}";`);
  }
  const input = `_merge-input-${Deno.pid}.js`;
  const built = `_merge-output-${Deno.pid}`;
  await Deno.writeTextFile(join(outDir, input), reexports.join("\n"));
  try {
    const externals = scripts.filter((file) => !merged.includes(file))
      .flatMap((file) => ["--external", `./${file}`, "--external", `../${file}`]);
    await options.bundle([...externals, "--outdir", join(outDir, built), join(outDir, input)]);
    const out = input;
    let text = await Deno.readTextFile(join(outDir, built, out));
    text = text.replace(
      /\/\/# sourceMappingURL=\S+\s*$/,
      `//# sourceMappingURL=${options.name}.map\n`,
    );
    await Deno.writeTextFile(join(outDir, options.name), text);
    await Deno.rename(join(outDir, built, `${out}.map`), join(outDir, `${options.name}.map`));
  } finally {
    await Deno.remove(join(outDir, input)).catch(() => {});
    await Deno.remove(join(outDir, built), { recursive: true }).catch(() => {});
  }

  // Every other file imports the merged file instead of the chunks.
  for (const file of scripts.filter((file) => !merged.includes(file))) {
    const text = texts.get(file)!;
    const edits: { at: number; length: number; to: string }[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const chunk = target(file, match[2]);
      if (!merged.includes(chunk)) continue;
      if (isolated.has(file)) {
        throw new Error(`tasks/_merge_chunks.ts: ${file} (another isolate) imports ${chunk}`);
      }
      const path = match[2].slice(0, -chunk.split("/").at(-1)!.length) + options.name;
      let to = `import"${path}"`;
      if (match[1] !== undefined) {
        const bindings = match[1].split(",").filter(Boolean).map((item) => {
          const [name, local = name] = item.split(" as ").map((part) => part.trim());
          if (!exportsOf.get(chunk)!.has(name)) {
            throw new Error(`tasks/_merge_chunks.ts: ${chunk} does not export ${name}`);
          }
          return `${prefix(chunk)}_${name} as ${local}`;
        });
        to = `import{${bindings.join(",")}}from"${path}"`;
      }
      edits.push({ at: match.index, length: match[0].length, to });
    }
    const left = text.replaceAll(IMPORT, "").match(/["'`]\.\.?\/(?:[\w-]+\/)*chunk-[A-Z0-9]+\.js/g)
      ?.filter((specifier) => merged.some((chunk) => specifier.endsWith(chunk)));
    if (left?.length) {
      throw new Error(
        `tasks/_merge_chunks.ts: ${file} refers to ${left[0]} in a form it cannot rewrite`,
      );
    }
    if (edits.length > 0) await options.rewrite(file, edits);
  }
  for (const file of merged) {
    await Deno.remove(join(outDir, file));
    await Deno.remove(join(outDir, `${file}.map`)).catch(() => {});
  }
  return merged;
}
