/**
 * The runner's own errors. Each is an {@linkcode FtpError}, so that one
 * `catch` handles everything ferry throws, and each keeps the name reports
 * show (`error.name` of an `ErrorInfo`): `PlanError`,
 * `TransientRunError`, `LocalLinkError`. Each says, as every `FtpError`
 * does, whether a retry may help (`retryable`: only `TransientRunError`)
 * and whether the connection must be replaced (`breaksConnection`: none).
 *
 * @module
 */

import { FtpError } from "../errors.ts";

/**
 * A step that cannot be planned: a missing source, a file where a directory
 * must be, two sources bound for one destination. Retrying cannot help; the
 * message says what to change in the task.
 *
 * @example Telling a planning failure from a server's refusal in a report
 * ```ts
 * import type { StepReport } from "@ferry/ftp/runner";
 *
 * const plannedBadly = (step: StepReport) => step.error?.name === "PlanError";
 * ```
 */
export class PlanError extends FtpError {
  /**
   * Creates the error.
   *
   * @param message What cannot be planned, and what to change.
   * @param options Standard error options, such as `cause`.
   *
   * @example
   * ```ts
   * import { PlanError } from "@ferry/ftp/runner";
   *
   * const error = new PlanError("dist does not exist");
   * console.log(error.name); // "PlanError"
   * ```
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PlanError";
  }

  /** `false`: the task must change first. */
  override get retryable(): boolean {
    return false;
  }
}

/**
 * A failure that another try may cure, found by checking a transfer: a
 * download that ended short of the listed size, an upload the server holds
 * fewer bytes of than were sent (the client's `FtpSizeMismatchError`, kept
 * as the `cause`), a download hashed by a verify step that came up short.
 * The step retries it like a 4xx reply.
 *
 * @example
 * ```ts
 * import type { ActionReport } from "@ferry/ftp/runner";
 *
 * const cutShort = (action: ActionReport) => action.error?.name === "TransientRunError";
 * ```
 */
export class TransientRunError extends FtpError {
  /**
   * Creates the error.
   *
   * @param message What came up short, and by how much.
   * @param options Standard error options, such as `cause`.
   *
   * @example
   * ```ts
   * import { TransientRunError } from "@ferry/ftp/runner";
   *
   * const error = new TransientRunError("a.bin: received 10 of 20 bytes");
   * console.log(error.name); // "TransientRunError"
   * ```
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TransientRunError";
  }

  /** `true`: the next try (resumed where possible) may get every byte. */
  override get retryable(): boolean {
    return true;
  }
}

/**
 * A local path that would have to be written through a symbolic link below
 * a step's local directory. A sync down or a recursive get builds its local
 * paths from names the server lists, so ferry never writes (or deletes)
 * through a link there: a planted link would carry the writes anywhere.
 *
 * @example
 * ```ts
 * import type { ActionReport } from "@ferry/ftp/runner";
 *
 * const blockedByLink = (action: ActionReport) => action.error?.name === "LocalLinkError";
 * ```
 */
export class LocalLinkError extends FtpError {
  /** The symbolic link that was in the way. */
  readonly path: string;

  /**
   * Creates the error for the link at `path`.
   *
   * @param path The symbolic link.
   *
   * @example
   * ```ts
   * import { LocalLinkError } from "@ferry/ftp/runner";
   *
   * const error = new LocalLinkError("/srv/mirror/docs");
   * console.log(error.path, error.message);
   * ```
   */
  constructor(path: string) {
    super(
      `${path} is a symbolic link: ferry does not write through links below the local ` +
        `directory (remove the link, or exclude it with a filter)`,
    );
    this.name = "LocalLinkError";
    this.path = path;
  }

  /** `false`: the link stays until someone removes it. */
  override get retryable(): boolean {
    return false;
  }
}
