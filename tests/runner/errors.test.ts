// The runner's own errors are FtpError subclasses that scripts can import
// from @ferry/ftp/runner, and the names reports show are those classes'
// names: a script may test `error.name === PlanError.name`.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpError } from "../../mod.ts";
import { LocalLinkError, PlanError, TransientRunError } from "../../src/runner/mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";
import { breaksConnection, errorInfo, isTransient } from "../../src/runner/_retry.ts";

Deno.test("the runner's errors are exported FtpError subclasses with the names reports show", () => {
  const errors = [
    [new PlanError("dist does not exist"), "PlanError"],
    [new TransientRunError("a.bin: received 1 of 2 bytes"), "TransientRunError"],
    [new LocalLinkError("/srv/mirror/docs"), "LocalLinkError"],
  ] as const;
  for (const [error, name] of errors) {
    assert.ok(error instanceof FtpError, name);
    assert.ok(error instanceof Error, name);
    assert.equal(error.name, name);
    assert.equal(error.constructor.name, name);
  }
  assert.equal(new LocalLinkError("/srv/mirror/docs").path, "/srv/mirror/docs");
  const cause = new Error("underneath");
  assert.equal(new PlanError("x", { cause }).cause, cause);
});

Deno.test("a report names each runner error by its exported class", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "pub/a.txt": "server data\n" });
  await writeTree(dir.path, {
    "victim.txt": "must survive",
    "out/": "",
    "big.bin": "x".repeat(5000),
  });
  await Deno.symlink(join(dir.path, "victim.txt"), join(dir.path, "out/a.txt.ferry-part"));
  server.faults.uploadKeepBytes = 100;
  const report = await runSteps(
    dir.path,
    server,
    `  - { get: { from: pub/missing.txt, to: out/ }, continueOnError: true }
  - { get: { from: pub/a.txt, to: out/ }, continueOnError: true }
  - { put: { from: big.bin, to: pub/, atomic: true }, retries: 0, continueOnError: true }
`,
  );
  assert.equal(report.steps[0].error?.name, PlanError.name);
  assert.equal(report.steps[1].actions[0].error?.name, LocalLinkError.name);
  const upload = report.steps[2].actions.find((a) => a.action === "upload");
  assert.equal(upload?.error?.name, TransientRunError.name, JSON.stringify(report.steps[2]));
  assert.match(upload!.error!.message, /holds 100 of 5000 bytes/);
});

Deno.test("a report shows the string code an FtpError of ferry's own carries", () => {
  class DifferenceError extends FtpError {
    readonly code = "size";
  }
  const info = errorInfo(new DifferenceError("size differs"), (text) => text);
  assert.deepEqual(info, { name: "FtpError", code: "size", message: "size differs" });
  const plain = Object.assign(new Error("not ferry's"), { code: "EPIPE" });
  assert.equal(errorInfo(plain, (text) => text).code, undefined);
});

Deno.test("the runner retries what an error calls retryable, and replaces the connection it says is broken", () => {
  // An error class the runner has never heard of: only its own word counts.
  class FlakyError extends FtpError {
    override get retryable() {
      return true;
    }
    override get breaksConnection() {
      return true;
    }
  }
  assert.equal(isTransient(new FlakyError("flaky")), true);
  assert.equal(breaksConnection(new FlakyError("flaky")), true);
  assert.equal(isTransient(new FtpError("plain")), false);
  assert.equal(breaksConnection(new FtpError("plain")), false);
  assert.equal(isTransient(new Deno.errors.NotFound("local")), false, "a local error is final");
});
