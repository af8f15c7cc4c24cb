import {
  directoryEntry,
  entryFromMlst,
  fileEntry
} from "./chunk-NWFYDGVE.js";
import {
  inFlights,
  probeDirectories,
  replyBytes
} from "./chunk-WTUQ6ULS.js";
import {
  sizeAndTimeFrom,
  sizeAndTimeLines
} from "./chunk-VANQ5W6K.js";
import "./chunk-ZZKKPKQ6.js";
import "./chunk-IOE4GXSG.js";
import "./chunk-JTZGJBJ2.js";
import "./chunk-OKDFGV22.js";
import "./chunk-RK3YRUIX.js";
import "./chunk-YWCC54TA.js";
import "./chunk-AFMGHXC2.js";
import "./chunk-Q64DFV4C.js";
import {
  isCompletion
} from "./chunk-EJRZ22DK.js";
import {
  formatCommand,
  redactCommand
} from "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import {
  FtpPermanentError,
  FtpProtocolError,
  FtpReplyError,
  replyError
} from "./chunk-UN72SBEK.js";

// src/client/_stat_all.ts
function mlstReplyBytes(line) {
  return 3 * line.length + 400;
}
async function statEntries(session, paths) {
  if (session.hasMlst) {
    const lines2 = paths.map((path) => formatCommand("MLST", path));
    const replies2 = await inFlights(session, lines2, mlstReplyBytes, true);
    return paths.map((path, i) => answerOf(() => {
      if (!isCompletion(replies2[i])) throw replyError(replies2[i], redactCommand(lines2[i]));
      return entryFromMlst(path, replies2[i]);
    }));
  }
  const results = new Array(paths.length);
  const slashed = indexesOf(paths, (path) => path.endsWith("/"));
  const probedFirst = await probeDirectories(session, slashed.map((i) => paths[i]), true);
  slashed.forEach((i, k) => {
    if (probedFirst[k]) results[i] = directoryEntry(paths[i]);
  });
  const sized = indexesOf(paths, (_, i) => results[i] === void 0);
  if (sized.length > 0) await session.type("binary");
  const lines = sized.flatMap((i) => sizeAndTimeLines(paths[i]));
  const replies = await inFlights(session, lines, replyBytes, true);
  const refused = [];
  sized.forEach((i, k) => {
    const found = answerOf(() => fileEntry(paths[i], sizeAndTimeFrom(lines.slice(2 * k), replies.slice(2 * k))));
    results[i] = found;
    if (found instanceof FtpPermanentError && !paths[i].endsWith("/")) refused.push(i);
  });
  const probed = await probeDirectories(session, refused.map((i) => paths[i]), true);
  refused.forEach((i, k) => {
    if (probed[k]) results[i] = directoryEntry(paths[i]);
  });
  return results;
}
function answerOf(read) {
  try {
    return read();
  } catch (error) {
    if (error instanceof FtpReplyError || error instanceof FtpProtocolError) return error;
    throw error;
  }
}
function indexesOf(paths, keep) {
  return paths.flatMap((path, i) => keep(path, i) ? [
    i
  ] : []);
}
export {
  statEntries
};
