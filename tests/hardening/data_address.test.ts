// PASV and EPSV replies that try to send the data connection elsewhere: a
// 227 naming another host (127.0.0.2, 127.1.2.3, ...) or an impossible
// port, and EPSV bodies that are malformed or name a host. Without
// trustPasvHost the client connects only to the control connection's peer
// (or refuses the reply); with it, it goes where it was told.
//
// No test names an address outside loopback. The tests that could reach
// another host run with net permission for 127.0.0.1 and the decoy's
// 127.0.0.2 only: the decoy (tests/_decoy.ts) listens at every port a 227
// announces for it and records connections, and a client that tried any
// other address fails with NotCapable instead of sending a packet.
//
// Covered elsewhere: the codecs' units (tests/protocol/data_address.test.ts)
// and trustPasvHost with 127.0.0.3 (tests/client/regressions.test.ts).

import assert from "node:assert/strict";
import { FtpClient, FtpConnectionError, FtpProtocolError } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { Decoy } from "../_decoy.ts";

const LOOPBACK_ONLY: Deno.PermissionOptionsObject = {
  net: ["127.0.0.1", Decoy.HOST],
  read: true,
  write: true,
  env: true,
};
const ELSEWHERE = [Decoy.HOST, "127.1.2.3", "127.255.255.254"];

Deno.test({
  name: "a 227 naming another host: the client connects to the control peer instead",
  permissions: LOOPBACK_ONLY,
  fn: async () => {
    // A client that went to the decoy fails in seconds: nobody comes to the server's port.
    await using server = await FtpTestServer.start({
      disabledCommands: ["EPSV"],
      dataTimeoutMs: 3_000,
    });
    await Deno.writeTextFile(`${server.root}/f.txt`, "from the real server");
    await using decoy = new Decoy();
    await using client = await FtpClient.connect({ port: server.port, debug: decoy.debug });
    for (const host of ELSEWHERE) {
      server.faults.pasvAddress = host;
      assert.equal(
        await new Response(await client.download("f.txt")).text(),
        "from the real server",
        host,
      );
      await client.upload("up.txt", host);
      assert.equal(await Deno.readTextFile(`${server.root}/up.txt`), host);
      assert.deepEqual((await client.list()).map((e) => e.name).sort(), ["f.txt", "up.txt"]);
    }
    assert.deepEqual(decoy.connections, []);
  },
});

Deno.test({
  name:
    "with trustPasvHost the announced host is used (and, here, not permitted): no silent fallback",
  permissions: LOOPBACK_ONLY,
  fn: async () => {
    await using server = await FtpTestServer.start({ disabledCommands: ["EPSV"] });
    await Deno.writeTextFile(`${server.root}/f.txt`, "x");
    await using client = await FtpClient.connect({
      port: server.port,
      trustPasvHost: true,
      connectTimeout: 2_000,
    });
    for (const host of ["127.0.0.3", "127.1.2.3"]) {
      server.faults.pasvAddress = host;
      const error = await client.download("f.txt").catch((e) => e);
      // NotCapable proves the client tried the announced host, and only that.
      assert.ok(error instanceof FtpConnectionError, `${host}: ${error}`);
      assert.match(
        `${error.message} ${error.cause ?? ""}`,
        new RegExp(host.replaceAll(".", "\\.")),
      );
      if (client.state !== "loggedIn") await client.connect();
    }
  },
});

const BAD_PASV = [
  "227 Entering Passive Mode (127,0,0,1,0,0)", // port 0
  "227 Entering Passive Mode (127,0,0,1,256,0)", // 65536
  "227 Entering Passive Mode (127,0,0,1,255,256)", // 65536 too
  "227 Entering Passive Mode (127,0,0,1,1000,1)",
  "227 Entering Passive Mode (300,0,0,1,4,1)",
  "227 Entering Passive Mode (127,0,0,1,-4,1)",
  "227 Entering Passive Mode",
  "227 =127,0,0,1",
];

const BAD_EPSV = [
  "229 Entering Extended Passive Mode (|||0|)",
  "229 Entering Extended Passive Mode (|||65536|)",
  "229 Entering Extended Passive Mode (|||99999|)",
  "229 Entering Extended Passive Mode (|||-1|)",
  "229 Entering Extended Passive Mode (|||+21|)",
  "229 Entering Extended Passive Mode (|||0x50|)",
  "229 Entering Extended Passive Mode (|||12 34|)",
  "229 Entering Extended Passive Mode (|1|127.0.0.2|2121|)",
  "229 Entering Extended Passive Mode (|2|::1|2121|)",
  "229 Entering Extended Passive Mode (||||)",
  "229 Entering Extended Passive Mode (|||2121)",
  "229 Entering Extended Passive Mode |||2121|",
  "229 Entering Extended Passive Mode (   2121 )",
  "229 Entering Extended Passive Mode (\u00002121\u0000)",
];

Deno.test({
  name:
    "a 227 with an impossible port and a malformed 229: FtpProtocolError, no transfer command sent",
  permissions: LOOPBACK_ONLY,
  fn: async (t) => {
    for (const [verb, replies] of [["PASV", BAD_PASV], ["EPSV", BAD_EPSV]] as const) {
      await using server = await FtpTestServer.start({
        disabledCommands: verb === "PASV" ? ["EPSV"] : [],
      });
      await Deno.writeTextFile(`${server.root}/f.txt`, "x");
      await using client = await FtpClient.connect({ port: server.port });
      for (const reply of replies) {
        await t.step(`${verb}: ${JSON.stringify(reply)}`, async () => {
          server.faults.onCommand = (
            c,
          ) => (c.verb === verb ? { reply: `${reply}\r\n` } : undefined);
          let before = server.commands.length;
          let error = await client.download("f.txt").then((s) => new Response(s).text(), (e) => e);
          if (error === "x") {
            // The download used an address asked for with the last one's
            // RETR, before the fault; the reply above answered the EPSV sent
            // with this one's: the next download reads it.
            before = server.commands.length;
            error = await client.download("f.txt").catch((e) => e);
          }
          assert.ok(error instanceof FtpProtocolError, `${reply}: ${error}`);
          const sent = server.commands.slice(before);
          assert.ok(!sent.includes("RETR f.txt"), `RETR was sent after ${reply}`);
          server.faults.onCommand = undefined;
          // Either the connection was closed, or it is still in step.
          if (client.state !== "loggedIn") await client.connect();
          assert.equal(await client.pwd(), "/");
          assert.equal(await new Response(await client.download("f.txt")).text(), "x");
        });
      }
    }
  },
});

Deno.test({
  name: "EPSV refused: the PASV fallback still ignores the announced host",
  permissions: LOOPBACK_ONLY,
  fn: async () => {
    await using server = await FtpTestServer.start({
      faults: { pasvAddress: Decoy.HOST },
      dataTimeoutMs: 3_000,
    });
    await Deno.writeTextFile(`${server.root}/f.txt`, "fallback");
    server.faults.onCommand = (c) =>
      c.verb === "EPSV" ? { reply: "500 EPSV not understood\r\n" } : undefined;
    await using decoy = new Decoy();
    await using client = await FtpClient.connect({ port: server.port, debug: decoy.debug });
    assert.equal(await new Response(await client.download("f.txt")).text(), "fallback");
    assert.ok(server.commands.includes("PASV"));
    assert.deepEqual(decoy.connections, []);
  },
});
