// The password never reaches stdout, stderr or a report, even when the
// server quotes it back in a reply (so the client's own redaction of PASS
// cannot be what hides it) and when an argument holding it is wrong.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { ferry, writeServerTask, writeTree } from "./_ferry.ts";

const PASSWORD = "Zebra-42-s3cr3t/@:";

function assertHidden(label: string, ...texts: string[]): void {
  for (const text of texts) {
    for (const form of [PASSWORD, encodeURIComponent(PASSWORD), "Zebra-42"]) {
      assert.ok(!text.includes(form), `${label}: ${JSON.stringify(form)} leaked:\n${text}`);
    }
  }
}

Deno.test("a server that echoes the password: hidden in run, plan, get, ls, --verbose, --json and --report", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { bob: PASSWORD }, anonymous: false });
  await writeTree(server.root, { "pub/a.txt": "a\n" });
  let echoLogin = true;
  server.faults.onCommand = (c) => {
    if (c.verb === "PASS" && echoLogin) {
      return { reply: `530 Login incorrect for bob/${c.argument}\r\n` };
    }
    if (c.verb === "RETR") return { reply: `550 ${PASSWORD} is not a file name here\r\n` };
    return undefined;
  };
  const url = `ftp://bob:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}`;
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://bob@127.0.0.1:${server.port}/", password: "\${FTP_PASSWORD}"`,
    `  - get: { from: pub/a.txt, to: out/ }
`,
  );
  const env = { FTP_PASSWORD: PASSWORD };
  const report = join(dir.path, "report.json");
  const runs = [
    ["run", task, "--verbose", "--report", report],
    ["plan", task, "--verbose"],
    ["run", task, "--json"],
    ["ls", `${url}/pub/`],
    ["get", `${url}/pub/a.txt`, "--verbose"],
  ];
  for (const args of runs) {
    const result = await ferry(args, { cwd: dir.path, env });
    assert.notEqual(result.code, 0, args.join(" "));
    assert.match(result.stdout + result.stderr, /530 Login incorrect for bob\/\*\*\*/, args[0]);
    assertHidden(args.join(" "), result.stdout, result.stderr);
  }
  assertHidden("report", await Deno.readTextFile(report));

  // Logged in; the server then quotes the password in a transfer's reply.
  echoLogin = false;
  for (const args of [["run", task, "--verbose", "--json"], ["get", `${url}/pub/a.txt`]]) {
    const result = await ferry(args, { cwd: dir.path, env });
    assert.equal(result.code, 1, args.join(" "));
    assert.match(result.stdout + result.stderr, /550 \*\*\* is not a file name here/);
    assertHidden(args.join(" "), result.stdout, result.stderr);
  }
});

Deno.test("a URL holding the password in a wrong place on the command line is not echoed", async () => {
  const url = `ftp://bob:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/pub/`;
  for (const args of [[url], ["ls", url, "extra"], ["get", url, "a", "b"], ["put", url]]) {
    const result = await ferry(args);
    assert.equal(result.code, 2, args.join(" "));
    assertHidden(args.join(" "), result.stdout, result.stderr);
  }
});
