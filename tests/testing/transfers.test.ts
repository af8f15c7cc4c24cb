import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import {
  activeListener,
  pattern,
  readAll,
  readExactly,
  sha256,
  text,
  utf8,
  Wire,
  writeAndClose,
} from "./_wire.ts";

async function startWith(files: Record<string, Uint8Array | string>) {
  const server = await FtpTestServer.start({ dataTimeoutMs: 2000 });
  for (const [name, content] of Object.entries(files)) {
    const bytes = typeof content === "string" ? utf8(content) : content;
    await Deno.writeFile(`${server.root}/${name}`, bytes);
  }
  return server;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(condition(), "condition never became true");
}

const BLOB = pattern(300_000);

Deno.test("EPSV RETR in TYPE I: 150 announces the size, bytes arrive intact, then 226", async () => {
  await using server = await startWith({ "blob.bin": BLOB });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const data = await wire.passive();
  const opening = await wire.expect("RETR blob.bin", 150);
  assert.equal(
    opening.lines[0],
    "150 Opening BINARY mode data connection for blob.bin (300000 bytes)",
  );
  assert.equal(sha256(await readAll(data)), sha256(BLOB));
  assert.deepEqual((await wire.reply()).lines, ["226 Transfer complete"]);
});

Deno.test("PASV RETR announces 127,0,0,1 and works", async () => {
  await using server = await startWith({ "blob.bin": BLOB });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const reply = await wire.expect("PASV", 227);
  assert.match(reply.lines[0], /^227 Entering Passive Mode \(127,0,0,1,\d+,\d+\)\.$/);
  const n = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply.lines[0])!.slice(1).map(Number);
  const data = await Deno.connect({ hostname: "127.0.0.1", port: n[4] * 256 + n[5] });
  await wire.expect("RETR blob.bin", 150);
  assert.equal(sha256(await readAll(data)), sha256(BLOB));
  assert.equal((await wire.reply()).code, 226);
});

for (const verb of ["PORT", "EPRT"]) {
  Deno.test(`${verb} (active) RETR and STOR connect back to the client`, async () => {
    await using server = await startWith({ "blob.bin": BLOB });
    using wire = await Wire.login(server);
    await wire.expect("TYPE I", 200);
    using listener = activeListener();
    const { port } = listener.addr as Deno.NetAddr;
    const argument = verb === "PORT"
      ? `127,0,0,1,${port >> 8},${port & 0xff}`
      : `|1|127.0.0.1|${port}|`;
    await wire.expect(`${verb} ${argument}`, 200);
    await wire.expect("RETR blob.bin", 150);
    assert.equal(sha256(await readAll(await listener.accept())), sha256(BLOB));
    assert.equal((await wire.reply()).code, 226);

    await wire.expect(`${verb} ${argument}`, 200);
    await wire.expect("STOR copy.bin", 150);
    await writeAndClose(await listener.accept(), BLOB);
    assert.equal((await wire.reply()).code, 226);
    assert.equal(sha256(await Deno.readFile(`${server.root}/copy.bin`)), sha256(BLOB));
  });
}

Deno.test("STOR stores the exact bytes, replacing an older file; an empty upload makes an empty file", async () => {
  await using server = await startWith({ "old.bin": "previous longer content" });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  let data = await wire.passive();
  assert.equal(
    (await wire.expect("STOR old.bin", 150)).lines[0],
    "150 Opening BINARY mode data connection for old.bin",
  );
  await writeAndClose(data, BLOB);
  assert.equal((await wire.reply()).code, 226);
  assert.equal(sha256(await Deno.readFile(`${server.root}/old.bin`)), sha256(BLOB));

  data = await wire.passive();
  await wire.expect("STOR empty.bin", 150);
  data.close();
  assert.equal((await wire.reply()).code, 226);
  assert.equal((await Deno.readFile(`${server.root}/empty.bin`)).length, 0);
});

Deno.test("APPE appends, and creates a missing file", async () => {
  await using server = await startWith({ "log.txt": "one\n" });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  for (const [name, chunk] of [["log.txt", "two\n"], ["new.txt", "first\n"]]) {
    const data = await wire.passive();
    await wire.expect(`APPE ${name}`, 150);
    await writeAndClose(data, utf8(chunk));
    assert.equal((await wire.reply()).code, 226);
  }
  assert.equal(await Deno.readTextFile(`${server.root}/log.txt`), "one\ntwo\n");
  assert.equal(await Deno.readTextFile(`${server.root}/new.txt`), "first\n");
});

