/**
 * Where `faults.onCommand` takes effect: the one place that turns a
 * {@linkcode FaultAction} into behaviour, in the documented order (delay,
 * then drop, else stall, else a raw reply, else normal handling).
 *
 * @module
 */

import { sleep, untilAborted } from "./_abortable.ts";
import { formatReply, SessionEnded } from "./_control_channel.ts";
import type { FaultAction, FaultCommand, FtpFaults } from "./faults.ts";

/** The parts of a session a command fault acts on. */
export interface FaultTarget {
  /** Aborts when the session ends. */
  readonly signal: AbortSignal;
  /** Writes raw reply text (through the control-side faults). */
  send(text: string): Promise<void>;
  /** Closes the control connection. */
  close(): void;
}

/** Waits for a promise unless the signal aborts first, leaving no listener behind. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Consults `faults.onCommand` for one command and acts on its answer.
 *
 * @returns `true` when the command must not be handled (a reply was
 * injected, or the hook failed and `451` was sent).
 * @throws {SessionEnded} When the action dropped or stalled the session.
 */
export async function applyCommandFault(
  faults: FtpFaults,
  command: FaultCommand,
  target: FaultTarget,
): Promise<boolean> {
  const hook = faults.onCommand;
  if (!hook) return false;
  // Sync throws become rejections; a late rejection after close is ignored.
  const asked = Promise.resolve().then(() => hook(command));
  asked.catch(() => {});
  let action: FaultAction | undefined;
  try {
    // A hook that never settles must not keep close() waiting forever.
    action = await unlessAborted(asked, target.signal);
  } catch (error) {
    await target.send(formatReply(451, `Fault hook failed: ${String(error)}`));
    return true;
  }
  if (target.signal.aborted) throw new SessionEnded();
  if (!action) return false;
  if (action.delayMs) await sleep(action.delayMs, target.signal);
  if (action.drop) target.close();
  else if (action.stall) await untilAborted(target.signal);
  if (target.signal.aborted) throw new SessionEnded();
  if (action.reply === undefined) return false;
  await target.send(action.reply);
  return true;
}
