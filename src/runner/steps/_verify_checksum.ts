// The checksums of the verify step: the one a server computes (HASH per
// draft-bryan-ftpext-hash, with OPTS HASH to choose the algorithm, or the
// older XSHA256, XSHA512, XSHA1, XMD5, MD5 and XCRC), chosen from FEAT,
// strongest first; and the same over local bytes or a download, hashed as
// they stream. Kept beside verify.ts, which alone uses it.

import type { FtpClient } from "../../client/ftp_client.ts";
import { FtpError } from "../../errors.ts";
import type { TransferContext } from "../_transfer_context.ts";

/** A checksum algorithm, as HASH names it. */
export type Algorithm = "SHA-256" | "SHA-512" | "SHA-1" | "MD5" | "CRC32";

/** A way to have the server hash a file. */
export interface Checksum {
  algorithm: Algorithm;
  command: string;
}

/** Strongest first; for each, HASH before the X command that gives the same. */
export const CHECKSUMS: readonly Checksum[] = [
  { algorithm: "SHA-256", command: "HASH" },
  { algorithm: "SHA-256", command: "XSHA256" },
  { algorithm: "SHA-512", command: "HASH" },
  { algorithm: "SHA-512", command: "XSHA512" },
  { algorithm: "SHA-1", command: "HASH" },
  { algorithm: "SHA-1", command: "XSHA1" },
  { algorithm: "MD5", command: "HASH" },
  { algorithm: "MD5", command: "XMD5" },
  { algorithm: "MD5", command: "MD5" },
  { algorithm: "CRC32", command: "HASH" },
  { algorithm: "CRC32", command: "XCRC" },
];

function hashOffers(client: FtpClient): { all: string[]; current?: string } {
  const list = (client.features.get("HASH") ?? "").split(";").map((a) => a.trim().toUpperCase());
  return {
    all: list.map((a) => a.replace(/\*$/, "")).filter((a) => a !== ""),
    current: list.find((a) => a.endsWith("*"))?.slice(0, -1),
  };
}

/** The best checksum the server's FEAT offers. */
export function chooseChecksum(client: FtpClient): Checksum | undefined {
  const hash = hashOffers(client);
  return CHECKSUMS.find((c) =>
    c.command === "HASH"
      ? client.features.has("HASH") && hash.all.includes(c.algorithm)
      : client.features.has(c.command)
  );
}

/** Connections on which OPTS HASH chose our algorithm. */
const hashChosen = new WeakMap<FtpClient, Algorithm>();

/** The last line of a reply's text. */
const lastLine = (text: string) => text.split("\n").pop()!.trim();

/** The server's checksum of `path`, in lower-case hex. */
export async function remoteChecksum(
  client: FtpClient,
  path: string,
  how: Checksum,
  signal: AbortSignal,
) {
  if (how.command === "HASH") {
    // Bounded: a second answer in another algorithm ends it.
    for (let attempt = 1;; attempt++) {
      if (
        hashChosen.get(client) !== how.algorithm && hashOffers(client).current !== how.algorithm
      ) {
        await client.voidCommand(`OPTS HASH ${how.algorithm}`, { signal });
        hashChosen.set(client, how.algorithm);
      }
      const [algorithm, , hex] = lastLine((await client.command(`HASH ${path}`, { signal })).text)
        .split(" ");
      if (algorithm?.toUpperCase() === how.algorithm) return checkHex(hex, how);
      if (attempt > 1) throw new FtpError(`HASH answered in ${algorithm}, not ${how.algorithm}`);
      hashChosen.delete(client);
    }
  }
  // X commands take the rest of the line only on some servers: a name with a space is quoted.
  const name = how.command !== "MD5" && path.includes(" ") ? `"${path}"` : path;
  const words = lastLine((await client.command(`${how.command} ${name}`, { signal })).text)
    .split(" ");
  // "250 <hex>"; the MD5 command answers "251 <path> <hex>".
  return checkHex(how.command === "MD5" ? words[words.length - 1] : words[0], how);
}

function checkHex(hex: string | undefined, how: Checksum): string {
  if (hex === undefined || !/^[0-9a-f]+$/i.test(hex)) {
    throw new FtpError(`${how.command} gave no ${how.algorithm} checksum (${hex ?? "nothing"})`);
  }
  // CRC32 may come without its leading zeros.
  return how.algorithm === "CRC32" ? hex.toLowerCase().padStart(8, "0") : hex.toLowerCase();
}

/**
 * Hashes chunks as they come; CRC32 through zlib, the rest through node:crypto.
 * Imported here, not at the top: loading node:crypto or node:zlib costs a
 * command that does not verify about 40 ms at start (docs/performance.md).
 */
async function hasher(algorithm: Algorithm) {
  if (algorithm === "CRC32") {
    const { crc32 } = await import("node:zlib");
    let crc = 0;
    return {
      update: (chunk: Uint8Array) => void (crc = crc32(chunk, crc)),
      hex: () => crc.toString(16).padStart(8, "0"),
    };
  }
  const { createHash } = await import("node:crypto");
  const hash = createHash(algorithm.replace("-", "").toLowerCase());
  return { update: (chunk: Uint8Array) => void hash.update(chunk), hex: () => hash.digest("hex") };
}

/** A local file's checksum, read as a stream. */
export async function localChecksum(path: string, algorithm: Algorithm): Promise<string> {
  const hash = await hasher(algorithm);
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.hex();
}

/** The remote file's SHA-256, hashed as its bytes arrive; the bytes received. */
export async function downloadedChecksum(client: FtpClient, path: string, run: TransferContext) {
  const hash = await hasher("SHA-256");
  let bytes = 0;
  for await (const chunk of await client.download(path, { signal: run.signal })) {
    hash.update(chunk);
    bytes += chunk.length;
    run.progress(bytes);
  }
  return { hex: hash.hex(), bytes };
}
