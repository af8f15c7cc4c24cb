// Shared pieces of the wait tests (servers that stop answering): the
// timeout every case sets, the upper bound every case must meet, a raw TCP
// server for greetings that never come, and a runner that plays many cases
// at once (they spend their time waiting, not computing) and reports every
// failing case by name.

import assert from "node:assert/strict";
import { type FtpClientOptions, FtpTimeoutError, type TimeoutPhase } from "../../mod.ts";
import { SECRET } from "./_helpers.ts";
import { delay } from "../../src/std/delay.ts";

/** The timeout in force in every case: connect, reply and data. */
export const T = 1000;

/**
 * The upper bound of a wait with retries: 2.5 x T plus a second of slack.
 * Only an upper bound: how fast a case fails is never asserted.
 */
export const BOUND_MS = 2.5 * T + 1000;

/** Every timeout set to T, logged in as alice. */
export function waitOptions(port: number, more: FtpClientOptions = {}): FtpClientOptions {
  return {
    port,
    user: "alice",
    password: SECRET,
    connectTimeout: T,
    replyTimeout: T,
    dataTimeout: T,
    ...more,
  };
}

/** How a case ended and how long it took. */
export interface Outcome {
  error: unknown;
  ms: number;
}

/** Runs `work`, which should fail; never waits more than 20 s (a hang is a failure). */
export async function timed(work: () => Promise<unknown>): Promise<Outcome> {
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("still waiting after 20 s: a hang")), 20_000);
  });
  try {
    await Promise.race([work(), hang]);
    return { error: undefined, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts a timeout of `phase` whose message matches, within the bound. */
export function assertTimeout(
  outcome: Outcome,
  phase: TimeoutPhase,
  message: RegExp,
  boundMs = BOUND_MS,
): void {
  const { error } = outcome;
  assert.ok(error instanceof FtpTimeoutError, `expected FtpTimeoutError, got ${error}`);
  assert.equal(error.phase, phase, error.message);
  assert.match(error.message, message);
  assertWithin(outcome, boundMs);
}

/** Asserts that the case ended within the bound. */
export function assertWithin(outcome: Outcome, boundMs = BOUND_MS): void {
  assert.ok(
    outcome.ms <= boundMs,
    `took ${Math.round(outcome.ms)} ms, more than ${boundMs} ms (${outcome.error})`,
  );
}

/** One case: a name and a function that sets up its server, runs the client and asserts. */
export interface WaitCase {
  name: string;
  run(): Promise<void>;
}

/**
 * Runs the cases concurrently (each waits on its own server; together they
 * take as long as the slowest) and fails with every failing case named.
 */
export async function runWaitCases(cases: WaitCase[]): Promise<void> {
  const results = await Promise.allSettled(cases.map((c) => c.run()));
  const failures = results.flatMap((result, i) =>
    result.status === "rejected"
      ? [`- ${cases[i].name}: ${(result.reason as Error)?.message ?? result.reason}`]
      : []
  );
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${cases.length} cases failed:\n${failures.join("\n")}`);
  }
}

/** A TCP server that hands each accepted connection to `handle`; nothing else. */
export function rawServer(
  handle: (conn: Deno.Conn) => Promise<void>,
): AsyncDisposable & { port: number } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const tasks: Promise<void>[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        tasks.push(handle(conn).catch(() => {}));
      }
    } catch {
      // The listener was closed.
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await accepting;
      await Promise.all(tasks);
    },
  };
}

/** Writes text to a raw connection; false once the peer has gone. */
export async function say(conn: Deno.Conn, text: string): Promise<boolean> {
  try {
    const bytes = new TextEncoder().encode(text);
    let offset = 0;
    // Bounded: each write moves at least one byte or throws.
    while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
    return true;
  } catch {
    return false;
  }
}

/** Sleeps. */
export function pause(ms: number): Promise<void> {
  return delay(ms);
}

/** Holds a connection open, reading and ignoring what comes, until it closes. */
export async function ignore(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(16 * 1024);
  // Bounded by the peer (or the test's cleanup) closing the connection.
  while ((await conn.read(buffer).catch(() => null)) !== null) {
    // Ignored.
  }
}
