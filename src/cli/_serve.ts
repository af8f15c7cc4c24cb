// `ferry serve`: the embedded FtpTestServer, until Ctrl-C.

import { FtpTestServer } from "../testing/ftp_test_server.ts";
import { type CliIo, EXIT_INTERRUPTED, UsageError, withInterrupt } from "./_io.ts";

/** Options of `ferry serve`, as parsed. */
export interface ServeFlags {
  root?: string;
  port?: string;
  host?: string;
  user: string[];
}

/** Runs the server until the signal; returns the exit code. */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const users: Record<string, string> = {};
  for (const pair of flags.user) {
    const colon = pair.indexOf(":");
    if (colon <= 0) {
      throw new UsageError(`--user takes NAME:PASSWORD, got ${JSON.stringify(pair.split(":")[0])}`);
    }
    users[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  const port = flags.port === undefined ? 2121 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      `--port must be a port number from 0 to 65535, got ${JSON.stringify(flags.port)}`,
    );
  }
  if (flags.root !== undefined) {
    const info = await Deno.stat(flags.root).catch(() => undefined);
    if (!info?.isDirectory) throw new UsageError(`--root ${flags.root} is not a directory`);
  }
  const names = Object.keys(users);
  const server = await FtpTestServer.start({
    root: flags.root,
    port,
    hostname: flags.host ?? "127.0.0.1",
    users,
    anonymous: names.length === 0,
  });
  try {
    io.stdout(
      `ferry serve: ${server.url} serving ${server.root}\n` +
        `  login: ${names.length > 0 ? names.join(", ") : "anonymous"}; Ctrl-C stops the server\n`,
    );
    await withInterrupt(
      io,
      (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => resolve(), { once: true })
        ),
    );
  } finally {
    await server.close();
  }
  return EXIT_INTERRUPTED;
}
