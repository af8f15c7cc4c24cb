/**
 * Closing a resource that may already be closed, where a second close is not
 * an error worth reporting (clean-up paths after a failure).
 *
 * @module
 */

/**
 * Closes a connection, listener or file that may already be closed.
 *
 * @example
 * ```ts
 * import { closeQuietly } from "./close_quietly.ts";
 *
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * closeQuietly(listener);
 * closeQuietly(listener); // no error the second time
 * closeQuietly(undefined); // nothing to close
 * ```
 */
export function closeQuietly(resource: { close(): void } | undefined): void {
  try {
    resource?.close();
  } catch {
    // Already closed: closing is idempotent here by design.
  }
}
