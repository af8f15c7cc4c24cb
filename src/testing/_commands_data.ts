/**
 * Data connection setup: PASV, PORT (RFC 959), EPSV, EPRT (RFC 2428). Active
 * connections go only back to the control connection's peer, never to a
 * privileged port: the FTP bounce attack (RFC 2577) is refused.
 *
 * @module
 */

import { canonicalHost, isIpv6, sameHost } from "../protocol/host.ts";
import { ActiveSetup, PassiveSetup } from "./_data_channel.ts";
import type { CommandTable, Session } from "./_session.ts";
import {
  type DataAddress,
  parseEprtArgument,
  parsePortArgument,
} from "../protocol/data_address.ts";

/** RFC 2428 network protocol numbers. */
function family(host: string): 1 | 2 {
  return isIpv6(host) ? 2 : 1;
}

async function refusedByEpsvAll(session: Session, verb: string): Promise<boolean> {
  if (!session.epsvAll) return false;
  await session.reply(503, `${verb} refused after EPSV ALL; use EPSV`);
  return true;
}

async function connectBack(session: Session, verb: string, address: DataAddress): Promise<void> {
  if (family(address.host) !== family(session.peerHost)) {
    return await session.reply(
      522,
      `Network protocol not supported, use (${family(session.peerHost)})`,
    );
  }
  if (!sameHost(address.host, session.peerHost)) {
    return await session.reply(
      500,
      `${verb} refused: data connections go only to the client's own address`,
    );
  }
  if (address.port < 1024) {
    return await session.reply(504, `${verb} refused: privileged port ${address.port}`);
  }
  session.setDataSetup(new ActiveSetup(address));
  await session.reply(200, `${verb} command successful`);
}

function listen(session: Session): PassiveSetup {
  const setup = PassiveSetup.listen(session.localHost, session.peerHost);
  session.setDataSetup(setup);
  return setup;
}

/** PASV, EPSV, PORT, EPRT. */
export const dataCommands: CommandTable = {
  PASV: {
    async run(session) {
      if (await refusedByEpsvAll(session, "PASV")) return;
      if (isIpv6(session.localHost)) {
        return await session.reply(522, "PASV cannot announce an IPv6 address; use EPSV");
      }
      const { port } = listen(session);
      const host = session.server.faults().pasvAddress ?? canonicalHost(session.localHost);
      const numbers = [...host.split("."), port >> 8, port & 0xff].join(",");
      await session.reply(227, `Entering Passive Mode (${numbers}).`);
    },
  },
  EPSV: {
    async run(session, argument) {
      const mode = argument.trim().toUpperCase();
      if (mode === "ALL") {
        session.epsvAll = true;
        return await session.reply(200, "EPSV ALL accepted");
      }
      const own = family(session.localHost);
      if (mode !== "" && mode !== String(own)) {
        return await session.reply(522, `Network protocol not supported, use (${own})`);
      }
      const { port } = listen(session);
      await session.reply(229, `Entering Extended Passive Mode (|||${port}|)`);
    },
  },
  PORT: {
    async run(session, argument) {
      if (await refusedByEpsvAll(session, "PORT")) return;
      const address = parsePortArgument(argument);
      if (!address) return await session.reply(501, "PORT needs h1,h2,h3,h4,p1,p2");
      await connectBack(session, "PORT", address);
    },
  },
  EPRT: {
    async run(session, argument) {
      if (await refusedByEpsvAll(session, "EPRT")) return;
      const text = argument.trim();
      const protocol = /^(.)(\d+)\1/.exec(text)?.[2];
      if (protocol !== undefined && protocol !== "1" && protocol !== "2") {
        return await session.reply(
          522,
          `Network protocol not supported, use (${family(session.peerHost)})`,
        );
      }
      const address = parseEprtArgument(text);
      if (!address) return await session.reply(501, "EPRT needs |protocol|address|port|");
      await connectBack(session, "EPRT", address);
    },
  },
};
