/**
 * `deno run -A bench/startup_platform.ts`: what Deno itself charges for the
 * things a one-file `ferry get` is made of, as unit costs, to tell the
 * platform's part of issue 15's bar (ferry's own work in a get, at most 20
 * ms above `deno run` of an empty script) from ferry's.
 *
 * It writes synthetic scripts into a temporary folder and runs each as a
 * fresh process (`deno run` with the CLI's permissions), in interleaved
 * rounds whose order rotates, after unmeasured rounds that fill Deno's code
 * cache; CPU time (user + system, `os.wait4`) and wall time, medians of the
 * per-round differences against the empty script:
 *
 * - `files-1`, `files-43`: an entry importing 1 or 43 modules of one line
 *   each (a get from dist/ loads 43 files): the cost of a module file;
 * - `bytes-1x180KB`, `bytes-43x4KB`: 180 KB of functions that are never
 *   called (a get's 43 files hold 181 KB), in one file or in 43: the cost
 *   of code that is only loaded;
 * - `calls-400`, `defined-400`: 400 small functions (about 200 bytes each,
 *   like the bundle's) in one file, each called once, or none called:
 *   the first call of a function compiles it, and V8's code cache (filled
 *   when a module is compiled, before it runs) does not keep that;
 * - `node-path`: one `node:path` import (Deno's Node layer; a get loads no
 *   `node:` module, tests/startup_graph.test.ts); `node-tls`: `node:tls`,
 *   `node:net` and `node:worker_threads`, what the Node-TLS worker path
 *   loads (servers that require TLS session reuse);
 * - `ferry-load`, when dist/ is built (`deno task build`): the modules a
 *   get from the bundle loads (cli/mod.js and the lazy `_oneshot`, `_job`
 *   and `get` chunks with their imports), evaluated but not run;
 * - the empty script, `bytes-1x180KB`, `defined-400`, `calls-400`,
 *   `node-tls` and `ferry-load` again with `--v8-flags=--no-lazy` (the
 *   README's install line), with a `DENO_DIR` of their own (see
 *   `NO_LAZY_DENO_DIR`): V8 then compiles every function with its module,
 *   so the code cache holds them all.
 *
 * Prints the unit costs derived from them (per file, per KB, per function
 * called, with and without `--no-lazy`) and the load average before and
 * after. FERRY_BENCH_RUNS sets the rounds (default 41).
 *
 * @module
 */

import { join } from "../src/std/path.ts";
import { cpuMsFrom, cpuTimedArgs, median } from "./_bench_kit.ts";

const ROUNDS = Number(Deno.env.get("FERRY_BENCH_RUNS") ?? 41);
const WARM_UP = 3;
const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env", "--allow-sys"];
const repo = new URL("..", import.meta.url).pathname;
const dir = await Deno.makeTempDir({ prefix: "ferry-startup-platform-" });

/** A function of about 200 bytes, with a loop, branches and an object literal. */
const fn = (name: string, n: number) =>
  `function ${name}(a, b) { const out = []; for (const x of a) { if (x.k === b) ` +
  `out.push({ k: x.k, v: x.v + ${n} }); else if (x.v > ${n}) out.push(x); } ` +
  `return out.length > 0 ? out : [{ k: b, v: ${n}, w: String(b).length }]; }\n`;
/** Functions never called, about `kb` KB of them, exported so that none is dropped. */
const uncalled = (prefix: string, kb: number) => {
  let text = "";
  for (let i = 0; text.length < kb * 1000; i++) text += `export ${fn(`${prefix}${i}`, i)}`;
  return text;
};

/** Each variant's script and extra `deno run` flags. */
const scripts: Record<string, string> = {};
const flags: Record<string, string[]> = {};
const NO_LAZY = "--v8-flags=--no-lazy";
const write = (name: string, text: string) => Deno.writeTextFileSync(join(dir, name), text);

write("empty.js", "");
scripts.empty = "empty.js";

for (const count of [1, 43]) {
  for (let i = 0; i < count; i++) write(`tiny-${count}-${i}.js`, `export const v${i} = ${i};\n`);
  write(
    `files-${count}.js`,
    Array.from({ length: count }, (_, i) => `import "./tiny-${count}-${i}.js";\n`).join(""),
  );
  scripts[`files-${count}`] = `files-${count}.js`;
}

write("big-0.js", uncalled("f", 180));
write("bytes-1x180KB.js", `import "./big-0.js";\n`);
scripts["bytes-1x180KB"] = "bytes-1x180KB.js";
for (let i = 0; i < 43; i++) write(`part-${i}.js`, uncalled(`p${i}_`, 180 / 43));
write(
  "bytes-43x4KB.js",
  Array.from({ length: 43 }, (_, i) => `import "./part-${i}.js";\n`).join(""),
);
scripts["bytes-43x4KB"] = "bytes-43x4KB.js";

const FUNCTIONS = 400;
const defined = Array.from({ length: FUNCTIONS }, (_, i) => fn(`g${i}`, i)).join("");
write("defined-400.js", `${defined}if (Math.random() < 0) console.log(g0);\n`);
scripts["defined-400"] = "defined-400.js";
const calls = Array.from({ length: FUNCTIONS }, (_, i) => `t += g${i}([], "x").length;\n`);
write("calls-400.js", `${defined}let t = 0;\n${calls.join("")}if (t < 0) console.log(t);\n`);
scripts["calls-400"] = "calls-400.js";

write("node-path.js", `import { join } from "node:path";\nif (join("a") !== "a") throw 0;\n`);
scripts["node-path"] = "node-path.js";
write(
  "node-tls.js",
  `import tls from "node:tls";\nimport net from "node:net";\n` +
    `import { Worker } from "node:worker_threads";\n` +
    `if (!tls.connect || !net.connect || !Worker) throw 0;\n`,
);
scripts["node-tls"] = "node-tls.js";

