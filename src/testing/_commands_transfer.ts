/**
 * File transfers: RETR, STOR, APPE and STOU, honouring REST (RFC 3659 section 5)
 * and TYPE: in TYPE A the server sends LF as CRLF and stores CRLF as LF;
 * in TYPE I bytes pass as they are.
 *
 * @module
 */

import { writeAll } from "../transport/write_all.ts";
import type { CommandTable, Session } from "./_session.ts";
import { receiveChunks, sendChunks } from "./_transfer_pump.ts";
import { crlfToLf, lfToCrlf } from "../protocol/line_endings.ts";

const CR = 0x0d;
const LF = 0x0a;

/**
 * How many bytes a file takes on the wire in TYPE A from `offset` on: its
 * size plus one CR per LF not already preceded by one. The transfer starts
 * its conversion fresh at the offset, and so does this count.
 */
export async function asciiWireSize(real: string, offset: number): Promise<number> {
  using file = await Deno.open(real, { read: true });
  await file.seek(offset, Deno.SeekMode.Start);
  const buffer = new Uint8Array(64 * 1024);
  let total = 0;
  let previous = 0;
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) return total;
    if (n === 0) continue;
    const chunk = buffer.subarray(0, n);
    total += n;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      if ((i === 0 ? previous : chunk[i - 1]) !== CR) total++;
    }
    previous = chunk[n - 1];
  }
}

/** A file's chunks, read into the shared buffer, converted for TYPE A. */
async function* fileChunks(
  file: Deno.FsFile,
  buffer: Uint8Array,
  ascii: boolean,
): AsyncGenerator<Uint8Array> {
  let previousWasCr = false;
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) return;
    if (n === 0) continue;
    const chunk = buffer.subarray(0, n);
    yield ascii ? lfToCrlf(chunk, previousWasCr) : chunk;
    previousWasCr = chunk[n - 1] === CR;
  }
}

function modeName(session: Session): string {
  return session.type === "A" ? "ASCII" : "BINARY";
}

/**
 * Moves `file` to the restart offset (REST), after checking that it is a
 * regular file the offset does not pass; replies the error and returns
 * `undefined` otherwise.
 */
async function seekToRestart(
  session: Session,
  argument: string,
  file: Deno.FsFile,
  offset: number,
): Promise<Deno.FileInfo | undefined> {
  const info = await file.stat();
  if (!info.isFile) {
    await session.reply(550, `${argument}: not a regular file`);
    return undefined;
  }
  if (offset > info.size) {
    await session.reply(554, `Restart offset ${offset} is beyond the end of the file`);
    return undefined;
  }
  await file.seek(offset, Deno.SeekMode.Start);
  return info;
}

async function retrieve(session: Session, argument: string): Promise<void> {
  if (argument === "") return await session.reply(501, "RETR needs a file name");
  const fs = session.server.fs;
  const real = await fs.existing(fs.resolve(session.cwd, argument));
  const offset = session.restOffset;
  using file = await Deno.open(real, { read: true });
  const info = await seekToRestart(session, argument, file, offset);
  if (!info) return;
  const ascii = session.type === "A";
  const bytes = ascii ? await asciiWireSize(real, offset) : info.size - offset;
  const size = session.server.faults().hideSizes ? "" : ` (${bytes} bytes)`;
  await session.transfer(
    `Opening ${modeName(session)} mode data connection for ${argument}${size}`,
    (pipe) => sendChunks(pipe, fileChunks(file, pipe.buffer, ascii)),
  );
}

/**
 * STOU: a name no file has yet in the current directory, made from the
 * argument (or `stou`) and a counter, and created at once so that two
 * sessions never pick the same one.
 */
async function uniqueFile(
  session: Session,
  argument: string,
): Promise<{ name: string; file: Deno.FsFile } | undefined> {
  const fs = session.server.fs;
  const base = argument || "stou";
  // Bounded: a thousand names, then the server gives up (RFC 959: 553).
  for (let i = 0; i < 1000; i++) {
    const name = i === 0 && argument ? argument : `${base}.${i}`;
    const real = await fs.writable(fs.resolve(session.cwd, name));
    try {
      return { name, file: await Deno.open(real, { write: true, createNew: true }) };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
  return undefined;
}

async function store(
  session: Session,
  argument: string,
  mode: "replace" | "append" | "unique",
): Promise<void> {
  if (argument === "" && mode !== "unique") {
    return await session.reply(501, "A file name is needed");
  }
  const fs = session.server.fs;
  const append = mode === "append";
  const offset = mode === "replace" ? session.restOffset : 0;
  let opened: Deno.FsFile;
  if (mode === "unique") {
    const unique = await uniqueFile(session, argument);
    if (!unique) return await session.reply(553, "No unique file name could be made");
    opened = unique.file;
    argument = unique.name;
  } else {
    opened = await Deno.open(await fs.writable(fs.resolve(session.cwd, argument)), {
      write: true,
      create: true,
      append,
      truncate: !append && offset === 0,
    });
  }
  using file = opened;
  const info = await seekToRestart(session, argument, file, offset);
  if (!info) return;
  const ascii = session.type === "A";
  // The uploadKeepBytes fault: bytes past it are read and dropped.
  let room = session.server.faults().uploadKeepBytes ?? Infinity;
  await session.transfer(
    // RFC 1123 4.1.2.9: STOU's preliminary reply names the file.
    mode === "unique"
      ? `FILE: ${argument}`
      : `Opening ${modeName(session)} mode data connection for ${argument}`,
    async (pipe) => {
      let heldCr = false;
      const outcome = await receiveChunks(pipe, async (received) => {
        const chunk = received.subarray(0, Math.min(received.length, room));
        room -= chunk.length;
        if (!ascii) return await writeAll(file, chunk);
        const converted = crlfToLf(chunk, heldCr);
        heldCr = converted.heldCr;
        await writeAll(file, converted.bytes);
      });
      if (heldCr) await writeAll(file, Uint8Array.of(CR));
      // A restarted STOR replaces everything after the offset.
      if (offset > 0) await file.truncate(await file.seek(0, Deno.SeekMode.Current));
      return outcome;
    },
    true,
  );
}

/** RETR, STOR, APPE, STOU. */
export const transferCommands: CommandTable = {
  RETR: {
    transfer: true,
    run: retrieve,
  },
  STOR: {
    transfer: true,
    run: (session, argument) => store(session, argument, "replace"),
  },
  APPE: {
    transfer: true,
    run: (session, argument) => store(session, argument, "append"),
  },
  STOU: {
    transfer: true,
    run: (session, argument) => store(session, argument, "unique"),
  },
};
