// What planning a step can use (it fails with a PlanError, from errors.ts).

import type { FtpClient } from "../client/ftp_client.ts";
import type { SpreadListing } from "./_remote_tree.ts";

/** What a planner gets. */
export interface PlanContext {
  /** The planning connection. */
  client: FtpClient;
  signal: AbortSignal;
  warn(message: string): void;
  /** A new action id. */
  id(): number;
  /** Runs `fn` for every item over the connection pool, a few at a time. */
  pooled<T>(items: T[], fn: (client: FtpClient, item: T) => Promise<void>): Promise<void>;
  /** Lists directories over the pool, several at once (for readRemoteTree). */
  spread?: SpreadListing;
  /**
   * Says the step will have work for several connections (a directory's
   * files): the pool opens its others now, so that their logins overlap
   * the rest of the plan.
   */
  warm?(): void;
  /**
   * In a dry run, the paths earlier steps would create (nothing was
   * changed), so that a later step naming them plans instead of failing.
   */
  planned: { remote: Map<string, "file" | "directory">; local: Set<string> };
  /**
   * Watch mode: local files by path, as last sent (or found up to date),
   * each as its size and modification time to the millisecond. Under the
   * `different` policy a file whose identity differs from the one known is
   * sent even when size and time to the second agree with the server's (a
   * same-size edit within a second of the last upload); planners record
   * the identity of every file they plan in `planned`, for the caller to
   * keep once the action succeeded.
   */
  identities?: { known: ReadonlyMap<string, string>; planned: Map<string, string> };
}

/** A local file's identity for {@linkcode PlanContext.identities}. */
export function identityOf(file: { size: number; mtime?: Date }): string {
  return `${file.size}:${file.mtime?.getTime() ?? ""}`;
}
