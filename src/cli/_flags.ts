// Flag and argument checks that need nothing but the text, so the CLI can
// refuse bad input before it loads (or runs) anything else.

import { DURATION_PATTERN, durationMs } from "../runner/duration.ts";
import { bytesPerSecond, RATE_EXPECTED } from "../runner/byte_rate.ts";
import { UsageError } from "./_io.ts";

/** Parses `--parallel`. */
export function parallelFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(
      `--parallel must be a whole number from 1 to 64, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Parses `--segments` (connections per file of `get`). */
export function segmentsFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 16) {
    throw new UsageError(
      `--segments must be a whole number from 1 to 16, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** The URL's path, which the command needs. */
export function requirePath(path: string | undefined, what: string): string {
  if (path === undefined || path === "") {
    throw new UsageError(
      `the URL names no ${what}: add it after the host, as in ftp://host/dir/file`,
    );
  }
  return path;
}

/**
 * Parses `--timeout`: a duration with its unit (`500ms`, `5s`, `2m`), the
 * limit for connecting (greeting included), each reply, and a stalled data
 * connection alike.
 */
export function timeoutFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = DURATION_PATTERN.test(value) ? durationMs(value) : 0;
  if (ms < 1) {
    throw new UsageError(
      `--timeout must be a duration with its unit, such as 500ms, 10s or 2m, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return ms;
}

/**
 * Parses a duration flag that may be 0 (`--debounce`, `--max-wait`,
 * `--keep-alive`): `0`, or a duration with its unit.
 */
export function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^0+$/.test(value)) return 0;
  if (!DURATION_PATTERN.test(value)) {
    throw new UsageError(
      `--${flag} must be 0 or a duration with its unit, such as 300ms, 5s or 1m, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return durationMs(value);
}

/**
 * Parses `--limit-rate`: bytes per second, as a number or with a unit
 * (`500K`, `2M`, `2MiB`), for the whole run (every connection, both
 * directions).
 */
export function rateFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const rate = bytesPerSecond(value);
  if (rate === undefined) {
    throw new UsageError(`--limit-rate must be ${RATE_EXPECTED}, got ${JSON.stringify(value)}`);
  }
  return rate;
}
