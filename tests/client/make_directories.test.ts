// Creating directories with their parents (issue 15): `mkdir(path, {
// recursive: true })` and `mkdirAll` send the MKDs of every level together,
// counted by the delay rig (tests/_delay_rig.ts). A change that walks the
// levels one round trip at a time again fails here; no time is asserted.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpPermanentError } from "../../mod.ts";
import { delayRig } from "../_delay_rig.ts";

async function isDirectory(path: string): Promise<boolean> {
  return await Deno.stat(path).then((info) => info.isDirectory, () => false);
}

Deno.test("mkdir -p of a/b/c: one round trip whether no level, some or all exist; the directory stays", async () => {
  await using r = await delayRig();
  await using client = await r.connect();
  const cases: [string, string[]][] = [
    ["none/b/c", []],
    ["some/b/c", ["some"]],
    ["deeper/b/c", ["deeper", "deeper/b"]],
    ["all/b/c", ["all", "all/b", "all/b/c"]],
  ];
  for (const [path, existing] of cases) {
    for (const dir of existing) await Deno.mkdir(join(r.server.root, dir));
    const before = r.proxy.stats();
    await client.mkdir(path, { recursive: true });
    const after = r.proxy.stats();
    assert.equal(after.flights - before.flights, 1, `${path} with ${existing}`);
    assert.equal((after.verbs.MKD ?? 0) - (before.verbs.MKD ?? 0), 3, "one MKD per level");
    assert.ok(await isDirectory(join(r.server.root, path)), path);
  }
  // No level was walked into: the session is where it was.
  assert.equal(await client.pwd(), "/");
});

Deno.test("mkdir -p from a subdirectory and of an absolute path: levels relative to where the session is", async () => {
  await using r = await delayRig();
  await Deno.mkdir(join(r.server.root, "home"));
  await using client = await r.connect();
  await client.cd("/home");
  let before = r.flights();
  await client.mkdir("site/assets/", { recursive: true });
  assert.equal(r.flights() - before, 1);
  assert.ok(await isDirectory(join(r.server.root, "home/site/assets")));
  before = r.flights();
  await client.mkdir("/abs/x", { recursive: true });
  await client.mkdir("/abs/x", { recursive: true }); // It exists now: not an error.
  assert.equal(r.flights() - before, 2);
  assert.ok(await isDirectory(join(r.server.root, "abs/x")));
  assert.equal(await client.pwd(), "/home");
  // After a relative CWD the session's directory is unknown: a new tree still
  // takes one round trip; an existing one asks PWD before its CWD in and back.
  await client.cd("site");
  before = r.flights();
  await client.mkdir("new/er", { recursive: true });
  assert.equal(r.flights() - before, 1);
  before = r.flights();
  await client.mkdir("new/er", { recursive: true });
  assert.equal(r.flights() - before, 3);
  assert.ok(await isDirectory(join(r.server.root, "home/site/new/er")));
  assert.equal(await client.pwd(), "/home/site");
});

Deno.test("mkdir -p where a level is a file: a typed error naming it, nothing made below, the session in step", async () => {
  await using r = await delayRig();
  await Deno.mkdir(join(r.server.root, "www"));
  await Deno.writeTextFile(join(r.server.root, "www/assets"), "a file");
  await using client = await r.connect();
  const error = await client.mkdir("www/assets/img/icons", { recursive: true }).catch((e) => e);
  assert.ok(error instanceof FtpPermanentError, String(error));
  assert.equal(error.code, 550);
  assert.equal(error.command, "MKD www/assets", "the error is the level that is in the way");
  assert.match(error.message, /"www\/assets\/img\/icons"/);
  assert.match(
    error.message,
    /"www\/assets" is not a directory ferry can enter, and could not be created \(550 /,
  );
  assert.equal(await Deno.readTextFile(join(r.server.root, "www/assets")), "a file");
  assert.equal(await client.pwd(), "/");
  // The deepest level itself a file.
  const last = await client.mkdir("www/assets", { recursive: true }).catch((e) => e);
  assert.ok(last instanceof FtpPermanentError, String(last));
  assert.equal(last.command, "MKD www/assets");
  await client.mkdir("www/ok", { recursive: true });
  assert.ok(await isDirectory(join(r.server.root, "www/ok")));
});

Deno.test("mkdirAll: many trees in one round trip, parents first; each path's own result", async () => {
  await using r = await delayRig();
  await Deno.mkdir(join(r.server.root, "site/old"), { recursive: true });
  await Deno.writeTextFile(join(r.server.root, "site/file"), "x");
  await using client = await r.connect();
  const paths = ["site/a/b", "site/a/c", "site/old", "site/file/sub", "site/d"];
  const before = r.proxy.stats();
  const results = await client.mkdirAll(paths, { recursive: true });
  const after = r.proxy.stats();
  // The MKDs together; then the failed ones probed together.
  assert.equal(after.flights - before.flights, 2);
  assert.equal(results.length, paths.length);
  for (const i of [0, 1, 2, 4]) {
    assert.equal(results[i], undefined, `${paths[i]}: ${results[i]}`);
    assert.ok(await isDirectory(join(r.server.root, paths[i])), paths[i]);
  }
  const failed = results[3];
  assert.ok(failed instanceof FtpPermanentError, String(failed));
  assert.equal(failed.command, "MKD site/file");
  // Each level once: site, site/a, site/a/b, site/a/c, site/old, site/file, site/file/sub, site/d.
  assert.equal((after.verbs.MKD ?? 0) - (before.verbs.MKD ?? 0), 8);
  assert.equal(await client.pwd(), "/");
});

Deno.test("mkdir -p with pipelining off: the same MKDs one at a time, and an existing directory costs what it did", async () => {
  await using r = await delayRig();
  await using client = await r.connect({ pipelining: false });
  let before = r.flights();
  await client.mkdir("p/q/r", { recursive: true });
  assert.equal(r.flights() - before, 3);
  assert.ok(await isDirectory(join(r.server.root, "p/q/r")));
  before = r.flights();
  // The MKDs, then CWD in and CWD back (the login's PWD said where back is).
  await client.mkdir("p/q/r", { recursive: true });
  assert.equal(r.flights() - before, 5);
  assert.equal(await client.pwd(), "/");
});
