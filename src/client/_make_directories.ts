// Creating directories with their parents (mkdir -p) in as few round trips
// as the server allows. The MKD of every level goes in one flight, parents
// first: none depends on another's reply (the server creates `a` before it
// reads `MKD a/b`), and a level that exists already only fails its own MKD.
// Whether a path whose MKD failed is a directory is then asked with CWD (in
// and back), never guessed from MKD's error text, which no two servers word
// alike. The session's directory is never changed: the levels are sent as
// given, relative to it or absolute.

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { type FtpError, replyError } from "../errors.ts";
import { formatCommand, redactCommand } from "../protocol/command.ts";
import { type FtpReply, isCompletion } from "../protocol/reply.ts";
import { inFlights } from "./_flights.ts";
import { probeDirectories } from "./_probe_directories.ts";
import type { Session } from "./_session.ts";

/** The levels of `path`, top first: `a/b/c` gives `a`, `a/b`, `a/b/c`; `/x/y` gives `/x`, `/x/y`. */
export function levelsOf(path: string): string[] {
  const root = path.startsWith("/") ? "/" : "";
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  return segments.map((_, i) => root + segments.slice(0, i + 1).join("/"));
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
