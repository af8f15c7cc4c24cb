import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { PassiveSetup } from "../../src/testing/_data_channel.ts";
import { readAll, text, utf8, Wire, writeAndClose } from "./_wire.ts";
import { Decoy } from "../_decoy.ts";

const POSIX = Deno.build.os !== "windows";

/** A served root next to an outside directory holding a secret. */
async function sandbox() {
  const base = await Deno.makeTempDir({ prefix: "ferry-sec-" });
  const root = `${base}/root`;
  const outside = `${base}/outside`;
  await Deno.mkdir(root);
  await Deno.mkdir(outside);
  await Deno.writeTextFile(`${outside}/secret.txt`, "secret");
  await Deno.writeTextFile(`${root}/public.txt`, "public");
  const server = await FtpTestServer.start({ root });
  return {
    server,
    root,
    outside,
    async [Symbol.asyncDispose]() {
      await server.close();
      await Deno.remove(base, { recursive: true });
    },
  };
}

async function codeOf(wire: Wire, command: string): Promise<number> {
  return (await wire.command(command)).code;
}

Deno.test(".. and absolute paths stay inside the root", async () => {
  await using box = await sandbox();
  using wire = await Wire.login(box.server);
  await wire.expect("CWD ..", 250);
  await wire.expect("CWD ../../..", 250);
  assert.equal((await wire.command("PWD")).lines[0], '257 "/" is the current directory');
  for (
    const path of ["../outside/secret.txt", "/../outside/secret.txt", "../../../../etc/passwd"]
  ) {
    await wire.expect("EPSV", 229);
    assert.equal(await codeOf(wire, `RETR ${path}`), 550, path);
    assert.equal(await codeOf(wire, `SIZE ${path}`), 550, path);
  }
  assert.equal(await codeOf(wire, "SIZE /etc/passwd"), 550);
  // Writing to "../x" writes /x, inside the root.
  const data = await wire.passive();
  await wire.expect("STOR ../../escape.txt", 150);
  await writeAndClose(data, utf8("stays"));
  assert.equal((await wire.reply()).code, 226);
  assert.equal(await Deno.readTextFile(`${box.root}/escape.txt`), "stays");
  await assert.rejects(Deno.stat(`${box.outside}/../escape.txt`), Deno.errors.NotFound);
  // Listing ".." lists the root.
  const listing = await wire.passive();
  await wire.expect("NLST ../..", 150);
  assert.deepEqual(text(await readAll(listing)).split("\r\n").filter(Boolean), [
    "escape.txt",
    "public.txt",
  ]);
  assert.equal((await wire.reply()).code, 226);
});

Deno.test("a symlink to /etc cannot be entered, listed or read", { ignore: !POSIX }, async () => {
  await using box = await sandbox();
  await Deno.symlink("/etc", `${box.root}/etc-link`);
  using wire = await Wire.login(box.server);
  assert.equal(await codeOf(wire, "CWD etc-link"), 550);
  assert.equal(await codeOf(wire, "MLST etc-link"), 550);
  assert.equal(await codeOf(wire, "STAT etc-link"), 550);
  assert.equal(await codeOf(wire, "SIZE etc-link/passwd"), 550);
  assert.equal(await codeOf(wire, "MDTM etc-link/hostname"), 550);
  for (
    const command of ["LIST etc-link", "NLST etc-link", "MLSD etc-link", "RETR etc-link/passwd"]
  ) {
    await wire.expect("EPSV", 229);
    assert.equal(await codeOf(wire, command), 550, command);
  }
  assert.equal((await wire.command("PWD")).lines[0], '257 "/" is the current directory');
});

