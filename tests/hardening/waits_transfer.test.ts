// Servers that stop answering once a transfer started, through the
// library: a 150 and then a data connection that never moves (download,
// upload, listing), with ABOR answered or not; an active-mode server that
// never connects; a final reply (226) that never comes; a 421 mid-transfer;
// a goodbye that never comes. Each must end within 2.5 x T + 1 s (T = 1 s)
// with the type, phase and a message naming what was awaited. After a
// timeout, ABOR's replies are awaited only for the grace (1 s at most): the
// cases where the server is silent after ABOR set a 10 s reply timeout and
// must still end within T + 1 s grace + 1 s slack, where they used to wait
// the whole reply timeout.

import assert from "node:assert/strict";
import { FtpAbortError, FtpClient, FtpConnectionError, FtpTransientError } from "../../mod.ts";
import { pseudoRandomBytes, readAll } from "../_helpers.ts";
import { hostileServer, type HostileSession } from "./_hostile_server.ts";
import {
  assertTimeout,
  assertWithin,
  pause,
  runWaitCases,
  T,
  timed,
  type WaitCase,
  waitOptions,
} from "./_waits.ts";

const MiB = 1024 * 1024;
/** Made once: making it takes long enough to hold up the servers of the other cases. */
const BIG = pseudoRandomBytes(32 * MiB);
/** The grace after a timeout is at most 1 s; the slack another second. */
const GRACE_BOUND_MS = T + 1000 + 1000;
/** A reply timeout far longer than anything a case may take. */
const LONG = 10_000;

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  // Bounded: each write moves at least one byte or throws.
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

/**
 * A server that answers `verb` with 150, accepts the data connection and
 * then neither sends nor reads (after `bytes` bytes, for a download); ABOR
 * is answered (`abor: "answered"`) or met with silence from then on.
 */
function stallAfter150(verb: string, abor: "answered" | "silent", bytes = 0) {
  return hostileServer({
    files: { "/f.txt": "abc", "/d/g.txt": "x" },
    script: async (line: string, session: HostileSession) => {
      if (line === "ABOR" && abor === "silent") {
        session.mute();
        return true;
      }
      if (!line.startsWith(verb)) return false;
      await session.write("150 Here it comes (or not)\r\n");
      const data = await session.data();
      if (bytes > 0) await writeAll(data, pseudoRandomBytes(bytes));
      return true; // and then nothing, until the client gives up
    },
  });
}

type Call = (client: FtpClient) => Promise<unknown>;

/** Connects, runs `call` (timed); the client closes when the result is disposed. */
async function withClient(port: number, more: Parameters<typeof waitOptions>[1], call: Call) {
  const client = await FtpClient.connect(waitOptions(port, more));
  const outcome = await timed(() => call(client));
  return { outcome, client, [Symbol.asyncDispose]: () => client.close() };
}

const download: Call = (client) => client.download("f.txt").then(readAll);
const upload: Call = (client) => client.upload("up.bin", BIG);
const list: Call = (client) => client.list("d");

const stallCases: WaitCase[] = [
  ...([
    ["RETR", download, /data connection of "RETR f\.txt" to move a byte.*`dataTimeout`/, 0],
    ["RETR", download, /data connection of "RETR f\.txt"/, 64 * 1024],
    ["STOR", upload, /data connection of "STOR up\.bin" to move a byte/, 0],
    ["LIST", list, /data connection of "LIST (-a )?d"/, 0],
  ] as const).flatMap(([verb, call, message, bytes]): WaitCase[] => [
    {
      name: `${verb} stalls after 150${bytes ? ` and ${bytes} bytes` : ""}, ABOR answered: ` +
        `a data timeout, the session in step`,
      async run() {
        await using server = stallAfter150(verb, "answered", bytes);
        await using result = await withClient(server.port, {}, call);
        const { outcome, client } = result;
        assertTimeout(outcome, "data", message);
        assert.equal(await client.pwd(), "/");
      },
    },
    {
      name: `${verb} stalls after 150${bytes ? ` and ${bytes} bytes` : ""}, silent after ABOR: ` +
        `the abort waits only the grace, then closes`,
      async run() {
        await using server = stallAfter150(verb, "silent", bytes);
        await using result = await withClient(server.port, { replyTimeout: LONG }, call);
        const { outcome, client } = result;
        assertTimeout(outcome, "data", message, GRACE_BOUND_MS);
        assert.equal(client.state, "unconnected");
        assert.ok(server.received.includes("ABOR"), "ABOR was sent");
      },
    },
  ]),
  {
    name: "active mode, the server never connects, silent after ABOR: data-connection, the grace",
    async run() {
      await using server = hostileServer({
        files: { "/f.txt": "abc" },
        script: async (line: string, session: HostileSession) => {
          if (line.startsWith("EPRT")) return await session.write("200 OK\r\n");
          if (line.startsWith("RETR")) return await session.write("150 Connecting (not)\r\n");
          if (line !== "ABOR") return false;
          session.mute();
          return true;
        },
      });
      const more = { transferMode: "active" as const, replyTimeout: LONG };
      await using result = await withClient(server.port, more, download);
      const { outcome, client } = result;
      assertTimeout(outcome, "data-connection", /active-mode data connection/, GRACE_BOUND_MS);
      assert.equal(client.state, "unconnected");
    },
  },
  {
    name: "active mode, the server never connects, ABOR answered: data-connection, in step",
    async run() {
      await using server = hostileServer({
        files: { "/f.txt": "abc" },
        script: async (line: string, session: HostileSession) => {
          if (line.startsWith("EPRT")) return await session.write("200 OK\r\n");
          if (!line.startsWith("RETR")) return false;
          return await session.write("150 Connecting (not)\r\n");
        },
      });
      const more = { transferMode: "active" as const };
      await using result = await withClient(server.port, more, download);
      const { outcome, client } = result;
      assertTimeout(outcome, "data-connection", /`connectTimeout`/);
      assert.equal(await client.pwd(), "/");
    },
  },
];

