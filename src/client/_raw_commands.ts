// Which raw commands `send()`, `command()` and `voidCommand()` refuse, and
// what to call instead. A command that needs a data connection would leave
// the server waiting for one (pyftpdlib then times out and drops the
// session); one that changes TLS or login state would leave the client's
// idea of the session wrong. Both are refused before anything is sent.

import { FtpInputError } from "../errors.ts";
import { redactCommand } from "../protocol/command.ts";
import { checkTransferOptions, type CommonTransferOptions } from "./_call_options.ts";

/** Verb to the call that does its job properly. */
const INSTEAD: Record<string, string> = {
  LIST: 'list(), listStream() or downloadCommand("LIST ...")',
  NLST: 'nlst() or downloadCommand("NLST ...")',
  MLSD: 'list() or downloadCommand("MLSD ...")',
  RETR: 'download(), downloadTo() or downloadCommand("RETR ...")',
  STOR: 'upload(), uploadFrom() or uploadCommand("STOR ...")',
  STOU: 'uploadCommand("STOU")',
  APPE: 'upload(path, source, { append: true }) or uploadCommand("APPE ...")',
  AUTH: "the secure option (ftpes:// or ftps://) when connecting",
  PBSZ: "the secure option: ferry sends PBSZ 0 after login",
  PROT: "the tls.dataProtection option",
  CCC: "ccc(), or the tls.clearControl option (CCC after every login)",
  REIN: "close() and connect() again",
  QUIT: "quit() or close()",
  ABOR: "abort(), or the call's signal",
};

/**
 * Refuses a raw command line that needs a data connection or changes the
 * session's TLS or login state, naming the call to use.
 *
 * @param line The raw command line.
 * @throws {FtpInputError} When the verb is one of those.
 */
export function assertRawCommand(line: string): void {
  const verb = /^\s*([A-Za-z]+)/.exec(line)?.[1]?.toUpperCase() ?? "";
  const instead = INSTEAD[verb];
  if (instead !== undefined) {
    throw new FtpInputError(
      `${verb} cannot be sent as a raw command: it ${
        DATA_VERBS.has(verb) ? "needs a data connection" : "changes the session's state"
      }; use ${instead}`,
    );
  }
}

const DATA_VERBS = new Set(["LIST", "NLST", "MLSD", "RETR", "STOR", "STOU", "APPE"]);

/** Whether a data command sends data to the server (otherwise it receives). */
export function isUploadVerb(line: string): boolean {
  return /^\s*(STOR|STOU|APPE)\b/i.test(line);
}

/** Whether a line starts with a verb that opens a data connection. */
export function isDataVerb(line: string): boolean {
  const verb = /^\s*([A-Za-z]+)/.exec(line)?.[1]?.toUpperCase() ?? "";
  return DATA_VERBS.has(verb);
}

/** Refuses a data command sent the wrong way, or one that changes session state. */
export function checkDataCommand(
  command: string,
  direction: "download" | "upload",
  options: CommonTransferOptions,
): void {
  checkTransferOptions(options);
  if (options.append) {
    throw new FtpInputError("append is for upload(); with uploadCommand, send APPE yourself");
  }
  if (isUploadVerb(command) !== (direction === "upload")) {
    throw new FtpInputError(
      direction === "upload"
        ? `"${redactCommand(command)}" sends data to the client: use downloadCommand()`
        : `"${redactCommand(command)}" sends data to the server: use uploadCommand()`,
    );
  }
  try {
    assertRawCommand(command);
  } catch (error) {
    // The data commands themselves are what these calls are for.
    if (!/needs a data connection/.test((error as Error).message)) throw error;
  }
}
