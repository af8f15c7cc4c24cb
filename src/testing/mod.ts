/**
 * An embedded FTP server for tests, demos and your own test suites: it
 * serves a directory on loopback, speaks RFC 959 with the RFC 2389, 2428
 * and 3659 extensions and, given a certificate, FTPS (RFC 4217: explicit
 * with AUTH TLS, or implicit), and injects faults on demand.
 *
 * @example Download a file from a test server with any FTP client
 * ```ts
 * import { FtpTestServer } from "@ferry/ftp/testing";
 *
 * await using server = await FtpTestServer.start();
 * await Deno.writeTextFile(`${server.root}/hello.txt`, "hello\n");
 * // curl ${server.url}/hello.txt, or ferry's FtpClient.connect(server.url)
 * ```
 *
 * @module
 */

export {
  type FtpTestConnection,
  FtpTestServer,
  type FtpTestServerOptions,
  type FtpTestTlsOptions,
  type FtpTestUser,
  type ListFormat,
} from "./ftp_test_server.ts";
export type {
  FaultAction,
  FaultCommand,
  FaultTransfer,
  FtpFaults,
  ListingRequest,
} from "./faults.ts";
