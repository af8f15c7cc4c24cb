/**
 * Checksums computed on the server: HASH (draft-bryan-ftpext-hash-02, with
 * OPTS HASH to choose the algorithm) and the older XSHA256, XSHA512,
 * XSHA1, XMD5 and XCRC, answered as ProFTPD's mod_digest answers them.
 * Off unless the server is started with `hashCommands: true`; then each is
 * in FEAT until disabled (`disabledCommands`).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { CommandTable, Session } from "./_session.ts";

/** The HASH algorithms, the default first (starred in FEAT). */
const ALGORITHMS = ["SHA-256", "SHA-512", "SHA-1", "MD5", "CRC32"] as const;
type Algorithm = (typeof ALGORITHMS)[number];

const NODE_NAMES: Record<Exclude<Algorithm, "CRC32">, string> = {
  "SHA-256": "sha256",
  "SHA-512": "sha512",
  "SHA-1": "sha1",
  MD5: "md5",
};

/** The algorithm each session chose with OPTS HASH. */
const chosen = new WeakMap<Session, Algorithm>();

/** FEAT lines and the verbs that offer them, for _commands_control.ts. */
export function hashFeatures(session: Session): [string, string[]][] {
  const current = chosen.get(session) ?? ALGORITHMS[0];
  const list = ALGORITHMS.map((a) => (a === current ? `${a}*` : a)).join(";");
  return [
    [`HASH ${list};`, ["HASH"]],
    ["XCRC", ["XCRC"]],
    ["XMD5", ["XMD5"]],
    ["XSHA1", ["XSHA1"]],
    ["XSHA256", ["XSHA256"]],
    ["XSHA512", ["XSHA512"]],
  ];
}

/** OPTS HASH [algorithm]: shows or sets the session's algorithm. */
export async function optsHash(session: Session, value: string): Promise<void> {
  if (session.server.disabled.has("HASH")) {
    return await session.reply(502, "HASH is not implemented on this server");
  }
  if (value === "") return await session.reply(200, chosen.get(session) ?? ALGORITHMS[0]);
  const algorithm = ALGORITHMS.find((a) => a === value.toUpperCase());
  if (!algorithm) return await session.reply(501, `Unknown algorithm ${value}`);
  chosen.set(session, algorithm);
  await session.reply(200, algorithm);
}

/** The file's checksum, read in chunks, and its size. */
async function checksum(path: string, algorithm: Algorithm): Promise<[string, number]> {
  using file = await Deno.open(path);
  let size = 0;
  if (algorithm === "CRC32") {
    let crc = 0;
    for await (const chunk of file.readable) {
      crc = crc32(chunk, crc);
      size += chunk.length;
    }
    return [crc.toString(16).padStart(8, "0"), size];
  }
  const hash = createHash(NODE_NAMES[algorithm]);
  for await (const chunk of file.readable) {
    hash.update(chunk);
    size += chunk.length;
  }
  return [hash.digest("hex"), size];
}

/** A regular file's real path, or `undefined` after answering why not. */
async function regularFile(session: Session, argument: string): Promise<string | undefined> {
  if (argument === "") {
    await session.reply(501, "Give a file name");
    return undefined;
  }
  const fs = session.server.fs;
  const real = await fs.existing(fs.resolve(session.cwd, argument));
  if ((await Deno.stat(real)).isFile) return real;
  await session.reply(553, `${argument}: Not a regular file`);
  return undefined;
}

/** An X command: `250 <HEX>`, the name optionally in double quotes. */
function xCommand(algorithm: Algorithm) {
  return {
    async run(session: Session, argument: string) {
      const name = /^".*"$/.test(argument) ? argument.slice(1, -1) : argument;
      const real = await regularFile(session, name);
      if (real === undefined) return;
      const [digest] = await checksum(real, algorithm);
      await session.reply(250, digest.toUpperCase());
    },
  };
}

/** The checksum verbs, off unless the server is started with `hashCommands`. */
export const HASH_VERBS: readonly string[] = [
  "HASH",
  "XSHA256",
  "XSHA512",
  "XSHA1",
  "XMD5",
  "XCRC",
];

/** HASH, XSHA256, XSHA512, XSHA1, XMD5, XCRC. */
export const hashCommands: CommandTable = {
  HASH: {
    async run(session, argument) {
      const real = await regularFile(session, argument);
      if (real === undefined) return;
      const algorithm = chosen.get(session) ?? ALGORITHMS[0];
      const [digest, size] = await checksum(real, algorithm);
      await session.reply(213, `${algorithm} 0-${size} ${digest} ${argument}`);
    },
  },
  XSHA256: xCommand("SHA-256"),
  XSHA512: xCommand("SHA-512"),
  XSHA1: xCommand("SHA-1"),
  XMD5: xCommand("MD5"),
  XCRC: xCommand("CRC32"),
};
