// tasks/eager_compile.ts, which tasks/build.ts runs on every chunk of the
// bundle: what it changes must not change what the code does, V8 must then
// compile the functions with their module (so Deno's code cache holds
// them), and the bundle's source maps must still point at src/.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  applyInsertions,
  eagerCompileInsertions,
  markForEagerCompile,
  modulesInCycles,
  staticImports,
} from "../tasks/eager_compile.ts";
import { tempDir } from "./_helpers.ts";
import { bundleBuilt } from "./_bundle.ts";
import type { SourceMap } from "../tasks/_source_map.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const transformed = (source: string, inCycle = false) =>
  applyInsertions(source, eagerCompileInsertions(source, inCycle));

/** What a module's default export returns, imported from a data: URL. */
async function evaluate(source: string): Promise<unknown> {
  const url = `data:text/javascript;base64,${btoa(source)}`;
  const module = await import(url);
  return module.default();
}

// Each of these calls a function before the statement that declares it, one
// way or another: hoisting must survive the transform.
const HOISTING: Record<string, string> = {
  "called at the top before its statement": `
    const early = f(1);
    function f(x){return x+1}
    export default () => early;`,
  "called through a hoisted function that is called early": `
    const early = g();
    function f(){return 2}
    function g(){return f()}
    export default () => early;`,
  "called before its statement inside a function": `
    function outer(){ const v = inner(); function inner(){return 3} return v }
    export default outer;`,
  "declared in a block": `
    export default () => { if (true) { return h(); function h(){return 4} } }`,
  "mutually recursive, called after both": `
    function even(n){return n===0?true:odd(n-1)}
    function odd(n){return n===0?false:even(n-1)}
    export default () => [even(10), odd(7)];`,
  "declared twice in one function (the last one counts)": `
    function pick(){ const a = f(); function f(){return 1} function f(){return 2} return a }
    function later(){ function g(){return 1} const b = 0; function g(){return 2} return g() + b }
    export default () => [pick(), later()];`,
  "a shadowing name before it": `
    const a = ((f) => f * 2)(5);
    function f(){return a}
    export default () => f();`,
  "arrows, function expressions, async and generators": `
    const twice = (fn) => (x) => fn(fn(x));
    const add = function(x){return x+1};
    async function later(){return twice(add)(1)}
    function* gen(){yield 1; yield 2}
    export default async () => [await later(), [...gen()], [1,2].map(x=>x*3)];`,
};

for (const [what, source] of Object.entries(HOISTING)) {
  Deno.test(`eager compile: a module behaves the same after the transform: ${what}`, async () => {
    const after = transformed(source);
    assert.notEqual(after, source, "something was marked");
    assert.deepEqual(await evaluate(after), await evaluate(source));
  });
}

Deno.test("eager compile: a declaration becomes a var only where nothing can call it before its statement", () => {
  const source = [
    "const early = f();",
    "function f(){return g()}",
    "function g(){return 1}",
    "function h(){return 2}",
    "export default () => early + h();",
  ].join("\n");
  const after = transformed(source);
  // f is called before its statement; g is named inside f, which stays a
  // hoisted declaration, so g stays too; h is safe.
  assert.match(after, /^function f\(\)/m);
  assert.match(after, /^function g\(\)/m);
  assert.match(after, /^var h=\(function h\(\)\{return 2\}\);/m);
  // In an import cycle another module's code may run first: all stay.
  assert.doesNotMatch(transformed(source, true), /var h=/);
});

Deno.test("eager compile: staticImports names the modules imported or re-exported, not the dynamic ones", () => {
  const source = `import{a}from"./x.js";import"./y.js";export*from"./z.js";` +
    `export{b}from"./w.js";const c=()=>import("./lazy.js");export{c}`;
  assert.deepEqual(staticImports(source), ["./x.js", "./y.js", "./z.js", "./w.js"]);
});

Deno.test("eager compile: modulesInCycles finds the modules that import themselves, through any number of others", () => {
  const imports = new Map([
    ["entry.js", ["a.js", "b.js"]],
    ["a.js", ["c.js"]],
    ["b.js", ["c.js"]], // two ways to c: no cycle
    ["c.js", []],
    ["x.js", ["y.js"]],
    ["y.js", ["z.js"]],
    ["z.js", ["x.js"]],
    ["self.js", ["self.js"]],
    ["into.js", ["x.js"]], // reaches a cycle, is not in it
  ]);
  assert.deepEqual([...modulesInCycles(imports)].sort(), ["self.js", "x.js", "y.js", "z.js"]);
});