Deno.test("REST then RETR sends from the offset; the next RETR is whole again", async () => {
  await using server = await startWith({ "blob.bin": BLOB });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  await wire.expect("REST 123456", 350);
  let data = await wire.passive(); // REST survives the data setup in between
  const opening = await wire.expect("RETR blob.bin", 150);
  assert.match(opening.lines[0], /\(176544 bytes\)$/);
  assert.equal(sha256(await readAll(data)), sha256(BLOB.subarray(123456)));
  assert.equal((await wire.reply()).code, 226);

  data = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  assert.equal((await readAll(data)).length, BLOB.length);
  assert.equal((await wire.reply()).code, 226);

  await wire.expect(`REST ${BLOB.length + 1}`, 350);
  data = await wire.passive();
  await wire.expect("RETR blob.bin", 554);
  data.close();
});

Deno.test("REST then STOR writes at the offset and truncates after what was sent", async () => {
  await using server = await startWith({ "doc.txt": "0123456789" });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  await wire.expect("REST 4", 350);
  const data = await wire.passive();
  await wire.expect("STOR doc.txt", 150);
  await writeAndClose(data, utf8("ab"));
  assert.equal((await wire.reply()).code, 226);
  assert.equal(await Deno.readTextFile(`${server.root}/doc.txt`), "0123ab");
});

Deno.test("TYPE A: RETR turns LF into CRLF (keeping CRLF), STOR turns CRLF into LF", async () => {
  const local = "line one\nline two\r\nlast\n";
  await using server = await startWith({ "notes.txt": local });
  using wire = await Wire.login(server);
  await wire.expect("TYPE A", 200);
  assert.deepEqual((await wire.expect("SIZE notes.txt", 213)).lines, ["213 26"]);
  let data = await wire.passive();
  const opening = await wire.expect("RETR notes.txt", 150);
  assert.equal(
    opening.lines[0],
    "150 Opening ASCII mode data connection for notes.txt (26 bytes)",
  );
  assert.equal(text(await readAll(data)), "line one\r\nline two\r\nlast\r\n");
  assert.equal((await wire.reply()).code, 226);

  data = await wire.passive();
  await wire.expect("STOR up.txt", 150);
  await writeAndClose(data, utf8("a\r\nb\rc\r\n\r\nend"));
  assert.equal((await wire.reply()).code, 226);
  assert.equal(await Deno.readTextFile(`${server.root}/up.txt`), "a\nb\rc\n\nend");

  await wire.expect("TYPE I", 200);
  assert.deepEqual((await wire.expect("SIZE notes.txt", 213)).lines, ["213 24"]);
  data = await wire.passive();
  await wire.expect("RETR notes.txt", 150);
  assert.equal(text(await readAll(data)), local);
  assert.equal((await wire.reply()).code, 226);
});

Deno.test("a transfer without PASV/PORT is 425, and a failed transfer command consumes the setup", async () => {
  await using server = await startWith({ "a.txt": "a" });
  using wire = await Wire.login(server);
  await wire.expect("RETR a.txt", 425);
  await wire.expect("EPSV", 229);
  await wire.expect("RETR missing.txt", 550);
  await wire.expect("RETR a.txt", 425);
  await wire.expect("LIST", 425);
});

Deno.test("no data connection within dataTimeoutMs: 150 then 425", async () => {
  await using server = await FtpTestServer.start({ dataTimeoutMs: 200 });
  await Deno.writeTextFile(`${server.root}/a.txt`, "a");
  using wire = await Wire.login(server);
  await wire.expect("EPSV", 229);
  await wire.expect("RETR a.txt", 150);
  assert.deepEqual((await wire.reply()).lines, ["425 Cannot open data connection"]);
  await wire.expect("NOOP", 200);
});

Deno.test("PORT to a port where nobody listens: 425", async () => {
  await using server = await startWith({ "a.txt": "a" });
  using wire = await Wire.login(server);
  const listener = activeListener();
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  await wire.expect(`EPRT |1|127.0.0.1|${port}|`, 200);
  await wire.expect("RETR a.txt", 150);
  assert.equal((await wire.reply()).code, 425);
});

