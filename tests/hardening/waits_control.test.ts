// Servers that stop answering before any data moves, through the library:
// a greeting that never comes (or trickles, or is 120 chatter for ever), a
// TLS handshake that never completes, silence after USER, PASS, FEAT,
// AUTH TLS, TYPE, SIZE, EPSV, PASV, EPRT or the transfer command, a reply
// that drips one byte at a time, 1xx chatter for ever, a data port that
// refuses. Every timeout is T (1 s); each case must end within 2.5 x T + 1 s
// with the error type, the phase and a message naming what was awaited.
// The cases run concurrently: each waits on its own server.
//
// The CLI and the runner see the same cases in tests/cli/waits.test.ts
// and tests/runner/timeouts.test.ts; stalled transfers and aborts are in
// waits_transfer.test.ts.

import assert from "node:assert/strict";
import { FtpClient, type FtpClientOptions, FtpConnectionError } from "../../mod.ts";
import { readAll } from "../_helpers.ts";
import { assertNoSecret, errorText } from "./_helpers.ts";
import { hostileServer, type HostileSession } from "./_hostile_server.ts";
import {
  assertTimeout,
  assertWithin,
  ignore,
  pause,
  rawServer,
  runWaitCases,
  say,
  timed,
  type WaitCase,
  waitOptions,
} from "./_waits.ts";

/** A hostile server that goes silent (reads and ignores everything) at the first line starting with `prefix`. */
function silentAt(prefix: string, files: Record<string, string> = { "/f.txt": "abc" }) {
  return hostileServer({
    files,
    script: (line, session) => {
      if (!line.startsWith(prefix)) return false;
      session.mute();
      return true;
    },
  });
}

/** Connects, then fails `call`; the outcome of the call alone. */
async function afterLogin(port: number, call: (client: FtpClient) => Promise<unknown>, more = {}) {
  await using client = await FtpClient.connect(waitOptions(port, more));
  const outcome = await timed(() => call(client));
  return { outcome, state: client.state };
}

const download = (client: FtpClient) => client.download("f.txt").then(readAll);

const greetingCases: WaitCase[] = [
  {
    name: "silent greeting (TCP accepted, nothing said)",
    async run() {
      await using server = rawServer(ignore);
      const outcome = await timed(() => FtpClient.connect(waitOptions(server.port)));
      assertTimeout(outcome, "greeting", /greeting \(220\) on 127\.0\.0\.1:\d+.*`connectTimeout`/);
    },
  },
  {
    name: "connectTimeout bounds the greeting, whatever the reply timeout",
    async run() {
      await using server = rawServer(ignore);
      const options = waitOptions(server.port, { replyTimeout: 60_000, dataTimeout: 60_000 });
      const outcome = await timed(() => FtpClient.connect(options));
      assertTimeout(outcome, "greeting", /after 1000 ms .*greeting.*`connectTimeout`/);
    },
  },
  {
    name: "the reply timeout bounds the greeting too, when it is the shorter",
    async run() {
      await using server = rawServer(ignore);
      const options = waitOptions(server.port, { connectTimeout: 60_000 });
      const outcome = await timed(() => FtpClient.connect(options));
      assertTimeout(outcome, "greeting", /after 1000 ms .*greeting.*`replyTimeout`/);
    },
  },
  {
    name: "120 'ready in a minute' for ever",
    async run() {
      await using server = rawServer(async (conn) => {
        // Bounded: 100 rounds, or until the client hangs up.
        for (let i = 0; i < 100 && await say(conn, "120 Ready in 1 minute\r\n"); i++) {
          await pause(100);
        }
      });
      const outcome = await timed(() => FtpClient.connect(waitOptions(server.port)));
      assertTimeout(outcome, "greeting", /greeting/);
    },
  },
  {
    name: "a greeting that drips one byte every 100 ms",
    async run() {
      await using server = rawServer(async (conn) => {
        for (const ch of "220 Welcome to a very slow server, one byte at a time\r\n") {
          if (!await say(conn, ch)) return;
          await pause(100);
        }
      });
      const outcome = await timed(() => FtpClient.connect(waitOptions(server.port)));
      assertTimeout(outcome, "greeting", /greeting/);
    },
  },
  {
    name: "accepted, then closed at once: a connection error, promptly",
    async run() {
      await using server = rawServer((conn) => Promise.resolve(conn.close()));
      const outcome = await timed(() => FtpClient.connect(waitOptions(server.port)));
      assert.ok(outcome.error instanceof FtpConnectionError, String(outcome.error));
      // A connection error, not a timeout: that is what "promptly" means here.
      // The bound has the slack of every case (T alone failed on a loaded
      // machine, on main too: 1020 to 1362 ms).
      assertWithin(outcome);
    },
  },
  ...(["auto", "always"] as const).map((sessionReuse): WaitCase => ({
    name: `implicit TLS, no handshake ever (${sessionReuse}): one connect timeout`,
    async run() {
      await using server = rawServer(ignore);
      const options: FtpClientOptions = waitOptions(server.port, {
        host: "localhost",
        secure: "implicit",
        replyTimeout: 60_000,
        tls: { sessionReuse },
      });
      const outcome = await timed(() => FtpClient.connect(options));
      assertTimeout(
        outcome,
        "connect",
        /TLS handshake on the control connection.*`connectTimeout`/,
      );
    },
  })),
];

/** Cases silent at one command of the login. */
const loginCases: WaitCase[] = [
  ["USER", /reply to "USER alice"/],
  ["PASS", /reply to "PASS \*\*\*"/],
  ["FEAT", /reply to "FEAT"/],
  ["OPTS UTF8", /reply to "OPTS UTF8 ON"/],
].map(([prefix, message]) => ({
  name: `silent after ${prefix}`,
  async run() {
    await using server = silentAt(prefix as string);
    const outcome = await timed(() => FtpClient.connect(waitOptions(server.port)));
    assertTimeout(outcome, "reply", message as RegExp);
    assertNoSecret(`silent after ${prefix}`, errorText(outcome.error));
  },
}));

