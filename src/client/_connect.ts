// Establishing a session: the connection (plain, explicit or implicit TLS,
// through Deno's TLS or Node's resuming TLS), the greeting, AUTH TLS, and
// the login sequence with FEAT, UTF-8, MLST facts and PBSZ/PROT.

import { FtpInputError, FtpReplyError, FtpTimeoutError, FtpTlsError } from "../errors.ts";
import { hostPort, isIpAddress } from "../protocol/host.ts";
import type { FtpReply } from "../protocol/reply.ts";
import type { SecureMode } from "../protocol/url.ts";
import { ControlConnection } from "../transport/control_connection.ts";
import { openTransport } from "../transport/open_transport.ts";
import type { TlsConfig, Transport } from "../transport/transport.ts";
import type { FtpClientOptions, FtpTlsOptions, TransferMode } from "./options.ts";
import { Session } from "./_session.ts";
import type { DataTlsPolicy } from "./_tls_policy.ts";
import { type RateLimiter, rateLimiterOf } from "./rate_limit.ts";

/** Everything needed to open sessions, resolved once from the options. */
export interface ConnectPlan {
  host: string;
  port: number;
  secure: SecureMode;
  tls?: TlsConfig;
  reuseMode: NonNullable<FtpTlsOptions["sessionReuse"]>;
  dataProtection: "P" | "C";
  /** Where connections are made from (an IP address), when asked. */
  localAddress?: string;
  /** CCC after login (`tls.clearControl`). */
  clearControl: boolean;
  options: FtpClientOptions;
  encoding: string;
  /** Paces every data connection of the client's sessions. */
  rateLimit?: RateLimiter;
}

const TLS_VERSIONS: readonly string[] = ["TLSv1.2", "TLSv1.3"];

/** The user's TLS version bounds, keeping only those that restrict anything. */
function versionBounds(tls: FtpTlsOptions): TlsConfig["bounds"] {
  for (const key of ["minVersion", "maxVersion"] as const) {
    const value = tls[key];
    if (value !== undefined && !TLS_VERSIONS.includes(value)) {
      throw new FtpInputError(
        `tls.${key} must be "TLSv1.2" or "TLSv1.3", got ${JSON.stringify(value)}` +
          (/^(TLSv1(\.[01])?|SSLv[23])$/.test(String(value))
            ? " (ferry's TLS, rustls, speaks only TLS 1.2 and 1.3)"
            : ""),
      );
    }
  }
  if (tls.minVersion === "TLSv1.3" && tls.maxVersion === "TLSv1.2") {
    throw new FtpInputError(
      'tls.minVersion "TLSv1.3" is newer than tls.maxVersion "TLSv1.2": no version is left',
    );
  }
  const bounds: NonNullable<TlsConfig["bounds"]> = {};
  if (tls.minVersion === "TLSv1.3") bounds.minVersion = "TLSv1.3";
  if (tls.maxVersion === "TLSv1.2") bounds.maxVersion = "TLSv1.2";
  return bounds.minVersion || bounds.maxVersion ? bounds : undefined;
}

/** Checks that `address` is an IP address (IPv6 without brackets). */
function checkLocalAddress(address: unknown): string | undefined {
  if (address === undefined) return undefined;
  if (typeof address !== "string" || !isIpAddress(address)) {
    throw new FtpInputError(
      `localAddress must be an IP address of this machine, such as "192.0.2.7" or "::1" ` +
        `(IPv6 without brackets), got ${JSON.stringify(address)}`,
    );
  }
  return address;
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
  const bounds = versionBounds(tlsOptions);
  const clearControl = tlsOptions.clearControl ?? false;
  if (typeof clearControl !== "boolean") {
    throw new FtpInputError(`tls.clearControl must be true or false, got ${clearControl}`);
  }
  if (clearControl && secure !== "explicit") {
    throw new FtpInputError(
      `tls.clearControl needs explicit FTPS (secure: "explicit", ftpes://), got secure: ` +
        `"${secure}": CCC (RFC 4217) clears a control connection that AUTH TLS secured`,
    );
  }
  const localAddress = checkLocalAddress(options.localAddress);
  const tls: TlsConfig | undefined = secure === "none" ? undefined : {
    serverName: tlsOptions.serverName ?? options.host ?? host,
    caCerts: tlsOptions.caCerts ?? [],
    verify: tlsOptions.verify ?? true,
    clientCertificate: tlsOptions.clientCertificate,
    handshakeTimeoutMs: options.connectTimeout ?? 15_000,
    ...(bounds ? { bounds } : {}),
  };
  return {
    host,
    port,
    secure,
    tls,
    reuseMode,
    dataProtection: protection === "private" ? "P" : "C",
    localAddress,
    clearControl,
    options,
    encoding,
    rateLimit: rateLimiterOf(options.rateLimit, "rateLimit"),
  };
}

