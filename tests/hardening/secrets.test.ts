// The password never shows: not in thrown errors (message, stack, causes),
// not in the debug trace, not in the CLI's output with --verbose, not in
// --json or --report, whatever fails: a wrong password, a server that
// drops, stalls, garbles or refuses at login, dropped transfers and
// reconnections mid-run, TLS failures, and a server that echoes the
// password back in its replies.
//
// Covered elsewhere: a refused raw PASS command (tests/client/
// regressions.test.ts), passwords in URLs and commands (tests/protocol/),
// the CLI's happy paths and bad task files (tests/cli/steps.test.ts,
// tests/cli/errors.test.ts, tests/cli/oneshot.test.ts).

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, FtpError } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { makeTestPki } from "../_servers/certs.ts";
import { pseudoRandomBytes, tempDir } from "../_helpers.ts";
import { ferry, type FerryResult, writeTask, writeTree } from "../cli/_ferry.ts";
import { hostileServer } from "./_hostile_server.ts";
import { assertNoSecret, connectAs, errorText, SECRET } from "./_helpers.ts";

const ENCODED = encodeURIComponent(SECRET);

/** How a login can go wrong, by what the server does with PASS. */
const AT_PASS: Record<string, string | "drop" | "stall"> = {
  "530": "530 Login incorrect\r\n",
  "421": "421 Too many users, closing\r\n",
  "332 without an account": "332 Need account\r\n",
  "malformed": "2x0 what\r\n",
  "dropped": "drop",
  "stalled": "stall",
};

Deno.test("library: no error, cause, stack or trace line carries the password, whatever fails at login", async () => {
  for (const [label, action] of Object.entries(AT_PASS)) {
    await using server = hostileServer({
      script: async (line, session) => {
        if (!line.startsWith("PASS ")) return false;
        if (action === "drop") session.drop();
        else if (action === "stall") session.mute();
        else await session.write(action);
        return true;
      },
    });
    const trace: string[] = [];
    const error = await connectAs(server.port, trace, { replyTimeout: 300 }).catch((e) => e);
    assert.ok(error instanceof FtpError, `${label}: ${error}`);
    assertNoSecret(label, errorText(error), trace.join("\n"));
    assert.ok(trace.includes("send PASS ***"), trace.join("\n"));
  }
  // A URL with the password, to a port nobody listens on.
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const refused = await FtpClient.connect(`ftp://alice:${ENCODED}@127.0.0.1:${port}/`).catch((
    e,
  ) => e);
  assert.ok(refused instanceof FtpError, String(refused));
  assertNoSecret("refused", errorText(refused));
});

Deno.test({
  name: "library: a server that echoes the password back does not get it into errors or the trace",
  fn: async () => {
    await using server = hostileServer({
      script: async (line, session) => {
        if (!line.startsWith("PASS ")) return false;
        await session.write(`530 Login incorrect: '${line}' is not accepted\r\n`);
        return true;
      },
    });
    const trace: string[] = [];
    const error = await connectAs(server.port, trace).catch((e) => e);
    assert.ok(error instanceof FtpError, String(error));
    assertNoSecret("echo", errorText(error), trace.join("\n"));
  },
});

function assertNoSecretIn(label: string, result: FerryResult, ...more: string[]): void {
  assertNoSecret(label, result.stdout, result.stderr, ...more);
}

async function reportText(path: string): Promise<string> {
  return await Deno.readTextFile(path).catch(() => "");
}

