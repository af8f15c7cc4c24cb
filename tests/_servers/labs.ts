// The embedded server and vsftpd behind one small interface, for tests that
// run the same scenario against both (integrity, rate limits).

import { FtpTestServer } from "../../src/testing/mod.ts";
import { startVsftpd, vsftpd } from "./vsftpd.ts";

/** A server to run a scenario against: its URL (logged into the served directory) and that directory on disk. */
export interface Lab extends AsyncDisposable {
  url: string;
  dir: string;
  /** The commands the server received, where it tells (the embedded server). */
  commands?: () => readonly string[];
}

/** The embedded server, which records the commands it received. */
export async function embeddedLab(): Promise<Lab> {
  const server = await FtpTestServer.start();
  return {
    url: server.url,
    dir: server.root,
    commands: () => server.commands,
    [Symbol.asyncDispose]: () => server.close(),
  };
}

/** vsftpd as the tests start it (tests/_servers/vsftpd.ts). */
export async function vsftpdLab(): Promise<Lab> {
  const server = await startVsftpd();
  return { url: server.url, dir: server.dir, [Symbol.asyncDispose]: () => server.close() };
}

/** Both, with vsftpd ignored where it cannot run. */
export const LABS = [
  { name: "embedded server", start: embeddedLab, ignore: false },
  { name: "vsftpd", start: vsftpdLab, ignore: vsftpd.ignore },
];
