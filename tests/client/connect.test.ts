import assert from "node:assert/strict";
import {
  FtpClient,
  FtpConnectionError,
  type FtpDebugMessage,
  FtpPermanentError,
  type FtpState,
} from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";

const PASSWORD = "s3cr:t@pw";

Deno.test("connect by URL: percent-decoded credentials, greeting, FEAT, UTF-8, path", async () => {
  await using server = await FtpTestServer.start({ users: { "al@ce": PASSWORD } });
  await Deno.mkdir(`${server.root}/pub dir`);
  const url = `ftp://al%40ce:${encodeURIComponent(PASSWORD)}@127.0.0.1:${server.port}/pub%20dir`;
  await using client = await FtpClient.connect(url);
  assert.equal(client.state, "loggedIn");
  assert.match(client.welcome ?? "", /\S/);
  assert.ok(client.features.has("MLST"), "FEAT was read");
  assert.equal(await client.pwd(), "/pub dir");
  assert.ok(server.commands.includes("USER al@ce"));
  assert.ok(server.commands.includes("PASS ***"));
  assert.ok(server.commands.includes("OPTS UTF8 ON"));
  assert.equal(server.commands.filter((c) => c === "FEAT").length, 1, "FEAT read once");
});

Deno.test("anonymous login by default, as ftplib", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  assert.equal(client.state, "loggedIn");
  assert.ok(server.commands.includes("USER anonymous"));
});

Deno.test("the ACCT step runs when the server answers 332", async () => {
  await using server = await FtpTestServer.start({
    users: { bob: { password: "pw", account: "billing" } },
  });
  await using client = await FtpClient.connect({
    port: server.port,
    user: "bob",
    password: "pw",
    account: "billing",
  });
  assert.equal(client.state, "loggedIn");
  assert.ok(server.commands.includes("ACCT ***"));
});

Deno.test("a wrong password gives a 530 error that names the command but not the password", async () => {
  await using server = await FtpTestServer.start({ users: { bob: "right" }, anonymous: false });
  const error = await FtpClient.connect({ port: server.port, user: "bob", password: "wr0ngpass" })
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof FtpPermanentError, String(error));
  assert.equal(error.code, 530);
  assert.equal(error.command, "PASS ***");
  assert.match(error.message, /check the user name and password/);
  assert.ok(!error.message.includes("wr0ngpass"));
  assert.ok(!String(error.stack).includes("wr0ngpass"));
});

Deno.test("connection failures say which: refused, host not found", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const refused = await FtpClient.connect({ port }).catch((e) => e);
  assert.ok(refused instanceof FtpConnectionError);
  assert.equal(refused.kind, "refused");
  const unknown = await FtpClient.connect({ host: "no-such-host.invalid", port: 21 }).catch((e) =>
    e
  );
  assert.ok(unknown instanceof FtpConnectionError, String(unknown));
  assert.equal(unknown.kind, "host-not-found");
});

Deno.test("calls before connecting fail with a not-connected error", async () => {
  const client = new FtpClient({ port: 1 });
  const error = await client.pwd().catch((e) => e);
  assert.ok(error instanceof FtpConnectionError);
  assert.equal(error.kind, "not-connected");
  await client.close();
});

Deno.test("debug receives every line both ways, with PASS redacted", async () => {
  await using server = await FtpTestServer.start({ users: { bob: "hunter22" } });
  const lines: FtpDebugMessage[] = [];
  {
    await using client = await FtpClient.connect(
      `ftp://bob:hunter22@127.0.0.1:${server.port}`,
      { debug: (m) => lines.push(m) },
    );
    await client.noop();
  }
  assert.ok(lines.some((m) => m.direction === "send" && m.line === "PASS ***"));
  assert.ok(lines.some((m) => m.direction === "receive" && m.line.startsWith("230")));
  assert.ok(lines.some((m) => m.direction === "send" && m.line === "QUIT"));
  assert.ok(!JSON.stringify(lines).includes("hunter22"));
});

Deno.test("await using quits cleanly; close() is idempotent; states follow QFtp", async () => {
  await using server = await FtpTestServer.start();
  const states: FtpState[] = [];
  const client = new FtpClient({ port: server.port });
  client.addEventListener("stateChanged", (e) => states.push(e.state));
  await client.connect();
  await client.close();
  await client.close();
  assert.deepEqual(states, ["connecting", "connected", "loggedIn", "closing", "unconnected"]);
  assert.equal(server.commands.at(-1), "QUIT");
  assert.equal(client.state, "unconnected");
});

Deno.test("IPv6: connect, list and transfer over ::1", async () => {
  await using server = await FtpTestServer.start({ hostname: "::1" });
  await using client = await FtpClient.connect(`ftp://[::1]:${server.port}`);
  await client.upload("six.txt", "over IPv6");
  assert.equal(await new Response(await client.download("six.txt")).text(), "over IPv6");
  client.transferMode = "active";
  assert.deepEqual((await client.list()).map((e) => e.name), ["six.txt"]);
  assert.ok(server.commands.some((c) => c.startsWith("EPRT |2|::1|")));
  assert.ok(server.commands.includes("EPSV"));
});

