// What ftplib and QFtp programs need when they are ported: connect now and
// log in later, checked raw commands (sendcmd/voidcmd), data commands of
// one's own (transfercmd), raw commands that would break the session
// refused, and the small things the parity check found.

import assert from "node:assert/strict";
import {
  FtpClient,
  FtpConnectionError,
  FtpInputError,
  FtpPermanentError,
  FtpTransientError,
  FtpUnexpectedReplyError,
} from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { readAll, text } from "../_helpers.ts";

const USERS = { alice: "wonderland" };

Deno.test("connect with login: false, then login() (QFtp connectToHost + login, ftplib FTP(host) + login)", async () => {
  await using server = await FtpTestServer.start({ users: USERS, anonymous: false });
  await Deno.mkdir(`${server.root}/pub`);
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}/pub`, {
    login: false,
  });
  assert.equal(client.state, "connected");
  assert.match(client.welcome ?? "", /./);
  assert.ok(!server.commands.some((c) => /^(USER|PASS)\b/.test(c)), "nothing logged in");
  const early = await client.pwd().catch((e) => e);
  assert.ok(early instanceof FtpConnectionError, String(early));
  assert.equal(early.kind, "not-logged-in");
  await client.login("alice", "wonderland");
  assert.equal(client.state, "loggedIn");
  assert.equal(await client.pwd(), "/pub", "the URL's path applies after this login");
});

Deno.test("the instance form: new FtpClient({ login: false }), connect(), login()", async () => {
  await using server = await FtpTestServer.start({ users: USERS, anonymous: false });
  const client = new FtpClient({ port: server.port, login: false });
  try {
    await client.connect();
    assert.equal(client.state, "connected");
    await client.login("alice", "wonderland");
    assert.equal(await client.pwd(), "/");
  } finally {
    await client.close();
  }
});

Deno.test("a refused login leaves a typed 'not-logged-in' error for later calls, and login() can be tried again", async () => {
  await using server = await FtpTestServer.start({ users: USERS, anonymous: false });
  await using client = await FtpClient.connect({ port: server.port, login: false });
  const refused = await client.login("alice", "wrong").catch((e) => e);
  assert.ok(refused instanceof FtpPermanentError);
  assert.equal(refused.code, 530);
  const later = await client.pwd().catch((e) => e);
  assert.ok(later instanceof FtpConnectionError, String(later));
  assert.equal(later.kind, "not-logged-in");
  assert.match(later.message, /call login\(\) first/);
  await client.login("alice", "wonderland");
  assert.equal(await client.pwd(), "/");
});

Deno.test("a refused anonymous login (no user given) says it was anonymous, and how to log in", async () => {
  await using server = await FtpTestServer.start({ users: USERS, anonymous: false });
  const error = await FtpClient.connect({ port: server.port }).catch((e) => e);
  assert.ok(error instanceof FtpPermanentError, String(error));
  assert.match(error.message, /anonymous login, because no user was given/);
  assert.match(error.message, /login: false/);
});

Deno.test("command() throws on 4xx/5xx like ftplib's sendcmd; voidCommand() wants 2xx; send() stays raw", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  assert.equal((await client.command("SYST")).code, 215);
  assert.equal((await client.voidCommand("NOOP")).code, 200);
  const permanent = await client.command("SITE NOSUCHTHING").catch((e) => e);
  assert.ok(permanent instanceof FtpPermanentError, String(permanent));
  assert.equal(permanent.command, "SITE NOSUCHTHING");
  const unexpected = await client.voidCommand("REST 0").catch((e) => e);
  assert.ok(unexpected instanceof FtpUnexpectedReplyError, String(unexpected));
  assert.equal(unexpected.code, 350);
  assert.equal((await client.command("REST 0")).code, 350, "3xx is no error for command()");
  server.faults.onCommand = (c) => (c.verb === "NOOP" ? { reply: "450 busy\r\n" } : undefined);
  await assert.rejects(client.command("NOOP"), FtpTransientError);
  assert.equal((await client.send("NOOP")).code, 450, "send() returns the reply as it is");
  server.faults.onCommand = undefined;
  assert.equal(await client.pwd(), "/", "the session is in step after all of them");
});

Deno.test("raw commands that need a data connection or change the session are refused before sending", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  const cases: [string, RegExp][] = [
    ["LIST", /needs a data connection; use list\(\)/],
    ["nlst -a", /NLST .*needs a data connection/],
    ["RETR a.txt", /downloadCommand/],
    ["STOR a.txt", /uploadCommand/],
    ["STOU", /uploadCommand/],
    ["APPE a", /append: true/],
    ["MLSD", /list\(\)/],
    ["CCC", /changes the session's state/],
    ["AUTH TLS", /secure option/],
    ["PROT C", /dataProtection/],
    ["PBSZ 0", /PBSZ/],
    ["REIN", /close\(\)/],
    ["QUIT", /quit\(\)/],
    ["ABOR", /abort\(\)/],
  ];
  const before = server.commands.length;
  for (const [line, message] of cases) {
    for (const call of [client.send(line), client.command(line), client.voidCommand(line)]) {
      const error = await call.catch((e) => e);
      assert.ok(error instanceof FtpInputError, `${line}: ${error}`);
      assert.match(error.message, message);
    }
  }
  assert.equal(server.commands.length, before, "nothing was sent");
  assert.equal(await client.pwd(), "/");
});

Deno.test("downloadCommand: LIST -la, NLST, RETR with REST, the announced size and the 1xx reply", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/a.txt`, "0123456789");
  await Deno.writeTextFile(`${server.root}/.hidden`, "h");
  await using client = await FtpClient.connect({ port: server.port });
  const listing = await client.downloadCommand("LIST -la");
  assert.equal(listing.reply.code, 150);
  const lines = new TextDecoder().decode(await readAll(listing.stream));
  assert.match(lines, /a\.txt/);
  assert.ok(server.commands.includes("LIST -la"), "the command went out as given");

  const ranged = await client.downloadCommand("RETR a.txt", { offset: 4 });
  assert.equal(ranged.size, 6, "the size the 150 reply announced");
  assert.equal(new TextDecoder().decode(await readAll(ranged.stream)), "456789");
  // The next transfer's EPSV goes with RETR (this server answers it after the 226).
  assert.deepEqual(server.commands.slice(-3), ["REST 4", "RETR a.txt", "EPSV"]);

  const missing = await client.downloadCommand("RETR nope.txt").catch((e) => e);
  assert.ok(missing instanceof FtpPermanentError);
  assert.equal(missing.code, 550);
  const wrongWay = await client.downloadCommand("STOR x").catch((e) => e);
  assert.ok(wrongWay instanceof FtpInputError);
  assert.match(wrongWay.message, /uploadCommand/);
  assert.equal(await client.pwd(), "/");
});