Deno.test("ABOR during a stalled RETR: 426 for the transfer, then 226, then the session goes on", async () => {
  await using server = await startWith({ "blob.bin": BLOB });
  server.faults.dataStallAfterBytes = 1000;
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const data = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  const received = await readExactly(data, 1000);
  assert.equal(sha256(received), sha256(BLOB.subarray(0, 1000)));
  await wire.send("ABOR");
  assert.deepEqual((await wire.reply()).lines, ["426 Transfer aborted"]);
  assert.deepEqual((await wire.reply()).lines, ["226 Abort successful"]);
  assert.equal((await readAll(data)).length, 0);
  server.faults = {};
  await wire.expect("NOOP", 200);
  const again = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  assert.equal((await readAll(again)).length, BLOB.length);
  assert.equal((await wire.reply()).code, 226);
});

Deno.test("ABOR during a RETR the client stopped reading (server blocked writing)", async () => {
  const big = pattern(32 * 1024 * 1024, 7);
  await using server = await startWith({ "big.bin": big });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const data = await wire.passive();
  await wire.expect("RETR big.bin", 150);
  const first = new Uint8Array(1024);
  assert.ok((await data.read(first))! > 0);
  await wire.send("ABOR");
  assert.equal((await wire.reply()).code, 426);
  assert.equal((await wire.reply()).code, 226);
  const rest = await readAll(data).catch(() => new Uint8Array(0));
  assert.ok(rest.length < big.length);
  await wire.expect("PWD", 257);
});

Deno.test("ABOR during a STOR keeps what arrived and answers 426 then 226", async () => {
  await using server = await startWith({});
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const data = await wire.passive();
  await wire.expect("STOR part.bin", 150);
  await data.write(utf8("partial"));
  await waitFor(() => {
    try {
      return Deno.statSync(`${server.root}/part.bin`).size === 7;
    } catch {
      return false;
    }
  });
  await wire.send("ABOR");
  assert.equal((await wire.reply()).code, 426);
  assert.equal((await wire.reply()).code, 226);
  data.close();
  assert.equal(await Deno.readTextFile(`${server.root}/part.bin`), "partial");
  await wire.expect("NOOP", 200);
});

Deno.test("ABOR without a transfer answers 225 and drops a pending passive setup", async () => {
  await using server = await startWith({ "a.txt": "a" });
  using wire = await Wire.login(server);
  await wire.expect("EPSV", 229);
  await wire.expect("ABOR", 225);
  await wire.expect("RETR a.txt", 425);
});

Deno.test("commands sent during a transfer are queued and answered after it, in order", async () => {
  await using server = await startWith({ "blob.bin": BLOB });
  server.faults.dataStallAfterBytes = 10;
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const data = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  await wire.send("NOOP");
  await wire.send("PWD");
  await waitFor(() => server.commands.at(-1) === "PWD");
  // Had NOOP been answered at once, its 200 would come before the 426.
  data.close();
  assert.equal((await wire.reply()).code, 426);
  assert.equal((await wire.reply()).code, 200);
  assert.equal((await wire.reply()).code, 257);
});

Deno.test("QUIT during a transfer lets it finish: 226, then 221, then close", async () => {
  await using server = await startWith({ "blob.bin": BLOB });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const data = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  await wire.send("QUIT");
  assert.equal(sha256(await readAll(data)), sha256(BLOB));
  assert.equal((await wire.reply()).code, 226);
  assert.equal((await wire.reply()).code, 221);
  assert.deepEqual(await wire.untilClosed(), []);
});

Deno.test("a client that hangs up the control connection mid-transfer ends the session", async () => {
  await using server = await startWith({ "blob.bin": BLOB });
  server.faults.dataStallAfterBytes = 10;
  const wire = await Wire.login(server);
  const data = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  wire.close();
  await waitFor(() => server.sessionCount === 0);
  data.close();
});

Deno.test("RETR of a directory or a missing file is 550 before any 150", async () => {
  await using server = await startWith({});
  await Deno.mkdir(`${server.root}/dir`);
  using wire = await Wire.login(server);
  await wire.expect("EPSV", 229);
  await wire.expect("RETR dir", 550);
  await wire.expect("EPSV", 229);
  await wire.expect("RETR nothing-here", 550);
  await wire.expect("EPSV", 229);
  await wire.expect("STOR dir", 550);
});
