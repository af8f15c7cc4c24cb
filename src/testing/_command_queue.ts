/**
 * The queue between the control connection's reader and the session's
 * command loop. Commands that arrive during a transfer wait here; the
 * reader pauses while it is full, so a flooding client cannot grow it.
 *
 * @module
 */

/** A bounded first-in, first-out queue with async waits on both ends. */
export class CommandQueue<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  #ended = false;
  #wakeTaker: (() => void) | undefined;
  #wakeGiver: (() => void) | undefined;

  /** @param capacity How many items may wait before `waitForRoom` blocks. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Adds an item (ignored once the queue has ended). */
  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#wake();
  }

  /** Marks the end: `take` drains what is left, then returns `undefined`. */
  end(): void {
    this.#ended = true;
    this.#wake();
  }

  /** Drops every waiting item, for a session that is going away. */
  clear(): void {
    this.#items.length = 0;
    this.#wake();
  }

  /** The next item, or `undefined` once the queue has ended and is empty. */
  async take(): Promise<T | undefined> {
    while (this.#items.length === 0 && !this.#ended) {
      await new Promise<void>((resolve) => this.#wakeTaker = resolve);
    }
    const item = this.#items.shift();
    this.#wake();
    return item;
  }

  /** Resolves when there is room for another item, or the queue has ended. */
  async waitForRoom(): Promise<void> {
    while (this.#items.length >= this.#capacity && !this.#ended) {
      await new Promise<void>((resolve) => this.#wakeGiver = resolve);
    }
  }

  #wake(): void {
    const taker = this.#wakeTaker;
    const giver = this.#wakeGiver;
    this.#wakeTaker = undefined;
    this.#wakeGiver = undefined;
    taker?.();
    giver?.();
  }
}
