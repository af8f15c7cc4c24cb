import assert from "node:assert/strict";
import { type FaultCommand, FtpTestServer } from "../../src/testing/mod.ts";
import { pattern, readAll, readExactly, sha256, Wire, writeAndClose } from "./_wire.ts";

const BLOB = pattern(100_000, 5);

async function serverWithBlob(options: Parameters<typeof FtpTestServer.start>[0] = {}) {
  const server = await FtpTestServer.start(options);
  await Deno.writeFile(`${server.root}/blob.bin`, BLOB);
  return server;
}

/** Reads raw bytes until the server closes the connection. */
async function rawUntilClosed(conn: Deno.Conn): Promise<string> {
  return new TextDecoder().decode(await readAll(conn));
}

Deno.test("onCommand sees every command with its exact argument and session number", async () => {
  await using server = await FtpTestServer.start();
  const seen: FaultCommand[] = [];
  server.faults.onCommand = (command) => {
    seen.push(command);
    return undefined;
  };
  using a = await Wire.login(server, "anonymous", "pw");
  using b = await Wire.login(server);
  await a.expect("SIZE  two spaces ", 550);
  await b.expect("NOOP", 200);
  assert.deepEqual(seen.slice(0, 2), [
    { verb: "USER", argument: "anonymous", session: 1 },
    { verb: "PASS", argument: "pw", session: 1 },
  ]);
  assert.deepEqual(seen.find((c) => c.verb === "SIZE"), {
    verb: "SIZE",
    argument: " two spaces ",
    session: 1,
  });
  assert.deepEqual(seen.at(-1), { verb: "NOOP", argument: "", session: 2 });
});

Deno.test("onCommand reply: the raw text is sent instead of running the command", async () => {
  await using server = await serverWithBlob();
  server.faults.onCommand = async ({ verb }) => {
    await Promise.resolve();
    return verb === "DELE" ? { reply: "450-Busy\r\n450 Try later\r\n" } : undefined;
  };
  using wire = await Wire.login(server);
  const reply = await wire.command("DELE blob.bin");
  assert.deepEqual(reply, { code: 450, lines: ["450-Busy", "450 Try later"] });
  assert.ok((await Deno.stat(`${server.root}/blob.bin`)).isFile, "DELE did not run");
  server.faults.onCommand = undefined;
  await wire.expect("DELE blob.bin", 250);
});

Deno.test("onCommand delayMs: the command still runs and answers", async () => {
  await using server = await FtpTestServer.start();
  server.faults.onCommand = ({ verb }) => verb === "NOOP" ? { delayMs: 50 } : undefined;
  using wire = await Wire.login(server);
  await wire.expect("NOOP", 200);
  await wire.expect("PWD", 257);
});

Deno.test("onCommand drop: the control connection closes without a reply", async () => {
  await using server = await FtpTestServer.start();
  server.faults.onCommand = ({ verb }) => verb === "PWD" ? { drop: true } : undefined;
  using wire = await Wire.login(server);
  await wire.send("PWD");
  assert.deepEqual(await wire.untilClosed(), []);
});

