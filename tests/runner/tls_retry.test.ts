// How the runner treats TLS failures: a data connection whose TLS handshake
// failed, or that the server refused after it, is worth another try, first
// on a new data connection (the same login), then on a new login (a new
// TLS session); certificate problems and a server that requires session
// reuse where ferry cannot give it are final.

import assert from "node:assert/strict";
import { FtpTlsError } from "../../mod.ts";
import { breaksConnection, isTransient } from "../../src/runner/_retry.ts";

const onData = (kind: ConstructorParameters<typeof FtpTlsError>[0]) =>
  new FtpTlsError(kind, `${kind} on the data connection`, { connection: "data" });

Deno.test("a TLS handshake failure on a data connection is transient: a new data connection, then a new login", () => {
  const error = onData("handshake");
  assert.equal(isTransient(error), true);
  assert.equal(breaksConnection(error, 1), false, "the first retry keeps the login");
  assert.equal(breaksConnection(error, 2), true, "the next one logs in again");
});

Deno.test("other TLS failures are final: certificates, session reuse ferry cannot give, the control connection", () => {
  for (const kind of ["certificate", "hostname", "expired", "session-reuse"] as const) {
    assert.equal(isTransient(onData(kind)), false, kind);
  }
  const control = new FtpTlsError("handshake", "on the control connection", {
    connection: "control",
  });
  assert.equal(isTransient(control), false);
  assert.equal(breaksConnection(control, 2), false);
});
