/**
 * FTPS commands (RFC 4217, using RFC 2228's AUTH, PBSZ, PROT and CCC):
 * AUTH TLS turns the control connection into TLS, PBSZ 0 and PROT P put
 * data connections under TLS too, and CCC turns the control connection back
 * into plain text (refused with `requireTls`). Only a server started with `tls` offers
 * them; without it they answer 502.
 *
 * @module
 */

import type { CommandTable, Session } from "./_session.ts";

/** AUTH mechanisms taken as TLS: RFC 4217's `TLS`, its `TLS-C` alias, and the older `SSL`. */
const TLS_MECHANISMS: ReadonlySet<string> = new Set(["TLS", "TLS-C", "SSL"]);

/** Answers 502 for a server without TLS; `true` when it did. */
async function refusedWithoutTls(session: Session, verb: string): Promise<boolean> {
  if (session.server.tls !== undefined) return false;
  await session.reply(502, `${verb} is not implemented on this server (no TLS certificate)`);
  return true;
}

/** AUTH, PBSZ, PROT, CCC. */
export const securityCommands: CommandTable = {
  AUTH: {
    beforeLogin: true,
    async run(session, argument) {
      if (await refusedWithoutTls(session, "AUTH")) return;
      const mechanism = argument.trim().toUpperCase();
      if (mechanism === "") return await session.reply(501, "AUTH needs a mechanism: AUTH TLS");
      if (!TLS_MECHANISMS.has(mechanism)) {
        return await session.reply(504, `AUTH ${mechanism} is not supported; use AUTH TLS`);
      }
      if (session.tlsActive) return await session.reply(503, "TLS is already active");
      await session.reply(234, `AUTH ${mechanism} successful; start the TLS handshake`);
      await session.startTls();
      // RFC 2228: a new security exchange starts the login afresh.
      session.user = undefined;
      session.loggedIn = false;
      session.expectedAccount = undefined;
    },
  },
  PBSZ: {
    beforeLogin: true,
    async run(session, argument) {
      if (await refusedWithoutTls(session, "PBSZ")) return;
      if (!session.tlsActive) return await session.reply(503, "PBSZ needs AUTH TLS first");
      const text = argument.trim();
      if (!/^\d+$/.test(text)) return await session.reply(501, "PBSZ needs a decimal size: PBSZ 0");
      session.pbszDone = true;
      // TLS does its own framing: any size asked for becomes 0 (RFC 4217 section 8).
      await session.reply(200, "PBSZ=0");
    },
  },
  PROT: {
    beforeLogin: true,
    async run(session, argument) {
      if (await refusedWithoutTls(session, "PROT")) return;
      if (!session.tlsActive) return await session.reply(503, "PROT needs AUTH TLS first");
      if (!session.pbszDone) return await session.reply(503, "PROT needs PBSZ first");
      const level = argument.trim().toUpperCase();
      if (level === "P") {
        session.protectData = true;
        return await session.reply(200, "Protection level set to P (Private)");
      }
      if (level === "C") {
        if (session.server.requireTls) {
          return await session.reply(534, "PROT C refused: this server requires PROT P");
        }
        session.protectData = false;
        return await session.reply(200, "Protection level set to C (Clear)");
      }
      if (level === "S" || level === "E") {
        return await session.reply(536, `PROT ${level} is not supported with TLS; use P or C`);
      }
      await session.reply(504, `Unknown protection level ${JSON.stringify(level)}; use P or C`);
    },
  },
  CCC: {
    beforeLogin: true,
    async run(session) {
      if (await refusedWithoutTls(session, "CCC")) return;
      if (!session.tlsActive) return await session.reply(503, "CCC needs AUTH TLS first");
      // As ProFTPD under TLSRequired: a server that requires TLS keeps it.
      if (session.server.requireTls) {
        return await session.reply(534, "CCC refused: the control connection stays protected");
      }
      await session.reply(200, "Clearing control channel protection");
      await session.clearTls();
    },
  },
};
