// The README's line that installs the CLI from a checkout, read from the
// README itself, so that the install test and the start-up benchmark run
// exactly what the README tells users to run (permissions, and the V8 flags
// that make a get start faster: docs/performance.md, "Cold start", seventh
// round), and a baseline checkout is measured with the line of its own README.

import { join } from "node:path";

/**
 * The flags between `deno install --global --name ferry` and `--config
 * deno.json dist/cli/mod.js` in `checkout`'s README.md.
 *
 * @example
 * ```ts ignore
 * const flags = await readmeInstallFlags(".");
 * // ["--allow-net", ..., "--v8-flags=--no-lazy"]
 * ```
 */
export async function readmeInstallFlags(checkout: string): Promise<string[]> {
  const readme = await Deno.readTextFile(join(checkout, "README.md"));
  const line =
    /deno install --global --name ferry ([^\n]*(?:\\\n[^\n]*)*?)--config deno\.json dist\/cli\/mod\.js/
      .exec(readme);
  if (!line) throw new Error(`${checkout}/README.md: no install line for dist/cli/mod.js`);
  return line[1].split(/\s+/).filter((word) => word !== "" && word !== "\\");
}
