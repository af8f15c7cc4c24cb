// An async iterator served as a ReadableStream, for listStream().

import { FtpAbortError } from "../errors.ts";

/**
 * Serves an iterator as a stream, one entry per pull. The promise settles
 * when the iterator is done, fails, or is cancelled (which returns it, so a
 * listing transfer is aborted) or its call is aborted.
 */
export function iteratorStream<T>(
  iterator: AsyncGenerator<T>,
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
        const next = await iterator.next();
        if (signal.aborted) return;
        if (next.done) {
          signal.removeEventListener("abort", onAbort);
          c.close();
          return settle();
        }
        onItem(next.value);
        c.enqueue(next.value);
      } catch (error) {
        if (signal.aborted) return;
        signal.removeEventListener("abort", onAbort);
        c.error(error);
        settle(error);
      }
    },
    cancel: () => stop(new FtpAbortError("The listing was cancelled by its reader")),
  }, { highWaterMark: 0 });
  return { stream, finished };
}