// The modules a get from the bundle loads, without running it.
const dist = join(repo, "dist");
const lazy = (name: string) =>
  [...Deno.readDirSync(dist)].find((e) =>
    e.name.startsWith(`${name}-`) && /^[A-Z0-9]+\.js$/.test(e.name.slice(name.length + 1))
  )?.name;
const built = (() => {
  try {
    return Deno.statSync(join(dist, "cli/mod.js")).isFile;
  } catch {
    return false;
  }
})();
const chunks = built ? ["_oneshot", "_job", "get"].map(lazy) : [];
/** An entry importing what a get loads from the bundle in `folder`. */
const ferryLoad = (folder: string) =>
  [join(folder, "cli/mod.js"), ...chunks.map((chunk) => join(folder, chunk!))]
    .map((path) => `import ${JSON.stringify(path)};\n`).join("");
if (chunks.length === 3 && chunks.every((chunk) => chunk !== undefined)) {
  write("ferry-load.js", ferryLoad(dist));
  scripts["ferry-load"] = "ferry-load.js";
}
for (
  const name of ["empty", "bytes-1x180KB", "defined-400", "calls-400", "node-tls", "ferry-load"]
) {
  if (!(name in scripts)) continue;
  scripts[`${name} --no-lazy`] = scripts[name];
  flags[`${name} --no-lazy`] = [NO_LAZY];
}
/**
 * Deno's directory for the --no-lazy runs: its code cache (of the files, and
 * of the `node:` modules, which Deno compiles on first import) keeps one
 * entry per file for one set of V8 flags, so runs of the same files with
 * and without the flag in one cache would compile them again every time.
 */
const NO_LAZY_DENO_DIR = join(dir, "deno-dir-no-lazy");

const timeFile = join(dir, "time.txt");

const names = Object.keys(scripts);
const cpus: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const walls: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));

async function once(name: string, record: boolean) {
  const started = performance.now();
  const output = await new Deno.Command("python3", {
    args: cpuTimedArgs(timeFile, [
      Deno.execPath(),
      "run",
      ...PERMISSIONS,
      ...flags[name] ?? [],
      "--config",
      join(repo, "deno.json"),
      join(dir, scripts[name]),
    ]),
    stdout: "null",
    stderr: "piped",
    env: flags[name] ? { DENO_DIR: NO_LAZY_DENO_DIR } : {},
  }).output();
  const wall = performance.now() - started;
  if (!output.success) throw new Error(`${name}: ${new TextDecoder().decode(output.stderr)}`);
  if (!record) return;
  cpus[name].push(cpuMsFrom(timeFile));
  walls[name].push(wall);
}

const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ", 3).join(" ");
const loadBefore = load();
for (let round = 0; round < WARM_UP + ROUNDS; round++) {
  for (let i = 0; i < names.length; i++) {
    await once(names[(round + i) % names.length], round >= WARM_UP);
  }
}
const loadAfter = load();

/** Median of the per-round differences a − b. */
const paired = (a: number[], b: number[]) => median(a.map((value, i) => value - b[i]));
const ms = (value: number) => `${value.toFixed(2)} ms`;

console.log(
  `${ROUNDS} rounds (+${WARM_UP} warm-up), load ${loadBefore} → ${loadAfter}; ` +
    `CPU (user + system) and wall, medians of per-round differences against empty`,
);
console.log(
  `  empty                 ${ms(median(cpus.empty))} CPU, ${ms(median(walls.empty))} wall`,
);
for (const name of names.slice(1)) {
  console.log(
    `  ${name.padEnd(22)}${ms(paired(cpus[name], cpus.empty)).padStart(9)} CPU, ${
      ms(paired(walls[name], walls.empty)).padStart(9)
    } wall`,
  );
}
const perFile = paired(cpus["files-43"], cpus["files-1"]) / 42;
const perKb = paired(cpus["bytes-1x180KB"], cpus.empty) / 180;
const perKbNoLazy = paired(cpus["bytes-1x180KB --no-lazy"], cpus["empty --no-lazy"]) / 180;
const split = paired(cpus["bytes-43x4KB"], cpus["bytes-1x180KB"]);
const perCall = paired(cpus["calls-400"], cpus["defined-400"]) / FUNCTIONS;
const perCallNoLazy = paired(cpus["calls-400 --no-lazy"], cpus["defined-400 --no-lazy"]) /
  FUNCTIONS;
console.log(`\nunit costs (CPU):`);
console.log(`  a module file (files-43 − files-1) / 42:                ${ms(perFile)}`);
const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
console.log(`  a KB of code loaded, not run (bytes-1x180KB − empty) / 180: ${us(perKb)}`);
console.log(`  the same with --no-lazy (all of it compiled, cached):  ${us(perKbNoLazy)}`);
console.log(`  the same 180 KB in 43 files instead of 1:              ${ms(split)}`);
console.log(
  `  a function's first call (calls-400 − defined-400) / 400: ${(perCall * 1000).toFixed(1)} µs`,
);
console.log(
  `  the same with --no-lazy:                                ${
    (perCallNoLazy * 1000).toFixed(1)
  } µs`,
);
const againstPlain = (name: string) => `${ms(paired(cpus[`${name} --no-lazy`], cpus[name]))} CPU`;
console.log(`\n--no-lazy against none, in the same rounds:`);
for (const name of names.filter((n) => n.endsWith(" --no-lazy"))) {
  const plain = name.slice(0, -" --no-lazy".length);
  console.log(`  ${plain.padEnd(22)}${againstPlain(plain)}`);
}

await Deno.remove(dir, { recursive: true });