/**
 * The distinct functions of `file` that V8 parsed or compiled in the process
 * when `deno run` ran it, its code cache made by an earlier run.
 */
async function compiledInProcess(file: string, denoDir: string, log: string): Promise<number> {
  const args = [
    "run",
    `--v8-flags=--log-function-events,--logfile=${log},--no-logfile-per-isolate`,
    file,
  ];
  for (let run = 0; run < 2; run++) {
    const output = await new Deno.Command(Deno.execPath(), {
      args,
      env: { DENO_DIR: denoDir, NO_COLOR: "1" },
      stdout: "null",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  }
  const lines = (await Deno.readTextFile(log)).split("\n");
  // `function,deserialize,ID,0,LENGTH,…,URL` names the script's final id.
  const id = lines.map((line) => line.split(","))
    .find((parts) => parts[1] === "deserialize" && parts[7] === `file://${file}`)?.[2];
  assert.ok(id, "the module came from the code cache");
  const compiled = new Set<string>();
  for (const line of lines) {
    const [kind, event, script, start, end] = line.split(",", 5);
    if (
      kind === "function" && script === id &&
      /^(parse|full-parse|preparse-|interpreter)/.test(event)
    ) {
      compiled.add(`${start},${end}`);
    }
  }
  return compiled.size;
}

Deno.test("eager compile: V8 compiles a marked module's functions with it, so a run with its code cache compiles none of them", async () => {
  await using dir = await tempDir();
  const source = `
    function parse(text){return text.split(",").map((part) => part.trim())}
    const sum = function(values){return values.reduce((a, b) => a + b, 0)};
    function main(){return sum(parse("1, 2, 3").map(Number))}
    if (main() !== 6) throw new Error("wrong");`;
  const before = join(dir.path, "before.js");
  const after = join(dir.path, "after.js");
  await Deno.writeTextFile(before, source);
  await Deno.writeTextFile(after, transformed(source));
  const denoDir = join(dir.path, "deno_dir");
  // Five functions, each compiled on its first call.
  assert.equal(await compiledInProcess(before, denoDir, join(dir.path, "before.log")), 5);
  assert.equal(await compiledInProcess(after, denoDir, join(dir.path, "after.log")), 0);
});

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A source map's segments: [generated line, column, source, original line, column] (mapped ones). */
function* segments(mappings: string): Generator<number[]> {
  const state = [0, 0, 0, 0];
  for (const [line, text] of mappings.split(";").entries()) {
    let column = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const values: number[] = [];
      for (let i = 0, value = 0, shift = 0; i < segment.length; i++) {
        const digit = BASE64.indexOf(segment[i]);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
          continue;
        }
        values.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      column += values[0];
      if (values.length < 4) continue;
      for (let k = 0; k < 3; k++) state[k] += values[k + 1];
      yield [line, column, state[0], state[1], state[2]];
    }
  }
}

Deno.test("eager compile: the source map moves with the insertions: each mapped column holds the same character as before", async () => {
  await using dir = await tempDir();
  const out = join(dir.path, "ftp_client.js");
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      join(ROOT, "deno.json"),
      "--platform",
      "deno",
      "--minify",
      "--sourcemap",
      "linked",
      "--output",
      out,
      join(ROOT, "src/client/ftp_client.ts"),
    ],
  }).output();
  assert.ok(bundled.success, new TextDecoder().decode(bundled.stderr));
  const text = await Deno.readTextFile(out);
  const map = JSON.parse(await Deno.readTextFile(`${out}.map`));
  const before = [...segments(map.mappings)];
  const marked = markForEagerCompile(text, map, false);
  const after = [...segments(map.mappings)];
  assert.ok(marked.length > text.length + 1000, "many functions marked");
  assert.equal(after.length, before.length);
  const lines = text.split("\n");
  const markedLines = marked.split("\n");
  for (const [i, [line, column, ...original]] of before.entries()) {
    const [movedLine, movedColumn, ...movedOriginal] = after[i];
    assert.deepEqual([movedLine, ...movedOriginal], [line, ...original]);
    assert.equal(
      markedLines[line][movedColumn],
      lines[line][column],
      `segment ${i}: column ${column} → ${movedColumn}`,
    );
  }
  assert.ok(before.length > 1000, `${before.length} segments`);
});

