// The local files a TypeScript (or JavaScript) task module loads: itself and
// what it imports, followed through local imports. `ferry permissions` must
// grant reading them, or the module cannot even load under the flags it
// prints. Imports are found by scanning the text (string-literal
// specifiers of import/export ... from, bare import, and import()), which
// may find a few too many (in comments, say) but misses none written
// literally; bare specifiers are resolved through the running import map,
// and followed when they map to local files rather than packages.

import { fileURLToPath, pathToFileURL } from "node:url";

const SPECIFIER =
  /(?:\bimport|\bexport)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/** Most modules followed, so that a strange graph cannot run away. */
const MAX_MODULES = 10_000;

function resolve(specifier: string, parent: URL): URL | undefined {
  try {
    if (/^\.{0,2}\//.test(specifier) || specifier.startsWith("file:")) {
      return new URL(specifier, parent);
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined; // jsr:, npm:, https:, node:
    // A bare name mapped to a local file counts; one that names a package
    // (node_modules) is loaded by Deno from its cache, without --allow-read.
    const url = new URL(import.meta.resolve(specifier));
    return url.pathname.includes("/node_modules/") ? undefined : url;
  } catch {
    return undefined;
  }
}

/** The absolute paths of the local modules `entry` loads, itself included. */
export async function moduleFiles(entry: string): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [pathToFileURL(entry)];
  // Bounded by MAX_MODULES.
  while (queue.length > 0 && seen.size < MAX_MODULES) {
    const url = queue.pop()!;
    if (url.protocol !== "file:" || seen.has(url.href)) continue;
    seen.add(url.href);
    let text: string;
    try {
      text = await Deno.readTextFile(url);
    } catch {
      continue; // A specifier found in a comment, or a file that is not there.
    }
    for (const match of text.matchAll(SPECIFIER)) {
      const found = resolve(match[1] ?? match[2], url);
      if (found?.protocol === "file:" && !seen.has(found.href)) queue.push(found);
    }
  }
  return [...seen].map((href) => fileURLToPath(href));
}