const commandCases: WaitCase[] = [
  {
    name: "silent after AUTH TLS",
    async run() {
      await using server = silentAt("AUTH");
      const options = waitOptions(server.port, { host: "localhost", secure: "explicit" });
      const outcome = await timed(() => FtpClient.connect(options));
      assertTimeout(outcome, "reply", /reply to "AUTH TLS"/);
    },
  },
  {
    name: "silent after 234 (a handshake that never completes)",
    async run() {
      await using server = hostileServer({
        script: async (line: string, session: HostileSession) => {
          if (line !== "AUTH TLS") return false;
          await session.write("234 Proceed\r\n");
          session.mute();
          return true;
        },
      });
      const options = waitOptions(server.port, { host: "localhost", secure: "explicit" });
      const outcome = await timed(() => FtpClient.connect(options));
      assertTimeout(outcome, "connect", /TLS handshake/);
    },
  },
  {
    // NOOP: the login asks PWD itself.
    name: "a reply that drips one byte every 100 ms (NOOP)",
    async run() {
      await using server = hostileServer({
        script: async (line: string, session: HostileSession) => {
          if (line !== "NOOP") return false;
          await session.trickle("200 NOOP ok, told very slowly, one byte at a time\r\n", 100);
          return true;
        },
      });
      const { outcome, state } = await afterLogin(server.port, (c) => c.noop());
      assertTimeout(outcome, "reply", /reply to "NOOP"/);
      assert.equal(state, "unconnected");
    },
  },
  {
    name: "1xx chatter for ever (CWD)",
    async run() {
      await using server = hostileServer({
        script: async (line: string, session: HostileSession) => {
          if (!line.startsWith("CWD")) return false;
          // Bounded: 100 rounds, or until the client hangs up.
          for (let i = 0; i < 100 && await session.write("150 Still thinking\r\n"); i++) {
            await pause(100);
          }
          return true;
        },
      });
      const { outcome } = await afterLogin(server.port, (c) => c.cd("/"));
      assertTimeout(outcome, "reply", /reply to "CWD \/"/);
    },
  },
  {
    // TYPE I goes with PASS (pipelined): the login waits for it, then tries
    // once more one command at a time, and waits again.
    name: "silent after TYPE (sent with the login)",
    async run() {
      await using server = silentAt("TYPE");
      const outcome = await timed(() => FtpClient.connect(waitOptions(server.port)));
      assertTimeout(outcome, "reply", /reply to "TYPE I"/);
    },
  },
  ...[
    ["EPSV", /reply to "EPSV"/],
    ["RETR", /reply to "RETR f\.txt"/],
  ].map(([prefix, message]): WaitCase => ({
    name: `silent after ${prefix} (download)`,
    async run() {
      await using server = silentAt(prefix as string);
      const { outcome, state } = await afterLogin(server.port, download);
      assertTimeout(outcome, "reply", message as RegExp);
      assert.equal(state, "unconnected");
    },
  })),
  {
    name: "silent after SIZE",
    async run() {
      await using server = silentAt("SIZE");
      const { outcome } = await afterLogin(server.port, (c) => c.size("f.txt"));
      assertTimeout(outcome, "reply", /reply to "SIZE f\.txt"/);
    },
  },
  {
    name: "silent after PASV (EPSV refused)",
    async run() {
      await using server = hostileServer({
        files: { "/f.txt": "abc" },
        script: async (line: string, session: HostileSession) => {
          if (line === "EPSV") return await session.write("502 No EPSV here\r\n");
          if (line !== "PASV") return false;
          session.mute();
          return true;
        },
      });
      const { outcome } = await afterLogin(server.port, download);
      assertTimeout(outcome, "reply", /reply to "PASV"/);
    },
  },
  {
    name: "EPSV naming a port nobody listens on: refused, promptly",
    async run() {
      const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const port = (closed.addr as Deno.NetAddr).port;
      closed.close();
      await using server = hostileServer({
        files: { "/f.txt": "abc" },
        script: async (line: string, session: HostileSession) => {
          if (line !== "EPSV") return false;
          return await session.write(`229 Extended Passive Mode (|||${port}|)\r\n`);
        },
      });
      const { outcome } = await afterLogin(server.port, download);
      assert.ok(outcome.error instanceof FtpConnectionError, String(outcome.error));
      assert.equal(outcome.error.kind, "refused");
      assert.match(outcome.error.message, /data connection/);
      // A connection error, not a timeout: that is what "promptly" means here.
      // The bound has the slack of every case (T alone failed on a loaded
      // machine, on main too: 1020 to 1362 ms).
      assertWithin(outcome);
    },
  },
  {
    name: "active mode: silent after EPRT",
    async run() {
      await using server = silentAt("EPRT");
      const { outcome } = await afterLogin(server.port, download, { transferMode: "active" });
      assertTimeout(outcome, "reply", /reply to "EPRT \|1\|127\.0\.0\.1\|\d+\|"/);
    },
  },
];

Deno.test("the greeting: silent, 120 for ever, dripping, implicit TLS silent: a greeting or connect timeout within 2.5 x T + 1 s", async () => {
  await runWaitCases(greetingCases);
});

Deno.test("silence after a login command: a reply timeout naming the command (PASS redacted)", async () => {
  await runWaitCases(loginCases);
});

Deno.test("silence, drips and chatter after commands, and data ports that refuse: each ends within 2.5 x T + 1 s", async () => {
  await runWaitCases(commandCases);
});
