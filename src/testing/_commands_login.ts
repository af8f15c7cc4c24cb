/**
 * Login and logout: USER, PASS, ACCT (RFC 959 section 4.1.1) and QUIT. A
 * server with `requireTls` refuses the first three until AUTH TLS.
 *
 * @module
 */

import type { CommandTable, Session } from "./_session.ts";

const ANONYMOUS_NAMES = new Set(["anonymous", "ftp"]);

function isAnonymous(session: Session, name: string): boolean {
  return session.server.anonymous && ANONYMOUS_NAMES.has(name.toLowerCase()) &&
    !session.server.users.has(name);
}

function resetLogin(session: Session): void {
  session.user = undefined;
  session.loggedIn = false;
  session.expectedAccount = undefined;
}

/** Under `requireTls`, answers 530 to a login attempt in plain text; `true` when it did. */
async function refusedInPlainText(session: Session): Promise<boolean> {
  if (!session.server.requireTls || session.tlsActive) return false;
  await session.reply(530, "This server requires TLS: send AUTH TLS before logging in");
  return true;
}

async function logIn(session: Session): Promise<void> {
  session.loggedIn = true;
  session.expectedAccount = undefined;
  await session.reply(230, `User ${session.user} logged in`);
}

/** USER, PASS, ACCT, QUIT. */
export const loginCommands: CommandTable = {
  USER: {
    beforeLogin: true,
    async run(session, name) {
      if (await refusedInPlainText(session)) return;
      if (name === "") return await session.reply(501, "USER needs a user name");
      // A new USER starts a new login, whatever came before (RFC 959).
      resetLogin(session);
      session.user = name;
      // Unknown users get the same 331 as known ones: the reply tells nothing.
      await session.reply(
        331,
        isAnonymous(session, name)
          ? "Anonymous login okay, send your e-mail address as password"
          : `Password required for ${name}`,
      );
    },
  },
  PASS: {
    beforeLogin: true,
    async run(session, password) {
      if (await refusedInPlainText(session)) return;
      if (session.loggedIn) return await session.reply(202, "Already logged in");
      const name = session.user;
      if (name === undefined) return await session.reply(503, "Send USER first");
      if (session.expectedAccount !== undefined) {
        return await session.reply(503, "Send ACCT next");
      }
      const user = session.server.users.get(name);
      if (user ? user.password !== password : !isAnonymous(session, name)) {
        resetLogin(session);
        return await session.reply(530, "Login incorrect");
      }
      if (user?.account !== undefined) {
        session.expectedAccount = user.account;
        return await session.reply(332, "Need account for login");
      }
      await logIn(session);
    },
  },
  ACCT: {
    beforeLogin: true,
    async run(session, account) {
      if (await refusedInPlainText(session)) return;
      if (session.user === undefined) return await session.reply(503, "Send USER first");
      if (session.loggedIn) return await session.reply(202, "No account needed");
      if (session.expectedAccount === undefined) {
        return await session.reply(503, "Send PASS first");
      }
      if (account !== session.expectedAccount) {
        resetLogin(session);
        return await session.reply(530, "Login incorrect");
      }
      await logIn(session);
    },
  },
  QUIT: {
    beforeLogin: true,
    async run(session) {
      session.quit();
      await session.reply(221, "Goodbye");
    },
  },
};
