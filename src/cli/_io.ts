// The CLI's contact with the process: output sinks, the terminal, Ctrl-C.
// Every byte the CLI prints or writes to a file goes through the one
// redactor here, which learns the passwords as soon as they are known (from
// the arguments, then from the task), so that no output path can forget it.

import { makeRedactor } from "../runner/redact.ts";

/** Where the CLI writes: redacted, always. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Adds secrets to hide from now on. */
  hide(secrets: readonly string[]): void;
  /** The text as it may be shown (for files written). */
  redact(text: string): string;
}

/** A redacting CliIo over two raw sinks. */
export function redactingIo(sinks: {
  stdout(text: string): void;
  stderr(text: string): void;
}): CliIo {
  const secrets: string[] = [];
  let redact = makeRedactor(secrets);
  return {
    stdout: (text) => sinks.stdout(redact(text)),
    stderr: (text) => sinks.stderr(redact(text)),
    hide(more) {
      secrets.push(...more);
      redact = makeRedactor(secrets);
    },
    redact: (text) => redact(text),
  };
}

const encoder = new TextEncoder();

function writer(stream: { writeSync(p: Uint8Array): number }): (text: string) => void {
  return (text) => {
    const bytes = encoder.encode(text);
    let offset = 0;
    // Bounded: each write moves at least one byte or throws.
    while (offset < bytes.length) offset += stream.writeSync(bytes.subarray(offset));
  };
}

/** The process's own stdout and stderr, redacted. */
export function processIo(): CliIo {
  return redactingIo({ stdout: writer(Deno.stdout), stderr: writer(Deno.stderr) });
}

/** The terminal's width, or 80 when there is none. */
export function columns(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}

/** Thrown for bad arguments: exit code 2. */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Exit code of an interrupted run (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/**
 * Runs `job` with Ctrl-C wired to its signal: the first Ctrl-C stops the
 * job gracefully (the runner gives a stuck transfer a second, then closes
 * its connection and removes a partial non-atomic upload), a second one (or
 * a job that takes over 10 s to stop) exits at once. Partial downloads and
 * atomic uploads only ever exist under temporary names, so only a
 * non-atomic upload cut off by the hard exit can leave a partial file.
 */
export async function withInterrupt<T>(
  io: CliIo,
  job: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) Deno.exit(EXIT_INTERRUPTED);
    io.stderr("\nferry: stopping (press Ctrl-C again to quit at once)\n");
    controller.abort(new DOMException("Interrupted by Ctrl-C", "AbortError"));
    const timer = setTimeout(() => Deno.exit(EXIT_INTERRUPTED), 10_000);
    Deno.unrefTimer(timer);
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSignal);
    listening = true;
  } catch {
    // No signal support here (some embedders): Ctrl-C then ends the process.
  }
  try {
    return await job(controller.signal);
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onSignal);
  }
}
