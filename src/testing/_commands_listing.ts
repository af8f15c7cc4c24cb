/**
 * Listings: LIST and NLST (RFC 959), MLSD and MLST (RFC 3659) and STAT with
 * a path. Listings travel with CRLF line ends whatever the TYPE.
 *
 * @module
 */

import { LIST_FORMATS, type ListedEntry, mlsxFacts } from "./_listing_format.ts";
import type { CommandTable, Session } from "./_session.ts";
import type { ListingRequest } from "./faults.ts";
import { sendChunks } from "./_transfer_pump.ts";

const LS_OPTION = /^-[A-Za-z0-9]+(?: +|$)/;

/**
 * The path of a LIST, NLST or STAT argument, and whether its `ls` options
 * (such as `-la`) ask for every name (`a`). A server set not to read
 * options takes it all as the path.
 */
function lsArgument(argument: string, readOptions = true): { path: string; all: boolean } {
  if (!readOptions) return { path: argument, all: false };
  let rest = argument;
  let all = false;
  // Each match removes at least two characters, so this ends.
  for (;;) {
    const match = LS_OPTION.exec(rest);
    if (!match) return { path: rest, all };
    all ||= match[0].includes("a");
    rest = rest.slice(match[0].length);
  }
}

/**
 * What LIST and NLST show of a directory: with `hideDotFiles`, dot-files
 * only when asked for with `-a`, and then `.` and `..` too (as vsftpd does).
 */
async function shownEntries(
  session: Session,
  argument: string,
): Promise<{ path: string; isDirectory: boolean; entries: ListedEntry[] }> {
  const { path, all } = lsArgument(argument, session.server.listOptions);
  const { virtual, real, isDirectory, entries } = await entriesOf(session, path);
  if (!session.server.hideDotFiles || !isDirectory) return { path, isDirectory, entries };
  if (!all) return { path, isDirectory, entries: entries.filter((e) => !e.name.startsWith(".")) };
  const fs = session.server.fs;
  const parent = await fs.existing(fs.resolve(virtual, ".."));
  return {
    path,
    isDirectory,
    entries: [await fs.describe(real, "."), await fs.describe(parent, ".."), ...entries],
  };
}

/** What a path argument lists: a directory's entries, or the entry itself. */
async function entriesOf(
  session: Session,
  argument: string,
): Promise<{ virtual: string; real: string; isDirectory: boolean; entries: ListedEntry[] }> {
  const fs = session.server.fs;
  const virtual = fs.resolve(session.cwd, argument);
  const real = await fs.existing(virtual);
  if ((await Deno.stat(real)).isDirectory) {
    return { virtual, real, isDirectory: true, entries: await fs.list(real) };
  }
  return { virtual, real, isDirectory: false, entries: [await fs.describeVirtual(virtual)] };
}

function listLines(session: Session, entries: readonly ListedEntry[]): string[] {
  const format = LIST_FORMATS[session.server.listFormat];
  const now = new Date();
  return entries.map((entry) => format(entry, now));
}

/**
 * The listing set by the `listing` fault hook, if any, batched into
 * 64 KiB writes as it is produced.
 */
async function sendFaultListing(
  session: Session,
  verb: ListingRequest["verb"],
  argument: string,
): Promise<boolean> {
  const path = session.server.fs.resolve(session.cwd, argument);
  const lines = session.server.faults().listing?.({ verb, path, session: session.id });
  if (lines === undefined) return false;
  await session.transfer(
    "Opening ASCII mode data connection for file list",
    (pipe) => sendChunks(pipe, batched(lines)),
  );
  return true;
}

async function* batched(
  lines: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const crlf = encoder.encode("\r\n");
  let parts: Uint8Array[] = [];
  let size = 0;
  for await (const line of lines) {
    const bytes = typeof line === "string" ? encoder.encode(line) : line;
    parts.push(bytes, crlf);
    size += bytes.length + 2;
    if (size >= 65536) {
      yield concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield concat(parts, size);
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function sendListing(session: Session, lines: readonly string[]): Promise<void> {
  const bytes = new TextEncoder().encode(lines.map((line) => `${line}\r\n`).join(""));
  await session.transfer(
    `Opening ASCII mode data connection for file list (${bytes.length} bytes)`,
    (pipe) => sendChunks(pipe, [bytes]),
  );
}

/** STAT with a path: its listing as a 213 reply over the control connection. */
export async function statPath(session: Session, argument: string): Promise<void> {
  const { virtual, entries } = await entriesOf(session, lsArgument(argument).path);
  await session.reply(213, [
    `Status of ${virtual}:`,
    ...listLines(session, entries),
    "End of status",
  ]);
}

/** LIST, NLST, MLSD, MLST. */
export const listingCommands: CommandTable = {
  LIST: {
    transfer: true,
    async run(session, argument) {
      const path = lsArgument(argument, session.server.listOptions).path;
      if (await sendFaultListing(session, "LIST", path)) return;
      const { entries } = await shownEntries(session, argument);
      await sendListing(session, listLines(session, entries));
    },
  },
  NLST: {
    transfer: true,
    async run(session, argument) {
      const path = lsArgument(argument, session.server.listOptions).path;
      if (await sendFaultListing(session, "NLST", path)) return;
      const { isDirectory, entries } = await shownEntries(session, argument);
      // Like `ls`: a directory's names, or a file's path as given.
      await sendListing(session, isDirectory ? entries.map((e) => e.name) : [path]);
    },
  },
  MLSD: {
    transfer: true,
    async run(session, argument) {
      if (await sendFaultListing(session, "MLSD", argument)) return;
      const fs = session.server.fs;
      const { virtual, real, isDirectory, entries } = await entriesOf(session, argument);
      if (!isDirectory) return await session.reply(501, `${argument}: not a directory`);
      const facts = session.mlstFacts;
      // The real paths, not the virtual ones: a listed directory reached
      // through a symlink is still a directory here.
      const parent = await fs.existing(fs.resolve(virtual, ".."));
      const lines = [
        `${mlsxFacts(await fs.describe(real, "."), facts, "cdir")} .`,
        `${mlsxFacts(await fs.describe(parent, ".."), facts, "pdir")} ..`,
        ...entries.map((entry) => `${mlsxFacts(entry, facts)} ${entry.name}`),
      ];
      await sendListing(session, lines);
    },
  },
  MLST: {
    async run(session, argument) {
      const fs = session.server.fs;
      const virtual = fs.resolve(session.cwd, argument);
      // Refuses a path that leads outside before describing anything.
      await fs.existing(virtual);
      const entry = await fs.describeVirtual(virtual);
      await session.reply(250, [
        `Listing ${virtual}`,
        ` ${mlsxFacts(entry, session.mlstFacts)} ${virtual}`,
        "End",
      ]);
    },
  },
};
