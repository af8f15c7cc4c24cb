// The session's EPSV sent ahead: the next transfer's EPSV goes before the
// reply it waits behind (a transfer's end, a pipeline of commands, the
// transfer command itself), so that the next address costs no round trip of
// its own. What the session learnt of EPSV (it worked, it was refused), the
// EPSV sent and its reply, and the server's listener it opened; which reply
// may serve a transfer, and what a reply out of turn says. The session sends
// the commands (see Session.pipeline, sendEpsvAhead, startTransfer).

import { type DataAddress, parseEpsvReply } from "../protocol/data_address.ts";
import { type FtpReply, isPreliminary } from "../protocol/reply.ts";
import { opening } from "./_command_replies.ts";
import {
  answeredOutOfTurn,
  isUnknownCommand,
  namesInTurnSoftware,
  outOfStep,
  stopEpsvDuringTransfers,
} from "./_pipelining.ts";
import type { Session } from "./_session.ts";

const SETTLED = Promise.resolve();
const NO_REPLY: Promise<undefined> = Promise.resolve(undefined);
/** `readFinal` without `anyReply`: 1xx replies are passed over. */
const NOT_ANY = () => false;

/**
 * How long the listener of an EPSV sent ahead is used after the control
 * connection was last read: a transfer that comes later asks for a new one
 * (a round trip, after a pause at least this long; a 229 read just now, slow
 * or not, came with everything the server sent before it).
 * A server may give up a listener nobody connected to (pyftpdlib, after 30 s
 * by default, with an unasked 421 that may still be on its way) and give its
 * port to another session's EPSV: with a small passive port range, a stale
 * port can reach another session's listener, which the server may accept
 * (same address) and send that session's data to. The batches pipelining
 * serves use their listeners at once.
 */
const AHEAD_LISTENER_TRUSTED_MS = 1_000;

/**
 * What the reply to an EPSV sent ahead is worth to the transfer starting
 * now (see `EpsvAhead.judge`).
 */
export type AheadVerdict = "use" | "outOfTurn" | "stale";

/** One session's EPSV sent ahead, and what the session learnt of EPSV. */
export class EpsvAhead {
  readonly #session: Session;
  /** Whether the server refused EPSV: passive mode uses PASV from then on. */
  refused = false;
  /** An EPSV sent ahead (with a transfer's end) whose reply is still unread. */
  sent = false;
  /** Whether an EPSV of this session got its 229. */
  worked = false;
  /**
   * The reply to an EPSV sent ahead, read already (commands sent after it
   * needed their replies), kept for the next transfer: only through
   * pipelines that expect one (see `pipeline`), dropped by any other command.
   */
  ready?: FtpReply;

  /**
   * The server's passive listener opened by an EPSV sent ahead, until a
   * transfer uses or replaces it: "unused", or "expired" once the server
   * said it timed out (pyftpdlib, after 30 s: an unasked "421 Passive data
   * channel timed out.", the session kept). Such a 421 is ferry's doing,
   * not the server leaving: in a session that sent an EPSV ahead, it is
   * dropped where it arrives, whenever that is.
   */
  listener?: "unused" | "expired";
  /** Whether this session sent an EPSV ahead, ever (see `dismiss`). */
  #sentAny = false;
  /**
   * Whether the last transfer command went with the next transfer's EPSV
   * (see `mayEpsvWithRead`), which its completion then treats as sent
   * ahead of its final reply.
   */
  withTransfer = false;
  /** Whether the greeting names software that answers an EPSV sent during a transfer in turn. */
  #inTurnSoftware?: boolean;
  /** Whether the last passive address came from an EPSV sent ahead. */
  gaveAddress = false;

  constructor(session: Session) {
    this.#session = session;
  }

