// Round trips, counted (issue 15): the embedded server behind the
// benchmark's delay proxy (tests/_delay_rig.ts), which counts the client's
// flights. A change that adds a round trip per file, or to the login, fails
// here; no time is asserted.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, FtpPermanentError } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { delayRig } from "../_delay_rig.ts";
import { makeTestPki } from "../_servers/certs.ts";

const rig = delayRig;

async function files(server: FtpTestServer, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `f${i}.txt`;
    await Deno.writeTextFile(join(server.root, name), `file ${i}\n`.repeat(i + 1));
    names.push(name);
  }
  return names;
}

Deno.test("the login takes two round trips: USER; PASS with FEAT, TYPE I, OPTS UTF8 ON and PWD", async () => {
  await using r = await rig();
  await using client = await r.connect();
  assert.equal(client.state, "loggedIn");
  assert.ok(client.features.has("UTF8"));
  const record = r.proxy.stats().connections[0];
  // The embedded server sends the MLST facts ferry reads without OPTS MLST.
  assert.deepEqual(record.commandsPerFlight, [1, 5]);
  assert.equal(r.flights(), 2);
});

Deno.test("pipelining: false sends one command at a time", async () => {
  await using r = await rig();
  await using client = await r.connect({ pipelining: false });
  assert.deepEqual(r.proxy.stats().connections[0].commandsPerFlight, [1, 1, 1, 1, 1, 1]);
  await client.download("missing").catch(() => {});
  const names = await files(r.server, 2);
  for (const name of names) await new Response(await client.download(name)).text();
  assert.equal(r.verbs().EPSV, 3, "no EPSV is sent ahead");
  // A round trip of its own first: the last download's end (the close of
  // its data connection, which this server may answer before it sees)
  // is then counted before, whatever order the proxy saw it in.
  await client.noop();
  const before = r.flights();
  await client.upload("small.txt", "small\n");
  // EPSV | STOR | the data: a small upload's data waits for the 150 too.
  assert.equal(r.flights() - before, 3);
  assert.equal(await Deno.readTextFile(join(r.server.root, "small.txt")), "small\n");
});

Deno.test("downloads over one connection: one round trip per file (RETR goes with the next EPSV, its data connection closed for writing)", async () => {
  await using r = await rig();
  const names = await files(r.server, 5);
  await using client = await r.connect();
  const before = r.flights();
  for (const [i, name] of names.entries()) {
    const text = await new Response(await client.download(name)).text();
    assert.equal(text, `file ${i}\n`.repeat(i + 1));
  }
  const flights = r.flights() - before;
  // The first file: EPSV | RETR with the next EPSV; each later one: RETR with
  // the next EPSV, while the data, the 226 and the 229 come back together.
  assert.ok(flights <= names.length + 1, `${flights} flights for ${names.length} files`);
  // The EPSV sent ahead is read before the next command: the client is in step.
  assert.equal(await client.size(names[0]), "file 0\n".length);
  const verbs = r.verbs();
  assert.equal(verbs.RETR, names.length);
  assert.equal(verbs.EPSV, names.length + 1, "one EPSV per file, and one sent ahead");
});

Deno.test("small uploads over one connection: one round trip per file (the data goes with STOR, the next EPSV with the data's end)", async () => {
  await using r = await rig();
  await using client = await r.connect();
  const before = r.flights();
  const count = 5;
  for (let i = 0; i < count; i++) await client.upload(`u${i}.txt`, `upload ${i}\n`);
  const flights = r.flights() - before;
  // EPSV | then for each file: STOR, its data, the data's close and the next EPSV.
  assert.ok(flights <= count + 1, `${flights} flights for ${count} files`);
  for (let i = 0; i < count; i++) {
    assert.equal(await Deno.readTextFile(join(r.server.root, `u${i}.txt`)), `upload ${i}\n`);
  }
  // The EPSV sent ahead of the last upload's end is read before the next command.
  assert.equal(await client.size("u0.txt"), "upload 0\n".length);
  assert.equal(r.verbs().EPSV, count + 1, "one EPSV per file, and one sent ahead");
});

Deno.test("a large upload waits for the 150 before its data", async () => {
  await using r = await rig();
  await using client = await r.connect();
  const before = r.flights();
  const big = new Uint8Array(256 * 1024).fill(7);
  await client.upload("big.bin", big);
  // EPSV | STOR | the data.
  assert.equal(r.flights() - before, 3);
  assert.equal((await Deno.stat(join(r.server.root, "big.bin"))).size, big.length);
});

Deno.test("a resumed small upload: REST alone, STOR after its 350, the data after the 150", async () => {
  await using r = await rig();
  await using client = await r.connect();
  await Deno.writeTextFile(join(r.server.root, "resumed.txt"), "hello ");
  const before = r.flights();
  await client.upload("resumed.txt", "world\n", { offset: 6 });
  // EPSV | REST | STOR | the data: none goes before the reply it depends on.
  assert.equal(r.flights() - before, 4);
  assert.equal(await Deno.readTextFile(join(r.server.root, "resumed.txt")), "hello world\n");
});

Deno.test("a refused small upload whose data went with STOR: the error names STOR, the session stays in step", async () => {
  await using r = await rig();
  await using client = await r.connect();
  const refused = await client.upload("no/such/dir/f.txt", "data\n").catch((e) => e);
  assert.ok(refused instanceof FtpPermanentError, String(refused));
  assert.match(refused.message, /STOR no\/such\/dir\/f\.txt/);
  assert.equal(await client.pwd(), "/");
  await client.upload("ok.txt", "fine\n");
  assert.equal(await Deno.readTextFile(join(r.server.root, "ok.txt")), "fine\n");
});

