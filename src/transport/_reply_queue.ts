// Which reply answers which command, on a control connection where several
// commands may await their replies (pipelined): the replies read and not
// taken yet, the commands still awaiting a final reply, and the final
// replies that came when none was (unasked: read as the next command's,
// they would put every later answer one step behind).

import { type FtpReply, isPreliminary } from "../protocol/reply.ts";

/** The commands whose replies may echo a credential. */
const LOGIN_COMMAND = /^(USER|PASS|ACCT)\b/i;

/** Replies nobody asked for that may wait before it is a flood. */
export const MAX_QUEUED_REPLIES = 64;

/**
 * A first-in, first-out queue whose array slots are reused. An array that a
 * `shift` emptied grew its backing store again at the next `push`: about
 * 0.3 KB per reply queued (three per small file), and as much per command
 * awaiting its reply.
 */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #tail = 0;

  get size(): number {
    return this.#tail - this.#head;
  }

  push(item: T): void {
    this.#items[this.#tail++] = item;
  }

  /** The oldest item, left in place. */
  first(): T | undefined {
    return this.#head < this.#tail ? this.#items[this.#head] : undefined;
  }

  shift(): T | undefined {
    if (this.#head === this.#tail) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
    else if (this.#head >= 1024) {
      // Never empty for long (commands always awaiting replies): move the
      // items down, so that the array does not grow for ever.
      this.#items = this.#items.slice(this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    return item;
  }

  find(test: (item: T) => boolean): T | undefined {
    // Bounded by the queue's size.
    for (let i = this.#head; i < this.#tail; i++) {
      const item = this.#items[i] as T;
      if (test(item)) return item;
    }
    return undefined;
  }
}

/** The replies of one control connection, matched to the commands sent. */
export class ReplyQueue {
  readonly #queued = new Fifo<FtpReply>();
  /**
   * The commands sent whose final reply has not arrived yet, oldest first
   * (the greeting counts as one): whether each is USER, PASS or ACCT, whose
   * replies are redacted more strictly. Several are outstanding when
   * commands were sent together (pipelined).
   */
  readonly #outstanding = new Fifo<boolean>();
  /** Final replies that arrived when no command was outstanding. */
  readonly #unasked = new WeakSet<FtpReply>();
  /** How many of the queued replies are unasked ones (kept, not counted per read). */
  #unaskedQueued = 0;

  constructor() {
    this.#outstanding.push(false); // The greeting.
  }

  /** How many replies were read and not taken yet. */
  get size(): number {
    return this.#queued.size;
  }

  /** Counts a sent line's reply as awaited. */
  sent(line: string): void {
    this.#outstanding.push(LOGIN_COMMAND.test(line));
  }

  /** Whether the oldest command awaiting its reply is USER, PASS or ACCT. */
  get awaitingLogin(): boolean {
    return this.#outstanding.first() ?? false;
  }

  /**
   * Counts a reply just read: a final one answers the oldest command awaiting
   * one, or is unasked when none is. Apart from `add`: a dismissed reply is
   * counted by neither (see `ControlConnection.dismiss`), and a reply counted
   * late, or not at all, puts every later one a command behind (a reply to
   * PASS would be redacted as another command's).
   */
  answered(reply: FtpReply): void {
    if (isPreliminary(reply)) return;
    if (this.#outstanding.size === 0) this.#unasked.add(reply);
    else this.#outstanding.shift();
  }

  /** Queues a reply that `answered` counted, for a read to take. */
  add(reply: FtpReply): void {
    // Counted here, not in `answered`: only the unasked replies that wait in
    // the queue make a flood.
    if (this.#unasked.has(reply)) this.#unaskedQueued++;
    this.#queued.push(reply);
  }

  /** Whether more than `MAX_QUEUED_REPLIES` replies nobody asked for wait. */
  get flooded(): boolean {
    return this.#unaskedQueued > MAX_QUEUED_REPLIES;
  }

  /**
   * The next queued reply the read takes, passing over the preliminary ones
   * it does not (see `read`'s `final`); undefined once the queue is empty.
   */
  take(final: (() => boolean) | undefined): FtpReply | undefined {
    // Bounded by the queued replies.
    while (this.#queued.size > 0) {
      const reply = this.#queued.shift()!;
      if (this.#unaskedQueued > 0 && this.#unasked.has(reply)) this.#unaskedQueued--;
      if (final === undefined || !isPreliminary(reply) || final()) return reply;
    }
    return undefined;
  }

  /** The first queued reply that no command asked for (see `assertInStep`), if any. */
  stray(): FtpReply | undefined {
    if (this.#unaskedQueued === 0) return undefined;
    return this.#queued.find((reply) => this.#unasked.has(reply));
  }
}
