// What planning a step can use, and the error it fails with.

import type { FtpClient } from "../client/ftp_client.ts";

/** A step that cannot be planned: a missing source, a file where a directory must be. */
export class PlanError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

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
  /**
   * In a dry run, the paths earlier steps would create (nothing was
   * changed), so that a later step naming them plans instead of failing.
   */
  planned: { remote: Map<string, "file" | "directory">; local: Set<string> };
}
