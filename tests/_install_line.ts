// The README's lines that install the CLI from a checkout, read from the
// README itself, so that the install test, the code cache test and the
// start-up benchmarks run exactly what the README tells users to run: the
// default line (permissions), and the opt-in "Faster start" line (the same
// with `--v8-flags=--no-lazy`: docs/performance.md, "Cold start", seventh
// round). A baseline checkout is measured with the lines of its own README.

import { join } from "node:path";

/** Which of the README's checkout install lines: the default, or the opt-in "Faster start" one. */
export type InstallLine = "default" | "fast-start";

/** The paragraph that introduces the opt-in line; the first checkout line after it is that line. */
const FAST_START = "**Faster start (opt-in).**";
const CHECKOUT_LINE =
  /deno install --global --name ferry ([^\n]*(?:\\\n[^\n]*)*?)--config deno\.json dist\/cli\/mod\.js/;

/**
 * The flags between `deno install --global --name ferry` and `--config
 * deno.json dist/cli/mod.js` in `checkout`'s README.md: of its first such
 * line (`"default"`), or of the first one after the "Faster start (opt-in)"
 * paragraph (`"fast-start"`). Throws when the README has no such line.
 *
 * @example
 * ```ts ignore
 * const flags = await readmeInstallFlags(".");
 * // ["--allow-net", "--allow-read", "--allow-write", "--allow-env", "--allow-sys"]
 * const fast = await readmeInstallFlags(".", "fast-start");
 * // [...flags, "--v8-flags=--no-lazy"]
 * ```
 */
export async function readmeInstallFlags(
  checkout: string,
  which: InstallLine = "default",
): Promise<string[]> {
  // A checkout made on Windows may have CRLF line ends.
  const readme = (await Deno.readTextFile(join(checkout, "README.md"))).replaceAll("\r\n", "\n");
  const from = which === "default" ? 0 : readme.indexOf(FAST_START);
  const line = from < 0 ? null : CHECKOUT_LINE.exec(readme.slice(from));
  if (!line) throw new Error(`${checkout}/README.md: no ${which} install line for dist/cli/mod.js`);
  return line[1].split(/\s+/).filter((word) => word !== "" && word !== "\\");
}