/** Makes a session's transport, on the engine the data-channel TLS policy chose. */
function transportFor(plan: ConnectPlan, policy: DataTlsPolicy | undefined): Promise<Transport> {
  return openTransport({
    tls: policy?.tls ?? plan.tls,
    engine: policy?.engine,
    localAddress: plan.localAddress,
  });
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
    pipelining: options.pipelining ?? true,
    connectTimeout,
    dataTimeout: options.dataTimeout ?? 30_000,
    encoding: plan.encoding,
    transport,
    dataTls: policy,
    rateLimit: plan.rateLimit,
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

/**
 * Whether a session can take TLS off its control connection (CCC): explicit
 * FTPS, still under TLS, on Node's TLS engine.
 *
 * @throws {FtpInputError} Saying why not, before anything is sent.
 */
export function assertClearable(session: Session, plan: ConnectPlan): void {
  assertExplicitTls(plan);
  if (session.control.cleared) {
    throw new FtpInputError("The control connection is already clear (CCC was accepted)");
  }
  if (session.settings.transport.kind !== "node") {
    throw new FtpInputError(
      "ccc() needs Node's TLS, which can end TLS and keep the TCP connection under it (Deno's " +
        "own TLS, this session's, cannot): connect with tls.clearControl: true to have CCC sent " +
        'after login, or with tls.sessionReuse: "always" to call ccc() yourself',
    );
  }
}

/**
 * CCC clears what AUTH TLS secured: explicit FTPS only.
 *
 * @throws {FtpInputError} For plain FTP and implicit FTPS.
 */
export function assertExplicitTls(plan: ConnectPlan): void {
  if (plan.secure !== "explicit") {
    throw new FtpInputError(
      `ccc() needs explicit FTPS (secure: "explicit", ftpes://), got secure: "${plan.secure}": ` +
        `CCC (RFC 4217) clears a control connection that AUTH TLS secured`,
    );
  }
}

/** `tls.clearControl`: CCC right after login; a refusal ends the connection. */
async function clearAfterLogin(session: Session): Promise<void> {
  try {
    await session.ccc();
  } catch (error) {
    if (!(error instanceof FtpReplyError)) throw error;
    throw session.control.close(
      new FtpTlsError(
        "ccc-refused",
        `The server refused CCC (${error.code} ${error.text}), which tls.clearControl asks for ` +
          `after login; the control connection stays encrypted with this server (vsftpd and ` +
          `Pure-FTPd have no CCC; ProFTPD refuses it under TLSRequired on), so leave ` +
          `tls.clearControl off for it`,
        { cause: error, connection: "control" },
      ),
    );
  }
}

/** Credentials for USER/PASS/ACCT. */
export interface Credentials {
  user: string;
  password: string;
  account?: string;
}

/**
 * What a login sends: through a proxy, the user names the server too
 * (`user@host`, or `user@host:port` off port 21).
 */
export function loginCredentials(
  options: FtpClientOptions,
  name: string,
  secret: string,
  acct: string | undefined,
): Credentials {
  const proxy = options.proxy;
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 21;
  const target = port === 21 ? host : `${host}:${port}`;
  return {
    user: proxy ? `${name}@${target}` : name,
    password: secret,
    account: acct,
  };
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
  // FEAT, TYPE I, OPTS UTF8, PBSZ and PROT go with the login's last command.
  const { user, password, account } = credentials;
  await session.login(user, password, account, plan.tls ? plan.dataProtection : undefined);
  if (plan.clearControl) await clearAfterLogin(session);
  // Should the session have to be replaced (a server that requires TLS
  // session reuse), the new one returns to this directory.
  if (session.settings.dataTls?.mayReconnect && session.dataProtected) {
    session.knownDirectory = session.currentDirectory ?? await session.pwd();
  }
}

/**
 * A login refused while logging in anonymously by default: say so, since
 * the error names PASS though the caller gave no password.
 */
export function anonymousRefusal(error: unknown): unknown {
  if (error instanceof FtpReplyError) {
    error.message += ". This was an anonymous login, because no user was given: pass user " +
      "and password, or connect with { login: false } and call login() yourself";
  }
  return error;
}
