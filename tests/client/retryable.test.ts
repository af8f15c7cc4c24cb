// Every error says whether a retry may help (`retryable`) and whether the
// connection that saw it is still usable (`breaksConnection`), so that a
// script (and the runner) retries without classifying errors itself. Each
// is checked on the error as ferry throws it from a real exchange where
// one can be provoked, and for every class in a table.

import assert from "node:assert/strict";
import {
  FtpAbortError,
  FtpClient,
  FtpConnectionError,
  FtpError,
  FtpInputError,
  FtpLimitError,
  FtpPermanentError,
  FtpProtocolError,
  FtpSizeMismatchError,
  FtpTimeoutError,
  FtpTlsError,
  FtpTransientError,
  FtpUnexpectedReplyError,
  FtpUnsupportedError,
} from "../../mod.ts";
import { LocalLinkError, PlanError, TransientRunError, VerifyError } from "../../src/runner/mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";

const reply = (code: number) => ({ code, text: "text", lines: [`${code} text`] });

Deno.test("each error class says whether a retry may help and whether its connection is gone", () => {
  const denied = new FtpConnectionError("refused", "no", {
    cause: new Deno.errors.NotCapable("Requires net access"),
  });
  const table: [FtpError, boolean, boolean][] = [
    [new FtpTransientError(reply(450), "RETR a"), true, false],
    [new FtpTransientError(reply(421), "NOOP"), true, false],
    [new FtpPermanentError(reply(550), "RETR a"), false, false],
    [new FtpUnexpectedReplyError(reply(226), "RETR a"), false, false],
    [new FtpProtocolError("garbled"), true, true],
    [new FtpConnectionError("reset", "reset"), true, true],
    [new FtpConnectionError("closed", "closed"), true, true],
    [new FtpConnectionError("refused", "refused"), true, true],
    [new FtpConnectionError("host-not-found", "no such host"), false, true],
    [new FtpConnectionError("denied", "--allow-net"), false, true],
    [denied, false, true],
    [new FtpTimeoutError("reply", 100, "waiting"), true, true],
    [new FtpTimeoutError("data", 100, "waiting"), true, true],
    [new FtpTlsError("handshake", "data", { connection: "data" }), true, false],
    [new FtpTlsError("handshake", "control", { connection: "control" }), false, false],
    [new FtpTlsError("certificate", "untrusted", { connection: "data" }), false, false],
    [new FtpTlsError("session-reuse", "reuse", { connection: "data" }), false, false],
    [new FtpSizeMismatchError("a.bin", 10, 5, "short"), true, false],
    [new FtpAbortError(), false, false],
    [new FtpInputError("bad"), false, false],
    [new FtpUnsupportedError("no MFMT"), false, false],
    [new FtpLimitError("maxListingBytes", "too long"), false, false],
    [new FtpError("plain"), false, false],
    [new PlanError("dist does not exist"), false, false],
    [new TransientRunError("a.bin: received 1 of 2 bytes"), true, false],
    [new LocalLinkError("/srv/mirror/docs"), false, false],
    [new VerifyError("size", "size differs"), false, false],
  ];
  for (const [error, retryable, breaks] of table) {
    const label = `${error.name} ${error.message}`;
    assert.equal(error.retryable, retryable, `${label}: retryable`);
    assert.equal(error.breaksConnection, breaks, `${label}: breaksConnection`);
  }
});

Deno.test("errors met for real: a 4xx keeps the connection, a 5xx is final, a timeout loses the connection", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/a.txt`, "alpha\n");
  await using client = await FtpClient.connect({ port: server.port, replyTimeout: 300 });

  server.faults.onCommand = (c) =>
    c.verb === "RETR" ? { reply: "450 File busy, try later.\r\n" } : undefined;
  const busy = await client.downloadTo("a.txt", new WritableStream()).catch((e) => e);
  assert.ok(busy instanceof FtpTransientError, String(busy));
  assert.deepEqual([busy.retryable, busy.breaksConnection], [true, false]);
  assert.equal(await client.pwd(), "/", "the connection is still usable, as it said");

  server.faults = {};
  const missing = await client.downloadTo("none.txt", new WritableStream()).catch((e) => e);
  assert.ok(missing instanceof FtpPermanentError, String(missing));
  assert.deepEqual([missing.retryable, missing.breaksConnection], [false, false]);

  server.faults.onCommand = (c) => (c.verb === "NOOP" ? { stall: true } : undefined);
  const silent = await client.noop().catch((e) => e);
  assert.ok(silent instanceof FtpTimeoutError, String(silent));
  assert.deepEqual([silent.retryable, silent.breaksConnection], [true, true]);
  assert.equal(client.state, "unconnected", "the connection is gone, as it said");
});

Deno.test("errors met for real: a refused connection may be retried, a Deno permission refusal may not", async () => {
  // A port nobody listens on: the listener is closed before the connection.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const refused = await FtpClient.connect({ port, connectTimeout: 2000 }).catch((e) => e);
  assert.ok(refused instanceof FtpConnectionError, String(refused));
  assert.equal(refused.kind, "refused");
  assert.deepEqual([refused.retryable, refused.breaksConnection], [true, true]);

  // The same, in a process that may not connect there at all.
  const script = `
    import { FtpClient } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
    const e = await FtpClient.connect({ port: ${port}, connectTimeout: 2000 }).catch((e) => e);
    console.log(JSON.stringify([e.name, e.kind, e.retryable, e.breaksConnection]));
  `;
  await using dir = await tempDir();
  const file = `${dir.path}/connect.ts`;
  await Deno.writeTextFile(file, script);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--no-check", "--allow-read", file],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim();
  assert.deepEqual(
    JSON.parse(text),
    ["FtpConnectionError", "denied", false, true],
    new TextDecoder().decode(output.stderr),
  );
});
