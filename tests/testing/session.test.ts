import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { readAll, readExactly, utf8, Wire } from "./_wire.ts";

Deno.test("greeting is 220 with the configured text, multi-line when it holds newlines", async () => {
  await using server = await FtpTestServer.start({ greeting: "Welcome\nto the test" });
  const [wire, greeting] = await Wire.open(server);
  using _ = wire;
  assert.deepEqual(greeting, { code: 220, lines: ["220-Welcome", "220 to the test"] });
  await wire.expect("QUIT", 221);
  assert.deepEqual(await wire.untilClosed(), []);
});

Deno.test("default greeting and url", async () => {
  await using server = await FtpTestServer.start();
  assert.equal(server.hostname, "127.0.0.1");
  assert.equal(server.url, `ftp://127.0.0.1:${server.port}`);
  const [wire, greeting] = await Wire.open(server);
  using _ = wire;
  assert.deepEqual(greeting.lines, ["220 ferry test server ready"]);
});

Deno.test("a configured user logs in; a wrong password gets 530 and no login", async () => {
  await using server = await FtpTestServer.start({
    users: { alice: "wonder land", bob: { password: "pw" } },
  });
  using wire = await Wire.login(server, "alice", "wonder land");
  assert.equal((await wire.command("PWD")).code, 257);

  const [other] = await Wire.open(server);
  using _ = other;
  await other.expect("USER bob", 331);
  await other.expect("PASS nope", 530);
  // The failed login leaves the session logged out, and PASS needs a new USER.
  await other.expect("PWD", 530);
  await other.expect("PASS pw", 503);
  await other.expect("USER bob", 331);
  await other.expect("PASS pw", 230);
  await other.expect("PWD", 257);
});

Deno.test("unknown users get the same 331 as known ones, then 530", async () => {
  await using server = await FtpTestServer.start({ users: { alice: "a" } });
  const [wire] = await Wire.open(server);
  using _ = wire;
  const reply = await wire.expect("USER mallory", 331);
  assert.equal(reply.lines[0], "331 Password required for mallory");
  await wire.expect("PASS a", 530);
});

Deno.test("ACCT path: PASS answers 332, the right account logs in, a wrong one is 530", async () => {
  await using server = await FtpTestServer.start({
    users: { carol: { password: "pw", account: "billing" } },
  });
  const [wire] = await Wire.open(server);
  using _ = wire;
  await wire.expect("ACCT billing", 503); // ACCT without USER
  await wire.expect("USER carol", 331);
  await wire.expect("ACCT billing", 503); // ACCT before PASS
  await wire.expect("PASS pw", 332);
  await wire.expect("PWD", 530);
  await wire.expect("ACCT other", 530);
  await wire.expect("USER carol", 331);
  await wire.expect("PASS pw", 332);
  await wire.expect("ACCT billing", 230);
  await wire.expect("PWD", 257);
  await wire.expect("ACCT billing", 202);
  assert.ok(server.commands.includes("ACCT ***"));
  assert.ok(!server.commands.some((line) => line.includes("billing")));
});

Deno.test("anonymous login is on by default for anonymous and ftp, off on request", async () => {
  await using open = await FtpTestServer.start();
  using a = await Wire.login(open, "anonymous", "");
  using b = await Wire.login(open, "ftp", "whatever");
  await a.expect("NOOP", 200);
  await b.expect("NOOP", 200);

  await using closed = await FtpTestServer.start({ anonymous: false });
  const [wire] = await Wire.open(closed);
  using _ = wire;
  await wire.expect("USER anonymous", 331);
  await wire.expect("PASS me@example.com", 530);
});

Deno.test("commands before login get 530, except the ones RFC 959 and 2389 allow", async () => {
  await using server = await FtpTestServer.start();
  const [wire] = await Wire.open(server);
  using _ = wire;
  for (const command of ["PWD", "CWD /", "LIST", "RETR x", "PASV", "TYPE I", "STAT", "MKD x"]) {
    assert.equal((await wire.command(command)).code, 530, command);
  }
  assert.equal((await wire.command("FEAT")).code, 211);
  assert.equal((await wire.command("SYST")).code, 215);
  assert.equal((await wire.command("NOOP")).code, 200);
  assert.equal((await wire.command("HELP")).code, 214);
  assert.equal((await wire.command("PASS x")).code, 503); // PASS without USER
});

Deno.test("the command log is ordered and redacts PASS and ACCT", async () => {
  await using server = await FtpTestServer.start({ users: { u: "hunter2" } });
  using wire = await Wire.login(server, "u", "hunter2");
  await wire.expect("NOOP", 200);
  await wire.expect("QUIT", 221);
  assert.deepEqual(server.commands, ["USER u", "PASS ***", "NOOP", "QUIT"]);
});

