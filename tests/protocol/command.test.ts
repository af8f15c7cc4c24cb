import assert from "node:assert/strict";
import { FtpInputError } from "../../mod.ts";
import { assertSafeArgument, formatCommand, redactCommand } from "../../src/protocol/mod.ts";

Deno.test("formatCommand joins verb and argument, keeping spaces", () => {
  assert.equal(formatCommand("RETR", " a  b "), "RETR  a  b ");
  assert.equal(formatCommand("PWD"), "PWD");
});

Deno.test("formatCommand refuses CR, LF and NUL anywhere in the argument", () => {
  for (const bad of ["a\r\nDELE b", "a\nb", "a\rb", "a\0b"]) {
    assert.throws(() => formatCommand("RETR", bad), FtpInputError);
  }
  assert.throws(() => formatCommand("RE TR"), FtpInputError);
});

Deno.test("a refused password is never quoted in the error", () => {
  assert.throws(() => formatCommand("PASS", "hunter2\r\n"), (error: Error) => {
    assert.ok(error instanceof FtpInputError);
    assert.ok(!error.message.includes("hunter2"), error.message);
    return true;
  });
  assert.throws(() => assertSafeArgument("s3cret\n", "password", false), (error: Error) => {
    assert.ok(!error.message.includes("s3cret"));
    return true;
  });
});

Deno.test("redactCommand hides PASS and ACCT arguments only", () => {
  assert.equal(redactCommand("PASS hunter2"), "PASS ***");
  assert.equal(redactCommand("pass  two words"), "pass  ***");
  assert.equal(redactCommand("ACCT billing"), "ACCT ***");
  assert.equal(redactCommand("RETR PASS"), "RETR PASS");
  assert.equal(redactCommand("PASSWORD x"), "PASSWORD x");
});

Deno.test("redactCommand hides a password even when the line holds CR or LF", () => {
  assert.equal(redactCommand("PASS hunter2\r\nNOOP"), "PASS ***");
  assert.equal(redactCommand(" pass hunter2"), " pass ***");
});
