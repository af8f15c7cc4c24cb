// dist/ (the CLI's bundle, tasks/build.ts) is built, not committed: the tests
// that run it build it first, once per test process, from the sources under
// test, so that they never run a bundle older than src/.

import { DIST, rebuild } from "../tasks/build.ts";

let built: Promise<string[]> | undefined;

/** Builds dist/ as `deno task build` does, once per process; resolves to its path. */
export async function bundleBuilt(): Promise<string> {
  await (built ??= rebuild());
  return DIST;
}
