// The CLI's bundle (tasks/build.ts) is built, not committed: the tests that
// run it build it first, once per test process, from the sources under test,
// into a temporary folder of their own (not the checkout's dist/, which a
// user's installed ferry may be running from, and which another test
// process may be building at the same time).

import { join } from "node:path";
import { build } from "../tasks/build.ts";

let built: Promise<string> | undefined;

/** Builds the bundle once per process; resolves to its folder (removed at exit). */
export function bundleBuilt(): Promise<string> {
  return built ??= (async () => {
    const root = await Deno.makeTempDir({ prefix: "ferry-dist-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
    const dist = join(root, "dist");
    await build(dist);
    return dist;
  })();
}
