// The delay proxy's reading of a control connection, fed by hand: flights,
// command lines and verbs split across reads, and passive replies rewritten
// to the proxy's own listener wherever the reads cut them.

import assert from "node:assert/strict";
import { ControlTap } from "../../bench/_control_tap.ts";
import { text } from "../_helpers.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function tap() {
  const announced: { host: string; port: number }[] = [];
  const control = new ControlTap("127.0.0.1", "127.0.0.2", (host, port) => {
    announced.push({ host, port });
    return 40_000 + announced.length;
  });
  return { control, announced };
}

Deno.test("control tap: a flight is what the client sends until the server has spoken", () => {
  const { control } = tap();
  control.fromClient(text("USER anonymous\r\n"));
  control.deliveredToClient();
  // Two reads without a reply in between: one flight of two commands.
  control.fromClient(text("PASS x\r\n"));
  control.fromClient(text("TYPE I\r\nEPSV\r\n"));
  control.deliveredToClient();
  control.fromClient(text("RETR a\r\n"));
  control.deliveredToClient();
  // The client closing a data connection after the data came waited for it too.
  control.dataFromClient();
  control.deliveredToClient();
  control.fromClient(text("QUIT\r\n"));
  assert.deepEqual(control.record.commandsPerFlight, [1, 3, 1, 0, 1]);
  assert.deepEqual(control.record.verbs, {
    USER: 1,
    PASS: 1,
    TYPE: 1,
    EPSV: 1,
    RETR: 1,
    QUIT: 1,
  });
});

Deno.test("control tap: verbs split across reads are counted once, arguments never kept", () => {
  const { control } = tap();
  for (const piece of ["PA", "SS hunter2-secret\r", "\nRE", "TR some", " file\r\nNO", "OP\r\n"]) {
    control.fromClient(text(piece));
  }
  assert.deepEqual(control.record.verbs, { PASS: 1, RETR: 1, NOOP: 1 });
  assert.deepEqual(control.record.commandsPerFlight, [3]);
  assert.doesNotMatch(JSON.stringify(control.record), /hunter2/);
});

Deno.test("control tap: PASV and EPSV replies point at the proxy, cut anywhere", () => {
  const replies =
    "220 ready\r\n227 Entering Passive Mode (127,0,0,1,117,48).\r\n229 Entering Extended " +
    "Passive Mode (|||30001|)\r\n226 Done (127,0,0,1,1,2)\r\n";
  const expected =
    "220 ready\r\n227 Entering Passive Mode (127,0,0,2,156,65).\r\n229 Entering Extended " +
    "Passive Mode (|||40002|)\r\n226 Done (127,0,0,1,1,2)\r\n";
  for (let cut = 0; cut <= replies.length; cut++) {
    const { control, announced } = tap();
    const out = decode(control.fromServer(text(replies.slice(0, cut)))) +
      decode(control.fromServer(text(replies.slice(cut)))) + decode(control.serverEnded());
    assert.equal(out, expected, `cut at ${cut}`);
    assert.deepEqual(announced, [
      { host: "127.0.0.1", port: 117 * 256 + 48 },
      { host: "127.0.0.1", port: 30001 },
    ]);
  }
});

Deno.test("control tap: only a line that may be a passive reply waits for its end", () => {
  const { control } = tap();
  // Not a passive reply: on at once, however it is cut.
  assert.equal(decode(control.fromServer(text("220 hel"))), "220 hel");
  assert.equal(decode(control.fromServer(text("lo\r\n2"))), "lo\r\n");
  // "2" may become "227 ": held until it cannot ("23"), or until its line is whole.
  assert.equal(decode(control.fromServer(text("3"))), "23");
  assert.equal(decode(control.fromServer(text("0 ok\r\n22"))), "0 ok\r\n");
  assert.equal(decode(control.fromServer(text("7 Entering (127,0,0,1,"))), "");
  assert.equal(
    decode(control.fromServer(text("4,1)\r\n331 pa"))),
    "227 Entering (127,0,0,2,156,65)\r\n331 pa",
  );
  assert.equal(decode(control.fromServer(text("ss\r\n229 (|||"))), "ss\r\n");
  // The server closes in the middle of one: what is held goes on as it is.
  assert.equal(decode(control.serverEnded()), "229 (|||");
  // A line far longer than any reply goes on without waiting for its end.
  const { control: other } = tap();
  const long = "227 " + "x".repeat(10_000);
  assert.equal(decode(other.fromServer(text(long))), long);
  assert.equal(decode(other.fromServer(text("tail\r\n"))), "tail\r\n");
});