Deno.test("onCommand stall: no reply ever; the connection stays open until the server closes", async () => {
  const server = await FtpTestServer.start();
  server.faults.onCommand = ({ verb }) => verb === "CWD" ? { stall: true } : undefined;
  using wire = await Wire.login(server);
  await wire.send("CWD /");
  await wire.send("NOOP");
  for (let i = 0; i < 200 && server.commands.at(-1) !== "NOOP"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(server.sessionCount, 1);
  await server.close();
  assert.deepEqual(await wire.untilClosed(), []);
});

Deno.test("onCommand that throws answers 451 and the session goes on", async () => {
  await using server = await FtpTestServer.start();
  server.faults.onCommand = ({ verb }) => {
    if (verb === "SYST") throw new Error("hook bug");
    return undefined;
  };
  using wire = await Wire.login(server);
  const reply = await wire.expect("SYST", 451);
  assert.match(reply.lines[0], /hook bug/);
  await wire.expect("NOOP", 200);
});

Deno.test("dataDropAfterBytes on RETR: exactly N bytes arrive, then 426", async () => {
  await using server = await serverWithBlob();
  server.faults.dataDropAfterBytes = 1000;
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const data = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  const received = await readAll(data);
  assert.equal(sha256(received), sha256(BLOB.subarray(0, 1000)));
  assert.deepEqual((await wire.reply()).lines, ["426 Connection closed; transfer aborted."]);
  // Faults are read per transfer: clearing the field restores normal transfers.
  delete server.faults.dataDropAfterBytes;
  const again = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  assert.equal((await readAll(again)).length, BLOB.length);
  assert.equal((await wire.reply()).code, 226);
});

Deno.test("dataDropAfterBytes on STOR and on listings", async () => {
  await using server = await serverWithBlob({ faults: { dataDropAfterBytes: 10 } });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const up = await wire.passive();
  await wire.expect("STOR cut.bin", 150);
  await writeAndClose(up, BLOB).catch(() => {}); // the server hangs up on us
  assert.equal((await wire.reply()).code, 426);
  assert.equal((await Deno.readFile(`${server.root}/cut.bin`)).length, 10);

  const listing = await wire.passive();
  await wire.expect("LIST", 150);
  assert.equal((await readAll(listing)).length, 10);
  assert.equal((await wire.reply()).code, 426);
});

Deno.test("dataStallAfterBytes: N bytes, then silence on an open connection", async () => {
  await using server = await serverWithBlob();
  server.faults.dataStallAfterBytes = 500;
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const data = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  assert.equal(sha256(await readExactly(data, 500)), sha256(BLOB.subarray(0, 500)));
  // A client would time out here; nothing more arrives while the connection stays open.
  await assert.rejects(readExactly(data, 1, 300), /Nothing arrived/);
  assert.equal((await wire.reply()).code, 426);
});

Deno.test("dataStallAfterBytes on STOR: the server stops reading until ABOR", async () => {
  await using server = await serverWithBlob({ faults: { dataStallAfterBytes: 100 } });
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const up = await wire.passive();
  await wire.expect("STOR slow.bin", 150);
  await up.write(BLOB.subarray(0, 1000));
  // ABOR only once the first 100 bytes are stored, or it could beat them.
  for (let i = 0; i < 500 && (await Deno.stat(`${server.root}/slow.bin`)).size < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await wire.send("ABOR");
  assert.equal((await wire.reply()).code, 426);
  assert.equal((await wire.reply()).code, 226);
  up.close();
  assert.equal((await Deno.readFile(`${server.root}/slow.bin`)).length, 100);
});

Deno.test("pasvAddress is announced in 227 while the server listens on its real address", async () => {
  await using server = await serverWithBlob();
  server.faults.pasvAddress = "127.99.0.1";
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const reply = await wire.expect("PASV", 227);
  const numbers = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply.lines[0])!.slice(1);
  assert.deepEqual(numbers.slice(0, 4), ["127", "99", "0", "1"]);
  const port = Number(numbers[4]) * 256 + Number(numbers[5]);
  const data = await Deno.connect({ hostname: "127.0.0.1", port });
  await wire.expect("RETR blob.bin", 150);
  assert.equal((await readAll(data)).length, BLOB.length);
  assert.equal((await wire.reply()).code, 226);
});

Deno.test("replyDelayMs delays replies without changing them", async () => {
  await using server = await FtpTestServer.start({ faults: { replyDelayMs: 20 } });
  const [wire, greeting] = await Wire.open(server);
  using _ = wire;
  assert.equal(greeting.code, 220);
  await wire.expect("NOOP", 200);
});

Deno.test("controlDropAfterBytes cuts the reply stream at exactly N bytes", async () => {
  await using server = await FtpTestServer.start({ faults: { controlDropAfterBytes: 0 } });
  const silent = await Deno.connect({ hostname: server.hostname, port: server.port });
  assert.equal(await rawUntilClosed(silent), "");

  server.faults.controlDropAfterBytes = 10;
  const cut = await Deno.connect({ hostname: server.hostname, port: server.port });
  assert.equal(await rawUntilClosed(cut), "220 ferry ");

  // Counted over the whole session: greeting (29 bytes) + "331 " + ...
  server.faults.controlDropAfterBytes = 33;
  const later = await Deno.connect({ hostname: server.hostname, port: server.port });
  await later.write(new TextEncoder().encode("USER anonymous\r\n"));
  assert.equal(await rawUntilClosed(later), "220 ferry test server ready\r\n331 ");
});

Deno.test("an onCommand hook that never settles does not hold up close()", async () => {
  const server = await FtpTestServer.start();
  let rejectLater: ((error: Error) => void) | undefined;
  server.faults.onCommand = ({ verb }) =>
    verb === "NOOP" ? new Promise((_, reject) => rejectLater = reject) : undefined;
  using wire = await Wire.login(server);
  await wire.send("NOOP");
  for (let i = 0; i < 200 && !rejectLater; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await server.close();
  assert.deepEqual(await wire.untilClosed(), []);
  // Settling after the close is harmless (no unhandled rejection).
  assert.ok(rejectLater, "the hook was called");
  rejectLater(new Error("too late"));
});