/** The data went through (or was cut), and then no final reply. */
const finalReplyCases: WaitCase[] = [
  ...(["RETR", "STOR"] as const).map((verb): WaitCase => ({
    name: `the 226 never comes (${verb})`,
    async run() {
      await using server = hostileServer({
        script: async (line: string, session: HostileSession) => {
          if (!line.startsWith(verb)) return false;
          await session.write("150 Here it comes\r\n");
          const data = await session.data();
          if (verb === "RETR") await writeAll(data, new TextEncoder().encode("abc"));
          else await data.read(new Uint8Array(1024)).catch(() => null);
          data.close();
          return true; // and no 226, ever
        },
      });
      const call: Call = verb === "RETR" ? download : (c) => c.upload("up.bin", "abc");
      // Without pipelining: the wait for the 226 times out. (With it, the
      // EPSV sent with a download's end is answered in the 226's place: an
      // error at once, see tests/client/pipelining_fallback.test.ts.)
      await using result = await withClient(server.port, { pipelining: false }, call);
      const { outcome, client } = result;
      assertTimeout(outcome, "reply", new RegExp(`reply to "${verb} (f\\.txt|up\\.bin)"`));
      assert.equal(client.state, "unconnected");
    },
  })),
  {
    name: "a 421 mid-transfer (the server hangs up): an error at once, not a wait",
    async run() {
      await using server = hostileServer({
        script: async (line: string, session: HostileSession) => {
          if (!line.startsWith("RETR")) return false;
          await session.write("150 Here it comes\r\n");
          const data = await session.data();
          await writeAll(data, pseudoRandomBytes(64 * 1024));
          await pause(50);
          await session.write("421 Timeout, closing the control connection\r\n");
          session.drop();
          return true;
        },
      });
      await using result = await withClient(server.port, {}, download);
      const { outcome } = result;
      const error = outcome.error;
      assert.ok(
        error instanceof FtpTransientError || error instanceof FtpConnectionError,
        String(error),
      );
      assertWithin(outcome, T);
    },
  },
  {
    name: "the goodbye never comes: close() waits only the grace",
    async run() {
      await using server = hostileServer({
        script: (line: string, session: HostileSession) => {
          if (line !== "QUIT") return false;
          session.mute();
          return true;
        },
      });
      const client = await FtpClient.connect(waitOptions(server.port, { replyTimeout: LONG }));
      const outcome = await timed(() => client.close());
      assert.equal(outcome.error, undefined);
      assertWithin(outcome, 1000 + 1000);
      assert.equal(client.state, "unconnected");
    },
  },
  {
    name:
      "the caller aborts a stalled download and ABOR is met with silence: within the reply timeout",
    async run() {
      await using server = stallAfter150("RETR", "silent");
      await using result = await withClient(server.port, {}, (client) => {
        const signal = AbortSignal.timeout(200);
        return client.download("f.txt", { signal }).then(readAll);
      });
      const { outcome } = result;
      assert.ok(outcome.error instanceof FtpAbortError, String(outcome.error));
      assertWithin(outcome);
    },
  },
];

Deno.test("a transfer that stalls after the 150 (download, upload, listing, active mode): a data or data-connection timeout; silent after ABOR, only the grace", async () => {
  await runWaitCases(stallCases);
});

Deno.test("a final reply that never comes, a 421 mid-transfer, a goodbye that never comes, a caller's abort", async () => {
  await runWaitCases(finalReplyCases);
});
