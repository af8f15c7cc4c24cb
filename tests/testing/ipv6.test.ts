import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { activeListener, pattern, readAll, sha256, Wire, writeAndClose } from "./_wire.ts";

function hasIpv6Loopback(): boolean {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return true;
  } catch {
    return false;
  }
}

const ignore = !hasIpv6Loopback();
if (ignore) console.warn("IPv6 loopback (::1) is unavailable here: IPv6 tests are ignored");

const BLOB = pattern(50_000, 11);

Deno.test("IPv6: url in brackets, EPSV and EPRT transfers over ::1", { ignore }, async () => {
  await using server = await FtpTestServer.start({ hostname: "::1" });
  await Deno.writeFile(`${server.root}/blob.bin`, BLOB);
  assert.equal(server.hostname, "::1");
  assert.equal(server.url, `ftp://[::1]:${server.port}`);
  using wire = await Wire.login(server);
  await wire.expect("TYPE I", 200);
  const down = await wire.passive();
  await wire.expect("RETR blob.bin", 150);
  assert.equal(sha256(await readAll(down)), sha256(BLOB));
  assert.equal((await wire.reply()).code, 226);

  using listener = activeListener("::1");
  const { port } = listener.addr as Deno.NetAddr;
  await wire.expect(`EPRT |2|::1|${port}|`, 200);
  await wire.expect("STOR copy.bin", 150);
  await writeAndClose(await listener.accept(), BLOB);
  assert.equal((await wire.reply()).code, 226);
  assert.equal(sha256(await Deno.readFile(`${server.root}/copy.bin`)), sha256(BLOB));

  // Another spelling of ::1 is the same host.
  await wire.expect(`EPRT |2|0:0:0:0:0:0:0:1|${port}|`, 200);
});

Deno.test(
  "IPv6: PASV and PORT are refused with 522, EPSV checks its protocol",
  { ignore },
  async () => {
    await using server = await FtpTestServer.start({ hostname: "::1" });
    using wire = await Wire.login(server);
    assert.equal((await wire.command("PASV")).code, 522);
    assert.equal((await wire.command("PORT 127,0,0,1,19,136")).code, 522);
    assert.deepEqual((await wire.command("EPRT |1|127.0.0.1|5000|")).lines, [
      "522 Network protocol not supported, use (2)",
    ]);
    assert.deepEqual((await wire.command("EPSV 1")).lines, [
      "522 Network protocol not supported, use (2)",
    ]);
    assert.equal((await wire.command("EPSV 2")).code, 229);
    assert.equal((await wire.command("EPSV ALL")).code, 200);
    assert.equal((await wire.command("EPRT |2|::1|5000|")).code, 503);
    assert.equal((await wire.command("EPSV")).code, 229);
  },
);
