import {
  parseMlstLine
} from "./chunk-AFMGHXC2.js";
import {
  FtpPermanentError,
  FtpProtocolError
} from "./chunk-UN72SBEK.js";

// src/client/_stat.ts
function baseName(path) {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1) || trimmed || path;
}
function entryFromMlst(path, reply) {
  const line = reply.lines.find((l) => l.startsWith(" "));
  const entry = line === void 0 ? void 0 : parseMlstLine(line.slice(1));
  if (!entry) {
    throw new FtpProtocolError(`The MLST reply for ${JSON.stringify(path)} holds no entry line`);
  }
  return entry.name === "" ? {
    ...entry,
    name: baseName(path)
  } : entry;
}
function fileEntry(path, { size, modified }) {
  const entry = {
    name: baseName(path),
    type: "file",
    size,
    raw: ""
  };
  if (modified) {
    entry.modified = modified;
    entry.modifiedPrecision = "second";
    entry.modifiedIsUtc = true;
  }
  return entry;
}
function directoryEntry(path) {
  return {
    name: baseName(path),
    type: "directory",
    raw: ""
  };
}
async function statEntry(session, path) {
  if (session.hasMlst) {
    return entryFromMlst(path, await session.mlst(path, true));
  }
  const probed = path.endsWith("/") ? await isDirectory(session, path) : void 0;
  if (probed) return directoryEntry(path);
  try {
    return fileEntry(path, await session.sizeAndTime(path));
  } catch (error) {
    if (!(error instanceof FtpPermanentError)) throw error;
    if (probed === void 0 && await isDirectory(session, path)) return directoryEntry(path);
    throw error;
  }
}
function isDirectory(session, path) {
  return session.isDirectory(path);
}

export {
  entryFromMlst,
  fileEntry,
  directoryEntry,
  statEntry,
  isDirectory
};
