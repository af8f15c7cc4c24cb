import {
  isDirectoryAnswer
} from "./chunk-VANQ5W6K.js";
import {
  isCompletion
} from "./chunk-EJRZ22DK.js";
import {
  formatCommand
} from "./chunk-67NZJHGR.js";

// src/client/_flights.ts
var FLIGHT_REPLY_BYTES = 32 * 1024;
function replyBytes(line) {
  return 2 * line.length + 100;
}
async function inFlights(session, lines, bytesOf = replyBytes, epsvAhead = false) {
  const replies = [];
  let start = 0;
  while (start < lines.length) {
    let end = start + 1;
    let bytes = bytesOf(lines[start]);
    while (end < lines.length && bytes + bytesOf(lines[end]) <= FLIGHT_REPLY_BYTES) {
      bytes += bytesOf(lines[end++]);
    }
    replies.push(...await session.pipeline(lines.slice(start, end), epsvAhead));
    start = end;
  }
  return replies;
}

// src/client/_probe_directories.ts
async function probeDirectories(session, paths, epsvAhead = false) {
  if (paths.length === 0) return [];
  const back = formatCommand("CWD", session.currentDirectory ?? await session.pwd());
  const answers = [];
  if (!session.pipelining) {
    for (const path of paths) {
      const into = formatCommand("CWD", path);
      const reply = await session.sendCommand(into);
      answers.push(isDirectoryAnswer(into, reply));
      if (isCompletion(reply)) session.assertBack(back, await session.sendCommand(back));
    }
    return answers;
  }
  const lines = paths.flatMap((path) => [
    formatCommand("CWD", path),
    back
  ]);
  const replies = await inFlights(session, lines, replyBytes, epsvAhead);
  for (let i = 0; i < lines.length; i += 2) {
    if (isCompletion(replies[i])) session.assertBack(back, replies[i + 1]);
  }
  for (let i = 0; i < lines.length; i += 2) answers.push(isDirectoryAnswer(lines[i], replies[i]));
  return answers;
}

export {
  replyBytes,
  inFlights,
  probeDirectories
};
