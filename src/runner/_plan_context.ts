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
   * In a dry run, the paths earlier steps would create (nothing was
   * changed), so that a later step naming them plans instead of failing.
   */
  planned: { remote: Map<string, "file" | "directory">; local: Set<string> };
}
