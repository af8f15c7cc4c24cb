// The queues of the control connection (replies read, commands awaiting
// their replies): first in, first out, with slots reused rather than an
// array shifted.

/**
 * A first-in, first-out queue whose array slots are reused. An array that a
 * `shift` emptied grew its backing store again at the next `push`: about
 * 0.3 KB per reply queued (three per small file), and as much per command
 * awaiting its reply.
 */
export class Fifo<T> {
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
