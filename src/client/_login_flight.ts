// The login's last command (PASS, or ACCT) sent together with the
// session's set-up (FEAT, TYPE I, OPTS UTF8 ON, PBSZ, PROT): one round trip
// for all. The set-up's replies mean something only once the login is
// accepted, so a refused login must come out as the refusal, whatever the
// server did with the commands sent with it: answered them with 530 (most),
// closed the connection after its 530 (Pure-FTPd may), went silent, or
// answered them before its 530 (pyftpdlib sleeps before it refuses a
// password and reads on meanwhile). A refusal is never taken for a server
// that mishandles pipelining, so a wrong password is never sent again on a
// new connection (see FtpClient's #loginOnce).

import type { FtpReply } from "../protocol/reply.ts";
import { answers, outOfStep } from "./_pipelining.ts";
import type { Session } from "./_session.ts";

/** Replies by which a server takes PASS or ACCT (332: ACCT comes next). */
const ACCEPTED = [230, 202, 332];

/**
 * Sends `login` with `setup` and returns the login's reply followed by the
 * set-up's, in order; a refused login's reply alone (the caller throws it).
 * One command at a time where pipelining is off, and then no set-up goes to
 * a server that refused the login.
 *
 * @param session The session, USER answered.
 * @param login The PASS or ACCT line.
 * @param setup The set-up commands, none depending on another's reply.
 */
export async function loginFlight(
  session: Session,
  login: string,
  setup: readonly string[],
): Promise<FtpReply[]> {
  if (!session.pipelining) {
    const reply = await session.sendCommand(login);
    if (reply.code !== 230 && reply.code !== 202) return [reply];
    return [reply, ...await session.pipeline(setup)];
  }
  const { control } = session;
  control.assertInStep();
  await control.sendMany([login, ...setup]);
  // The login's reply is the first of its flight: a server that drops what
  // comes together still answers it, so a timeout here is only slowness.
  const reply = await session.readFinal(login);
  if (ACCEPTED.includes(reply.code)) {
    const replies = [reply];
    for (const line of setup) replies.push(await session.readPipelined(line));
    return replies;
  }
  // Refused, or answered out of step: what the set-up got tells which.
  const rest = await readRest(session, setup);
  if (answers(login, reply)) return [reply];
  const all = [reply, ...rest];
  const refusal = all.findLast((r) => r.code >= 400);
  if (all.some((r) => r.code === 230) || refusal === undefined) {
    // Logged in, but the replies are out of step: the set-up's state is
    // unknown. One command at a time, on a new connection.
    session.stopPipelining();
    throw control.close(outOfStep(login, reply));
  }
  // Nothing took the login: the server answered the set-up (530, "log in
  // first") before it refused the login itself, whose reply came last.
  return [refusal];
}

/**
 * The replies to the commands sent with a login that was not accepted, as
 * many as come: those that never come (the server closed the connection or
 * went silent after its refusal) do not matter, but the connection can no
 * longer be kept in step, so it is closed.
 */
async function readRest(session: Session, lines: readonly string[]): Promise<FtpReply[]> {
  const replies: FtpReply[] = [];
  try {
    for (const line of lines) replies.push(await session.readFinal(line));
  } catch {
    session.control.close();
  }
  return replies;
}
