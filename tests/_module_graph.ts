// Which modules a code path loads, from `deno info --json`: what the entry
// imports statically, plus what the given dynamically imported modules
// import statically (a dynamic import is loaded only when its line runs, so
// only the ones the path takes count). For tests that guard what a command
// pulls in, and for bench/startup.ts.

import { pathToFileURL } from "node:url";

interface InfoDependency {
  code?: { specifier?: string };
  isDynamic?: boolean;
}

interface InfoJson {
  modules: { specifier: string; dependencies?: InfoDependency[] }[];
  redirects: Record<string, string>;
}

/**
 * The specifiers (`file:///…`, `node:…`, `npm:/name@version`) that loading
 * `entry`, then each of `dynamic`, evaluates, sorted.
 *
 * @example
 * ```ts
 * const modules = await moduleGraph("/repo/src/cli/mod.ts", ["/repo/src/cli/_job.ts"]);
 * console.log(modules.length);
 * ```
 */
export async function moduleGraph(entry: string, dynamic: string[] = []): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (!output.success) {
    throw new Error(`deno info ${entry} failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as InfoJson;
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const pending = [entry, ...dynamic].map((path) => pathToFileURL(path).href);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const specifier = info.redirects[next] ?? next;
    if (seen.has(specifier)) continue;
    if (!modules.has(specifier)) throw new Error(`${specifier} is not in the graph of ${entry}`);
    seen.add(specifier);
    for (const dependency of modules.get(specifier)!.dependencies ?? []) {
      const target = dependency.code?.specifier;
      if (target !== undefined && !dependency.isDynamic) pending.push(target);
    }
  }
  return [...seen].sort();
}