Deno.test("lastModifiedAll: many MDTMs in one round trip; a missing file's error names its command", async () => {
  await using r = await rig({ disabledCommands: ["MLST", "MLSD"] });
  const names = await files(r.server, 40);
  const when = new Date("2026-03-04T05:06:07Z");
  for (const name of names) await Deno.utime(join(r.server.root, name), when, when);
  await using client = await r.connect();
  const before = r.flights();
  const times = await client.lastModifiedAll([...names, "missing.txt"]);
  assert.equal(r.flights() - before, 1);
  assert.equal(times.length, names.length + 1);
  for (const time of times.slice(0, -1)) assert.equal((time as Date).getTime(), when.getTime());
  const missing = times.at(-1);
  assert.ok(missing instanceof FtpPermanentError, String(missing));
  assert.equal(missing.code, 550);
  assert.match(missing.message, /MDTM missing\.txt/);
  // In step afterwards.
  assert.equal((await client.lastModified(names[1])).getTime(), when.getTime());
});

Deno.test("stat without MLST: SIZE and MDTM in one round trip", async () => {
  await using r = await rig({ disabledCommands: ["MLST", "MLSD"] });
  const [name] = await files(r.server, 1);
  await using client = await r.connect();
  const before = r.flights();
  const info = await client.stat(name);
  assert.equal(r.flights() - before, 1);
  assert.equal(info.size, "file 0\n".length);
  assert.ok(info.modified instanceof Date);
  const missing = await client.stat("missing.txt").catch((e) => e);
  assert.ok(missing instanceof FtpPermanentError, String(missing));
  assert.match(missing.message, /SIZE missing\.txt/);
});

Deno.test("stat of a directory without MLST: one round trip when named with a slash, two without; the current directory is kept", async () => {
  await using r = await rig({ disabledCommands: ["MLST", "MLSD"] });
  await Deno.mkdir(join(r.server.root, "d/sub"), { recursive: true });
  const [name] = await files(r.server, 1);
  await using client = await r.connect();
  let before = r.flights();
  // CWD into it and CWD back (to the directory the login's PWD named) together.
  assert.equal((await client.stat("d/")).type, "directory");
  assert.equal(r.flights() - before, 1);
  before = r.flights();
  // SIZE and MDTM first (it may be a file), then the CWD probe.
  assert.equal((await client.stat("d")).type, "directory");
  assert.equal(r.flights() - before, 2);
  assert.equal(await client.pwd(), "/");
  // A file named with a slash: the CWD in fails, the CWD back leads nowhere
  // new, and SIZE and MDTM decide (this server takes the slash).
  const notDir = await client.stat(`${name}/`);
  assert.equal(notDir.type, "file");
  assert.equal(await client.pwd(), "/");
  // After a relative CWD the client asks where it is (PWD) before probing.
  await client.cd("d");
  before = r.flights();
  assert.equal((await client.stat("sub/")).type, "directory");
  assert.equal(r.flights() - before, 2);
  assert.equal(await client.pwd(), "/d");
  // An absolute one is known.
  await client.cd("/d/sub");
  before = r.flights();
  assert.equal((await client.stat("/d/")).type, "directory");
  assert.equal(r.flights() - before, 1);
  assert.equal(await client.pwd(), "/d/sub");
  // A raw CWD makes it unknown again.
  await client.command("CWD /d");
  before = r.flights();
  assert.equal((await client.stat("sub/")).type, "directory");
  assert.equal(r.flights() - before, 2);
  assert.equal(await client.pwd(), "/d");
});

Deno.test("a stat sends the next transfer's EPSV with it: stat then download is two round trips", async () => {
  for (const disabledCommands of [[], ["MLST", "MLSD"]]) {
    await using r = await rig({ disabledCommands });
    const [name] = await files(r.server, 1);
    await using client = await r.connect();
    const before = r.flights();
    const info = await client.stat(name);
    const text = await new Response(await client.download(name)).text();
    assert.equal(text, "file 0\n");
    assert.equal(info.size, text.length);
    await client.pwd();
    // stat + EPSV | RETR | the end + the next EPSV | PWD.
    const flights = r.flights() - before;
    assert.ok(flights <= 4, `${flights} flights, without ${disabledCommands}`);
  }
});

Deno.test("FTPS: the login sends PBSZ, PROT and PWD with PASS", async () => {
  const pki = await makeTestPki();
  await using server = await FtpTestServer.start({
    users: { alice: "tls-secret" },
    tls: { cert: pki.server.certPem, key: pki.server.keyPem },
  });
  const sent: string[] = [];
  await using client = await FtpClient.connect(
    `ftpes://alice:tls-secret@localhost:${server.port}/`,
    {
      tls: { caCerts: [pki.caPem] },
      debug: (m) => m.direction === "send" && sent.push(m.line),
    },
  );
  assert.deepEqual(sent.slice(0, 9), [
    "AUTH TLS",
    "USER alice",
    "PASS ***",
    "FEAT",
    "TYPE I",
    "OPTS UTF8 ON",
    "PWD",
    "PBSZ 0",
    "PROT P",
  ]);
  await client.upload("secret.txt", "protected\n");
  assert.equal(await new Response(await client.download("secret.txt")).text(), "protected\n");
});
