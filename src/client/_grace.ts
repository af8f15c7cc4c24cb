// How long ferry waits for a server that may be gone: the replies to ABOR
// after a timeout, and the goodbye to QUIT when the client closes. A server
// that is still there answers within a round trip; one that stays silent
// for this long is taken as gone and the connection is closed.

/** The longest grace, in milliseconds. */
const GRACE_MS = 1000;

/** The shortest grace, unless the reply timeout itself is shorter. */
const MIN_GRACE_MS = 250;

/**
 * The grace under a given reply timeout: a tenth of it, between 250 ms and
 * 1 s, and never more than the reply timeout itself. A user who allows 2 s
 * per reply does not wait 1 s for a server that has already been silent
 * for a whole timeout; one who allows 30 s waits 1 s.
 */
export function graceMs(replyTimeout: number): number {
  const tenth = Math.round(replyTimeout / 10);
  return Math.min(GRACE_MS, replyTimeout, Math.max(MIN_GRACE_MS, tenth));
}
