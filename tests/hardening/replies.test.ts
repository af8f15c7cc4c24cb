// Hostile replies on the control connection: a 10 MB line without a line
// end, a multi-line reply that never ends, malformed codes, replies in
// 1-byte TCP segments, an unsolicited reply riding along with a solicited
// one, invalid UTF-8. Each must end in a protocol error with the connection
// closed and memory bounded (or, for invalid UTF-8, in the defined
// behaviour: U+FFFD), and no other session of the same server may notice.
//
// Already covered elsewhere (not repeated here): the reply parser's unit
// limits (tests/protocol/reply.test.ts), a 100 KB line over a 4 KiB limit,
// endless 1xx chatter, endless blank lines and a flood of 200 unsolicited
// replies (tests/client/faults.test.ts, tests/client/regressions.test.ts).

import assert from "node:assert/strict";
import { FtpClient, FtpConnectionError, FtpProtocolError } from "../../mod.ts";
import { hostileServer } from "./_hostile_server.ts";
import { assertNoSecret, connectAs, errorText, within } from "./_helpers.ts";
import { LIVE_MEMORY_FLAGS } from "../_live_memory.ts";

const MiB = 1 << 20;
const encoder = new TextEncoder();

/** A second session on the same server must not notice the attack on the first. */
async function assertBystanderFine(bystander: FtpClient): Promise<void> {
  assert.equal(bystander.state, "loggedIn");
  assert.equal(await bystander.pwd(), "/");
  assert.equal(await bystander.size("f.txt"), 3);
}

Deno.test("a 10 MB reply line without a line end: FtpProtocolError, connection closed, memory bounded, bystanders fine", async () => {
  let written = 0;
  await using server = hostileServer({
    files: { "/f.txt": "abc" },
    script: async (line, session) => {
      if (line !== "NOOP" || session.number !== 1) return false;
      const chunk = new Uint8Array(256 * 1024).fill(0x41);
      chunk.set(encoder.encode("200 "));
      // Bounded: 40 chunks of 256 KiB = 10 MiB, or until the client hangs up.
      for (let i = 0; i < 40; i++) {
        if (!(await session.write(chunk))) break;
        written += chunk.length;
      }
      return true;
    },
  });
  // The attacked client runs in a child process so that its memory can be
  // measured on its own: what stays alive after forced collections.
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      ...LIVE_MEMORY_FLAGS,
      new URL("./_rss_child.ts", import.meta.url).pathname,
      String(server.port),
    ],
    stdout: "piped",
    stderr: "piped",
  });
  const output = await within(60_000, "the child", child.output());
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  const result = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(result.error, "FtpProtocolError", result.message);
  assert.match(result.message, /longer than 65536 bytes/);
  assert.equal(result.state, "unconnected");
  const growth = (result.peak - result.baseline) / MiB;
  // Holding the line would keep at least 10 MiB (bytes) alive, more as text.
  assert.ok(growth < 8, `live memory grew by ${growth.toFixed(1)} MiB`);
  assert.ok(written < 10 * MiB, `the client read all ${written} bytes instead of hanging up`);

  await using bystander = await connectAs(server.port);
  await assertBystanderFine(bystander);
});

Deno.test("a multi-line reply that never ends: FtpProtocolError at the 1 MiB cap, promptly; bystanders fine", async () => {
  let lines = 0;
  await using server = hostileServer({
    files: { "/f.txt": "abc" },
    script: async (line, session) => {
      if (line !== "NOOP" || session.number !== 1) return false;
      await session.write("211-Here it comes\r\n");
      const text = " and more, for ever ".repeat(5) + "\r\n";
      // Bounded: stops when the client hangs up (or after 1M lines, ~100 MB).
      while (lines < 1_000_000 && await session.write(text)) lines++;
      return true;
    },
  });
  await using victim = await connectAs(server.port);
  await using bystander = await connectAs(server.port);
  const error = await within(20_000, "noop", victim.noop().catch((e) => e));
  assert.ok(error instanceof FtpProtocolError, String(error));
  assert.match(error.message, /over 1048576 bytes without ending it/);
  assert.equal(victim.state, "unconnected");
  assert.ok(lines < 100_000, `the client read ${lines} lines before hanging up`);
  const after = await victim.pwd().catch((e) => e);
  assert.ok(after instanceof FtpConnectionError && after.kind === "not-connected", String(after));
  await assertBystanderFine(bystander);
  assertNoSecret("error", errorText(error));
});

const MALFORMED = [
  "abc hello",
  "2x7 what",
  "600 above 5xx",
  "099 below 1xx",
  "000 zero",
  "20 two digits",
  "2000 four digits",
  "200\tno space or hyphen",
  "200",
  " 200 leading space",
  "\u0662\u0660\u0660 Arabic-Indic digits",
  "\uff12\uff10\uff10 fullwidth digits",
  "+200 sign",
];

