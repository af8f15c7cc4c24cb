// statAll (issue 15): what stat() says of each path, asked together. The
// delay rig (tests/_delay_rig.ts) counts flights: with MLST one for any
// number of paths, without it two (SIZE and MDTM, then the directory probes
// of what is no file). A change that asks one path at a time again fails
// here; no time is asserted.

import assert from "node:assert/strict";
import { join } from "node:path";
import { type FileInfo, type FtpClient, FtpPermanentError, FtpTransientError } from "../../mod.ts";
import { delayRig } from "../_delay_rig.ts";

const PATHS = ["a.txt", "site", "missing", "site/b.bin", "site/", "site/deeper", "gone/x"];

async function makeTree(root: string): Promise<void> {
  await Deno.mkdir(join(root, "site/deeper"), { recursive: true });
  await Deno.writeTextFile(join(root, "a.txt"), "hello");
  await Deno.writeFile(join(root, "site/b.bin"), new Uint8Array(1000));
}

/** A result as text: type, name and size, or the error's code and command. */
function shown(entry: FileInfo | Error): string {
  if (entry instanceof FtpPermanentError) return `${entry.code} ${entry.command}`;
  if (entry instanceof Error) return `${entry.name}: ${entry.message}`;
  return `${entry.type} ${entry.name} ${entry.size ?? ""} ${entry.modified?.getTime() ?? ""}`;
}

async function statEach(client: FtpClient, paths: string[]): Promise<string[]> {
  const each: string[] = [];
  for (const path of paths) each.push(shown(await client.stat(path).catch((e) => e)));
  return each;
}

Deno.test("statAll with MLST: every path in one round trip, each as stat says, a missing one's 550 in place", async () => {
  await using r = await delayRig();
  await makeTree(r.server.root);
  await using client = await r.connect();
  const before = r.proxy.stats();
  const found = await client.statAll(PATHS);
  const after = r.proxy.stats();
  assert.equal(after.flights - before.flights, 1);
  assert.equal((after.verbs.MLST ?? 0) - (before.verbs.MLST ?? 0), PATHS.length);
  assert.deepEqual(found.map(shown), await statEach(client, PATHS));
  assert.deepEqual(found.map((e) => "type" in e ? e.type : "error"), [
    "file",
    "directory",
    "error",
    "file",
    "directory",
    "directory",
    "error",
  ]);
  assert.equal((found[3] as FileInfo).size, 1000);
  const missing = found[2];
  assert.ok(missing instanceof FtpPermanentError, String(missing));
  assert.equal(missing.code, 550);
  assert.equal(missing.command, "MLST missing");
  assert.equal(await client.pwd(), "/");
});

Deno.test("statAll without MLST: SIZE and MDTM together, then the probes together; a slash probes first", async () => {
  await using r = await delayRig({ disabledCommands: ["MLST"] });
  await makeTree(r.server.root);
  await using client = await r.connect();
  assert.equal(client.features.has("MLST"), false);
  const plain = PATHS.filter((p) => !p.endsWith("/"));
  let before = r.proxy.stats();
  const found = await client.statAll(plain);
  let after = r.proxy.stats();
  assert.equal(after.flights - before.flights, 2, "SIZE and MDTM, then the probes");
  // Each path's SIZE and MDTM; a CWD in and back for each that is no file.
  assert.equal((after.verbs.SIZE ?? 0) - (before.verbs.SIZE ?? 0), plain.length);
  assert.equal((after.verbs.CWD ?? 0) - (before.verbs.CWD ?? 0), 2 * 4);
  assert.deepEqual(found.map(shown), await statEach(client, plain));
  const missing = found[2];
  assert.ok(missing instanceof FtpPermanentError, String(missing));
  assert.equal(missing.command, "SIZE missing");
  // Only files: one round trip.
  before = r.proxy.stats();
  await client.statAll(["a.txt", "site/b.bin"]);
  assert.equal(r.proxy.stats().flights - before.flights, 1);
  // A name with a slash is probed first; a directory needs nothing more.
  before = r.proxy.stats();
  const slashed = await client.statAll(["site/", "a.txt"]);
  after = r.proxy.stats();
  assert.equal(after.flights - before.flights, 2);
  assert.deepEqual(slashed.map(shown), await statEach(client, ["site/", "a.txt"]));
  assert.equal(await client.pwd(), "/");
});

Deno.test("statAll with pipelining off: the same commands one at a time, the same answers", async () => {
  await using r = await delayRig({ disabledCommands: ["MLST"] });
  await makeTree(r.server.root);
  await using client = await r.connect({ pipelining: false });
  const plain = PATHS.filter((p) => !p.endsWith("/"));
  const before = r.proxy.stats();
  const found = await client.statAll(plain);
  const after = r.proxy.stats();
  // One command a round trip: SIZE and MDTM of each, a CWD into the four that are
  // no file, and a CWD back out of the two directories.
  assert.equal(after.flights - before.flights, 2 * plain.length + 4 + 2);
  assert.equal(after.commands - before.commands, after.flights - before.flights);
  assert.deepEqual(found.map(shown), await statEach(client, plain));
});

for (const pipelining of [true, false]) {
  Deno.test(`statAll, pipelining ${pipelining ? "on" : "off"}: a 4xx to a directory probe fails the call (no answer), the session still usable`, async () => {
    await using r = await delayRig({
      disabledCommands: ["MLST"],
      faults: {
        onCommand: (c) =>
          c.verb === "CWD" && c.argument === "site"
            ? { reply: "450 Busy, try later\r\n" }
            : undefined,
      },
    });
    await makeTree(r.server.root);
    await using client = await r.connect({ pipelining });
    const error = await client.statAll(["a.txt", "site", "missing"]).catch((e) => e);
    assert.ok(error instanceof FtpTransientError, String(error));
    assert.equal(error.code, 450);
    assert.equal(error.command, "CWD site");
    // A missing path alone is an answer, kept in its place.
    const [file, missing] = await client.statAll(["a.txt", "missing"]);
    assert.equal((file as FileInfo).size, 5);
    assert.ok(missing instanceof FtpPermanentError && missing.command === "SIZE missing");
    assert.equal(await client.pwd(), "/");
  });
}

Deno.test("statAll: duplicates, an empty list, and after a relative cd (where the session is, asked first)", async () => {
  await using r = await delayRig({ disabledCommands: ["MLST"] });
  await makeTree(r.server.root);
  await using client = await r.connect();
  let before = r.flights();
  assert.deepEqual(await client.statAll([]), []);
  assert.equal(r.flights(), before, "nothing sent for nothing");
  const twice = await client.statAll(["a.txt", "a.txt", "site", "site"]);
  assert.deepEqual(twice.map(shown), await statEach(client, ["a.txt", "a.txt", "site", "site"]));
  await client.cd("site");
  before = r.flights();
  const inside = await client.statAll(["b.bin", "deeper", "nope"]);
  // SIZE and MDTM; PWD (the way back is not known after a relative CWD); the probes.
  assert.equal(r.flights() - before, 3);
  assert.deepEqual(inside.map(shown), await statEach(client, ["b.bin", "deeper", "nope"]));
  assert.equal(await client.pwd(), "/site");
});

Deno.test("statAll: a bad path is refused before anything is sent", async () => {
  await using r = await delayRig();
  await using client = await r.connect();
  const before = r.flights();
  const error = await client.statAll(["ok", "bad\r\nDELE x"]).catch((e) => e);
  assert.equal(error?.name, "FtpInputError", String(error));
  assert.equal(r.flights(), before);
});
