// Listings read over a data connection and parsed line by line as bytes
// arrive: MLSD when the server offers it, LIST with format detection
// otherwise, NLST for bare names.

import { FtpPermanentError } from "../errors.ts";
import type { FileInfo } from "../listing/file_info.ts";
import { parseMlsdLine } from "../listing/parse_mlsd.ts";
import { ListParser } from "../listing/parse_list.ts";
import { LineSplitter } from "../protocol/line_splitter.ts";
import type { Session } from "./_session.ts";
import { type Transfer, TRANSFER_CHUNK_BYTES } from "./_transfer.ts";

/** Yields the lines of a started listing transfer, then completes it. */
async function* transferLines(transfer: Transfer, signal: AbortSignal): AsyncGenerator<string> {
  const splitter = new LineSplitter();
  const buffer = new Uint8Array(TRANSFER_CHUNK_BYTES / 4);
  for await (const chunk of transfer.receive(buffer, signal)) yield* splitter.push(chunk);
  yield* splitter.end();
}

/** Lists a directory's entries, parsed as they arrive. */
export async function* listEntries(
  session: Session,
  path: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<FileInfo> {
  let transfer: Transfer | undefined;
  if (session.hasMlst) {
    try {
      transfer = await session.mlsd(path, signal);
    } catch (error) {
      // Some servers announce MLST but refuse MLSD: LIST still works there.
      if (!(error instanceof FtpPermanentError && [500, 502].includes(error.code))) throw error;
    }
  }
  if (transfer) {
    for await (const line of transferLines(transfer, signal)) {
      const entry = parseMlsdLine(line);
      if (entry) yield entry;
    }
    return;
  }
  const parser = new ListParser();
  for await (const line of transferLines(await session.list(path, signal), signal)) {
    if (line.trim() === "") continue;
    const entry = parser.parseLine(line);
    if (entry) yield entry;
  }
}

/** NLST: the bare names, as the server gives them. */
export async function nameList(
  session: Session,
  path: string | undefined,
  signal: AbortSignal,
): Promise<string[]> {
  const names: string[] = [];
  for await (const line of transferLines(await session.nlst(path, signal), signal)) {
    if (line !== "") names.push(line);
  }
  return names;
}