Deno.test("FEAT lists the extensions in RFC 2389 form", async () => {
  await using server = await FtpTestServer.start();
  const [wire] = await Wire.open(server);
  using _ = wire;
  const reply = await wire.expect("FEAT", 211);
  assert.deepEqual(reply.lines, [
    "211-Features:",
    " EPRT",
    " EPSV",
    " MDTM",
    " MFMT",
    " MLST type*;size*;modify*;perm*;unix.mode*;",
    " PASV",
    " REST STREAM",
    " SIZE",
    " TVFS",
    " UTF8",
    "211 End",
  ]);
});

Deno.test("OPTS MLST selects facts (stars in FEAT follow), OPTS UTF8 ON is accepted", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  assert.deepEqual((await wire.expect("OPTS UTF8 ON", 200)).lines, ["200 UTF8 mode is on"]);
  await wire.expect("OPTS UTF8 OFF", 504);
  await wire.expect("OPTS NONSENSE", 501);
  const chosen = await wire.expect("OPTS MLST Size;type;bogus;", 200);
  assert.deepEqual(chosen.lines, ["200 MLST OPTS type;size;"]);
  const feat = await wire.expect("FEAT", 211);
  assert.ok(feat.lines.includes(" MLST type*;size*;modify;perm;unix.mode;"));
  assert.deepEqual((await wire.expect("OPTS MLST", 200)).lines, ["200 MLST OPTS"]);
});

Deno.test("disabledCommands answer 502 and vanish from FEAT and HELP", async () => {
  await using server = await FtpTestServer.start({
    disabledCommands: ["epsv", "EPRT", "MLSD", "MFMT", "SIZE", "MDTM", "UTF8"],
  });
  using wire = await Wire.login(server);
  for (const command of ["EPSV", "EPRT |1|127.0.0.1|5000|", "MLSD", "MFMT 20200101000000 x"]) {
    assert.equal((await wire.command(command)).code, 502, command);
  }
  for (const command of ["SIZE x", "MDTM x", "OPTS UTF8 ON", "OPTS MLST type;"]) {
    assert.equal((await wire.command(command)).code, 502, command);
  }
  const feat = await wire.expect("FEAT", 211);
  assert.deepEqual(feat.lines, ["211-Features:", " PASV", " REST STREAM", " TVFS", "211 End"]);
  const help = (await wire.expect("HELP", 214)).lines.join(" ");
  assert.ok(help.includes("PASV") && !help.includes("EPSV") && !help.includes("MLSD"));
  await wire.expect("HELP EPSV", 502);
  await wire.expect("HELP RETR", 214);
});

Deno.test("SYST, NOOP, TYPE, MODE, STRU, ALLO, REST reply codes", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  assert.deepEqual((await wire.command("SYST")).lines, ["215 UNIX Type: L8"]);
  const cases: [string, number][] = [
    ["TYPE A", 200],
    ["TYPE A N", 200],
    ["type i", 200],
    ["TYPE L 8", 200],
    ["TYPE A T", 504],
    ["TYPE E", 504],
    ["TYPE L 7", 504],
    ["TYPE X", 501],
    ["TYPE", 501],
    ["MODE S", 200],
    ["MODE B", 504],
    ["MODE Q", 501],
    ["STRU F", 200],
    ["STRU R", 504],
    ["STRU Z", 501],
    ["ALLO 1000", 202],
    ["REST 100", 350],
    ["REST -1", 501],
    ["REST abc", 501],
    ["XYZZY", 500],
    ["SITE", 501],
    ["SITE FROB x", 500],
  ];
  for (const [command, code] of cases) {
    assert.equal((await wire.command(command)).code, code, command);
  }
});

Deno.test("STAT without a path is a 211 multi-line status", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const reply = await wire.expect("STAT", 211);
  assert.ok(reply.lines.length > 2);
  assert.match(reply.lines[0], /^211-/);
  assert.equal(reply.lines.at(-1), "211 End of status");
  assert.ok(reply.lines.some((line) => line.includes("BINARY")));
  assert.ok(reply.lines.some((line) => line.includes("anonymous")));
});

Deno.test("HELP lists the commands in a 214 multi-line reply; SITE HELP too", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  const help = await wire.expect("HELP", 214);
  assert.match(help.lines[0], /^214-/);
  assert.match(help.lines.at(-1)!, /^214 /);
  const words = help.lines.slice(1, -1).join(" ").split(/\s+/);
  for (const verb of ["ABOR", "APPE", "EPSV", "MLSD", "MLST", "RETR", "XPWD", "SITE"]) {
    assert.ok(words.includes(verb), verb);
  }
  const site = await wire.expect("SITE HELP", 214);
  assert.ok(site.lines.join(" ").includes("CHMOD"));
});

