// Listings read over a data connection and parsed line by line as bytes
// arrive: MLSD when the server offers it, LIST with format detection
// otherwise, NLST for bare names. Memory is bounded by the longest line,
// not by the listing: callers that keep every entry choose to.

import { FtpLimitError, FtpPermanentError } from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { ListParser } from "../listing/parse_list.ts";
import { parseMlsdLine } from "../listing/parse_mlsd.ts";
import { LineSplitter } from "../protocol/line_splitter.ts";
import type { Session } from "./_session.ts";
import { type Transfer, TRANSFER_CHUNK_BYTES } from "./_transfer.ts";

/**
 * Yields the lines of a started listing transfer, a batch per read, then
 * completes it. Batches, not lines: one async step per line would cost more
 * than parsing it.
 */
async function* transferLines(
  session: Session,
  transfer: Transfer,
  maxBytes: number,
): AsyncGenerator<string[]> {
  const splitter = new LineSplitter({ decoder: new TextDecoder(session.settings.encoding) });
  let bytes = 0;
  for await (const chunk of transfer.receive(TRANSFER_CHUNK_BYTES / 4)) {
    bytes += chunk.length;
    if (bytes > maxBytes) {
      // Thrown inside the loop, so receive() aborts the transfer on its way out.
      throw new FtpLimitError(
        "maxListingBytes",
        `The listing passed ${maxBytes} bytes and was stopped; raise maxListingBytes (or pass { maxBytes }) to read more`,
      );
    }
    yield splitter.push(chunk);
  }
  yield splitter.end();
}

/**
 * Starts listing a directory and returns its entries as they arrive, in
 * batches. The transfer is open when this resolves, so a 550 surfaces here;
 * the entries must then be read to the end (or the iterator returned, which
 * aborts).
 */
export async function openListing(
  session: Session,
  path: string | undefined,
  signal: AbortSignal,
  maxBytes: number,
): Promise<AsyncGenerator<FileInfo[]>> {
  if (session.hasMlst) {
    let transfer: Transfer | undefined;
    try {
      transfer = await session.mlsd(path, signal);
    } catch (error) {
      // Some servers announce MLST but refuse MLSD: LIST still works there.
      if (!(error instanceof FtpPermanentError && [500, 502].includes(error.code))) throw error;
    }
    if (transfer) {
      return parsed(transferLines(session, transfer, maxBytes), parseMlsdLine);
    }
  }
  const transfer = await session.list(path, signal);
  const parser = new ListParser();
  return parsed(
    transferLines(session, transfer, maxBytes),
    (line) => parser.parseLine(line),
  );
}

async function* parsed(
  batches: AsyncGenerator<string[]>,
  parse: (line: string) => FileInfo | undefined,
): AsyncGenerator<FileInfo[]> {
  for await (const lines of batches) {
    const entries: FileInfo[] = [];
    for (const line of lines) {
      if (line.trim() === "") continue;
      const entry = parse(line);
      if (entry) entries.push(entry);
    }
    if (entries.length > 0) yield entries;
  }
}

/** Lists a whole directory into an array. */
export async function listAll(
  session: Session,
  path: string | undefined,
  signal: AbortSignal,
  maxBytes: number,
  onEntry?: (entry: FileInfo) => void,
): Promise<FileInfo[]> {
  const entries: FileInfo[] = [];
  for await (const batch of await openListing(session, path, signal, maxBytes)) {
    for (const entry of batch) {
      entries.push(entry);
      onEntry?.(entry);
    }
  }
  return entries;
}

/** NLST: the bare names, as the server gives them. */
export async function nameList(
  session: Session,
  path: string | undefined,
  signal: AbortSignal,
  maxBytes: number,
): Promise<string[]> {
  const names: string[] = [];
  const transfer = await session.nlst(path, signal);
  for await (const lines of transferLines(session, transfer, maxBytes)) {
    // "." and ".." are left out, as list() leaves them out (Pure-FTPd sends them).
    for (const line of lines) if (line !== "" && !isDotEntry(line)) names.push(line);
  }
  return names;
}

/** `.` or `..`, also as the last segment of a path NLST echoes back (`dir/.`). */
function isDotEntry(name: string): boolean {
  return /(^|\/)\.\.?$/.test(name);
}