Deno.test("CLI --verbose, --json and --report under failures, retries and reconnections: zero hits", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ users: { alice: SECRET }, anonymous: false });
  await writeTree(server.root, {
    "pub/a.bin": pseudoRandomBytes(300_000, 1),
    "pub/b.bin": pseudoRandomBytes(300_000, 2),
  });
  await writeTree(dir.path, { "site/c.bin": pseudoRandomBytes(300_000, 3) });
  server.faults.dataDropAfterBytes = 120_000; // every transfer: 426 mid-way, then resumed
  let stors = 0;
  let sizes = 0;
  server.faults.onCommand = (c) => {
    if (c.verb === "STOR" && ++stors === 1) return { drop: true }; // a reconnection, a new PASS
    if (c.verb === "SIZE" && ++sizes === 2) return { reply: "2x3 garbled\r\n" }; // a protocol error
    return undefined;
  };
  const task = await writeTask(
    dir.path,
    "task.yaml",
    `version: 1
connection: { url: "${server.url}", user: alice, password: "\${PW}", parallel: 2 }
steps:
  - { get: { from: "pub/*.bin", to: out/ }, retries: 6 }
  - { put: { from: site/c.bin, to: up/ }, retries: 6 }
  - { get: { from: pub/missing.bin, to: out/ }, continueOnError: true }
  - { rename: { from: nothing, to: else }, continueOnError: true }
  - { rm: pub/a.bin }
`,
  );
  const env = { PW: SECRET };
  const report = join(dir.path, "report.json");
  const run = await ferry(["run", task, "--verbose", "--report", report], { env, cwd: dir.path });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /PASS \*\*\*/, "the trace was printed");
  assert.ok((run.stdout.match(/PASS \*\*\*/g) ?? []).length >= 3, "logins after reconnections");
  assertNoSecretIn("run --verbose", run, await reportText(report));

  server.faults = {};
  const json = await ferry(["run", task, "--json", "--verbose"], { env, cwd: dir.path });
  assertNoSecretIn("run --json", json);
  const plan = await ferry(["plan", task, "--verbose"], { env, cwd: dir.path });
  assertNoSecretIn("plan", plan);

  // One-shots with the password in the URL and from the environment.
  const url = `ftp://alice:${ENCODED}@127.0.0.1:${server.port}`;
  for (
    const args of [
      ["get", `${url}/pub/nothing.bin`, "--verbose"],
      ["get", `${url}/nowhere/*.bin`, "out2/", "--verbose", "--json"],
      ["put", join(dir.path, "site/c.bin"), `${url}/no/such/dir/`, "--verbose"],
      ["ls", `${url}/not-here/`],
      ["rm", `${url}/pub/ghost.bin`],
      ["get", `ftp://alice@127.0.0.1:${server.port}/pub/nothing.bin`, "--password-env", "PW"],
    ]
  ) {
    const result = await ferry(args, { env, cwd: dir.path });
    assertNoSecretIn(args.join(" "), result);
  }
});

Deno.test("CLI --verbose when login itself fails (wrong password, echo, stall, TLS): zero hits", async () => {
  await using dir = await tempDir();
  const pki = await makeTestPki();
  await using wrong = await FtpTestServer.start({ users: { alice: "another" }, anonymous: false });
  await using echo = hostileServer({
    script: async (line, session) => {
      if (line.startsWith("PASS ")) {
        return await session.write(`530 Login incorrect for '${line.slice(5)}'\r\n`);
      }
      if (line.startsWith("USER ")) {
        return await session.write(`331 Password for ${line.slice(5)}, please\r\n`);
      }
      return false;
    },
  });
  await using stall = hostileServer({
    script: (line, session) => (line.startsWith("PASS ") ? (session.mute(), true) : false),
  });
  await using tls = await FtpTestServer.start({
    users: { alice: SECRET },
    tls: { cert: pki.selfSigned.certPem, key: pki.selfSigned.keyPem },
  });
  const servers: [string, string][] = [
    ["wrong password", `ftp://alice@127.0.0.1:${wrong.port}`],
    ["echoing server", `ftp://alice@127.0.0.1:${echo.port}`],
    ["stalled login", `ftp://alice@127.0.0.1:${stall.port}`],
    ["self-signed TLS", `ftpes://alice@localhost:${tls.port}`],
  ];
  for (const [label, url] of servers) {
    const task = await writeTask(
      dir.path,
      "task.yaml",
      `version: 1
connection: { url: "${url}", password: "\${PW}", replyTimeout: 1s, connectTimeout: 2s }
steps:
  - { get: { from: pub/x.bin, to: out/ }, retries: 0 }
`,
    );
    const report = join(dir.path, "report.json");
    await Deno.remove(report).catch(() => {});
    const result = await ferry(["run", task, "--verbose", "--report", report], {
      env: { PW: SECRET },
      cwd: dir.path,
    });
    assert.equal(result.code, 1, `${label}: ${result.stdout}${result.stderr}`);
    assertNoSecretIn(label, result, await reportText(report));
    const json = await ferry(["run", task, "--json"], { env: { PW: SECRET }, cwd: dir.path });
    assertNoSecretIn(`${label} --json`, json);
  }
  assert.ok(echo.received.some((l) => l === `PASS ${SECRET}`), "the echo server got it");
});
