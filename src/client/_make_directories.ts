// Creating directories with their parents (mkdir -p) in as few round trips
// as the server allows. The MKD of every level goes in one flight, parents
// first: none depends on another's reply (the server creates `a` before it
// reads `MKD a/b`), and a level that exists already only fails its own MKD.
// Whether a path whose MKD failed is a directory is then asked with CWD (in
// and back), never guessed from MKD's error text, which no two servers word
// alike. The session's directory is never changed: the levels are sent as
// given, relative to it or absolute.

import { type FtpError, replyError } from "../errors.ts";
import { formatCommand, redactCommand } from "../protocol/command.ts";
import { type FtpReply, isCompletion } from "../protocol/reply.ts";
import { isDirectoryAnswer, type Session } from "./_session.ts";

/**
 * The most reply bytes a flight may draw. The server writes its replies
 * while the client is still writing commands and reads them only after:
 * kept far below any socket buffer (as `MDTM_BATCH`), neither side can
 * block the other however many directories and however long their paths.
 */
const FLIGHT_REPLY_BYTES = 32 * 1024;

/** What one reply to a command of `line` may take: the server may echo the path twice. */
function replyBytes(line: string): number {
  return 2 * line.length + 100;
}

/** The levels of `path`, top first: `a/b/c` gives `a`, `a/b`, `a/b/c`; `/x/y` gives `/x`, `/x/y`. */
export function levelsOf(path: string): string[] {
  const root = path.startsWith("/") ? "/" : "";
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  return segments.map((_, i) => root + segments.slice(0, i + 1).join("/"));
}

/** `lines` sent together in flights of at most `FLIGHT_REPLY_BYTES` of replies. */
async function inFlights(session: Session, lines: readonly string[]): Promise<FtpReply[]> {
  const replies: FtpReply[] = [];
  let start = 0;
  // Bounded by the number of lines: each flight takes at least one.
  while (start < lines.length) {
    let end = start + 1;
    let bytes = replyBytes(lines[start]);
    while (end < lines.length && bytes + replyBytes(lines[end]) <= FLIGHT_REPLY_BYTES) {
      bytes += replyBytes(lines[end++]);
    }
    replies.push(...await session.pipeline(lines.slice(start, end)));
    start = end;
  }
  return replies;
}

/** Options for {@linkcode makeDirectories}. */
export interface MakeOptions {
  /** Create each path's missing parents too (its levels go before it). */
  recursive: boolean;
  /**
   * Ask whether the last path is a directory in the MKDs' flight (CWD in
   * and back): for one path that may well exist, so that an existing
   * directory costs no second round trip. Only where commands may be sent
   * together and the session's directory is known.
   */
  probeLast?: boolean;
}

/**
 * Creates `paths` (with their parents when `recursive`; otherwise each
 * path's parent must exist or come earlier). Returns, for each path in
 * order, `undefined` where it is a directory now, or the error that says
 * why not: the MKD reply of the level in the way (the path itself or the
 * topmost level that is not a directory), the path named in its message.
 * A failure to ask (a lost connection, a 4xx to CWD) is thrown.
 */
export async function makeDirectories(
  session: Session,
  paths: readonly string[],
  options: MakeOptions,
): Promise<(FtpError | undefined)[]> {
  const targets = paths.map((path) => levelsOf(path).at(-1));
  const order = [...new Set(options.recursive ? paths.flatMap(levelsOf) : targets)]
    .filter((p) => p !== undefined);
  // Every line is checked before anything is sent.
  const lines = order.map((path) => formatCommand("MKD", path));
  const last = targets.at(-1);
  const start = session.currentDirectory;
  const probe = options.probeLast && last !== undefined && start !== undefined &&
      session.pipelining
    ? [formatCommand("CWD", last), formatCommand("CWD", start)]
    : [];
  const replies = await inFlights(session, [...lines, ...probe]);
  const made = new Map(order.map((path, i) => [path, replies[i]]));
  /** What is known of a path: a directory (`true`) or not (`false`). */
  const known = new Map<string, boolean>();
  const isDirectory = (path: string) => {
    for (const level of levelsOf(path)) known.set(level, true);
  };
  for (const [path, reply] of made) if (isCompletion(reply)) isDirectory(path);
  if (probe.length > 0) {
    const [into, back] = replies.slice(lines.length);
    if (isCompletion(into)) {
      session.assertBack(probe[1], back);
      isDirectory(last!);
    }
  }
  // The paths whose MKD failed, unless a deeper one showed them directories.
  const open = order.filter((path) => !known.has(path));
  if (session.pipelining) {
    // All asked together: one more round trip (two where a PWD must say where back is).
    const answers = await probeDirectories(session, open);
    open.forEach((path, i) => answers[i] ? isDirectory(path) : known.set(path, false));
  } else {
    // One at a time, deepest first: a directory answers for its parents.
    for (const path of open.reverse()) {
      if (known.has(path)) continue;
      if ((await probeDirectories(session, [path]))[0]) isDirectory(path);
      else known.set(path, false);
    }
  }
  return targets.map((path) => {
    if (path === undefined || known.get(path) === true) return undefined;
    const culprit = levelsOf(path).find((level) => known.get(level) === false && made.has(level));
    return notMade(path, culprit ?? path, made.get(culprit ?? path)!);
  });
}

/**
 * Whether each path is a directory: CWD into it and back (to the session's
 * directory, asked with PWD first where it is not known), every pair in
 * one flight where commands may be sent together. A 4xx to the CWD in is
 * thrown (no answer); a 5xx means no directory.
 */
async function probeDirectories(session: Session, paths: readonly string[]): Promise<boolean[]> {
  if (paths.length === 0) return [];
  const back = formatCommand("CWD", session.currentDirectory ?? await session.pwd());
  const answers: boolean[] = [];
  if (!session.pipelining) {
    // One at a time, the way back only where the way in worked.
    for (const path of paths) {
      const into = formatCommand("CWD", path);
      const reply = await session.sendCommand(into);
      answers.push(isDirectoryAnswer(into, reply));
      if (isCompletion(reply)) session.assertBack(back, await session.sendCommand(back));
    }
    return answers;
  }
  const lines = paths.flatMap((path) => [formatCommand("CWD", path), back]);
  const replies = await inFlights(session, lines);
  for (let i = 0; i < lines.length; i += 2) {
    if (isCompletion(replies[i])) session.assertBack(back, replies[i + 1]);
  }
  for (let i = 0; i < lines.length; i += 2) answers.push(isDirectoryAnswer(lines[i], replies[i]));
  return answers;
}

/** The error for `path`, not made because `culprit` (itself, or a level above) is no directory. */
function notMade(path: string, culprit: string, reply: FtpReply): FtpError {
  const line = redactCommand(formatCommand("MKD", culprit));
  const error = replyError(reply, line);
  const shown = reply.text.length > 500 ? `${reply.text.slice(0, 500)}…` : reply.text;
  const which = culprit === path ? "it" : `"${culprit}"`;
  error.message = `Cannot create the directory "${path}": ${which} is not a directory ferry ` +
    `can enter, and could not be created (${reply.code} ${shown}, the server's reply to "${line}"). ` +
    `If a file has that name, remove or rename it; otherwise check that you may create ` +
    `directories there`;
  return error;
}
