// Establishing a session: the connection (plain, explicit or implicit TLS,
// through Deno's TLS or Node's resuming TLS), the greeting, AUTH TLS, and
// the login sequence with FEAT, UTF-8, MLST facts and PBSZ/PROT.

import { FtpInputError, FtpTimeoutError } from "../errors.ts";
import { hostPort } from "../protocol/host.ts";
import type { FtpReply } from "../protocol/reply.ts";
import type { SecureMode } from "../protocol/url.ts";
import { ControlConnection } from "../transport/control_connection.ts";
import { openTransport } from "../transport/open_transport.ts";
import type { TlsConfig, Transport } from "../transport/transport.ts";
import type { FtpClientOptions, FtpTlsOptions, TransferMode } from "./options.ts";
import { Session } from "./_session.ts";
import type { DataTlsPolicy } from "./_tls_policy.ts";

/** Everything needed to open sessions, resolved once from the options. */
export interface ConnectPlan {
  host: string;
  port: number;
  secure: SecureMode;
  tls?: TlsConfig;
  reuseMode: NonNullable<FtpTlsOptions["sessionReuse"]>;
  dataProtection: "P" | "C";
  options: FtpClientOptions;
  encoding: string;
}

/** Resolves host, port and TLS settings; refuses contradictory options. */
export function connectPlan(options: FtpClientOptions, encoding: string): ConnectPlan {
  const secure = options.secure ?? "none";
  if (!["none", "explicit", "implicit"].includes(secure)) {
    throw new FtpInputError(
      `secure must be "none", "explicit" or "implicit", got ${JSON.stringify(secure)}`,
    );
  }
  const host = options.proxy?.host ?? options.host ?? "127.0.0.1";
  const defaultPort = secure === "implicit" ? 990 : 21;
  const port = options.proxy ? options.proxy.port ?? 21 : options.port ?? defaultPort;
  const tlsOptions = options.tls ?? {};
  const reuseMode = tlsOptions.sessionReuse ?? "auto";
  if (!["auto", "always", "never"].includes(reuseMode)) {
    throw new FtpInputError(
      `tls.sessionReuse must be "auto", "always" or "never", got ${reuseMode}`,
    );
  }
  const protection = tlsOptions.dataProtection ?? "private";
  if (protection !== "private" && protection !== "clear") {
    throw new FtpInputError(`tls.dataProtection must be "private" or "clear", got ${protection}`);
  }
  const tls: TlsConfig | undefined = secure === "none" ? undefined : {
    serverName: tlsOptions.serverName ?? options.host ?? host,
    caCerts: tlsOptions.caCerts ?? [],
    verify: tlsOptions.verify ?? true,
    clientCertificate: tlsOptions.clientCertificate,
    handshakeTimeoutMs: options.connectTimeout ?? 15_000,
  };
  return {
    host,
    port,
    secure,
    tls,
    reuseMode,
    dataProtection: protection === "private" ? "P" : "C",
    options,
    encoding,
  };
}

/** Makes a session's transport, on the engine the data-channel TLS policy chose. */
function transportFor(plan: ConnectPlan, policy: DataTlsPolicy | undefined): Promise<Transport> {
  return openTransport({ tls: policy?.tls ?? plan.tls, engine: policy?.engine });
}

/** Hooks the client passes in. */
export interface OpenHooks {
  transferMode: TransferMode;
  signal: AbortSignal;
  onReply(reply: FtpReply): void;
}

/** Connects, reads the greeting, and secures the control connection (AUTH TLS). */
export async function openSession(
  plan: ConnectPlan,
  policy: DataTlsPolicy | undefined,
  hooks: OpenHooks,
): Promise<Session> {
  const { options } = plan;
  const transport = await transportFor(plan, policy);
  const connectTimeout = options.connectTimeout ?? 15_000;
  const replyTimeout = options.replyTimeout ?? 30_000;
  // The connect timeout covers the TCP connection, the TLS handshake of
  // implicit TLS, and the greeting; the reply timeout, a reply, also bounds
  // the greeting on its own.
  const started = performance.now();
  const control = await ControlConnection.open(transport, {
    host: plan.host,
    port: plan.port,
    connectTimeout,
    replyTimeout,
    maxReplyLineBytes: options.maxReplyLineBytes,
    maxReplyBytes: options.maxReplyBytes,
    debug: options.debug,
    encoding: plan.encoding,
    signal: hooks.signal,
  }, plan.secure === "implicit");
  control.onReply = hooks.onReply;
  const session = new Session(control, {
    trustPasvHost: options.trustPasvHost ?? false,
    connectTimeout,
    dataTimeout: options.dataTimeout ?? 30_000,
    encoding: plan.encoding,
    transport,
    dataTls: policy,
  }, hooks.transferMode);
  policy?.startSession();
  try {
    await session.readGreeting(...greetingDeadline(plan, started, connectTimeout, replyTimeout));
    if (plan.secure === "explicit") await session.authTls();
  } catch (error) {
    control.close();
    throw error;
  }
  return session;
}

/**
 * When the greeting must have come (the connect timeout from `started`, or
 * the reply timeout from now, whichever is sooner) and the error if not.
 */
function greetingDeadline(
  plan: ConnectPlan,
  started: number,
  connectTimeout: number,
  replyTimeout: number,
): [number, () => FtpTimeoutError] {
  const byConnect = started + connectTimeout;
  const byReply = performance.now() + replyTimeout;
  const [deadline, limit, option] = byConnect <= byReply
    ? [byConnect, connectTimeout, "connectTimeout"]
    : [byReply, replyTimeout, "replyTimeout"];
  const where = hostPort(plan.host, plan.port);
  const timeout = () =>
    new FtpTimeoutError(
      "greeting",
      limit,
      `waiting for the server's greeting (220) on ${where}`,
      option,
    );
  return [deadline, timeout];
}

/** Credentials for USER/PASS/ACCT. */
export interface Credentials {
  user: string;
  password: string;
  account?: string;
}

/**
 * Logs in, reads FEAT, turns on UTF-8 and the MLST facts ferry reads, and
 * with TLS sets PBSZ 0 and PROT P (or C on request).
 */
export async function loginSession(
  session: Session,
  plan: ConnectPlan,
  credentials: Credentials,
): Promise<void> {
  await session.login(credentials.user, credentials.password, credentials.account);
  await session.feat();
  await session.optsUtf8();
  await session.optsMlst();
  if (plan.tls) {
    await session.pbsz();
    await session.prot(plan.dataProtection);
  }
  // Should the session have to be replaced (a server that requires TLS
  // session reuse), the new one returns to this directory.
  if (session.settings.dataTls?.mayReconnect && session.dataProtected) {
    session.knownDirectory = await session.pwd();
  }
}
