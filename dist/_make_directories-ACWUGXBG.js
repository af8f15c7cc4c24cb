import {
  inFlights,
  probeDirectories
} from "./chunk-WTUQ6ULS.js";
import "./chunk-VANQ5W6K.js";
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
  replyError
} from "./chunk-UN72SBEK.js";

// src/client/_make_directories.ts
function levelsOf(path) {
  const root = path.startsWith("/") ? "/" : "";
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  return segments.map((_, i) => root + segments.slice(0, i + 1).join("/"));
}
async function makeDirectories(session, paths, options) {
  const targets = paths.map((path) => levelsOf(path).at(-1));
  const order = [
    ...new Set(options.recursive ? paths.flatMap(levelsOf) : targets)
  ].filter((p) => p !== void 0);
  const lines = order.map((path) => formatCommand("MKD", path));
  const last = targets.at(-1);
  const start = session.currentDirectory;
  const probe = options.probeLast && last !== void 0 && start !== void 0 && session.pipelining ? [
    formatCommand("CWD", last),
    formatCommand("CWD", start)
  ] : [];
  const replies = await inFlights(session, [
    ...lines,
    ...probe
  ]);
  const made = new Map(order.map((path, i) => [
    path,
    replies[i]
  ]));
  const known = /* @__PURE__ */ new Map();
  const isDirectory = (path) => {
    for (const level of levelsOf(path)) known.set(level, true);
  };
  for (const [path, reply] of made) if (isCompletion(reply)) isDirectory(path);
  if (probe.length > 0) {
    const [into, back] = replies.slice(lines.length);
    if (isCompletion(into)) {
      session.assertBack(probe[1], back);
      isDirectory(last);
    }
  }
  const open = order.filter((path) => !known.has(path));
  if (session.pipelining) {
    const answers = await probeDirectories(session, open);
    open.forEach((path, i) => answers[i] ? isDirectory(path) : known.set(path, false));
  } else {
    for (const path of open.reverse()) {
      if (known.has(path)) continue;
      if ((await probeDirectories(session, [
        path
      ]))[0]) isDirectory(path);
      else known.set(path, false);
    }
  }
  return targets.map((path) => {
    if (path === void 0 || known.get(path) === true) return void 0;
    const culprit = levelsOf(path).find((level) => known.get(level) === false && made.has(level));
    return notMade(path, culprit ?? path, made.get(culprit ?? path));
  });
}
function notMade(path, culprit, reply) {
  const line = redactCommand(formatCommand("MKD", culprit));
  const error = replyError(reply, line);
  const shown = reply.text.length > 500 ? `${reply.text.slice(0, 500)}\u2026` : reply.text;
  const which = culprit === path ? "it" : `"${culprit}"`;
  error.message = `Cannot create the directory "${path}": ${which} is not a directory ferry can enter, and could not be created (${reply.code} ${shown}, the server's reply to "${line}"). If a file has that name, remove or rename it; otherwise check that you may create directories there`;
  return error;
}
export {
  levelsOf,
  makeDirectories
};
