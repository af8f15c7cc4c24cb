/**
 * Directory and file management: PWD, CWD, CDUP, MKD, RMD (and their X
 * aliases from RFC 775), DELE, RNFR, RNTO, SIZE, MDTM, MFMT (RFC 3659 and
 * the MFMT draft) and SITE CHMOD. Paths are taken exactly as sent.
 *
 * @module
 */

import { asciiWireSize } from "./_commands_transfer.ts";
import type { CommandSpec, CommandTable, Session } from "./_session.ts";
import { formatTimeVal, parseTimeVal } from "../protocol/time_val.ts";

/** A path in a 257 reply: quoted, inner quotes doubled (RFC 959 appendix II). */
function quoted(path: string): string {
  return `"${path.replaceAll('"', '""')}"`;
}

/** Resolves an argument to the real path of an existing regular file. */
async function existingFile(session: Session, argument: string): Promise<string | undefined> {
  const real = await session.server.fs.existing(session.server.fs.resolve(session.cwd, argument));
  if ((await Deno.stat(real)).isFile) return real;
  await session.reply(550, `${argument}: not a regular file`);
  return undefined;
}

async function changeDirectory(session: Session, argument: string): Promise<void> {
  const fs = session.server.fs;
  const virtual = fs.resolve(session.cwd, argument);
  if (!(await Deno.stat(await fs.existing(virtual))).isDirectory) {
    return await session.reply(550, `${argument}: not a directory`);
  }
  session.cwd = virtual;
  await session.reply(250, `Directory changed to ${virtual}`);
}

const pwd: CommandSpec = {
  async run(session) {
    await session.reply(257, `${quoted(session.cwd)} is the current directory`);
  },
};

const cwd: CommandSpec = {
  async run(session, argument) {
    if (argument === "") return await session.reply(501, "CWD needs a directory");
    await changeDirectory(session, argument);
  },
};

const cdup: CommandSpec = {
  async run(session) {
    await changeDirectory(session, "..");
  },
};

const mkd: CommandSpec = {
  async run(session, argument) {
    if (argument === "") return await session.reply(501, "MKD needs a directory name");
    const virtual = session.server.fs.resolve(session.cwd, argument);
    await Deno.mkdir(await session.server.fs.entry(virtual));
    await session.reply(257, `${quoted(virtual)} created`);
  },
};

const rmd: CommandSpec = {
  async run(session, argument) {
    if (argument === "") return await session.reply(501, "RMD needs a directory name");
    const real = await session.server.fs.entry(session.server.fs.resolve(session.cwd, argument));
    // lstat: a symlink to a directory is not a directory to remove.
    if (!(await Deno.lstat(real)).isDirectory) {
      return await session.reply(550, `${argument}: not a directory`);
    }
    await Deno.remove(real);
    await session.reply(250, "Directory removed");
  },
};

async function chmod(session: Session, rest: string): Promise<void> {
  const space = rest.indexOf(" ");
  const mode = rest.slice(0, space);
  if (space === -1 || !/^[0-7]{1,4}$/.test(mode)) {
    return await session.reply(501, "Usage: SITE CHMOD <octal mode> <path>");
  }
  const path = rest.slice(space + 1);
  const real = await session.server.fs.existing(session.server.fs.resolve(session.cwd, path));
  await Deno.chmod(real, parseInt(mode, 8));
  await session.reply(200, "SITE CHMOD command successful");
}

/** PWD, CWD, CDUP, MKD, RMD (and X aliases), DELE, RNFR, RNTO, SIZE, MDTM, MFMT, SITE. */
export const fileCommands: CommandTable = {
  PWD: pwd,
  XPWD: pwd,
  CWD: cwd,
  XCWD: cwd,
  CDUP: cdup,
  XCUP: cdup,
  MKD: mkd,
  XMKD: mkd,
  RMD: rmd,
  XRMD: rmd,
  DELE: {
    async run(session, argument) {
      if (argument === "") return await session.reply(501, "DELE needs a file name");
      const real = await session.server.fs.entry(session.server.fs.resolve(session.cwd, argument));
      if ((await Deno.lstat(real)).isDirectory) {
        return await session.reply(550, `${argument}: is a directory; use RMD`);
      }
      await Deno.remove(real);
      await session.reply(250, "File deleted");
    },
  },
  RNFR: {
    async run(session, argument) {
      if (argument === "") return await session.reply(501, "RNFR needs a path");
      const real = await session.server.fs.entry(session.server.fs.resolve(session.cwd, argument));
      await Deno.lstat(real);
      session.renameFrom = real;
      await session.reply(350, "Ready for RNTO");
    },
  },
  RNTO: {
    async run(session, argument) {
      const from = session.renameFrom;
      session.renameFrom = undefined;
      if (from === undefined) return await session.reply(503, "Send RNFR first");
      if (argument === "") return await session.reply(501, "RNTO needs a path");
      const to = await session.server.fs.entry(session.server.fs.resolve(session.cwd, argument));
      await Deno.rename(from, to);
      await session.reply(250, "Rename successful");
    },
  },
  SIZE: {
    async run(session, argument) {
      const real = await existingFile(session, argument);
      if (real === undefined) return;
      const size = session.type === "I"
        ? (await Deno.stat(real)).size
        : await asciiWireSize(real, 0);
      await session.reply(213, String(size));
    },
  },
  MDTM: {
    async run(session, argument) {
      const real = await existingFile(session, argument);
      if (real === undefined) return;
      const modified = (await Deno.stat(real)).mtime;
      if (!modified) return await session.reply(550, "Modification time unknown");
      await session.reply(213, formatTimeVal(modified));
    },
  },
  MFMT: {
    async run(session, argument) {
      const space = argument.indexOf(" ");
      const time = space === -1 ? undefined : parseTimeVal(argument.slice(0, space));
      if (!time) return await session.reply(501, "Usage: MFMT YYYYMMDDHHMMSS path");
      const path = argument.slice(space + 1);
      const fs = session.server.fs;
      const real = await fs.existing(fs.resolve(session.cwd, path));
      const info = await Deno.stat(real);
      await Deno.utime(real, info.atime ?? time, time);
      await session.reply(213, `Modify=${formatTimeVal(time)}; ${path}`);
    },
  },
  SITE: {
    async run(session, argument) {
      const space = argument.indexOf(" ");
      const command = (space === -1 ? argument : argument.slice(0, space)).toUpperCase();
      if (command === "CHMOD") return await chmod(session, argument.slice(space + 1));
      if (command === "HELP") {
        return await session.reply(214, ["SITE commands recognized:", " CHMOD HELP", "OK"]);
      }
      if (command === "") return await session.reply(501, "SITE needs a command");
      await session.reply(500, `Unknown SITE command ${command}`);
    },
  },
};
