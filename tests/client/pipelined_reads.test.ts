// Replies that come together (a batch of MDTMs, the login's set-up) are
// taken as they came, without a reading layer each: Session.readPipelined
// judges a reply that is there already with no frame of its own, and only a
// reply still to come goes through ControlConnection.read (and the async
// frame around it). Counted, not timed: the server below writes each
// flight's replies in one write, so the count does not depend on the load.

import assert from "node:assert/strict";
import { FtpClient } from "../../mod.ts";
import { ControlConnection } from "../../src/transport/control_connection.ts";
import { scriptedServer } from "../_scripted_server.ts";

const PATHS = 100;
const TIME = "20240102030405";

/**
 * A server whose replies to a flight of commands go in one write: held until
 * the flight's last command (USER alone; PWD ends the login's set-up; EPSV,
 * sent ahead, ends a batch of MDTMs).
 */
function batchingServer() {
  let held = "";
  const replies: Record<string, string> = {
    USER: "331 Password please\r\n",
    PASS: "230 Logged in\r\n",
    FEAT: "211-Features:\r\n MDTM\r\n211 End\r\n",
    TYPE: "200 Type set\r\n",
    OPTS: "200 OK\r\n",
    PWD: '257 "/" is the current directory\r\n',
    MDTM: `213 ${TIME}\r\n`,
    EPSV: "229 Entering Extended Passive Mode (|||40000|)\r\n",
    QUIT: "221 Bye\r\n",
  };
  const endsFlight = new Set(["USER", "PWD", "EPSV", "QUIT"]);
  return scriptedServer(async (line, io) => {
    const verb = line.split(" ")[0].toUpperCase();
    held += replies[verb] ?? "502 Not implemented\r\n";
    if (endsFlight.has(verb)) {
      const text = held;
      held = "";
      await io.write(text);
    }
    return true;
  });
}

/** Counts the calls of `ControlConnection.read` during `work`. */
async function countReads(work: () => Promise<void>): Promise<number> {
  const original = ControlConnection.prototype.read;
  let reads = 0;
  ControlConnection.prototype.read = function (this: ControlConnection, ...args) {
    reads++;
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    ControlConnection.prototype.read = original;
  }
  return reads;
}

Deno.test("replies that came together are taken without a read each: a batch of MDTMs and the login's set-up", async () => {
  await using server = batchingServer();
  let client: FtpClient | undefined;
  // The greeting, USER's 331, then PASS's 230 with the set-up's four
  // replies (FEAT, TYPE, OPTS, PWD) behind it in the same write.
  const loginReads = await countReads(async () => {
    client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  });
  await using _ = client!;
  const paths = Array.from({ length: PATHS }, (_, i) => `f${i}.bin`);
  let times: (Date | Error)[] = [];
  const batchReads = await countReads(async () => {
    times = await client!.lastModifiedAll(paths);
  });
  assert.equal(times.length, PATHS);
  for (const time of times) {
    assert.ok(time instanceof Date, String(time));
    assert.equal(time.toISOString(), "2024-01-02T03:04:05.000Z");
  }
  // The MDTMs and the EPSV went in one write, answered in one.
  const mdtms = server.received.filter((line) => line.startsWith("MDTM "));
  assert.equal(mdtms.length, PATHS);
  assert.ok(server.received.includes("EPSV"), server.received.join(", "));
  // The first MDTM's reply is awaited (a read); the other 99 were there
  // already. A read each was 100 (and 7 for the login).
  assert.ok(batchReads >= 1, `${batchReads} reads: are they counted?`);
  assert.ok(batchReads <= 2, `${batchReads} reads for ${PATHS} MDTM replies that came together`);
  assert.ok(loginReads >= 3 && loginReads <= 4, `${loginReads} reads for the login`);
});
