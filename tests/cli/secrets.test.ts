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

// ---- Readable as well as safe (issue 11, point 6) -------------------------

Deno.test("a one-letter password is hidden where it stands, and unrelated text is not mangled", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { bob: "x" }, anonymous: false });
  let echoLogin = true;
  server.faults.onCommand = (c) =>
    c.verb === "PASS" && echoLogin
      ? { reply: `530 Login incorrect for bob/${c.argument}\r\n` }
      : undefined;
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://bob@127.0.0.1:${server.port}/", password: "\${FTP_PASSWORD}"`,
    `  - mkdir: [box-x/should-not-exist]
`,
  );
  const env = { FTP_PASSWORD: "x" };
  const refused = await ferry(["run", task, "--verbose"], { cwd: dir.path, env });
  assert.equal(refused.code, 1);
  assert.match(refused.stdout + refused.stderr, /530 Login incorrect for bob\/\*\*\*/);

  echoLogin = false;
  for (const args of [["run", task, "--verbose"], ["plan", task]]) {
    const result = await ferry(args, { cwd: dir.path, env });
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 0, output);
    assert.match(output, /box-x\/should-not-exist/);
    // The only stars are the PASS argument in the trace.
    for (const line of output.split("\n").filter((l) => l.includes("***"))) {
      assert.match(line, /> PASS \*\*\*$/, output);
    }
  }
  assert.ok((await Deno.stat(join(server.root, "box-x/should-not-exist"))).isDirectory);
  const url = `ftp://bob:x@127.0.0.1:${server.port}/box-x/`;
  const ls = await ferry(["ls", url]);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /should-not-exist/);
});

Deno.test("a password echoed percent-encoded in any form is hidden (S3cr3t-P4ss%21)", async () => {
  await using dir = await tempDir();
  const password = "S3cr3t-P4ss!";
  await using server = await FtpTestServer.start({ users: { bob: password }, anonymous: false });
  await writeTree(server.root, { "pub/a.txt": "a\n" });
  const forms = ["S3cr3t-P4ss!", "S3cr3t-P4ss%21", "S3cr3t%2DP4ss%21", "S3cr3t%2dP4ss%21"];
  let form = 0;
  server.faults.onCommand = (c) =>
    c.verb === "RETR" ? { reply: `550 ${forms[form]} is not a file name here\r\n` } : undefined;
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://bob@127.0.0.1:${server.port}/", password: "\${FTP_PASSWORD}"`,
    `  - get: { from: pub/a.txt, to: out/ }
`,
  );
  const url = `ftp://bob:${encodeURIComponent(password)}@127.0.0.1:${server.port}/pub/a.txt`;
  for (form = 0; form < forms.length; form++) {
    for (const args of [["run", task, "--verbose", "--json"], ["get", url, "--verbose"]]) {
      const result = await ferry(args, { cwd: dir.path, env: { FTP_PASSWORD: password } });
      const output = result.stdout + result.stderr;
      assert.equal(result.code, 1, output);
      assert.match(output, /550 \*\*\* is not a file name here/, forms[form]);
      for (const leaked of [...forms, "S3cr3t", "P4ss"]) {
        assert.ok(!output.includes(leaked), `${forms[form]}: ${leaked} leaked:\n${output}`);
      }
    }
  }
});

/** A listener on another loopback address that records whether anything connects. */
function recorder() {
  const listener = Deno.listen({ hostname: "127.0.0.2", port: 0 });
  let connections = 0;
  (async () => {
    for await (const conn of listener) {
      connections++;
      conn.close();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get connections() {
      return connections;
    },
    [Symbol.dispose]: () => listener.close(),
  };
}

Deno.test("a URL whose password holds an unencoded @ / or # is refused: no connection, no piece shown", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { bob: "unused" } });
  using decoy = recorder();
  const real = `127.0.0.1:${server.port}`;
  // Each would have reached 127.0.0.2 (the decoy) or shown a piece of the password.
  const urls = [
    `ftp://bob:Qz7@127.0.0.2:${decoy.port}/Vw9@${real}/`,
    `ftp://127.0.0.2:${decoy.port}/Vw9@${real}/`,
    `ftp://bob:Qz7@Vw9@${real}/`,
    `ftp://bob:Qz7#Vw9@${real}/`,
    `ftp://bob:Qz7/Vw9@${real}/`,
  ];
  const pieces = /Qz7|Vw9/;
  for (const url of urls) {
    for (const args of [["ls", url], ["get", `${url}a.txt`, "out.txt"], ["put", "x", url]]) {
      const result = await ferry(args, { cwd: dir.path });
      const output = result.stdout + result.stderr;
      assert.equal(result.code, 2, `${args.join(" ")}\n${output}`);
      assert.match(output, /percent-encode/, output);
      assert.ok(!pieces.test(output), `${args.join(" ")}: a piece leaked:\n${output}`);
    }
    const task = await writeServerTask(dir.path, `url: "${url}"`, "  - mkdir: made\n");
    const result = await ferry(["run", task], { cwd: dir.path });
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 2, output);
    assert.match(output, /task\.yaml:2:\d+: connection\.url: .*percent-encode/, output);
    assert.ok(!pieces.test(output), `task: a piece leaked:\n${output}`);
  }
  assert.equal(decoy.connections, 0);
  assert.deepEqual(server.commands, []);
});