/** What a module's default export returns (or the error it throws), from a data: URL. */
async function outcome(source: string): Promise<unknown> {
  try {
    const module = await import(`data:text/javascript;base64,${btoa(source)}`);
    return await module.default();
  } catch (error) {
    return `throws ${(error as Error).name}: ${(error as Error).message}`;
  }
}

// Found in review: modules that the first version of the marks turned into
// another program. Each must now behave the same, or the build must stop.
const NOT_SHIPPED_CHANGED: Record<string, string> = {
  // `var f=(function f(){…})`: inside, `f` is now the function expression's
  // own (immutable) name, no longer the scope's binding.
  "a function that reassigns its own name (lazy init)": `
    function f(){ f = () => "second"; return "first" }
    export default () => [f(), f()];`,
  "a function whose binding is reassigned later (its recursion goes through the new value)": `
    let calls = 0;
    function fib(n){ calls++; return n < 2 ? n : fib(n-1) + fib(n-2) }
    const memo = (g) => { const c = new Map(); return (n) => c.has(n) ? c.get(n) : (c.set(n, g(n)), c.get(n)) };
    fib = memo(fib);
    export default () => { calls = 0; fib(20); return calls; };`,
  "a function whose binding is reassigned by destructuring": `
    function f(){ return f }
    const g = f;
    ({ f } = { f: 42 });
    export default () => g();`,
  // ASI: a block-bodied arrow cannot be an operand, so a newline after it
  // ended the statement; in parentheses it can, and the next line continues it.
  "a block-bodied arrow at a line's end, the next line starting with [": `
    const handler = () => {
      return 1
    }
    [1, 2].forEach(() => {})
    export default () => typeof handler;`,
  "a block-bodied arrow at a line's end, the next line starting with (": `
    let a = () => {}
    (0)
    export default () => typeof a;`,
  "a block-bodied arrow at a line's end, the next line starting with +": `
    let a = () => {}
    +1
    export default () => typeof a;`,
  // A name that no Identifier node spells: a direct eval (strict mode still
  // reads the enclosing scope).
  "a direct eval that reaches a declaration before its statement": `
    const early = eval("f")();
    function f(){ return 7 }
    export default () => early;`,
};

for (const [what, source] of Object.entries(NOT_SHIPPED_CHANGED)) {
  Deno.test(`eager compile: behaves the same after the marks, or the build stops: ${what}`, async () => {
    let after: string;
    try {
      after = markForEagerCompile(source, { mappings: "" } as SourceMap, false);
    } catch (error) {
      // Stopping the build is fine; shipping another program is not.
      assert.match((error as Error).message, /parses to another program/);
      return;
    }
    assert.deepEqual(await outcome(after), await outcome(source), after);
  });
}

// The build's other edits of the same chunks (the worker URL's rewrite) move
// the map's segments too: one inside a rewritten span must stay on its text.
Deno.test("build: every segment that maps to `import.meta` in src/ points at `import.meta` in the bundle", async () => {
  const dist = await bundleBuilt();
  const wrong: string[] = [];
  let checked = 0;
  for (const chunk of ["chunk", "permissions"]) {
    for await (const entry of Deno.readDir(dist)) {
      if (!entry.name.startsWith(chunk) || !entry.name.endsWith(".js")) continue;
      const text = (await Deno.readTextFile(join(dist, entry.name))).split("\n");
      const map = JSON.parse(await Deno.readTextFile(join(dist, `${entry.name}.map`)));
      for (const [line, column, source, originalLine, originalColumn] of segments(map.mappings)) {
        const original = map.sourcesContent[source].split("\n")[originalLine];
        if (!original.startsWith("import.meta", originalColumn)) continue;
        checked++;
        const at = text[line].slice(column, column + 11);
        if (at !== "import.meta") wrong.push(`${entry.name}:${column} holds ${JSON.stringify(at)}`);
      }
    }
  }
  assert.ok(checked > 0);
  assert.deepEqual(wrong, []);
});
