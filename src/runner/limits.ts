/**
 * Limits shared by the task schema and the CLI's flags, in a module of their
 * own so that the CLI can check a flag without loading the schema (zod).
 *
 * @module
 */

/**
 * Most retries a step may ask for.
 *
 * @example
 * ```ts
 * import { MAX_RETRIES } from "@ferry/ftp/runner";
 *
 * const retries = Math.min(1_000, MAX_RETRIES); // 100
 * ```
 */
export const MAX_RETRIES = 100;
