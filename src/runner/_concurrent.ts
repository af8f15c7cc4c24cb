// The one worker loop of the runner: up to `limit` workers take items in
// order until none is left. After a failure no new item is started, and
// the call settles only when every worker has stopped, so nothing started
// here is still running (or holding a connection) when it returns.

/**
 * Runs `fn` over the items, at most `limit` at once, in order of start.
 * Rejects with the first error, once all workers have stopped.
 */
export async function runConcurrent<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, worker: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (n: number) => {
    // Bounded by the item count.
    while (next < items.length && !failure) {
      try {
        await fn(items[next++], n);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, (_, n) => worker(n)));
  if (failure) throw failure.error;
}
