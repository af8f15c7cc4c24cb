// Aborting a call at any moment leaves nothing open. A download aborted 0
// to 3 ms after it was asked for is cut at every stage in turn (queued,
// EPSV, connecting the data connection, RETR, data flowing), many times
// over; afterwards no descriptor may remain. Runs in a child process with
// -A (Deno 2 lets only a fully permitted process read /proc/self/fd).
// The race it guards against is narrow: 1,000 rounds (about 8 s) show it
// on almost every run (1 to 4 sockets), and none once it is fixed.
//
// Covered elsewhere: descriptors after thousands of commands and transfers
// with faults (tests/hardening/soak.test.ts, bench/soak.ts); aborts that
// leave the session in step (tests/client/regressions.test.ts).

import assert from "node:assert/strict";

Deno.test({
  name: "downloads aborted at every moment leave no socket open",
  fn: async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./_leak_child.ts", import.meta.url).pathname, "1000"],
      env: { DENO_NO_UPDATE_CHECK: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    const result = JSON.parse(new TextDecoder().decode(output.stdout));
    assert.ok(result.aborted > 0, JSON.stringify(result));
    assert.equal(result.leaked, 0, JSON.stringify(result));
  },
});