Deno.test("downloadCommand in active mode, and cancelling its stream sends ABOR", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeFile(`${server.root}/big.bin`, new Uint8Array(8 * 1024 * 1024));
  await using client = await FtpClient.connect({ port: server.port, transferMode: "active" });
  const { stream } = await client.downloadCommand("RETR big.bin");
  const reader = stream.getReader();
  await reader.read();
  await reader.cancel();
  assert.equal(await client.pwd(), "/");
  assert.ok(server.commands.includes("ABOR"));
  assert.ok(server.commands.some((c) => c.startsWith("EPRT") || c.startsWith("PORT")));
});

Deno.test("uploadCommand: STOU gets a name from the server, APPE appends, STOR with REST", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  const unique = await client.uploadCommand("STOU");
  const name = /FILE: (\S+)/.exec(unique.reply.text)?.[1];
  assert.ok(name, unique.reply.text);
  await new Blob(["first\n"]).stream().pipeTo(unique.stream);
  assert.equal(await Deno.readTextFile(`${server.root}/${name}`), "first\n");
  const second = await client.uploadCommand("STOU");
  const other = /FILE: (\S+)/.exec(second.reply.text)?.[1];
  await new Blob(["second\n"]).stream().pipeTo(second.stream);
  assert.notEqual(other, name, "a second STOU never replaces the first file");

  const appended = await client.uploadCommand(`APPE ${name}`);
  await new Blob(["more\n"]).stream().pipeTo(appended.stream);
  assert.equal(await Deno.readTextFile(`${server.root}/${name}`), "first\nmore\n");

  const restarted = await client.uploadCommand(`STOR ${name}`, { offset: 6 });
  const writer = restarted.stream.getWriter();
  await writer.write(text("again\n"));
  await writer.close();
  assert.equal(await Deno.readTextFile(`${server.root}/${name}`), "first\nagain\n");
  const wrongWay = await client.uploadCommand("LIST").catch((e) => e);
  assert.ok(wrongWay instanceof FtpInputError);
  assert.match(wrongWay.message, /downloadCommand/);
});

Deno.test("progress total: the size option stands in when the 150 reply announces none", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeFile(`${server.root}/f.bin`, new Uint8Array(3000));
  server.faults.hideSizes = true;
  await using client = await FtpClient.connect({ port: server.port });
  const totals: (number | undefined)[] = [];
  client.addEventListener("progress", (e) => totals.push(e.total));
  await readAll(await client.download("f.bin"));
  assert.ok(totals.every((t) => t === undefined), "nothing to go on: no total");
  totals.length = 0;
  const [entry] = await client.list();
  await readAll(await client.download("f.bin", { size: entry.size }));
  assert.ok(totals.length > 1 && totals.every((t) => t === 3000), String(totals));
  totals.length = 0;
  await using local = await Deno.makeTempFile().then((path) => ({
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path),
  }));
  await client.downloadTo("f.bin", local.path, { size: 3000 });
  assert.ok(totals.every((t) => t === 3000), String(totals));
  await assert.rejects(client.download("f.bin", { size: -1 }), FtpInputError);
});

Deno.test("nlst() leaves out . and .. as list() does", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/a.txt`, "a");
  server.faults.listing = (r) => (r.verb === "NLST" ? [".", "..", "a.txt", "..."] : undefined);
  await using client = await FtpClient.connect({ port: server.port });
  assert.deepEqual(await client.nlst(), ["a.txt", "..."]);
});

Deno.test("the 553 hint does not guess that the name was at fault (vsftpd and Pure-FTPd mean permission)", async () => {
  const { replyError } = await import("../../mod.ts");
  const error = replyError({ code: 553, text: "Could not create file.", lines: [] }, "STOR a");
  assert.doesNotMatch(error.message, /refused the file name/);
  assert.match(error.message, /check that you may write there/);
});