Deno.test("an overlong command line gets 500 and the session goes on", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  await wire.send(`NOOP ${"x".repeat(10_000)}`);
  assert.equal((await wire.reply()).code, 500);
  await wire.expect("NOOP", 200);
  assert.ok(server.commands.some((line) => line.startsWith("<command line over")));
});

Deno.test("pipelined commands are answered in order", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  await wire.send(utf8("NOOP\r\nPWD\r\nSYST\nTYPE I\r\n"));
  assert.deepEqual(
    [(await wire.reply()).code, (await wire.reply()).code, (await wire.reply()).code],
    [200, 257, 215],
  );
  assert.equal((await wire.reply()).code, 200);
});

Deno.test("Telnet IP/Synch before ABOR and a lone CR line end are understood", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  // IAC IP IAC DM as lftp sends them, and IAC alone where the urgent DM was taken out.
  await wire.send(Uint8Array.of(0xff, 0xf4, 0xff, 0xf2, ...utf8("ABOR\r\n")));
  assert.equal((await wire.reply()).code, 225);
  await wire.send(Uint8Array.of(0xff, 0xf4, 0xff, ...utf8("ABOR\r\n")));
  assert.equal((await wire.reply()).code, 225);
  // ftplib's ABOR with its LF sent as urgent data arrives as "ABOR\r".
  await wire.send(utf8("ABOR\rNOOP\r\n"));
  assert.equal((await wire.reply()).code, 225);
  assert.equal((await wire.reply()).code, 200);
});

Deno.test("sessionCount follows open control connections", async () => {
  await using server = await FtpTestServer.start();
  assert.equal(server.sessionCount, 0);
  const [a] = await Wire.open(server);
  const [b] = await Wire.open(server);
  assert.equal(server.sessionCount, 2);
  await a.expect("QUIT", 221);
  await a.untilClosed();
  a.close();
  // The session ends right after QUIT; allow it the turn of the event loop it needs.
  for (let i = 0; i < 100 && server.sessionCount !== 1; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(server.sessionCount, 1);
  b.close();
});

Deno.test("close() ends open sessions and passive listeners; nothing is left open", async () => {
  const server = await FtpTestServer.start();
  const root = server.root;
  using idle = await Wire.login(server);
  using busy = await Wire.login(server);
  await busy.expect("EPSV", 229);
  const [fresh] = await Wire.open(server);
  using _ = fresh;
  await server.close();
  await server.close(); // idempotent
  assert.equal(server.sessionCount, 0);
  assert.deepEqual(await idle.untilClosed(), []);
  assert.deepEqual(await busy.untilClosed(), []);
  await assert.rejects(Deno.stat(root), Deno.errors.NotFound);
  await assert.rejects(Deno.connect({ hostname: server.hostname, port: server.port }));
});

Deno.test("a given root is served and kept after close()", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/kept.txt`, "kept");
    const server = await FtpTestServer.start({ root });
    assert.equal(server.root, root);
    await server.close();
    assert.equal(await Deno.readTextFile(`${root}/kept.txt`), "kept");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("start() rejects a missing root", async () => {
  await assert.rejects(FtpTestServer.start({ root: "/nonexistent/ferry-root" }));
});

Deno.test("idle control connections get 421 and are closed", async () => {
  await using server = await FtpTestServer.start({ idleTimeoutMs: 200 });
  using wire = await Wire.login(server);
  const reply = await wire.reply(5000);
  assert.equal(reply.code, 421);
  assert.deepEqual(await wire.untilClosed(), []);
});

Deno.test("start() rejects an unknown listFormat", async () => {
  await assert.rejects(
    // @ts-expect-error: only "unix" exists today
    FtpTestServer.start({ listFormat: "dos" }),
    TypeError,
  );
});

Deno.test("close() during transfers and with an active setup pending leaves nothing open", async () => {
  const server = await FtpTestServer.start();
  await Deno.writeFile(`${server.root}/a.bin`, new Uint8Array(100_000));
  server.faults.dataStallAfterBytes = 10;
  using down = await Wire.login(server);
  const downData = await down.passive();
  await down.expect("RETR a.bin", 150);
  await readExactly(downData, 10); // the stalled transfer is under way
  server.faults = {};
  using up = await Wire.login(server);
  const upData = await up.passive();
  await up.expect("STOR b.bin", 150);
  await upData.write(new Uint8Array(10));
  using active = await Wire.login(server);
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await active.expect(`EPRT |1|127.0.0.1|${(listener.addr as Deno.NetAddr).port}|`, 200);

  await server.close();
  assert.equal(server.sessionCount, 0);
  for (const wire of [down, up, active]) assert.deepEqual(await wire.untilClosed(), []);
  assert.equal((await readAll(downData)).length, 0);
  assert.equal(await upData.read(new Uint8Array(1)).catch(() => null), null);
  upData.close();
});
