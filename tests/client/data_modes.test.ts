import assert from "node:assert/strict";
import { FtpClient, type TransferMode } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, readAll, sha256 } from "../_helpers.ts";
import { Decoy } from "../_decoy.ts";

const cases: { mode: TransferMode; disabled: string[]; expect: string }[] = [
  { mode: "passive", disabled: [], expect: "EPSV" },
  { mode: "passive", disabled: ["EPSV"], expect: "PASV" },
  { mode: "active", disabled: [], expect: "EPRT |1|127.0.0.1|" },
  { mode: "active", disabled: ["EPRT"], expect: "PORT 127,0,0,1," },
];

for (const { mode, disabled, expect } of cases) {
  Deno.test(`${mode} mode${disabled.length ? ` without ${disabled}` : ""}: list, upload, download`, async () => {
    await using server = await FtpTestServer.start({ disabledCommands: disabled });
    await using client = await FtpClient.connect({ port: server.port, transferMode: mode });
    const data = pseudoRandomBytes(1 << 20, 11);
    await client.upload("m.bin", data);
    assert.equal(sha256(await readAll(await client.download("m.bin"))), sha256(data));
    assert.deepEqual((await client.list()).map((e) => e.name), ["m.bin"]);
    assert.ok(server.commands.some((c) => c.startsWith(expect)), `${expect} in ${server.commands}`);
    if (disabled.length) {
      const fallbackTries = server.commands.filter((c) => c.startsWith(disabled[0])).length;
      assert.equal(fallbackTries, 1, "an unsupported command is tried once, then remembered");
    }
  });
}

Deno.test("a PASV reply naming another host is ignored: data goes to the control peer", async () => {
  await using decoy = new Decoy();
  await using server = await FtpTestServer.start({
    disabledCommands: ["EPSV"],
    faults: { pasvAddress: Decoy.HOST },
    // A client that went to the decoy fails in seconds: nobody comes to the server's port.
    dataTimeoutMs: 3_000,
  });
  await using client = await FtpClient.connect({ port: server.port, debug: decoy.debug });
  await client.upload("p.txt", "safe");
  assert.equal(await new Response(await client.download("p.txt")).text(), "safe");
  assert.deepEqual(decoy.connections, []);
});

Deno.test("trustPasvHost uses the PASV host as told", async () => {
  await using server = await FtpTestServer.start({
    disabledCommands: ["EPSV"],
    faults: { pasvAddress: "127.0.0.1" },
  });
  await using client = await FtpClient.connect({ port: server.port, trustPasvHost: true });
  await client.upload("p.txt", "told");
  assert.equal(await new Response(await client.download("p.txt")).text(), "told");
});

Deno.test("transferMode can change between calls", async () => {
  await using server = await FtpTestServer.start();
  await using client = await FtpClient.connect({ port: server.port });
  await client.upload("a", "1");
  client.transferMode = "active";
  await client.upload("b", "2");
  client.transferMode = "passive";
  await client.upload("c", "3");
  // What each upload's data connection came from: the command before its STOR
  // (an EPSV sent ahead with an upload's end is not used by an active one).
  const commands = server.commands;
  const modes = commands.flatMap((c, i) =>
    c.startsWith("STOR") ? [commands[i - 1].slice(0, 4)] : []
  );
  assert.deepEqual(modes, ["EPSV", "EPRT", "EPSV"]);
});