Deno.test("nothing is written, renamed, deleted or chmod-ed through a symlink leading out", {
  ignore: !POSIX,
}, async () => {
  await using box = await sandbox();
  await Deno.symlink(box.outside, `${box.root}/out-dir`);
  await Deno.symlink(`${box.outside}/secret.txt`, `${box.root}/out-file`);
  await Deno.symlink(`${box.outside}/created-by-server.txt`, `${box.root}/dangling`);
  using wire = await Wire.login(box.server);
  for (const target of ["out-dir/new.txt", "out-file", "dangling", "out-dir/secret.txt"]) {
    for (const verb of ["STOR", "APPE"]) {
      await wire.expect("EPSV", 229);
      assert.equal(await codeOf(wire, `${verb} ${target}`), 550, `${verb} ${target}`);
    }
  }
  const refused = [
    "MKD out-dir/sub",
    "RMD out-dir",
    "DELE out-dir/secret.txt",
    "RNFR out-dir/secret.txt",
    "MFMT 20000101000000 out-file",
    "MFMT 20000101000000 out-dir/secret.txt",
    "SITE CHMOD 777 out-file",
    "SITE CHMOD 777 out-dir/secret.txt",
    "RETR out-file",
  ];
  for (const command of refused) {
    if (command.startsWith("RETR")) await wire.expect("EPSV", 229);
    assert.equal(await codeOf(wire, command), 550, command);
  }
  await wire.expect("RNFR public.txt", 350);
  assert.equal(await codeOf(wire, "RNTO out-dir/stolen.txt"), 550);

  assert.equal(await Deno.readTextFile(`${box.outside}/secret.txt`), "secret");
  assert.equal((await Deno.stat(`${box.outside}/secret.txt`)).mode! & 0o777, 0o644);
  const outsideNames = [...Deno.readDirSync(box.outside)].map((e) => e.name);
  assert.deepEqual(outsideNames, ["secret.txt"]);
  assert.equal(await Deno.readTextFile(`${box.root}/public.txt`), "public");
  // Deleting the link itself is fine: it lies inside the root.
  await wire.expect("DELE out-file", 250);
  assert.equal(await Deno.readTextFile(`${box.outside}/secret.txt`), "secret");
});

Deno.test("the root itself cannot be removed or renamed; NUL in a path is refused", async () => {
  await using box = await sandbox();
  using wire = await Wire.login(box.server);
  assert.equal(await codeOf(wire, "RMD /"), 550);
  assert.equal(await codeOf(wire, "RNFR /"), 550);
  assert.equal(await codeOf(wire, "DELE /"), 550);
  assert.equal(await codeOf(wire, "SIZE public.txt\0.png"), 550);
});

Deno.test("PORT/EPRT to a third-party address or privileged port is refused (bounce protection)", async () => {
  await using box = await sandbox();
  // The third party is a decoy on 127.0.0.2: a server that let the bounce
  // through would connect there, and the decoy records it.
  await using decoy = new Decoy();
  const port = decoy.listen();
  using wire = await Wire.login(box.server);
  for (
    const command of [
      `PORT 127,0,0,2,${port >> 8},${port & 255}`,
      `EPRT |1|127.0.0.2|${port}|`,
      `EPRT |1|127.0.0.002|${port}|`,
    ]
  ) {
    assert.equal(await codeOf(wire, command), 500, command);
    assert.equal(await codeOf(wire, "RETR public.txt"), 425, `a transfer after ${command}`);
  }
  assert.equal(await codeOf(wire, "EPRT |2|::1|5000|"), 522);
  assert.equal(await codeOf(wire, "EPRT |3|x|5000|"), 522);
  assert.equal(await codeOf(wire, "PORT 127,0,0,1,0,25"), 504);
  assert.equal(await codeOf(wire, "EPRT |1|127.0.0.1|21|"), 504);
  assert.equal(await codeOf(wire, "PORT 1,2,3"), 501);
  assert.equal(await codeOf(wire, "PORT 127,0,0,1,300,1"), 501);
  assert.equal(await codeOf(wire, "EPRT garbage"), 501);
  // An equivalent spelling of the client's own address is accepted.
  assert.equal(await codeOf(wire, "EPRT |1|127.000.0.1|5000|"), 200);
  // Nothing was set up by the refused commands.
  await wire.expect("ABOR", 225);
  assert.equal(await codeOf(wire, "RETR public.txt"), 425);
  assert.deepEqual(decoy.connections, []);
});

Deno.test("a passive listener accepts only the control connection's peer", async () => {
  const setup = PassiveSetup.listen("127.0.0.1", "127.0.0.2");
  const intruder = await Deno.connect({ hostname: "127.0.0.1", port: setup.port });
  // The server closes the intruder unheard...
  assert.equal(await intruder.read(new Uint8Array(1)), null);
  intruder.close();
  // ...and the transfer still has no connection.
  assert.equal(await setup.open(new AbortController().signal, 100), undefined);
  await setup.close();

  const welcome = PassiveSetup.listen("127.0.0.1", "::ffff:127.0.0.1");
  const client = await Deno.connect({ hostname: "127.0.0.1", port: welcome.port });
  const conn = await welcome.open(new AbortController().signal, 5000);
  assert.ok(conn);
  conn.close();
  client.close();
  await welcome.close();
});