  /**
   * The control connection's `dismiss`: a 421 that says a passive listener
   * timed out, in a session that sent an EPSV ahead, is dropped where it
   * arrives (see `listener`).
   */
  readonly dismiss = (reply: FtpReply): boolean => {
    if (reply.code !== 421 || !this.#sentAny || !/passive/i.test(reply.text)) return false;
    if (this.listener) this.listener = "expired";
    return true;
  };

  /**
   * Where the transfer's command carried the next EPSV (see
   * `mayEpsvWithRead`): whether it is still ahead, unanswered (an ABOR's
   * drain may have read its reply), and from now on `sendEpsvAhead` sends
   * again. `undefined` where it did not: then `sendEpsvAhead`. Not async: a
   * download's end asks it once a file (see Transfer's completion).
   */
  sentWithTransfer(): boolean | undefined {
    if (!this.withTransfer) return undefined;
    this.withTransfer = false;
    return this.sent;
  }

  /**
   * The reply to the EPSV sent ahead was read by the transfer it was sent
   * with (see Transfer's completion of an upload): `reply` when it answered
   * in turn and may serve the next transfer; `undefined` when it came out
   * of turn (the next transfer asks again, in turn), and this server gets
   * no EPSV ahead of an upload from now on.
   */
  answered(reply: FtpReply | undefined): void {
    this.sent = false;
    this.ready = reply;
    if (reply === undefined) {
      this.listener = undefined;
      stopEpsvDuringTransfers(this.#session.serverKey);
    }
  }

  /** Whether the last transfer's command went with the next EPSV, still unanswered. */
  get wentWithTransfer(): boolean {
    return this.withTransfer && this.sent;
  }

  /**
   * Whether a transfer's end has an EPSV ahead to see to: one that went
   * with the transfer's command already, or one `sendEpsvAhead` would send
   * now (EPSV worked on this session, and `maySendNow`). A download's end
   * asks first, so that a session that will not (active mode, pipelining
   * off) costs no call.
   */
  get dueAtTransferEnd(): boolean {
    return this.withTransfer || (this.worked && this.maySendNow());
  }

  /** An EPSV just went ahead: its reply is to read, its listener the server's now. */
  noteSent(): void {
    this.sent = true;
    this.listener = "unused";
    this.#sentAny = true;
  }

  /**
   * Whether the session's state lets an EPSV go ahead now: none is
   * pending, passive mode, EPSV not refused, pipelining on, the connection
   * open (see sendEpsvAhead and pipeline).
   */
  maySendNow(): boolean {
    const session = this.#session;
    return !this.sent && this.ready === undefined && session.transferMode === "passive" &&
      !this.refused && session.pipelining && !session.control.closed;
  }

  /** The reply to the EPSV sent ahead, if one was. */
  take(): Promise<FtpReply | undefined> {
    const ready = this.ready;
    this.ready = undefined;
    if (ready) return Promise.resolve(ready);
    if (!this.sent) return NO_REPLY;
    this.sent = false;
    // Not awaited here: the read is the caller's, one frame less per transfer.
    return this.#session.readPipelined("EPSV", true);
  }

  /** Reads and drops the reply to an EPSV sent ahead, before another command. */
  settle(): Promise<unknown> {
    // Nothing sent ahead (a RETR's usual case): no reads, no async frames.
    if (!this.sent && this.ready === undefined) return SETTLED;
    return this.take();
  }

  /**
   * Whether `reply`, the answer to an EPSV sent ahead, may give the
   * transfer starting now its address (`"use"`); `"outOfTurn"` for a
   * refusal where EPSV worked on this session before (the server took the
   * one sent ahead out of turn: ask again, in turn, and one command at a
   * time from now on);
   * `"stale"` where its listener is gone, or may be: the server said it
   * timed out, or the connection was not read for a while (its 421 may not
   * be read yet): ask for another. Both `readyAddress` and
   * `Session.passiveAddress` ask it.
   */
  judge(reply: FtpReply): AheadVerdict {
    // The server timed out the listener. Asked first: its word explains a
    // refusal that came with it, which then says nothing of turns (pipelining
    // stays on; tests/client/pipelining_refusals).
    if (this.listener === "expired") return "stale";
    if (reply.code >= 400 && this.worked) return "outOfTurn";
    const sinceRead = performance.now() - this.#session.control.lastReadAt;
    return sinceRead > AHEAD_LISTENER_TRUSTED_MS ? "stale" : "use";
  }

  /**
   * The passive-mode address when it is here already: the 229 of an EPSV
   * sent ahead, come with the last transfer's 226 (the usual small file),
   * on a session whose EPSV worked, its listener fresh. Not async: once a
   * file, it saves `passiveAddress` its frame. `undefined` in every other
   * case (a reply still to come, a refusal, a listener the server may have
   * timed out): `passiveAddress` then decides, as before.
   */
  readyAddress(): DataAddress | undefined {
    if (this.refused || !this.worked) return undefined;
    const control = this.#session.control;
    if (this.ready === undefined) {
      if (!this.sent) return undefined;
      const queued = control.takeQueued(NOT_ANY);
      if (queued === undefined) return undefined;
      this.sent = false;
      // Judged as take's read would (a 421, a reply out of step: thrown).
      this.ready = this.#session.pipelinedReply("EPSV", queued, true);
    }
    const ahead = this.ready;
    if (ahead.code !== 229 || this.judge(ahead) !== "use") return undefined;
    // Taken before it is read, as passiveAddress takes it: a 229 that names
    // no port fails this transfer, not every one after it.
    this.ready = undefined;
    this.listener = undefined;
    this.gaveAddress = true;
    return { host: control.remoteAddr.hostname, port: parseEpsvReply(ahead.text) };
  }

  /**
   * Whether a download's or a listing's command may go with the next
   * transfer's EPSV, its data connection closed for writing first (see
   * `openPassive` in _open_transfer.ts): over a plain data connection, with
   * EPSV known to work, pipelining on, and software that answers an EPSV
   * sent during a transfer after the transfer's final reply (see
   * `mayEpsvDuringTransfer`). The server then sends the data, the final
   * reply (it has the client's end of the data connection already) and the
   * next address in one round trip.
   */
  mayEpsvWithRead(): boolean {
    return !this.#session.dataProtected && this.worked && this.maySendNow() &&
      this.mayEpsvDuringTransfer();
  }

  /** See `mayEpsvDuringTransfer` (_pipelining.ts); asked once a file, the greeting read once. */
  mayEpsvDuringTransfer(): boolean {
    const greeting = this.#session.greeting;
    if (greeting === undefined) return false;
    this.#inTurnSoftware ??= namesInTurnSoftware(greeting.text);
    return this.#inTurnSoftware && !answeredOutOfTurn(this.#session.serverKey);
  }

  /**
   * `reply` as the 1xx that starts the transfer `line` (see `opening`), or
   * the error. Where the next EPSV went with `line`, a 229 here answers it
   * out of turn (pyftpdlib then cuts the transfer short): this server gets
   * no EPSV during a transfer again, and one command at a time from now on;
   * and a refusal may be the EPSV's, out of turn (see `#refusalWithEpsv`).
   */
  judgeOpening(line: string, reply: FtpReply): FtpReply | Promise<FtpReply> {
    if (this.withTransfer && reply.code === 229) {
      stopEpsvDuringTransfers(this.#session.serverKey);
      this.#session.stopPipelining();
      throw this.#session.control.close(outOfStep(line, reply));
    }
    if (this.withTransfer && reply.code >= 400 && reply.code !== 421) {
      return this.#refusalWithEpsv(line, reply);
    }
    return opening(line, reply);
  }

  /**
   * A refusal read where the 1xx of `line`, sent with the next EPSV, was
   * due: the command's own, with the EPSV's 229 behind it (in turn), or the
   * EPSV's, out of turn, with the command's 1xx behind it (as Pure-FTPd's
   * "500 Unknown command" or ProFTPD's "450 EPSV: data transfer in progress"
   * answer a command that comes during a transfer, and drop it). The reply
   * after it, which comes in every case, tells them apart, at no round trip
   * (the server sent both together). Of two refusals, one is an "unknown
   * command" (500, 502: the EPSV dropped) when the other is not; otherwise
   * the second is the command's (an EPSV refused in turn, after EPSV worked
   * in this session, is the less likely of the two orders). Any answer
   * out of turn ends EPSVs during transfers to this server, for the
   * process. A session that ends after the refusal leaves it as the news.
   */
  async #refusalWithEpsv(line: string, refusal: FtpReply): Promise<FtpReply> {
    let next: FtpReply;
    try {
      next = await this.#session.control.read({ replyTo: line });
    } catch {
      return opening(line, refusal);
    }
    this.sent = false;
    if (next.code === 229) {
      this.ready = next; // In turn: the next transfer's address.
      return opening(line, refusal);
    }
    this.withTransfer = false;
    this.listener = undefined;
    stopEpsvDuringTransfers(this.#session.serverKey);
    if (next.code === 421) return opening(line, refusal);
    if (isPreliminary(next)) return next; // The refusal was the EPSV's.
    return opening(line, isUnknownCommand(next) && !isUnknownCommand(refusal) ? refusal : next);
  }
}
