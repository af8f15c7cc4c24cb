/**
 * What the interop tests of commands sent during a transfer share
 * (upload_ahead.test.ts, read_ahead.test.ts): the five servers, each marked
 * with whether its greeting lets ferry send the next EPSV while a transfer
 * is under way, and a folder of small and multi-MiB files with their hashes.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import type { ServerTlsFiles } from "../_servers/_common.ts";
import type { TestPki } from "../_servers/certs.ts";
import { type ServerSpec, serverSpecs } from "./_server_specs.ts";

/** The servers whose greeting names software that answers such an EPSV in turn. */
const AHEAD = new Set(["embedded server", "vsftpd"]);

/** The five servers, each with `ahead`: whether ferry sends an EPSV during its transfers. */
export function aheadSpecs(
  pki: TestPki,
  tls: ServerTlsFiles,
): (ServerSpec & { ahead: boolean })[] {
  return serverSpecs(pki, tls).map((spec) => ({ ...spec, ahead: AHEAD.has(spec.name) }));
}

/** Writes 24 small files (1 to 60 KiB) and 3 of 8 MiB into `dir`, each of its own bytes: their SHA-256s by name. */
export async function writeSampleFiles(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const sizes = [
    ...Array.from({ length: 24 }, (_, i) => 1024 + i * 2560),
    ...[8, 8, 8].map((m) => (m << 20) + 17),
  ];
  await Deno.mkdir(dir, { recursive: true });
  for (const [i, size] of sizes.entries()) {
    const bytes = new Uint8Array(size);
    for (let at = 0; at < size; at += 65536) {
      crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
    }
    const name = `f${String(i).padStart(2, "0")}.bin`;
    await Deno.writeFile(join(dir, name), bytes);
    hashes.set(name, createHash("sha256").update(bytes).digest("hex"));
  }
  return hashes;
}

/** The SHA-256 of a local file, in hex. */
export async function hashOf(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}