Deno.test("an FTP proxy (QFtp setProxy): connect to the proxy, log in as user@host:port", async () => {
  // The embedded server stands in for the proxy: it sees the proxy-style login.
  await using proxy = await FtpTestServer.start({
    users: { "bob@ftp.example.com:2121": "pw" },
    anonymous: false,
  });
  await using client = await FtpClient.connect({
    host: "ftp.example.com",
    port: 2121,
    user: "bob",
    password: "pw",
    proxy: { host: "127.0.0.1", port: proxy.port },
  });
  assert.equal(client.state, "loggedIn");
  assert.ok(proxy.commands.includes("USER bob@ftp.example.com:2121"));
});

Deno.test("lastError holds the last command's failure and resets when a command starts", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  await client.cd("missing").catch(() => {});
  assert.match(client.lastError?.message ?? "", /^550 /);
  await client.noop();
  assert.equal(client.lastError, undefined);
});

Deno.test("after login: FEAT once, OPTS UTF8 ON and OPTS MLST when the server leaves facts off", async () => {
  const { scriptedServer } = await import("../_scripted_server.ts");
  await using server = scriptedServer(async (line, io) => {
    if (line === "FEAT") {
      await io.write(
        "211-Features:\r\n MLST type;size;modify;perm;unix.mode;\r\n UTF8\r\n211 End\r\n",
      );
      return true;
    }
    if (line.startsWith("OPTS ")) return await io.write("200 OK\r\n");
    return false;
  });
  await using client = await FtpClient.connect({ port: server.port });
  assert.equal(client.features.get("MLST"), "type;size;modify;perm;unix.mode;");
  const opts = server.received.filter((l) => l.startsWith("OPTS"));
  assert.equal(opts[0], "OPTS UTF8 ON");
  assert.match(opts[1] ?? "", /^OPTS MLST type;size;modify;/);
  assert.equal(server.received.filter((l) => l === "FEAT").length, 1);
});

// ---- Replies keep passwords out without mangling other text (issue 11, 6) --

Deno.test("a short password is hidden where the server echoes a login, and nowhere else", async () => {
  await using server = await FtpTestServer.start({ users: { bob: "x" }, anonymous: false });
  let echo = true;
  server.faults.onCommand = (c) =>
    c.verb === "PASS" && echo
      ? { reply: `530 Login incorrect for bob/${c.argument}\r\n` }
      : undefined;
  const refused = await FtpClient.connect({ port: server.port, user: "bob", password: "x" })
    .catch((e) => e);
  assert.ok(refused instanceof FtpPermanentError, String(refused));
  assert.match(refused.message, /530 Login incorrect for bob\/\*\*\*/);

  echo = false;
  const lines: string[] = [];
  await using client = await FtpClient.connect({
    port: server.port,
    user: "bob",
    password: "x",
    debug: (m) => lines.push(m.line),
  });
  // The replies quote these names (257 "/exist-x"): they must come back whole.
  await client.mkdir("exist-x");
  await client.cd("exist-x");
  assert.equal(await client.pwd(), "/exist-x");
  server.faults.onCommand = (c) =>
    c.verb === "RETR" ? { reply: `550 ${c.argument}: no such file\r\n` } : undefined;
  const error = await client.download("x/should-not-exist").catch((e) => e);
  assert.ok(error instanceof FtpPermanentError, String(error));
  assert.match(error.message, /^550 x\/should-not-exist: no such file/);
  assert.ok(!error.message.includes("***"), error.message);
  assert.ok(lines.some((l) => l.startsWith('257 "/exist-x"')), lines.join("\n"));
  assert.ok(!lines.some((l) => l.includes("***") && !l.startsWith("PASS")), lines.join("\n"));
});

Deno.test("a long password echoed in a reply is hidden in every percent-encoded form", async () => {
  const password = "S3cr3t-P4ss!(x)";
  await using server = await FtpTestServer.start({ users: { bob: password } });
  const strict = encodeURIComponent(password).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
  const lowerHex = strict.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  const forms = [password, encodeURIComponent(password), strict, lowerHex];
  let form = 0;
  server.faults.onCommand = (c) =>
    c.verb === "SIZE" ? { reply: `550 ${forms[form]} is not a file\r\n` } : undefined;
  await using client = await FtpClient.connect({ port: server.port, user: "bob", password });
  for (form = 0; form < forms.length; form++) {
    const error = await client.size("f").catch((e) => e);
    assert.ok(error instanceof FtpPermanentError, String(error));
    assert.match(error.message, /^550 \*\*\* is not a file/, forms[form]);
  }
});
