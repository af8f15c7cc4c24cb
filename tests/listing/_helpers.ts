/**
 * Test helpers: reading the captured fixtures and comparing entries with
 * hand-written expectations.
 *
 * @module
 */

import { deepStrictEqual } from "node:assert/strict";
import type { FileInfo, TimePrecision } from "../../src/listing/file_info.ts";

const FIXTURES = new URL("../fixtures/listings/", import.meta.url);

/**
 * A captured fixture, decoded.
 *
 * @param path Path under `tests/fixtures/listings/`.
 * @param encoding How to decode its bytes.
 * @returns The text.
 *
 * @example
 * ```ts
 * const text = readFixture("vsftpd/list.txt");
 * ```
 */
export function readFixture(path: string, encoding: "utf-8" | "latin1" = "utf-8"): string {
  return new TextDecoder(encoding).decode(Deno.readFileSync(new URL(path, FIXTURES)));
}

/**
 * A fixture's lines, split on CRLF (every captured server sent CRLF).
 *
 * @param path Path under `tests/fixtures/listings/`.
 * @param encoding How to decode its bytes.
 * @returns The non-empty lines.
 *
 * @example
 * ```ts
 * const lines = fixtureLines("vsftpd/list.txt");
 * ```
 */
export function fixtureLines(path: string, encoding: "utf-8" | "latin1" = "utf-8"): string[] {
  const text = readFixture(path, encoding);
  if (!text.endsWith("\r\n")) throw new Error(`${path} does not end in CRLF`);
  return text.slice(0, -2).split("\r\n");
}

/** An expected entry, without `raw` (taken from the line) and `facts`. */
export type Expected = Omit<FileInfo, "raw" | "facts">;

/**
 * Shorthand for an expected LIST or MLSD entry.
 *
 * @param name The name.
 * @param type The type.
 * @param rest The other fields.
 * @returns The expectation.
 *
 * @example
 * ```ts
 * const e = entry("a", "file", { size: 1 });
 * ```
 */
export function entry(name: string, type: FileInfo["type"], rest: Partial<Expected>): Expected {
  return { name, type, ...rest };
}

/**
 * The `modified`, `modifiedPrecision` and `modifiedIsUtc` fields.
 *
 * @param iso The instant, as ISO text (local fields written as UTC for LIST).
 * @param precision The precision.
 * @param utc Whether it is a true UTC instant.
 * @returns The three fields.
 *
 * @example
 * ```ts
 * const m = at("2026-11-20T14:05:00Z", "minute", false);
 * ```
 */
export function at(
  iso: string,
  precision: TimePrecision,
  utc: boolean,
): Pick<FileInfo, "modified" | "modifiedPrecision" | "modifiedIsUtc"> {
  return { modified: new Date(iso), modifiedPrecision: precision, modifiedIsUtc: utc };
}

/**
 * Asserts that a parsed entry equals the expectation plus its raw line. The
 * `facts` record is left out of the comparison (tests check it separately).
 *
 * @param actual What the parser returned.
 * @param expected The hand-written expectation.
 * @param raw The line it came from.
 *
 * @example
 * ```ts
 * assertEntry(parsed, entry("a", "file", {}), "line");
 * ```
 */
export function assertEntry(
  actual: FileInfo | undefined,
  expected: Expected,
  raw: string,
): void {
  if (actual === undefined) throw new Error(`no entry for ${JSON.stringify(raw)}`);
  const { facts: _facts, ...rest } = actual;
  deepStrictEqual(rest, { ...expected, raw }, `line ${JSON.stringify(raw)}`);
}
