// Shared pieces of the hardening suite: one distinctive password that must
// never show anywhere, a way to flatten an error (message, stack, causes)
// for that check, and bounded waits.

import assert from "node:assert/strict";
import { FtpClient, type FtpClientOptions } from "../../mod.ts";

/** The password every hardening client logs in with; it must never leak. */
export const SECRET = "Hardening-Pw-6q9!";

/** Every text an error carries: name, message, stack and its causes, recursively. */
export function errorText(error: unknown, depth = 0): string {
  if (depth > 8) return "";
  if (!(error instanceof Error)) return String(error);
  const own = Object.entries(error)
    .filter(([, v]) => typeof v === "string" || typeof v === "number")
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return [
    error.name,
    error.message,
    error.stack ?? "",
    own,
    String(error),
    error.cause === undefined ? "" : errorText(error.cause, depth + 1),
  ].join("\n");
}

/** Fails if any text holds the password, raw or URL-encoded. */
export function assertNoSecret(label: string, ...texts: string[]): void {
  for (const text of texts) {
    assert.ok(
      !text.includes(SECRET) && !text.includes(encodeURIComponent(SECRET)),
      `${label}: the password leaked into:\n${text.slice(0, 2000)}`,
    );
  }
}

/** Connects as alice with the secret password; debug lines are collected in `trace`. */
export async function connectAs(
  port: number,
  trace: string[] = [],
  options: FtpClientOptions = {},
): Promise<FtpClient> {
  return await FtpClient.connect({
    port,
    user: "alice",
    password: SECRET,
    replyTimeout: 5_000,
    dataTimeout: 5_000,
    connectTimeout: 5_000,
    debug: (m) => trace.push(`${m.direction} ${m.line}`),
    ...options,
  });
}

/** Waits (bounded) until `check` holds. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Bounded by the deadline.
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Runs `work`, failing (not hanging) if it takes longer than `ms`. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
