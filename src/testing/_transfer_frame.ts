/**
 * The frame of every transfer once its command was accepted: 150, open the
 * data connection (TLS on top under PROT P, the server acting as TLS server
 * in passive and active mode alike, as RFC 4217 section 7 says), move the
 * bytes, close it, then 226, or 425 (no connection, or no TLS on it), 426
 * (broken or aborted) or 451 (local error). The data-side faults are read
 * here, once per transfer.
 *
 * @module
 */

import { closeQuietly } from "../transport/close_quietly.ts";
import type { DataSetup } from "./_data_channel.ts";
import type { Session } from "./_session.ts";
import type { SecureConn } from "./_tls_terminator.ts";
import type { DataPipe, PumpOutcome } from "./_transfer_pump.ts";
import { fsFailure } from "./_virtual_fs.ts";

/** What one transfer does. */
export interface TransferPlan {
  /** The text of the 150 reply. */
  readonly opening: string;
  /** The client sends (STOR, APPE), rather than receives. */
  readonly upload?: boolean;
  /** Moves the bytes over the open data connection. */
  readonly move: (pipe: DataPipe) => Promise<PumpOutcome>;
  /** Aborts on ABOR, on a lost control connection and on server close. */
  readonly signal: AbortSignal;
  /** The session's reusable transfer buffer. */
  readonly buffer: Uint8Array;
}

const OUTCOME_REPLIES: Record<PumpOutcome, [number, string]> = {
  "complete": [226, "Transfer complete"],
  "aborted": [426, "Transfer aborted"],
  "dropped": [426, "Connection closed; transfer aborted."],
  "peer-closed": [426, "Connection closed; transfer aborted."],
  "timed-out": [426, "Data connection timed out; transfer aborted."],
};

/**
 * Runs a transfer over `setup`: replies 150, opens the connection, moves
 * the bytes and sends the final reply. The caller releases `setup`.
 */
export async function transferOver(
  session: Session,
  setup: DataSetup,
  plan: TransferPlan,
): Promise<void> {
  const { signal } = plan;
  const timeoutMs = session.server.dataTimeoutMs;
  let conn: Deno.Conn | undefined;
  let secured: SecureConn | undefined;
  // Idempotent: both close() and closeQuietly() may be called again.
  const finish = (graceful: boolean) => {
    if (secured) session.track(secured.close(graceful, timeoutMs));
    else closeQuietly(conn);
  };
  try {
    await session.reply(150, plan.opening);
    conn = await setup.open(signal, timeoutMs);
    if (!conn) {
      if (signal.aborted) return await session.reply(426, "Transfer aborted");
      return await session.reply(425, "Cannot open data connection");
    }
    if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
    session.recordConnection("data", conn, setup.mode);
    if (session.protectData) {
      secured = await secureData(session, conn, signal, plan.upload === true);
      if (!secured) {
        if (signal.aborted) return await session.reply(426, "Transfer aborted");
        return await session.reply(425, "Cannot open data connection: TLS negotiation failed");
      }
      const reuse = session.server.requireSessionReuse ? await secured.sessionReuse : "resumed";
      // rustls takes a TLS 1.3 ticket once, while clients such as lftp offer
      // the control connection's ticket for every transfer: offering counts.
      if (reuse !== "resumed" && reuse !== "offered") {
        // vsftpd's reply to the same refusal (require_ssl_reuse=YES).
        secured.destroy();
        return await session.reply(522, "SSL connection failed: session reuse required");
      }
      conn = secured.conn;
    }
    const faults = session.server.faults();
    let outcome: PumpOutcome;
    try {
      outcome = await plan.move({
        conn,
        signal,
        buffer: plan.buffer,
        dropAfterBytes: faults.dropTransfer?.({
          session: session.id,
          offset: session.restOffset,
          upload: plan.upload === true,
        }) ?? faults.dataDropAfterBytes,
        stallAfterBytes: faults.dataStallAfterBytes,
        idleTimeoutMs: timeoutMs,
      });
    } catch (error) {
      finish(false);
      const failure = fsFailure(error);
      return await session.reply(451, `Local error: ${failure?.text ?? String(error)}`);
    }
    // Over TLS a complete transfer ends with close_notify. Bytes still in
    // flight keep going while the reply is sent, as from a socket buffer.
    finish(outcome === "complete");
    await session.reply(...OUTCOME_REPLIES[outcome]);
  } finally {
    finish(false);
  }
}

/** Puts TLS on an open data connection, or closes it and returns `undefined`. */
async function secureData(
  session: Session,
  raw: Deno.Conn,
  signal: AbortSignal,
  upload: boolean,
): Promise<SecureConn | undefined> {
  const secured = await session.server.tls?.secure(raw, {
    holdAfterHandshake: upload,
    probeResumption: session.server.requireSessionReuse,
  });
  if (!secured) {
    closeQuietly(raw);
    return undefined;
  }
  const timeoutMs = session.server.dataTimeoutMs;
  if (await secured.handshake(timeoutMs, signal)) return secured;
  session.track(secured.close(false, timeoutMs));
  return undefined;
}