Deno.test("malformed reply codes, as the greeting and as a reply: FtpProtocolError, connection closed", async (t) => {
  for (const bad of MALFORMED) {
    await t.step(`greeting ${JSON.stringify(bad)}`, async () => {
      await using server = hostileServer({ greeting: `${bad}\r\n` });
      const error = await FtpClient.connect({ port: server.port, replyTimeout: 5_000 }).catch((
        e,
      ) => e);
      assert.ok(error instanceof FtpProtocolError, `${JSON.stringify(bad)}: ${error}`);
      assert.deepEqual(server.received, [], "nothing was sent after a malformed greeting");
    });
    await t.step(`reply ${JSON.stringify(bad)}`, async () => {
      await using server = hostileServer({
        files: { "/f.txt": "abc" },
        script: async (line, session) => {
          if (line !== "NOOP" || session.number !== 1) return false;
          await session.write(`${bad}\r\n200 and a good one after it\r\n`);
          return true;
        },
      });
      await using victim = await connectAs(server.port);
      await using bystander = await connectAs(server.port);
      const error = await victim.noop().catch((e) => e);
      assert.ok(error instanceof FtpProtocolError, `${JSON.stringify(bad)}: ${error}`);
      assert.equal(victim.state, "unconnected");
      await assertBystanderFine(bystander);
    });
  }
});

Deno.test("every reply in 1-byte TCP segments: login, multi-line replies and a download work", async () => {
  const data = "one byte at a time\n";
  await using server = hostileServer({
    files: { "/f.txt": data },
    greeting: "220-Slow\r\n220 server\r\n",
    script: async (line, session) => {
      const verb = line.split(" ")[0];
      if (verb === "RETR") {
        await session.trickle(`150 Opening (${data.length} bytes)\r\n`);
        const conn = await session.data();
        await conn.write(encoder.encode(data));
        conn.close();
        await session.trickle("226-Transfer\r\n226 complete\r\n");
        return true;
      }
      // Every other reply: what the default handling would say, a byte at a time.
      const canned: Record<string, string> = {
        USER: "331 Password please\r\n",
        PASS: "230-Welcome\r\n230-  to the slow server\r\n230 Logged in\r\n",
        FEAT: "211-Features:\r\n SIZE\r\n EPSV\r\n UTF8\r\n211 End\r\n",
        OPTS: "200 OK\r\n",
        PWD: '257 "/" is current\r\n',
        TYPE: "200 OK\r\n",
        SIZE: `213 ${data.length}\r\n`,
      };
      if (canned[verb]) return await session.trickle(canned[verb]);
      return false; // EPSV and QUIT: the default replies.
    },
  });
  await using client = await connectAs(server.port);
  assert.deepEqual([...client.features.keys()].sort(), ["EPSV", "SIZE", "UTF8"]);
  assert.equal(client.welcome, "Slow\nserver");
  assert.equal(await client.pwd(), "/");
  assert.equal(await client.size("f.txt"), data.length);
  assert.equal(await new Response(await client.download("f.txt")).text(), data);
  assert.equal(await client.pwd(), "/");
});

Deno.test({
  name:
    "an unsolicited reply sent along with a solicited one is never taken as the next command's answer",
  fn: async () => {
    await using server = hostileServer({
      files: { "/f.txt": "abc" },
      script: async (line, session) => {
        if (line !== "NOOP") return false;
        await session.write("200 NOOP ok\r\n213 5\r\n"); // one reply too many
        return true;
      },
    });
    await using client = await connectAs(server.port);
    assert.equal(await client.size("f.txt"), 3); // TYPE I is now cached
    await client.noop();
    // The stale "213 5" must not become SIZE's answer: either the client
    // notices the extra reply (a protocol error) or it reads the real one.
    const size = await client.size("f.txt").catch((e) => e);
    if (size instanceof Error) {
      assert.ok(size instanceof FtpProtocolError, String(size));
      assert.equal(client.state, "unconnected");
    } else {
      assert.equal(size, 3, "SIZE answered with the unsolicited reply's number");
    }
  },
});

Deno.test("invalid UTF-8 in replies and names becomes U+FFFD (defined behaviour); the session stays in step", async () => {
  const latin1Name = Uint8Array.from([...encoder.encode("caf"), 0xe9]);
  await using server = hostileServer({
    files: { "/f.txt": "abc" },
    script: async (line, session) => {
      if (line === "PWD") {
        await session.write(
          Uint8Array.from([...encoder.encode('257 "/caf'), 0xe9, 0xff, ...encoder.encode('"\r\n')]),
        );
        return true;
      }
      if (line === "NOOP") {
        // An overlong encoding of "/" (C0 AF) and of "." (C0 AE): never "/" or ".." after decoding.
        await session.write(
          Uint8Array.from([
            ...encoder.encode("200 "),
            0xc0,
            0xae,
            0xc0,
            0xae,
            0xc0,
            0xaf,
            0x0d,
            0x0a,
          ]),
        );
        return true;
      }
      if (line === "NLST") {
        await session.write("150 Here it comes\r\n");
        const data = await session.data();
        await data.write(
          Uint8Array.from([...latin1Name, 0x0d, 0x0a, 0xc0, 0xae, 0xc0, 0xae, 0x0d, 0x0a]),
        );
        data.close();
        await session.write("226 Done\r\n");
        return true;
      }
      return false;
    },
  });
  const replies: string[] = [];
  await using client = await connectAs(server.port);
  client.addEventListener("reply", (e) => replies.push(e.reply.text));
  assert.equal(await client.pwd(), "/caf\ufffd\ufffd");
  await client.noop();
  assert.equal(replies.at(-1), "\ufffd".repeat(6));
  assert.deepEqual(await client.nlst(), ["caf\ufffd", "\ufffd".repeat(4)]);
  assert.equal(await client.size("f.txt"), 3, "still in step");
});
