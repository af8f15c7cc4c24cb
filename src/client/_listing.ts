// Listings read over a data connection and parsed line by line as bytes
// arrive: MLSD when the server offers it, LIST with format detection
// otherwise, NLST for bare names. Memory is bounded by the longest line,
// not by the listing: callers that keep every entry choose to.
//
// Dot-files: MLSD lists them, but vsftpd, ProFTPD and Pure-FTPd leave them
// out of a plain LIST unless asked with `LIST -a`, which other servers
// take for a file name (pyftpdlib answers 550; another could list a file
// called "-a dir"). So the first LIST of a session asks with `-a` and
// believes the answer only when it is unmistakably the directory's
// listing with dot-files in: it holds the entry `.` (the directory
// itself, which no file can be called), or it is the plain listing plus
// names that start with a dot. Anything else is answered from the plain
// listing. Until the server has shown it takes `-a`, or shows dot-files
// anyway, or has refused `-a` (then one warning: its listings may miss
// them), the next listing asks again, at most MAX_DOT_FILE_PROBES times.

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { FtpLimitError, FtpPermanentError, FtpReplyError } from "../errors.ts";
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
  dotFiles: DotFileOptions,
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
  session.listedWithList = true;
  if (dotFiles.ask && session.dotFiles === undefined) {
    const entries = await probeDotFiles(session, path, signal, maxBytes, dotFiles.warn);
    return (async function* () {
      if (entries.length > 0) yield entries;
    })();
  }
  const all = dotFiles.ask && session.dotFiles === "ask";
  const transfer = await session.list(path, signal, all);
  const parser = new ListParser();
  return parsed(
    transferLines(session, transfer, maxBytes),
    (line) => parser.parseLine(line),
  );
}

/**
 * How listings ask for dot-files: `ask` is the `listHidden` option; `warn`
 * reports a server that cannot be asked.
 */
export interface DotFileOptions {
  ask: boolean;
  warn(message: string): void;
}

/**
 * Replies that refuse a LIST's argument rather than its data connection:
 * unknown or unsupported parameters, or `-a` taken for a missing path.
 */
const REFUSES_ARGUMENT = new Set([450, 500, 501, 502, 504, 550]);

/** Inconclusive `LIST -a` probes before a session settles on plain LIST. */
export const MAX_DOT_FILE_PROBES = 3;

/** An `ls -l` or DOS line of the entry `.`: the listed directory itself. */
const SELF_LINE = /^(?:d\S*\s.*|.*<DIR>)\s\.$/i;

/** A whole LIST (with `-a` or not) and whether it held the entry `.`. */
async function readList(
  session: Session,
  path: string | undefined,
  signal: AbortSignal,
  maxBytes: number,
  all: boolean,
): Promise<{ entries: FileInfo[]; self: boolean }> {
  const transfer = await session.list(path, signal, all);
  const parser = new ListParser();
  const entries: FileInfo[] = [];
  let self = false;
  for await (const lines of transferLines(session, transfer, maxBytes)) {
    for (const line of lines) {
      if (line.trim() === "") continue;
      const entry = parser.parseLine(line);
      if (entry) entries.push(entry);
      else if (SELF_LINE.test(line.trimEnd())) self = true;
    }
  }
  return { entries, self };
}

/** Lists with `LIST -a` and plain LIST, and decides which to believe (see the module comment). */
async function probeDotFiles(
  session: Session,
  path: string | undefined,
  signal: AbortSignal,
  maxBytes: number,
  warn: (message: string) => void,
): Promise<FileInfo[]> {
  let asked: { entries: FileInfo[]; self: boolean } | undefined;
  let refusal: FtpReplyError | undefined;
  try {
    asked = await readList(session, path, signal, maxBytes, true);
  } catch (error) {
    // A reply refusing `-a` (or what it took for a path): plain LIST may
    // still work. Anything else is the answer: a broken connection, a limit,
    // or a refused data connection (425, 426, or a TLS refusal such as
    // vsftpd's 522, after which vsftpd drops the session), which says
    // nothing about `-a`.
    if (!(error instanceof FtpReplyError) || !REFUSES_ARGUMENT.has(error.code)) throw error;
    refusal = error;
  }
  if (asked?.self) {
    session.dotFiles = "ask";
    return asked.entries;
  }
  // If this fails too, the path was the problem: nothing is learnt.
  const plain = (await readList(session, path, signal, maxBytes, false)).entries;
  const plainNames = new Set(plain.map((e) => e.name));
  const showsDotFiles = plain.some((e) => e.name.startsWith("."));
  if (asked) {
    const extra = asked.entries.filter((e) => !plainNames.has(e.name));
    const superset = asked.entries.length - extra.length === plainNames.size;
    if (superset && extra.length > 0 && extra.every((e) => e.name.startsWith("."))) {
      session.dotFiles = "ask";
      return asked.entries;
    }
    if (superset && extra.length === 0) {
      // The same listing: `-a` ignored, or no dot-file here to tell.
      if (showsDotFiles) session.dotFiles = "shown";
      else if (++session.dotFileProbes >= MAX_DOT_FILE_PROBES) session.dotFiles = "unasked";
      return plain;
    }
    // Another listing: `-a` read as (part of) a path.
  } else if (!(refusal instanceof FtpPermanentError)) {
    return plain; // A passing trouble: ask again next time.
  }
  session.dotFiles = showsDotFiles ? "shown" : "unasked";
  if (!showsDotFiles) {
    warn(
      `The server does not take "LIST -a" ${
        refusal ? `(${refusal.code} ${refusal.text})` : "(it listed something else)"
      } and offers no MLSD, so its listings leave out names that start with a dot ` +
        `(.htaccess) if it hides them. Name such files one by one; listHidden: false ` +
        `stops ferry asking`,
    );
  }
  return plain;
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
  dotFiles: DotFileOptions,
  onEntry?: (entry: FileInfo) => void,
): Promise<FileInfo[]> {
  const entries: FileInfo[] = [];
  for await (const batch of await openListing(session, path, signal, maxBytes, dotFiles)) {
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
