// An async iterator of batches served as a ReadableStream of their items,
// for listStream().

import "./ftp_client.ts"; // Loaded before this module: see _lazy_module.ts, "In the bundle".
import { FtpAbortError } from "../errors.ts";

/**
 * Serves an iterator of batches as a stream of items, one batch per pull. The promise settles
 * when the iterator is done, fails, or is cancelled (which returns it, so a
 * listing transfer is aborted) or its call is aborted.
 */
export function iteratorStream<T>(
  iterator: AsyncGenerator<T[]>,
  signal: AbortSignal,
  onItem: (item: T) => void,
): { stream: ReadableStream<T>; finished: Promise<void> } {
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  let controller!: ReadableStreamDefaultController<T>;
  const stop = async (reason: unknown) => {
    signal.removeEventListener("abort", onAbort);
    try {
      await iterator.return(undefined);
      settle(reason);
    } catch (error) {
      settle(error);
    }
  };
  const onAbort = () => {
    controller.error(signal.reason);
    void stop(signal.reason);
  };
  signal.addEventListener("abort", onAbort, { once: true });
  const stream = new ReadableStream<T>({
    start(c) {
      controller = c;
    },
    async pull(c) {
      try {
        // An empty batch enqueues nothing, and a pull that enqueues nothing
        // may not be called again: read on until an item or the end.
        let next: IteratorResult<T[]>;
        do {
          next = await iterator.next();
          if (signal.aborted) return;
        } while (!next.done && next.value.length === 0);
        // The call's end first, then the reader's: a reader who reacts to
        // the end finds the command over (see CommandQueue).
        if (next.done) {
          signal.removeEventListener("abort", onAbort);
          settle();
          return c.close();
        }
        for (const item of next.value) {
          onItem(item);
          c.enqueue(item);
        }
      } catch (error) {
        if (signal.aborted) return;
        signal.removeEventListener("abort", onAbort);
        settle(error);
        c.error(error);
      }
    },
    cancel: () => stop(new FtpAbortError("The listing was cancelled by its reader")),
  }, { highWaterMark: 0 });
  return { stream, finished };
}
