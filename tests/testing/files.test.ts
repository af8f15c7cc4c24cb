import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { readAll, sha256, utf8, Wire, writeAndClose } from "./_wire.ts";

const ODD_NAMES = [
  "with space.txt",
  " leading.txt",
  "trailing.txt ",
  "Ünïcødé ñame.txt",
  "日本語.txt",
];

Deno.test("PWD, CWD, CDUP and the X aliases move through directories; .. stops at /", async () => {
  await using server = await FtpTestServer.start();
  await Deno.mkdir(`${server.root}/a/b c`, { recursive: true });
  using wire = await Wire.login(server);
  assert.deepEqual((await wire.command("PWD")).lines, ['257 "/" is the current directory']);
  await wire.expect("CWD a", 250);
  await wire.expect("XCWD b c", 250);
  assert.deepEqual((await wire.command("XPWD")).lines, ['257 "/a/b c" is the current directory']);
  await wire.expect("CDUP", 250);
  assert.equal((await wire.command("PWD")).lines[0], '257 "/a" is the current directory');
  await wire.expect("XCUP", 250);
  await wire.expect("CDUP", 250);
  await wire.expect("CWD ../../..", 250);
  assert.equal((await wire.command("PWD")).lines[0], '257 "/" is the current directory');
  await wire.expect("CWD /a/./b c/../b c", 250);
  assert.equal((await wire.command("PWD")).lines[0], '257 "/a/b c" is the current directory');
  await wire.expect("CWD /missing", 550);
  await wire.expect("CWD", 501);
  await Deno.writeTextFile(`${server.root}/file.txt`, "x");
  await wire.expect("CWD /file.txt", 550);
});

Deno.test("MKD answers 257 with the quoted path (quotes doubled); RMD removes empty directories only", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  assert.deepEqual((await wire.command("MKD new dir")).lines, ['257 "/new dir" created']);
  assert.deepEqual((await wire.command('XMKD say "hi"')).lines, ['257 "/say ""hi""" created']);
  assert.ok((await Deno.stat(`${server.root}/say "hi"`)).isDirectory);
  await wire.expect("MKD new dir", 550);
  await wire.expect("MKD missing/child", 550);
  await Deno.writeTextFile(`${server.root}/new dir/f`, "x");
  assert.deepEqual((await wire.command("RMD new dir")).lines, ["550 Directory not empty"]);
  await Deno.remove(`${server.root}/new dir/f`);
  await wire.expect("RMD new dir", 250);
  await wire.expect('XRMD say "hi"', 250);
  await wire.expect("RMD new dir", 550);
  await Deno.writeTextFile(`${server.root}/plain`, "x");
  await wire.expect("RMD plain", 550);
  await wire.expect("RMD /", 550);
});

Deno.test("DELE deletes files, refuses directories and missing files", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/gone.txt`, "x");
  await Deno.mkdir(`${server.root}/dir`);
  using wire = await Wire.login(server);
  await wire.expect("DELE gone.txt", 250);
  await assert.rejects(Deno.stat(`${server.root}/gone.txt`), Deno.errors.NotFound);
  await wire.expect("DELE gone.txt", 550);
  await wire.expect("DELE dir", 550);
  assert.ok((await Deno.stat(`${server.root}/dir`)).isDirectory);
});

Deno.test("RNFR/RNTO renames; RNTO without RNFR, or not right after it, is 503", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/old.txt`, "content");
  await Deno.mkdir(`${server.root}/dir`);
  using wire = await Wire.login(server);
  await wire.expect("RNTO new.txt", 503);
  await wire.expect("RNFR missing.txt", 550);
  await wire.expect("RNFR old.txt", 350);
  await wire.expect("RNTO dir/new name.txt", 250);
  assert.equal(await Deno.readTextFile(`${server.root}/dir/new name.txt`), "content");
  await wire.expect("RNFR dir/new name.txt", 350);
  await wire.expect("NOOP", 200);
  await wire.expect("RNTO back.txt", 503);
  await wire.expect("RNFR dir", 350);
  await wire.expect("RNTO renamed dir", 250);
  assert.ok((await Deno.stat(`${server.root}/renamed dir/new name.txt`)).isFile);
});

Deno.test("SIZE and MDTM answer 213 for files and 550 for directories and missing files", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeFile(`${server.root}/f.bin`, new Uint8Array(1234));
  await Deno.utime(`${server.root}/f.bin`, new Date(), new Date("2024-02-29T13:14:15Z"));
  await Deno.mkdir(`${server.root}/dir`);
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  assert.deepEqual((await wire.command("SIZE f.bin")).lines, ["213 1234"]);
  assert.deepEqual((await wire.command("MDTM f.bin")).lines, ["213 20240229131415"]);
  for (const command of ["SIZE dir", "MDTM dir", "SIZE nope", "MDTM nope"]) {
    assert.equal((await wire.command(command)).code, 550, command);
  }
});

Deno.test("MFMT sets the modification time (RFC 3659 time value, UTC)", async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/with space.txt`, "x");
  using wire = await Wire.login(server);
  const reply = await wire.command("MFMT 20200102030405 with space.txt");
  assert.deepEqual(reply.lines, ["213 Modify=20200102030405; with space.txt"]);
  const info = await Deno.stat(`${server.root}/with space.txt`);
  assert.equal(info.mtime?.toISOString(), "2020-01-02T03:04:05.000Z");
  assert.deepEqual((await wire.command("MDTM with space.txt")).lines, ["213 20200102030405"]);
  await wire.expect("MFMT 20201302030405 with space.txt", 501);
  await wire.expect("MFMT notatime with space.txt", 501);
  await wire.expect("MFMT 20200102030405", 501);
  await wire.expect("MFMT 20200102030405 missing.txt", 550);
});

Deno.test("SITE CHMOD changes permission bits", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await using server = await FtpTestServer.start();
  await Deno.writeTextFile(`${server.root}/script name.sh`, "#!/bin/sh\n");
  using wire = await Wire.login(server);
  await wire.expect("SITE CHMOD 751 script name.sh", 200);
  assert.equal((await Deno.stat(`${server.root}/script name.sh`)).mode! & 0o777, 0o751);
  await wire.expect("site chmod 644 script name.sh", 200);
  assert.equal((await Deno.stat(`${server.root}/script name.sh`)).mode! & 0o777, 0o644);
  await wire.expect("SITE CHMOD 999 script name.sh", 501);
  await wire.expect("SITE CHMOD 644", 501);
  await wire.expect("SITE CHMOD 644 missing", 550);
});

Deno.test("names with spaces, leading/trailing spaces and non-ASCII letters round-trip exactly", async () => {
  await using server = await FtpTestServer.start();
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  for (const name of ODD_NAMES) {
    const body = utf8(`content of [${name}]`);
    let data = await wire.passive();
    await wire.expect(`STOR ${name}`, 150);
    await writeAndClose(data, body);
    assert.equal((await wire.reply()).code, 226);
    assert.equal(sha256(await Deno.readFile(`${server.root}/${name}`)), sha256(body), name);
    assert.deepEqual((await wire.command(`SIZE ${name}`)).lines, [`213 ${body.length}`]);
    data = await wire.passive();
    await wire.expect(`RETR ${name}`, 150);
    assert.equal(sha256(await readAll(data)), sha256(body), name);
    assert.equal((await wire.reply()).code, 226);
  }
  const names = [...Deno.readDirSync(server.root)].map((e) => e.name).sort();
  assert.deepEqual(names, [...ODD_NAMES].sort());
});
