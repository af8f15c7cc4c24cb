/**
 * Commands about the session rather than files: NOOP, SYST, FEAT (RFC
 * 2389), OPTS, HELP, STAT, TYPE, MODE, STRU, REST (RFC 3659), ALLO, ABOR.
 *
 * @module
 */

import { hostForUrl } from "../protocol/host.ts";
import { hashFeatures, optsHash } from "./_commands_hash.ts";
import { statPath } from "./_commands_listing.ts";
import { MLST_FACTS, mlstFeature } from "./_listing_format.ts";
import type { CommandSpec, CommandTable, Session } from "./_session.ts";

/** FEAT lines, each shown only while none of its commands is disabled. */
function features(session: Session): string[] {
  const offered: [string, string[]][] = [
    ["EPRT", ["EPRT"]],
    ["EPSV", ["EPSV"]],
    ["MDTM", ["MDTM"]],
    ["MFMT", ["MFMT"]],
    [mlstFeature(session.mlstFacts), ["MLST", "MLSD"]],
    ["PASV", ["PASV"]],
    ["REST STREAM", ["REST"]],
    ["SIZE", ["SIZE"]],
    ["TVFS", ["TVFS"]],
    ["UTF8", ["UTF8", "OPTS"]],
    ...hashFeatures(session),
  ];
  if (session.server.tls !== undefined) {
    // RFC 4217 section 6: the FEAT lines of an FTPS server.
    if (!session.server.implicitTls) offered.unshift(["AUTH TLS", ["AUTH"]]);
    offered.push(["PBSZ", ["PBSZ"]], ["PROT", ["PROT"]]);
  }
  const disabled = session.server.disabled;
  return offered.filter(([, verbs]) => !verbs.some((v) => disabled.has(v))).map(([line]) => line)
    .sort();
}

async function setMlstFacts(session: Session, list: string): Promise<void> {
  if (session.server.disabled.has("MLST") || session.server.disabled.has("MLSD")) {
    return await session.reply(502, "MLST is not implemented on this server");
  }
  const wanted = new Set(list.toLowerCase().split(";").map((f) => f.trim()));
  session.mlstFacts.clear();
  // Unknown facts are ignored, as RFC 3659 section 7.9 asks.
  for (const fact of MLST_FACTS) if (wanted.has(fact)) session.mlstFacts.add(fact);
  const chosen = [...session.mlstFacts].map((f) => `${f};`).join("");
  await session.reply(200, chosen ? `MLST OPTS ${chosen}` : "MLST OPTS");
}

/** NOOP, SYST, FEAT, OPTS, HELP, STAT, TYPE, MODE, STRU, REST, ALLO, ABOR. */
/**
 * A verb of which the server supports only RFC 959's default (MODE S, STRU
 * F): the other values the RFC defines are refused with 504, anything else
 * with 501.
 */
function onlyTheDefault(
  verb: string,
  noun: string,
  supported: string,
  defined: readonly string[],
): CommandSpec {
  return {
    async run(session, argument) {
      const value = argument.trim().toUpperCase();
      if (value === supported) return await session.reply(200, `${noun} set to ${value}`);
      if (defined.includes(value)) {
        return await session.reply(504, `${verb} ${value} is not supported`);
      }
      await session.reply(501, `Unknown ${verb} ${value}`);
    },
  };
}

export const controlCommands: CommandTable = {
  NOOP: {
    beforeLogin: true,
    async run(session) {
      await session.reply(200, "NOOP ok");
    },
  },
  SYST: {
    beforeLogin: true,
    async run(session) {
      await session.reply(215, "UNIX Type: L8");
    },
  },
  FEAT: {
    beforeLogin: true,
    async run(session) {
      await session.reply(211, ["Features:", ...features(session).map((f) => ` ${f}`), "End"]);
    },
  },
  OPTS: {
    beforeLogin: true,
    async run(session, argument) {
      const text = argument.trim();
      const space = text.indexOf(" ");
      const option = (space === -1 ? text : text.slice(0, space)).toUpperCase();
      const value = space === -1 ? "" : text.slice(space + 1).trim();
      if (option === "MLST") return await setMlstFacts(session, value);
      if (option === "HASH") return await optsHash(session, value);
      if (option !== "UTF8") return await session.reply(501, `Unknown option ${option}`);
      if (session.server.disabled.has("UTF8")) {
        return await session.reply(502, "UTF8 is not implemented on this server");
      }
      const mode = value.toUpperCase();
      if (mode === "ON" || mode === "") return await session.reply(200, "UTF8 mode is on");
      if (mode === "OFF") return await session.reply(504, "UTF8 mode cannot be turned off");
      await session.reply(501, "OPTS UTF8 takes ON or OFF");
    },
  },
  HELP: {
    beforeLogin: true,
    async run(session, argument) {
      const verb = argument.trim().toUpperCase();
      const verbs = session.knownVerbs();
      if (verb === "") {
        const rows: string[] = [];
        for (let i = 0; i < verbs.length; i += 8) rows.push(" " + verbs.slice(i, i + 8).join(" "));
        return await session.reply(214, ["The following commands are recognized:", ...rows, "OK"]);
      }
      if (verbs.includes(verb)) return await session.reply(214, `${verb} is supported`);
      await session.reply(502, `Unknown command ${verb}`);
    },
  },
  STAT: {
    async run(session, argument) {
      if (argument !== "") return await statPath(session, argument);
      await session.reply(211, [
        "ferry test server status:",
        ` Connected from ${hostForUrl(session.peerHost)}`,
        ` Logged in as ${session.user}`,
        ` TYPE: ${session.type === "A" ? "ASCII" : "BINARY"}; STRU: File; MODE: Stream`,
        ` Data connection: ${session.dataDescription}`,
        "End of status",
      ]);
    },
  },
  TYPE: {
    async run(session, argument) {
      const words = argument.trim().toUpperCase().split(/\s+/);
      const [code, format] = words;
      if (words.length > 2 || !/^[AEIL]$/.test(code)) {
        return await session.reply(501, `Unknown TYPE ${argument.trim()}`);
      }
      if ((code === "A" && (format ?? "N") === "N") || (code === "I" && !format)) {
        session.type = code;
      } else if (code === "L" && format === "8") {
        session.type = "I";
      } else {
        return await session.reply(504, `TYPE ${words.join(" ")} is not supported`);
      }
      await session.reply(200, `Type set to ${session.type}`);
    },
  },
  MODE: onlyTheDefault("MODE", "Mode", "S", ["B", "C"]),
  STRU: onlyTheDefault("STRU", "Structure", "F", ["R", "P"]),
  REST: {
    async run(session, argument) {
      const text = argument.trim();
      const offset = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(offset)) {
        return await session.reply(501, "REST needs a byte offset");
      }
      session.restOffset = offset;
      await session.reply(350, `Restarting at ${offset}. Send RETR, STOR or APPE to transfer`);
    },
  },
  ALLO: {
    async run(session) {
      await session.reply(202, "ALLO not needed");
    },
  },
  ABOR: {
    beforeLogin: true,
    async run(session) {
      if (session.takeTransferAbortedByAbor()) {
        return await session.reply(226, "Abort successful");
      }
      session.setDataSetup(undefined);
      await session.reply(225, "No transfer to abort");
    },
  },
};
